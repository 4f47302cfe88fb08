// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streams are rings of fixed-size entries (a decoded record and its
 * tie-break), so a flush reads arrays, never variable-length byte queues.
 * Payloads are copied into a per-stream byte FIFO only when the caller
 * cannot keep them (live rings); the perf.data reader keeps its own.
 *
 * A flush first counts, per stream, the entries older than the bound (a
 * stream is sorted, so it is a prefix); the merge itself then needs no
 * bound check.  One or two streams (the common cases: per-thread buffers,
 * a 2-CPU recording) are merged without a heap.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/order.h>

/* a stream taking part in a merge: its head's key, and how many may go */
struct hent {
	uint64_t time, seq;
	uint32_t left;
	int s;
};

#define QALIGN(x) (((x) + 7) & ~(size_t)7)

int order_init(struct order *o, uint64_t mem_limit, order_cb cb, void *arg)
{
	memset(o, 0, sizeof(*o));
	o->mem_limit = mem_limit;
	o->cb = cb;
	o->arg = arg;
	return 0;
}

static int grow_streams(struct order *o, int n)
{
	struct order_fifo *f;
	void *h;

	f = realloc(o->fifo, n * sizeof(*f));
	if (!f)
		return -1;
	memset(f + o->nfifo, 0, (n - o->nfifo) * sizeof(*f));
	o->fifo = f;
	h = realloc(o->heap, n * sizeof(struct hent));
	if (!h)
		return -1;
	o->heap = h;
	o->nfifo = n;
	return 0;
}

static inline uint32_t queued(const struct order_fifo *f)
{
	return f->wr - f->rd;
}

static inline struct qent *at(const struct order_fifo *f, uint32_t i)
{
	return &f->e[i & (f->cap - 1)];
}

static inline bool before(uint64_t t1, uint64_t s1, uint64_t t2, uint64_t s2)
{
	return t1 != t2 ? t1 < t2 : s1 < s2;
}

/*
 * Deliver the next @n entries of @f, which all go before anything else
 * queued.  One function for the hot loop: the bookkeeping is done once.
 */
static void deliver_run(struct order *o, struct order_fifo *f, uint32_t n)
{
	uint64_t raw = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct qent *q = at(f, f->rd + i);

		if (q->rawlen) {
			q->rec.raw = f->raw + f->rrd;
			f->rrd += q->rawlen;
		}
		o->cb(&q->rec, o->arg);
		raw += q->rec.raw_size;
	}
	f->rd += n;
	if (f->rrd == f->rwr)
		f->rrd = f->rwr = 0;
	o->mem -= n * sizeof(struct qent) + raw;
	o->queued -= n;
}

/* how many entries of @f are older than @upto: a prefix, @f is sorted */
static uint32_t older(const struct order_fifo *f, uint64_t upto)
{
	uint32_t lo = 0, hi = queued(f);

	if (!hi || f->last < upto || upto == UINT64_MAX)
		return hi;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (at(f, f->rd + mid)->rec.time < upto)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline void sift_down(struct hent *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		struct hent t;

		if (l < n && before(h[l].time, h[l].seq, h[m].time, h[m].seq))
			m = l;
		if (r < n && before(h[r].time, h[r].seq, h[m].time, h[m].seq))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * Two streams, the common case (2 CPUs, or 2 lanes of one): local cursors
 * and a branch-free pick, since which stream goes next is a coin flip.
 */
static void merge_two(struct order *o, struct hent *h, uint64_t max)
{
	struct order_fifo *a = &o->fifo[h[0].s], *b = &o->fifo[h[1].s];
	struct qent *const ba = a->e, *const bb = b->e;
	const uint32_t ma = a->cap - 1, mb = b->cap - 1;
	const order_cb cb = o->cb;
	void *const arg = o->arg;
	uint32_t ia = a->rd, ib = b->rd;
	uint32_t ea = ia + h[0].left, eb = ib + h[1].left;
	uint64_t raw = 0, n = 0;

	if (max > (uint64_t)h[0].left + h[1].left)
		max = (uint64_t)h[0].left + h[1].left;
	while (ia != ea && ib != eb && n < max) {
		struct qent *qa = &ba[ia & ma], *qb = &bb[ib & mb];
		/* (time, seq) as one 128-bit key: compared without a branch */
		unsigned __int128 ka = (unsigned __int128)qa->rec.time << 64 | qa->seq;
		unsigned __int128 kb = (unsigned __int128)qb->rec.time << 64 | qb->seq;
		uint32_t tb = kb < ka;
		uintptr_t sel = -(uintptr_t)tb;
		struct qent *q = (struct qent *)(((uintptr_t)qb & sel) | ((uintptr_t)qa & ~sel));

		ib += tb;
		ia += tb ^ 1;
		if (q->rawlen) {
			struct order_fifo *f = tb ? b : a;

			q->rec.raw = f->raw + f->rrd;
			f->rrd += q->rawlen;
		}
		cb(&q->rec, arg);
		raw += q->rec.raw_size;
		n++;
	}
	o->mem -= (ia - a->rd + ib - b->rd) * sizeof(struct qent) + raw;
	o->queued -= (ia - a->rd) + (ib - b->rd);
	a->rd = ia;
	b->rd = ib;
	if (a->rrd == a->rwr)
		a->rrd = a->rwr = 0;
	if (b->rrd == b->rwr)
		b->rrd = b->rwr = 0;
	/* one stream is done (or max reached): the rest of the other */
	if (n < max) {
		uint64_t rest = ia != ea ? ea - ia : eb - ib;

		deliver_run(o, ia != ea ? a : b, (uint32_t)(rest < max - n ? rest : max - n));
	}
}

static void merge_heap(struct order *o, struct hent *h, int n, uint64_t max)
{
	int i;

	for (i = n / 2 - 1; i >= 0; i--)
		sift_down(h, n, i);
	while (n > 0 && max > 0) {
		struct order_fifo *f = &o->fifo[h[0].s];

		deliver_run(o, f, 1);
		max--;
		if (--h[0].left == 0) {
			h[0] = h[--n];
		} else {
			const struct qent *q = at(f, f->rd);

			h[0].time = q->rec.time;
			h[0].seq = q->seq;
		}
		sift_down(h, n, 0);
	}
}

/* deliver up to @max records older than @upto, in (time, seq) order */
static void merge(struct order *o, uint64_t upto, uint64_t max)
{
	struct hent *h = (struct hent *)o->heap;
	int n = 0, i;

	for (i = 0; i < o->nfifo; i++) {
		struct order_fifo *f = &o->fifo[i];
		uint32_t k = older(f, upto);

		if (k) {
			const struct qent *q = at(f, f->rd);

			h[n].time = q->rec.time;
			h[n].seq = q->seq;
			h[n].left = k;
			h[n].s = i;
			n++;
		}
	}
	if (n == 1) {
		deliver_run(o, &o->fifo[h[0].s], h[0].left < max ? h[0].left : (uint32_t)max);
	} else if (n == 2) {
		merge_two(o, h, max);
	} else if (n > 2) {
		merge_heap(o, h, n, max);
	}
}

/* the stream @rec goes to: its buffer's, unless that would unsort it */
static struct order_fifo *lane(struct order *o, const struct pp_record *rec)
{
	int s = rec->buf < 0 ? 0 : rec->buf;

	if (s >= o->nfifo && grow_streams(o, s + 1) < 0)
		return NULL;
	if (queued(&o->fifo[s]) && o->fifo[s].last > rec->time) {
		/*
		 * Out of order within its stream (a perf.data chunk of another
		 * buffer): put it in any lane it keeps sorted, so the merge of
		 * sorted lanes stays exact.
		 */
		for (s = 0; s < o->nfifo; s++)
			if (!queued(&o->fifo[s]) || o->fifo[s].last <= rec->time)
				break;
		if (s == o->nfifo && grow_streams(o, s + 1) < 0)
			return NULL;
	}
	return &o->fifo[s];
}

/* a free entry at the tail of @f */
static struct qent *tail(struct order_fifo *f)
{
	if (queued(f) == f->cap) {
		uint32_t ncap = f->cap ? f->cap * 2 : 1024, i;
		struct qent *ne;

		if (ncap < f->cap)
			return NULL;
		ne = malloc((size_t)ncap * sizeof(*ne));
		if (!ne)
			return NULL;
		for (i = 0; i < queued(f); i++)
			ne[i] = *at(f, f->rd + i);
		free(f->e);
		f->e = ne;
		f->wr = queued(f);
		f->rd = 0;
		f->cap = ncap;
	}
	return at(f, f->wr);
}

/* room for @len payload bytes at the end of @f's raw FIFO */
static unsigned char *raw_room(struct order_fifo *f, size_t len)
{
	if (f->rwr + len > f->rcap) {
		if (f->rrd > 0 && f->rrd >= f->rcap / 2) {
			/* reclaim the consumed front */
			memmove(f->raw, f->raw + f->rrd, f->rwr - f->rrd);
			f->rwr -= f->rrd;
			f->rrd = 0;
		}
		if (f->rwr + len > f->rcap) {
			size_t ncap = f->rcap ? f->rcap * 2 : 65536;
			unsigned char *nb;

			while (ncap < f->rwr + len)
				ncap *= 2;
			nb = realloc(f->raw, ncap);
			if (!nb)
				return NULL;
			f->raw = nb;
			f->rcap = ncap;
		}
	}
	return f->raw + f->rwr;
}

void order_set_early(struct order *o, order_cb early, order_cb late)
{
	o->early_cb = early;
	o->late_cb = late;
}

/*
 * What a forced merge delivers: to the early callback, and from now on
 * anything not newer than it is late (a tie could belong before it).
 */
static void early_tramp(const struct pp_record *rec, void *arg)
{
	struct order *o = arg;

	if (rec->time >= o->late_before)
		o->late_before = rec->time + 1;
	o->early_cb(rec, o->saved_arg);
}

int order_push_late(struct order *o, const struct pp_record *rec)
{
	o->late++;
	o->late_cb(rec, o->arg);
	return 0;
}

/*
 * One test per push covers both the peak and the bound: mem_next is the
 * lower of the two, so pushes below both test nothing else.
 */
void order_mem_grew(struct order *o)
{
	if (o->mem > o->mem_peak)
		o->mem_peak = o->mem;
	if (o->mem_limit && o->mem > o->mem_limit) {
		/* over budget: hand out the oldest eighth now */
		uint64_t n = o->queued / 8 + 1;

		o->forced += n;
		if (o->early_cb && o->late_cb) {
			o->saved_cb = o->cb;
			o->saved_arg = o->arg;
			o->cb = early_tramp;
			o->arg = o;
			merge(o, UINT64_MAX, n);
			o->cb = o->saved_cb;
			o->arg = o->saved_arg;
		} else {
			merge(o, UINT64_MAX, n);
		}
	}
	o->mem_next = o->mem_limit && o->mem_limit < o->mem_peak ? o->mem_limit : o->mem_peak;
}

int order_push(struct order *o, const struct pp_record *rec)
{
	struct order_fifo *f;
	size_t len = QALIGN(rec->raw_size);
	unsigned char *raw = NULL;
	struct qent *q;

	if (rec->time < o->late_before)
		return order_push_late(o, rec);
	f = lane(o, rec);
	if (!f || !(q = tail(f)) || (len && !(raw = raw_room(f, len))))
		return -1;
	if (len) {
		memcpy(raw, rec->raw, rec->raw_size);
		f->rwr += len;
	}
	order_commit(o, f, q, rec, o->seq++, (uint32_t)len);
	return 0;
}

int order_push_ref_slow(struct order *o, const struct pp_record *rec, uint64_t seq)
{
	struct order_fifo *f = lane(o, rec);
	struct qent *q;

	if (!f || !(q = tail(f)))
		return -1;
	order_commit(o, f, q, rec, seq, 0);
	return 0;
}

uint64_t order_oldest_seq(const struct order *o)
{
	uint64_t min = UINT64_MAX;
	int i;

	/* seqs rise along each stream, so the heads hold the minimum */
	for (i = 0; i < o->nfifo; i++)
		if (queued(&o->fifo[i]) && at(&o->fifo[i], o->fifo[i].rd)->seq < min)
			min = at(&o->fifo[i], o->fifo[i].rd)->seq;
	return min;
}

void order_flush(struct order *o, uint64_t upto)
{
	merge(o, upto, UINT64_MAX);
}

void order_flush_all(struct order *o)
{
	merge(o, UINT64_MAX, UINT64_MAX);
}

void order_exit(struct order *o)
{
	int i;

	for (i = 0; i < o->nfifo; i++) {
		free(o->fifo[i].e);
		free(o->fifo[i].raw);
	}
	free(o->fifo);
	free(o->heap);
	memset(o, 0, sizeof(*o));
}
