/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Latency statistics per (instance, key): calls, total, min, max, one
 * profiler-defined extra sum (%gsys time, error count) and a t-digest.
 * An instance is a thread or a CPU with --perins, else the single
 * instance 0.  Rows persist across intervals so their digests are reused.
 */
#ifndef PERF_PROF_STATS_H
#define PERF_PROF_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/tdigest.h>
#include <perf-prof/u64map.h>

struct rip_table;
struct prom_hist;

struct lat_row {
	uint64_t key;
	uint64_t calls, sum, min, max;
	uint64_t extra;
	uint64_t sched;		/* ns of the latency spent scheduled out */
	struct tdigest *td;
	struct rip_table *rips;	/* guest addresses, with --top-rip */
	struct prom_hist *hist;	/* --prometheus: its cumulative histogram */
};

struct lat_inst {
	uint64_t id;		/* tid, cpu or pid; 0 when not per instance */
	int64_t vcpu;		/* -1 unknown */
	uint32_t pid;
	struct lat_row *rows;
	uint32_t nrows, cap;
	struct u64map map;	/* key → row index */
	/* direct-mapped cache in front of map by key's low bits; emptied
	 * when rows moves */
	struct lat_row *cache[32];
};

struct lat_stats {
	struct lat_inst *inst;
	uint32_t ninst, cap;
	struct u64map map;	/* instance id → index */
	/*
	 * direct-mapped cache in front of map by the id's low bits, which
	 * tell apart the few vCPU threads or CPUs of --perins; emptied when
	 * the inst array moves
	 */
	struct lat_inst *cache[64];
	double compression;
	struct td_budget budget;	/* shared by every row's digest */
};

void lat_stats_init(struct lat_stats *s);

/*
 * lat_stats_inst() and lat_inst_row() run for every pair: the cache hits
 * are inline, the map lookups and insertions in stats.c.
 */
struct lat_inst *lat_stats_inst_slow(struct lat_stats *s, uint64_t id);
struct lat_row *lat_inst_row_slow(struct lat_stats *s, struct lat_inst *in, uint64_t key);

/* the instance @id if the cache holds it, else NULL */
static inline struct lat_inst *lat_stats_inst_cached(const struct lat_stats *s, uint64_t id)
{
	struct lat_inst *in = s->cache[id & 63];

	return in && in->id == id ? in : NULL;
}

/* the instance @id, created empty if needed */
static inline struct lat_inst *lat_stats_inst(struct lat_stats *s, uint64_t id)
{
	struct lat_inst *in = lat_stats_inst_cached(s, id);

	return in ? in : lat_stats_inst_slow(s, id);
}

/* the row of @key in @in if the cache holds it, else NULL */
static inline struct lat_row *lat_inst_row_cached(const struct lat_inst *in, uint64_t key)
{
	struct lat_row *r = in->cache[key & 31];

	/* exit reasons and syscall numbers are small: most lookups end here */
	return r && r->key == key ? r : NULL;
}

/* the row of @key in @in, created empty if needed */
static inline struct lat_row *lat_inst_row(struct lat_stats *s, struct lat_inst *in,
					   uint64_t key)
{
	struct lat_row *r = lat_inst_row_cached(in, key);

	return r ? r : lat_inst_row_slow(s, in, key);
}

static inline void lat_row_add(struct lat_row *r, uint64_t lat, uint64_t extra)
{
	if (r->calls == 0 || lat < r->min)
		r->min = lat;
	if (lat > r->max)
		r->max = lat;
	r->calls++;
	r->sum += lat;
	r->extra += extra;
	td_add(r->td, (double)lat);
}

/*
 * Percentile @q (0..1) of @r, in ns, as the printers show it: within the
 * row's exact [min, max] (the digest keeps values as float, which can
 * round past either end), exact when the row holds one distinct value.
 */
double lat_row_quantile(struct lat_row *r, double q);

/* zero every counter, keep rows and digest memory */
void lat_stats_reset(struct lat_stats *s);
void lat_stats_free(struct lat_stats *s);
uint64_t lat_inst_calls(const struct lat_inst *in);

#endif
