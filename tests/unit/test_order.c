// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <perf-prof/order.h>
#include "unit.h"

struct seen {
	uint64_t time[10000];
	uint32_t tid[10000];
	int n;
};

static void collect(const struct pp_record *rec, void *arg)
{
	struct seen *s = arg;

	s->time[s->n] = rec->time;
	s->tid[s->n] = rec->raw_size ? *(const uint32_t *)rec->raw : 0;
	s->n++;
}

static void push(struct order *o, int buf, uint64_t time, uint32_t payload)
{
	struct pp_record r;

	memset(&r, 0, sizeof(r));
	r.buf = buf;
	r.time = time;
	r.raw = &payload;
	r.raw_size = sizeof(payload);
	ck_assert_int_eq(order_push(o, &r), 0);
}

START_TEST(test_merge_two_streams)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;
	int i;

	order_init(&o, 0, collect, s);
	push(&o, 0, 10, 1);
	push(&o, 0, 30, 3);
	push(&o, 1, 20, 2);
	push(&o, 1, 40, 4);
	order_flush(&o, 35);
	ck_assert_int_eq(s->n, 3);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(s->tid[i], i + 1);
	push(&o, 0, 50, 5);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 5);
	ck_assert_uint_eq(s->time[3], 40);
	ck_assert_uint_eq(s->time[4], 50);
	order_exit(&o);
	free(s);
}
END_TEST

START_TEST(test_ties_keep_push_order)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;

	order_init(&o, 0, collect, s);
	push(&o, 1, 10, 1);	/* e.g. a LOST dated to the next sample */
	push(&o, 1, 10, 2);
	push(&o, 0, 10, 3);
	order_flush_all(&o);
	ck_assert_uint_eq(s->tid[0], 1);
	ck_assert_uint_eq(s->tid[1], 2);
	ck_assert_uint_eq(s->tid[2], 3);
	order_exit(&o);
	free(s);
}
END_TEST

/* a stream that is not sorted (perf.data chunks) still comes out sorted */
START_TEST(test_unsorted_stream)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;
	int i;

	order_init(&o, 0, collect, s);
	for (i = 0; i < 1000; i++)
		push(&o, 0, (uint64_t)((i * 7919) % 1000), i);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 1000);
	for (i = 1; i < 1000; i++)
		ck_assert_uint_le(s->time[i - 1], s->time[i]);
	order_exit(&o);
	free(s);
}
END_TEST

START_TEST(test_memory_bound)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;
	int i;

	order_init(&o, 65536, collect, s);
	for (i = 0; i < 5000; i++)
		push(&o, i % 4, i, i);
	/* over the bound the oldest go out early, in order */
	ck_assert_int_gt(s->n, 0);
	ck_assert_uint_gt(o.forced, 0);
	ck_assert_uint_le(o.mem, 65536);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 5000);
	for (i = 1; i < 5000; i++)
		ck_assert_uint_le(s->time[i - 1], s->time[i]);
	order_exit(&o);
	free(s);
}
END_TEST

/* by reference: the payload is not copied, ties go by seq */
START_TEST(test_push_ref)
{
	struct seen *s = calloc(1, sizeof(*s));
	uint32_t pay[4] = { 1, 2, 3, 4 };
	struct order o;
	struct pp_record r;

	order_init(&o, 0, collect, s);
	memset(&r, 0, sizeof(r));
	r.raw_size = 4;
	r.buf = 0; r.time = 10; r.raw = &pay[0];
	ck_assert_int_eq(order_push_ref(&o, &r, 500), 0);
	r.buf = 1; r.time = 10; r.raw = &pay[1];
	ck_assert_int_eq(order_push_ref(&o, &r, 300), 0);
	r.buf = 1; r.time = 20; r.raw = &pay[2];
	ck_assert_int_eq(order_push_ref(&o, &r, 600), 0);
	r.buf = 0; r.time = 5; r.raw = &pay[3];	/* out of order in stream 0 */
	ck_assert_int_eq(order_push_ref(&o, &r, 700), 0);
	ck_assert_uint_eq(order_oldest_seq(&o), 300);
	order_flush(&o, 11);
	ck_assert_int_eq(s->n, 3);
	ck_assert_uint_eq(s->tid[0], 4);
	ck_assert_uint_eq(s->tid[1], 2);	/* seq 300 before seq 500 */
	ck_assert_uint_eq(s->tid[2], 1);
	ck_assert_uint_eq(order_oldest_seq(&o), 600);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 4);
	ck_assert_uint_eq(order_oldest_seq(&o), UINT64_MAX);
	ck_assert_uint_eq(o.mem, 0);
	ck_assert_uint_eq(o.queued, 0);
	order_exit(&o);
	free(s);
}
END_TEST

static const void *last_raw;

static void keep_ptr(const struct pp_record *rec, void *arg)
{
	last_raw = rec->raw;
	collect(rec, arg);
}

START_TEST(test_push_ref_same_pointer)
{
	struct seen *s = calloc(1, sizeof(*s));
	uint32_t pay = 42;
	struct order o;
	struct pp_record r;

	order_init(&o, 0, keep_ptr, s);
	memset(&r, 0, sizeof(r));
	r.raw = &pay;
	r.raw_size = 4;
	ck_assert_int_eq(order_push_ref(&o, &r, 1), 0);
	order_flush_all(&o);
	ck_assert_ptr_eq(last_raw, &pay);
	ck_assert_int_eq(order_push(&o, &r), 0);
	order_flush_all(&o);
	ck_assert_ptr_ne(last_raw, &pay);	/* copied */
	ck_assert_uint_eq(s->tid[1], 42);
	order_exit(&o);
	free(s);
}
END_TEST

/* over the memory bound with one and two streams (no heap): still sorted */
static void bounded(int nstreams, int by_ref)
{
	struct seen *s = calloc(1, sizeof(*s));
	uint32_t pay = 7;
	struct order o;
	int i;

	order_init(&o, 32768, collect, s);
	for (i = 0; i < 5000; i++) {
		struct pp_record r;

		if (!by_ref) {
			push(&o, i % nstreams, i / 2 * 2 + (i % nstreams), i);
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.buf = i % nstreams;
		r.time = i / 2 * 2 + (i % nstreams);
		r.raw = &pay;
		r.raw_size = 4;
		ck_assert_int_eq(order_push_ref(&o, &r, (uint64_t)i), 0);
	}
	ck_assert_int_gt(s->n, 0);
	ck_assert_uint_gt(o.forced, 0);
	ck_assert_uint_le(o.mem, 32768 + 128);
	/* never more than one entry over the bound, however long it runs */
	ck_assert_uint_le(o.mem_peak, 32768 + 128);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 5000);
	for (i = 1; i < 5000; i++)
		ck_assert_uint_le(s->time[i - 1], s->time[i]);
	ck_assert_uint_eq(o.mem, 0);
	order_exit(&o);
	free(s);
}

START_TEST(test_memory_bound_one_two)
{
	bounded(1, 0);
	bounded(2, 0);
	bounded(1, 1);
	bounded(2, 1);
	bounded(3, 1);
}
END_TEST

/* two interleaved streams with ties across them, many flushes */
START_TEST(test_two_streams_interleaved)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;
	uint64_t t0 = 0, t1 = 0;
	int i;

	order_init(&o, 0, collect, s);
	for (i = 0; i < 9000; i++) {
		if ((i * 2654435761u) >> 31)
			push(&o, 0, t0 += (i % 3), i);
		else
			push(&o, 1, t1 += (i % 5), i);
		if (i % 1000 == 999)
			order_flush(&o, (t0 < t1 ? t0 : t1) / 2);
	}
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 9000);
	for (i = 1; i < 9000; i++) {
		ck_assert_uint_le(s->time[i - 1], s->time[i]);
		if (s->time[i - 1] == s->time[i])
			ck_assert_uint_lt(s->tid[i - 1], s->tid[i]);	/* push order */
	}
	order_exit(&o);
	free(s);
}
END_TEST

/* what each callback saw, in order: 'n'ormal, 'e'arly, 'l'ate */
static struct { char how[20000]; uint64_t time[20000]; int n; } trail;

static void on_normal(const struct pp_record *rec, void *arg)
{
	trail.how[trail.n] = 'n';
	trail.time[trail.n++] = rec->time;
}

static void on_early(const struct pp_record *rec, void *arg)
{
	trail.how[trail.n] = 'e';
	trail.time[trail.n++] = rec->time;
}

static void on_late(const struct pp_record *rec, void *arg)
{
	trail.how[trail.n] = 'l';
	trail.time[trail.n++] = rec->time;
}

/*
 * Over the bound, stream 0 runs ahead and is delivered early; stream 1's
 * older records then come too late: they go to the late callback, and
 * everything else still comes out in time order, each record once.
 */
START_TEST(test_early_and_late)
{
	struct order o;
	uint64_t last = 0;
	int i, early = 0, late = 0, normal = 0;

	trail.n = 0;
	order_init(&o, 65536, on_normal, NULL);
	order_set_early(&o, on_early, on_late, NULL);
	for (i = 0; i < 4000; i++)
		push(&o, 0, 1000 + 10 * (uint64_t)i, i);
	for (i = 0; i < 4000; i++)
		push(&o, 1, 1005 + 10 * (uint64_t)i, i);
	order_flush_all(&o);
	ck_assert_int_eq(trail.n, 8000);
	for (i = 0; i < trail.n; i++) {
		if (trail.how[i] == 'l') {
			late++;
			continue;
		}
		ck_assert_msg(trail.time[i] >= last, "record %d at %lu after %lu", i,
			      (unsigned long)trail.time[i], (unsigned long)last);
		last = trail.time[i];
		early += trail.how[i] == 'e';
		normal += trail.how[i] == 'n';
	}
	ck_assert_int_gt(early, 0);
	ck_assert_int_gt(late, 0);
	ck_assert_uint_eq(o.forced, (uint64_t)early);
	ck_assert_uint_eq(o.late, (uint64_t)late);
	ck_assert_int_eq(early + late + normal, 8000);
	order_exit(&o);
}
END_TEST

/*
 * A damaged cpu (0x04000000) or negative buffer number costs one lane,
 * not an array as long as the number: memory follows the buffers there
 * are.  Beyond ORDER_MAX_LANES buffers, records wait in the heap, and
 * everything still comes out in order.
 */
START_TEST(test_buffer_numbers_cost_nothing)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;
	int i;

	order_init(&o, 0, collect, s);
	push(&o, 0x04000000, 30, 1);
	push(&o, -7, 20, 2);
	push(&o, 0x7fffffff, 10, 3);
	ck_assert_int_le(o.nfifo, 3);
	ck_assert_uint_le(o.nlane_of, 16);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 3);
	ck_assert_uint_eq(s->tid[0], 3);
	ck_assert_uint_eq(s->tid[2], 1);
	/* more buffers than lanes: one record each, in falling time */
	s->n = 0;
	for (i = 0; i < 3 * ORDER_MAX_LANES; i++)
		push(&o, i * 7919, 100000 - i, i);
	ck_assert_int_le(o.nfifo, ORDER_MAX_LANES + 1);
	ck_assert_uint_le(o.nlane_of, ORDER_DIRECT);
	order_flush(&o, 100000 - 2 * ORDER_MAX_LANES + 1);
	ck_assert_int_eq(s->n, ORDER_MAX_LANES);
	order_flush_all(&o);
	ck_assert_int_eq(s->n, 3 * ORDER_MAX_LANES);
	for (i = 0; i < s->n; i++)
		ck_assert_uint_eq(s->tid[i], 3 * ORDER_MAX_LANES - 1 - i);
	ck_assert_uint_eq(o.mem, 0);
	ck_assert_uint_eq(o.queued, 0);
	order_exit(&o);
	free(s);
}
END_TEST

/*
 * Records in any order (a damaged time), copied and by reference, with
 * flushes at bounds and a memory limit that delivers early: what is not
 * late comes out sorted by (time, push order), each record once, and the
 * oldest seq still queued is always a lower bound of what comes.
 */
static void shuffled(uint64_t limit, int by_ref)
{
	static uint32_t pay[10000];
	struct seen *s = calloc(1, sizeof(*s));
	struct order o;
	uint64_t x = 88172645463325252ull;
	int i, n = 10000, from = 0;

	order_init(&o, limit, collect, s);
	for (i = 0; i < n; i++) {
		struct pp_record r;
		uint64_t t;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		t = (x % 8 == 0) ? x % 100000 : 1000 + (uint64_t)i * 10 + x % 40;
		pay[i] = (uint32_t)i;
		memset(&r, 0, sizeof(r));
		r.buf = (int)(x >> 40) % 5 - 1;
		r.time = t;
		r.raw = &pay[i];
		r.raw_size = 4;
		if (by_ref)
			ck_assert_int_eq(order_push_ref(&o, &r, (uint64_t)i * 8), 0);
		else
			ck_assert_int_eq(order_push(&o, &r), 0);
		if (i % 997 == 996 || i == n - 1) {
			uint64_t bound = i == n - 1 ? UINT64_MAX : 1000 + (uint64_t)i * 5;
			int k;

			order_flush(&o, bound);
			/* what a flush delivers is older than its bound, and sorted */
			for (k = from; !limit && k < s->n; k++) {
				ck_assert_uint_lt(s->time[k], bound);
				if (k > from)
					ck_assert_msg(s->time[k - 1] < s->time[k] ||
						      (s->time[k - 1] == s->time[k] &&
						       s->tid[k - 1] < s->tid[k]),
						      "record %d at %lu (%u) after %lu (%u)", k,
						      (unsigned long)s->time[k], s->tid[k],
						      (unsigned long)s->time[k - 1], s->tid[k - 1]);
			}
			from = s->n;
		}
	}
	ck_assert_int_eq(s->n, n);
	if (limit)
		ck_assert_uint_gt(o.forced, 0);
	ck_assert_uint_eq(o.mem, 0);
	ck_assert_uint_eq(o.queued, 0);
	ck_assert_uint_eq(order_oldest_seq(&o), UINT64_MAX);
	order_exit(&o);
	free(s);
}

START_TEST(test_shuffled_times)
{
	shuffled(0, 0);
	shuffled(0, 1);
	shuffled(65536, 0);
	shuffled(65536, 1);
}
END_TEST

static Suite *order_suite(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("order");

	tcase_add_test(tc, test_merge_two_streams);
	tcase_add_test(tc, test_ties_keep_push_order);
	tcase_add_test(tc, test_unsorted_stream);
	tcase_add_test(tc, test_memory_bound);
	tcase_add_test(tc, test_push_ref);
	tcase_add_test(tc, test_push_ref_same_pointer);
	tcase_add_test(tc, test_memory_bound_one_two);
	tcase_add_test(tc, test_two_streams_interleaved);
	tcase_add_test(tc, test_early_and_late);
	tcase_add_test(tc, test_buffer_numbers_cost_nothing);
	tcase_add_test(tc, test_shuffled_times);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(order_suite)
