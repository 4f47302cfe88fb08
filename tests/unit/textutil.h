/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading perf-prof's tables back in tests. */
#ifndef PP_TESTS_TEXTUTIL_H
#define PP_TESTS_TEXTUTIL_H

/* the line of the row named @name (a line starting "name "), or NULL */
const char *table_row(const char *out, const char *name);
/* calls column of that row, -1 if absent */
long table_calls(const char *out, const char *name);
/* column @col (0 = name, 1 = calls, ...) of that row, NAN if absent */
double table_col(const char *out, const char *name, int col);
/* occurrences of @needle in @hay */
int count_substr(const char *hay, const char *needle);

/*
 * The perf-prof binary under test: PP_TEST_BIN from the environment (to
 * run new tests against an older build), else the one built with them.
 */
const char *pp_bin(void);
/* stdout of `sh -c CMD` (printf-style), malloc'd; never NULL */
char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a whole file, malloc'd; NULL if it cannot be read */
char *slurp_file(const char *path);
/* the unsigned number right after the first @key in @s, -1 if absent */
long num_after(const char *s, const char *key);
/* the exit status a command's output ends with ("...; echo rc=$?"): the last rc=N, -1 if none */
int rc_of(const char *out);

#endif
