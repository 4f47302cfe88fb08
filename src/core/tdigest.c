// SPDX-License-Identifier: GPL-2.0-only
/*
 * Merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles
 * using t-digests", 2019), sized for one digest per latency-table row:
 * tens of thousands of them may be alive, most having seen few values.
 *
 * tdigest_add() only appends the value to an unsorted buffer (of floats).
 * When the buffer is full it is sorted and folded into the array of
 * centroids (kept sorted by mean) in one greedy pass: a centroid keeps
 * absorbing its right neighbours while it spans at most one unit of the
 * k2 scale function
 *
 *	k(q) = delta / Z * log(q / (1 - q)),  Z = 2.5 * log(n / delta) + 15
 *
 * k2 keeps centroids small near q = 0 and q = 1, down to single samples at
 * the very ends, so the tail where p99 lives is resolved finely.  The
 * reference normaliser is Z = 4 * log(n / delta) + 24; 5/8 of it gives
 * 1.6x the centroids (~110 instead of ~70 at delta = 100, n = 10^6: 720
 * more bytes) and halves the error on log-normal latencies (p99: worst of
 * 20 runs 0.93% -> 0.50%, p50 2.1% -> 1.1%).
 *
 * Cost: the sort and the merge are what a value costs; tdigest_add() itself is
 * ~20 instructions.  With a 200-value buffer and a quicksort a value took
 * ~190 instructions (19 ns), 20% of an offline analysis.  Now the sort is
 * a radix sort (sort_values()), the merge sums each run of values joining
 * a centroid in a tight loop (compress_values()), and a busy digest
 * buffers up to 2048 values, which spreads the merge's walk over ~110
 * centroids and the sort's tables over 10x the values: ~90 instructions,
 * ~4.5 ns (bench/tdigest-bench), with the same errors.
 *
 * Memory: both arrays start small and grow geometrically, so a row that
 * saw one value costs 144 bytes, and one that never needed a merge answers
 * quantiles from its sorted buffer without allocating centroids.  They stop
 * at caps set by the compression alone, whatever the number of values:
 *
 *	tdigest_mem() <= sizeof(struct tdigest) + 4 * buf_max + 8 * 2 * cent_max
 *
 * with buf_max = 2 * delta and cent_max from max_centroids(); twice that
 * many centroid slots because the merge pass writes its output into the
 * array it is reading the old centroids from.  delta = 100: buf_max = 200,
 * cent_max = 163, bound 80 + 800 + 2608 = 3488 bytes; in practice c[]
 * stops at 135 entries and a busy digest uses 1960 bytes.
 *
 * A busy digest's bigger buffer is the only memory added to that, and it
 * is bounded twice:
 *  - per digest: buf_max doubles, up to TD_BUF_BIG = 2048 values (8 KB;
 *    9352 bytes in all, bound 10880), only once the digest saw 8 values
 *    (since tdigest_new() or tdigest_reset()) for each slot it would have: 400 at
 *    3,200 values, ..., 2048 at 16,384.  So the extra bytes are at most
 *    half a byte per value seen, and a lightly used row never grows:
 *    1,000 threads x 60 reasons x ~270 values is the same 96 MB;
 *  - over all digests of one budget (struct tdigest_budget, the statistics of
 *    a run share one): the extra bytes are counted in it and stop at
 *    TDIGEST_BUDGET_BYTES = 16 MB (~2,270 full-grown digests); past that a
 *    busy digest keeps its buffer as it is, slower, not bigger.  60,000
 *    busy rows thus take at most 60,000 x 3488 bytes + 16 MB.
 * The buffer size only decides when merges happen, not how: a digest that
 * could not grow answers as well (the merge is the same greedy pass).
 *
 * Values and centroid means are stored as float, weights as u32: half the
 * memory of doubles (1,000 threads x 60 reasons with --perins: 88 -> 55 MB,
 * bench/run), and a float is within 6e-8 of the double, two orders below
 * the digest's own error (bench/tdigest-bench: the same p50..p99.9 errors).
 * Sums and the interpolation stay in double.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/tdigest.h>

#define TD_MIN_COMPRESSION	10.0
#define TD_MAX_COMPRESSION	10000.0	/* keeps every size well inside u32 */
#define TD_BUF_MIN		16	/* first buffer: 64 bytes */
#define TD_CENT_MIN		8
#define TD_BUF_BIG		2048	/* buffer of a busy digest: 8 KB */
#define TD_BIG_AFTER		8	/* values seen per slot before growing */
#define TD_SORT_MAX		TD_BUF_BIG	/* values one sort_values() takes */
#define TD_DIGIT		11	/* bits a radix pass when three passes */
#define TD_DIGIT2		10	/* most bits a radix pass when two */
#define TD_RADIX		(1 << TD_DIGIT)

/* 8 bytes: a float mean is within 6e-8 of the double, far below the
 * digest's own error; a weight is a whole count */
struct centroid {
	float mean;
	uint32_t weight;
};

struct tdigest {
	double compression;
	double min, max;	/* exact: q = 0, q = 1 and the outer tails */
	double cw;		/* total weight of the centroids */
	uint64_t count;		/* cw + nbuf */
	uint32_t *buf;		/* values not merged yet, unsorted: float bits */
	struct centroid *c;	/* c[0..nc), sorted by mean */
	uint32_t nbuf, buf_cap, buf_max;
	uint32_t nc, c_cap, cent_max;
	struct tdigest_budget *budget;	/* what the extra buffer bytes are counted in */
};

/*
 * Most centroids one merge pass over n samples can leave.  Every centroid
 * but the first starts at a q in [1/n, 1 - 1/n], a k range of
 * R = 2 * delta * log(n - 1) / Z; a centroid is closed only when it plus
 * the next item would span more than one unit of k, so the starts of every
 * other centroid are more than a unit apart: at most 2 * R + 3 centroids.
 * Over all n, R peaks at 2/15 * delta * max(log(delta), 6) (reached as n
 * grows for delta <= 403, at n = delta above).
 */
static uint32_t max_centroids(double delta)
{
	double r = delta * (log(delta) > 6 ? log(delta) : 6) * 2 / 15;

	return 2 * (uint32_t)ceil(r) + 3;
}

static size_t extra_bytes(const struct tdigest *td)
{
	return (size_t)(td->buf_max - 2 * (uint32_t)ceil(td->compression)) *
	       sizeof(*td->buf);
}

struct tdigest *tdigest_new(double compression, struct tdigest_budget *budget)
{
	struct tdigest *td = calloc(1, sizeof(*td));

	if (!td)
		return NULL;
	/* !(x >= y) also catches NaN */
	if (!(compression >= TD_MIN_COMPRESSION))
		compression = TD_MIN_COMPRESSION;
	if (compression > TD_MAX_COMPRESSION)
		compression = TD_MAX_COMPRESSION;
	td->compression = compression;
	td->buf_max = 2 * (uint32_t)ceil(compression);
	td->cent_max = max_centroids(compression);
	td->min = INFINITY;
	td->max = -INFINITY;
	td->budget = budget;
	return td;
}

void tdigest_free(struct tdigest *td)
{
	if (!td)
		return;
	if (td->budget)
		td->budget->used -= extra_bytes(td);
	free(td->buf);
	free(td->c);
	free(td);
}

void tdigest_reset(struct tdigest *td)
{
	td->nbuf = 0;
	td->nc = 0;
	td->cw = 0;
	td->count = 0;
	td->min = INFINITY;
	td->max = -INFINITY;
}

uint64_t tdigest_count(const struct tdigest *td)
{
	return td->count;
}

size_t tdigest_mem(const struct tdigest *td)
{
	return sizeof(*td) + (size_t)td->buf_cap * sizeof(*td->buf) +
	       (size_t)td->c_cap * sizeof(*td->c);
}

/* a float's bits, and back: memcpy is the defined way to pun, and free */
static inline uint32_t float_bits(float f)
{
	uint32_t b;

	memcpy(&b, &f, sizeof(b));
	return b;
}

static inline float bits_float(uint32_t b)
{
	float f;

	memcpy(&f, &b, sizeof(f));
	return f;
}

/*
 * Order-preserving map from float bits to unsigned ints: a non-negative
 * float's bits already sort as an integer, so only the sign bit is set;
 * a negative one's sort backwards, so all bits are flipped.
 */
static inline uint32_t signed_key(uint32_t b)
{
	return b ^ (-(b >> 31) | 0x80000000u);
}

/*
 * The key radix_sort() sorts float bits @b by: relative to the smallest,
 * so the keys of a buffer span only as many bits as its range needs.
 * With no negative value (@neg 0) the bits are their own order.
 */
static inline __attribute__((always_inline))
uint32_t rel_key(uint32_t b, uint32_t klo, int neg)
{
	return neg ? signed_key(b) - klo : b - klo;
}

/* the counting pass of radix_sort(), for @p digits known at compile time */
static inline __attribute__((always_inline))
void count_digits(const uint32_t *v, uint32_t n, uint16_t (*cnt)[TD_RADIX],
		  uint32_t klo, int neg, unsigned int s, unsigned int w,
		  unsigned int p)
{
	uint32_t i, mask = (1u << w) - 1;

	for (i = 0; i < n; i++) {
		uint32_t k = rel_key(v[i], klo, neg) >> s;

		cnt[0][k & mask]++;
		if (p > 1)
			cnt[1][k >> w & mask]++;
		if (p > 2)
			cnt[2][k >> 2 * w]++;
	}
}

/*
 * LSD radix sort of float bits by key bits [s, 32), @w bits a pass; every
 * key is at most @range.  One read counts the digits of all passes, then
 * a pass is one scatter; a digit that is the same in every key costs no
 * pass.  The values move, not their keys, so nothing converts back.
 */
static inline __attribute__((always_inline))
void radix_sort(uint32_t *v, uint32_t n, uint32_t klo, uint32_t range, int neg,
		unsigned int s, unsigned int w)
{
	uint16_t cnt[3][TD_RADIX];	/* counts fit: n <= TD_SORT_MAX < 2^16 */
	uint32_t tmp[TD_SORT_MAX], *src = v, *dst = tmp, size[3], i, j, p;
	uint32_t mask = (1u << w) - 1;

	range >>= s;
	p = range >> 2 * w ? 3 : range >> w ? 2 : 1;
	/* a digit above range's is always 0: shrink its table to what occurs */
	for (j = 0; j < p; j++) {
		size[j] = range >> (w * j);
		size[j] = size[j] < mask ? size[j] + 1 : mask + 1;
		memset(cnt[j], 0, size[j] * sizeof(cnt[j][0]));
	}
	/* p as a constant: no branch per key on it */
	if (p == 3)
		count_digits(v, n, cnt, klo, neg, s, w, 3);
	else if (p == 2)
		count_digits(v, n, cnt, klo, neg, s, w, 2);
	else
		count_digits(v, n, cnt, klo, neg, s, w, 1);
	for (j = 0; j < p; j++) {
		uint16_t *c = cnt[j], sum = 0;
		uint32_t shift = s + w * j;

		if (c[rel_key(v[0], klo, neg) >> shift & mask] == n)
			continue;
		for (i = 0; i < size[j]; i++) {
			uint16_t t = c[i];

			c[i] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++)
			dst[c[rel_key(src[i], klo, neg) >> shift & mask]++] = src[i];
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/*
 * Insertion sort of float bits by key, giving up once it moved more than
 * @budget values: then it returns 0 and @v is a permutation of what it was.
 */
static inline __attribute__((always_inline))
int insertion_sort(uint32_t *v, uint32_t n, uint32_t budget, int neg)
{
	uint32_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t t = v[i], k = rel_key(t, 0, neg);

		if (!(k < rel_key(v[i - 1], 0, neg)))
			continue;
		for (j = i; j && k < rel_key(v[j - 1], 0, neg); j--)
			v[j] = v[j - 1];
		v[j] = t;
		if (i - j > budget)
			return 0;
		budget -= i - j;
	}
	return 1;
}

static inline __attribute__((always_inline))
void sort_keys(uint32_t *v, uint32_t n, uint32_t klo, uint32_t range, int neg)
{
	unsigned int bits = 32 - __builtin_clz(range);
	/* tables of about n entries: clearing and summing them is cheap */
	unsigned int w = 31 - __builtin_clz(n);

	if (w > TD_DIGIT2)
		w = TD_DIGIT2;
	if (bits > 2 * w) {
		radix_sort(v, n, klo, range, neg, bits - 2 * w, w);
		if (insertion_sort(v, n, n, neg))
			return;
	}
	radix_sort(v, n, klo, range, neg, 0, TD_DIGIT);
}

/*
 * Sort @n float bit patterns, all within [lo, hi], ascending.
 *
 * A compare sort of random latencies mispredicts every other compare, so
 * this is a radix sort: linear, with no data-dependent branch.  Latencies
 * from 100 ns to 100 ms span ~28 bits of keys, three passes of 11 bits.
 * Two passes on the top 2 * w bits (w = log2(n), at most 10) order all but
 * values within 2^-15 of each other (2048 values over 28 bits) or 2^-9
 * (200 values), which are few, and equal ones are in order: insertion sort
 * then finishes in about one compare a value.  Values bunched closer than
 * that fall back to three passes once it moved n of them: never quadratic.
 */
static void sort_values(uint32_t *v, uint32_t n, float lo, float hi)
{
	uint32_t klo;

	if (n <= 16) {
		/* the few values of a quiet row: not worth the tables */
		insertion_sort(v, n, UINT32_MAX, 1);
		return;
	}
	if (lo == hi)
		return;		/* all equal */
	/* latencies: all positive, so the bits sort as they are */
	if (lo > 0) {
		klo = float_bits(lo);
		sort_keys(v, n, klo, float_bits(hi) - klo, 0);
	} else {
		/* either zero may be among the values: -0 sorts first */
		if (lo == 0)
			lo = -0.0f;
		if (hi == 0)
			hi = 0.0f;
		klo = signed_key(float_bits(lo));
		sort_keys(v, n, klo, signed_key(float_bits(hi)) - klo, 1);
	}
}

/* grow c[] to at least @need entries, by half so the cap is not overshot */
static int grow_centroids(struct tdigest *td, uint32_t need)
{
	uint32_t cap = td->c_cap ? td->c_cap + td->c_cap / 2 : TD_CENT_MIN;
	struct centroid *c;

	if (cap < need)
		cap = need;
	if (cap > 2 * td->cent_max)
		cap = 2 * td->cent_max;
	if (cap < need)
		return -1;
	c = realloc(td->c, cap * sizeof(*c));
	if (!c)
		return -1;
	td->c = c;
	td->c_cap = cap;
	return 0;
}

/* NaN (from inf - inf in a sum) comes out as lo, never as a NaN mean */
static inline double clamp(double x, double lo, double hi)
{
	return x > lo ? (x < hi ? x : hi) : lo;
}

/*
 * One merge pass: sorted items, old centroids and new input interleaved,
 * fold greedily into td->c.  A centroid keeps absorbing items while its
 * weight, plus all weight left of it, stays within lim, the k2 limit for
 * where it started.
 *
 * The old centroids are first moved to the top of c[] and the output is
 * written from the bottom.  Output only catches up with the old centroids
 * not read yet when it runs ahead of them; then c[] grows and the unread
 * ones move up.  Far cheaper than a second array of buffer + centroids, and
 * never more than cent_max spare entries (output <= cent_max, old <= that).
 */
struct merge {
	struct tdigest *td;
	const struct centroid *a;	/* old centroids, a[ia..na) not read */
	uint32_t ia, na, out;
	double total, r, left, lim;
	double sum, w, lo, hi;		/* the centroid being built */
};

static int merge_begin(struct merge *m, struct tdigest *td, double in_w)
{
	uint32_t na = td->nc;
	double z;

	if (td->c_cap < na + 1 && grow_centroids(td, na + 1))
		return -1;
	m->td = td;
	m->a = memmove(td->c + td->c_cap - na, td->c, na * sizeof(*m->a));
	m->ia = 0;
	m->na = na;
	m->out = 0;
	m->total = td->cw + in_w;
	/*
	 * k2 limit for a centroid starting at q0, the q where k grew by one:
	 * q0 / (q0 + (1 - q0) * r), r = exp(-Z / delta).  r is fixed for the
	 * pass, so a new centroid costs a division, not a libm call.
	 */
	z = 2.5 * log(m->total > td->compression ? m->total / td->compression : 1) + 15;
	m->r = exp(-z / td->compression);
	/* lim 0: the first item starts a centroid */
	m->left = m->lim = m->sum = m->w = m->lo = m->hi = 0;
	return 0;
}

/* close the centroid being built, if any, and start one at @x */
static __attribute__((noinline)) void merge_start(struct merge *m, double x, double xw)
{
	struct tdigest *td = m->td;

	if (m->w > 0) {
		/* about to overwrite an old centroid not read yet? */
		if (td->c + m->out == m->a + m->ia) {
			uint32_t unread = m->na - m->ia, old_cap = td->c_cap;

			if (grow_centroids(td, old_cap + 1)) {
				/* ENOMEM: one coarser centroid */
				m->sum += x * xw;
				m->w += xw;
				m->hi = x;
				return;
			}
			m->a = memmove(td->c + td->c_cap - unread,
				       td->c + old_cap - unread,
				       unread * sizeof(*m->a));
			m->a -= m->ia;
		}
		/* sum / w may round outside its inputs; keep means sorted */
		td->c[m->out].mean = (float)clamp(m->sum / m->w, m->lo, m->hi);
		td->c[m->out].weight = (uint32_t)m->w;
		m->out++;
		m->left += m->w;
	}
	/* the cent_max backstop (the bound says it never hits): merge the rest */
	if (m->out == td->cent_max - 1)
		m->lim = INFINITY;
	else
		m->lim = m->left * m->total / (m->left + (m->total - m->left) * m->r);
	m->sum = x * xw;
	m->w = xw;
	m->lo = m->hi = x;
}

static inline void merge_item(struct merge *m, double x, double xw)
{
	if (m->left + m->w + xw <= m->lim) {
		m->sum += x * xw;
		m->w += xw;
		m->hi = x;
	} else {
		merge_start(m, x, xw);
	}
}

static void merge_end(struct merge *m)
{
	struct tdigest *td = m->td;

	if (m->w > 0) {
		if (m->out == td->c_cap && grow_centroids(td, m->out + 1)) {
			/* ENOMEM and every slot used: fold into the previous one */
			m->out--;
			m->sum += (double)td->c[m->out].mean * td->c[m->out].weight;
			m->w += td->c[m->out].weight;
			m->lo = td->c[m->out].mean;
		}
		td->c[m->out].mean = (float)clamp(m->sum / m->w, m->lo, m->hi);
		td->c[m->out].weight = (uint32_t)m->w;
		m->out++;
	}
	td->nc = m->out;
	td->cw = m->total;
}

/*
 * Fold @n sorted values (float bits, weight one each) into td->c.  The
 * values between two old centroids that fit the current centroid are
 * summed in a tight loop: how many fit is known from lim up front, so a
 * value costs a compare and an add, and only a new centroid the k2 sums.
 */
static int compress_values(struct tdigest *td, const uint32_t *xs, uint32_t n)
{
	struct merge m;
	uint32_t ib = 0;

	if (merge_begin(&m, td, n))
		return -1;
	while (ib < n) {
		float am = m.ia < m.na ? m.a[m.ia].mean : INFINITY;
		float x = bits_float(xs[ib]);
		double room = m.lim - m.left - m.w;

		if (x >= am) {
			/* an old centroid first on ties, as any order would do */
			struct centroid c = m.a[m.ia++];

			merge_item(&m, c.mean, c.weight);
		} else if (room >= 1) {
			/* xs[ib..end) fit; take those below the next old centroid */
			uint32_t j = ib, end = room < n - ib ? ib + (uint32_t)room : n;
			double s0 = 0, s1 = 0;

			/* two sums: one add chain would bound the loop at its latency */
			for (; j + 1 < end && bits_float(xs[j + 1]) < am; j += 2) {
				s0 += bits_float(xs[j]);
				s1 += bits_float(xs[j + 1]);
			}
			if (j < end && bits_float(xs[j]) < am)
				s0 += bits_float(xs[j++]);
			m.sum += s0 + s1;
			m.w += j - ib;
			m.hi = bits_float(xs[j - 1]);
			ib = j;
		} else {
			merge_start(&m, x, 1);
			ib++;
		}
	}
	while (m.ia < m.na) {
		struct centroid c = m.a[m.ia++];

		merge_item(&m, c.mean, c.weight);
	}
	merge_end(&m);
	return 0;
}

/* fold @n centroids of total weight @in_w, sorted by mean, into td->c */
static int compress_centroids(struct tdigest *td, const struct centroid *in,
			      uint32_t n, double in_w)
{
	struct merge m;
	uint32_t ib = 0;

	if (merge_begin(&m, td, in_w))
		return -1;
	while (m.ia < m.na || ib < n) {
		struct centroid c;

		if (m.ia < m.na && (ib == n || m.a[m.ia].mean <= in[ib].mean))
			c = m.a[m.ia++];
		else
			c = in[ib++];
		merge_item(&m, c.mean, c.weight);
	}
	merge_end(&m);
	return 0;
}

/* sort and merge the buffer, TD_SORT_MAX values at a time (the sort's stack) */
static int flush(struct tdigest *td)
{
	uint32_t i, k;

	for (i = 0; i < td->nbuf; i += k) {
		k = td->nbuf - i < TD_SORT_MAX ? td->nbuf - i : TD_SORT_MAX;
		sort_values(td->buf + i, k, (float)td->min, (float)td->max);
		if (compress_values(td, td->buf + i, k)) {
			/* ENOMEM: keep what is not merged */
			memmove(td->buf, td->buf + i, (td->nbuf - i) * sizeof(*td->buf));
			td->nbuf -= i;
			return -1;
		}
	}
	td->nbuf = 0;
	return 0;
}

/*
 * Grow the buffer while below its cap, else merge.  A busy digest may
 * raise the cap to TD_BUF_BIG (see the top comment).
 */
static int make_room(struct tdigest *td)
{
	uint32_t next = td->buf_max < TD_BUF_BIG / 2 ? 2 * td->buf_max : TD_BUF_BIG;

	if (td->budget && td->buf_cap == td->buf_max && td->buf_max < TD_BUF_BIG &&
	    td->count >= (uint64_t)TD_BIG_AFTER * next) {
		size_t more = (size_t)(next - td->buf_max) * sizeof(*td->buf);

		if (td->budget->used + more <= TDIGEST_BUDGET_BYTES) {
			td->budget->used += more;
			td->buf_max = next;
		}
	}
	if (td->buf_cap < td->buf_max) {
		uint32_t cap = td->buf_cap ? 2 * td->buf_cap : TD_BUF_MIN;
		uint32_t *buf;

		if (cap > td->buf_max)
			cap = td->buf_max;
		buf = realloc(td->buf, cap * sizeof(*buf));
		if (buf) {
			td->buf = buf;
			td->buf_cap = cap;
			return 0;
		}
	}
	return td->nbuf ? flush(td) : -1;
}

/* out of line, and called last, so the fast path needs no stack frame */
static __attribute__((noinline, cold)) void add_slow(struct tdigest *td, double x)
{
	if (!make_room(td))
		tdigest_add(td, x);
	/* else ENOMEM: drop the value, count stays exact */
}

void tdigest_add(struct tdigest *td, double x)
{
	/* inf or NaN would turn every mean it touches into NaN */
	if (!isfinite(x))
		return;
	if (td->nbuf == td->buf_cap) {
		add_slow(td, x);
		return;
	}
	td->buf[td->nbuf++] = float_bits((float)x);
	td->count++;
	if (x < td->min)
		td->min = x;
	if (x > td->max)
		td->max = x;
}

void tdigest_merge(struct tdigest *dst, const struct tdigest *src)
{
	uint32_t i;

	if (!src->count)
		return;
	if (dst == src) {
		/* the same samples twice: same centroids, twice the weight */
		if (flush(dst))
			return;
		for (i = 0; i < dst->nc; i++)
			dst->c[i].weight *= 2;
		dst->cw *= 2;
		dst->count *= 2;
		return;
	}
	for (i = 0; i < src->nbuf; i++)
		tdigest_add(dst, bits_float(src->buf[i]));
	if (!src->nc || flush(dst) ||
	    compress_centroids(dst, src->c, src->nc, src->cw))
		return;
	dst->count += (uint64_t)src->cw;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/*
 * Interpolate linearly between centroid centres; a weight-one centroid is
 * the exact sample it stands for, and the outer half of the first and last
 * centroids is interpolated towards the exact min and max, since one sample
 * sits at each.
 */
double tdigest_quantile(struct tdigest *td, double q)
{
	const struct centroid *c, *last;
	double n, idx, left, dw, x;
	uint32_t i;

	if (!td->count || isnan(q))
		return NAN;
	if (q <= 0)
		return td->min;
	if (q >= 1)
		return td->max;
	if (!td->nc && td->nbuf <= TD_SORT_MAX) {
		/*
		 * Never merged: the samples are all here, answer from them
		 * sorted in place rather than allocate centroids for a row
		 * that may never see many more.
		 */
		sort_values(td->buf, td->nbuf, (float)td->min, (float)td->max);
		idx = q * td->nbuf;
		/* a float can round past the exact extremes */
		return clamp(bits_float(td->buf[idx < td->nbuf - 1 ? (uint32_t)idx : td->nbuf - 1]),
			     td->min, td->max);
	}
	if (flush(td))
		return NAN;
	c = td->c;
	last = &c[td->nc - 1];
	n = td->cw;
	idx = q * n;
	if (idx < 1)
		return td->min;
	if (idx > n - 1)
		return td->max;
	if (c[0].weight > 1 && idx < c[0].weight / 2.0) {
		x = td->min + (idx - 1) / (c[0].weight / 2.0 - 1) * (c[0].mean - td->min);
		return clamp(x, td->min, td->max);
	}
	if (last->weight > 1 && n - idx < last->weight / 2.0) {
		x = td->max - (n - idx - 1) / (last->weight / 2.0 - 1) * (td->max - last->mean);
		return clamp(x, td->min, td->max);
	}
	/* left: rank of the centre of c[i] */
	left = c[0].weight / 2.0;
	for (i = 0; i + 1 < td->nc; i++, left += dw) {
		double lu = 0, ru = 0, z1, z2;

		dw = ((double)c[i].weight + c[i + 1].weight) / 2;
		if (left + dw <= idx)
			continue;
		/* a singleton owns the half unit of rank either side of it */
		if (c[i].weight == 1) {
			if (idx - left < 0.5)
				return clamp(c[i].mean, td->min, td->max);
			lu = 0.5;
		}
		if (c[i + 1].weight == 1) {
			if (left + dw - idx <= 0.5)
				return clamp(c[i + 1].mean, td->min, td->max);
			ru = 0.5;
		}
		z1 = idx - left - lu;
		z2 = left + dw - idx - ru;
		x = c[i].mean + (c[i + 1].mean - c[i].mean) * z1 / (z1 + z2);
		return clamp(x, td->min, td->max);
	}
	return td->max;
}
