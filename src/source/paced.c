// SPDX-License-Identifier: GPL-2.0-only
/*
 * A recording replayed at its own pace (--replay): the records of another
 * source handed on no sooner than their time, counted from the first
 * record, says, on this machine's clock.  Intervals (-i), which a
 * recording counts on its own clock, then come as they came when it was
 * made, and a screen that shows them (--tui) refreshes as it would live.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <perf-prof/clock.h>
#include <perf-prof/source.h>

/* a wait is cut to this, so that a stop or a key is not kept waiting */
#define PACED_WAIT_MAX_MS	100

struct paced_src {
	struct source_wrap w;
	double speed;			/* recording ns per wall ns */
	bool started;
	uint64_t t0, w0;		/* the first record's time, and the wall time it came */
	struct source_batch held;	/* records read, not yet due */
	int pos;			/* the next of them */
};

/* the wall time record time @t is due, on pp_clock_now()'s clock */
static uint64_t due(const struct paced_src *p, uint64_t t)
{
	return p->w0 + (uint64_t)((double)(t > p->t0 ? t - p->t0 : 0) / p->speed);
}

/* a sample's time decides; other records (a flush, a loss) go with what is due */
static bool is_due(struct paced_src *p, const struct pp_record *r, uint64_t now)
{
	if (r->type != PP_REC_SAMPLE)
		return true;
	if (!p->started) {
		p->started = true;
		p->t0 = r->time;
		p->w0 = now;
	}
	return due(p, r->time) <= now;
}

static int paced_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	struct paced_src *p = (struct paced_src *)s;
	uint64_t now = pp_clock_now();

	if (p->pos >= p->held.n) {
		struct source *in = p->w.in;
		int n = in->ops->next(in, &p->held, err, errlen);

		source_wrap_mirror(&p->w);
		p->pos = 0;
		if (n <= 0) {
			p->held.n = 0;
			return n;
		}
	}
	b->n = 0;
	while (p->pos < p->held.n && is_due(p, &p->held.rec[p->pos], now)) {
		b->rec[b->n] = p->held.rec[p->pos];
		b->seq[b->n++] = p->held.seq[p->pos++];
	}
	return b->n;
}

static bool paced_exhausted(struct source *s)
{
	struct paced_src *p = (struct paced_src *)s;

	return p->pos >= p->held.n && p->w.in->ops->exhausted(p->w.in);
}

/* until the next held record is due, at most @timeout_ms (and PACED_WAIT_MAX_MS) */
static int paced_wait(struct source *s, int timeout_ms)
{
	struct paced_src *p = (struct paced_src *)s;
	uint64_t now = pp_clock_now(), ns = (uint64_t)PACED_WAIT_MAX_MS * 1000000;
	struct timespec ts;

	if (p->pos >= p->held.n)
		return p->w.in->ops->wait ? p->w.in->ops->wait(p->w.in, timeout_ms) : 0;
	if (timeout_ms >= 0 && (uint64_t)timeout_ms * 1000000 < ns)
		ns = (uint64_t)timeout_ms * 1000000;
	if (p->started && due(p, p->held.rec[p->pos].time) < now + ns)
		ns = due(p, p->held.rec[p->pos].time) > now ? due(p, p->held.rec[p->pos].time) - now : 0;
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	nanosleep(&ts, NULL);	/* a signal cuts it short: the engine looks at its stop */
	return 0;
}

struct source *source_paced_open(struct source *in, double speed)
{
	struct paced_src *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	source_wrap_init(&p->w, in);
	p->w.ops.next = paced_next;
	p->w.ops.exhausted = paced_exhausted;
	p->w.ops.wait = paced_wait;
	p->speed = speed > 0 ? speed : 1;
	return &p->w.s;
}
