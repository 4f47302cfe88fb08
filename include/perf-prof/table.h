/* SPDX-License-Identifier: GPL-2.0-only */
/* The perf-prof latency table: the output contract users' scripts parse. */
#ifndef PERF_PROF_TABLE_H
#define PERF_PROF_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <perf-prof/sortkey.h>
#include <perf-prof/stats.h>

#define TABLE_MAX_PCT 8

struct table_style {
	const char *title;		/* "kvm-exit latency" */
	const char *key_header;		/* "exit_reason" */
	const char *extra_header;	/* "%gsys" or "err" */
	bool extra_percent;		/* extra is ns, shown as % of total */
	int npct;
	double pct[TABLE_MAX_PCT];	/* percentiles, e.g. 99 */
	bool sched;			/* oncpu(us) and sched(us) columns */
	bool vmm;			/* vmm, vmm(us) and %vmm columns */
	/*
	 * --detail N: under a row that has sub-rows (@subrows), the N
	 * biggest by @sort's key (by name: the N biggest by total, in the
	 * order of their names, numbers by value), named by @sub_name, and
	 * the rest summed in one; 0: none
	 */
	int detail;
	const struct lat_inst *(*subrows)(void *arg, const struct lat_row *r);
	void (*sub_name)(void *arg, uint64_t key, char *buf, size_t len);
	void *sub_arg;
	int top_rips;			/* guest addresses per reason, 0 = none */
	/*
	 * begin events only: rows hold calls, and in extra how many of them
	 * came from guest kernel mode; no latency columns
	 */
	bool counts;
	/* --sort: the rows' order (SORT_TOTAL, 0, by default; counts: by calls) */
	enum sort_key sort;
	/* the name of a row's key, with @key_arg */
	void (*key_name)(void *arg, uint64_t key, char *buf, size_t len);
	void *key_arg;
	/* "symbol+0xoff" or "0x..." for a guest address */
	void (*rip_name)(void *arg, uint64_t rip, char *buf, size_t len);
	/* "file:line" of a guest address, a last column; NULL: no such column */
	void (*rip_line)(void *arg, uint64_t rip, char *buf, size_t len);
	void *rip_arg;
};

/* "2022-04-22 17:34:13.858975": an interval's time, as its header line writes it */
void table_print_time_inline(FILE *f, uint64_t realtime_ns);
/*
 * A percentile as its labels write it: the shortest decimal that reads
 * back as the same number (99.99999, never the 100 of %g), so distinct
 * percentiles never share a column name or a JSON key.
 */
void table_pct_name(double pct, char *buf, size_t len);
/*
 * One table: title (+ " " + @label when not NULL), header, dashed rule,
 * rows with calls > 0 in @st->sort's order (by total, largest first, by
 * default), then by name.
 * Prints nothing when no row has calls.  Returns rows printed.
 */
int table_print(FILE *f, const struct table_style *st, struct lat_inst *in, const char *label);
/*
 * The sub-rows of @r as the printers show them: up to st->detail into
 * @top (room for st->detail), the others summed into @rest (whose digest
 * the caller made; it is emptied first).  Returns how many are in @top,
 * and how many @rest sums in *@nrest; 0 and 0 when @r has no sub-rows.
 */
int table_subrows(const struct table_style *st, const struct lat_row *r,
		  const struct lat_row **top, struct lat_row *rest, uint32_t *nrest);
/* the name of the summed sub-row: "(3 more)" */
void table_rest_name(uint32_t nrest, char *buf, size_t len);
/*
 * The parts of row @r's latency as --offcpu and --vmm split it, in ns:
 * on a CPU in the kernel, scheduled out outside the VMM, in the VMM
 */
void table_split(const struct table_style *st, const struct lat_row *r, uint64_t *oncpu,
		 uint64_t *sched, uint64_t *vmm);
/* the rows sorted as table_print() orders them; returns count, *@rows malloc'ed */
int table_sorted_rows(const struct table_style *st, struct lat_inst *in, struct lat_row ***rows);

#endif
