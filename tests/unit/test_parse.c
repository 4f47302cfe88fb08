// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <perf-prof/parse.h>
#include <perf-prof/proc.h>
#include "unit.h"

static char err[256];

START_TEST(test_cpu_list)
{
	struct id_list l;

	ck_assert_int_eq(parse_cpu_list("5-7,53,2,6", 100, &l, err, sizeof(err)), 0);
	ck_assert_int_eq(l.n, 5);
	ck_assert_int_eq(l.id[0], 2);
	ck_assert_int_eq(l.id[1], 5);
	ck_assert_int_eq(l.id[2], 6);
	ck_assert_int_eq(l.id[3], 7);
	ck_assert_int_eq(l.id[4], 53);
	ck_assert(id_list_has(&l, 53));
	ck_assert(!id_list_has(&l, 4));
	id_list_free(&l);

	ck_assert_int_eq(parse_cpu_list("0", 0, &l, err, sizeof(err)), 0);
	ck_assert_int_eq(l.n, 1);
	id_list_free(&l);
}
END_TEST

START_TEST(test_cpu_list_errors)
{
	static const char *const bad[] = { "", "a", "1-", "-1", "3-1", "1,,2", "1,", "1-2-3",
					   " 1", "1 ", "0x1", "99999999999" };
	struct id_list l;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse_cpu_list(bad[i], 100, &l, err, sizeof(err)) == -1, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "invalid CPU list"));
		ck_assert_int_eq(l.n, 0);
	}
	ck_assert_int_eq(parse_cpu_list("0-200", 127, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "CPU 200 in '0-200' is not online (online CPUs: 0-127)");
}
END_TEST

START_TEST(test_id_list)
{
	struct id_list l;

	ck_assert_int_eq(parse_id_list("126934,1,126934", "PID", &l, err, sizeof(err)), 0);
	ck_assert_int_eq(l.n, 2);
	ck_assert_int_eq(l.id[0], 1);
	ck_assert_int_eq(l.id[1], 126934);
	id_list_free(&l);
	ck_assert_int_eq(parse_id_list("0", "PID", &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid PID list '0' (expected e.g. 1234,5678)");
	ck_assert_int_eq(parse_id_list("12,-3", "TID", &l, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_id_list("3000000000", "TID", &l, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_time_units)
{
	uint64_t ns;

	ck_assert_int_eq(parse_time_ns("1ms", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 1000000);
	ck_assert_int_eq(parse_time_ns("5ms", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 5000000);
	ck_assert_int_eq(parse_time_ns("2s", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 2000000000);
	ck_assert_int_eq(parse_time_ns("250us", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 250000);
	ck_assert_int_eq(parse_time_ns("1.5us", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 1500);
	ck_assert_int_eq(parse_time_ns("700", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 700);
	ck_assert_int_eq(parse_time_ns("700ns", &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 700);
	ck_assert_int_eq(parse_time_ns("5xs", &ns, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid time '5xs' (expected a number with unit s, ms, us or ns)");
	ck_assert_int_eq(parse_time_ns("ms", &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time_ns("-1ms", &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time_ns("", &ns, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_size_units)
{
	uint64_t b;

	ck_assert_int_eq(parse_size("1GB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 1ull << 30);
	ck_assert_int_eq(parse_size("64MB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 64ull << 20);
	ck_assert_int_eq(parse_size("4kb", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 4096);
	ck_assert_int_eq(parse_size("100B", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 100);
	ck_assert_int_eq(parse_size("100", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 100);
	ck_assert_int_eq(parse_size("12XB", &b, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid size '12XB' (expected a number with unit GB, MB, KB or B)");
}
END_TEST

START_TEST(test_ulong)
{
	unsigned long v;

	ck_assert_int_eq(parse_ulong("1000", "interval (ms)", 1, 86400000, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 1000);
	ck_assert_int_eq(parse_ulong("0", "interval (ms)", 1, 10, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid interval (ms) '0' (expected a number from 1 to 10)");
	ck_assert_int_eq(parse_ulong("11", "x", 1, 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_ulong("1e3", "x", 1, 10000, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_ulong("", "x", 1, 10, &v, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_online_cpus)
{
	struct id_list l;

	ck_assert_int_eq(online_cpus(&l, err, sizeof(err)), 0);
	ck_assert_int_ge(l.n, 1);
	ck_assert(id_list_has(&l, 0));
	id_list_free(&l);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_cpu_list);
	tcase_add_test(tc, test_cpu_list_errors);
	tcase_add_test(tc, test_id_list);
	tcase_add_test(tc, test_time_units);
	tcase_add_test(tc, test_size_units);
	tcase_add_test(tc, test_ulong);
	tcase_add_test(tc, test_online_cpus);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(parse_suite)
