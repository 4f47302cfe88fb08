/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The latency profiler's sinks (sink.h), one file each: their
 * constructors, as latency-run.c's choose_sinks() calls them.  Each adds
 * its sink to @s, or returns -1 with a message (its file could not be
 * opened).
 */
#ifndef PERF_PROF_SINKS_H
#define PERF_PROF_SINKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <perf-prof/latency.h>
#include <perf-prof/sink.h>

/* a -p process: its pid and name, for per-VM labels */
struct vm_names;

struct lat_proc {
	int pid;
	char comm[32];
};

/*
 * The statistics: the row of (p->inst, p->key) in @stats; with
 * @label_vcpu a per-thread table learns its vCPU id from the first end.
 * Always the first sink, since later ones read p->in and p->row.
 */
void sink_stats_add(struct lat_sinks *s, struct lat_stats *stats, const struct lat_class *cls,
		    void *cls_state, bool label_vcpu);
/* --offcpu: the scheduled-out part of each pair into row->sched; its side words */
uint32_t sink_offcpu_add(struct lat_sinks *s, bool recording);
/* the ns pending begin @p spent scheduled out up to @now, as --offcpu's side words say */
uint64_t sink_offcpu_sched(const struct pair_pending *p, uint32_t side, uint64_t now);
/* --top-rip: each pair's guest address (aux) into row->rips */
void sink_rips_add(struct lat_sinks *s, struct lat_stats *stats);
/*
 * --heatmap BASE: BASE.lat, renamed into place when the run succeeds;
 * each line names its pair's key as @cls does.  -1 with errno as
 * heatmap_open() left it.
 */
int sink_heatmap_add(struct lat_sinks *s, const char *base, const struct lat_class *cls,
		     void *cls_state, char *err, size_t errlen);
/* --than: both records of every pair of at least @than_ns on @out; counted in *@dumped */
void sink_dump_add(struct lat_sinks *s, FILE *out, const struct lat_class *cls, void *cls_state,
		   uint64_t than_ns, bool than_idle, uint64_t *dumped);

/* what --detail and --vmm are told */
struct sink_detail_cfg {
	unsigned want;			/* KVM_WANT_DETAIL, KVM_WANT_VMM */
	bool recording;			/* --input: either architecture's events */
	const char *input;		/* its name, for messages */
	int offcpu_side;		/* --offcpu's side words, -1 without */
	int verbose;
};
struct sink_detail;
/*
 * --detail, --vmm: each pair's sub-row (by its companion events) under
 * its reason, and the VMM's part of it into row->vmm*.  After the
 * statistics (and --offcpu, which it reads).  Its self, for the printers.
 */
struct sink_detail *sink_detail_add(struct lat_sinks *s, const struct sink_detail_cfg *cfg);
/* the sub-rows under row @r, NULL if it has none with a key */
const struct lat_inst *sink_detail_subrows(void *self, const struct lat_row *r);
/* a sub-row's name: "0x3f8 out" */
void sink_detail_name(void *self, uint64_t key, char *buf, size_t len);

/* what the exporter is told */
struct sink_export_cfg {
	struct lat_stats *stats;	/* the rows: their instances label the histograms */
	const struct lat_class *cls;
	void *cls_state;
	enum inst_kind kind;
	const struct lat_proc *procs;	/* -p */
	int nproc;
	const char *const *cgroups;	/* -G: their paths from the cgroup root */
	const struct vm_names *vms;	/* --pervm: each VM's name, as the tables say it */
	bool recording;			/* --input: names are the recording's */
	const char *listen;		/* --prometheus HOST:PORT, or NULL */
	const char *textfile;		/* --prometheus-textfile, or NULL */
	bool interval;			/* -i given: the textfile goes at each interval */
	int verbose;
};
/* --prometheus, --prometheus-textfile: serving from now on */
int sink_export_add(struct lat_sinks *s, const struct sink_export_cfg *cfg, char *err,
		    size_t errlen);

#endif
