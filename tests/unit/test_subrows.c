// SPDX-License-Identifier: GPL-2.0-only
/* Sub-rows: the N biggest by total (or by --sort's value), the rest summed into one row. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/stats.h>
#include <perf-prof/subrows.h>
#include "unit.h"

static struct lat_stats st;
#define sub (*lat_stats_inst(&st, 0))

static void setup(void)
{
	lat_stats_init(&st);
}

static void teardown(void)
{
	lat_stats_free(&st);
}

/* @calls latencies of @lat ns under sub-key @key */
static void add(uint64_t key, uint64_t calls, uint64_t lat)
{
	struct lat_row *r = lat_stats_row(&st, 0, key);

	while (calls--)
		lat_row_add(r, lat, 0);
}

START_TEST(test_top)
{
	const struct lat_row *top[4];
	struct lat_row rest = { .td = tdigest_new(100, NULL) };
	uint32_t k, nrest;

	add(0x10, 600, 100);	/* 60000 */
	add(0x11, 2, 20000);	/* 40000 */
	add(0x3f8, 10, 10);	/* 100 */
	add(0x70, 5, 20);	/* 100: a tie, the smaller key first */
	add(0x71, 1, 1000);	/* 1000 */
	add(0xcf8, 3, 7);	/* 21 */
	lat_stats_row(&st, 0, 0x99);	/* a row without calls (an old interval's) */
	k = lat_rows_top(&sub, 3, NULL, NULL, top, &rest, &nrest);
	ck_assert_uint_eq(k, 3);
	ck_assert_uint_eq(top[0]->key, 0x10);
	ck_assert_uint_eq(top[1]->key, 0x11);
	ck_assert_uint_eq(top[2]->key, 0x71);
	ck_assert_uint_eq(nrest, 3);
	ck_assert_uint_eq(rest.calls, 18);
	ck_assert_uint_eq(rest.sum, 221);
	ck_assert_uint_eq(rest.min, 7);
	ck_assert_uint_eq(rest.max, 20);
	ck_assert_uint_eq(tdigest_count(rest.td), 18);
	ck_assert(fabs(tdigest_quantile(rest.td, 0.0) - 7) < 1e-9);
	tdigest_free(rest.td);
}
END_TEST

START_TEST(test_order_and_none)
{
	const struct lat_row *top[10];
	struct lat_row rest = { .td = tdigest_new(100, NULL) };
	uint32_t k, nrest;

	add(0x3f8, 10, 10);
	add(0x70, 5, 20);
	add(0x3f9, 20, 5);
	add(0x10, 1, 1000);
	k = lat_rows_top(&sub, 10, NULL, NULL, top, &rest, &nrest);
	ck_assert_uint_eq(k, 4);
	ck_assert_uint_eq(nrest, 0);
	ck_assert_uint_eq(rest.calls, 0);
	ck_assert_uint_eq(top[0]->key, 0x10);
	ck_assert_uint_eq(top[1]->key, 0x70);	/* 100 each: by key */
	ck_assert_uint_eq(top[2]->key, 0x3f8);
	ck_assert_uint_eq(top[3]->key, 0x3f9);
	/* --detail=0: every row summed */
	k = lat_rows_top(&sub, 0, NULL, NULL, top, &rest, &nrest);
	ck_assert_uint_eq(k, 0);
	ck_assert_uint_eq(nrest, 4);
	ck_assert_uint_eq(rest.calls, 36);
	ck_assert_uint_eq(rest.sum, 1300);
	tdigest_free(rest.td);
}
END_TEST

static double by_calls(void *arg, struct lat_row *r)
{
	(*(int *)arg)++;
	return (double)r->calls;
}

static double by_max(void *arg, struct lat_row *r)
{
	return (double)r->max;
}

/* --sort calls / max: the N biggest by that, in that order, each row asked once */
START_TEST(test_by_value)
{
	const struct lat_row *top[3];
	struct lat_row rest = { .td = tdigest_new(100, NULL) };
	uint32_t k, nrest;
	int asked = 0;

	add(0x10, 600, 100);	/* total 60000 */
	add(0x11, 2, 20000);	/* total 40000, max 20000 */
	add(0x3f8, 10, 10);
	add(0x70, 5, 20);
	add(0x71, 1, 1000);
	add(0xcf8, 10, 7);	/* 10 calls: a tie with 0x3f8, the smaller key first */
	k = lat_rows_top(&sub, 3, by_calls, &asked, top, &rest, &nrest);
	ck_assert_int_eq(asked, 6);
	ck_assert_uint_eq(k, 3);
	ck_assert_uint_eq(top[0]->key, 0x10);
	ck_assert_uint_eq(top[1]->key, 0x3f8);
	ck_assert_uint_eq(top[2]->key, 0xcf8);
	ck_assert_uint_eq(nrest, 3);
	ck_assert_uint_eq(rest.calls, 8);	/* 0x11, 0x70, 0x71 */
	ck_assert_uint_eq(rest.sum, 40000 + 100 + 1000);
	tdigest_reset(rest.td);
	memset(&rest, 0, offsetof(struct lat_row, td));
	k = lat_rows_top(&sub, 2, by_max, NULL, top, &rest, &nrest);
	ck_assert_uint_eq(k, 2);
	ck_assert_uint_eq(top[0]->key, 0x11);
	ck_assert_uint_eq(top[1]->key, 0x71);
	ck_assert_uint_eq(nrest, 4);
	ck_assert_uint_eq(rest.calls, 625);
	ck_assert_uint_eq(rest.max, 100);
	tdigest_free(rest.td);
}
END_TEST

static Suite *subrows_suite(void)
{
	Suite *s = suite_create("subrows");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_top);
	tcase_add_test(tc, test_order_and_none);
	tcase_add_test(tc, test_by_value);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(subrows_suite)
