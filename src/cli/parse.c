// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <perf-prof/parse.h>
#include <perf-prof/tracefs.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int push(struct id_list *l, int *cap, int v)
{
	if (l->n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		int *nid = realloc(l->id, ncap * sizeof(int));

		if (!nid)
			return -1;
		l->id = nid;
		*cap = ncap;
	}
	l->id[l->n++] = v;
	return 0;
}

void id_list_sort_uniq(struct id_list *l)
{
	int i, j = 0;

	qsort(l->id, l->n, sizeof(int), cmp_int);
	for (i = 0; i < l->n; i++)
		if (j == 0 || l->id[j - 1] != l->id[i])
			l->id[j++] = l->id[i];
	l->n = j;
}

/* strict decimal: digits only, no sign, no overflow */
static int get_num(const char **p, long max, long *v)
{
	const char *s = *p;
	long x = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		x = x * 10 + (*s - '0');
		if (x > max)
			return -1;
		s++;
	}
	*p = s;
	*v = x;
	return 0;
}

/*
 * "a,b-c,...": ranges only when @ranges, values in [@min, @lim].  Returns
 * 0, -1 for bad syntax, or -2 with *@over set to a value above @lim.
 */
static int parse_list(const char *s, bool ranges, long min, long lim, struct id_list *out,
		      long *over)
{
	const char *p = s;
	long a, b, c;
	int cap = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return -1;
	for (;;) {
		if (get_num(&p, 0x7fffffff, &a) < 0 || a < min)
			goto bad;
		b = a;
		if (ranges && *p == '-') {
			p++;
			if (get_num(&p, 0x7fffffff, &b) < 0 || b < a)
				goto bad;
		}
		if (b > lim) {
			*over = b;
			id_list_free(out);
			return -2;
		}
		for (c = a; c <= b; c++)
			if (push(out, &cap, c) < 0)
				goto bad;
		if (*p == 0)
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	id_list_sort_uniq(out);
	return 0;
bad:
	id_list_free(out);
	return -1;
}

int parse_cpu_list(const char *s, int max, struct id_list *out, char *err, size_t errlen)
{
	long over;
	int r = parse_list(s, true, 0, max < (1 << 20) ? max : (1 << 20), out, &over);

	if (r == -2 && over <= (1 << 20))
		snprintf(err, errlen, "CPU %ld in '%s' is not online (online CPUs: 0-%d)",
			 over, s, max);
	else if (r < 0)
		snprintf(err, errlen, "invalid CPU list '%s' (expected e.g. 0-3,8)", s ? s : "");
	return r < 0 ? -1 : 0;
}

int parse_id_list(const char *s, const char *what, struct id_list *out, char *err, size_t errlen)
{
	long over;

	if (parse_list(s, false, 1, 0x7fffffff, out, &over) == 0)
		return 0;
	snprintf(err, errlen, "invalid %s list '%s' (expected e.g. 1234,5678)", what, s ? s : "");
	return -1;
}

/* number with optional fraction, then a unit from @units */
static int parse_scaled(const char *s, const char *what, const char *const *names,
			const uint64_t *mult, int nunits, uint64_t bare, uint64_t *out,
			char *err, size_t errlen)
{
	char *end;
	double v;
	int i;

	if (!s || !*s || !(isdigit((unsigned char)s[0]) || s[0] == '.'))
		goto bad;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		goto bad;
	if (*end == 0) {
		v *= bare;
	} else {
		for (i = 0; i < nunits; i++)
			if (strcasecmp(end, names[i]) == 0)
				break;
		if (i == nunits)
			goto bad;
		v *= mult[i];
	}
	if (v >= 18446744073709551615.0)
		goto bad;
	*out = (uint64_t)(v + 0.5);
	return 0;
bad:
	snprintf(err, errlen, "invalid %s '%s'", what, s ? s : "");
	return -1;
}

int parse_time_ns(const char *s, uint64_t *ns, char *err, size_t errlen)
{
	static const char *const names[] = { "s", "ms", "us", "ns" };
	static const uint64_t mult[] = { 1000000000ull, 1000000ull, 1000ull, 1ull };

	if (parse_scaled(s, "time", names, mult, 4, 1, ns, err, errlen) == 0)
		return 0;
	snprintf(err, errlen, "invalid time '%s' (expected a number with unit s, ms, us or ns)",
		 s ? s : "");
	return -1;
}

int parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	static const char *const names[] = { "GB", "MB", "KB", "B", "G", "M", "K" };
	static const uint64_t mult[] = { 1ull << 30, 1ull << 20, 1ull << 10, 1,
					 1ull << 30, 1ull << 20, 1ull << 10 };

	if (parse_scaled(s, "size", names, mult, 7, 1, bytes, err, errlen) == 0)
		return 0;
	snprintf(err, errlen, "invalid size '%s' (expected a number with unit GB, MB, KB or B)",
		 s ? s : "");
	return -1;
}

int parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max,
		unsigned long *v, char *err, size_t errlen)
{
	const char *p = s;
	long x;

	if (!s || get_num(&p, (long)max, &x) < 0 || *p || (unsigned long)x < min) {
		snprintf(err, errlen, "invalid %s '%s' (expected a number from %lu to %lu)",
			 what, s ? s : "", min, max);
		return -1;
	}
	*v = x;
	return 0;
}

int online_cpus(struct id_list *out, char *err, size_t errlen)
{
	char *buf = read_file("/sys/devices/system/cpu/online", NULL);
	int r;

	if (!buf) {
		snprintf(err, errlen, "cannot read /sys/devices/system/cpu/online: %s",
			 strerror(errno));
		return -1;
	}
	buf[strcspn(buf, "\n")] = 0;
	r = parse_cpu_list(buf, 1 << 20, out, err, errlen);
	free(buf);
	return r;
}

void id_list_free(struct id_list *l)
{
	free(l->id);
	l->id = NULL;
	l->n = 0;
}

int id_list_has(const struct id_list *l, int id)
{
	int lo = 0, hi = l->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (l->id[mid] == id)
			return 1;
		if (l->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}
