// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stop flag of a run and its signal handlers (stop.h): SIGINT, SIGTERM
 * and SIGHUP end a run after its last table once it reads its source.
 * The one mutable state at file scope of the program.
 */
#include <signal.h>
#include <string.h>
#include <perf-prof/commands.h>
#include <perf-prof/stop.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	stop_flag = 1;
}

static bool stopping(void)
{
	return stop_flag != 0;
}

static void request_stop(void)
{
	stop_flag = 1;
}

/* a run is about to read its source: a stop signal now ends the run, after the last table */
static void arm(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake epoll_wait, end a blocked write */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the terminal went away: the final table still; under nohup, nothing */
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
}

const struct pp_stop *stop_signals(void)
{
	static const struct pp_stop stop = { stopping, request_stop, arm };

	return &stop;
}
