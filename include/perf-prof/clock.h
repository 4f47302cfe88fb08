/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event times and the wall clock.  Live events are stamped with
 * CLOCK_MONOTONIC (evlist.c asks for it), so "now" on the event clock is
 * pp_clock_now(), and a wall-clock time is the event time plus the offset
 * measured when tracing starts.  A recording's times are another
 * machine's, or another boot's: they are printed as they are.
 */
#ifndef PERF_PROF_CLOCK_H
#define PERF_PROF_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct pp_clock {
	bool wall;			/* event times are this machine's, now */
	int64_t realtime_offset;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, when wall */
};

/* CLOCK_MONOTONIC in ns: the live event clock, now */
uint64_t pp_clock_now(void);
/* a wall clock for live events: the offset, measured now */
void pp_clock_calibrate(struct pp_clock *c);

/* wall-clock ns of event time @t (meaningful when c->wall) */
static inline uint64_t pp_clock_realtime(const struct pp_clock *c, uint64_t t)
{
	return t + (uint64_t)c->realtime_offset;
}

#endif
