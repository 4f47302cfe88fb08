// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sorted mode (perfdata_sort()): a recording file's data section is
 * mapped, scanned once, and merged by time here, each record decoded in
 * place when it goes.
 *
 * perf writes each buffer's records in turn between FINISHED_ROUNDs, in
 * time order within a buffer.  The scan notes, per stream, the runs of
 * the data that hold its records: in a run [start, end) every tracepoint
 * sample is the stream's, in time order.  A stream is a buffer's (the
 * sample's cpu, or the ID_INDEX's), or a spill lane for records out of
 * order in their buffer's; what fits none, and the records that are not
 * samples (LOST, THROTTLE, context switches), wait decoded in a small
 * heap.  At a ROUND perf's rule bounds what may go (the bound, as
 * core/order.h's order_rounds): the streams' heads and the heap are
 * merged by (time, file offset) up to it.  So memory follows the streams
 * and their runs, never the records, whose bytes stay in the page cache:
 * the pages mapped beyond @hold are dropped, and read again when their
 * records go.
 *
 * What the engine's queue did with a recording's records, this does the
 * same way, so the tables come out the same: a LOST or THROTTLE record is
 * held until the next record of its buffer and merged just before it
 * (core/gaps.c's dating), ties in time go in file order.  Samples of
 * events the run does not use (perfdata_use()) are dropped when they
 * would go, and counted, but for the last one before a record that is
 * not a sample and the last of all, which go: the engine's -i clock
 * ticks on samples, and a gap must fall in the interval it fell in.
 */
#include <setjmp.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <perf-prof/u64map.h>
#include "decode.h"

#define PS_DIRECT	4096		/* buffers numbered below: their stream at their number */
#define PS_MAX_BUFS	1024		/* buffers with a stream of their own */
#define PS_MAX_SPILL	64		/* spill lanes */
#define PS_TRIM		(4u << 20)	/* mapped bytes looked at between two trims */
#define PS_TAIL		(1u << 20)	/* kept below the scan when dropping */
#define PS_SPILL	INT32_MIN	/* a spill lane's buffer */
#define PS_NONE		UINT32_MAX
#ifndef PS_AHEAD_M
#define PS_AHEAD_M 1024
#endif
#ifndef PS_AHEAD_S
#define PS_AHEAD_S 2048
#endif

enum { PS_SCAN, PS_FLUSH, PS_LAST, PS_DONE, PS_ERROR };

/*
 * A stream's head in the merge: its time, then its offset (below 2^48)
 * and the stream (below 2^16), compared as one 128-bit number: (time,
 * file order), without a branch.
 */
typedef unsigned __int128 ps_key;
#define PS_LBITS	16

static inline ps_key ps_mkkey(uint64_t t, uint64_t pos, uint32_t l)
{
	return (ps_key)t << 64 | pos << PS_LBITS | l;
}

static inline uint64_t ps_key_t(ps_key k)
{
	return (uint64_t)(k >> 64);
}

static inline uint64_t ps_key_pos(ps_key k)
{
	return (uint64_t)k >> PS_LBITS;
}

static inline uint32_t ps_key_l(ps_key k)
{
	return (uint32_t)k & ((1u << PS_LBITS) - 1);
}

struct ps_run {
	uint64_t start, end;	/* offsets in the data */
};

/* a gap waiting for the next record of its buffer */
struct ps_gap {
	struct pp_record rec;
	uint64_t off;
};

struct ps_stream {
	struct ps_run *run;	/* a ring of cap (a power of two), rd .. wr queued */
	uint32_t cap, rd, wr;
	int32_t buf;		/* its buffer, PS_SPILL for a spill lane */
	uint64_t last;		/* time of its newest record queued */
	struct ps_run *tail;	/* its newest run */
	/* its head, while it is in the merge */
	uint64_t pos, end;	/* the head's offset; the end of the run it is in */
	uint32_t size;
	uint32_t used;		/* the run reads the head's event */
	/*
	 * how to decode the head: its attr and the ID_INDEX's cpu of its id
	 * (set by ps_seek(); perf record's layout needs neither, and
	 * ps_gallop() leaves them as they were)
	 */
	const struct pd_attr *attr;
	int32_t cpu;
	uint32_t inheap;
	uint32_t queued;	/* runs pushed since it left the heap: it joins at the next flush */
	struct ps_gap *gap;	/* its buffer's gaps waiting for a record */
	uint32_t ngap, gap_cap;
};

/* a decoded record waiting in the side heap */
struct ps_exc {
	uint64_t t, seq, ctr;
	struct pp_record rec;
	uint32_t attr;		/* samples: their attr */
};

/*
 * The last sample dropped since anything went (it may have to go after
 * all): a stream's head, decoded only if it goes, or a side heap record.
 */
struct ps_drop {
	int valid, decoded;
	struct pp_record rec;
	uint64_t off;
	const struct pd_attr *attr;
	uint32_t size;
	int32_t cpu;
};

struct pd_sort {
	const unsigned char *data;	/* the data section, mapped */
	uint64_t len, off;		/* its length, its file offset */
	void *map;
	size_t map_len, map_skew;	/* data = map + map_skew */
	uint64_t hold;			/* mapped bytes kept at most */
	uint64_t trimmed;		/* pages below are dropped */
	uint64_t looked;		/* bytes scanned or delivered since the last trim */

	struct ps_stream *st;
	uint32_t nst, st_cap, nbufs;
	uint32_t spill[PS_MAX_SPILL], nspill;	/* the spill lanes */
	int32_t *of;			/* buffer -> stream, buffers below PS_DIRECT */
	uint32_t nof;
	struct u64map far;		/* the others */
	int32_t last_buf;		/* a cache of the last lookup */
	uint32_t last_st;
	uint32_t prev;			/* stream of the last run member scanned, PS_NONE */
	uint32_t *join;			/* streams to put in the heap at the next flush */
	uint32_t njoin, join_cap;

	/*
	 * The merge: a tournament of the streams' heads (a loser tree over
	 * tk leaves, a power of two): key[l] is stream l's head, ~0 when it
	 * has none; tree[0] the winner, tree[1 .. tk - 1] the losers.
	 */
	ps_key *key;
	uint32_t *tree;
	uint32_t tk, nheap;		/* nheap: streams with a head */
	uint32_t id_off;		/* where samples keep their id, 0 none */
	/* one full layout for every attr (perf record's): where its fields are */
	int fast;
	uint32_t need, off_raw, off_time, off_cpu, off_tid;
	struct ps_exc *exc;		/* a min-heap by (t, seq, ctr) */
	uint32_t nexc, exc_cap;
	uint64_t ctr;

	uint64_t newest, round_prev, bound;
	int phase;
	int any;			/* a record went out */
	int seen;			/* the scan met a record that goes out */
	int first;			/* a sample went out */
	char err[512];
	struct ps_drop drop;
	uint64_t dropped;
	uint64_t mem, mem_peak;
};

/* ---------------------------------------------------------------- mapping */

/* a truncated file faults (SIGBUS) in the mapping: that read is an error */
static __thread sigjmp_buf *ps_jmp;
static struct sigaction ps_old_bus;

static void ps_on_bus(int sig, siginfo_t *si, void *uc)
{
	if (ps_jmp)
		siglongjmp(*ps_jmp, 1);
	sigaction(SIGBUS, &ps_old_bus, NULL);
	raise(sig);
}

/* drop the mapped pages of [from, to) of the data (they stay in the page cache) */
static void ps_drop_pages(struct pd_sort *s, uint64_t from, uint64_t to)
{
	uintptr_t a = ((uintptr_t)(s->data + from) + 4095) & ~(uintptr_t)4095;
	uintptr_t b = (uintptr_t)(s->data + to) & ~(uintptr_t)4095;

	if (b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

/* the oldest offset a stream still has to read */
static uint64_t ps_low(const struct pd_sort *s, uint64_t scan)
{
	uint64_t lo = scan;
	uint32_t i;

	for (i = 0; i < s->nst; i++) {
		const struct ps_stream *q = &s->st[i];

		if (q->inheap && q->pos < lo)
			lo = q->pos;
		else if (q->rd != q->wr && q->run[q->rd & (q->cap - 1)].start < lo)
			lo = q->run[q->rd & (q->cap - 1)].start;
	}
	return lo;
}

/*
 * Keep the mapping's resident pages near @hold: what nothing reads any
 * more goes, and past @hold what was scanned but waits goes too (its
 * records fault it in again when they go).  Each drop starts at the
 * beginning: a fault maps what the kernel's fault-around and large folios
 * bring (also below the page it was for), and the side heap's records
 * fault their pages in again; pages never mapped cost the drop little.
 */
static void ps_trim(struct pd_sort *s, uint64_t scan, uint64_t keep)
{
	uint64_t lo = ps_low(s, scan);

	if (keep < lo)
		lo = keep;
	s->looked = 0;
	if (lo > s->trimmed + PS_TAIL) {
		ps_drop_pages(s, 0, lo);
		s->trimmed = lo;
	}
	if (scan > s->trimmed + s->hold)
		ps_drop_pages(s, lo, scan - PS_TAIL);
}

/* ---------------------------------------------------------------- streams */

static void ps_mem(struct pd_sort *s, int64_t d)
{
	s->mem += (uint64_t)d;
	if (s->mem > s->mem_peak)
		s->mem_peak = s->mem;
}

/* a new stream for @buf: its index, PS_NONE out of memory */
static uint32_t ps_new_stream(struct pd_sort *s, int32_t buf)
{
	struct ps_stream *q;

	if (s->nst == s->st_cap) {
		uint32_t n = s->st_cap ? 2 * s->st_cap : 8;
		struct ps_stream *ns = realloc(s->st, n * sizeof(*ns));

		if (!ns)
			return PS_NONE;
		s->st = ns;
		ps_mem(s, (int64_t)(n - s->st_cap) * (int64_t)sizeof(*ns));
		s->st_cap = n;
	}
	q = &s->st[s->nst];
	memset(q, 0, sizeof(*q));
	q->buf = buf;
	return s->nst++;
}

/* the stream of buffer @buf, made if need be; PS_NONE: none (too many) */
static uint32_t ps_stream_of(struct pd_sort *s, int32_t buf)
{
	uint32_t v;

	if (buf == s->last_buf)
		return s->last_st;
	if (buf >= 0 && buf < PS_DIRECT) {
		if ((uint32_t)buf >= s->nof) {
			uint32_t n = s->nof ? s->nof : 16, i;
			int32_t *t;

			while (n <= (uint32_t)buf)
				n *= 2;
			if (!(t = realloc(s->of, n * sizeof(*t))))
				return PS_NONE;
			for (i = s->nof; i < n; i++)
				t[i] = -1;
			s->of = t;
			s->nof = n;
		}
		if (s->of[buf] < 0) {
			if (s->nbufs >= PS_MAX_BUFS || (v = ps_new_stream(s, buf)) == PS_NONE)
				return PS_NONE;
			s->nbufs++;
			s->of[buf] = (int32_t)v;
		}
		v = (uint32_t)s->of[buf];
	} else {
		v = u64map_find(&s->far, (uint64_t)(int64_t)buf);
		if (v == UINT32_MAX) {
			if (s->nbufs >= PS_MAX_BUFS || (v = ps_new_stream(s, buf)) == PS_NONE)
				return PS_NONE;
			s->nbufs++;
			*u64map_slot(&s->far, (uint64_t)(int64_t)buf) = v;
		}
	}
	s->last_buf = buf;
	s->last_st = v;
	return v;
}

static inline bool ps_holds(const struct ps_stream *q)
{
	return q->inheap || q->rd != q->wr;
}

/* a lane that keeps @t sorted: @own if it does, else a spill lane; PS_NONE: none */
static uint32_t ps_lane(struct pd_sort *s, uint32_t own, uint64_t t)
{
	uint32_t i, best = PS_NONE;

	if (own != PS_NONE && (!ps_holds(&s->st[own]) || s->st[own].last <= t))
		return own;
	/* the spill lane whose newest is the latest before @t: the others stay open */
	for (i = 0; i < s->nspill; i++) {
		const struct ps_stream *q = &s->st[s->spill[i]];

		if (!ps_holds(q)) {
			if (best == PS_NONE)
				best = s->spill[i];
		} else if (q->last <= t && (best == PS_NONE || !ps_holds(&s->st[best]) ||
					    q->last > s->st[best].last)) {
			best = s->spill[i];
		}
	}
	if (best == PS_NONE && s->nspill < PS_MAX_SPILL &&
	    (best = ps_new_stream(s, PS_SPILL)) != PS_NONE)
		s->spill[s->nspill++] = best;
	return best;
}

/* [off, end) of the data to stream @l's runs: 0, or -1 out of memory */
static int ps_push_run(struct pd_sort *s, uint32_t l, uint64_t off, uint64_t end)
{
	struct ps_stream *q = &s->st[l];

	if (s->prev == l && q->rd != q->wr) {
		q->tail->end = end;
		return 0;
	}
	if (q->wr - q->rd == q->cap) {
		uint32_t n = q->cap ? 2 * q->cap : 4, i;
		struct ps_run *r = malloc(n * sizeof(*r));

		if (!r)
			return -1;
		for (i = 0; i < q->wr - q->rd; i++)
			r[i] = q->run[(q->rd + i) & (q->cap - 1)];
		free(q->run);
		ps_mem(s, (int64_t)(n - q->cap) * (int64_t)sizeof(*r));
		q->run = r;
		q->wr -= q->rd;
		q->rd = 0;
		q->cap = n;
	}
	q->tail = &q->run[q->wr++ & (q->cap - 1)];
	*q->tail = (struct ps_run){ off, end };
	s->prev = l;
	if (!q->inheap && !q->queued) {
		if (s->njoin == s->join_cap) {
			uint32_t n = s->join_cap ? 2 * s->join_cap : 8;
			uint32_t *j = realloc(s->join, n * sizeof(*j));

			if (!j)
				return -1;
			s->join = j;
			s->join_cap = n;
		}
		s->join[s->njoin++] = l;
		q->queued = 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the side heap */

static inline bool exc_before(const struct ps_exc *a, const struct ps_exc *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	if (a->seq != b->seq)
		return a->seq < b->seq;
	return a->ctr < b->ctr;
}

/* @rec with the key (@t, @seq) into the side heap: 0, or -1 out of memory */
static int exc_add(struct pd_sort *s, const struct pp_record *rec, uint64_t t, uint64_t seq,
		   uint32_t attr)
{
	struct ps_exc e = { .t = t, .seq = seq, .ctr = s->ctr++, .rec = *rec, .attr = attr };
	uint32_t i;

	if (s->nexc == s->exc_cap) {
		uint32_t n = s->exc_cap ? 2 * s->exc_cap : 64;
		struct ps_exc *x = realloc(s->exc, n * sizeof(*x));

		if (!x)
			return -1;
		ps_mem(s, (int64_t)(n - s->exc_cap) * (int64_t)sizeof(*x));
		s->exc = x;
		s->exc_cap = n;
	}
	for (i = s->nexc++; i > 0 && exc_before(&e, &s->exc[(i - 1) / 2]); i = (i - 1) / 2)
		s->exc[i] = s->exc[(i - 1) / 2];
	s->exc[i] = e;
	return 0;
}

static void exc_pop(struct pd_sort *s)
{
	struct ps_exc last = s->exc[--s->nexc];
	uint32_t i = 0, n = s->nexc;

	for (;;) {
		uint32_t l = 2 * i + 1, m = l;

		if (l >= n)
			break;
		if (l + 1 < n && exc_before(&s->exc[l + 1], &s->exc[l]))
			m = l + 1;
		if (!exc_before(&s->exc[m], &last))
			break;
		s->exc[i] = s->exc[m];
		i = m;
	}
	if (n)
		s->exc[i] = last;
}

/* ---------------------------------------------------------------- gaps */

/* buffer stream @b's gaps, dated to the record at (@t, @off) that follows them */
static int ps_date_gaps(struct pd_sort *s, uint32_t b, uint64_t t, uint64_t off)
{
	struct ps_stream *q = &s->st[b];
	uint32_t i;

	for (i = 0; i < q->ngap; i++) {
		q->gap[i].rec.time = t;
		if (exc_add(s, &q->gap[i].rec, t, off - 1, 0) < 0)
			return -1;
	}
	q->ngap = 0;
	return 0;
}

/* a LOST or THROTTLE record at @off: held for its buffer, or on at once */
static int ps_gap(struct pd_sort *s, const struct pp_record *rec, uint64_t off)
{
	uint32_t b = rec->buf >= 0 ? ps_stream_of(s, rec->buf) : PS_NONE;
	struct ps_stream *q;

	if (b == PS_NONE)
		return exc_add(s, rec, rec->time, off, 0);
	q = &s->st[b];
	if (q->ngap == q->gap_cap) {
		uint32_t n = q->gap_cap ? 2 * q->gap_cap : 2;
		struct ps_gap *g = realloc(q->gap, n * sizeof(*g));

		if (!g)
			return -1;
		ps_mem(s, (int64_t)(n - q->gap_cap) * (int64_t)sizeof(*g));
		q->gap = g;
		q->gap_cap = n;
	}
	q->gap[q->ngap].rec = *rec;
	q->gap[q->ngap++].off = off;
	return 0;
}

static int ps_cmp_buf(const void *a, const void *b)
{
	int32_t x = (*(const struct ps_stream *const *)a)->buf;
	int32_t y = (*(const struct ps_stream *const *)b)->buf;

	return (x > y) - (x < y);
}

/* the end: gaps still held go on with their own times, in buffer order */
static int ps_gaps_end(struct pd_sort *s)
{
	struct ps_stream **v = malloc((s->nst + 1) * sizeof(*v));
	uint32_t i, j, n = 0;
	int r = 0;

	if (!v)
		return -1;
	for (i = 0; i < s->nst; i++)
		if (s->st[i].ngap)
			v[n++] = &s->st[i];
	qsort(v, n, sizeof(*v), ps_cmp_buf);
	for (i = 0; i < n && !r; i++) {
		for (j = 0; j < v[i]->ngap && !r; j++)
			r = exc_add(s, &v[i]->gap[j].rec, v[i]->gap[j].rec.time, UINT64_MAX, 0);
		v[i]->ngap = 0;
	}
	free(v);
	return r;
}

/* ---------------------------------------------------------------- the scan */

/* a sample no lane keeps sorted: decoded, to the side heap; it must not lie in a run */
static __attribute__((noinline)) int ps_exception(struct perfdata *pd, uint64_t off,
						  uint32_t size)
{
	struct pd_sort *s = pd->sort;
	const struct pd_attr *a;
	struct pp_record rec;
	int32_t cpu;

	/* it decoded at the scan: it does again */
	if (pd_decode_sample(pd, s->data + off, size, &rec, s->err, sizeof(s->err)) != 1 ||
	    !(a = pd_sample_attr(pd, s->data + off, size, &cpu)))
		return -1;
	s->prev = PS_NONE;
	return exc_add(s, &rec, rec.time, off, (uint32_t)(a - pd->attrs));
}

static __attribute__((noinline)) int ps_member_slow(struct perfdata *pd, uint64_t t,
						     int32_t buf, uint64_t off, uint32_t size)
{
	struct pd_sort *s = pd->sort;
	uint32_t b = ps_stream_of(s, buf), l;

	if (b != PS_NONE && s->st[b].ngap && ps_date_gaps(s, b, t, off) < 0)
		return -1;
	l = ps_lane(s, b, t);
	if (l == PS_NONE)
		return ps_exception(pd, off, size);
	if (ps_push_run(s, l, off, off + size) < 0)
		return -1;
	s->st[l].last = t;
	return 0;
}

/* a tracepoint sample of @size bytes at @off, of time @t and buffer @buf: to a lane or the side heap */
static inline int ps_member(struct perfdata *pd, uint64_t t, int32_t buf, uint64_t off,
			    uint32_t size)
{
	struct pd_sort *s = pd->sort;

	s->seen = 1;
	if (t > s->newest)
		s->newest = t;
	/* the common case: the buffer of the record before, in order, nothing to date */
	if (buf == s->last_buf && s->prev == s->last_st) {
		struct ps_stream *q = &s->st[s->prev];

		if (!q->ngap && q->last <= t) {
			q->tail->end = off + size;
			q->last = t;
			return 0;
		}
	}
	return ps_member_slow(pd, t, buf, off, size);
}

/*
 * perf record's layout, the same for every attr (as perf kvm stat
 * record's and perf record -e's are): the sample at @p (@size bytes, at
 * least s->need, of a tracepoint whose id the cache knows) checked as
 * pd_decode_sample() checks it, its time and buffer read.  1 done, 0 it
 * needs the general way (a new id, an odd record, not a tracepoint's).
 */
static inline int ps_fast(struct perfdata *pd, const unsigned char *p, uint32_t size,
			  uint64_t *t, int32_t *buf)
{
	const struct pd_sort *s = pd->sort;
	uint64_t id;
	const struct pd_idc *c;
	uint32_t rs;

	id = load64(p + s->id_off);
	c = &pd->idc[id & pd->idc_mask];
	if (c->id != id || !c->tp)
		return 0;
	rs = load32(p + s->off_raw);
	if (rs < 2 || rs > size - s->need || load16(p + s->need) != c->config)
		return 0;
	*t = load64(p + s->off_time);
	*buf = (int32_t)load32(p + s->off_cpu);
	return 1;
}

/* the stream a fast sample of buffer @buf may join without a look at the lanes, or NULL */
static inline struct ps_stream *ps_cur(struct pd_sort *s)
{
	struct ps_stream *q;

	if (s->prev == PS_NONE || s->prev != s->last_st)
		return NULL;
	q = &s->st[s->prev];
	return q->ngap ? NULL : q;
}

/*
 * perf record's layout: the samples from @pos on that ps_fast() takes,
 * to their lanes; where the first it does not take is (or the end).
 * -1 out of memory.
 */
static inline int64_t ps_scan_fast(struct perfdata *pd, uint64_t pos)
{
	struct pd_sort *s = pd->sort;
	const unsigned char *const d = s->data;
	const uint64_t len = s->len, from = pos;
	uint64_t newest = s->newest, t;
	struct ps_stream *q = ps_cur(s);
	/* the stream's newest time, kept here while it takes the records */
	uint64_t last = q ? q->last : 0;
	int32_t qbuf = s->last_buf, buf;

	while (len - pos >= 8) {
		uint64_t h = load64(d + pos);
		uint32_t size = (uint32_t)(h >> 48);

		/* the page cache is cold to this CPU: ask for what comes while this one is read */
		__builtin_prefetch(d + pos + PS_AHEAD_S);
		__builtin_prefetch(d + pos + PS_AHEAD_S + 64);
		/* s->need >= 8: a size below it is a short sample, or no record */
		if ((uint32_t)h != PERF_RECORD_SAMPLE || size < s->need || size > len - pos ||
		    !ps_fast(pd, d + pos, size, &t, &buf))
			break;
		if (t > newest)
			newest = t;
		/* the common case: the buffer of the record before, in order, nothing to date */
		if (q && buf == qbuf && last <= t) {
			q->tail->end = pos + size;
			last = t;
		} else {
			if (q)
				q->last = last;
			s->newest = newest;
			if (ps_member_slow(pd, t, buf, pos, size) < 0)
				return -1;
			q = ps_cur(s);	/* streams may have moved */
			last = q ? q->last : 0;
			qbuf = buf;
		}
		pos += size;
	}
	if (q)
		q->last = last;
	if (pos != from)
		s->seen = 1;
	s->newest = newest;
	return (int64_t)pos;
}

/* a record of another kind that the reader returned */
static int ps_other(struct perfdata *pd, const struct pp_record *rec, uint64_t off)
{
	struct pd_sort *s = pd->sort;
	uint32_t b;

	s->seen = 1;
	if (rec->time > s->newest)
		s->newest = rec->time;
	if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE)
		return ps_gap(s, rec, off);
	/* a context switch: it dates its buffer's gaps, as a sample does */
	b = rec->buf >= 0 ? ps_stream_of(s, rec->buf) : PS_NONE;
	if (b != PS_NONE && s->st[b].ngap && ps_date_gaps(s, b, rec->time, off) < 0)
		return -1;
	return exc_add(s, rec, rec->time, off, 0);
}

/*
 * Records a file's data never holds, that sorted mode cannot take: a
 * compressed record in a file whose header says nothing of compression
 * (its records would not be in the mapping), an attr (pipe mode's: the
 * merge holds on to the attrs there are).
 */
static int ps_foreign(struct perfdata *pd, uint32_t type)
{
	const char *what = type == PD_REC_COMPRESSED || type == PD_REC_COMPRESSED2 ?
			   "a compressed record in a recording whose header does not say it "
			   "is compressed" :
			   type == PD_REC_HEADER_ATTR ? "an attr record (pipe mode's) in a "
			   "recording file's data" : NULL;

	if (!what)
		return 0;
	pd_err(pd, pd->sort->err, sizeof(pd->sort->err), pd_off(pd), "%s", what);
	return -1;
}

/*
 * The records from the scan position to the next FINISHED_ROUND (1) or
 * the end (0); -1 + message in s->err; 2 when a stop was asked for.
 */
static int ps_scan(struct perfdata *pd)
{
	struct pd_sort *s = pd->sort;
	const unsigned char *const d = s->data;
	const uint64_t len = s->len;
	uint64_t pos = pd->pos, from, roff, n = 0;
	struct pp_record rec;
	int r;

	for (;;) {
		/* the common case: a run of samples, decoded as the batch reader does */
		for (from = pos; len - pos >= 8;) {
			uint64_t h;
			uint32_t size;

			if (s->fast) {
				int64_t at = ps_scan_fast(pd, pos);

				if (at < 0)
					goto nomem;
				pos = (uint64_t)at;
				if (len - pos < 8)
					break;
			}
			h = load64(d + pos);
			size = (uint32_t)(h >> 48);
			if ((uint32_t)h != PERF_RECORD_SAMPLE || size < 8 || size > len - pos)
				break;
			pd->pos = pos;	/* for the offset of an error */
			r = pd_decode_sample(pd, d + pos, size, &rec, s->err, sizeof(s->err));
			if (r < 0)
				return -1;
			if (r && ps_member(pd, rec.time, rec.buf, pos, size) < 0)
				goto nomem;
			pos += size;
			if ((++n & 0xffff) == 0 && pd->stopping && pd->stopping()) {
				pd->pos = pos;
				return 2;
			}
		}
		if ((s->looked += pos - from) > PS_TRIM)
			ps_trim(s, pos, pos);
		pd->pos = pos;
		if (len - pos >= 8 && ps_foreign(pd, load32(d + pos)) < 0)
			return -1;
		/* anything else ends the run it stands in: what the reader skips may not be records */
		s->prev = PS_NONE;
		r = pd_next(pd, &rec, s->err, sizeof(s->err));
		if (r <= 0)
			return r;
		pos = pd->pos;
		if (rec.type == PP_REC_ROUND) {
			s->seen = 1;
			return 1;
		}
		roff = pd->rec_off - s->off;	/* the reader's offsets are the file's */
		if (rec.type == PP_REC_SAMPLE)
			r = ps_member(pd, rec.time, rec.buf, roff, (uint32_t)(pos - roff));
		else
			r = ps_other(pd, &rec, roff);
		if (r < 0)
			goto nomem;
	}
nomem:
	pd_err(pd, s->err, sizeof(s->err), pd_off(pd), "out of memory sorting records");
	return -1;
}

/* ---------------------------------------------------------------- the merge */

/* stream @w's head changed: its way up the tournament again */
static inline void ps_replay(struct pd_sort *s, uint32_t w)
{
	const ps_key *const key = s->key;
	uint32_t *const tree = s->tree;
	ps_key kw = key[w];
	uint32_t node;

	/* which stream wins is a coin flip: selects, not branches */
	for (node = (w + s->tk) >> 1; node; node >>= 1) {
		uint32_t l = tree[node];
		ps_key kl = key[l];
		bool lt = kl < kw;

		tree[node] = lt ? w : l;
		w = lt ? l : w;
		kw = lt ? kl : kw;
	}
	tree[0] = w;
}

/* room in the tournament for every stream (before they join): 0, -1 no memory */
static int ps_room(struct pd_sort *s)
{
	uint32_t k = 1, i;

	while (k < s->nst)
		k *= 2;
	if (k != s->tk) {
		ps_key *key = realloc(s->key, k * sizeof(*key));
		uint32_t *tree = key ? realloc(s->tree, 3 * k * sizeof(*tree)) : NULL;

		if (key)
			s->key = key;
		if (!tree)
			return -1;
		s->tree = tree;
		for (i = s->tk; i < k; i++)
			s->key[i] = ~(ps_key)0;
		ps_mem(s, (int64_t)(k - s->tk) * (int64_t)(sizeof(*key) + 3 * sizeof(*tree)));
		s->tk = k;
	}
	return 0;
}

/* the tournament again, over every stream (a flush begins: streams joined) */
static void ps_rebuild(struct pd_sort *s)
{
	uint32_t k = s->tk, i, *win;

	/* the winners bottom up in win[1 .. 2k - 1] (leaf l at k + l), the losers in tree[] */
	win = s->tree + k;
	for (i = 0; i < k; i++)
		win[k + i] = i;
	for (i = k - 1; i >= 1; i--) {
		uint32_t a = win[2 * i], b = win[2 * i + 1];
		bool a_wins = !(s->key[b] < s->key[a]);

		win[i] = a_wins ? a : b;
		s->tree[i] = a_wins ? b : a;
	}
	s->tree[0] = k > 1 ? win[1] : 0;
}

/* the attr of the sample at @p: the id cache's answer first (every head asks) */
static inline const struct pd_attr *ps_attr(struct perfdata *pd, const unsigned char *p,
					     uint32_t size, int32_t *cpu)
{
	uint32_t io = pd->sort->id_off;

	if (__builtin_expect(io && io + 8 <= size, 1)) {
		uint64_t id = load64(p + io);
		const struct pd_idc *c = &pd->idc[id & pd->idc_mask];

		if (c->a && c->id == id) {
			*cpu = c->cpu;
			return c->a;
		}
	}
	return pd_sample_attr(pd, p, size, cpu);
}

/*
 * Stream @q's next member from @pos on, @pos in its run at rd: 1 it is
 * its head now (at time *@t), 0 the stream is done for now, -1 the
 * mapping no longer holds what the scan read there (the file changed).
 */
static inline int ps_seek(struct perfdata *pd, struct ps_stream *q, uint64_t pos, uint64_t *t)
{
	const unsigned char *const d = pd->sort->data;

	for (;;) {
		const struct pd_attr *a;
		uint64_t h;
		uint32_t size;
		int32_t cpu;

		if (__builtin_expect(pos >= q->end, 0)) {
			if (++q->rd == q->wr)
				return 0;
			pos = q->run[q->rd & (q->cap - 1)].start;
			q->end = q->run[q->rd & (q->cap - 1)].end;
		}
		__builtin_prefetch(d + pos + PS_AHEAD_M);
		h = load64(d + pos);
		size = (uint32_t)(h >> 48);
		if (__builtin_expect(size < 8 || size > q->end - pos, 0))
			return -1;
		if (__builtin_expect((uint32_t)h == PERF_RECORD_SAMPLE, 1) &&
		    (a = ps_attr(pd, d + pos, size, &cpu)) && a->is_tp) {
			if (a->lay.off_time + 8 > size || a->lay.need > size)
				return -1;
			q->pos = pos;
			q->size = size;
			q->attr = a;
			q->cpu = cpu;
			q->used = a->used != 0;
			*t = a->lay.off_time ? load64(d + pos + a->lay.off_time) : 0;
			return 1;
		}
		pos += size;
	}
}

/* the streams that got runs since they left the merge join it; those in it see their runs grown */
static int ps_join(struct perfdata *pd)
{
	struct pd_sort *s = pd->sort;
	uint64_t t;
	uint32_t i;

	for (i = 0; i < s->nst; i++) {
		struct ps_stream *q = &s->st[i];

		if (q->inheap)
			q->end = q->run[q->rd & (q->cap - 1)].end;
	}
	for (i = 0; i < s->njoin; i++) {
		uint32_t l = s->join[i];
		struct ps_stream *q = &s->st[l];
		int r;

		q->queued = 0;
		if (q->inheap || q->rd == q->wr)
			continue;
		q->end = q->run[q->rd & (q->cap - 1)].end;
		r = ps_seek(pd, q, q->run[q->rd & (q->cap - 1)].start, &t);
		if (r < 0)
			return -1;
		if (r) {
			q->inheap = 1;
			s->nheap++;
			s->key[l] = ps_mkkey(t, q->pos, l);
		}
	}
	s->njoin = 0;
	return 0;
}

/* stream @l's head went: its next one, or it leaves the merge */
static inline int ps_advance(struct perfdata *pd, struct ps_stream *q, uint32_t l)
{
	struct pd_sort *s = pd->sort;
	uint64_t t;
	int r = ps_seek(pd, q, q->pos + q->size, &t);

	if (__builtin_expect(r > 0, 1)) {
		s->key[l] = ps_mkkey(t, q->pos, l);
	} else {
		q->inheap = 0;
		s->nheap--;
		s->key[l] = ~(ps_key)0;
	}
	ps_replay(s, l);
	return r < 0 ? -1 : 0;
}

static inline bool ps_used(const struct perfdata *pd, uint32_t attr)
{
	return pd->attrs[attr].used;
}

/* perf record's layout (checked at the scan and the seek): the sample at @off into @rec; -1 bad */
static inline int ps_decode_fast(const struct pd_sort *s, uint64_t off, uint32_t size,
				 struct pp_record *rec)
{
	const unsigned char *p = s->data + off;

	rec->type = PP_REC_SAMPLE;
	rec->lost = 0;
	rec->pid = load32(p + s->off_tid);
	rec->tid = load32(p + s->off_tid + 4);
	rec->time = load64(p + s->off_time);
	rec->cpu = load32(p + s->off_cpu);
	rec->buf = (int32_t)rec->cpu;
	rec->raw_size = load32(p + s->off_raw);
	rec->raw = p + s->need;
	return rec->raw_size > size - s->need ? -1 : 0;
}

/* the dropped sample kept for a record that is not a sample, or for the end: it goes now */
static int ps_flush_drop(struct perfdata *pd, struct pp_record *recs, uint64_t *offs)
{
	struct pd_sort *s = pd->sort;
	struct ps_drop *d = &s->drop;
	uint32_t rs;

	if (!d->valid)
		return 0;
	d->valid = 0;
	if (d->decoded)
		recs[0] = d->rec;
	else if (s->fast ? ps_decode_fast(s, d->off, d->size, &recs[0]) :
		 sample_decode(&d->attr->lay, s->data + d->off, d->size, d->cpu, &recs[0], &rs))
		return -1;
	offs[0] = s->off + d->off;
	return 1;
}

/* a sample of an event the run does not use: it goes only if it must (see the top) */
static inline void ps_drop_head(struct pd_sort *s, const struct ps_stream *q)
{
	s->dropped += s->drop.valid;
	s->drop.valid = 1;
	s->drop.decoded = 0;
	s->drop.off = q->pos;
	s->drop.size = q->size;
	s->drop.attr = q->attr;
	s->drop.cpu = q->cpu;
}

/* the side heap's first record: 0..2 records out, -1 error */
static int ps_take_exc(struct perfdata *pd, struct pp_record *recs, uint64_t *offs)
{
	struct pd_sort *s = pd->sort;
	struct ps_exc *e = &s->exc[0];
	int n = 0;

	if (e->rec.type == PP_REC_SAMPLE && !ps_used(pd, e->attr) && s->first) {
		s->dropped += s->drop.valid;
		s->drop.valid = s->drop.decoded = 1;
		s->drop.rec = e->rec;
		s->drop.off = e->seq;
	} else {
		if (e->rec.type != PP_REC_SAMPLE)
			n = ps_flush_drop(pd, recs, offs);
		else
			s->dropped += s->drop.valid, s->drop.valid = 0, s->first = 1;
		if (n < 0)
			return -1;
		recs[n] = e->rec;
		offs[n++] = e->seq == UINT64_MAX ? UINT64_MAX : s->off + e->seq;
	}
	exc_pop(s);
	return n;
}

/* does the side heap's first record go before the streams' first head? */
static inline bool ps_exc_first(const struct pd_sort *s)
{
	if (!s->nexc)
		return false;
	if (!s->nheap)
		return true;
	return s->exc[0].t != ps_key_t(s->key[s->tree[0]]) ?
	       s->exc[0].t < ps_key_t(s->key[s->tree[0]]) :
	       s->exc[0].seq < ps_key_pos(s->key[s->tree[0]]);
}

/* stream @l's head goes (or is dropped), its next one plays: records out, -1 error */
static int ps_take_head(struct perfdata *pd, uint32_t l, struct pp_record *rec, uint64_t *off,
			uint64_t keep)
{
	struct pd_sort *s = pd->sort;
	struct ps_stream *q = &s->st[l];
	const struct pd_attr *a = q->attr;
	uint32_t rs;
	int n = 0;

	/* the first sample of all goes: -i's clock starts at it, whatever its event */
	if (__builtin_expect(a->used || !s->first, 1)) {
		s->first = 1;
		if (sample_decode(&a->lay, s->data + q->pos, q->size, q->cpu, rec, &rs))
			return -1;
		s->dropped += s->drop.valid;
		s->drop.valid = 0;
		*off = s->off + q->pos;
		n = 1;
	} else {
		ps_drop_head(s, q);
	}
	if ((s->looked += q->size) > PS_TRIM)
		ps_trim(s, pd->pos, keep);
	return ps_advance(pd, q, l) < 0 ? -1 : n;
}

/*
 * The least key the winner @l must stay below to go on winning: the
 * bound, the other streams' heads (the losers on its way up) and the
 * side heap's first record.
 */
static inline ps_key ps_limit(const struct pd_sort *s, uint32_t l, ps_key bound)
{
	ps_key m = bound;
	uint32_t node;

	for (node = (l + s->tk) >> 1; node; node >>= 1) {
		ps_key x = s->key[s->tree[node]];

		m = x < m ? x : m;
	}
	if (s->nexc) {
		/* ps_exc_first()'s order: before a head of its time if its offset is lower */
		uint64_t seq = s->exc[0].seq < (1ull << 48) ? s->exc[0].seq : (1ull << 48) - 1;
		ps_key e = ps_mkkey(s->exc[0].t, seq, 0);

		m = e < m ? e : m;
	}
	return m;
}

/*
 * The merge on perf record's layout, from the winner @l on.  A stream's
 * records come in runs (a vCPU's exit, its kvm_pio, its entry on one
 * CPU): the winner's records go while each next head stays below @lim
 * (no other head, nor the bound comes before it), so the tournament
 * stands as it is; then its new head plays and the next winner goes on
 * the same way.  The winner's position lives in registers meanwhile.
 * Returns, with the records handed out so far (@n before), when the
 * batch is full, the bound is reached or the side heap has records
 * (ps_merge() weighs those); -1 when the mapping no longer holds
 * what the scan read.
 */
static inline int ps_gallop(struct perfdata *pd, uint32_t l, ps_key bound, struct pp_record *recs,
			    uint64_t *offs, int n, int max, uint64_t keep)
{
	struct pd_sort *s = pd->sort;
	const unsigned char *const d = s->data;
	struct ps_stream *q = &s->st[l];
	uint64_t pos = q->pos, end = q->end, t, h, id;
	uint32_t size = q->size, used = q->used;
	ps_key k, lim = ps_limit(s, l, bound);
	const struct pd_idc *c;
	int r;

	for (;;) {
		/* the first sample of all goes: -i's clock starts at it, whatever its event */
		if (__builtin_expect(used || !s->first, 1)) {
			s->first = 1;
			if (ps_decode_fast(s, pos, size, &recs[n]))
				return -1;
			if (__builtin_expect(s->drop.valid, 0))
				s->dropped++, s->drop.valid = 0;
			offs[n++] = s->off + pos;
		} else {
			q->pos = pos;
			q->size = size;
			ps_drop_head(s, q);
		}
		if (__builtin_expect((s->looked += size) > PS_TRIM, 0)) {
			q->pos = pos;
			ps_trim(s, pd->pos, keep);
		}
		/* the next head: a sample the id cache knows as a tracepoint's, as the scan saw it */
		pos += size;
		if (__builtin_expect(pos >= end, 0))
			goto general;
		/* the scan read these bytes a round ago: they are out of the cache by now */
		__builtin_prefetch(d + pos + PS_AHEAD_M);
		__builtin_prefetch(d + pos + PS_AHEAD_M + 64);
		h = load64(d + pos);
		size = (uint32_t)(h >> 48);
		if (__builtin_expect((uint32_t)h != PERF_RECORD_SAMPLE || size < s->need ||
				     size > end - pos, 0))
			goto general;
		id = load64(d + pos + s->id_off);
		c = &pd->idc[id & pd->idc_mask];
		if (__builtin_expect(c->id != id || !c->tp, 0))
			goto general;
		used = c->used;
		t = load64(d + pos + s->off_time);
		k = ps_mkkey(t, pos, l);
		goto head;
general:
		/* anything else: the general seek, from here */
		r = ps_seek(pd, q, pos, &t);
		if (__builtin_expect(r <= 0, 0)) {
			q->inheap = 0;
			s->nheap--;
			s->key[l] = ~(ps_key)0;
			ps_replay(s, l);
			if (r < 0)
				return -1;
			goto next;
		}
		pos = q->pos;
		size = q->size;
		used = q->used;
		end = q->end;
		k = ps_mkkey(t, pos, l);
head:
		if (__builtin_expect(k < lim, 1) && n < max - 1)
			continue;	/* still below every other head: the tournament stands */
		q->pos = pos;
		q->size = size;
		q->used = used;
		s->key[l] = k;
		if (k < lim)
			return n;	/* the batch is full */
		ps_replay(s, l);
next:
		/* the next winner goes on here, unless the side heap or the bound has a say */
		if (n >= max - 1 || s->nexc)
			return n;
		l = s->tree[0];
		if (s->key[l] >= bound)
			return n;
		q = &s->st[l];
		pos = q->pos;
		size = q->size;
		used = q->used;
		end = q->end;
		lim = ps_limit(s, l, bound);
	}
}

/*
 * Up to @max records older than the bound, in (time, offset) order: how
 * many; -1 when the mapping no longer holds what the scan read.  The
 * side heap's records here; the streams' heads one by one, or on perf
 * record's layout in runs (ps_gallop()).
 */
static int ps_merge(struct perfdata *pd, struct pp_record *recs, uint64_t *offs, int max)
{
	struct pd_sort *s = pd->sort;
	const ps_key bound = s->bound == UINT64_MAX ? ~(ps_key)0 : (ps_key)s->bound << 64;
	/* the records handed out in this batch are read after it: their pages stay */
	const uint64_t keep = ps_low(s, pd->pos);
	int n = 0, r;

	while (n < max - 1) {
		uint32_t l;

		if (__builtin_expect(ps_exc_first(s), 0)) {
			if (s->bound != UINT64_MAX && s->exc[0].t >= s->bound)
				break;
			if ((r = ps_take_exc(pd, recs + n, offs + n)) < 0)
				return -1;
			n += r;
			continue;
		}
		l = s->tree[0];
		if (s->key[l] >= bound)	/* ~0: no stream has a head */
			break;
		if (s->fast) {
			n = ps_gallop(pd, l, bound, recs, offs, n, max, keep);
		} else {
			r = ps_take_head(pd, l, recs + n, offs + n, keep);
			n = r < 0 ? -1 : n + r;
		}
		if (n < 0)
			return -1;
	}
	return n;
}

/* ---------------------------------------------------------------- the face */

static int ps_fail(struct perfdata *pd, const char *what)
{
	struct pd_sort *s = pd->sort;

	if (what)
		pd_err(pd, s->err, sizeof(s->err), pd_off(pd), "%s", what);
	s->phase = PS_ERROR;
	return -1;
}

/* the next step when the records handed out so far are @n: more records, or an end */
/* a FINISHED_ROUND as a record (the first one, for the engine's setup): 1 */
static int ps_round_out(struct pd_sort *s, struct perfdata *pd, struct pp_record *rec,
			uint64_t *off)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = PP_REC_ROUND;
	rec->buf = -1;
	rec->cpu = rec->pid = rec->tid = UINT32_MAX;
	*off = s->off + pd->pos;
	s->any = 1;
	return 1;
}

static int ps_step(struct perfdata *pd, struct pp_record *recs, uint64_t *offs, int max)
{
	struct pd_sort *s = pd->sort;
	int n = 0, r;

	for (;;) {
		if (s->phase == PS_FLUSH || s->phase == PS_LAST) {
			r = ps_merge(pd, recs + n, offs + n, max - n);
			if (r < 0)
				return ps_fail(pd, "the recording changed while it was read");
			n += r;
			if (n >= max - 1)
				return n;
			if (s->phase == PS_LAST) {
				if ((r = ps_flush_drop(pd, recs + n, offs + n)) < 0)
					return ps_fail(pd, "the recording changed while it was read");
				n += r;
				s->phase = PS_DONE;
				return n;
			}
			s->phase = PS_SCAN;
			ps_trim(s, pd->pos, pd->pos);
			if (n)
				return n;
		}
		if (s->phase == PS_DONE)
			return 0;
		r = ps_scan(pd);
		if (r < 0 && !s->any && s->seen) {
			/* records came before the bad one: the engine looks at the formats first */
			s->phase = PS_ERROR;
			return ps_round_out(s, pd, recs, offs);
		}
		if (r < 0)
			return ps_fail(pd, NULL);
		if (r == 2) {
			s->phase = PS_DONE;	/* stopped: what is queued is not sorted yet */
			return 0;
		}
		if (r == 1) {
			s->bound = s->round_prev == UINT64_MAX ? UINT64_MAX : s->round_prev + 1;
			s->round_prev = s->newest;
			s->phase = PS_FLUSH;
			/*
			 * The first round goes out as a record, as it did when the
			 * engine's queue merged: a recording of no sample at all
			 * still has its formats looked at (the profiler's setup).
			 */
			if (!s->any)
				n += ps_round_out(s, pd, recs + n, offs + n);
		} else {
			if (ps_gaps_end(s) < 0)
				return ps_fail(pd, "out of memory sorting records");
			s->bound = UINT64_MAX;
			s->phase = PS_LAST;
		}
		/* the streams that got runs take part: the tournament anew */
		if (ps_room(s) < 0)
			return ps_fail(pd, "out of memory sorting records");
		if (ps_join(pd) < 0)
			return ps_fail(pd, "the recording changed while it was read");
		ps_rebuild(s);
	}
}

int perfdata_next_sorted(struct perfdata *pd, struct pp_record *recs, uint64_t *offs, int max,
			 char *err, size_t errlen)
{
	struct pd_sort *s = pd->sort;
	sigjmp_buf jb;
	int n;

	if (s->phase == PS_ERROR) {
		snprintf(err, errlen, "%s", s->err);
		return -1;
	}
	if (max < 2)
		return -1;
	if (sigsetjmp(jb, 0)) {
		ps_jmp = NULL;
		pd_err(pd, s->err, sizeof(s->err), pd_off(pd),
		       "the recording was cut short while it was read");
		s->phase = PS_ERROR;
		snprintf(err, errlen, "%s", s->err);
		return -1;
	}
	ps_jmp = &jb;
	n = ps_step(pd, recs, offs, max);
	ps_jmp = NULL;
	if (n < 0)
		snprintf(err, errlen, "%s", s->err);
	return n;
}

void perfdata_use(struct perfdata *pd, const int *ids, int n)
{
	unsigned i;
	int k;

	for (i = 0; i < pd->nattrs; i++) {
		struct pd_attr *a = &pd->attrs[i];

		a->used = 0;
		for (k = 0; k < n; k++)
			if (a->is_tp && (uint64_t)(unsigned)ids[k] == a->config)
				a->used = 1;
	}
	pd_idc_clear(pd);
}

void perfdata_sort_stats(const struct perfdata *pd, struct perfdata_sort_stats *st)
{
	const struct pd_sort *s = pd->sort;

	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	st->dropped = s->dropped;
	st->newest = s->newest;
	st->mem_peak = s->mem_peak;
}

/* do all tracepoint attrs share perf record's full layout, their ids in one place? */
static void ps_layout(const struct perfdata *pd, struct pd_sort *s)
{
	const struct sample_layout *l = NULL;
	unsigned i;

	s->fast = s->id_off && !pd->id_bad;
	for (i = 0; s->fast && i < pd->nattrs; i++) {
		const struct sample_layout *a = &pd->attrs[i].lay;

		if (!pd->attrs[i].is_tp)
			continue;
		if (!l)
			l = a;
		if (!a->full || a->sample_type != l->sample_type || a->read_format != l->read_format)
			s->fast = 0;
	}
	if (!l)
		s->fast = 0;
	if (!s->fast)
		return;
	s->need = l->need;
	s->off_raw = l->off_raw;
	s->off_time = l->off_time;
	s->off_cpu = l->off_cpu;
	s->off_tid = l->off_tid;
}

/*
 * Compressed records in the first PS_PEEK bytes of the data at @start
 * (@len bytes)?  A header that says nothing of compression (a tool's own
 * writer, not perf's) leaves them to be found in the data: the reader
 * decompresses them in hold mode, sorted mode would have to refuse.
 */
#define PS_PEEK		(256u << 10)

static bool ps_compressed_ahead(const struct perfdata *pd, uint64_t start, uint64_t len)
{
	size_t n = len < PS_PEEK ? (size_t)len : PS_PEEK, pos = 0;
	unsigned char *b = malloc(n ? n : 1);
	bool found = false;
	ssize_t got;

	if (!b)
		return true;	/* no memory to look: hold mode reads it */
	got = pread(pd->fd, b, n, (off_t)start);
	while (got > 0 && pos + 8 <= (size_t)got) {
		uint32_t type = load32(b + pos);
		uint16_t size = load16(b + pos + 6);

		if (type == PD_REC_COMPRESSED || type == PD_REC_COMPRESSED2) {
			found = true;
			break;
		}
		if (size < 8)
			break;	/* the scan says what is wrong */
		pos += size;
	}
	free(b);
	return found;
}

int perfdata_sort(struct perfdata *pd, uint64_t hold)
{
	struct pd_sort *s;
	struct sigaction sa;
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t start = pd_off(pd), len;

	if (pd->pipe || pd->head || pd->comp_type || pd->end == UINT64_MAX || pd->in_z ||
	    pd->pos != pd->len || pg <= 0)
		return -1;
	len = pd->end - start;
	if (ps_compressed_ahead(pd, start, len))
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->map_skew = (size_t)(start % (uint64_t)pg);
	s->map_len = (size_t)len + s->map_skew;
	if (len) {
		s->map = mmap(NULL, s->map_len, PROT_READ, MAP_SHARED, pd->fd,
			      (off_t)(start - s->map_skew));
		if (s->map == MAP_FAILED) {
			free(s);
			return -1;
		}
		madvise(s->map, s->map_len, MADV_SEQUENTIAL);
		s->data = (const unsigned char *)s->map + s->map_skew;
	}
	s->len = len;
	s->off = start;
	s->hold = hold;
	s->id_off = pd->nids ? pd->id_off : 0;
	ps_layout(pd, s);
	s->last_buf = INT32_MIN + 1;
	s->prev = PS_NONE;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = ps_on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, &ps_old_bus);
	/* the records come from the mapping: the reader's buffer goes */
	free(pd->buf);
	pd->buf = (unsigned char *)s->data;
	pd->buf_off = start;
	pd->pos = 0;
	pd->len = (size_t)len;
	pd->eof = 1;
	pd->mapped = 1;
	pd->sort = s;
	return 0;
}

void pd_sort_free(struct perfdata *pd)
{
	struct pd_sort *s = pd->sort;
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->nst; i++) {
		free(s->st[i].run);
		free(s->st[i].gap);
	}
	free(s->st);
	free(s->key);
	free(s->tree);
	free(s->join);
	free(s->exc);
	free(s->of);
	u64map_free(&s->far);
	if (s->map && s->map != MAP_FAILED)
		munmap(s->map, s->map_len);
	sigaction(SIGBUS, &ps_old_bus, NULL);
	free(s);
	pd->sort = NULL;
	pd->buf = NULL;
}
