/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live source's events: tracepoints opened with perf_event_open(2)
 * on every CPU, for everything that runs there, for some threads, or for
 * the tasks of some cgroups, and one ring buffer per CPU (per cgroup)
 * that all of them write to, polled with epoll.
 *
 * Threads are traced as perf record traces them: each thread's events on
 * every CPU, with `inherit`, so that the threads it starts carry copies
 * of them from their first instruction (the kernel writes a copy's
 * records into its parent's buffer).  No thread is looked for; none is
 * seen late.
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

/* what the events are opened for, on each of @cpus */
struct evlist_targets {
	const struct id_list *cpus;
	const struct id_list *tids;	/* these threads and those they start */
	const int *cgroup_fds;		/* or the tasks of these cgroups (open dirs) */
	const char *const *cgroup_names;	/* their paths, for messages */
	int ncgroup;			/* neither: every task */
};

struct evlist {
	int nev, ncpu, ntarget;
	struct evlist_event ev[EVLIST_MAX_EVENTS];
	int *cpu;		/* the CPUs, in ring order */
	int *pid;		/* per target: perf_event_open's pid (a tid, a cgroup fd, -1) */
	int *group;		/* per target: its rings are rings[group * ncpu ...] */
	const char *const *cgroup_names;
	bool per_task;		/* targets are threads: the list ends when they all did */
	bool cgroups;
	int pages;
	int *fds;		/* [target][cpu][event] */
	int *pin;		/* per_task: [target] a dummy event not inherited (evlist.c) */
	struct ring *rings;	/* [group][cpu] */
	int nrings;
	bool *hup;		/* per_task: [target][cpu], its event 0 hung up */
	bool clock;		/* CLOCK_MONOTONIC (else perf's clock) */
	bool lost_fmt;		/* read() gives each event's lost records */
	bool inherit_thread;	/* new processes do not inherit (Linux 5.13) */
	int epfd;
	int live;		/* per_task: [target][cpu] entries not hung up */
	int traced;		/* targets opened (threads that had not exited) */
	int verbose;
	struct sample_layout layout;	/* of every event's samples */
};

/*
 * Open @nev events (at most 4) on @tg, disabled.  @pages: data pages per
 * buffer (power of two).  Raises the soft RLIMIT_NOFILE to the hard limit
 * when the descriptors need it.  A thread that exits before it is opened
 * is skipped (el->traced counts the others).
 * On failure: -1 with a one-line message; *exit_code tells 1 (environment:
 * permissions, missing tracepoints) from 2 (the user's input: bad filter,
 * no thread left).
 */
int evlist_open(struct evlist *el, const struct evlist_event *ev, int nev,
		const struct evlist_targets *tg, int pages, int verbose, char *err,
		size_t errlen, int *exit_code);
/* start counting on every open event; 0, or -1 with errno from the first that refused */
int evlist_enable(struct evlist *el);
/* stop every event (what the rings hold stays readable); errors ignored */
void evlist_disable(struct evlist *el);
/*
 * Wait up to @timeout_ms for data.  Returns the number of ready
 * descriptors (0 on timeout), -1 on EINTR.  Counts the threads that
 * hung up (exited, with every thread they started).
 */
int evlist_poll(struct evlist *el, int timeout_ms);
/*
 * Records the kernel counted lost on ring @i over the whole run, those it
 * never got to report in the ring included; -1 if it cannot say (< 6.0).
 */
int64_t evlist_lost(struct evlist *el, int i);
/* unmap the rings, close the events, free @el's arrays (@el itself is the caller's) */
void evlist_close(struct evlist *el);

#endif
