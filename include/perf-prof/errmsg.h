/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One-line error messages into a caller's buffer: every module that can
 * fail reports through (char *err, size_t errlen), and the caller decides
 * where the line goes (stderr with a "perf-prof: " prefix, a test).
 */
#ifndef PERF_PROF_ERRMSG_H
#define PERF_PROF_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>

/* printf @fmt into @err; nothing when @err is NULL or @errlen 0 */
void errmsg(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the same from a va_list, after @prefix (already formatted) */
void errmsg_v(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#endif
