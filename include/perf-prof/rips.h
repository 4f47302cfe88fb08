/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest code attribution: per exit reason, which guest instruction
 * addresses exited, how often and for how long (what seed 004 does by hand
 * with perf script | sort | uniq -c and addr2line).
 */
#ifndef PERF_PROF_RIPS_H
#define PERF_PROF_RIPS_H

#include <stdint.h>
#include <perf-prof/u64map.h>

struct rip_ent {
	uint64_t rip, calls, sum, max;
};

struct rip_table {
	struct u64map map;	/* rip → index */
	struct rip_ent *ent;
	uint32_t n, cap;
};

/* count one exit at guest address @rip that took @lat ns (aborts out of memory) */
void rip_add(struct rip_table *t, uint64_t rip, uint64_t lat);
/* the @max busiest entries (by calls, then total), sorted; returns count */
int rip_top(const struct rip_table *t, struct rip_ent *out, int max);
/* forget every address (a new interval); keeps the entry array's memory */
void rip_reset(struct rip_table *t);
/* free everything; @t is zeroed (empty, reusable) */
void rip_free(struct rip_table *t);

#endif
