// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/order.h>

/* a queued record: header, then raw bytes, padded to 8 */
struct qrec {
	struct pp_record rec;
	uint64_t seq;		/* ties: keep push order */
	uint32_t len;		/* total bytes of this entry */
};

struct order_fifo {
	unsigned char *buf;
	size_t cap, rd, wr;
	uint64_t last;		/* time of the newest record pushed */
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

/* a merge heap entry: the head of one stream, keyed by (time, seq) */
struct hent {
	uint64_t time, seq;
	int s;
};

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

static inline struct qrec *head(struct order_fifo *f)
{
	return f->rd < f->wr ? (struct qrec *)(f->buf + f->rd) : NULL;
}

static inline bool before(const struct hent *x, const struct hent *y)
{
	return x->time != y->time ? x->time < y->time : x->seq < y->seq;
}

static inline void sift_down(struct hent *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		struct hent t;

		if (l < n && before(&h[l], &h[m]))
			m = l;
		if (r < n && before(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static inline void pop(struct order *o, struct order_fifo *f, struct qrec *q)
{
	f->rd += q->len;
	o->mem -= q->len;
	o->queued--;
	if (f->rd == f->wr)
		f->rd = f->wr = 0;
}

/*
 * k-way merge of the stream heads.  The heap holds each head's (time, seq)
 * so the sift compares one array, not the records behind it.
 */
static void merge(struct order *o, uint64_t upto, uint64_t max_records)
{
	struct hent *h = (struct hent *)o->heap;
	int n = 0, i;

	for (i = 0; i < o->nfifo; i++) {
		struct qrec *q = head(&o->fifo[i]);

		if (q) {
			h[n].time = q->rec.time;
			h[n].seq = q->seq;
			h[n].s = i;
			n++;
		}
	}
	for (i = n / 2 - 1; i >= 0; i--)
		sift_down(h, n, i);
	while (n > 0 && max_records > 0) {
		struct order_fifo *f = &o->fifo[h[0].s];
		struct qrec *q;

		if (h[0].time >= upto)
			break;
		q = head(f);
		/* handed out in place: the queue does not move during the call */
		q->rec.raw = q->rec.raw_size ? (const void *)(q + 1) : NULL;
		o->cb(&q->rec, o->arg);
		pop(o, f, q);
		max_records--;
		q = head(f);
		if (!q) {
			h[0] = h[--n];
		} else {
			h[0].time = q->rec.time;
			h[0].seq = q->seq;
		}
		sift_down(h, n, 0);
	}
}

int order_push(struct order *o, const struct pp_record *rec)
{
	struct order_fifo *f;
	size_t len = QALIGN(sizeof(struct qrec) + rec->raw_size);
	struct qrec *q;
	int s = rec->buf < 0 ? 0 : rec->buf;

	if (s >= o->nfifo && grow_streams(o, s + 1) < 0)
		return -1;
	if (o->fifo[s].wr > o->fifo[s].rd && o->fifo[s].last > rec->time) {
		/*
		 * Out of order within its stream (a perf.data chunk of another
		 * buffer): put it in any lane it keeps sorted, so the merge of
		 * sorted lanes stays exact.
		 */
		for (s = 0; s < o->nfifo; s++)
			if (o->fifo[s].wr == o->fifo[s].rd || o->fifo[s].last <= rec->time)
				break;
		if (s == o->nfifo && grow_streams(o, s + 1) < 0)
			return -1;
	}
	f = &o->fifo[s];
	if (f->wr + len > f->cap) {
		if (f->rd > 0 && f->rd >= f->cap / 2) {
			/* reclaim the consumed front */
			memmove(f->buf, f->buf + f->rd, f->wr - f->rd);
			f->wr -= f->rd;
			f->rd = 0;
		}
		if (f->wr + len > f->cap) {
			size_t ncap = f->cap ? f->cap * 2 : 65536;
			unsigned char *nb;

			while (ncap < f->wr + len)
				ncap *= 2;
			nb = realloc(f->buf, ncap);
			if (!nb)
				return -1;
			f->buf = nb;
			f->cap = ncap;
		}
	}
	q = (struct qrec *)(f->buf + f->wr);
	q->rec = *rec;
	q->seq = o->seq++;
	q->len = len;
	if (rec->raw_size)
		memcpy(q + 1, rec->raw, rec->raw_size);
	f->wr += len;
	f->last = rec->time;
	o->mem += len;
	o->queued++;
	if (o->mem > o->mem_peak)
		o->mem_peak = o->mem;
	if (o->mem_limit && o->mem > o->mem_limit) {
		/* over budget: hand out the oldest eighth now */
		uint64_t n = o->queued / 8 + 1;

		o->forced += n;
		merge(o, UINT64_MAX, n);
	}
	return 0;
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

	for (i = 0; i < o->nfifo; i++)
		free(o->fifo[i].buf);
	free(o->fifo);
	free(o->heap);
	memset(o, 0, sizeof(*o));
}
