/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where records come from.  Three sources share this face: the live ring
 * buffers (source_live_open: perf_event_open per CPU or per thread), and
 * a perf.data recording, file or pipe (source_file_open).  The engine
 * drives any of them with one loop (core/engine.c):
 *
 *	formats()  setup  start()
 *	loop:  next() until 0;  exhausted()?  wait()
 *	stop();  next() until 0
 *
 * next() hands out records a batch at a time, each buffer's records in
 * time order, with a sequence number that rises in read order (ties in
 * time go out in it).  A LOST or THROTTLE record is a record too: the
 * engine counts it and dates it (core/gaps.c), the source does not.
 */
#ifndef PERF_PROF_SOURCE_H
#define PERF_PROF_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/clock.h>
#include <perf-prof/idlist.h>
#include <perf-prof/record.h>

struct tep_handle;

#define SOURCE_BATCH	64

#define SOURCE_SORT_MIN	(4ull << 20)
#define SOURCE_SORT_HOLD (16ull << 20)	/* what a sorted recording keeps mapped at most */

struct source_batch {
	struct pp_record rec[SOURCE_BATCH];
	uint64_t seq[SOURCE_BATCH];	/* read order; file sources: the file offset */
	int n;
};

/* events a source reads at most: begin, end and what --detail, --vmm, --offcpu read */
#define SOURCE_MAX_EVENTS	12

/* what a source is asked to read */
struct source_cfg {
	const char *events[SOURCE_MAX_EVENTS];	/* "sys:name" */
	const char *filters[SOURCE_MAX_EVENTS];	/* per event, or NULL */
	int nev;
	const char *input;		/* perf.data path, "-" = stdin, NULL = live */
	struct id_list cpus;		/* -C, or every online CPU (-p, -t, -G: unused) */
	struct id_list tids;		/* -t: threads */
	struct id_list procs;		/* -p: processes, each thread of each */
	bool per_thread;		/* -p or -t: their threads and those they start */
	const char *const *cgroups;	/* -G: cgroup v2 directories, absolute paths */
	int ncgroup;
	int pages;			/* -m */
	int rt_prio;			/* -r: SCHED_FIFO for the reader */
	bool switches;			/* live: ask for context-switch records */
	/*
	 * The engine's merge bound (engine_cfg.order_mem): a recording the
	 * source merges itself keeps about this much of it mapped at most;
	 * below SOURCE_SORT_MIN it leaves the merge to the engine's queue,
	 * which delivers early past the bound.
	 */
	uint64_t order_mem;
	int verbose;
};

/* one buffer of a source, for messages and the losses it never reported */
struct source_buffer {
	const char *kind;		/* "thread" or "CPU" */
	int id;				/* its thread or CPU */
	uint32_t cpu, tid;		/* as a record of it says (-1 = any) */
	int64_t lost_total;		/* the kernel's own count of its losses, -1 unknown */
};

/*
 * -G: the cgroup (an index into cfg->cgroups) of a live record's buffer:
 * each cgroup has a ring on each CPU of cfg->cpus, in that order
 */
static inline uint32_t source_cgroup_of(const struct source_cfg *cfg, int32_t buf)
{
	return cfg->cpus.n ? (uint32_t)buf / (uint32_t)cfg->cpus.n : 0;
}

struct source;

struct source_ops {
	/* the event formats (with switches and clock set); NULL + message if none */
	struct tep_handle *(*formats)(struct source *s, char *err, size_t errlen);
	/* start producing records (live: open, enable); 0, or the exit code + message */
	int (*start)(struct source *s, char *err, size_t errlen);
	/* the next records: n > 0, 0 none for now (a pass is over), -1 + message */
	int (*next)(struct source *s, struct source_batch *b, char *err, size_t errlen);
	/*
	 * After next() returned 0: can no record come any more?  (A file: the
	 * end.  Live: every traced thread exited, and the -p processes started
	 * none since, which this looks for.)
	 */
	bool (*exhausted)(struct source *s);
	/* wait up to @timeout_ms for records; -1 if waiting failed */
	int (*wait)(struct source *s, int timeout_ms);
	/* stop producing; next() then hands out what is left (NULL: nothing is) */
	void (*stop)(struct source *s);
	/* by-reference sources: the records before @seq are no longer used */
	void (*release)(struct source *s, uint64_t seq);
	/* buffer @i as struct source_buffer says */
	void (*buffer)(struct source *s, int i, struct source_buffer *out);
	/* what is left to say on stderr at the end (samples a recording could not place) */
	void (*summary)(struct source *s);
	/* a recording's name of thread @tid (its COMM records), NULL unknown; NULL op: none */
	const char *(*comm)(struct source *s, uint32_t tid);
	/*
	 * Sorted sources: the run reads the samples of these tracepoint ids
	 * only (profiler_ops.uses); the others may be dropped, counted in
	 * ->unused.  NULL: every sample comes.
	 */
	void (*use)(struct source *s, const int *ids, int n);
	void (*close)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	const char *name;	/* for messages: the recording's path; NULL live */
	/*
	 * Live: records come as things happen, stamped on this machine's
	 * clock; buffers can overflow and threads come and go.  Otherwise a
	 * recording, read as fast as it goes, on its own clock.
	 */
	bool live;
	bool merge;		/* buffers interleave in time: the engine must merge them */
	bool by_ref;		/* a record's payload stays valid until released */
	bool switches;		/* context-switch records come */
	/*
	 * The source merges its buffers by time itself (a recording file):
	 * records come in time order, LOST and THROTTLE records already
	 * dated to the next record of their buffer (the engine only counts
	 * them), no FINISHED_ROUND.  It keeps what the engine's view of the
	 * recording needs, up to date after each next(): the newest record
	 * time it read, the samples it dropped (ops->use), its tables' peak.
	 */
	bool sorted;
	uint64_t newest, unused, mem_peak;
	struct pp_clock clock;	/* event time to wall clock */
	int nbuf;		/* buffers so far (records' buf is below) */
	int pages;		/* live: data pages per buffer (-m), for loss messages */
};

/*
 * The live source: formats from tracefs now, events opened by start().
 * NULL + message (exit code in *@code) on failure.
 */
struct source *source_live_open(const struct source_cfg *cfg, char *err, size_t errlen,
				int *code);
/*
 * A recording (cfg->input).  @stopping ends a read that a signal
 * interrupted.  NULL + message (exit code in *@code; 0 and no message when
 * a stop came first).
 */
struct source *source_file_open(const struct source_cfg *cfg, bool (*stopping)(void),
				char *err, size_t errlen, int *code);

/* thread @tid's name as the source knows it (a recording's COMM records), or NULL */
static inline const char *source_comm(struct source *s, uint32_t tid)
{
	return s && s->ops->comm ? s->ops->comm(s, tid) : NULL;
}

/*
 * A perf record --threads directory (cfg->input: DIR, or DIR/data whose
 * reader @head is, then owned by the source; NULL: opened here): the
 * header file and DIR/data.N merged by time.  As source_file_open().
 */
struct perfdata;
struct source *source_dir_open(const struct source_cfg *cfg, struct perfdata *head,
			       bool (*stopping)(void), char *err, size_t errlen, int *code);

/*
 * trace-cmd's trace.dat (cfg->input), read by libtracecmd: its CPUs'
 * buffers merged by time.  As source_file_open().
 */
struct source *source_tracecmd_open(const struct source_cfg *cfg, char *err, size_t errlen,
				    int *code);
/* do the first @n bytes at @p begin a trace.dat ("\x17\x08\x44tracing")? */
bool source_is_tracedat(const unsigned char *p, size_t n);

/*
 * A source over another (source/wrap.c): each call of @w->ops goes on to
 * @in, but those the wrapper sets itself after source_wrap_init(); a
 * wrapper's struct begins with its struct source_wrap, and closing it
 * closes @in and frees it.  The fields of @w->s are @in's, copied again by
 * source_wrap_mirror() (the delegated calls do it).
 */
struct source_wrap {
	struct source s;
	struct source *in;
	struct source_ops ops;
};
void source_wrap_init(struct source_wrap *w, struct source *in);
void source_wrap_mirror(struct source_wrap *w);

/*
 * @in replayed at its own pace (--replay): each sample handed on no sooner
 * than its time after the first, divided by @speed (1: as recorded), on
 * this machine's clock.  Closing it closes @in.  NULL when out of memory.
 */
struct source *source_paced_open(struct source *in, double speed);

/*
 * @in for as long as the run is asked to last: until @duration_ns has
 * passed since its start (0: no limit), or until the command @cmd ran
 * (NULL: none; it is started, after the events are enabled, by start()).
 * Closing it closes @in.  NULL when out of memory.
 */
struct workload;
struct source *source_runlen_open(struct source *in, uint64_t duration_ns, struct workload *cmd);

#endif
