// SPDX-License-Identifier: GPL-2.0-only
#include <time.h>
#include <perf-prof/clock.h>

uint64_t pp_clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void pp_clock_calibrate(struct pp_clock *c)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	c->wall = true;
	c->realtime_offset = (int64_t)(rt.tv_sec - mono.tv_sec) * 1000000000ll +
			     (rt.tv_nsec - mono.tv_nsec);
}
