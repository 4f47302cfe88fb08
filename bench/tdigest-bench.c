// SPDX-License-Identifier: GPL-2.0-only
/*
 * t-digest micro-benchmark, not wired into the Makefile:
 *
 *   cc -O2 -Iinclude -D_GNU_SOURCE -o /tmp/tdigest-bench \
 *      bench/tdigest-bench.c src/core/tdigest.c -lm && /tmp/tdigest-bench
 *
 * Prints ns and user-space instructions per tdigest_add() (values
 * pre-generated, so only the digest is measured; instructions do not
 * depend on what else the machine runs), tdigest_mem() as a digest fills,
 * relative errors against the exact quantiles (one sample set, then the
 * mean and worst of 20), the memory of 60,000 lightly used digests (1,000
 * threads x 60 exit reasons) and of many busy ones.
 */
#include <linux/perf_event.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <perf-prof/tdigest.h>

/* shared by every digest, as a run's statistics share one */
static struct tdigest_budget budget;

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

/* user-space instructions retired by this thread; -1 without perf events */
static int insn_open(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static double insn_read(int fd)
{
	uint64_t n;

	return fd >= 0 && read(fd, &n, sizeof(n)) == sizeof(n) ? (double)n : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	/* values per row; ~270 is 20M events over 1,000 threads x 60 reasons */
	static const size_t rows[] = { 1, 10, 100, 270, 1000 };
	double delta = argc > 1 ? atof(argv[1]) : 100;
	double *v = malloc(N * sizeof(*v)), *s = malloc(N * sizeof(*s));
	struct tdigest *td, **many;
	size_t i, k, rounds = 64, mem;
	double t0, i0, best = INFINITY, insn = NAN;
	double err_sum[4] = { 0 }, err_max[4] = { 0 };
	int fd = insn_open();

	if (!v || !s)
		return 1;
	for (i = 0; i < N; i++)
		v[i] = lognormal();

	/* throughput: best of 5 runs of 64M adds */
	for (k = 0; k < 5; k++) {
		td = tdigest_new(delta, &budget);
		i0 = insn_read(fd);
		t0 = now_ns();
		for (size_t r = 0; r < rounds; r++)
			for (i = 0; i < N; i++)
				tdigest_add(td, v[i]);
		t0 = (now_ns() - t0) / ((double)rounds * N);
		insn = (insn_read(fd) - i0) / ((double)rounds * N);
		if (t0 < best)
			best = t0;
		tdigest_free(td);
	}
	printf("delta %g: tdigest_add %.1f ns, %.1f instructions (random log-normal values)\n",
	       delta, best, insn);

	td = tdigest_new(delta, &budget);
	i0 = insn_read(fd);
	t0 = now_ns();
	for (size_t r = 0; r < rounds; r++)
		for (i = 0; i < N; i++)
			tdigest_add(td, (double)(r * N + i));
	t0 = (now_ns() - t0) / ((double)rounds * N);
	printf("delta %g: tdigest_add %.1f ns, %.1f instructions (ascending values)\n", delta,
	       t0, (insn_read(fd) - i0) / ((double)rounds * N));
	tdigest_free(td);

	/* memory as the digest fills */
	td = tdigest_new(delta, &budget);
	printf("tdigest_mem: empty %zu", tdigest_mem(td));
	for (i = 0, k = 1; i < 100000000; i++) {
		tdigest_add(td, v[i % N] * (1 + i / N));
		if (i + 1 == k) {
			tdigest_quantile(td, 0.99);
			printf(", %zu values %zu", k, tdigest_mem(td));
			k *= 10;
		}
	}
	printf("\n");
	tdigest_free(td);

	/* accuracy on 2^20 fresh log-normal samples */
	for (i = 0; i < N; i++)
		v[i] = lognormal();
	td = tdigest_new(delta, &budget);
	for (i = 0; i < N; i++)
		tdigest_add(td, v[i]);
	memcpy(s, v, N * sizeof(*s));
	qsort(s, N, sizeof(*s), cmp_double);
	printf("relative error:");
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double x = s[(size_t)ceil(qs[k] * N) - 1];

		printf(" p%g %.3f%%", 100 * qs[k],
		       100 * fabs(tdigest_quantile(td, qs[k]) - x) / x);
	}
	printf("\n");
	tdigest_free(td);

	/* the same over 20 more sample sets: one set is one draw of the error */
	for (size_t run = 0; run < 20; run++) {
		for (i = 0; i < N; i++)
			s[i] = v[i] = lognormal();
		td = tdigest_new(delta, &budget);
		for (i = 0; i < N; i++)
			tdigest_add(td, v[i]);
		qsort(s, N, sizeof(*s), cmp_double);
		for (k = 0; k < 4; k++) {
			double x = s[(size_t)ceil(qs[k] * N) - 1];
			double e = fabs(tdigest_quantile(td, qs[k]) - x) / x;

			err_sum[k] += e / 20;
			if (e > err_max[k])
				err_max[k] = e;
		}
		tdigest_free(td);
	}
	printf("relative error, mean/worst of 20:");
	for (k = 0; k < 4; k++)
		printf(" p%g %.3f/%.3f%%", 100 * qs[k], 100 * err_sum[k], 100 * err_max[k]);
	printf("\n");

	/* the latency table: 60,000 rows, each with a few exits */
	many = calloc(60000, sizeof(*many));
	for (size_t m = 0; m < sizeof(rows) / sizeof(rows[0]); m++) {
		k = rows[m];
		mem = 0;
		for (i = 0; i < 60000; i++) {
			many[i] = tdigest_new(delta, &budget);
			for (size_t j = 0; j < k; j++)
				tdigest_add(many[i], v[(i * k + j) % N]);
			tdigest_quantile(many[i], 0.99);
			mem += tdigest_mem(many[i]);
		}
		printf("60000 digests x %zu values: tdigest_mem total %.1f MB (%.0f B each)\n",
		       k, mem / 1e6, mem / 60000.0);
		for (i = 0; i < 60000; i++)
			tdigest_free(many[i]);
	}

	/* busy rows: the extra buffer memory must stay bounded */
	for (i = 0; i < 4000; i++) {
		many[i] = tdigest_new(delta, &budget);
		for (size_t j = 0; j < 50000; j++)
			tdigest_add(many[i], v[(i * 50000 + j) % N]);
	}
	for (i = mem = 0; i < 4000; i++) {
		tdigest_quantile(many[i], 0.99);
		mem += tdigest_mem(many[i]);
		tdigest_free(many[i]);
	}
	printf("4000 digests x 50000 values: tdigest_mem total %.1f MB (%.0f B each)\n",
	       mem / 1e6, mem / 4000.0);
	free(many);
	free(v);
	free(s);
	return 0;
}
