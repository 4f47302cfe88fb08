/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live source: tracepoints opened with perf_event_open(2) per CPU or
 * per thread, one ring buffer per CPU/thread shared by all events (so a
 * thread's begin and end records stay in order in one buffer), polled
 * with epoll.
 */
#ifndef PERF_PROF_EVLIST_H
#define PERF_PROF_EVLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/idlist.h>
#include <perf-prof/ring.h>

/* events one evlist opens: begin, end and what --detail, --vmm, --offcpu read */
#define EVLIST_MAX_EVENTS	12

struct evlist_event {
	int id;			/* tracepoint id (tracefs events/.../id) */
	const char *name;	/* "kvm:kvm_exit", for messages */
	const char *filter;	/* kernel filter expression or NULL */
	bool switches;		/* also emit context-switch records */
};

struct evlist {
	bool per_thread;
	int nev, ntarget, cap;	/* cap: targets the arrays have room for */
	struct evlist_event ev[EVLIST_MAX_EVENTS];
	int pages;
	int *fds;		/* [target][event] */
	struct ring *rings;	/* one per target */
	int *target_of;		/* ring -> its target, the row of fds[][] */
	int nrings;
	bool clock;		/* CLOCK_MONOTONIC (else perf's clock) */
	bool lost_fmt;		/* read() gives each event's lost records */
	bool enabled;		/* added threads start enabled */
	int epfd;
	int live;		/* rings not yet hung up */
	int verbose;
	struct sample_layout layout;	/* of every event's samples */
};

/*
 * Open @nev events on every CPU in @cpus, or on every thread in @tids
 * when @cpus is NULL (at most 4 events).  @pages: data pages per buffer
 * (power of two).  Raises the soft RLIMIT_NOFILE to the hard limit when
 * the descriptors need it.
 * On failure: -1 with a one-line message; *exit_code tells 1 (environment:
 * permissions, missing tracepoints) from 2 (the user's input: bad filter,
 * vanished thread).
 */
int evlist_open(struct evlist *el, const struct evlist_event *ev, int nev,
		const struct id_list *cpus, const struct id_list *tids, int pages,
		int verbose, char *err, size_t errlen, int *exit_code);
/*
 * A thread born after evlist_open() (per-thread lists): its events and
 * buffer, enabled if the list is.  0, 1 if it already exited, -1 with a
 * message.
 */
int evlist_add_thread(struct evlist *el, int tid, char *err, size_t errlen);
int evlist_enable(struct evlist *el);
void evlist_disable(struct evlist *el);
/*
 * Wait up to @timeout_ms for data.  Returns the number of ready rings (0 on
 * timeout), -1 on EINTR.  Marks hung-up rings (traced task exited).
 */
int evlist_poll(struct evlist *el, int timeout_ms);
/*
 * Records the kernel counted lost on ring @i over the whole run, those it
 * never got to report in the ring included; -1 if it cannot say (< 6.0).
 */
int64_t evlist_lost(struct evlist *el, int i);
void evlist_close(struct evlist *el);

#endif
