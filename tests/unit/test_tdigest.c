// SPDX-License-Identifier: GPL-2.0-only
/*
 * t-digest: accuracy against exact quantiles of the same samples, the
 * memory bound, merging, and the edge cases the latency table relies on.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/tdigest.h>
#include "unit.h"

#define DELTA	100
#define NBIG	1000000

/*
 * Documented in src/core/tdigest.c: sizeof(struct tdigest) + 4 * buf_max +
 * 8 * 2 * cent_max with cent_max = 163 at delta = 100, and buf_max
 * 2 * delta = 200, doubling up to 2048 once a digest saw 8 values for
 * every slot: 400 at 3200 values, ..., 2048 at 16384.
 */
#define MEM_SMALL_100	(80 + 4 * 200 + 8 * 2 * 163)
#define MEM_BOUND_100	(80 + 4 * 2048 + 8 * 2 * 163)
#define BIG_FIRST	(8 * 400)
#define BIG_AT		(8 * 2048)
#define BIG_BUDGET	(16 << 20)

/* one budget for every digest of this file, as a run's statistics share one */
static struct tdigest_budget budget;

/* xorshift64*: fixed seed, so every run checks the very same samples */
struct rng {
	uint64_t s;
};

static double rng_unif(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	/* 53 bits, never 0 so log() below is finite */
	return ((r->s * 0x2545F4914F6CDD1DULL >> 11) + 0.5) * 0x1p-53;
}

/* Box-Muller; the second value is thrown away, speed does not matter */
static double rng_gauss(struct rng *r)
{
	double u = rng_unif(r), v = rng_unif(r);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* ns-like latencies: median e^7 ~ 1.1us, p99 ~ 11us */
static double lognormal(struct rng *r)
{
	return exp(7 + rng_gauss(r));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* nearest rank on sorted samples: the ceil(q * n)-th smallest */
static double exact_q(const double *sorted, size_t n, double q)
{
	size_t k = (size_t)ceil(q * n);

	return sorted[k ? k - 1 : 0];
}

static double *sorted_copy(const double *v, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	ck_assert_ptr_nonnull(s);
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

static struct tdigest *digest_of(const double *v, size_t n)
{
	struct tdigest *td = tdigest_new(DELTA, &budget);
	size_t i;

	ck_assert_ptr_nonnull(td);
	for (i = 0; i < n; i++)
		tdigest_add(td, v[i]);
	return td;
}

static double rel_err(double est, double exact)
{
	return fabs(est - exact) / fabs(exact);
}

#define ck_assert_rel(est, exact, tol) do {				\
	double e_ = (est), x_ = (exact);				\
	ck_assert_msg(rel_err(e_, x_) <= (tol),				\
		      "%s = %.6g, exact %.6g: error %.3f%% > %.3f%%",	\
		      #est, e_, x_, 100 * rel_err(e_, x_), 100.0 * (tol)); \
} while (0)

static void check_quantiles(struct tdigest *td, const double *sorted, size_t n,
			    const double *qs, const double *tol, int nq)
{
	int i;

	for (i = 0; i < nq; i++) {
		double est = tdigest_quantile(td, qs[i]), x = exact_q(sorted, n, qs[i]);

		ck_assert_msg(rel_err(est, x) <= tol[i],
			      "q%g: %.6g, exact %.6g: error %.3f%% > %.3f%%",
			      qs[i], est, x, 100 * rel_err(est, x), 100 * tol[i]);
	}
}

START_TEST(test_empty)
{
	struct tdigest *td = tdigest_new(DELTA, &budget);

	ck_assert_ptr_nonnull(td);
	ck_assert_uint_eq(tdigest_count(td), 0);
	ck_assert(isnan(tdigest_quantile(td, 0)));
	ck_assert(isnan(tdigest_quantile(td, 0.5)));
	ck_assert(isnan(tdigest_quantile(td, 1)));
	ck_assert_uint_le(tdigest_mem(td), 512);
	tdigest_free(td);
	tdigest_free(NULL);
}
END_TEST

START_TEST(test_one_value)
{
	struct tdigest *td = tdigest_new(DELTA, &budget);

	tdigest_add(td, 4321.5);
	ck_assert_uint_eq(tdigest_count(td), 1);
	/* a row that saw one exit must stay tiny: 60,000 of them are alive */
	ck_assert_uint_le(tdigest_mem(td), 512);
	ck_assert_double_eq(tdigest_quantile(td, 0), 4321.5);
	ck_assert_double_eq(tdigest_quantile(td, 0.5), 4321.5);
	ck_assert_double_eq(tdigest_quantile(td, 0.99), 4321.5);
	ck_assert_double_eq(tdigest_quantile(td, 1), 4321.5);
	ck_assert_uint_le(tdigest_mem(td), 512);
	tdigest_free(td);
}
END_TEST

START_TEST(test_few_values)
{
	struct tdigest *td = tdigest_new(DELTA, &budget);
	int i;

	/* 1..100: the digest holds them all, quantiles are the samples */
	for (i = 100; i >= 1; i--)
		tdigest_add(td, i);
	ck_assert_uint_eq(tdigest_count(td), 100);
	ck_assert_double_eq(tdigest_quantile(td, 0), 1);
	ck_assert_double_eq(tdigest_quantile(td, 1), 100);
	ck_assert_double_ge(tdigest_quantile(td, 0.5), 50);
	ck_assert_double_le(tdigest_quantile(td, 0.5), 51);
	ck_assert_double_ge(tdigest_quantile(td, 0.99), 99);
	ck_assert_double_le(tdigest_quantile(td, 0.99), 100);
	/* grows with what it holds: about 24 bytes a value here */
	ck_assert_uint_le(tdigest_mem(td), 512 + 24 * 100);
	tdigest_free(td);
}
END_TEST

START_TEST(test_all_equal)
{
	struct tdigest *td = tdigest_new(DELTA, &budget);
	double qs[] = { 0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1 };
	unsigned int i;

	for (i = 0; i < 100000; i++)
		tdigest_add(td, 777.25);
	ck_assert_uint_eq(tdigest_count(td), 100000);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		ck_assert_double_eq(tdigest_quantile(td, qs[i]), 777.25);
	tdigest_free(td);
}
END_TEST

START_TEST(test_extremes_and_monotone)
{
	struct rng r = { 42 };
	size_t i, n = 200000;
	double *v = malloc(n * sizeof(*v)), *s, prev = -INFINITY;
	struct tdigest *td;

	for (i = 0; i < n; i++)
		v[i] = lognormal(&r);
	td = digest_of(v, n);
	s = sorted_copy(v, n);
	ck_assert_double_eq(tdigest_quantile(td, 0), s[0]);
	ck_assert_double_eq(tdigest_quantile(td, 1), s[n - 1]);
	/* out of range q clamps to the extremes, NaN q is NaN */
	ck_assert_double_eq(tdigest_quantile(td, -0.5), s[0]);
	ck_assert_double_eq(tdigest_quantile(td, 2), s[n - 1]);
	ck_assert(isnan(tdigest_quantile(td, NAN)));
	for (i = 0; i <= 10000; i++) {
		double x = tdigest_quantile(td, i / 10000.0);

		ck_assert_msg(x >= prev, "quantile not monotone at q=%g", i / 10000.0);
		prev = x;
	}
	ck_assert_uint_eq(tdigest_count(td), n);
	free(s);
	free(v);
	tdigest_free(td);
}
END_TEST

START_TEST(test_nonfinite_ignored)
{
	struct tdigest *td = tdigest_new(DELTA, &budget);

	tdigest_add(td, 10);
	tdigest_add(td, NAN);
	tdigest_add(td, INFINITY);
	tdigest_add(td, -INFINITY);
	tdigest_add(td, 20);
	ck_assert_uint_eq(tdigest_count(td), 2);
	ck_assert_double_eq(tdigest_quantile(td, 0), 10);
	ck_assert_double_eq(tdigest_quantile(td, 1), 20);
	tdigest_free(td);
}
END_TEST

START_TEST(test_lognormal_accuracy)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	static const double tol[] = { 0.03, 0.03, 0.01, 0.03 };
	struct rng r = { 0x9E3779B97F4A7C15ULL };
	double *v = malloc(NBIG * sizeof(*v)), *s;
	struct tdigest *td;
	size_t i;

	for (i = 0; i < NBIG; i++)
		v[i] = lognormal(&r);
	td = digest_of(v, NBIG);
	s = sorted_copy(v, NBIG);
	check_quantiles(td, s, NBIG, qs, tol, 4);
	ck_assert_uint_eq(tdigest_count(td), NBIG);
	free(s);
	free(v);
	tdigest_free(td);
}
END_TEST

START_TEST(test_uniform_accuracy)
{
	static const double qs[] = { 0.01, 0.5, 0.9, 0.99, 0.999 };
	static const double tol[] = { 0.01, 0.01, 0.01, 0.01, 0.01 };
	struct rng r = { 12345 };
	double *v = malloc(NBIG * sizeof(*v)), *s;
	struct tdigest *td;
	size_t i;

	for (i = 0; i < NBIG; i++)
		v[i] = 1000 + 9000 * rng_unif(&r);
	td = digest_of(v, NBIG);
	s = sorted_copy(v, NBIG);
	check_quantiles(td, s, NBIG, qs, tol, 5);
	free(s);
	free(v);
	tdigest_free(td);
}
END_TEST

/*
 * Latency mixture: exits served in ~1us, plus a slow share around 5ms.
 * p99 must come from the mode the exact p99 is in, not from the gap: with
 * 2% slow it is a slow exit, with 0.5% slow a fast one.
 */
static void check_bimodal(double slow_share, int want_slow)
{
	struct rng r = { 777 };
	double *v = malloc(NBIG * sizeof(*v)), *s, p99;
	struct tdigest *td;
	size_t i;

	for (i = 0; i < NBIG; i++) {
		int slow = rng_unif(&r) < slow_share;

		v[i] = exp((slow ? log(5e6) : log(1e3)) + 0.1 * rng_gauss(&r));
	}
	td = digest_of(v, NBIG);
	s = sorted_copy(v, NBIG);
	p99 = tdigest_quantile(td, 0.99);
	if (want_slow)
		ck_assert_msg(p99 > 1e6, "p99 %.6g not in the 5ms mode", p99);
	else
		ck_assert_msg(p99 < 1e4, "p99 %.6g not in the 1us mode", p99);
	ck_assert_rel(p99, exact_q(s, NBIG, 0.99), 0.01);
	ck_assert_rel(tdigest_quantile(td, 0.5), exact_q(s, NBIG, 0.5), 0.01);
	free(s);
	free(v);
	tdigest_free(td);
}

START_TEST(test_bimodal_slow_p99)
{
	check_bimodal(0.02, 1);
}
END_TEST

START_TEST(test_bimodal_fast_p99)
{
	check_bimodal(0.005, 0);
}
END_TEST

START_TEST(test_memory_bound)
{
	struct rng r = { 99 };
	struct tdigest *td = tdigest_new(DELTA, &budget);
	size_t i, mem1;

	for (i = 0; i < NBIG; i++)
		tdigest_add(td, lognormal(&r));
	tdigest_quantile(td, 0.99);
	mem1 = tdigest_mem(td);
	ck_assert_uint_le(mem1, MEM_BOUND_100);
	/* five times the values: still within the same bound */
	for (i = 0; i < 4 * NBIG; i++)
		tdigest_add(td, lognormal(&r));
	tdigest_quantile(td, 0.99);
	ck_assert_uint_le(tdigest_mem(td), MEM_BOUND_100);
	ck_assert_uint_eq(tdigest_count(td), 5 * NBIG);
	tdigest_free(td);
}
END_TEST

START_TEST(test_memory_sorted_input)
{
	/* ascending and descending runs: worst case for the merge pass */
	struct tdigest *up = tdigest_new(DELTA, &budget), *down = tdigest_new(DELTA, &budget);
	size_t i;

	for (i = 0; i < NBIG; i++) {
		tdigest_add(up, i);
		tdigest_add(down, NBIG - i);
	}
	ck_assert_uint_le(tdigest_mem(up), MEM_BOUND_100);
	ck_assert_uint_le(tdigest_mem(down), MEM_BOUND_100);
	ck_assert_rel(tdigest_quantile(up, 0.99), 0.99 * NBIG, 0.01);
	ck_assert_rel(tdigest_quantile(down, 0.99), 0.99 * NBIG, 0.01);
	ck_assert_uint_le(tdigest_mem(up), MEM_BOUND_100);
	tdigest_free(up);
	tdigest_free(down);
}
END_TEST

START_TEST(test_merge_two)
{
	struct rng r = { 2024 };
	size_t i, half = NBIG / 2;
	double *v = malloc(NBIG * sizeof(*v)), *s;
	struct tdigest *a, *b, *all;
	double src_p99;

	/* two instances with different latency profiles */
	for (i = 0; i < NBIG; i++)
		v[i] = i < half ? lognormal(&r) : 2 * lognormal(&r);
	a = digest_of(v, half);
	b = digest_of(v + half, NBIG - half);
	all = digest_of(v, NBIG);
	s = sorted_copy(v, NBIG);
	src_p99 = tdigest_quantile(b, 0.99);

	tdigest_merge(a, b);
	ck_assert_uint_eq(tdigest_count(a), NBIG);
	ck_assert_uint_eq(tdigest_count(b), NBIG - half);
	ck_assert_double_eq(tdigest_quantile(b, 0.99), src_p99);
	ck_assert_rel(tdigest_quantile(a, 0.99), tdigest_quantile(all, 0.99), 0.01);
	ck_assert_rel(tdigest_quantile(a, 0.99), exact_q(s, NBIG, 0.99), 0.01);
	ck_assert_rel(tdigest_quantile(a, 0.5), exact_q(s, NBIG, 0.5), 0.03);
	ck_assert_double_eq(tdigest_quantile(a, 0), s[0]);
	ck_assert_double_eq(tdigest_quantile(a, 1), s[NBIG - 1]);
	ck_assert_uint_le(tdigest_mem(a), MEM_BOUND_100);
	free(s);
	free(v);
	tdigest_free(a);
	tdigest_free(b);
	tdigest_free(all);
}
END_TEST

/* the total row: 1000 instances' digests folded into one */
START_TEST(test_merge_many)
{
	struct rng r = { 31337 };
	size_t i, j, per = 1000, parts = 1000;
	double *v = malloc(per * parts * sizeof(*v)), *s;
	struct tdigest *total = tdigest_new(DELTA, &budget);

	for (i = 0; i < per * parts; i++)
		v[i] = lognormal(&r);
	for (j = 0; j < parts; j++) {
		struct tdigest *part = digest_of(v + j * per, per);

		tdigest_merge(total, part);
		tdigest_free(part);
	}
	s = sorted_copy(v, per * parts);
	ck_assert_uint_eq(tdigest_count(total), per * parts);
	ck_assert_rel(tdigest_quantile(total, 0.99), exact_q(s, per * parts, 0.99), 0.01);
	ck_assert_rel(tdigest_quantile(total, 0.5), exact_q(s, per * parts, 0.5), 0.03);
	ck_assert_uint_le(tdigest_mem(total), MEM_BOUND_100);
	free(s);
	free(v);
	tdigest_free(total);
}
END_TEST

START_TEST(test_merge_empty_and_small)
{
	struct rng r = { 5 };
	struct tdigest *a = tdigest_new(DELTA, &budget), *empty = tdigest_new(DELTA, &budget),
		       *small = tdigest_new(DELTA, &budget);
	double q[3];
	size_t i;

	for (i = 0; i < 100000; i++)
		tdigest_add(a, lognormal(&r));
	q[0] = tdigest_quantile(a, 0.5);
	q[1] = tdigest_quantile(a, 0.99);
	q[2] = tdigest_quantile(a, 1);

	/* an empty source is a no-op, bit for bit */
	tdigest_merge(a, empty);
	ck_assert_uint_eq(tdigest_count(a), 100000);
	ck_assert_double_eq(tdigest_quantile(a, 0.5), q[0]);
	ck_assert_double_eq(tdigest_quantile(a, 0.99), q[1]);
	ck_assert_double_eq(tdigest_quantile(a, 1), q[2]);

	/* into an empty digest: same count and extremes, same p99 */
	tdigest_merge(empty, a);
	ck_assert_uint_eq(tdigest_count(empty), 100000);
	ck_assert_double_eq(tdigest_quantile(empty, 0), tdigest_quantile(a, 0));
	ck_assert_double_eq(tdigest_quantile(empty, 1), q[2]);
	ck_assert_rel(tdigest_quantile(empty, 0.99), q[1], 0.01);

	/* a source with only unmerged values, one of them a new max */
	tdigest_add(small, 3);
	tdigest_add(small, 1e9);
	tdigest_merge(a, small);
	ck_assert_uint_eq(tdigest_count(a), 100002);
	ck_assert_double_eq(tdigest_quantile(a, 0), 3);
	ck_assert_double_eq(tdigest_quantile(a, 1), 1e9);

	/* folding a digest into itself doubles every weight */
	tdigest_merge(small, small);
	ck_assert_uint_eq(tdigest_count(small), 4);
	ck_assert_double_eq(tdigest_quantile(small, 0), 3);
	ck_assert_double_eq(tdigest_quantile(small, 1), 1e9);
	tdigest_free(a);
	tdigest_free(empty);
	tdigest_free(small);
}
END_TEST

START_TEST(test_reset)
{
	struct rng r = { 8 };
	struct tdigest *td = tdigest_new(DELTA, &budget);
	size_t i, mem;

	for (i = 0; i < 100000; i++)
		tdigest_add(td, lognormal(&r));
	tdigest_quantile(td, 0.99);
	mem = tdigest_mem(td);
	tdigest_reset(td);
	ck_assert_uint_eq(tdigest_count(td), 0);
	ck_assert(isnan(tdigest_quantile(td, 0.5)));
	/* memory is kept for the next interval */
	ck_assert_uint_eq(tdigest_mem(td), mem);

	for (i = 1; i <= 1000; i++)
		tdigest_add(td, i);
	ck_assert_uint_eq(tdigest_count(td), 1000);
	ck_assert_double_eq(tdigest_quantile(td, 0), 1);
	ck_assert_double_eq(tdigest_quantile(td, 1), 1000);
	ck_assert_rel(tdigest_quantile(td, 0.5), 500, 0.01);
	ck_assert_rel(tdigest_quantile(td, 0.99), 990, 0.005);
	ck_assert_uint_eq(tdigest_mem(td), mem);
	tdigest_free(td);
}
END_TEST

START_TEST(test_compression_clamped)
{
	/* nonsense compression still gives a working, bounded digest */
	double bad[] = { 0, -5, NAN, 1e12 };
	unsigned int k;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct tdigest *td = tdigest_new(bad[k], &budget);
		int i;

		ck_assert_ptr_nonnull(td);
		for (i = 1; i <= 10000; i++)
			tdigest_add(td, i);
		ck_assert_uint_eq(tdigest_count(td), 10000);
		ck_assert_double_eq(tdigest_quantile(td, 1), 10000);
		ck_assert_rel(tdigest_quantile(td, 0.99), 9900, 0.02);
		tdigest_free(td);
	}
}
END_TEST

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/*
 * A digest that never merged answers a quantile from its buffer, sorted:
 * q = (i + 0.5) / n is the i-th smallest value.  At delta 1000 that holds
 * up to 2000 values, so this checks sort_values() whole against qsort.
 */
static void check_sorted(const float *v, uint32_t n, const char *what)
{
	struct tdigest *td = tdigest_new(1000, &budget);
	float *s = malloc(n * sizeof(*s));
	uint32_t i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++)
		tdigest_add(td, v[i]);
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_float);
	ck_assert_uint_eq(tdigest_count(td), n);
	for (i = 0; i < n; i++) {
		double x = tdigest_quantile(td, (i + 0.5) / n);

		ck_assert_msg(x == s[i], "%s, n %u: value %u is %.9g, want %.9g",
			      what, n, i, x, s[i]);
	}
	/* sorting it again, sorted, changes nothing */
	for (i = 0; i < n; i++)
		ck_assert(tdigest_quantile(td, (i + 0.5) / n) == s[i]);
	ck_assert_uint_eq(tdigest_count(td), n);
	free(s);
	tdigest_free(td);
}

START_TEST(test_sort_values)
{
	static const uint32_t sizes[] = { 1, 2, 3, 15, 16, 17, 100, 257, 1000, 2000 };
	struct rng r = { 4242 };
	float *v = malloc(2000 * sizeof(*v));
	unsigned int k;
	uint32_t i, n;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		n = sizes[k];
		for (i = 0; i < n; i++)
			v[i] = lognormal(&r);
		check_sorted(v, n, "log-normal");
		/* integer ns over 100 ns .. 400 ms: ~28 key bits, three passes */
		for (i = 0; i < n; i++)
			v[i] = i % 97 ? round(lognormal(&r)) : i % 2 ? 100 : 4e8;
		check_sorted(v, n, "integer ns");
		for (i = 0; i < n; i++)
			v[i] = 1000 + 10 * (uint32_t)(5 * rng_unif(&r));
		check_sorted(v, n, "five values");
		for (i = 0; i < n; i++)
			v[i] = 1 + i;
		check_sorted(v, n, "ascending");
		for (i = 0; i < n; i++)
			v[i] = n - i;
		check_sorted(v, n, "descending");
		/*
		 * All within 64 ulps, with outliers that stretch the range to
		 * 32 key bits: the two-pass sort leaves the bunch unordered and
		 * the insertion sort gives up on it, so the three passes run.
		 */
		for (i = 0; i < n; i++)
			v[i] = nextafterf(1000, 2000) + (float)(uint32_t)(64 * rng_unif(&r)) *
			       (nextafterf(1000, 2000) - 1000);
		v[0] = 1e-3f;
		v[n - 1] = 1e9f;
		check_sorted(v, n, "bunched");
		/* signs: negatives sort backwards as bits; both zeros */
		for (i = 0; i < n; i++)
			v[i] = (rng_unif(&r) < 0.5 ? -1 : 1) * lognormal(&r);
		for (i = 0; i < n; i += 7)
			v[i] = i % 2 ? -0.0f : 0.0f;
		check_sorted(v, n, "signed");
		for (i = 0; i < n; i++)
			v[i] = -lognormal(&r);
		check_sorted(v, n, "negative");
		/* max is the -0 seen first, yet +0 sorts above it */
		for (i = 0; i < n; i++)
			v[i] = i % 3 ? -lognormal(&r) : i % 2 ? 0.0f : -0.0f;
		check_sorted(v, n, "negative and zeros");
		for (i = 0; i < n; i++)
			v[i] = i % 3 ? 0.0f : -0.0f;
		check_sorted(v, n, "zeros");
		/* min is the +0 seen first, yet -0 sorts below it */
		for (i = 0; i < n; i++)
			v[i] = i % 3 ? lognormal(&r) : i % 2 ? -0.0f : 0.0f;
		check_sorted(v, n, "zeros and positive");
	}
	/*
	 * max is -0 yet +0 sorts above it: keys that span exactly 22 bits
	 * from the smallest (-0x3fffff as bits) to -0 put +0 one past the
	 * range, where a digit wraps to 0 unless the sort widens the range.
	 */
	for (n = 100; n <= 2000; n *= 20) {
		for (i = 0; i < n; i++) {
			uint32_t b = 0x80000000u | (uint32_t)(0x3fffff * rng_unif(&r));

			memcpy(&v[i], &b, sizeof(b));
			if (i % 3 == 1)
				v[i] = i == 1 ? -0.0f : 0.0f;
		}
		memcpy(&v[0], &(uint32_t){ 0x803fffffu }, sizeof(v[0]));
		check_sorted(v, n, "negative denormals and zeros");
	}
	free(v);
}
END_TEST

/* negative values through the merges: ranks and counts still exact enough */
START_TEST(test_signed_values)
{
	static const double qs[] = { 0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999 };
	struct rng r = { 77 };
	double *v = malloc(NBIG * sizeof(*v)), *s, prev = -INFINITY;
	struct tdigest *td;
	size_t i;

	for (i = 0; i < NBIG; i++)
		v[i] = i % 10 ? -5000 + 10000 * rng_unif(&r) : i % 20 ? 0.0 : -0.0;
	td = digest_of(v, NBIG);
	s = sorted_copy(v, NBIG);
	ck_assert_uint_eq(tdigest_count(td), NBIG);
	ck_assert_double_eq(tdigest_quantile(td, 0), s[0]);
	ck_assert_double_eq(tdigest_quantile(td, 1), s[NBIG - 1]);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double est = tdigest_quantile(td, qs[i]), x = exact_q(s, NBIG, qs[i]);

		/* 0.5% of the range: the median is a 0, relative error is moot */
		ck_assert_msg(fabs(est - x) <= 50, "q%g: %.6g, exact %.6g", qs[i], est, x);
	}
	for (i = 0; i <= 1000; i++) {
		double x = tdigest_quantile(td, i / 1000.0);

		ck_assert_msg(x >= prev, "quantile not monotone at q=%g", i / 1000.0);
		prev = x;
	}
	free(s);
	free(v);
	tdigest_free(td);
}
END_TEST

/*
 * The buffer grows past 2 * delta only for a digest that saw 8 values for
 * every slot, and all digests together hold at most BIG_BUDGET bytes more.
 */
START_TEST(test_big_buffer_budget)
{
	/* a whole 2048-value buffer, and what it takes from the budget */
	const size_t grown = MEM_BOUND_100 - 4 * 2048 + 4 * 1600, cost = 4 * (2048 - 200);
	size_t n = BIG_BUDGET / cost + 50, i, j, mem = 0, ngrown = 0, m0;
	struct tdigest **tds = calloc(n, sizeof(*tds)), *td;

	ck_assert_ptr_nonnull(tds);
	td = tdigest_new(DELTA, &budget);
	for (j = 0; j < BIG_FIRST - 1; j++)
		tdigest_add(td, 1 + j % 1000);
	m0 = tdigest_mem(td);
	ck_assert_uint_le(m0, MEM_SMALL_100);
	for (j = 0; j < 401; j++)
		tdigest_add(td, 1 + j % 1000);
	ck_assert_uint_ge(tdigest_mem(td), m0 + 4 * 200);
	tdigest_free(td);

	for (i = 0; i < n; i++) {
		tds[i] = tdigest_new(DELTA, &budget);
		for (j = 0; j < BIG_AT + 2048; j++)
			tdigest_add(tds[i], 1 + (i + j) % 1000);
		ck_assert_uint_eq(tdigest_count(tds[i]), BIG_AT + 2048);
		ck_assert_uint_le(tdigest_mem(tds[i]), MEM_BOUND_100);
		mem += tdigest_mem(tds[i]);
		ngrown += tdigest_mem(tds[i]) > grown;
	}
	/* the first ones grew all the way, the last ones found the budget spent */
	ck_assert_uint_gt(tdigest_mem(tds[0]), grown);
	ck_assert_uint_le(tdigest_mem(tds[n - 1]), MEM_SMALL_100);
	ck_assert_uint_le(ngrown, BIG_BUDGET / cost);
	ck_assert_uint_ge(ngrown, BIG_BUDGET / cost - 5);
	ck_assert_uint_le(mem, n * MEM_SMALL_100 + BIG_BUDGET);
	ck_assert_double_eq(tdigest_quantile(tds[0], 1), 1000);
	/* 18 rounds of 1..1000, then 1..432: the exact median is 488 */
	ck_assert_rel(tdigest_quantile(tds[0], 0.5), 488, 0.01);

	/* freeing gives the budget back */
	for (i = 0; i < n; i++)
		tdigest_free(tds[i]);
	td = tdigest_new(DELTA, &budget);
	for (j = 0; j < BIG_AT + 2048; j++)
		tdigest_add(td, 1 + j % 1000);
	ck_assert_uint_gt(tdigest_mem(td), grown);
	tdigest_free(td);
	free(tds);
}
END_TEST

/* values a float cannot hold: every quantile stays within [min, max] */
START_TEST(test_quantile_within_extremes)
{
	static const double qs[] = { 0.001, 0.01, 0.5, 0.99, 0.999 };
	struct tdigest *td = tdigest_new(100, &budget);
	size_t k;
	int i;

	/* never merged: answered from the buffer */
	tdigest_add(td, 16777217.0);
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++)
		ck_assert(tdigest_quantile(td, qs[k]) == 16777217.0);
	tdigest_add(td, 16777219.0);
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double v = tdigest_quantile(td, qs[k]);

		ck_assert_msg(v >= 16777217.0 && v <= 16777219.0, "q %g: %.1f", qs[k], v);
	}
	/* merged: singleton centroids at the ends */
	tdigest_reset(td);
	for (i = 0; i < 100000; i++)
		tdigest_add(td, 16777217.0 + 2 * (i % 3));
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double v = tdigest_quantile(td, qs[k]);

		ck_assert_msg(v >= 16777217.0 && v <= 16777221.0, "q %g: %.1f", qs[k], v);
	}
	tdigest_free(td);
}
END_TEST

static Suite *tdigest_suite(void)
{
	Suite *s = suite_create("tdigest");
	TCase *tc = tcase_create("core");

	/* 10^6-sample cases take a while under ASan */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_one_value);
	tcase_add_test(tc, test_few_values);
	tcase_add_test(tc, test_all_equal);
	tcase_add_test(tc, test_extremes_and_monotone);
	tcase_add_test(tc, test_nonfinite_ignored);
	tcase_add_test(tc, test_lognormal_accuracy);
	tcase_add_test(tc, test_uniform_accuracy);
	tcase_add_test(tc, test_bimodal_slow_p99);
	tcase_add_test(tc, test_bimodal_fast_p99);
	tcase_add_test(tc, test_memory_bound);
	tcase_add_test(tc, test_memory_sorted_input);
	tcase_add_test(tc, test_merge_two);
	tcase_add_test(tc, test_merge_many);
	tcase_add_test(tc, test_merge_empty_and_small);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_compression_clamped);
	tcase_add_test(tc, test_sort_values);
	tcase_add_test(tc, test_signed_values);
	tcase_add_test(tc, test_big_buffer_budget);
	tcase_add_test(tc, test_quantile_within_extremes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(tdigest_suite)
