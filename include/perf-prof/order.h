/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Merge several time-ordered streams (one per ring buffer or per CPU of a
 * perf.data file) into one time-ordered stream.  Each stream is a FIFO of
 * queued records; a flush merges the FIFO heads up to a time bound.
 *
 * A record's payload is either copied into the queue (order_push: the
 * live ring is reused as soon as it is read) or referenced (order_push_ref:
 * the perf.data reader keeps its bytes until told they are done, see
 * order_oldest_seq()).  Memory is bounded: past @mem_limit the oldest
 * records are delivered early (counted in ->forced), before records older
 * than them may have arrived.  With order_set_early() such records go to
 * their own callback, and a record that arrives after early delivery has
 * passed its time ("late": it can no longer be put in order) is handed to
 * the late callback at once instead of being queued (counted in ->late).
 */
#ifndef PERF_PROF_ORDER_H
#define PERF_PROF_ORDER_H

#include <stdint.h>
#include <perf-prof/record.h>
#include <perf-prof/u64map.h>

typedef void (*order_cb)(const struct pp_record *rec, void *arg);

/* a queued record (internal: in this header for the inline push) */
struct qent {
	struct pp_record rec;
	uint64_t seq;		/* ties in time: lower first */
	uint32_t rawlen;	/* bytes held in the stream's raw FIFO, 0 = by reference */
	uint32_t owned;		/* the heap's copy: rec.raw is malloc()ed for it */
};

struct order_fifo {
	struct qent *e;		/* ring of cap entries, cap a power of two */
	uint32_t cap;
	uint32_t rd, wr;	/* free-running: wr - rd entries queued */
	unsigned char *raw;	/* copied payloads, in entry order */
	size_t rcap, rrd, rwr;
	uint64_t last;		/* time of the newest record pushed */
};

/*
 * Lanes: one per buffer, found at the buffer's number below ORDER_DIRECT
 * and through a map otherwise, at most ORDER_MAX_LANES; the last lane
 * made is the spill lane, which the merge fills from the heap.  A record
 * that its buffer's lane cannot keep sorted (out of order in it, or a
 * buffer beyond the lanes: a damaged file's cpu) goes to the heap.  So
 * memory grows with the buffers there are and the records queued, never
 * with a number a record states.
 */
#define ORDER_DIRECT	4096
#define ORDER_MAX_LANES	1024

struct order {
	struct order_fifo *fifo;
	int nfifo, fifo_cap;
	int32_t *lane_of;	/* buffer -> lane, -1 none, for buffers 0 .. nlane_of - 1 */
	uint32_t nlane_of;
	struct u64map far;	/* the other buffers -> lane */
	int spill;		/* the spill lane, -1 none yet */
	struct qent *heap;	/* a min-heap by (time, seq) */
	uint32_t nheap, heap_cap;
	void *scratch;		/* the merge's, a key per lane */
	uint64_t mem, mem_limit, mem_peak;
	uint64_t mem_next;	/* mem above this: a new peak, or over the limit */
	uint64_t queued;
	uint64_t forced;	/* delivered early because of mem_limit */
	uint64_t late;		/* came after early delivery passed their time */
	uint64_t late_before;	/* a record older than this is late; 0 = none is */
	uint64_t seq;
	order_cb cb;
	void *arg;
	order_cb early_cb, late_cb;	/* order_set_early(), or NULL */
	void *early_arg;		/* their arg */
	order_cb saved_cb;		/* cb and arg while a forced merge runs */
	void *saved_arg;
};

/*
 * An empty queue that delivers to @cb(@arg); above @mem_limit bytes queued
 * (0: no limit) it delivers the oldest early (counted in o->forced).
 * Allocates nothing; always 0.  order_exit() frees what it grew.
 */
int order_init(struct order *o, uint64_t mem_limit, order_cb cb, void *arg);
/*
 * Records delivered early because of the memory bound go to @early,
 * records that come too late to be sorted to @late, which is called from
 * the push, both with @arg.  Without this, both go to cb.
 */
void order_set_early(struct order *o, order_cb early, order_cb late, void *arg);
/* a record too late to sort (internal: the inline push's rare case) */
int order_push_late(struct order *o, const struct pp_record *rec);
/* queue @rec in stream rec->buf, copying its raw data; may deliver early */
int order_push(struct order *o, const struct pp_record *rec);
/*
 * Queue @rec without copying rec->raw, which must stay valid until it is
 * delivered.  Ties in time go out in @seq order (use the file offset).
 */
int order_push_ref_slow(struct order *o, const struct pp_record *rec, uint64_t seq);
/* order_push()'s part once o->mem passed o->mem_next: a new peak, early delivery */
void order_mem_grew(struct order *o);

/* fill the free entry @q at @f's tail and count it (internal: every push) */
static inline void order_commit(struct order *o, struct order_fifo *f, struct qent *q,
				const struct pp_record *rec, uint64_t seq, uint32_t rawlen)
{
	q->rec = *rec;
	q->seq = seq;
	q->rawlen = rawlen;
	f->wr++;
	f->last = rec->time;
	o->mem += sizeof(struct qent) + rec->raw_size;
	o->queued++;
	if (o->mem > o->mem_next)
		order_mem_grew(o);
}

static inline int order_push_ref(struct order *o, const struct pp_record *rec,
				 uint64_t seq)
{
	struct order_fifo *f;
	int32_t l;

	if (rec->time < o->late_before)
		return order_push_late(o, rec);
	/* the per-record case: its own lane, in order, with room */
	if ((uint32_t)rec->buf >= o->nlane_of || (l = o->lane_of[rec->buf]) < 0)
		return order_push_ref_slow(o, rec, seq);
	f = &o->fifo[l];
	if ((f->wr != f->rd && f->last > rec->time) || f->wr - f->rd == f->cap)
		return order_push_ref_slow(o, rec, seq);
	order_commit(o, f, &f->e[f->wr & (f->cap - 1)], rec, seq, 0);
	return 0;
}
/*
 * The smallest seq still queued, UINT64_MAX if none: with seq = file
 * offset, the bytes before it are no longer referenced.
 */
uint64_t order_oldest_seq(const struct order *o);
/* deliver, in time order, every queued record with time < @upto */
void order_flush(struct order *o, uint64_t upto);
/* deliver everything */
void order_flush_all(struct order *o);
/* free every queued record and buffer, delivering none */
void order_exit(struct order *o);

/*
 * When queued records may go: the two flush policies, one per kind of
 * source.
 *
 * Live ring buffers: a record is stamped before the kernel commits it to
 * its buffer, so one stamped a little before a read pass started can
 * still appear in a buffer that pass already read.  What is older than
 * the pass's start less ORDER_LIVE_SLACK_NS may go.
 */
#define ORDER_LIVE_SLACK_NS	2000000ull

static inline uint64_t order_live_bound(uint64_t pass_start)
{
	return pass_start - ORDER_LIVE_SLACK_NS;
}

/*
 * A recording: perf's ordered_events rule.  perf writes each CPU's buffer
 * in turn between FINISHED_ROUND records, so at a round nothing older
 * than the newest record before the previous round can still come.
 */
struct order_rounds {
	uint64_t newest;	/* the newest record time seen */
	uint64_t prev;		/* ... when the previous round ended */
};

static inline void order_rounds_see(struct order_rounds *r, uint64_t time)
{
	if (time > r->newest)
		r->newest = time;
}

/* a FINISHED_ROUND: what is older than the bound returned may go */
static inline uint64_t order_rounds_end(struct order_rounds *r)
{
	uint64_t bound = r->prev == UINT64_MAX ? UINT64_MAX : r->prev + 1;

	r->prev = r->newest;
	return bound;
}

#endif
