// SPDX-License-Identifier: GPL-2.0-only
/* --replay's paced source: no record before its time, every record once, in order */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include <perf-prof/clock.h>
#include <perf-prof/source.h>

#define NREC	40
#define STEP_NS	5000000ull	/* 5 ms between samples: 195 ms in all */

/* an inner source of NREC samples STEP_NS apart, in batches of 7, a LOST among them */
struct fake {
	struct source s;
	int next, released, closed;
};

static int fake_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	struct fake *f = (struct fake *)s;

	b->n = 0;
	while (f->next < NREC && b->n < 7) {
		struct pp_record *r = &b->rec[b->n];

		memset(r, 0, sizeof(*r));
		r->type = f->next == 20 ? PP_REC_LOST : PP_REC_SAMPLE;
		r->time = 1000000000ull + (uint64_t)f->next * STEP_NS;
		r->tid = (uint32_t)f->next;
		b->seq[b->n++] = (uint64_t)f->next++;
	}
	return b->n;
}

static bool fake_exhausted(struct source *s)
{
	return ((struct fake *)s)->next == NREC;
}

static void fake_release(struct source *s, uint64_t seq)
{
	((struct fake *)s)->released = (int)seq;
}

static void fake_close(struct source *s)
{
	((struct fake *)s)->closed = 1;
}

static const struct source_ops fake_ops = {
	.next = fake_next, .exhausted = fake_exhausted, .release = fake_release,
	.close = fake_close,
};

/* the engine's loop over @s: when each record came, by its tid */
static void drive(struct source *s, uint64_t *came)
{
	struct source_batch b;
	int got = 0, i, n;

	for (;;) {
		n = s->ops->next(s, &b, NULL, 0);
		ck_assert_int_ge(n, 0);
		for (i = 0; i < n; i++) {
			ck_assert_uint_eq(b.rec[i].tid, (uint32_t)got);	/* in order, once */
			ck_assert_uint_eq(b.seq[i], (uint64_t)got);
			came[got++] = pp_clock_now();
		}
		if (n)
			continue;
		if (s->ops->exhausted(s))
			break;
		ck_assert_int_eq(s->ops->wait(s, 1000), 0);
	}
	ck_assert_int_eq(got, NREC);
}

static void paced_at(double speed)
{
	struct fake f = { .s = { .ops = &fake_ops, .name = "fake" } };
	struct source *s = source_paced_open(&f.s, speed);
	uint64_t came[NREC];
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "fake");
	ck_assert_ptr_null(s->ops->stop);	/* what the inner one lacks */
	ck_assert_ptr_nonnull(s->ops->release);
	drive(s, came);
	/* no sample before its time after the first (a late one is the machine's load) */
	for (i = 1; i < NREC; i++)
		if (i != 20)
			ck_assert_msg(came[i] - came[0] >= (uint64_t)(i * STEP_NS / speed) - 1000000,
				      "record %d came %llu ns after the first, before its time", i,
				      (unsigned long long)(came[i] - came[0]));
	s->ops->release(s, 17);
	ck_assert_int_eq(f.released, 17);
	s->ops->close(s);
	ck_assert_int_eq(f.closed, 1);
}

START_TEST(test_paced_as_recorded)
{
	paced_at(1);
}
END_TEST

START_TEST(test_paced_faster)
{
	paced_at(4);
}
END_TEST

static Suite *paced_suite(void)
{
	Suite *s = suite_create("paced");
	TCase *tc = tcase_create("paced");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_paced_as_recorded);
	tcase_add_test(tc, test_paced_faster);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(paced_suite)
