/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pairing begin and end records per thread.  Each thread id has at most
 * one pending begin.  An end pairs only with a pending begin of the same
 * tid delivered before it and stamped no later (a coarse clock can stamp
 * both alike: a pair of latency 0); a lost-records gap invalidates the
 * pending begins it may have hidden the end of, so no latency is ever
 * invented.
 *
 * Per record: pair_begin() for a begin, pair_end() for an end,
 * pair_pending_at() for a record of another event that falls between
 * them (a companion event, a context switch).
 */
#ifndef PERF_PROF_PAIR_H
#define PERF_PROF_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/record.h>

#define PAIR_SIDE	6	/* side words per pending begin */

/* a begin that waits for its end: what its record said */
struct pair_pending {
	uint32_t tid;
	uint32_t used;		/* slot holds this tid */
	uint32_t valid;		/* a begin waits for its end */
	uint32_t cpu;
	int32_t buf;
	uint32_t pid;
	uint64_t time;
	uint64_t key;		/* the profiler's key of the begin */
	uint64_t aux;		/* begin-side data of the profiler */
	/* what records between begin and end said (zero at each begin) */
	uint64_t side[PAIR_SIDE];
	uint32_t raw_size, raw_cap;
	void *raw;		/* copy of the begin record, when kept */
};

struct pair_table {
	struct pair_pending *slot;	/* never NULL between pair_init and pair_free */
	uint32_t cap, n;
	uint32_t mask;			/* cap - 1 */
	uint32_t nside;			/* side words cleared at each begin */
	bool keep_raw;			/* copy each begin record's bytes */
	bool begin_more;		/* nside || keep_raw: a begin does more than note */
	uint64_t invalidated;	/* pending begins dropped by lost records */
	uint64_t unmatched;	/* ends without a usable begin */
	uint64_t backwards;	/* ends stamped before their begin */
	uint64_t dropped;	/* pending begins dropped by pair_drop() */
};

/*
 * An empty table whose begins keep a copy of their record (@keep_raw)
 * and @nside side words (at most PAIR_SIDE).
 */
void pair_init(struct pair_table *t, bool keep_raw, uint32_t nside);
/* free the slots and the begins' copies; @t is zeroed */
void pair_free(struct pair_table *t);

/* the home slot of @tid: where it is unless it collided */
static inline struct pair_pending *pair_home(const struct pair_table *t, uint32_t tid)
{
	return &t->slot[(tid * 2654435761u) & t->mask];
}

/* a begin of @rec noted in its slot @p (pair_begin()'s part every begin does) */
static inline void pair_note(struct pair_pending *p, const struct pp_record *rec)
{
	p->valid = 1;
	p->time = rec->time;
	p->cpu = rec->cpu;
	p->buf = rec->buf;
	p->pid = rec->pid;
}

/* the parts of pair_begin() and pair_end() past the home slot: call those */
struct pair_pending *pair_begin_probe(struct pair_table *t, const struct pp_record *rec);
struct pair_pending *pair_end_probe(struct pair_table *t, uint32_t tid, uint64_t time);

/*
 * A begin: @rec's thread now waits for its end, with the record's time,
 * cpu, buf and pid (and bytes, if kept; side words zero); a begin still
 * pending for it is replaced.  The caller sets key and aux of the
 * returned begin.
 */
static inline struct pair_pending *pair_begin(struct pair_table *t, const struct pp_record *rec)
{
	struct pair_pending *p = pair_home(t, rec->tid);

	if (p->used && p->tid == rec->tid && !t->begin_more) {
		pair_note(p, rec);
		return p;
	}
	return pair_begin_probe(t, rec);
}

/*
 * An end of @tid at @time: the pending begin it closes (no longer
 * pending; valid until the next begin of @tid), or NULL, counted as
 * unmatched (no begin) or backwards (a begin stamped after it).
 */
static inline struct pair_pending *pair_end(struct pair_table *t, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = pair_home(t, tid);

	/* valid implies used: only pair_begin's slots are ever made valid */
	if (p->tid == tid && p->valid && time >= p->time) {
		p->valid = 0;
		return p;
	}
	return pair_end_probe(t, tid, time);
}

/*
 * The pending begin of @tid that a record at @time falls after, NULL if
 * none: where a record between begin and end leaves what it says.
 */
struct pair_pending *pair_pending_at(struct pair_table *t, uint32_t tid, uint64_t time);
/*
 * A record of @tid at @time is lost to the profiler: a pending begin of
 * @tid not newer than it is dropped (counted in t->dropped), since its
 * pair could be wrong.
 */
void pair_drop(struct pair_table *t, uint32_t tid, uint64_t time);
/* a gap on buffer @buf: drop pending begins recorded in it */
void pair_invalidate_buf(struct pair_table *t, int buf);
/* a gap ending at @time in a merged stream: drop begins not newer than @time */
void pair_invalidate_before(struct pair_table *t, uint64_t time);

#endif
