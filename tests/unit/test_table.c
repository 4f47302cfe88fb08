// SPDX-License-Identifier: GPL-2.0-only
/* Statistics and the table layout, against golden text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <perf-prof/stats.h>
#include <perf-prof/json.h>
#include <perf-prof/table.h>
#include <perf-prof/tests-only.h>
#include "textutil.h"
#include "unit.h"

static void names(void *arg, uint64_t key, char *buf, size_t len)
{
	static const char *const n[] = { "HLT", "MSR_WRITE", "IO_INSTRUCTION", "CPUID",
					  "avic_unaccelerated_access" };

	snprintf(buf, len, "%s", key < 5 ? n[key] : "?");
}

static char *render(struct lat_inst *in, const struct table_style *st, const char *label)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	table_print(f, st, in, label);
	fclose(f);
	return buf;
}

static void add_n(struct lat_stats *s, struct lat_inst *in, uint64_t key, int n, uint64_t lat,
		  uint64_t extra)
{
	struct lat_row *r = lat_stats_row(s, in->id, key);
	int i;

	for (i = 0; i < n; i++)
		lat_row_add(r, lat, extra);
}

START_TEST(test_golden_table)
{
	struct table_style st = { .title = "kvm-exit latency", .key_header = "exit_reason",
				  .extra_header = "%gsys", .extra_percent = true, .npct = 1,
				  .pct = { 99 }, .key_name = names };
	struct lat_stats s;
	struct lat_inst *in;
	struct lat_row *r;
	char *out;

	lat_stats_init(&s);
	in = lat_stats_inst(&s, 0);
	add_n(&s, in, 0, 2, 2554803, 2554803);		/* HLT, guest kernel */
	add_n(&s, in, 1, 4, 832, 0);			/* MSR_WRITE, guest user */
	add_n(&s, in, 1, 4, 832, 832);			/* ... half in kernel */
	add_n(&s, in, 3, 3, 1113, 0);			/* CPUID */
	add_n(&s, in, 2, 1, 8901, 8901);		/* IO_INSTRUCTION */
	r = lat_stats_row(&s, in->id, 4);			/* a row with no calls: hidden */
	(void)r;
	out = render(in, &st, NULL);
	ck_assert_str_eq(out,
"kvm-exit latency\n"
"exit_reason             calls        total(us)      min(us)      avg(us)      p99(us)      max(us)  %gsys\n"
"-------------------- -------- ---------------- ------------ ------------ ------------ ------------ ------\n"
"HLT                         2         5109.606     2554.803     2554.803     2554.803     2554.803 100.00\n"
"IO_INSTRUCTION              1            8.901        8.901        8.901        8.901        8.901 100.00\n"
"MSR_WRITE                   8            6.656        0.832        0.832        0.832        0.832  50.00\n"
"CPUID                       3            3.339        1.113        1.113        1.113        1.113   0.00\n");
	free(out);

	/* min, max, avg over distinct values; long names widen the column */
	lat_stats_reset(&s);
	add_n(&s, in, 4, 1, 1000, 0);
	add_n(&s, in, 4, 1, 3000, 0);
	out = render(in, &st, "THREAD 126953");
	ck_assert_ptr_nonnull(strstr(out, "kvm-exit latency THREAD 126953\n"));
	ck_assert_ptr_nonnull(strstr(out,
"exit_reason                         calls        total(us)      min(us)      avg(us)"));
	ck_assert_ptr_nonnull(strstr(out,
"avic_unaccelerated_access               2            4.000        1.000        2.000"));
	ck_assert_ptr_nonnull(strstr(out, "        3.000   0.00\n"));
	free(out);
	lat_stats_free(&s);
}
END_TEST

START_TEST(test_empty_prints_nothing)
{
	struct table_style st = { .title = "kvm-exit latency", .key_header = "exit_reason",
				  .extra_header = "%gsys", .extra_percent = true, .npct = 1,
				  .pct = { 99 }, .key_name = names };
	struct lat_stats s;
	struct lat_inst *in;
	char *out;

	lat_stats_init(&s);
	in = lat_stats_inst(&s, 0);
	add_n(&s, in, 0, 5, 100, 0);
	lat_stats_reset(&s);
	ck_assert_uint_eq(lat_inst_calls(in), 0);
	out = render(in, &st, NULL);
	ck_assert_str_eq(out, "");
	free(out);
	lat_stats_free(&s);
}
END_TEST

START_TEST(test_err_column_and_percentiles)
{
	struct table_style st = { .title = "syscalls latency", .key_header = "syscall",
				  .extra_header = "err", .npct = 3, .pct = { 50, 99, 99.9 },
				  .key_name = names };
	struct lat_stats s;
	struct lat_inst *in;
	char *out;

	lat_stats_init(&s);
	in = lat_stats_inst(&s, 7);
	add_n(&s, in, 3, 10, 2000, 1);
	add_n(&s, in, 3, 10, 2000, 0);
	out = render(in, &st, "CPU 7");
	ck_assert_str_eq(out,
"syscalls latency CPU 7\n"
"syscall                 calls        total(us)      min(us)      avg(us)      p50(us)      p99(us)    p99.9(us)      max(us)    err\n"
"-------------------- -------- ---------------- ------------ ------------ ------------ ------------ ------------ ------------ ------\n"
"CPUID                      20           40.000        2.000        2.000        2.000        2.000        2.000        2.000     10\n");
	free(out);
	lat_stats_free(&s);
}
END_TEST

START_TEST(test_time_line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	setenv("TZ", "UTC", 1);
	tzset();
	table_print_time(f, 1650620053858975123ull);
	fclose(f);
	/* the seeds' layout, trailing space included */
	ck_assert_str_eq(buf, "2022-04-22 09:34:13.858975 \n");
	free(buf);
}
END_TEST

START_TEST(test_stats_many_instances)
{
	struct lat_stats s;
	uint64_t i, total = 0;

	lat_stats_init(&s);
	for (i = 0; i < 3000; i++) {
		struct lat_inst *in = lat_stats_inst(&s, 1000 + i % 300);

		add_n(&s, in, i % 5, 1, 10 + i, 0);
	}
	ck_assert_uint_eq(s.ninst, 300);
	for (i = 0; i < s.ninst; i++)
		total += lat_inst_calls(&s.inst[i]);
	ck_assert_uint_eq(total, 3000);
	lat_stats_free(&s);
}
END_TEST

/* column @col (0 = name) of the row named @name, in @out */
static double col_of(const char *out, const char *name, int col)
{
	const char *p = strstr(out, name);
	double v = -1;
	int i;

	ck_assert_ptr_nonnull(p);
	p += strlen(name);
	for (i = 1; i <= col; i++)
		v = strtod(p, (char **)&p);
	return v;
}

/*
 * Percentiles stay within the row's [min, max]: the digest keeps values
 * as float, and 16777217 ns is 16777216 as a float; a row of one value
 * prints that value exactly.  In the table and in the JSON alike.
 */
START_TEST(test_percentiles_within_min_max)
{
	struct table_style st = { .title = "kvm-exit latency", .key_header = "exit_reason",
				  .extra_header = "%gsys", .extra_percent = true, .npct = 3,
				  .pct = { 50, 99, 99.9 }, .key_name = names };
	static const uint64_t vals[] = { 16777217, 16777219, 33554433, 123456789, 4294967297ull };
	struct lat_stats s;
	struct lat_inst *in;
	struct json_head h = { .time = "t", .inst_type = "all", .inst_id = -1, .vcpu = -1 };
	char *out, *js = NULL;
	size_t len = 0, i;
	FILE *f;
	int k, n;

	lat_stats_init(&s);
	in = lat_stats_inst(&s, 0);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		/* one value, then the same value many times, then two values */
		lat_stats_reset(&s);
		add_n(&s, in, 0, 1, vals[i], 0);
		add_n(&s, in, 1, 300, vals[i], 0);
		add_n(&s, in, 2, 1, vals[i], 0);
		add_n(&s, in, 2, 1, vals[i] + 2, 0);
		out = render(in, &st, NULL);
		for (k = 0; k < 3; k++) {
			const char *name = k == 0 ? "HLT " : k == 1 ? "MSR_WRITE " : "IO_INSTRUCTION ";
			double mn = col_of(out, name, 3), mx = col_of(out, name, 8);

			for (n = 5; n <= 7; n++) {
				double p = col_of(out, name, n);

				ck_assert_msg(p >= mn && p <= mx, "%s p column %d %.3f outside "
					      "[%.3f, %.3f]:\n%s", name, n, p, mn, mx, out);
				if (k < 2)	/* one distinct value: exactly it */
					ck_assert_msg(p == mn, "%s %.3f != %.3f\n%s", name, p, mn,
						      out);
			}
		}
		free(out);
		f = open_memstream(&js, &len);
		json_print(f, &st, in, &h);
		fclose(f);
		{
			char want[128];

			snprintf(want, sizeof(want), "\"min_us\":%.3f,\"avg_us\":%.3f,"
				 "\"p50_us\":%.3f,\"p99_us\":%.3f,\"p99.9_us\":%.3f,\"max_us\":%.3f",
				 vals[i] / 1000.0, vals[i] / 1000.0, vals[i] / 1000.0,
				 vals[i] / 1000.0, vals[i] / 1000.0, vals[i] / 1000.0);
			ck_assert_msg(count_substr(js, want) == 2, "want %s twice in %s", want, js);
		}
		free(js);
		js = NULL;
	}
	lat_stats_free(&s);
}
END_TEST

/*
 * The first column of each row of @out, space-separated.  Not inlined:
 * GCC 12 then takes render()'s memstream buffer for a dangling local.
 */
static __attribute__((noinline)) char *row_names(const char *out)
{
	char *names = calloc(1, strlen(out) + 1);
	size_t at = strstr(out, "\n-") ? (size_t)(strstr(out, "\n-") - out) + 1 : strlen(out);

	at += strcspn(out + at, "\n");
	while (out[at] == '\n' && out[at + 1]) {
		at++;
		strncat(names, out + at, strcspn(out + at, " "));
		strcat(names, " ");
		at += strcspn(out + at, "\n");
	}
	return names;
}

/* --sort: each key its own order, ties by name, the default by total */
START_TEST(test_table_sort)
{
	static const char *const want[SORT_NKEYS] = {
		[SORT_TOTAL] = "IO_INSTRUCTION CPUID MSR_WRITE HLT ",
		[SORT_CALLS] = "IO_INSTRUCTION CPUID HLT MSR_WRITE ",
		[SORT_AVG] = "MSR_WRITE CPUID IO_INSTRUCTION HLT ",
		[SORT_P99] = "MSR_WRITE CPUID HLT IO_INSTRUCTION ",
		[SORT_MAX] = "IO_INSTRUCTION MSR_WRITE CPUID HLT ",
		[SORT_NAME] = "CPUID HLT IO_INSTRUCTION MSR_WRITE ",
	};
	struct table_style st = { .title = "kvm-exit latency", .key_header = "exit_reason",
				  .extra_header = "%gsys", .extra_percent = true, .npct = 1,
				  .pct = { 99 }, .key_name = names };
	struct lat_stats s;
	struct lat_inst *in;
	char *out, *got;
	int k;

	lat_stats_init(&s);
	in = lat_stats_inst(&s, 0);
	add_n(&s, in, 0, 10, 100, 0);		/* HLT: 10 calls, total 1000 */
	add_n(&s, in, 1, 1, 5000, 0);		/* MSR_WRITE: the largest avg and p99 */
	add_n(&s, in, 2, 200, 10, 0);		/* IO_INSTRUCTION: most calls, a p99 of 10 ... */
	add_n(&s, in, 2, 1, 400000, 0);		/* ... but one huge: total and max */
	add_n(&s, in, 3, 100, 2000, 0);		/* CPUID: IO_INSTRUCTION's avg, 2000 */
	for (k = 0; k < SORT_NKEYS; k++) {
		st.sort = (enum sort_key)k;
		out = render(in, &st, NULL);
		got = row_names(out);
		ck_assert_msg(!strcmp(got, want[k]), "--sort %s: %s", sort_key_names[k], out);
		free(got);
		free(out);
	}
	ck_assert_int_eq(sort_key_parse("p99"), SORT_P99);
	ck_assert_int_eq(sort_key_parse("name"), SORT_NAME);
	ck_assert_int_eq(sort_key_parse("Total"), -1);
	ck_assert_int_eq(sort_key_parse(NULL), -1);
	lat_stats_free(&s);
}
END_TEST

/* --detail's sub-rows of IO_INSTRUCTION (key 2): ports, from their own stats */
static struct lat_stats sub_stats;

static const struct lat_inst *io_subrows(void *arg, const struct lat_row *r)
{
	return r->key == 2 ? lat_stats_inst(&sub_stats, 0) : NULL;
}

static void port_name(void *arg, uint64_t key, char *buf, size_t len)
{
	snprintf(buf, len, "0x%lx %s", (unsigned long)(key >> 1), key & 1 ? "out" : "in");
}

/* the sub-rows' names of @out, "0x3f8 out,(1 more)," (two words each) */
static __attribute__((noinline)) char *sub_names(const char *out)
{
	char *names = calloc(1, strlen(out) + 1);
	const char *l;

	for (l = strstr(out, "\n  "); l; l = strstr(l + 1, "\n  ")) {
		size_t w = strcspn(l + 3, " ");

		w += strcspn(l + 3 + w + 1, " ") + 1;
		strncat(names, l + 3, w);
		strcat(names, ",");
	}
	return names;
}

/* --sort orders --detail's sub-rows too, and picks the N shown by that key */
START_TEST(test_detail_sort)
{
	static const char *const want[SORT_NKEYS] = {
		[SORT_TOTAL] = "0x3f8 out,0x70 out,(2 more),",
		[SORT_CALLS] = "0x3f8 out,0x3f9 in,(2 more),",
		[SORT_AVG] = "0x70 out,0xcf8 in,(2 more),",
		[SORT_P99] = "0x70 out,0xcf8 in,(2 more),",
		[SORT_MAX] = "0x3f8 out,0x70 out,(2 more),",
		[SORT_NAME] = "0x70 out,0x3f8 out,(2 more),",	/* by total, shown by number */
	};
	struct table_style st = { .title = "kvm-exit latency", .key_header = "exit_reason",
				  .extra_header = "%gsys", .extra_percent = true, .npct = 1,
				  .pct = { 99 }, .key_name = names, .detail = 2,
				  .subrows = io_subrows, .sub_name = port_name };
	struct lat_stats s;
	struct lat_inst *in, *sub;
	char *out, *got, *js = NULL;
	size_t len = 0;
	FILE *f;
	int k;

	lat_stats_init(&s);
	lat_stats_init(&sub_stats);
	in = lat_stats_inst(&s, 0);
	sub = lat_stats_inst(&sub_stats, 0);
	add_n(&s, in, 2, 1, 1, 0);			/* the reason row itself */
	add_n(&sub_stats, sub, 0x3f8 << 1 | 1, 200, 1000, 0);	/* most calls, max 5000 */
	add_n(&sub_stats, sub, 0x3f8 << 1 | 1, 1, 5000, 0);
	add_n(&sub_stats, sub, 0x3f9 << 1, 100, 10, 0);		/* total 1000 */
	add_n(&sub_stats, sub, 0x70 << 1 | 1, 4, 4000, 0);	/* the biggest avg: 4000 */
	add_n(&sub_stats, sub, 0xcf8 << 1, 1, 3000, 0);		/* total 3000, avg 3000 */
	for (k = 0; k < SORT_NKEYS; k++) {
		st.sort = (enum sort_key)k;
		out = render(in, &st, NULL);
		got = sub_names(out);
		ck_assert_msg(!strcmp(got, want[k]), "--sort %s: %s\n%s", sort_key_names[k], got,
			      out);
		free(got);
		free(out);
	}
	/* JSON's "detail" in the same order */
	st.sort = SORT_CALLS;
	f = open_memstream(&js, &len);
	json_print(f, &st, in, &(struct json_head){ .time = "t", .inst_type = "all",
						      .inst_id = -1, .vcpu = -1 });
	fclose(f);
	ck_assert_msg(strstr(js, "\"detail\":[{\"key\":\"0x3f8 out\",\"calls\":201,") &&
		      strstr(js, "},{\"key\":\"0x3f9 in\",\"calls\":100,") &&
		      strstr(js, "},{\"key\":\"(2 more)\",\"keys\":2,\"calls\":5,"), "%s", js);
	free(js);
	lat_stats_free(&sub_stats);
	lat_stats_free(&s);
}
END_TEST

static Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_golden_table);
	tcase_add_test(tc, test_table_sort);
	tcase_add_test(tc, test_detail_sort);
	tcase_add_test(tc, test_empty_prints_nothing);
	tcase_add_test(tc, test_err_column_and_percentiles);
	tcase_add_test(tc, test_time_line);
	tcase_add_test(tc, test_stats_many_instances);
	tcase_add_test(tc, test_percentiles_within_min_max);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(table_suite)
