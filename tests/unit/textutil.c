// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdarg.h>
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

#ifndef PERF_PROF_BIN
#define PERF_PROF_BIN "./perf-prof"
#endif

const char *pp_bin(void)
{
	const char *b = getenv("PP_TEST_BIN");

	return b && *b ? b : PERF_PROF_BIN;
}

char *sh(const char *fmt, ...)
{
	char cmd[4096], buf[65536], *out = NULL;
	size_t len = 0, n;
	va_list ap;
	FILE *p, *m;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	m = open_memstream(&out, &len);
	p = popen(cmd, "r");
	if (p) {
		while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
			fwrite(buf, 1, n, m);
		pclose(p);
	}
	fclose(m);
	return out ? out : strdup("");
}

char *slurp_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *out = NULL;
	size_t len = 0, n;
	char buf[65536];
	FILE *m;

	if (!f)
		return NULL;
	m = open_memstream(&out, &len);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(f);
	fclose(m);
	return out;
}

long num_after(const char *s, const char *key)
{
	const char *p = s ? strstr(s, key) : NULL;

	if (!p)
		return -1;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	return strtol(p, NULL, 10);
}

int rc_of(const char *out)
{
	const char *p = strstr(out, "rc="), *q;

	if (!p)
		return -1;
	while ((q = strstr(p + 1, "rc=")))
		p = q;
	return atoi(p + 3);
}
