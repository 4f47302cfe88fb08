// SPDX-License-Identifier: GPL-2.0-only
/*
 * How long a live run lasts (--duration TIME, -- COMMAND): the source ends
 * once the time has passed or the command has ended, and the run prints
 * its last table as at the end of a recording.
 */
#include <stdlib.h>
#include <perf-prof/clock.h>
#include <perf-prof/source.h>
#include <perf-prof/workload.h>

/* while a command runs, a wait is cut to this, to see it end */
#define RUNLEN_POLL_MS	50

struct runlen_src {
	struct source_wrap w;
	uint64_t duration, deadline;	/* ns; 0: none */
	struct workload *cmd;
};

static bool over(struct runlen_src *r)
{
	return (r->deadline && pp_clock_now() >= r->deadline) ||
	       (r->cmd && workload_done(r->cmd, NULL));
}

/* the inner source started (events enabled): the clock runs, the command execs */
static int runlen_start(struct source *s, char *err, size_t errlen)
{
	struct runlen_src *r = (struct runlen_src *)s;
	struct source *in = r->w.in;
	int code = in->ops->start ? in->ops->start(in, err, errlen) : 0;

	source_wrap_mirror(&r->w);
	if (code)
		return code;
	if (r->duration)
		r->deadline = pp_clock_now() + r->duration;
	if (r->cmd && workload_start(r->cmd, err, errlen) < 0)
		return 1;
	return 0;
}

static bool runlen_exhausted(struct source *s)
{
	struct runlen_src *r = (struct runlen_src *)s;

	return over(r) || r->w.in->ops->exhausted(r->w.in);
}

/* no longer than the time left, nor, while the command runs, RUNLEN_POLL_MS */
static int runlen_wait(struct source *s, int timeout_ms)
{
	struct runlen_src *r = (struct runlen_src *)s;
	uint64_t now = pp_clock_now();

	if (over(r))
		return 0;
	if (r->deadline) {
		int left = (int)((r->deadline - now + 999999) / 1000000);

		if (timeout_ms < 0 || left < timeout_ms)
			timeout_ms = left;
	}
	if (r->cmd && (timeout_ms < 0 || timeout_ms > RUNLEN_POLL_MS))
		timeout_ms = RUNLEN_POLL_MS;
	return r->w.in->ops->wait(r->w.in, timeout_ms);
}

static void runlen_close(struct source *s)
{
	struct runlen_src *r = (struct runlen_src *)s;

	workload_free(r->cmd);
	r->w.in->ops->close(r->w.in);
	free(r);
}

struct source *source_runlen_open(struct source *in, uint64_t duration_ns, struct workload *cmd)
{
	struct runlen_src *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	source_wrap_init(&r->w, in);
	r->w.ops.start = runlen_start;
	r->w.ops.exhausted = runlen_exhausted;
	r->w.ops.wait = runlen_wait;
	r->w.ops.close = runlen_close;
	r->duration = duration_ns;
	r->cmd = cmd;
	return &r->w.s;
}
