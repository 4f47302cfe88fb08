/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of option values.  Each returns 0, or -1 with a one-line
 * message in @err that names the offending text.
 */
#ifndef PERF_PROF_PARSE_H
#define PERF_PROF_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <perf-prof/idlist.h>

/* "0-3,8,10-11": sorted, duplicates removed; every id <= @max */
int parse_cpu_list(const char *s, int max, struct id_list *out, char *err, size_t errlen);
/* "123,456": positive ids */
int parse_id_list(const char *s, const char *what, struct id_list *out, char *err, size_t errlen);
/*
 * Every number with a fraction or a unit is decimal digits with an
 * optional fraction: no sign, exponent, hex or space ("1.5", ".5", "12").
 */
/*
 * A time: "1ms", "500us", "2s", "1.5ms"; s/ms/us/ns, or sec/msec/usec/nsec,
 * in any case; a bare number counts @bare_ns (--than, --step: 1; -i: ms).
 */
int parse_time(const char *s, uint64_t bare_ns, uint64_t *ns, char *err, size_t errlen);
/* "1GB", "64MB", "4KB", "100B", "100" (bare = bytes) */
int parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);
/*
 * "50,99,99.9": up to @max numbers into @v, *@n of them, an item each
 * side of every comma.  0, or -1 (no message: the caller names the list).
 */
int parse_number_list(const char *s, double *v, int max, int *n);
/* a count: decimal digits, in [min, max] */
int parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max,
		unsigned long *v, char *err, size_t errlen);

/* "0x1e200000" or "1e200000": the whole string, at most 64 bits; 0 or -1 (no message) */
int parse_hex(const char *s, uint64_t *v);

#endif
