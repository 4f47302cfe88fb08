/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers for live tests: run perf-prof against a workload, capture output. */
#ifndef PP_TESTS_LIVE_H
#define PP_TESTS_LIVE_H

#include <stdbool.h>
#include <sys/types.h>
#include "textutil.h"

struct run_result {
	int code;		/* exit code, or 128+signal */
	char *out, *err;	/* captured stdout and stderr */
};

/*
 * Start `workload ARGS...` waiting for its go byte, start perf-prof with
 * @pp_args where the string "{PID}" is replaced by the workload's pid,
 * wait for perf-prof's "Tracing" line, release the workload, wait for it;
 * with LIVE_SIGINT, send SIGINT to perf-prof afterwards; with
 * LIVE_STOP_READER, perf-prof is stopped (SIGSTOP) while the workload runs
 * and continued once it exited.  Collect the result.
 */
#define LIVE_SIGINT		1
#define LIVE_STOP_READER	2
/* "{TID}" in @pp_args is a thread of the workload other than its leader */
/* SIGTERM or SIGHUP instead of SIGINT */
#define LIVE_SIGTERM		8
#define LIVE_SIGHUP		16
int live_run(const char *const *pp_args, const char *const *wl_args, int flags,
	     struct run_result *res);
/* run perf-prof with @args and no workload (for error paths) */
int pp_run(const char *const *args, struct run_result *res);
void run_result_free(struct run_result *res);

#endif
