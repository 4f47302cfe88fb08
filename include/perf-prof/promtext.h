/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Prometheus exposition of the latency histograms: the fixed buckets,
 * label escaping, and the two text formats (0.0.4 and OpenMetrics 1.0.0).
 * Pure functions of a snapshot, so the HTTP thread and the textfile
 * writer render without touching the reader's state.
 */
#ifndef PERF_PROF_PROMTEXT_H
#define PERF_PROF_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exponential buckets, four a decade from 1 us to 10 s (10^(k/4) us,
 * rounded to four digits), the same on every host so that the
 * histograms of a fleet add up; the last bucket is +Inf.
 */
#define PROM_NBOUNDS	29
#define PROM_NBUCKETS	(PROM_NBOUNDS + 1)

/* upper bounds (le) in ns, padded to 32 with UINT64_MAX for prom_bucket() */
extern const uint64_t prom_le_ns[32];
/* the bucket of 2^k ns: how many bounds lie below it */
extern const uint8_t prom_log2_bucket[64];


/* the bucket of a latency: the first whose bound is >= @ns (le is inclusive) */
static inline unsigned prom_bucket(uint64_t ns)
{
	/*
	 * Per pair, so short: the power of two below @ns gives the bucket
	 * to within two, as bounds are 1.778x apart (two at most fit in a
	 * doubling).  Measured against a branch-free binary search over
	 * the bounds, on 5 M pairs read from a file: a third of its cost
	 * (docs/performance.md, "Prometheus").
	 */
	unsigned i = prom_log2_bucket[63 - __builtin_clzll(ns | 1)];

	i += prom_le_ns[i] < ns;
	i += prom_le_ns[i] < ns;
	return i;
}

/* one histogram, cumulative since start; buckets are not cumulative here */
struct prom_hist {
	uint64_t bucket[PROM_NBUCKETS];
	uint64_t sum_ns;
};

static inline void prom_hist_add(struct prom_hist *h, uint64_t ns)
{
	h->bucket[prom_bucket(ns)]++;
	h->sum_ns += ns;
}

/* a snapshot: what one scrape shows */
struct prom_row {
	const char *labels;	/* rendered: profiler="...",reason="...",... */
	struct prom_hist h;
};

struct prom_snap {
	struct prom_row *rows;
	uint32_t n, cap;
	uint64_t lost;		/* ring-buffer records lost */
	uint64_t dropped;	/* begins dropped at gaps or out of order */
};

/* what does not change during a run, already rendered as label pairs */
struct prom_info {
	const char *profiler;	/* profiler="kvm-exit" */
	const char *build;	/* version="0.1.0",kernel_release="6.18.0" */
};

enum prom_format { PROM_TEXT, PROM_OPENMETRICS };

/* the format an Accept header asks for (by q-value; text when in doubt) */
enum prom_format prom_negotiate(const char *accept);
/* the Content-Type header of format @f (a static string) */
const char *prom_content_type(enum prom_format f);

/* the exposition of @s, malloc'ed, in *@len bytes; NULL when out of memory */
char *prom_render(const struct prom_snap *s, const struct prom_info *info,
		  enum prom_format f, size_t *len);

/*
 * Append name="value" to @buf (of @size, holding *@pos bytes), preceded by
 * a comma unless first: the value escaped (\\, \", \n) and made valid
 * UTF-8 (a byte that is not becomes U+FFFD), as Prometheus requires.
 * Returns -1, leaving @buf as it was, if it would not fit.
 */
int prom_label(char *buf, size_t size, size_t *pos, const char *name, const char *value);

/*
 * A VM's name from a qemu command line (NUL-separated, @len bytes):
 * "-name guest=NAME,..." or "-name NAME,...", with qemu's ",," for a
 * comma.  0 and the name in @out, or -1 when there is no -name.
 */
int prom_qemu_name(const char *cmdline, size_t len, char *out, size_t outlen);

#endif
