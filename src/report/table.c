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
#include <perf-prof/rips.h>
#include <perf-prof/subrows.h>
#include <perf-prof/table.h>
#include <perf-prof/tests-only.h>

#define NAME_LEN 64
#define SUB_INDENT "  "	/* a sub-row's name, under its row's */

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

void table_pct_name(double pct, char *buf, size_t len)
{
	int prec;

	for (prec = 6; prec < 17; prec++) {	/* %g first, as before */
		snprintf(buf, len, "%.*g", prec, pct);
		if (strtod(buf, NULL) == pct)
			return;
	}
	snprintf(buf, len, "%.17g", pct);
}

/* a percentile column's header: "p99(us)", "p99.9(us)" */
static void table_pct_header(double pct, char *buf, size_t len)
{
	char name[24];	/* %.17g of a double between 0 and 100 */

	table_pct_name(pct, name, sizeof(name));
	snprintf(buf, len, "p%.23s(us)", name);
}

void table_rest_name(uint32_t nrest, char *buf, size_t len)
{
	snprintf(buf, len, "(%u more)", nrest);
}

void table_split(const struct table_style *st, const struct lat_row *r, uint64_t *oncpu,
		 uint64_t *sched, uint64_t *vmm)
{
	*vmm = st->vmm ? r->vmm : 0;
	/* the VMM's part is the VMM's, on a CPU or not */
	*sched = st->sched ? r->sched - (st->vmm ? r->vmm_sched : 0) : 0;
	*oncpu = r->sum - *vmm - *sched;
}

struct sorted {
	struct lat_row *row;
	double val;		/* what --sort orders by, largest first */
	char name[NAME_LEN];
};

static int cmp_rows(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	if (x->val != y->val)
		return x->val > y->val ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The value @r is ordered by (0 for every row by name); counts of begin
 * events alone have no latency: by calls.
 */
static double sort_value(const struct table_style *st, struct lat_row *r)
{
	if (st->sort == SORT_NAME)
		return 0;
	if (st->counts)
		return (double)r->calls;
	switch (st->sort) {
	case SORT_CALLS: return (double)r->calls;
	case SORT_AVG: return (double)r->sum / (double)r->calls;
	case SORT_P99: return lat_row_quantile(r, 0.99);
	case SORT_MAX: return (double)r->max;
	default: return (double)r->sum;
	}
}

/* a sub-row's place: --sort's value; by name, the biggest by total (then by key) */
static double sub_value(void *arg, struct lat_row *r)
{
	const struct table_style *st = arg;

	return st->sort == SORT_NAME ? (double)r->sum : sort_value(st, r);
}

/* names that begin with a number (0x3f8 out, 0x80b x2APIC_EOI write) by it, then as text */
static int cmp_named(const void *pa, const void *pb)
{
	const struct sorted *x = pa, *y = pb;
	char *ex, *ey;
	unsigned long long a = strtoull(x->name, &ex, 0), b = strtoull(y->name, &ey, 0);

	if (ex != x->name && ey != y->name && a != b)
		return a < b ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* @k sub-rows of @top by name */
static void sort_by_name(const struct table_style *st, const struct lat_row **top, uint32_t k)
{
	struct sorted *v = malloc(sizeof(*v) * (k ? k : 1));
	uint32_t i;

	if (!v)
		abort();
	for (i = 0; i < k; i++) {
		v[i].row = (struct lat_row *)top[i];
		st->sub_name(st->sub_arg, top[i]->key, v[i].name, NAME_LEN);
	}
	qsort(v, k, sizeof(*v), cmp_named);
	for (i = 0; i < k; i++)
		top[i] = v[i].row;
	free(v);
}

int table_subrows(const struct table_style *st, const struct lat_row *r,
		  const struct lat_row **top, struct lat_row *rest, uint32_t *nrest)
{
	const struct lat_inst *sub = st->detail && st->subrows ? st->subrows(st->sub_arg, r) : NULL;
	struct tdigest *td = rest->td;
	uint32_t k;

	*nrest = 0;
	if (!sub)
		return 0;
	memset(rest, 0, sizeof(*rest));
	rest->td = td;
	tdigest_reset(td);
	k = lat_rows_top(sub, (uint32_t)st->detail, sub_value, (void *)st, top, rest, nrest);
	if (st->sort == SORT_NAME)
		sort_by_name(st, top, k);
	return (int)k;
}

/* the widest name of @r's sub-rows as printed, indent included */
static int sub_width(const struct table_style *st, const struct lat_row *r)
{
	const struct lat_row **top = malloc(sizeof(*top) * (st->detail + 1));
	struct lat_row rest = { .td = tdigest_new(10, NULL) };
	char name[NAME_LEN];
	uint32_t nrest;
	int k, i, w = 0;

	if (!top || !rest.td)
		abort();
	k = table_subrows(st, r, top, &rest, &nrest);
	for (i = 0; i < k; i++) {
		st->sub_name(st->sub_arg, top[i]->key, name, sizeof(name));
		if ((int)strlen(name) > w)
			w = (int)strlen(name);
	}
	table_rest_name(nrest, name, sizeof(name));
	if (nrest && (int)strlen(name) > w)
		w = (int)strlen(name);
	tdigest_free(rest.td);
	free(top);
	return w ? w + (int)strlen(SUB_INDENT) : 0;
}

/*
 * rows with calls in --sort's order (total, largest first), then by name;
 * *width: 20, or 32 when a name is longer, or as wide as the widest
 * sub-row beyond that
 */
static int sort_rows(const struct table_style *st, struct lat_inst *in, struct sorted **out,
		     int *width)
{
	struct sorted *v;
	int n = 0, i;

	*width = 20;
	v = malloc(sizeof(*v) * (in->nrows ? in->nrows : 1));
	if (!v)
		return 0;
	for (i = 0; i < (int)in->nrows; i++) {
		if (!in->rows[i].calls)
			continue;
		v[n].row = &in->rows[i];
		v[n].val = sort_value(st, &in->rows[i]);
		st->key_name(st->key_arg, in->rows[i].key, v[n].name, NAME_LEN);
		if (strlen(v[n].name) > 20 && *width < 32)
			*width = 32;
		if (st->detail) {
			int w = sub_width(st, v[n].row);

			if (w > 20 && *width < (w > 32 ? w : 32))
				*width = w > 32 ? w : 32;
		}
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_rows);
	*out = v;
	return n;
}

int table_sorted_rows(const struct table_style *st, struct lat_inst *in, struct lat_row ***rows)
{
	struct sorted *v;
	int n, i, w;

	n = sort_rows(st, in, &v, &w);
	*rows = malloc(sizeof(**rows) * (n ? n : 1));
	for (i = 0; *rows && i < n; i++)
		(*rows)[i] = v[i].row;
	free(v);
	return *rows ? n : 0;
}

static void rule(FILE *f, int w)
{
	fputc(' ', f);
	while (w-- > 0)
		fputc('-', f);
}

static void print_rips(FILE *f, const struct table_style *st, struct sorted *v, int n, int width)
{
	struct rip_ent *top = malloc(sizeof(*top) * st->top_rips);
	char name[128], line[4096];
	int i, j, k;

	if (!top)
		return;
	if (st->counts)
		fprintf(f, "%-*s %-40s %8s %8s", width, st->key_header, "guest_rip", "calls",
			"%calls");
	else
		fprintf(f, "%-*s %-40s %8s %16s %12s %12s", width, st->key_header, "guest_rip",
			"calls", "total(us)", "avg(us)", "max(us)");
	fputs(st->rip_line ? " source\n" : "\n", f);
	for (i = 0; i < width; i++)
		fputc('-', f);
	rule(f, 40);
	rule(f, 8);
	if (st->counts) {
		rule(f, 8);
	} else {
		rule(f, 16);
		rule(f, 12);
		rule(f, 12);
	}
	if (st->rip_line)
		rule(f, 6);
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		if (!v[i].row->rips)
			continue;
		k = rip_top(v[i].row->rips, top, st->top_rips);
		for (j = 0; j < k; j++) {
			if (st->rip_name)
				st->rip_name(st->rip_arg, top[j].rip, name, sizeof(name));
			else
				snprintf(name, sizeof(name), "%#lx", (unsigned long)top[j].rip);
			if (st->counts)	/* the share of the reason's exits */
				fprintf(f, "%-*s %-40s %8lu %8.2f", width, j == 0 ? v[i].name : "",
					name, (unsigned long)top[j].calls,
					100.0 * top[j].calls / v[i].row->calls);
			else
				fprintf(f, "%-*s %-40s %8lu %16.3f %12.3f %12.3f", width,
					j == 0 ? v[i].name : "", name, (unsigned long)top[j].calls,
					top[j].sum / 1000.0, (double)top[j].sum / top[j].calls / 1000.0,
					top[j].max / 1000.0);
			if (st->rip_line) {
				st->rip_line(st->rip_arg, top[j].rip, line, sizeof(line));
				fprintf(f, " %s", line);
			}
			fputc('\n', f);
		}
	}
	free(top);
}

/*
 * Counts of begin events alone: calls, their share of the instance's
 * calls, and the share of them from guest kernel mode.
 */
static void print_counts(FILE *f, const struct table_style *st, struct sorted *v, int n,
			 int width)
{
	uint64_t all = 0;
	int i;

	for (i = 0; i < n; i++)
		all += v[i].row->calls;
	fprintf(f, "%-*s %8s %8s %12s\n", width, st->key_header, "calls", "%calls",
		st->extra_header);
	for (i = 0; i < width; i++)
		fputc('-', f);
	rule(f, 8);
	rule(f, 8);
	rule(f, 12);
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		const struct lat_row *r = v[i].row;

		fprintf(f, "%-*s %8lu %8.2f %12.2f\n", width, v[i].name, (unsigned long)r->calls,
			100.0 * r->calls / all, 100.0 * r->extra / r->calls);
	}
}

/* the header line and the dashed rule of the latency columns */
static void print_header(FILE *f, const struct table_style *st, int width)
{
	char hdr[32];
	int i, k;

	fprintf(f, "%-*s %8s %16s %12s %12s", width, st->key_header, "calls", "total(us)",
		"min(us)", "avg(us)");
	for (k = 0; k < st->npct; k++) {
		table_pct_header(st->pct[k], hdr, sizeof(hdr));
		fprintf(f, " %12s", hdr);
	}
	fprintf(f, " %12s %6s", "max(us)", st->extra_header);
	if (st->sched)
		fprintf(f, " %16s %16s %6s", "oncpu(us)", "sched(us)", "%sched");
	if (st->vmm)
		fprintf(f, " %8s %16s %6s", "vmm", "vmm(us)", "%vmm");
	fputc('\n', f);
	for (i = 0; i < width; i++)
		fputc('-', f);
	rule(f, 8);
	rule(f, 16);
	for (k = 0; k < 3 + st->npct; k++)
		rule(f, 12);
	rule(f, 6);
	if (st->sched) {
		rule(f, 16);
		rule(f, 16);
		rule(f, 6);
	}
	if (st->vmm) {
		rule(f, 8);
		rule(f, 16);
		rule(f, 6);
	}
	fputc('\n', f);
}

static double pct_of(uint64_t part, uint64_t all)
{
	return all ? 100.0 * part / all : 0.0;
}

/* one row: a reason's, a sub-row, the sub-rows summed */
static void print_row(FILE *f, const struct table_style *st, int width, const char *indent,
		      const char *name, struct lat_row *r)
{
	uint64_t oncpu, sched, vmm;
	int k;

	fprintf(f, "%s%-*s %8lu %16.3f %12.3f %12.3f", indent, width - (int)strlen(indent), name,
		(unsigned long)r->calls, r->sum / 1000.0, r->min / 1000.0,
		(double)r->sum / r->calls / 1000.0);
	for (k = 0; k < st->npct; k++)
		fprintf(f, " %12.3f", lat_row_quantile(r, st->pct[k] / 100.0) / 1000.0);
	fprintf(f, " %12.3f", r->max / 1000.0);
	if (st->extra_percent)
		fprintf(f, " %6.2f", pct_of(r->extra, r->sum));
	else
		fprintf(f, " %6lu", (unsigned long)r->extra);
	table_split(st, r, &oncpu, &sched, &vmm);
	if (st->sched)
		fprintf(f, " %16.3f %16.3f %6.2f", oncpu / 1000.0, sched / 1000.0,
			pct_of(sched, r->sum));
	if (st->vmm)
		fprintf(f, " %8lu %16.3f %6.2f", (unsigned long)r->vmm_calls, vmm / 1000.0,
			pct_of(vmm, r->sum));
	fputc('\n', f);
}

/* the sub-rows under @r (--detail) */
static void print_subrows(FILE *f, const struct table_style *st, int width,
			  const struct lat_row *r, const struct lat_row **top, struct lat_row *rest)
{
	char name[NAME_LEN];
	uint32_t nrest;
	int k, i;

	k = table_subrows(st, r, top, rest, &nrest);
	for (i = 0; i < k; i++) {
		st->sub_name(st->sub_arg, top[i]->key, name, sizeof(name));
		print_row(f, st, width, SUB_INDENT, name, (struct lat_row *)top[i]);
	}
	if (nrest) {
		table_rest_name(nrest, name, sizeof(name));
		print_row(f, st, width, SUB_INDENT, name, rest);
	}
}

int table_print(FILE *f, const struct table_style *st, struct lat_inst *in, const char *label)
{
	const struct lat_row **top = NULL;
	struct lat_row rest = { 0 };
	struct sorted *v;
	int n, i, width;

	n = sort_rows(st, in, &v, &width);
	if (!n) {
		free(v);
		return 0;
	}
	fprintf(f, "%s%s%s\n", st->title, label ? " " : "", label ? label : "");
	if (st->counts) {
		print_counts(f, st, v, n, width);
		goto rips;
	}
	print_header(f, st, width);
	if (st->detail) {
		top = malloc(sizeof(*top) * st->detail);
		rest.td = tdigest_new(100, NULL);
		if (!top || !rest.td)
			abort();
	}
	for (i = 0; i < n; i++) {
		print_row(f, st, width, "", v[i].name, v[i].row);
		if (st->detail)
			print_subrows(f, st, width, v[i].row, top, &rest);
	}
	tdigest_free(rest.td);
	free(top);
rips:
	if (st->top_rips)
		print_rips(f, st, v, n, width);
	free(v);
	return n;
}
