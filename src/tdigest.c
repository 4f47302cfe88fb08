// SPDX-License-Identifier: GPL-2.0-only
/*
 * Merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles
 * using t-digests", 2019), sized for one digest per latency-table row:
 * tens of thousands of them may be alive, most having seen few values.
 *
 * td_add() only appends the value to an unsorted buffer of doubles.  When
 * the buffer is full it is sorted and folded into the array of centroids
 * (kept sorted by mean) in one greedy pass: a centroid keeps absorbing its
 * right neighbours while it spans at most one unit of the k2 scale function
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
 * Memory: both arrays start small and grow geometrically, so a row that
 * saw one value costs 144 bytes, and one that never needed a merge answers
 * quantiles from its sorted buffer without allocating centroids.  They stop
 * at caps set by the compression alone, whatever the number of values:
 *
 *	td_mem() <= sizeof(struct tdigest) + 4 * buf_max + 8 * 2 * cent_max
 *
 * with buf_max = 2 * delta and cent_max from max_centroids(); twice that
 * many centroid slots because the merge pass writes its output into the
 * array it is reading the old centroids from.  delta = 100: buf_max = 200,
 * cent_max = 163, bound 80 + 800 + 2608 = 3488 bytes; in practice c[]
 * stops at 135 entries and a busy digest uses 1960 bytes.
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
#define TD_BUF_MIN		16	/* first buffer: 128 bytes */
#define TD_CENT_MIN		8

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
	float *buf;		/* values not merged yet, unsorted (float: half the memory) */
	struct centroid *c;	/* c[0..nc), sorted by mean */
	uint32_t nbuf, buf_cap, buf_max;
	uint32_t nc, c_cap, cent_max;
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

struct tdigest *td_new(double compression)
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
	return td;
}

void td_free(struct tdigest *td)
{
	if (!td)
		return;
	free(td->buf);
	free(td->c);
	free(td);
}

void td_reset(struct tdigest *td)
{
	td->nbuf = 0;
	td->nc = 0;
	td->cw = 0;
	td->count = 0;
	td->min = INFINITY;
	td->max = -INFINITY;
}

uint64_t td_count(const struct tdigest *td)
{
	return td->count;
}

size_t td_mem(const struct tdigest *td)
{
	return sizeof(*td) + (size_t)td->buf_cap * sizeof(*td->buf) +
	       (size_t)td->c_cap * sizeof(*td->c);
}

/*
 * Quicksort with a branchless Lomuto partition: random latencies make every
 * compare a coin flip, and a mispredicted branch per compare cost twice the
 * time of the whole td_add().  Median-of-three pivot; a partition with
 * nothing below the pivot strips the pivot's duplicates instead, so runs of
 * equal values are linear.  Recursing into the smaller side bounds the
 * stack to log2(n) frames.
 */
static void sort_values(float *v, uint32_t n)
{
	uint32_t i, j, k;
	float p, t;

#define SWAP(a, b) do { t = (a); (a) = (b); (b) = t; } while (0)
	while (n > 16) {
		uint32_t mid = n / 2;

		if (v[mid] < v[0])
			SWAP(v[mid], v[0]);
		if (v[n - 1] < v[mid]) {
			SWAP(v[n - 1], v[mid]);
			if (v[mid] < v[0])
				SWAP(v[mid], v[0]);
		}
		SWAP(v[0], v[mid]);
		p = v[0];
		/* v[1..k) < p <= v[k..i) */
		for (k = 1, i = 1; i < n; i++) {
			float x = v[i];

			v[i] = v[k];
			v[k] = x;
			k += x < p;
		}
		if (k == 1) {
			/* p is the minimum: move its copies next to it, done */
			for (i = 1; i < n; i++) {
				float x = v[i];

				v[i] = v[k];
				v[k] = x;
				k += x <= p;
			}
			v += k;
			n -= k;
			continue;
		}
		/* pivot into place: v[0..k-1) < p = v[k-1] <= v[k..n) */
		v[0] = v[k - 1];
		v[k - 1] = p;
		if (k - 1 < n - k) {
			sort_values(v, k - 1);
			v += k;
			n -= k;
		} else {
			sort_values(v + k, n - k);
			n = k - 1;
		}
	}
#undef SWAP
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
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
 * Fold a sorted run, either @n values of weight one (@xs) or @n centroids
 * of total weight @in_w (@in), into td->c in one pass.
 *
 * The old centroids are first moved to the top of c[] and the output is
 * written from the bottom.  Output only catches up with the old centroids
 * not read yet when it runs ahead of them; then c[] grows and the unread
 * ones move up.  Far cheaper than a second array of buffer + centroids, and
 * never more than cent_max spare entries (output <= cent_max, old <= that).
 */
static int compress(struct tdigest *td, const struct centroid *in,
		    const float *xs, uint32_t n, double in_w)
{
	uint32_t na = td->nc, ia = 0, ib = 0, out = 0;
	const struct centroid *a;
	double total = td->cw + in_w, z, r, left = 0, lim = 0;
	double sum = 0, w = 0, lo = 0, hi = 0;

	if (td->c_cap < na + 1 && grow_centroids(td, na + 1))
		return -1;
	a = memmove(td->c + td->c_cap - na, td->c, na * sizeof(*a));

	/*
	 * k2 limit for a centroid starting at q0, the q where k grew by one:
	 * q0 / (q0 + (1 - q0) * r), r = exp(-Z / delta).  r is fixed for the
	 * pass, so a new centroid costs a division, not a libm call.
	 */
	z = 2.5 * log(total > td->compression ? total / td->compression : 1) + 15;
	r = exp(-z / td->compression);

	for (;;) {
		double x, xw;

		if (ia < na && (ib == n || a[ia].mean <= (in ? in[ib].mean : xs[ib]))) {
			x = a[ia].mean;
			xw = a[ia].weight;
			ia++;
		} else if (ib < n) {
			x = in ? in[ib].mean : xs[ib];
			xw = in ? in[ib].weight : 1;
			ib++;
		} else {
			break;
		}
		/* the cent_max test is a backstop: the bound says it never hits */
		if (w > 0 && (left + w + xw <= lim || out == td->cent_max - 1))
			goto merge;
		if (w > 0) {
			/* about to overwrite an old centroid not read yet? */
			if (td->c + out == a + ia) {
				uint32_t unread = na - ia, old_cap = td->c_cap;

				if (grow_centroids(td, old_cap + 1))
					goto merge;	/* ENOMEM: one coarser centroid */
				a = memmove(td->c + td->c_cap - unread,
					    td->c + old_cap - unread,
					    unread * sizeof(*a));
				a -= ia;
			}
			/* sum / w may round outside its inputs; keep means sorted */
			td->c[out].mean = (float)clamp(sum / w, lo, hi);
			td->c[out].weight = (uint32_t)w;
			out++;
			left += w;
		}
		lim = left * total / (left + (total - left) * r);
		sum = x * xw;
		w = xw;
		lo = hi = x;
		continue;
merge:
		sum += x * xw;
		w += xw;
		hi = x;
	}
	if (w > 0) {
		if (out == td->c_cap && grow_centroids(td, out + 1)) {
			/* ENOMEM and every slot used: fold into the previous one */
			out--;
			sum += (double)td->c[out].mean * td->c[out].weight;
			w += td->c[out].weight;
			lo = td->c[out].mean;
		}
		td->c[out].mean = (float)clamp(sum / w, lo, hi);
		td->c[out].weight = (uint32_t)w;
		out++;
	}
	td->nc = out;
	td->cw = total;
	return 0;
}

static int flush(struct tdigest *td)
{
	if (!td->nbuf)
		return 0;
	sort_values(td->buf, td->nbuf);
	if (compress(td, NULL, td->buf, td->nbuf, td->nbuf))
		return -1;
	td->nbuf = 0;
	return 0;
}

/*
 * Slow path of td_add(): grow the buffer while below its cap, else merge.
 * Kept out of line so the fast path needs no stack frame.
 */
static __attribute__((noinline, cold)) int make_room(struct tdigest *td)
{
	if (td->buf_cap < td->buf_max) {
		uint32_t cap = td->buf_cap ? 2 * td->buf_cap : TD_BUF_MIN;
		float *buf;

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

void td_add(struct tdigest *td, double x)
{
	/* inf or NaN would turn every mean it touches into NaN */
	if (!isfinite(x))
		return;
	if (td->nbuf == td->buf_cap && make_room(td))
		return;		/* ENOMEM: drop the value, count stays exact */
	td->buf[td->nbuf++] = (float)x;
	td->count++;
	if (x < td->min)
		td->min = x;
	if (x > td->max)
		td->max = x;
}

void td_merge(struct tdigest *dst, const struct tdigest *src)
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
		td_add(dst, src->buf[i]);
	if (!src->nc || flush(dst) ||
	    compress(dst, src->c, NULL, src->nc, src->cw))
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
double td_quantile(struct tdigest *td, double q)
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
	if (!td->nc) {
		/*
		 * Never merged: the samples are all here, answer from them
		 * sorted in place rather than allocate centroids for a row
		 * that may never see many more.
		 */
		sort_values(td->buf, td->nbuf);
		idx = q * td->nbuf;
		return td->buf[idx < td->nbuf - 1 ? (uint32_t)idx : td->nbuf - 1];
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
				return c[i].mean;
			lu = 0.5;
		}
		if (c[i + 1].weight == 1) {
			if (left + dw - idx <= 0.5)
				return c[i + 1].mean;
			ru = 0.5;
		}
		z1 = idx - left - lu;
		z2 = left + dw - idx - ru;
		x = c[i].mean + (c[i + 1].mean - c[i].mean) * z1 / (z1 + z2);
		return clamp(x, td->min, td->max);
	}
	return td->max;
}
