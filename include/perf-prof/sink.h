/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the latency profiler does with a pair: it hands it to each sink of
 * the run.  Pairing (profilers/latency.c) knows none of them; every
 * consumer of pairs is one sink, chosen once when a run starts
 * (profilers/latency-run.c, choose_sinks()):
 *
 *   the statistics   rows per (instance, key), t-digests   sink-stats.c
 *   --offcpu         the scheduled-out part of each pair     sink-offcpu.c
 *   --top-rip        guest addresses per row                 sink-rips.c
 *   --heatmap        "<time> <latency>" lines                sink-heatmap.c
 *   --than           both raw events of a slow pair          sink-dump.c
 *   --prometheus     a histogram per row                     sink-export.c
 *
 * A new consumer is one new module: a struct lat_sink_ops with pair() at
 * least, a constructor that adds it (lat_sinks_add()) and sets what it
 * needs (below), and one line in choose_sinks() that calls it when its
 * option is given.
 *
 * What a sink may ask for, in its struct lat_sink:
 *  - companion events: records of other events that fire between a begin
 *    and its end on the same thread (kvm:kvm_pio, kvm:kvm_userspace_exit).
 *    Named in .events, they are opened live and found in a recording; each
 *    of their records goes to ops->record(), with the pairing table, where
 *    pair_pending_at() finds the pending begin of the record's thread;
 *  - side data: .nside 64-bit words on every pending begin (begin->side,
 *    from index .side), zero at each begin, for what ops->record() learns
 *    about the begin; pair() reads them back from p->begin;
 *  - the begin record's bytes (.keep_begin): p->begin->raw holds them;
 *  - context-switch records (.switches), to ops->record() too.
 *
 * The order of calls, all on the engine's thread:
 *   setup()                         once the event formats are known
 *   record(), pair()  ...           as records come, in time order per thread
 *   interval()                      after each interval's tables are printed
 *   tick()                          live, between records (the exporter)
 *   close()                         once, at the end, also of a failed run
 */
#ifndef PERF_PROF_SINK_H
#define PERF_PROF_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/engine.h>
#include <perf-prof/pair.h>
#include <perf-prof/record.h>
#include <perf-prof/stats.h>

#define LAT_SINKS_MAX	12
#define LAT_SINK_EVENTS	10	/* --detail and --vmm read ten */

/* what the instance of a pair is: the tables a run prints */
enum inst_kind {
	INST_ALL,	/* one table: inst 0 */
	INST_THREAD,	/* per thread: the tid */
	INST_CPU,	/* per CPU: the begin's cpu */
	INST_VM,	/* per process (-p): the pid */
	INST_CGROUP,	/* per cgroup (-G): its index in -G's list */
};

/* one pair: a begin and the end of the same thread after it */
struct lat_pair {
	/*
	 * The pending begin the end closed: its time, cpu, buf, pid, tid,
	 * the class's key (exit reason) and aux (guest RIP), its bytes when
	 * a sink asked (raw, raw_size), the side data the sinks' record()
	 * left (side[]).  When a recording of begin events alone is counted,
	 * the begin record as such (no bytes, no side data), @end the record
	 * itself and @lat 0.
	 */
	struct pair_pending *begin;
	const struct pp_record *end;	/* the end record: tid, pid, cpu, time, raw */
	uint64_t lat;			/* end->time - begin->time, ns */
	/*
	 * What the class's extra column gains (ns in guest kernel mode; an
	 * error); a counted begin: 1 if it counts in the share column.
	 */
	uint64_t extra;
	uint64_t inst;			/* the table it counts in (enum inst_kind) */
	/*
	 * The statistics' row it counted in (row->inst, row->key): set by
	 * the statistics sink, which is added before every sink that reads it.
	 */
	struct lat_row *row;
};

/* what a run counted beside its pairs, for the sinks that report it */
struct lat_totals {
	uint64_t lost;		/* records lost over the whole run */
	uint64_t dropped;	/* begins dropped: a gap or a late record could have hidden their end */
};

struct lat_sink;

struct lat_sink_ops {
	const char *name;
	/*
	 * The formats are known (@sk->ids holds the ids of @sk->events, -1
	 * for one a recording lacks; set one to -1 to stop its records).  0,
	 * or the exit code (1 environment, 2 usage) with a message.  NULL: no
	 * setup.
	 */
	int (*setup)(struct lat_sink *sk, const struct engine_info *info, char *err,
		     size_t errlen);
	/* a pair (the statistics set p->row; the others only read p) */
	void (*pair)(void *self, struct lat_pair *p);
	/* a record of a companion event, or a context switch; NULL: none asked */
	void (*record)(void *self, struct pair_table *pairs, const struct pp_record *rec);
	/*
	 * A companion record came too late to be put in order and is dropped
	 * (--order-mem): drop the pending begins it would have changed with
	 * pair_drop().  NULL: the pending begin of rec->tid is dropped.
	 */
	void (*late)(void *self, struct pair_table *pairs, const struct pp_record *rec);
	/*
	 * A recording of begin events alone is counted, without latencies:
	 * the ops to count with (pair() then gets the begin record and lat 0).
	 * NULL: the sink leaves the run (closed as a failed run closes it).
	 */
	const struct lat_sink_ops *(*counts)(void *self);
	/* the interval ending at @time was printed; NULL: nothing to do */
	void (*interval)(void *self, uint64_t time, bool final, const struct lat_totals *t);
	/* live, every engine tick; NULL: nothing to do */
	void (*tick)(void *self, const struct lat_totals *t);
	/*
	 * The end of the run, whose exit code is @code (non-zero: the run
	 * failed, maybe before it started): write what is left and free
	 * @self.  Returns the exit code (1 if a last write failed).
	 */
	int (*close)(void *self, int code, const struct lat_totals *t);
};

struct lat_sink {
	void (*pair)(void *self, struct lat_pair *p);	/* ops->pair */
	void *self;
	const struct lat_sink_ops *ops;
	const char *events[LAT_SINK_EVENTS];	/* companion events, "sys:name" */
	int ids[LAT_SINK_EVENTS];		/* their event ids, after setup */
	int nevents;
	bool switches;		/* context-switch records to record() */
	bool keep_begin;	/* pair() reads p->begin->raw */
	uint32_t side, nside;	/* its side data: p->begin->side[side .. side + nside) */
};

/* the sinks of a run, in the order pairs visit them */
struct lat_sinks {
	struct lat_sink v[LAT_SINKS_MAX];
	int n;
	struct lat_sink *last;	/* v + n - 1 */
	uint32_t nside;		/* side words taken, PAIR_SIDE at most */
	int nread;		/* event ids read, after setup */
};

/*
 * Add a sink with @nside words of side data; the caller sets its events
 * and flags in the returned entry.  Aborts when LAT_SINKS_MAX or
 * PAIR_SIDE would be exceeded: a build-time limit, not an input.
 */
struct lat_sink *lat_sinks_add(struct lat_sinks *s, const struct lat_sink_ops *ops, void *self,
			       uint32_t nside);
/* the formats are known: ids of the sinks' events, then each setup(); 0 or an exit code */
int lat_sinks_setup(struct lat_sinks *s, const struct engine_info *info, char *err,
		    size_t errlen);
/* counting begins alone: each sink's counts() ops, or it leaves */
void lat_sinks_counts(struct lat_sinks *s);
/* the sink that reads event @id, NULL if none */
struct lat_sink *lat_sinks_find_reader(struct lat_sinks *s, int id);

static inline struct lat_sink *lat_sinks_reader(struct lat_sinks *s, int id)
{
	return s->nread ? lat_sinks_find_reader(s, id) : NULL;
}
/* does any sink read context switches, or the begin's bytes? */
bool lat_sinks_switches(const struct lat_sinks *s);
bool lat_sinks_keep_begin(const struct lat_sinks *s);
/* each sink's interval() in order: the interval ending at @time was printed */
void lat_sinks_interval(struct lat_sinks *s, uint64_t time, bool final,
			const struct lat_totals *t);
/* each sink's tick() in order: live, every engine tick */
void lat_sinks_tick(struct lat_sinks *s, const struct lat_totals *t);
/* close every sink (in order), once; the run's exit code */
int lat_sinks_close(struct lat_sinks *s, int code, const struct lat_totals *t);

/*
 * Hand @p to every sink, in order (a run has one at least: the
 * statistics).  The last call is a tail call when @p outlives the caller.
 */
static inline void lat_sinks_pair(const struct lat_sinks *s, struct lat_pair *p)
{
	const struct lat_sink *k;

	for (k = s->v; k < s->last; k++)
		k->pair(k->self, p);
	s->last->pair(s->last->self, p);
}

#endif
