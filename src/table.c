// SPDX-License-Identifier: GPL-2.0-only
/*
 * Layout follows perf-prof's kvm-exit output (seed 000), widened by the
 * percentile columns: name %-20s (32 when a name is longer), calls %8lu,
 * total %16.3f, min/avg/pXX/max %12.3f, extra %6.2f (or %6lu).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <perf-prof/table.h>

#define NAME_LEN 64

void table_print_time_inline(FILE *f, uint64_t realtime_ns)
{
	time_t sec = realtime_ns / 1000000000ull;
	struct tm tm;
	char buf[32];

	localtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s.%06u", buf, (unsigned)(realtime_ns % 1000000000ull / 1000));
}

void table_print_time(FILE *f, uint64_t realtime_ns)
{
	table_print_time_inline(f, realtime_ns);
	fputs(" \n", f);
}

void table_pct_header(double pct, char *buf, size_t len)
{
	snprintf(buf, len, "p%g(us)", pct);
}

struct sorted {
	struct lat_row *row;
	char name[NAME_LEN];
};

static int cmp_rows(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	if (x->row->sum != y->row->sum)
		return x->row->sum > y->row->sum ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void rule(FILE *f, int w)
{
	while (w-- > 0)
		fputc('-', f);
}

int table_print(FILE *f, const struct table_style *st, struct lat_inst *in, const char *label)
{
	struct sorted *v;
	int n = 0, i, k, width = 20;
	char hdr[32];

	v = malloc(sizeof(*v) * (in->nrows ? in->nrows : 1));
	if (!v)
		return 0;
	for (i = 0; i < (int)in->nrows; i++) {
		if (!in->rows[i].calls)
			continue;
		v[n].row = &in->rows[i];
		st->key_name(in->rows[i].key, v[n].name, NAME_LEN);
		if (strlen(v[n].name) > 20)
			width = 32;
		n++;
	}
	if (!n) {
		free(v);
		return 0;
	}
	qsort(v, n, sizeof(*v), cmp_rows);

	fprintf(f, "%s%s%s\n", st->title, label ? " " : "", label ? label : "");
	fprintf(f, "%-*s %8s %16s %12s %12s", width, st->key_header, "calls", "total(us)",
		"min(us)", "avg(us)");
	for (k = 0; k < st->npct; k++) {
		table_pct_header(st->pct[k], hdr, sizeof(hdr));
		fprintf(f, " %12s", hdr);
	}
	fprintf(f, " %12s %6s\n", "max(us)", st->extra_header);
	rule(f, width);
	fputs(" --------", f);
	fputs(" ----------------", f);
	for (k = 0; k < 3 + st->npct; k++)
		fputs(" ------------", f);
	fputs(" ------\n", f);

	for (i = 0; i < n; i++) {
		struct lat_row *r = v[i].row;

		fprintf(f, "%-*s %8lu %16.3f %12.3f %12.3f", width, v[i].name,
			(unsigned long)r->calls, r->sum / 1000.0, r->min / 1000.0,
			(double)r->sum / r->calls / 1000.0);
		for (k = 0; k < st->npct; k++)
			fprintf(f, " %12.3f", td_quantile(r->td, st->pct[k] / 100.0) / 1000.0);
		fprintf(f, " %12.3f", r->max / 1000.0);
		if (st->extra_percent)
			fprintf(f, " %6.2f\n", r->sum ? 100.0 * r->extra / r->sum : 0.0);
		else
			fprintf(f, " %6lu\n", (unsigned long)r->extra);
	}
	free(v);
	return n;
}
