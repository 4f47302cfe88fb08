// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <perf-prof/errmsg.h>

void errmsg_v(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap)
{
	int n;

	if (!err || !errlen)
		return;
	n = snprintf(err, errlen, "%s", prefix ? prefix : "");
	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - n, fmt, ap);
}

void errmsg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errmsg_v(err, errlen, NULL, fmt, ap);
	va_end(ap);
}
