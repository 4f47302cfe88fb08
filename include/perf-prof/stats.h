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
	uint64_t inst;		/* the id of its instance */
	uint64_t calls, sum, min, max;
	uint64_t extra;
	uint64_t sched;		/* ns of the latency spent scheduled out */
	/* --vmm: pairs the VMM handled, ns of their latency in it, of that scheduled out */
	uint64_t vmm_calls, vmm, vmm_sched;
	struct tdigest *td;
	/* owned by their sinks (profilers/sink-*.c), which reset and free them */
	struct rip_table *rips;	/* guest addresses, with --top-rip */
	struct prom_hist *hist;	/* --prometheus: its cumulative histogram */
	uint32_t sub;		/* --detail: 1 + the id of its sub-rows' instance, 0: none */
};

struct lat_inst {
	uint64_t id;		/* tid, cpu or pid; 0 when not per instance */
	int64_t vcpu;		/* -1 unknown */
	uint32_t pid;
	struct lat_row *rows;
	uint32_t nrows, cap;
	struct u64map map;	/* key → row index */
};

#define LAT_ROW_CACHE	256

struct lat_stats {
	struct lat_inst *inst;
	uint32_t ninst, cap;
	struct u64map map;	/* instance id → index */
	/*
	 * Rows by (instance, key), direct-mapped: most pairs find their row
	 * here.  Emptied when a rows array moves.
	 */
	struct lat_row *cache[LAT_ROW_CACHE];
	double compression;
	struct tdigest_budget budget;	/* shared by every row's digest */
};

/* empty statistics, digests of compression 100; allocates nothing */
void lat_stats_init(struct lat_stats *s);
/* the instance @id, created empty if needed */
struct lat_inst *lat_stats_inst(struct lat_stats *s, uint64_t id);

static inline uint32_t lat_row_slot(uint64_t inst, uint64_t key)
{
	/* exit reasons and syscall numbers differ in their low bits, threads too */
	return (uint32_t)(key + (inst << 4)) & (LAT_ROW_CACHE - 1);
}

/* the part of lat_stats_row() past the cache: call that */
struct lat_row *lat_stats_row_insert(struct lat_stats *s, uint64_t inst, uint64_t key);

/* the row of @key in instance @inst, created (with its instance) if needed */
static inline struct lat_row *lat_stats_row(struct lat_stats *s, uint64_t inst, uint64_t key)
{
	struct lat_row *r = s->cache[lat_row_slot(inst, key)];

	if (r && r->key == key && r->inst == inst)
		return r;
	return lat_stats_row_insert(s, inst, key);
}

/* one latency of @lat ns into @r, and @extra into its extra column */
static inline void lat_row_add(struct lat_row *r, uint64_t lat, uint64_t extra)
{
	if (r->calls == 0 || lat < r->min)
		r->min = lat;
	if (lat > r->max)
		r->max = lat;
	r->calls++;
	r->sum += lat;
	r->extra += extra;
	tdigest_add(r->td, (double)lat);
}

/*
 * Percentile @q (0..1) of @r, in ns, as the printers show it: within the
 * row's exact [min, max] (the digest keeps values as float, which can
 * round past either end), exact when the row holds one distinct value.
 */
double lat_row_quantile(struct lat_row *r, double q);

/* zero every counter, keep rows and digest memory (not rips, hist) */
void lat_stats_reset(struct lat_stats *s);
/* free every instance, row and digest; @s is zeroed */
void lat_stats_free(struct lat_stats *s);
/* the calls of all rows of @in */
uint64_t lat_inst_calls(const struct lat_inst *in);

#endif
