// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <perf-prof/parse.h>

int parse_cpu_list(const char *s, int max, struct id_list *out, char *err, size_t errlen)
{
	long over;
	int r = id_list_parse(s, 1, 0, max < (1 << 20) ? max : (1 << 20), out, &over);

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

	if (id_list_parse(s, 0, 1, 0x7fffffff, out, &over) == 0)
		return 0;
	snprintf(err, errlen, "invalid %s list '%s' (expected e.g. 1234,5678)", what, s ? s : "");
	return -1;
}

/*
 * The one number of every value with a unit or a fraction: decimal
 * digits with an optional fraction ("12", "1.5", ".5"); no sign, no
 * exponent, no hex, no space.  The rest of @s is left in *@end.
 */
static int parse_decimal(const char *s, const char **end, double *v)
{
	const char *p = s;
	char buf[64];
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits || (size_t)(p - s) >= sizeof(buf))
		return -1;
	/* strtod() of the checked digits alone: correctly rounded, as labels expect */
	memcpy(buf, s, (size_t)(p - s));
	buf[p - s] = 0;
	*v = strtod(buf, NULL);
	*end = p;
	return 0;
}

/* a decimal number, then nothing or a unit from @names (any case) */
static int parse_scaled(const char *s, const char *const *names, const uint64_t *mult,
			int nunits, uint64_t bare, uint64_t *out)
{
	const char *end;
	double v;
	int i;

	if (!s || parse_decimal(s, &end, &v) < 0)
		return -1;
	if (*end == 0) {
		v *= bare;
	} else {
		for (i = 0; i < nunits; i++)
			if (strcasecmp(end, names[i]) == 0)
				break;
		if (i == nunits)
			return -1;
		v *= mult[i];
	}
	if (v >= 18446744073709551615.0)
		return -1;
	*out = (uint64_t)(v + 0.5);
	return 0;
}

int parse_time(const char *s, uint64_t bare_ns, uint64_t *ns, char *err, size_t errlen)
{
	static const char *const names[] = { "s", "ms", "us", "ns", "sec", "msec", "usec", "nsec" };
	static const uint64_t mult[] = { 1000000000ull, 1000000ull, 1000ull, 1ull,
					 1000000000ull, 1000000ull, 1000ull, 1ull };

	if (parse_scaled(s, names, mult, 8, bare_ns, ns) == 0)
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

	if (parse_scaled(s, names, mult, 7, 1, bytes) == 0)
		return 0;
	snprintf(err, errlen, "invalid size '%s' (expected a number with unit GB, MB, KB or B)",
		 s ? s : "");
	return -1;
}

int parse_number_list(const char *s, double *v, int max, int *n)
{
	const char *p = s, *end;

	*n = 0;
	if (!s)
		return -1;
	for (;;) {
		/* an item each side of every comma: "50," and ",50" are not lists */
		if (*n == max || parse_decimal(p, &end, &v[*n]) < 0)
			return -1;
		(*n)++;
		if (*end == 0)
			return 0;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
}

int parse_ulong(const char *s, const char *what, unsigned long min, unsigned long max,
		unsigned long *v, char *err, size_t errlen)
{
	const char *p = s;
	long x;

	if (!s || id_parse_num(&p, (long)max, &x) < 0 || *p || (unsigned long)x < min) {
		snprintf(err, errlen, "invalid %s '%s' (expected a number from %lu to %lu)",
			 what, s ? s : "", min, max);
		return -1;
	}
	*v = x;
	return 0;
}

int parse_hex(const char *s, uint64_t *v)
{
	const char *p = s;
	uint64_t x = 0;
	int n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; *p; p++, n++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

		if (d < 0 || n == 16)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (!n)
		return -1;
	*v = x;
	return 0;
}
