// SPDX-License-Identifier: GPL-2.0-only
#include <perf-prof/pair.h>
#include "unit.h"

static struct pair_pending *begin(struct pair_table *t, uint32_t tid, uint64_t time, int buf,
				  uint64_t key)
{
	struct pp_record rec = { .tid = tid, .time = time, .buf = buf };
	struct pair_pending *p = pair_begin(t, &rec);

	p->key = key;
	return p;
}

START_TEST(test_pairs_same_tid)
{
	struct pair_table t;
	struct pair_pending *p;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 30);
	begin(&t, 11, 105, 0, 12);
	p = pair_end(&t, 11, 200);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->key, 12);
	ck_assert_uint_eq(200 - p->time, 95);
	/* consumed: a second end of tid 11 has nothing to close */
	ck_assert_ptr_null(pair_end(&t, 11, 210));
	ck_assert_uint_eq(t.unmatched, 1);
	p = pair_end(&t, 10, 300);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->key, 30);
	pair_free(&t);
}
END_TEST

START_TEST(test_no_cross_thread)
{
	struct pair_table t;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 1);
	ck_assert_ptr_null(pair_end(&t, 99, 150));
	ck_assert_uint_eq(t.unmatched, 1);
	ck_assert_ptr_nonnull(pair_end(&t, 10, 160));
	pair_free(&t);
}
END_TEST

START_TEST(test_equal_and_backwards)
{
	struct pair_table t;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 1);
	/* an end stamped before its begin cannot close it */
	ck_assert_ptr_null(pair_end(&t, 10, 90));
	ck_assert_uint_eq(t.backwards, 1);
	/* the begin still waits for its real end; a coarse clock may stamp
	 * it alike: a pair of latency 0 */
	ck_assert_ptr_nonnull(pair_end(&t, 10, 100));
	ck_assert_uint_eq(t.backwards, 1);
	/* consumed: a second end at the same stamp is unmatched */
	ck_assert_ptr_null(pair_end(&t, 10, 100));
	ck_assert_uint_eq(t.unmatched, 1);
	pair_free(&t);
}
END_TEST

START_TEST(test_newer_begin_replaces)
{
	struct pair_table t;
	struct pair_pending *p;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 1);
	begin(&t, 10, 150, 0, 2);	/* the end of the first was filtered out */
	p = pair_end(&t, 10, 170);
	ck_assert_uint_eq(p->key, 2);
	ck_assert_uint_eq(170 - p->time, 20);
	pair_free(&t);
}
END_TEST

START_TEST(test_lost_by_buffer)
{
	struct pair_table t;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 1);
	begin(&t, 11, 100, 1, 1);
	pair_invalidate_buf(&t, 0);
	ck_assert_uint_eq(t.invalidated, 1);
	ck_assert_ptr_null(pair_end(&t, 10, 500));	/* would have spanned the gap */
	ck_assert_ptr_nonnull(pair_end(&t, 11, 500));
	pair_free(&t);
}
END_TEST

START_TEST(test_lost_by_time)
{
	struct pair_table t;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 1);
	begin(&t, 11, 300, 1, 1);
	begin(&t, 12, 200, 1, 1);
	/* a gap dated 200 may hold the end of a begin stamped 200 too */
	pair_invalidate_before(&t, 200);
	ck_assert_uint_eq(t.invalidated, 2);
	ck_assert_ptr_null(pair_end(&t, 10, 400));
	ck_assert_ptr_null(pair_end(&t, 12, 400));
	ck_assert_ptr_nonnull(pair_end(&t, 11, 400));
	pair_free(&t);
}
END_TEST

START_TEST(test_many_threads)
{
	struct pair_table t;
	uint32_t tid;

	pair_init(&t, false, 0);
	for (tid = 1; tid <= 5000; tid++)
		begin(&t, tid * 7, tid, 0, tid);
	for (tid = 1; tid <= 5000; tid++) {
		struct pair_pending *p = pair_end(&t, tid * 7, 10000 + tid);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->key, tid);
	}
	ck_assert_uint_eq(t.n, 5000);
	pair_free(&t);
}
END_TEST

START_TEST(test_colliding_tids)
{
	struct pair_table t;
	struct pair_pending *p;

	/* a 64-slot table homes tids equal modulo 64 in one slot */
	pair_init(&t, false, 0);
	begin(&t, 5, 100, 0, 1);
	begin(&t, 5 + 64, 110, 0, 2);
	begin(&t, 5 + 128, 120, 0, 3);
	p = pair_end(&t, 5 + 64, 200);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->key, 2);
	/* the home slot's tid is consumed: its next end is unmatched */
	ck_assert_ptr_nonnull(pair_end(&t, 5, 210));
	ck_assert_ptr_null(pair_end(&t, 5, 220));
	ck_assert_ptr_null(pair_end(&t, 5 + 192, 220));	/* never began */
	ck_assert_uint_eq(t.unmatched, 2);
	/* a probed tid's too-early end counts as backwards and keeps the begin */
	ck_assert_ptr_null(pair_end(&t, 5 + 128, 119));
	ck_assert_uint_eq(t.backwards, 1);
	p = pair_end(&t, 5 + 128, 120);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->key, 3);
	/* consumed begins leave their slots to the tids' next begins */
	ck_assert_ptr_null(pair_pending_at(&t, 5 + 64, 1000));
	p = begin(&t, 5 + 64, 300, 0, 4);
	ck_assert_ptr_eq(begin(&t, 5 + 64, 310, 0, 4), p);
	ck_assert_uint_eq(t.n, 3);
	pair_free(&t);
}
END_TEST

START_TEST(test_pending_at_and_drop)
{
	struct pair_table t;

	pair_init(&t, false, 0);
	begin(&t, 10, 100, 0, 1);
	/* a record between begin and end finds the begin; one before it does not */
	ck_assert_ptr_nonnull(pair_pending_at(&t, 10, 100));
	ck_assert_ptr_null(pair_pending_at(&t, 10, 99));
	ck_assert_ptr_null(pair_pending_at(&t, 11, 150));
	/* a lost record older than the begin leaves it; a newer one drops it */
	pair_drop(&t, 10, 99);
	ck_assert_uint_eq(t.dropped, 0);
	pair_drop(&t, 10, 100);
	ck_assert_uint_eq(t.dropped, 1);
	ck_assert_ptr_null(pair_end(&t, 10, 200));
	ck_assert_uint_eq(t.unmatched, 1);
	pair_drop(&t, 10, 300);		/* nothing pending: nothing counted */
	ck_assert_uint_eq(t.dropped, 1);
	pair_free(&t);
}
END_TEST

START_TEST(test_side_and_raw)
{
	struct pair_table t;
	struct pair_pending *p;
	unsigned char raw[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct pp_record rec = { .tid = 7, .time = 50, .cpu = 3, .pid = 6, .raw = raw,
				 .raw_size = sizeof(raw) };

	pair_init(&t, true, 2);
	p = pair_begin(&t, &rec);
	ck_assert_uint_eq(p->raw_size, sizeof(raw));
	ck_assert_mem_eq(p->raw, raw, sizeof(raw));
	ck_assert_uint_eq(p->cpu, 3);
	ck_assert_uint_eq(p->pid, 6);
	p->side[0] = 5;
	p->side[1] = 6;
	p->side[2] = 7;		/* not a side word of this table: left alone */
	/* the next begin of the thread starts its side words at zero */
	rec.time = 60;
	p = pair_begin(&t, &rec);
	ck_assert_uint_eq(p->side[0], 0);
	ck_assert_uint_eq(p->side[1], 0);
	ck_assert_uint_eq(p->side[2], 7);
	ck_assert_ptr_eq(pair_end(&t, 7, 70), p);
	ck_assert_uint_eq(70 - p->time, 10);
	pair_free(&t);
}
END_TEST

static Suite *pair_suite(void)
{
	Suite *s = suite_create("pair");
	TCase *tc = tcase_create("pair");

	tcase_add_test(tc, test_pairs_same_tid);
	tcase_add_test(tc, test_no_cross_thread);
	tcase_add_test(tc, test_equal_and_backwards);
	tcase_add_test(tc, test_newer_begin_replaces);
	tcase_add_test(tc, test_lost_by_buffer);
	tcase_add_test(tc, test_lost_by_time);
	tcase_add_test(tc, test_many_threads);
	tcase_add_test(tc, test_colliding_tids);
	tcase_add_test(tc, test_pending_at_and_drop);
	tcase_add_test(tc, test_side_and_raw);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(pair_suite)
