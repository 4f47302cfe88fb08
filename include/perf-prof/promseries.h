/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exporter's label sets, a histogram each: (reason, instance)
 * rendered as labels once, found again by them.  At most PROM_MAX_SERIES;
 * the latencies of more are counted under reason="_other", said once.
 * A -p process's name labels its series; the names are read again once
 * a second, and when an exec renamed one, what its series counted stays
 * under the old name (a frozen copy) and they go on from zero under the
 * new one.  The reader's thread only; snapshots (struct prom_row) point
 * at label strings that live until promseries_free().
 */
#ifndef PERF_PROF_PROMSERIES_H
#define PERF_PROF_PROMSERIES_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/promtext.h>
#include <perf-prof/u64map.h>

/* label sets (histograms) at most; more are counted under reason="_other" */
#define PROM_MAX_SERIES	1024
/* how often the -p processes' names are read again (an exec renames one) */
#define PROM_NAMES_EVERY_NS	1000000000ull

/* the instance labels of a histogram; -1: not a label */
struct prom_inst {
	int64_t pid, vcpu, tid, cpu;
	const char *cgroup;	/* -G: its path from the cgroup root */
};

struct prom_series;
struct promseries_proc;

struct promseries {
	/* set by the owner; the strings outlive the table */
	const char *profiler, *proc_label;
	bool qemu_names;		/* name a process by its qemu -name, else comm */
	bool verbose;			/* say when a process is renamed */

	struct prom_series **series;
	uint32_t n, cap;
	struct u64map map;		/* hash of the labels -> series index */
	struct prom_series *other;	/* past PROM_MAX_SERIES */
	struct promseries_proc *procs;
	int nprocs;
	uint64_t names_at;		/* when to read the names again */
};

/* the histogram of (@reason, @in), created on first use */
struct prom_hist *promseries_hist(struct promseries *t, const char *reason,
				  const struct prom_inst *in);
/*
 * A process (once: a pid known already is left as it is): its name now
 * (qemu -name or comm; @comm if it is gone)
 */
void promseries_add_process(struct promseries *t, int pid, const char *comm);
/* a recording's process: named @name, never by this machine's /proc */
void promseries_add_recorded(struct promseries *t, int pid, const char *name);
/* the names read again, when a second passed since the last time (@now: monotonic ns) */
void promseries_names(struct promseries *t, uint64_t now);
/* rows for a snapshot: promseries_count() of them */
uint32_t promseries_count(const struct promseries *t);
/* row @i (< promseries_count(); the last may be "other") into @out: pointers into @t */
void promseries_row(const struct promseries *t, uint32_t i, struct prom_row *out);
/* free every series and table; @t is zeroed */
void promseries_free(struct promseries *t);

#endif
