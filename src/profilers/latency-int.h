/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the latency profiler (latency.h is its face): the state of a
 * run, shared by its three files:
 *   latency.c        the engine's callbacks: pairing, statistics, gaps
 *   latency-print.c  the end of an interval: the tables, JSON lines, the
 *                    exporter's snapshot; the table's columns and names
 *   latency-run.c    a run: targets, exporter, guest symbols, the engine,
 *                    the summary
 */
#ifndef PERF_PROF_LATENCY_INT_H
#define PERF_PROF_LATENCY_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <perf-prof/clock.h>
#include <perf-prof/engine.h>
#include <perf-prof/latency.h>
#include <perf-prof/pair.h>
#include <perf-prof/sink.h>
#include <perf-prof/stats.h>
#include <perf-prof/table.h>
#include <perf-prof/tep.h>
#include "sinks.h"
#include "vm-names.h"

struct source;
struct tui;

struct lat_ctx {
	const struct lat_class *cls;
	struct workload *cmd;	/* -- COMMAND, forked and held until tracing starts */
	void *cls_state;	/* the class's bound fields and caches */
	struct lat_env *env;
	struct engine_cfg *cfg;
	struct tep_handle *tep;
	int begin_id, end_id;
	int filtered_id;	/* --filter on --input: the begin event (begin_id -1), else -1 */
	int count_id;		/* counts mode: the begin event, else -1 */
	bool counts;		/* a recording of begin events only: counted */
	enum inst_kind kind;
	bool by_time;		/* records arrive merged by time */
	struct pp_clock clock;	/* event times to wall-clock times */
	/*
	 * Fixed for the run, copied here so the per-record path reads one
	 * field instead of following c->env and c->cls.
	 */
	uint64_t (*key)(const void *st, const struct pp_record *begin, uint64_t *aux);
	uint64_t (*extra)(const void *st, const struct pp_record *end, uint64_t aux, uint64_t lat);
	bool vcpu_filter;	/* --vcpu */
	struct ev_filter *begin_filter;	/* --filter on --input */
	char *filter;		/* --filter with names rewritten, or NULL */
	bool switches;		/* a sink reads context switches */
	struct pair_table pairs;
	struct lat_sinks sinks;	/* what is done with a pair, in order */
	struct lat_pair pair;	/* the pair the sinks are given (outlives on_end()) */
	struct pair_pending counted;	/* counts mode: the begin record counted */
	struct lat_stats stats;
	struct table_style style;
	uint64_t lost_total;	/* of the run, for the exporter */
	struct guestsym *syms;	/* --vmlinux, --kallsyms */
	uint64_t paired, dumped, lost_interval, filtered;
	uint64_t printed;	/* tables or JSON lines with rows, over the run */
	uint64_t filtered_begins;	/* begins --filter left out of a recording */
	int npid;
	struct lat_proc *pids;	/* -p, for per-VM labels */
	struct vm_names vms;	/* per-VM tables: each process's name */
	char vm_type[16];	/* a VM's JSON "type": "vm", or "process" for syscalls */
	const struct source_cfg *src_cfg;	/* -G: which buffers are whose cgroup */
	FILE *out;
	struct source *src;	/* names the threads of a recording */
	struct tui *tui;	/* --tui: the screen the intervals go to */
	const struct pp_stop *stop;	/* q on the screen asks for the end */
};

/* begins dropped because a gap or a late record could have hidden their end */
static inline uint64_t lat_dropped_pairs(const struct lat_ctx *c)
{
	return c->pairs.invalidated + c->pairs.dropped;
}

/* what the exporter reports beside its histograms */
static inline struct lat_totals lat_totals_of(const struct lat_ctx *c)
{
	struct lat_totals t = { c->lost_total, lat_dropped_pairs(c) };

	return t;
}

/* latency.c: the callbacks the engine drives */
extern const struct profiler_ops lat_ops;

/* latency-print.c */
void lat_interval(void *arg, uint64_t time, bool final);
/* the engine's tick (@arg: the lat_ctx): lat_sinks_tick() with the run's totals */
void lat_tick(void *arg);
/* --tui: the screen, once the source is open (0), or -1 + message; closed at the end */
int lat_tui_open(struct lat_ctx *c, char *err, size_t errlen);
/* the terminal back as it was (idempotent; a run without --tui: nothing) */
void lat_tui_close(struct lat_ctx *c);
/* the table's columns and names, as the class and options say */
void lat_setup_style(struct lat_ctx *c);
/* the "file:line" column of --vmlinux with line tables */
void lat_rip_line(void *arg, uint64_t rip, char *buf, size_t len);

#endif
