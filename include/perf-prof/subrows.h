/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sub-rows: the rows under one row of a table (--detail: the ports, MSRs,
 * addresses of an exit reason), kept as an instance of their own whose
 * rows are keyed by the sub-key.  What is printed of them: the N biggest
 * by what the table is sorted by (total by default), and the rest summed
 * in one row.
 */
#ifndef PERF_PROF_SUBROWS_H
#define PERF_PROF_SUBROWS_H

#include <stdint.h>
#include <perf-prof/stats.h>

/* what rows are ordered by, biggest first; NULL: by total */
typedef double (*lat_row_value)(void *arg, struct lat_row *r);

/*
 * The rows of @in with calls, the @n biggest by @value(@arg, row) first
 * (ties: the smaller key first), into @top (room for @n); every other row
 * with calls summed into @rest: counters added, digests merged into
 * rest->td (which the caller made and emptied).  Returns how many are in
 * @top; *@nrest is how many rows @rest sums (0: none).
 */
uint32_t lat_rows_top(const struct lat_inst *in, uint32_t n, lat_row_value value, void *arg,
		      const struct lat_row **top, struct lat_row *rest, uint32_t *nrest);

#endif
