/* SPDX-License-Identifier: GPL-2.0-only */
/* Locating (and if needed mounting) tracefs, and reading event formats. */
#ifndef PERF_PROF_TRACEFS_H
#define PERF_PROF_TRACEFS_H

#include <stddef.h>

/*
 * Path of the tracefs mount into @buf: $PERF_PROF_TRACEFS,
 * /sys/kernel/tracing, /sys/kernel/debug/tracing, or a fresh mount at
 * /sys/kernel/tracing.  Returns @buf, or NULL + @err on failure.
 */
const char *tracefs_dir(char *buf, size_t len, char *err, size_t errlen);

/*
 * Read a whole file below tracefs (e.g. "events/kvm/kvm_exit/format") into
 * a malloc'ed NUL-terminated buffer.  NULL with errno set on failure.
 */
char *tracefs_read(const char *tracefs, const char *rel, size_t *len);

#endif
