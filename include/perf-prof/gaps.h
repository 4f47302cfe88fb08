/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gaps: LOST and THROTTLE records, counted and dated, for every source
 * alike.
 *
 * Dating.  The kernel writes a LOST record once it has room again,
 * stamped when it is written; in a recording that can be later than the
 * next record of its buffer, and in a merged stream the gap must come
 * before anything written after it.  So a gap is held until the next
 * record of its buffer shows up and is dated just before it
 * (gaps_take()); when the source has nothing more for now (a live pass
 * is over, a file ended), what is still held goes on with its own time
 * (gaps_pop()).  Several gaps of one buffer in a row are one, their
 * counts added.  A gap of no known buffer goes on at once.
 *
 * Counting.  Records lost, in all and per buffer (in all and since the
 * last interval), gaps and throttles: the one count the reports use.
 */
#ifndef PERF_PROF_GAPS_H
#define PERF_PROF_GAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/record.h>
#include <perf-prof/u64map.h>

/*
 * Buffers numbered below this have their slot at their number; others
 * (a recording's damaged cpu, a process of many threads) through a map,
 * so memory grows with the buffers that lose records, never with a
 * number a record states.
 */
#define GAPS_DIRECT	1024

struct gap_buf {
	uint64_t lost;		/* records lost on this buffer, in all */
	uint64_t lost_interval;	/* ... since gaps_interval_done() */
	struct pp_record held;	/* type PP_REC_SAMPLE: none held */
};

struct gaps {
	struct gap_buf *buf;	/* buffers 0 .. nbuf - 1, nbuf <= GAPS_DIRECT */
	int nbuf;
	struct u64map far;	/* buffer -> index into far_buf */
	struct gap_buf *far_buf;
	uint32_t nfar, far_cap;
	int nheld;
	uint64_t lost;		/* records lost, in all */
	uint64_t records;	/* LOST records */
	uint64_t throttled;	/* THROTTLE records */
	struct pp_record taken;	/* what gaps_take() and gaps_pop() hand out */
	int next_pop;		/* where gaps_pop() goes on */
};

/* an empty @g: no gap held, every count zero */
void gaps_init(struct gaps *g);
/* free what @g holds, gaps not taken included; @g is zeroed */
void gaps_free(struct gaps *g);

/*
 * Count the LOST or THROTTLE record @rec and hold it for its buffer.
 * 0 held; 1 not held (no known buffer: it goes on as it is); -1 out of
 * memory.
 */
int gaps_note(struct gaps *g, const struct pp_record *rec);

/* count @rec as gaps_note() does, without holding it: a source dated it already */
int gaps_count(struct gaps *g, const struct pp_record *rec);

/* gaps_take() when a gap is held somewhere (the inline test said so); the same contract */
struct pp_record *gaps_take_slow(struct gaps *g, const struct pp_record *next);

/*
 * The gap held for the buffer of @next, dated to @next's time, or NULL;
 * it goes before @next and is no longer held (the pointer stays valid
 * until the next call into @g).
 */
static inline struct pp_record *gaps_take(struct gaps *g, const struct pp_record *next)
{
	return g->nheld ? gaps_take_slow(g, next) : NULL;
}

/*
 * A gap still held, with its own time, in buffer order; NULL when none is
 * (call it until then: it goes on where it left off).
 */
struct pp_record *gaps_pop(struct gaps *g);

/* records lost on buffer @i, in all */
uint64_t gaps_lost(const struct gaps *g, int i);
/* buffer @i's counts, NULL when it never lost a record */
struct gap_buf *gaps_buf(struct gaps *g, int i);

#endif
