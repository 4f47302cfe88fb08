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

	ck_assert_int_eq(parse_time("1ms", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 1000000);
	ck_assert_int_eq(parse_time("5ms", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 5000000);
	ck_assert_int_eq(parse_time("2s", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 2000000000);
	ck_assert_int_eq(parse_time("250us", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 250000);
	ck_assert_int_eq(parse_time("1.5us", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 1500);
	ck_assert_int_eq(parse_time("700", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 700);
	ck_assert_int_eq(parse_time("700ns", 1, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 700);
	ck_assert_int_eq(parse_time("5xs", 1, &ns, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid time '5xs' (expected a number with unit s, ms, us or ns)");
	ck_assert_int_eq(parse_time("ms", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time("-1ms", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time("", 1, &ns, err, sizeof(err)), -1);
	/* a bare number counts the caller's unit: -i's is ms */
	ck_assert_int_eq(parse_time("250", 1000000, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 250000000);
	ck_assert_int_eq(parse_time(".5s", 1000000, &ns, err, sizeof(err)), 0);
	ck_assert_uint_eq(ns, 500000000);
	/* one number everywhere: decimal digits and a fraction, nothing else */
	ck_assert_int_eq(parse_time("0x10ms", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time("1e3", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time("+1ms", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time("1. ms", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time("inf", 1, &ns, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_time(".", 1, &ns, err, sizeof(err)), -1);
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
	ck_assert_int_eq(parse_size("0x10MB", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_size("1e6", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(parse_size("12XB", &b, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid size '12XB' (expected a number with unit GB, MB, KB or B)");
}
END_TEST

START_TEST(test_number_list)
{
	static const char *const bad[] = { "", ",", "50,", ",50", "50,,99", "0x10", "1e-300",
					   "50 ,99", "-1", "1,2,3,4,5,6,7,8,9" };
	double v[8];
	size_t i;
	int n;

	ck_assert_int_eq(parse_number_list("50,99,99.9", v, 8, &n), 0);
	ck_assert_int_eq(n, 3);
	/* read as strtod reads the same digits: the labels print them back */
	ck_assert(v[2] == 99.9);
	ck_assert_int_eq(parse_number_list("1,2,3,4,5,6,7,8", v, 8, &n), 0);
	ck_assert_int_eq(n, 8);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_number_list(bad[i], v, 8, &n) == -1, "'%s'", bad[i]);
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
	tcase_add_test(tc, test_number_list);
	tcase_add_test(tc, test_ulong);
	tcase_add_test(tc, test_online_cpus);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(parse_suite)
