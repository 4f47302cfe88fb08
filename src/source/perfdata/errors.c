// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reader's error messages: where in the file, then what.  Below the
 * input and the decompressor (both say their errors through it), so it
 * knows where a compressed record began from the reader's state, not by
 * asking decomp.c.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <perf-prof/errmsg.h>
#include "perfdata-int.h"

void pd_err(const struct perfdata *pd, char *err, size_t errlen, uint64_t off,
	    const char *fmt, ...)
{
	char where[PATH_MAX + 96];
	va_list ap;

	if (off >= PD_ZBASE)	/* in decompressed data: where its compressed record is */
		snprintf(where, sizeof(where), "%s: offset %llu: decompressed byte %llu: ",
			 pd->path, (unsigned long long)pd->z_rec_off,
			 (unsigned long long)(off - PD_ZBASE));
	else
		snprintf(where, sizeof(where), "%s: offset %llu: ", pd->path,
			 (unsigned long long)off);
	va_start(ap, fmt);
	errmsg_v(err, errlen, where, fmt, ap);
	va_end(ap);
}
