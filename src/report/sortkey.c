// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <perf-prof/sortkey.h>

const char *const sort_key_names[SORT_NKEYS] = { "total", "calls", "avg", "p99", "max", "name" };

int sort_key_parse(const char *s)
{
	int k;

	for (k = 0; s && k < SORT_NKEYS; k++)
		if (!strcmp(s, sort_key_names[k]))
			return k;
	return -1;
}
