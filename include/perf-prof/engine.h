/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine: one loop that takes records from a source (live ring
 * buffers or a recording, source.h), dates and counts their gaps
 * (gaps.h), merges buffers by time when they interleave (order.h), and
 * hands each record to a profiler, a table of callbacks, in time order;
 * it keeps the interval clock and says when an interval ends.  Profilers
 * never touch perf_event_open or the file format.
 */
#ifndef PERF_PROF_ENGINE_H
#define PERF_PROF_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/clock.h>
#include <perf-prof/record.h>
#include <perf-prof/source.h>

struct tep_handle;

/* what the profiler learns before the first record */
struct engine_info {
	struct tep_handle *tep;		/* the event formats */
	bool switches;			/* context-switch records come (asked live, or recorded) */
	struct pp_clock clock;		/* event time to wall clock, for printers */
	bool merged;			/* records come merged by time (else per buffer in order) */
	struct source *src;		/* for source_comm(): a recording's thread names */
};

struct profiler_ops {
	/*
	 * The event formats are known: bind fields.  0, or the exit code
	 * (1 environment, 2 usage) with a message.
	 */
	int (*setup)(void *ctx, const struct engine_info *info, char *err, size_t errlen);
	/*
	 * Every record, in time order: a tracepoint sample, a context switch
	 * (PP_REC_SWITCH_*), or a gap (PP_REC_LOST, PP_REC_THROTTLE: records
	 * lost on rec->buf before rec->time).  The merge calls it straight,
	 * hence the order of its arguments (order.h's order_cb).
	 */
	void (*record)(const struct pp_record *rec, void *ctx);
	/* an interval ended at event time @time (final: the last one) */
	void (*interval)(void *ctx, uint64_t time, bool final);
	/*
	 * --order-mem ran out: @rec is delivered before records older than
	 * it may have arrived, so it may open a pair but not close one
	 * (what lies between might still come).  NULL: no early handling.
	 */
	void (*early)(void *ctx, const struct pp_record *rec);
	/*
	 * @rec came too late to be put in order and is dropped: the pairs it
	 * may split go too (a gap goes to record() still)
	 */
	void (*late)(void *ctx, const struct pp_record *rec);
	/* live: at least every cfg->tick_ns, after the records read so far */
	void (*tick)(void *ctx);
	/*
	 * After setup: the tracepoint ids (common_type) whose samples the
	 * profiler reads, at most @max, into @ids: how many, or -1 for "all".
	 * A recording's source then drops the others before they are
	 * queued.  A profiler that reads more events (companions of a
	 * detail view) lists them here too.  NULL: every sample.
	 */
	int (*uses)(void *ctx, int *ids, int max);
};

struct engine_cfg {
	uint64_t interval_ns;		/* -i, 0 = one table at the end */
	uint64_t tick_ns;		/* ops->tick period, live, 0 = none */
	bool order;			/* merge buffers by time even if they need not be */
	uint64_t order_mem;		/* the merge's memory bound */
	/* what a recording's lost records cost, for the end-of-file note;
	 * setup() may set it (NULL: "pairs across the gaps were dropped") */
	const char *lost_note;
	int verbose;			/* -v: each buffer's losses */
};

struct engine_stats {
	uint64_t samples, lost, lost_records, throttled;
	uint64_t forced, late;		/* --order-mem: delivered early, dropped late */
	uint64_t order_mem_peak;
};

/*
 * Run @src (opened, not started; the caller closes it) until @stopping()
 * says so, until every traced thread has exited, or to the end of the
 * recording.  Returns the process exit code.
 */
int engine_run(struct source *src, const struct engine_cfg *cfg, const struct profiler_ops *ops,
	       void *ctx, bool (*stopping)(void), struct engine_stats *st);

#endif
