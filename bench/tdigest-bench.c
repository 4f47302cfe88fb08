// SPDX-License-Identifier: GPL-2.0-only
/*
 * t-digest micro-benchmark, not wired into the Makefile:
 *
 *   cc -O2 -Iinclude -D_GNU_SOURCE -o /tmp/tdigest-bench \
 *      bench/tdigest-bench.c src/tdigest.c -lm && /tmp/tdigest-bench
 *
 * Prints ns per td_add() (values pre-generated, so only the digest is
 * timed), td_mem() as a digest fills, relative errors against the exact
 * quantiles, and the memory of 60,000 lightly used digests (1,000 threads
 * x 60 exit reasons).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <perf-prof/tdigest.h>

#define N	(1 << 20)

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static double unif(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((rng * 0x2545F4914F6CDD1DULL >> 11) + 0.5) * 0x1p-53;
}

static double lognormal(void)
{
	double u = unif(), v = unif();

	return exp(7 + sqrt(-2 * log(u)) * cos(2 * M_PI * v));
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	double delta = argc > 1 ? atof(argv[1]) : 100;
	double *v = malloc(N * sizeof(*v)), *s = malloc(N * sizeof(*s));
	struct tdigest *td, **many;
	size_t i, k, rounds = 64, mem;
	double t0, best = INFINITY;

	if (!v || !s)
		return 1;
	for (i = 0; i < N; i++)
		v[i] = lognormal();

	/* throughput: best of 5 runs of 64M adds */
	for (k = 0; k < 5; k++) {
		td = td_new(delta);
		t0 = now_ns();
		for (size_t r = 0; r < rounds; r++)
			for (i = 0; i < N; i++)
				td_add(td, v[i]);
		t0 = (now_ns() - t0) / ((double)rounds * N);
		if (t0 < best)
			best = t0;
		td_free(td);
	}
	printf("delta %g: td_add %.1f ns (random log-normal values)\n", delta, best);

	td = td_new(delta);
	t0 = now_ns();
	for (size_t r = 0; r < rounds; r++)
		for (i = 0; i < N; i++)
			td_add(td, (double)(r * N + i));
	printf("delta %g: td_add %.1f ns (ascending values)\n", delta,
	       (now_ns() - t0) / ((double)rounds * N));
	td_free(td);

	/* memory as the digest fills */
	td = td_new(delta);
	printf("td_mem: empty %zu", td_mem(td));
	for (i = 0, k = 1; i < 100000000; i++) {
		td_add(td, v[i % N] * (1 + i / N));
		if (i + 1 == k) {
			td_quantile(td, 0.99);
			printf(", %zu values %zu", k, td_mem(td));
			k *= 10;
		}
	}
	printf("\n");
	td_free(td);

	/* accuracy on 2^20 fresh log-normal samples */
	for (i = 0; i < N; i++)
		v[i] = lognormal();
	td = td_new(delta);
	for (i = 0; i < N; i++)
		td_add(td, v[i]);
	memcpy(s, v, N * sizeof(*s));
	qsort(s, N, sizeof(*s), cmp_double);
	printf("relative error:");
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double x = s[(size_t)ceil(qs[k] * N) - 1];

		printf(" p%g %.3f%%", 100 * qs[k],
		       100 * fabs(td_quantile(td, qs[k]) - x) / x);
	}
	printf("\n");
	td_free(td);

	/* the latency table: 60,000 rows, each with a few exits */
	many = calloc(60000, sizeof(*many));
	for (k = 1; k <= 1000; k *= 10) {
		mem = 0;
		for (i = 0; i < 60000; i++) {
			many[i] = td_new(delta);
			for (size_t j = 0; j < k; j++)
				td_add(many[i], v[(i * k + j) % N]);
			td_quantile(many[i], 0.99);
			mem += td_mem(many[i]);
		}
		printf("60000 digests x %zu values: td_mem total %.1f MB (%.0f B each)\n",
		       k, mem / 1e6, mem / 60000.0);
		for (i = 0; i < 60000; i++)
			td_free(many[i]);
	}
	free(many);
	free(v);
	free(s);
	return 0;
}
