// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <perf-prof/opttable.h>

static int is_short(int key)
{
	return key > 0 && key < 128 && key != '?' && key != ':';
}

void opt_tables(const struct opt_spec *spec, int n, struct opt_tables *t)
{
	char *s = t->shortopts;
	int i;

	memset(t, 0, sizeof(*t));
	*s++ = ':';	/* a missing value returns ':', not '?' */
	for (i = 0; i < n && i < OPT_MAX; i++) {
		t->longopts[i].name = spec[i].name;
		t->longopts[i].has_arg = spec[i].arg ? required_argument : no_argument;
		t->longopts[i].flag = NULL;
		t->longopts[i].val = spec[i].key;
		if (is_short(spec[i].key) && spec[i].help && !strchr(t->shortopts, spec[i].key)) {
			*s++ = (char)spec[i].key;
			if (spec[i].arg)
				*s++ = ':';
		}
	}
}

const struct opt_spec *opt_find(const struct opt_spec *spec, int n, int key)
{
	int i;

	for (i = 0; i < n; i++)
		if (spec[i].key == key)
			return &spec[i];
	return NULL;
}

/* @line (up to @len bytes) with "{NAME}" replaced as @vars says */
static void put_line(FILE *f, const char *line, size_t len, const char *const *vars)
{
	const char *end = line + len;

	while (line < end) {
		const char *open = memchr(line, '{', (size_t)(end - line));
		const char *close = open ? memchr(open, '}', (size_t)(end - open)) : NULL;
		const char *const *v;

		if (!close) {
			fwrite(line, 1, (size_t)(end - line), f);
			return;
		}
		fwrite(line, 1, (size_t)(open - line), f);
		for (v = vars; v && v[0]; v += 2)
			if (strlen(v[0]) == (size_t)(close - open - 1) &&
			    !strncmp(v[0], open + 1, (size_t)(close - open - 1)))
				break;
		if (v && v[0])
			fputs(v[1], f);
		else
			fwrite(open, 1, (size_t)(close + 1 - open), f);
		line = close + 1;
	}
}

void opt_help(FILE *f, const struct opt_spec *spec, int n, unsigned cmd,
	      const char *const *vars)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *h = spec[i].help;
		int w;

		if (!h || (spec[i].only && !(spec[i].only & cmd)))
			continue;
		if (is_short(spec[i].key))
			w = fprintf(f, "  -%c, --%s", spec[i].key, spec[i].name);
		else
			w = fprintf(f, "      --%s", spec[i].name);
		if (spec[i].arg)
			w += fprintf(f, "=%s", spec[i].arg);
		/* the help text in its column, each of its lines */
		for (;;) {
			const char *nl = strchr(h, '\n');
			size_t len = nl ? (size_t)(nl - h) : strlen(h);

			/* a name past the column: two spaces */
			fprintf(f, "%*s", w < OPT_HELP_COL ? OPT_HELP_COL - w : 2, "");
			put_line(f, h, len, vars);
			fputc('\n', f);
			if (!nl)
				break;
			h = nl + 1;
			w = 0;
		}
	}
}

void opt_list(FILE *f, const struct opt_spec *spec, int n, unsigned cmd)
{
	int i;

	for (i = 0; i < n; i++)
		if (spec[i].help && (!spec[i].only || (spec[i].only & cmd)))
			fprintf(f, "--%s%s\n", spec[i].name, spec[i].arg ? "=" : "");
	for (i = 0; i < n; i++)
		if (spec[i].help && (!spec[i].only || (spec[i].only & cmd)) && is_short(spec[i].key))
			fprintf(f, "-%c%s\n", spec[i].key, spec[i].arg ? "=" : "");
}
