// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus exposition: text format 0.0.4, and OpenMetrics 1.0.0
 * for a scraper that asks for it.  The two differ in their metadata
 * only: OpenMetrics names a counter's family without _total, calls
 * build_info an info family, may give a unit, and ends with # EOF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <perf-prof/promtext.h>
#include <perf-prof/tests-only.h>

const uint64_t prom_le_ns[32] = {
	1000ull, 1778ull, 3162ull, 5623ull,
	10000ull, 17780ull, 31620ull, 56230ull,
	100000ull, 177800ull, 316200ull, 562300ull,
	1000000ull, 1778000ull, 3162000ull, 5623000ull,
	10000000ull, 17780000ull, 31620000ull, 56230000ull,
	100000000ull, 177800000ull, 316200000ull, 562300000ull,
	1000000000ull, 1778000000ull, 3162000000ull, 5623000000ull,
	10000000000ull,
	UINT64_MAX, UINT64_MAX, UINT64_MAX,
};

const uint8_t prom_log2_bucket[64] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 7,
	8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 25, 26,
	27, 28, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29,
	29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29,
};

/*
 * Written out rather than printed from the bounds, so that every host,
 * whatever its libc, exposes the very same label values (a series is its
 * label values: "1e-06" and "0.000001" would be two series).  This is
 * the shortest form, as Go's Prometheus clients print it.
 */
static const char *const le_str[PROM_NBUCKETS] = {
	"1e-06", "1.778e-06", "3.162e-06", "5.623e-06",
	"1e-05", "1.778e-05", "3.162e-05", "5.623e-05",
	"0.0001", "0.0001778", "0.0003162", "0.0005623",
	"0.001", "0.001778", "0.003162", "0.005623",
	"0.01", "0.01778", "0.03162", "0.05623",
	"0.1", "0.1778", "0.3162", "0.5623",
	"1", "1.778", "3.162", "5.623",
	"10", "+Inf",
};

const char *prom_le_str(unsigned i)
{
	return i < PROM_NBUCKETS ? le_str[i] : "+Inf";
}

/* ---------------------------------------------------------------- labels */

/* length of the valid UTF-8 sequence at @s (of @n bytes), 0 if invalid */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and past U+10FFFF are not UTF-8 */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int prom_label(char *buf, size_t size, size_t *pos, const char *name, const char *value)
{
	const unsigned char *v = (const unsigned char *)value;
	size_t p = *pos, n = strlen(value), i = 0, k;
	int w;

	w = snprintf(buf + p, size - p, "%s%s=\"", p ? "," : "", name);
	if (w < 0 || (size_t)w >= size - p)
		goto full;
	p += w;
	while (i < n) {
		const char *esc = NULL;
		char one[4];

		k = utf8_len(v + i, n - i);
		if (k == 0) {
			esc = "\xef\xbf\xbd";	/* U+FFFD for a byte that is not UTF-8 */
			k = 1;
		} else if (v[i] == '\\') {
			esc = "\\\\";
		} else if (v[i] == '"') {
			esc = "\\\"";
		} else if (v[i] == '\n') {
			esc = "\\n";
		} else {
			memcpy(one, v + i, k);
			one[k] = 0;
			esc = one;
		}
		if (p + strlen(esc) + 2 > size)	/* room for the closing quote and NUL */
			goto full;
		memcpy(buf + p, esc, strlen(esc));
		p += strlen(esc);
		i += k;
	}
	buf[p++] = '"';
	buf[p] = 0;
	*pos = p;
	return 0;
full:
	buf[*pos] = 0;
	return -1;
}

int prom_qemu_name(const char *cmdline, size_t len, char *out, size_t outlen)
{
	const char *p = cmdline, *end = cmdline + len, *val = NULL;
	bool first = true;
	int found = -1;

	while (p < end) {
		size_t l = strnlen(p, end - p);

		if ((!strcmp(p, "-name") || !strcmp(p, "--name")) && p + l + 1 < end)
			val = p + l + 1;
		p += l + 1;
	}
	if (!val || !outlen)
		return -1;
	/* options split at a single comma; ",," is a comma of the value */
	for (p = val;; p++) {
		char opt[256];
		size_t o = 0;

		for (; *p && (*p != ',' || p[1] == ','); p++) {
			if (*p == ',')
				p++;
			if (o + 1 < sizeof(opt))
				opt[o++] = *p;
		}
		opt[o] = 0;
		if (!strncmp(opt, "guest=", 6) && opt[6]) {
			snprintf(out, outlen, "%s", opt + 6);
			return 0;
		}
		if (first && opt[0] && !strchr(opt, '=')) {
			snprintf(out, outlen, "%s", opt);
			found = 0;
		}
		first = false;
		if (!*p)
			return found;
	}
}

/* ---------------------------------------------------------------- formats */

enum prom_format prom_negotiate(const char *accept)
{
	double q_om = -1, q_text = -1, q_any = -1;
	const char *p = accept;

	if (!accept)
		return PROM_TEXT;
	/* media-range *(";" param) *("," media-range ...), each with its q */
	while (*p) {
		size_t n = strcspn(p, ",");
		char range[256];
		char *semi, *q, *type;
		double qv = 1;

		snprintf(range, sizeof(range), "%.*s", (int)(n < 255 ? n : 255), p);
		p += n;
		if (*p == ',')
			p++;
		semi = strchr(range, ';');
		for (q = semi; q; q = strchr(q + 1, ';')) {
			char *s = q + 1;

			while (*s == ' ' || *s == '\t')
				s++;
			if ((s[0] == 'q' || s[0] == 'Q') && s[1] == '=')
				qv = strtod(s + 2, NULL);
		}
		if (semi)
			*semi = 0;
		type = range;
		while (*type == ' ' || *type == '\t')
			type++;
		type[strcspn(type, " \t")] = 0;
		if (!strcasecmp(type, "application/openmetrics-text")) {
			if (qv > q_om)
				q_om = qv;
		} else if (!strcasecmp(type, "text/plain")) {
			if (qv > q_text)
				q_text = qv;
		} else if (!strcasecmp(type, "*/*") || !strcasecmp(type, "text/*")) {
			if (qv > q_any)
				q_any = qv;
		}
	}
	if (q_text < 0)
		q_text = q_any;
	return q_om > 0 && q_om >= q_text ? PROM_OPENMETRICS : PROM_TEXT;
}

const char *prom_content_type(enum prom_format f)
{
	return f == PROM_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
				     : "text/plain; version=0.0.4; charset=utf-8";
}

/*
 * The metadata of one family.  @family is the OpenMetrics name (a
 * counter's without _total, build_info's without _info); text 0.0.4
 * names the family like its samples.
 */
static void meta(FILE *f, enum prom_format fmt, const char *family, const char *type,
		 const char *unit, const char *help)
{
	const char *suffix = "";

	if (fmt == PROM_OPENMETRICS) {
		fprintf(f, "# TYPE %s %s\n", family, type);
		if (unit)
			fprintf(f, "# UNIT %s %s\n", family, unit);
		fprintf(f, "# HELP %s %s\n", family, help);
		return;
	}
	if (!strcmp(type, "counter"))
		suffix = "_total";
	else if (!strcmp(type, "info"))
		suffix = "_info", type = "gauge";
	fprintf(f, "# HELP %s%s %s\n", family, suffix, help);
	fprintf(f, "# TYPE %s%s %s\n", family, suffix, type);
}

/* ns as seconds, exactly */
static void seconds(FILE *f, uint64_t ns)
{
	fprintf(f, "%lu.%09lu", (unsigned long)(ns / 1000000000ull),
		(unsigned long)(ns % 1000000000ull));
}

char *prom_render(const struct prom_snap *s, const struct prom_info *info,
		  enum prom_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	uint32_t i;
	unsigned b;

	if (!f)
		return NULL;
	meta(f, fmt, "perf_prof_latency_seconds", "histogram", "seconds",
	     "Latency from a begin event to the end event of the same thread "
	     "(kvm_exit to kvm_entry, sys_enter to sys_exit), cumulative since start.");
	for (i = 0; i < s->n; i++) {
		const struct prom_row *r = &s->rows[i];
		uint64_t cum = 0;

		for (b = 0; b < PROM_NBUCKETS; b++) {
			cum += r->h.bucket[b];
			fprintf(f, "perf_prof_latency_seconds_bucket{%s,le=\"%s\"} %lu\n", r->labels,
				le_str[b], (unsigned long)cum);
		}
		fprintf(f, "perf_prof_latency_seconds_sum{%s} ", r->labels);
		seconds(f, r->h.sum_ns);
		fprintf(f, "\nperf_prof_latency_seconds_count{%s} %lu\n", r->labels,
			(unsigned long)cum);
	}
	meta(f, fmt, "perf_prof_lost_records", "counter", NULL,
	     "Ring-buffer records the kernel could not write because the reader fell behind.");
	fprintf(f, "perf_prof_lost_records_total{%s} %lu\n", info->profiler,
		(unsigned long)s->lost);
	meta(f, fmt, "perf_prof_dropped_pairs", "counter", NULL,
	     "Begin events left unpaired because a lost-record gap or a record too late "
	     "to sort could have hidden their end.");
	fprintf(f, "perf_prof_dropped_pairs_total{%s} %lu\n", info->profiler,
		(unsigned long)s->dropped);
	meta(f, fmt, "perf_prof_build", "info", NULL,
	     "The perf-prof version and the kernel release it runs on (value 1).");
	fprintf(f, "perf_prof_build_info{%s} 1\n", info->build);
	if (fmt == PROM_OPENMETRICS)
		fputs("# EOF\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
