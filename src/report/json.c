// SPDX-License-Identifier: GPL-2.0-only
/*
 * Machine-readable intervals for a fleet's metrics pipeline: the same
 * numbers as the table, microseconds as numbers, one object per line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/json.h>

/* @s as a JSON string literal */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void pct_key(double pct, char *buf, size_t len)
{
	char name[24];	/* %.17g of a double between 0 and 100 */

	table_pct_name(pct, name, sizeof(name));
	snprintf(buf, len, "p%.23s_us", name);
}

/* a row's latency fields, after its name */
static void json_fields(FILE *f, const struct table_style *st, struct lat_row *r)
{
	uint64_t oncpu, sched, vmm;
	char key[32];
	int k;

	fprintf(f, ",\"calls\":%lu,\"total_us\":%.3f,\"min_us\":%.3f,\"avg_us\":%.3f",
		(unsigned long)r->calls, r->sum / 1000.0, r->min / 1000.0,
		(double)r->sum / r->calls / 1000.0);
	for (k = 0; k < st->npct; k++) {
		pct_key(st->pct[k], key, sizeof(key));
		fprintf(f, ",\"%s\":%.3f", key, lat_row_quantile(r, st->pct[k] / 100.0) / 1000.0);
	}
	fprintf(f, ",\"max_us\":%.3f", r->max / 1000.0);
	if (st->extra_percent)
		fprintf(f, ",\"gsys_pct\":%.2f", r->sum ? 100.0 * r->extra / r->sum : 0.0);
	else
		fprintf(f, ",\"%s\":%lu", st->extra_header, (unsigned long)r->extra);
	table_split(st, r, &oncpu, &sched, &vmm);
	if (st->sched)
		fprintf(f, ",\"oncpu_us\":%.3f,\"sched_us\":%.3f", oncpu / 1000.0, sched / 1000.0);
	if (st->vmm)
		fprintf(f, ",\"vmm_calls\":%lu,\"vmm_us\":%.3f,\"vmm_pct\":%.2f",
			(unsigned long)r->vmm_calls, vmm / 1000.0,
			r->sum ? 100.0 * vmm / r->sum : 0.0);
}

/* --detail: "detail":[{"key":..., fields}, ...] of the row's sub-rows */
static void json_subrows(FILE *f, const struct table_style *st, const struct lat_row *r,
			 const struct lat_row **top, struct lat_row *rest)
{
	char name[64];
	uint32_t nrest;
	int k, i;

	k = table_subrows(st, r, top, rest, &nrest);
	if (!k && !nrest)
		return;
	fputs(",\"detail\":[", f);
	for (i = 0; i < k; i++) {
		st->sub_name(st->sub_arg, top[i]->key, name, sizeof(name));
		fputs(i ? ",{\"key\":" : "{\"key\":", f);
		json_string(f, name);
		json_fields(f, st, (struct lat_row *)top[i]);
		fputc('}', f);
	}
	if (nrest) {
		table_rest_name(nrest, name, sizeof(name));
		fputs(k ? ",{\"key\":" : "{\"key\":", f);
		json_string(f, name);
		fprintf(f, ",\"keys\":%u", nrest);
		json_fields(f, st, rest);
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_head(FILE *f, const struct table_style *st, const struct json_head *h)
{
	fputs("{\"time\":", f);
	json_string(f, h->time);
	fprintf(f, ",\"time_ns\":%lu,\"title\":", (unsigned long)h->time_ns);
	json_string(f, st->title);
	fprintf(f, ",\"instance\":{\"type\":\"%s\"", h->inst_type);
	if (h->inst_id >= 0)
		fprintf(f, ",\"id\":%ld", (long)h->inst_id);
	if (h->vcpu >= 0)
		fprintf(f, ",\"vcpu\":%ld", (long)h->vcpu);
	if (h->name) {
		fprintf(f, ",\"pid\":%ld,\"name\":", (long)h->pid);
		json_string(f, h->name);
	}
	if (h->cgroup) {
		fputs(",\"cgroup\":", f);
		json_string(f, h->cgroup);
	}
	fprintf(f, "},\"lost\":%lu,\"rows\":[", (unsigned long)h->lost);
}

void json_print(FILE *f, const struct table_style *st, struct lat_inst *in,
		const struct json_head *h)
{
	const struct lat_row **top = NULL;
	struct lat_row rest = { 0 }, **rows = NULL;
	char name[64];
	uint64_t all = 0;
	int n, i;

	n = in ? table_sorted_rows(st, in, &rows) : 0;
	if (in && !n) {
		free(rows);
		return;
	}
	if (st->detail) {
		top = malloc(sizeof(*top) * st->detail);
		rest.td = tdigest_new(100, NULL);
		if (!top || !rest.td)
			abort();
	}
	json_head(f, st, h);
	for (i = 0; i < n; i++)
		all += rows[i]->calls;
	for (i = 0; i < n; i++) {
		struct lat_row *r = rows[i];

		st->key_name(st->key_arg, r->key, name, sizeof(name));
		fprintf(f, "%s{\"%s\":", i ? "," : "", st->key_header);
		json_string(f, name);
		if (st->counts) {
			/* begin events alone: no latency */
			fprintf(f, ",\"calls\":%lu,\"calls_pct\":%.2f,\"gsys_calls_pct\":%.2f}",
				(unsigned long)r->calls, 100.0 * r->calls / all,
				100.0 * r->extra / r->calls);
			continue;
		}
		json_fields(f, st, r);
		if (st->detail)
			json_subrows(f, st, r, top, &rest);
		fputc('}', f);
	}
	fputs("]}\n", f);
	tdigest_free(rest.td);
	free(top);
	free(rows);
}
