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
 *
 * Records that no lane keeps sorted wait in a binary heap; a flush first
 * moves those older than its bound, in order, into the spill lane, which
 * the merge then treats as any other.
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

static int spill_in(struct order *o, uint64_t upto);

int order_init(struct order *o, uint64_t mem_limit, order_cb cb, void *arg)
{
	memset(o, 0, sizeof(*o));
	o->mem_limit = mem_limit;
	o->cb = cb;
	o->arg = arg;
	o->spill = -1;
	return 0;
}

/* a new, empty lane: its index, or -1 out of memory */
static int add_lane(struct order *o)
{
	if (o->nfifo == o->fifo_cap) {
		int n = o->fifo_cap ? 2 * o->fifo_cap : 4;
		struct order_fifo *f = realloc(o->fifo, n * sizeof(*f));
		void *h;

		if (!f)
			return -1;
		o->fifo = f;
		h = realloc(o->scratch, n * sizeof(struct hent));
		if (!h)
			return -1;
		o->scratch = h;
		o->fifo_cap = n;
	}
	memset(&o->fifo[o->nfifo], 0, sizeof(o->fifo[0]));
	return o->nfifo++;
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
	struct hent *h;
	int n = 0, i;

	/* first (it may add the spill lane, and move the scratch) */
	if (o->nheap)
		spill_in(o, upto);	/* out of memory: the heap waits for the next flush */
	h = (struct hent *)o->scratch;
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

/* the lane of buffer @buf: 0 found, 1 none (its records go to the heap), -1 out of memory */
static int lane_of(struct order *o, int32_t buf, int *lane)
{
	uint32_t v;

	if (buf >= 0 && buf < ORDER_DIRECT) {
		if ((uint32_t)buf >= o->nlane_of) {
			uint32_t n = o->nlane_of ? o->nlane_of : 16, i;
			int32_t *t;

			while (n <= (uint32_t)buf)
				n *= 2;
			t = realloc(o->lane_of, n * sizeof(*t));
			if (!t)
				return -1;
			for (i = o->nlane_of; i < n; i++)
				t[i] = -1;
			o->lane_of = t;
			o->nlane_of = n;
		}
		if (o->lane_of[buf] < 0) {
			if (o->nfifo >= ORDER_MAX_LANES)
				return 1;
			if ((o->lane_of[buf] = add_lane(o)) < 0)
				return -1;
		}
		*lane = o->lane_of[buf];
		return 0;
	}
	v = u64map_find(&o->far, (uint64_t)(int64_t)buf);
	if (v == UINT32_MAX) {
		int l;

		if (o->nfifo >= ORDER_MAX_LANES)
			return 1;
		if ((l = add_lane(o)) < 0)
			return -1;
		*u64map_slot(&o->far, (uint64_t)(int64_t)buf) = v = (uint32_t)l;
	}
	*lane = (int)v;
	return 0;
}

/* the lane @rec goes to, if its buffer's lane keeps sorted with it; NULL: the heap */
static struct order_fifo *lane(struct order *o, const struct pp_record *rec, int *oom)
{
	int l, r = lane_of(o, rec->buf, &l);

	*oom = r < 0;
	if (r)
		return NULL;
	if (queued(&o->fifo[l]) && o->fifo[l].last > rec->time)
		return NULL;	/* out of order within its buffer (a perf.data chunk of another) */
	return &o->fifo[l];
}

static inline bool hbefore(const struct qent *a, const struct qent *b)
{
	return before(a->rec.time, a->seq, b->rec.time, b->seq);
}

/* queue @q (its payload copied or referenced already) in the heap */
static int heap_add(struct order *o, const struct qent *q)
{
	uint32_t i;

	if (o->nheap == o->heap_cap) {
		uint32_t n = o->heap_cap ? 2 * o->heap_cap : 64;
		struct qent *h = realloc(o->heap, (size_t)n * sizeof(*h));

		if (!h)
			return -1;
		o->heap = h;
		o->heap_cap = n;
	}
	for (i = o->nheap++; i > 0 && hbefore(q, &o->heap[(i - 1) / 2]); i = (i - 1) / 2)
		o->heap[i] = o->heap[(i - 1) / 2];
	o->heap[i] = *q;
	return 0;
}

static void heap_pop(struct order *o)
{
	struct qent last = o->heap[--o->nheap];
	uint32_t i = 0, n = o->nheap;

	for (;;) {
		uint32_t l = 2 * i + 1, m = l;

		if (l >= n)
			break;
		if (l + 1 < n && hbefore(&o->heap[l + 1], &o->heap[l]))
			m = l + 1;
		if (!hbefore(&o->heap[m], &last))
			break;
		o->heap[i] = o->heap[m];
		i = m;
	}
	if (n)
		o->heap[i] = last;
}

static struct qent *tail(struct order_fifo *f);
static unsigned char *raw_room(struct order_fifo *f, size_t len);

/* the spill lane's entries back into the heap (after a forced merge left some) */
static int spill_back(struct order *o, struct order_fifo *f)
{
	while (queued(f)) {
		struct qent q = *at(f, f->rd);

		if (q.rawlen) {
			void *c = malloc(q.rec.raw_size ? q.rec.raw_size : 1);

			if (!c)
				return -1;
			memcpy(c, f->raw + f->rrd, q.rec.raw_size);
			f->rrd += q.rawlen;
			q.rec.raw = c;
			q.rawlen = 0;
			q.owned = 1;
		}
		if (heap_add(o, &q) < 0)
			return -1;
		f->rd++;
	}
	f->rrd = f->rwr = 0;
	return 0;
}

/* the heap's records older than @upto, in order, to the spill lane */
static int spill_in(struct order *o, uint64_t upto)
{
	struct order_fifo *f;

	if (o->spill < 0 && (o->spill = add_lane(o)) < 0)
		return -1;
	f = &o->fifo[o->spill];
	if (queued(f) && spill_back(o, f) < 0)
		return -1;
	while (o->nheap && (upto == UINT64_MAX || o->heap[0].rec.time < upto)) {
		struct qent *q = tail(f), *h = &o->heap[0];

		if (!q)
			return -1;
		*q = *h;
		if (h->owned) {
			size_t len = QALIGN(h->rec.raw_size);
			unsigned char *raw = len ? raw_room(f, len) : NULL;

			if (len && !raw)
				return -1;
			memcpy(raw, h->rec.raw, h->rec.raw_size);
			free((void *)h->rec.raw);
			f->rwr += len;
			q->rawlen = (uint32_t)len;
			q->owned = 0;
		}
		f->wr++;
		f->last = q->rec.time;
		heap_pop(o);
	}
	return 0;
}

/* a free entry at the tail of @f */
static struct qent *tail(struct order_fifo *f)
{
	if (queued(f) == f->cap) {
		uint32_t ncap = f->cap ? f->cap * 2 : 64, i;
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

void order_set_early(struct order *o, order_cb early, order_cb late, void *arg)
{
	o->early_cb = early;
	o->late_cb = late;
	o->early_arg = arg;
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
	o->early_cb(rec, o->early_arg);
}

int order_push_late(struct order *o, const struct pp_record *rec)
{
	o->late++;
	o->late_cb(rec, o->early_arg);
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

/* @rec, whose payload @raw is copied (@copy) or referenced, into the heap */
static int push_heap(struct order *o, const struct pp_record *rec, uint64_t seq, bool copy)
{
	struct qent q;

	memset(&q, 0, sizeof(q));
	q.rec = *rec;
	q.seq = seq;
	if (copy && rec->raw_size) {
		void *c = malloc(rec->raw_size);

		if (!c)
			return -1;
		memcpy(c, rec->raw, rec->raw_size);
		q.rec.raw = c;
		q.owned = 1;
	}
	if (heap_add(o, &q) < 0) {
		if (q.owned)
			free((void *)q.rec.raw);
		return -1;
	}
	o->mem += sizeof(struct qent) + rec->raw_size;
	o->queued++;
	if (o->mem > o->mem_next)
		order_mem_grew(o);
	return 0;
}

int order_push(struct order *o, const struct pp_record *rec)
{
	struct order_fifo *f;
	size_t len = QALIGN(rec->raw_size);
	unsigned char *raw = NULL;
	struct qent *q;
	int oom;

	if (rec->time < o->late_before)
		return order_push_late(o, rec);
	f = lane(o, rec, &oom);
	if (oom)
		return -1;
	if (!f)
		return push_heap(o, rec, o->seq++, true);
	if (!(q = tail(f)) || (len && !(raw = raw_room(f, len))))
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
	int oom;
	struct order_fifo *f = lane(o, rec, &oom);
	struct qent *q;

	if (oom)
		return -1;
	if (!f)
		return push_heap(o, rec, seq, false);
	if (!(q = tail(f)))
		return -1;
	order_commit(o, f, q, rec, seq, 0);
	return 0;
}

uint64_t order_oldest_seq(const struct order *o)
{
	uint64_t min = UINT64_MAX;
	uint32_t j;
	int i;

	/* seqs rise along each stream, so the heads hold the minimum */
	for (i = 0; i < o->nfifo; i++)
		if (queued(&o->fifo[i]) && at(&o->fifo[i], o->fifo[i].rd)->seq < min)
			min = at(&o->fifo[i], o->fifo[i].rd)->seq;
	/* the heap is ordered by time first: every entry */
	for (j = 0; j < o->nheap; j++)
		if (o->heap[j].seq < min)
			min = o->heap[j].seq;
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
	uint32_t j;
	int i;

	for (i = 0; i < o->nfifo; i++) {
		free(o->fifo[i].e);
		free(o->fifo[i].raw);
	}
	for (j = 0; j < o->nheap; j++)
		if (o->heap[j].owned)
			free((void *)o->heap[j].rec.raw);
	free(o->fifo);
	free(o->scratch);
	free(o->heap);
	free(o->lane_of);
	u64map_free(&o->far);
	memset(o, 0, sizeof(*o));
	o->spill = -1;
}
