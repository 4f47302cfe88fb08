/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pairing begin and end records per thread.  Each thread id has at most
 * one pending begin.  An end pairs only with a pending begin of the same
 * tid delivered before it and stamped no later (a coarse clock can stamp
 * both alike: a pair of latency 0); a lost-records gap invalidates the
 * pending begins it may have hidden the end of, so no latency is ever
 * invented.
 */
#ifndef PERF_PROF_PAIR_H
#define PERF_PROF_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pair_pending {
	uint32_t tid;
	uint32_t used;		/* slot holds this tid */
	uint32_t valid;		/* a begin waits for its end */
	uint32_t cpu;
	int32_t buf;
	uint32_t pid;
	uint64_t time;
	uint64_t key;
	uint64_t aux;		/* begin-side data of the profiler */
	uint64_t out_since;	/* scheduled out at, 0 = on a CPU */
	uint64_t sched;		/* ns scheduled out since the begin */
	uint32_t raw_size, raw_cap;
	void *raw;		/* copy of the begin record, when kept */
};

struct pair_table {
	struct pair_pending *slot;	/* never NULL between pair_init and pair_free */
	uint32_t cap, n;
	uint32_t mask;			/* cap - 1 */
	uint64_t invalidated;	/* pending begins dropped by lost records */
	uint64_t unmatched;	/* ends without a usable begin */
	uint64_t backwards;	/* ends stamped before their begin */
};

void pair_init(struct pair_table *t);
/* the slot of @tid if it holds a valid begin, else NULL */
struct pair_pending *pair_find(struct pair_table *t, uint32_t tid);
/* keep a copy of the begin record (for --than) */
void pair_keep_raw(struct pair_pending *p, const void *raw, uint32_t size);

/*
 * pair_get() and pair_end() run for every record: their common case, the
 * tid in its home slot, is inline; probing, inserting and the reasons an
 * end does not pair are in pair.c.
 */
struct pair_pending *pair_get_slow(struct pair_table *t, uint32_t tid);
struct pair_pending *pair_end_slow(struct pair_table *t, uint32_t tid, uint64_t time);

static inline uint32_t pair_hash(uint32_t tid, uint32_t mask)
{
	return (tid * 2654435761u) & mask;
}

/* where @tid is unless it collided */
static inline struct pair_pending *pair_home(const struct pair_table *t, uint32_t tid)
{
	return &t->slot[pair_hash(tid, t->mask)];
}

/* the slot of @tid when it is the home slot, else NULL; changes nothing */
static inline struct pair_pending *pair_get_peek(const struct pair_table *t, uint32_t tid)
{
	struct pair_pending *p = pair_home(t, tid);

	return p->used && p->tid == tid ? p : NULL;
}

/* the slot of @tid, created empty if needed */
static inline struct pair_pending *pair_get(struct pair_table *t, uint32_t tid)
{
	struct pair_pending *p = pair_get_peek(t, tid);

	return p ? p : pair_get_slow(t, tid);
}

/*
 * The pending begin an end of @tid at @time pairs with, when it sits in
 * its home slot; NULL leaves the decision to pair_end().  Changes nothing.
 */
static inline struct pair_pending *pair_end_peek(const struct pair_table *t, uint32_t tid,
						 uint64_t time)
{
	struct pair_pending *p = pair_home(t, tid);

	/* valid implies used: only pair_get's slots are ever made valid */
	return p->tid == tid && p->valid && time >= p->time ? p : NULL;
}

/*
 * Decide whether an end at @time of @tid pairs.  Returns the pending begin
 * (and consumes it) or NULL, counting why not.
 */
static inline struct pair_pending *pair_end(struct pair_table *t, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = pair_end_peek(t, tid, time);

	if (p) {
		p->valid = 0;
		return p;
	}
	return pair_end_slow(t, tid, time);
}
/* a gap on buffer @buf: drop pending begins recorded in it */
void pair_invalidate_buf(struct pair_table *t, int buf);
/* a gap ending at @time in a merged stream: drop begins not newer than @time */
void pair_invalidate_before(struct pair_table *t, uint64_t time);
void pair_free(struct pair_table *t);

#endif
