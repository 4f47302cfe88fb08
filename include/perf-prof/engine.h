/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared engine: a profiler is a table of callbacks; the engine finds
 * the events, opens the source (live ring buffers or a perf.data file),
 * orders records when needed, and drives the callbacks and the interval
 * clock.  Profilers never touch perf_event_open or the file format.
 */
#ifndef PERF_PROF_ENGINE_H
#define PERF_PROF_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/clock.h>
#include <perf-prof/idlist.h>
#include <perf-prof/record.h>

struct tep_handle;

/* what the profiler learns before the first record */
struct engine_info {
	struct tep_handle *tep;		/* the event formats */
	bool switches;			/* context-switch records come (asked live, or recorded) */
	struct pp_clock clock;		/* event time to wall clock, for printers */
};

struct profiler_ops {
	/*
	 * The event formats are known: bind fields.  0, or the exit code
	 * (1 environment, 2 usage) with a message.
	 */
	int (*setup)(void *ctx, const struct engine_info *info, char *err, size_t errlen);
	/* a tracepoint sample, or a PP_REC_SWITCH_* record */
	void (*sample)(void *ctx, const struct pp_record *rec);
	/* records were lost (or throttled) on rec->buf before rec->time */
	void (*lost)(void *ctx, const struct pp_record *rec);
	/* an interval ended at event time @time (final: the last one) */
	void (*interval)(void *ctx, uint64_t time, bool final);
	/*
	 * --order-mem ran out: @rec is delivered before records older than
	 * it may have arrived, so it may open a pair but not close one
	 * (what lies between might still come).  NULL: no early handling.
	 */
	void (*early)(void *ctx, const struct pp_record *rec);
	/* @rec came too late to be put in order and is dropped: the pairs it may split go too */
	void (*late)(void *ctx, const struct pp_record *rec);
	/* live: at least every cfg->tick_ns, after the records read so far */
	void (*tick)(void *ctx);
};

struct engine_cfg {
	const char *events[4];		/* "sys:name" */
	const char *filters[4];		/* per event, or NULL */
	int nev;
	const char *input;		/* perf.data path, "-" = stdin, NULL = live */
	struct id_list cpus;		/* -C, or every online CPU */
	struct id_list tids;		/* -p/-t expanded to threads */
	struct id_list procs;		/* -p: follow their new threads */
	bool per_thread;
	int pages;			/* -m */
	int rt_prio;			/* -r: SCHED_FIFO for the reader */
	uint64_t interval_ns;		/* -i, 0 = one table at the end */
	uint64_t tick_ns;		/* ops->tick period, 0 = none */
	bool order;			/* merge buffers by time */
	uint64_t order_mem;
	bool switches;			/* live: ask for context-switch records */
	int verbose;
	/* what a recording's lost records cost, for the end-of-file note;
	 * setup() may set it (NULL: "pairs across the gaps were dropped") */
	const char *lost_note;
};

struct engine_stats {
	uint64_t samples, lost, lost_records, throttled;
	uint64_t forced, late;		/* --order-mem: delivered early, dropped late */
	uint64_t unknown_ids;		/* perf.data samples of no declared id */
	uint64_t order_mem_peak;
	int nbuf;
};

/*
 * Run until SIGINT/SIGTERM, until every traced thread has exited, or to
 * the end of the input file.  Returns the process exit code.
 */
int engine_run(struct engine_cfg *cfg, const struct profiler_ops *ops, void *ctx,
	       struct engine_stats *st);

/* has a stop been asked for (SIGINT, SIGTERM, SIGHUP, engine_request_stop())? */
bool engine_stopping(void);
/* end the run as a stop signal does (the output failed) */
void engine_request_stop(void);

#endif
