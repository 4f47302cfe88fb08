/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks on tracepoint format text from an untrusted source (a
 * recording's tracing data) before libtraceevent parses it.
 */
#ifndef PERF_PROF_FMTCHECK_H
#define PERF_PROF_FMTCHECK_H

#include <stddef.h>

/*
 * 1 if the part of a format before "print fmt:" (@n bytes at @b) looks
 * like what kernels write: "name:", "ID:", "format:" lines, then field
 * lines "field:DECL; offset:N; size:N; signed:N;" and blank lines.
 */
int fmtcheck_header_ok(const char *b, size_t n);
/*
 * The offset of "print fmt:" in the format @b if its print fmt is unsafe
 * for libtraceevent (it should then be replaced), else 0.
 */
size_t fmtcheck_print_fmt(const char *b, size_t n);

#endif
