/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Merging t-digest (Dunning, "Computing extremely accurate quantiles
 * using t-digests", 2019) for the p99 column.  Mergeable, so per-interval
 * and per-instance digests can be folded into totals.
 */
#ifndef PERF_PROF_TDIGEST_H
#define PERF_PROF_TDIGEST_H

#include <stddef.h>
#include <stdint.h>

struct tdigest;

/*
 * What the digests sharing it may add to their buffers beyond their base
 * size when busy (faster merges): at most TDIGEST_BUDGET_BYTES together.
 * Zeroed to start; a digest returns its share when freed.
 */
#define TDIGEST_BUDGET_BYTES	((size_t)16 << 20)
struct tdigest_budget {
	size_t used;
};

/*
 * compression delta (100 is a good default); starts small, grows on demand.
 * @budget: shared with the run's other digests; NULL keeps the base buffer.
 */
struct tdigest *tdigest_new(double compression, struct tdigest_budget *budget);
/* free @td and return its extra bytes to its budget; NULL is fine */
void tdigest_free(struct tdigest *td);
/* hot path: amortised O(1), no allocation once the buffer reached its size */
void tdigest_add(struct tdigest *td, double x);
/* fold @src into @dst (src unchanged) */
void tdigest_merge(struct tdigest *dst, const struct tdigest *src);
/* q in [0,1]; NAN when empty */
double tdigest_quantile(struct tdigest *td, double q);
/* values added (and merged in) since tdigest_new() or tdigest_reset() */
uint64_t tdigest_count(const struct tdigest *td);
/* empty again; keeps its memory */
void tdigest_reset(struct tdigest *td);
/* bytes currently allocated by this digest */
size_t tdigest_mem(const struct tdigest *td);

#endif
