// SPDX-License-Identifier: GPL-2.0-only
/*
 * Option tables (opttable.h): getopt_long's tables made from one, argv
 * parsed into the destinations it names, the --help lines it holds.
 */
#include <stdint.h>
#include <string.h>
#include <perf-prof/opttable.h>
#include <perf-prof/suggest.h>
#include <perf-prof/parse.h>

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
		t->longopts[i].has_arg = !spec[i].arg ? no_argument :
					 spec[i].defval ? optional_argument : required_argument;
		t->longopts[i].flag = NULL;
		t->longopts[i].val = OPT_LONG + i;
		if (is_short(spec[i].key) && spec[i].help && !strchr(t->shortopts, spec[i].key)) {
			*s++ = (char)spec[i].key;
			if (spec[i].arg)
				*s++ = ':';
			if (spec[i].arg && spec[i].defval)
				*s++ = ':';
		}
	}
}

const struct opt_spec *opt_find(const struct opt_spec *spec, int n, int key)
{
	int i;

	if (key >= OPT_LONG && key < OPT_LONG + n) {
		if (spec[key - OPT_LONG].help || !spec[key - OPT_LONG].key)
			return &spec[key - OPT_LONG];
		key = spec[key - OPT_LONG].key;		/* an alias */
	}
	for (i = 0; i < n; i++)
		if (spec[i].key == key && spec[i].help)
			return &spec[i];
	return NULL;
}

/* ---------------------------------------------------------------- values */

int opt_string(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen)
{
	*(const char **)dst = arg;
	return 0;
}

int opt_path(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "--%s needs a file name", o->name);
		return -1;
	}
	*(const char **)dst = arg;
	return 0;
}

int opt_count(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen)
{
	unsigned long v;

	if (parse_ulong(arg, o->what, o->min, o->max, &v, err, errlen) < 0)
		return -1;
	*(uint64_t *)dst = v;
	return 0;
}

/* "ms" for a bare number of 1000000 ns */
static const char *unit_name(unsigned long ns)
{
	return ns == 1000000000 ? "s" : ns == 1000000 ? "ms" : ns == 1000 ? "us" : "ns";
}

int opt_time(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen)
{
	uint64_t ns;

	if (parse_time(arg, o->unit, &ns, err, errlen) < 0 && !o->max)
		return -1;
	if (o->max && (parse_time(arg, o->unit, &ns, err, errlen) < 0 || ns < o->min ||
		       ns > o->max)) {
		snprintf(err, errlen, "invalid %s '%s' (expected %lu to %lu %s, or a number with "
			 "unit s, ms, us or ns)", o->what, arg, o->min / o->unit, o->max / o->unit,
			 unit_name(o->unit));
		return -1;
	}
	*(uint64_t *)dst = ns;
	return 0;
}

int opt_size(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_size(arg, &v, err, errlen) < 0)
		return -1;
	if (v < o->min) {
		snprintf(err, errlen, "--%s must be at least %luKB", o->name, o->min >> 10);
		return -1;
	}
	*(uint64_t *)dst = v;
	return 0;
}

int opt_hex(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen)
{
	if (parse_hex(arg, (uint64_t *)dst) == 0)
		return 0;
	snprintf(err, errlen, "invalid --%s '%s' (a hex number, e.g. 0x1e200000)", o->name, arg);
	return -1;
}

/* ---------------------------------------------------------------- argv */

/* getopt_long's word for a bad option */
/*
 * An unknown long option @typed ("--intervall=5"): the option it begins,
 * when several do (ambiguous), or the one it most likely meant
 */
void opt_unknown(const struct opt_spec *spec, int n, const char *typed, char *err,
		 size_t errlen)
{
	const char *names[OPT_MAX], *meant;
	char name[64];
	size_t len, at;
	int i, k = 0, begun = 0;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(typed + 2, "="), typed + 2);
	len = strlen(name);
	for (i = 0; i < n && k < OPT_MAX; i++)
		if (spec[i].help && spec[i].name && (names[k++] = spec[i].name) &&
		    !strncmp(spec[i].name, name, len))
			begun++;
	if (begun > 1 && len) {
		at = (size_t)snprintf(err, errlen, "option '--%s' is ambiguous:", name);
		for (i = 0; i < k && at < errlen; i++)
			if (!strncmp(names[i], name, len))
				at += (size_t)snprintf(err + at, errlen - at, " --%s", names[i]);
		return;
	}
	meant = suggest(name, names, (size_t)k);
	if (meant)
		snprintf(err, errlen, "unknown option '--%s'; did you mean '--%s'?", name, meant);
	else
		snprintf(err, errlen, "unknown option '--%s'", name);
}

static void bad_option(const struct opt_spec *spec, int n, char **argv, int key, char *err,
		       size_t errlen)
{
	const char *typed = argv[optind - 1];

	if (key == ':')
		snprintf(err, errlen, "option '%s' needs a value", typed);
	else if (optopt && optopt < OPT_LONG)
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else if (!strncmp(typed, "--", 2))
		opt_unknown(spec, n, typed, err, errlen);
	else
		snprintf(err, errlen, "unknown option '%s'", typed);
}

void opt_name(const struct opt_spec *o, char *buf, size_t len)
{
	if (is_short(o->key))
		snprintf(buf, len, "-%c (--%s)", o->key, o->name);
	else
		snprintf(buf, len, "--%s", o->name);
}

/* one option given: its value into its destination */
static int take(const struct opt_spec *o, const char *arg, char *base, char *err,
		size_t errlen)
{
	if (o->seen)
		*(bool *)(base + o->seen - 1) = true;
	if (!arg && o->defval)
		arg = o->defval;
	if (o->parse)
		return o->parse(o, arg, base + o->dst, err, errlen);
	if (o->incr)
		++*(int *)(base + o->dst);
	else
		*(bool *)(base + o->dst) = true;
	return 0;
}

/* does option word @w take its value from the next word? */
static bool value_follows(const struct opt_spec *spec, int n, const char *w)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!spec[i].arg)
			continue;
		if (w[1] == '-' && !strcmp(w + 2, spec[i].name))
			return true;
		/* "-p" alone, or a cluster ending in it ("-vp") */
		if (w[1] != '-' && is_short(spec[i].key) && w[strlen(w) - 1] == spec[i].key &&
		    strspn(w + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
		    strlen(w + 1))
			return true;
	}
	return false;
}

int opt_command_at(const struct opt_spec *spec, int n, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i;
		if (argv[i][0] == '-' && argv[i][1] && value_follows(spec, n, argv[i]))
			i++;
	}
	return argc;
}

int opt_parse(const struct opt_spec *spec, int n, int argc, char **argv, void *base,
	      bool *given, int *optind_out, char *err, size_t errlen)
{
	struct opt_tables t;
	int key;

	opt_tables(spec, n, &t);
	optind = 1;
	opterr = 0;
	while ((key = getopt_long(argc, argv, t.shortopts, t.longopts, NULL)) != -1) {
		const struct opt_spec *o = opt_find(spec, n, key);

		if (key == ':' || key == '?' || !o) {
			bad_option(spec, n, argv, key, err, errlen);
			return -1;
		}
		if (!strcmp(o->name, "help"))
			return 1;
		/* a value given twice: which one was meant? */
		if (o->arg && given[o - spec]) {
			char name[64];

			opt_name(o, name, sizeof(name));
			snprintf(err, errlen, "%s given twice (it takes one value)", name);
			return -1;
		}
		given[o - spec] = true;
		if (take(o, optarg, base, err, errlen) < 0)
			return -1;
	}
	*optind_out = optind;
	return 0;
}

/* ---------------------------------------------------------------- --help */

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

/* the --help lines of @o: its names, then its help text in its column */
static void help_entry(FILE *f, const struct opt_spec *o, const char *const *vars)
{
	const char *h = o->help;
	int w;

	if (is_short(o->key))
		w = fprintf(f, "  -%c, --%s", o->key, o->name);
	else
		w = fprintf(f, "      --%s", o->name);
	if (o->arg)
		w += fprintf(f, o->defval ? "[=%s]" : "=%s", o->arg);
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

/* listed for command @cmd: not an alias, and applies to it */
static bool listed(const struct opt_spec *o, unsigned cmd)
{
	return o->help && (!o->only || (o->only & cmd));
}

void opt_help(FILE *f, const struct opt_spec *spec, int n, unsigned cmd,
	      const char *const *vars)
{
	int i;

	for (i = 0; i < n; i++)
		if (listed(&spec[i], cmd))
			help_entry(f, &spec[i], vars);
}

void opt_help_sections(FILE *f, const struct opt_spec *spec, int n, unsigned cmd,
		       const char *const *vars, const char *const *titles, int nsec)
{
	int i, k;

	for (k = 0; k < nsec; k++) {
		bool head = false;

		for (i = 0; i < n; i++) {
			if (!listed(&spec[i], cmd) || spec[i].section != k)
				continue;
			/* a heading with nothing under it for this command is left out */
			if (!head)
				fprintf(f, "\n%s:\n", titles[k]);
			head = true;
			help_entry(f, &spec[i], vars);
		}
	}
}

void opt_list(FILE *f, const struct opt_spec *spec, int n, unsigned cmd)
{
	int i;

	for (i = 0; i < n; i++)
		if (listed(&spec[i], cmd))	/* --detail[=N]: bare */
			fprintf(f, "--%s%s\n", spec[i].name, spec[i].arg && !spec[i].defval ? "=" : "");
	for (i = 0; i < n; i++)
		if (listed(&spec[i], cmd) && is_short(spec[i].key))
			fprintf(f, "-%c%s\n", spec[i].key, spec[i].arg ? "=" : "");
}
