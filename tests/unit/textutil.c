// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "textutil.h"

const char *table_row(const char *out, const char *name)
{
	const char *p = out;
	size_t n = strlen(name);

	while ((p = strstr(p, name))) {
		if ((p == out || p[-1] == '\n') && p[n] == ' ')
			return p;
		p += n;
	}
	return NULL;
}

double table_col(const char *out, const char *name, int col)
{
	const char *p = table_row(out, name);
	char line[512], *tok, *save = NULL;
	int i;

	if (!p)
		return NAN;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	tok = strtok_r(line, " ", &save);
	for (i = 0; tok && i < col; i++)
		tok = strtok_r(NULL, " ", &save);
	return tok ? atof(tok) : NAN;
}

long table_calls(const char *out, const char *name)
{
	double v = table_col(out, name, 1);

	return isnan(v) ? -1 : (long)v;
}

int count_substr(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}
