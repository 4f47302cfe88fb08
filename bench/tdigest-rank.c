// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the p99 column guarantees: its rank, not its value.  For rows of
 * 2,000 to 1,000,000 latencies from three shapes (exponential, lognormal,
 * and a steep tail: 99.05% below 755 us, the rest from 1.9 ms, as a real
 * guest's io row), 20 rows each: the worst distance of the printed p99's
 * rank from 0.99, and the worst relative error of its value against the
 * exact nearest-rank p99.  Not wired into the Makefile:
 *
 *   cc -O2 -Iinclude -D_GNU_SOURCE -o /tmp/tdigest-rank \
 *      bench/tdigest-rank.c src/core/tdigest.c -lm && /tmp/tdigest-rank
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <perf-prof/tdigest.h>

#define TRIALS	20

static uint64_t rng = 7;

static double unif(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((rng >> 11) + 0.5) * 0x1p-53;
}

/* a latency in us of shape @d */
static double sample(int d)
{
	if (d == 0)
		return 20 + 100 * -log(unif());
	if (d == 1)
		return exp(4 + 1.5 * sqrt(-2 * log(unif())) * cos(2 * M_PI * unif()));
	return unif() < 0.9905 ? 20 + 735 * pow(unif(), 3) : 1900 + 20000 * unif();
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* one row of @n: the printed p99's rank error and relative value error, as max into @rank, @val */
static void row(int d, int n, double *rank, double *val)
{
	struct tdigest *td = tdigest_new(100, NULL);
	double *v = malloc((size_t)n * sizeof(*v)), p, exact;
	int i, below = 0;

	for (i = 0; i < n; i++) {
		v[i] = sample(d);
		tdigest_add(td, v[i]);
	}
	qsort(v, (size_t)n, sizeof(*v), cmp);
	p = tdigest_quantile(td, 0.99);
	for (i = 0; i < n && v[i] <= p; i++)
		below++;
	exact = v[(int)ceil(0.99 * n) - 1];
	if (fabs((double)below / n - 0.99) > *rank)
		*rank = fabs((double)below / n - 0.99);
	if (fabs(p - exact) / exact > *val)
		*val = fabs(p - exact) / exact;
	free(v);
	tdigest_free(td);
}

int main(void)
{
	static const char *const shape[] = { "exponential", "lognormal", "steep tail" };
	static const int sizes[] = { 2000, 5000, 40104, 100000, 1000000 };
	int d, k, t;

	printf("%-12s %8s %18s %18s\n", "shape", "n", "max |rank-0.99|", "max value error");
	for (d = 0; d < 3; d++) {
		for (k = 0; k < 5; k++) {
			double rank = 0, val = 0;

			for (t = 0; t < TRIALS; t++)
				row(d, sizes[k], &rank, &val);
			printf("%-12s %8d %18.5f %17.1f%%\n", shape[d], sizes[k], rank, val * 100);
		}
	}
	return 0;
}
