/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a run learns that it should end before its source does: a signal
 * (SIGINT, SIGTERM, SIGHUP), a failed write to the output.  The command
 * line owns the flag and its signal handlers (cli/main.c) and hands this
 * down; the engine, the output and a blocked read only ask it.
 */
#ifndef PERF_PROF_STOP_H
#define PERF_PROF_STOP_H

#include <stdbool.h>

struct pp_stop {
	/* has the end been asked for? */
	bool (*stopping)(void);
	/* ask for it (the output failed) */
	void (*request)(void);
	/*
	 * From now on the stop signals ask for the end instead of ending
	 * the process: called once a run is about to read its source.
	 */
	void (*arm)(void);
};

#endif
