/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The orders rows can be printed in, as --sort and the --tui view name
 * them: by total (the default), calls, avg, p99 or max, each largest
 * first, or by name; ties by name.
 */
#ifndef PERF_PROF_SORTKEY_H
#define PERF_PROF_SORTKEY_H

enum sort_key { SORT_TOTAL, SORT_CALLS, SORT_AVG, SORT_P99, SORT_MAX, SORT_NAME, SORT_NKEYS };

/* "total", "calls", "avg", "p99", "max", "name" */
extern const char *const sort_key_names[SORT_NKEYS];
/* the key named @s, or -1 */
int sort_key_parse(const char *s);

#endif
