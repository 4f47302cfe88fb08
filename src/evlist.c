// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <perf-prof/evlist.h>
#include <perf-prof/tracefs.h>

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			       int group_fd, unsigned long flags)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}

static void fill_attr(struct perf_event_attr *attr, int id, bool clock, int pages)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_TRACEPOINT;
	attr->config = id;
	attr->sample_period = 1;
	attr->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			    PERF_SAMPLE_RAW;
	attr->sample_id_all = 1;
	attr->disabled = 1;
	/*
	 * The kernel reports lost records in the ring only when it next has
	 * room: what a thread loses just before it exits is never reported
	 * there.  read() with PERF_FORMAT_LOST (Linux 6.0) gives the count.
	 */
	attr->read_format = PERF_FORMAT_LOST;
	/*
	 * Wake the reader when a quarter of the buffer is filled, not per
	 * event.  Every wakeup is an irq_work raised by a self-IPI, which in a
	 * guest is a VM exit: per-event wakeups slowed a getppid storm traced
	 * with -p from 21 M/s to 0.13 M/s (bench/run, docs/performance.md);
	 * with the watermark it runs at 3-4 M/s, as under perf record.  The
	 * engine polls with a timeout, so a quiet buffer is still read.  The
	 * price: a burst faster than the reader gets a CPU overflows a small
	 * buffer instead of being slowed down to the reader's pace.
	 */
	attr->watermark = 1;
	attr->wakeup_watermark = (uint32_t)((size_t)pages * (size_t)sysconf(_SC_PAGESIZE) / 4);
	/* CLOCK_MONOTONIC lets the merge compare event times with "now" */
	if (clock) {
		attr->use_clockid = 1;
		attr->clockid = CLOCK_MONOTONIC;
	}
}

static const char *open_hint(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return " (run as root, or lower /proc/sys/kernel/perf_event_paranoid to -1)";
	case ENOENT:
	case ENODEV:
		return " (tracepoint not available on this kernel)";
	case EMFILE:
		return " (too many open files: raise ulimit -n)";
	default:
		return "";
	}
}

static int open_one(struct perf_event_attr *attr, int tid, int cpu)
{
	int fd = sys_perf_event_open(attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	/* kernels before 6.0 have no PERF_FORMAT_LOST: do without the count */
	if (fd < 0 && errno == EINVAL && attr->read_format) {
		attr->read_format = 0;
		fd = sys_perf_event_open(attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	}
	/* kernels before 4.1 have no use_clockid: fall back to perf_clock */
	if (fd < 0 && errno == EINVAL && attr->use_clockid) {
		attr->use_clockid = 0;
		attr->clockid = 0;
		fd = sys_perf_event_open(attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	}
	return fd;
}

int evlist_open(struct evlist *el, const struct evlist_event *ev, int nev,
		const struct id_list *cpus, const struct id_list *tids, int pages,
		int verbose, char *err, size_t errlen, int *exit_code)
{
	struct perf_event_attr attr;
	struct epoll_event eev;
	int t, e, fd;
	bool clock = true, lostfmt = true;

	memset(el, 0, sizeof(*el));
	el->epfd = -1;
	el->verbose = verbose;
	el->per_thread = cpus == NULL;
	el->nev = nev;
	el->ntarget = cpus ? cpus->n : tids->n;
	el->fds = malloc(sizeof(int) * nev * el->ntarget);
	el->rings = calloc(el->ntarget, sizeof(struct ring));
	el->target_of = calloc(el->ntarget, sizeof(int));
	if (!el->fds || !el->rings || !el->target_of) {
		snprintf(err, errlen, "out of memory");
		goto fail1;
	}
	for (t = 0; t < nev * el->ntarget; t++)
		el->fds[t] = -1;
	el->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (el->epfd < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		goto fail1;
	}
	for (t = 0; t < el->ntarget; t++) {
		int cpu = cpus ? cpus->id[t] : -1;
		int tid = cpus ? -1 : tids->id[t];
		struct ring *r = &el->rings[el->nrings];

		for (e = 0; e < nev; e++) {
			fill_attr(&attr, ev[e].id, clock, pages);
			if (!lostfmt)
				attr.read_format = 0;
			attr.context_switch = ev[e].switches;
			fd = open_one(&attr, tid, cpu);
			if (fd < 0) {
				int saved = errno;

				if (saved == ESRCH) {
					/* a -p thread that ended since we listed it */
					if (verbose)
						fprintf(stderr, "thread %d exited before it could be "
							"traced: skipped\n", tid);
					if (r->meta) {
						epoll_ctl(el->epfd, EPOLL_CTL_DEL, r->fd, NULL);
						ring_unmap(r);
						memset(r, 0, sizeof(*r));
					}
					while (e-- > 0) {
						close(el->fds[t * nev + e]);
						el->fds[t * nev + e] = -1;
					}
					goto next_target;
				} else {
					snprintf(err, errlen, "perf_event_open %s on %s %d: %s%s",
						 ev[e].name, cpus ? "CPU" : "thread",
						 cpus ? cpu : tid, strerror(saved), open_hint(saved));
					*exit_code = 1;
				}
				goto fail;
			}
			clock = attr.use_clockid;
			lostfmt = attr.read_format != 0;
			el->fds[t * nev + e] = fd;
			if (ev[e].filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, ev[e].filter) < 0) {
				snprintf(err, errlen, "the kernel rejected filter '%s' on %s: %s",
					 ev[e].filter, ev[e].name, strerror(errno));
				*exit_code = 2;
				goto fail;
			}
			if (e == 0) {
				if (ring_mmap(r, fd, pages, err, errlen) < 0) {
					*exit_code = 1;
					goto fail;
				}
				r->idx = el->nrings;
				r->cpu = cpu;
				r->tid = tid;
				eev.events = EPOLLIN;
				eev.data.u32 = el->nrings;
				if (epoll_ctl(el->epfd, EPOLL_CTL_ADD, fd, &eev) < 0) {
					snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
					*exit_code = 1;
					goto fail;
				}
			} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, el->fds[t * nev]) < 0) {
				snprintf(err, errlen, "PERF_EVENT_IOC_SET_OUTPUT: %s", strerror(errno));
				*exit_code = 1;
				goto fail;
			}
		}
		el->target_of[el->nrings] = t;
		el->nrings++;
		if (verbose)
			fprintf(stderr, "opened %d events on %s %d: buffer %d, %d pages%s\n",
				nev, cpus ? "CPU" : "thread", cpus ? cpu : tid, r->idx, pages,
				clock ? ", CLOCK_MONOTONIC" : ", perf clock");
next_target:
		;
	}
	if (!el->nrings) {
		snprintf(err, errlen, "every thread to trace has exited");
		*exit_code = 2;
		goto fail;
	}
	el->live = el->nrings;
	el->lost_fmt = lostfmt;
	return 0;
fail:
	evlist_close(el);
	return -1;
fail1:
	*exit_code = 1;
	evlist_close(el);
	return -1;
}

int evlist_enable(struct evlist *el)
{
	int i;

	for (i = 0; i < el->nev * el->ntarget; i++)
		if (el->fds[i] >= 0 && ioctl(el->fds[i], PERF_EVENT_IOC_ENABLE, 0) < 0)
			return -1;
	return 0;
}

void evlist_disable(struct evlist *el)
{
	int i;

	for (i = 0; i < el->nev * el->ntarget; i++)
		if (el->fds[i] >= 0)
			ioctl(el->fds[i], PERF_EVENT_IOC_DISABLE, 0);
}

int evlist_poll(struct evlist *el, int timeout_ms)
{
	struct epoll_event evs[64];
	int n, i;

	n = epoll_wait(el->epfd, evs, 64, timeout_ms);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct ring *r = &el->rings[evs[i].data.u32];

		if ((evs[i].events & (EPOLLHUP | EPOLLERR)) && !r->hup) {
			r->hup = true;
			el->live--;
			/* stop reporting it; its data is still readable */
			epoll_ctl(el->epfd, EPOLL_CTL_DEL, r->fd, NULL);
		}
	}
	return n;
}

int64_t evlist_lost(struct evlist *el, int i)
{
	int64_t sum = 0;
	int e;

	if (!el->lost_fmt)
		return -1;
	for (e = 0; e < el->nev; e++) {
		int fd = el->fds[el->target_of[i] * el->nev + e];
		uint64_t v[2];	/* read_format PERF_FORMAT_LOST: value, lost */

		if (fd < 0 || read(fd, v, sizeof(v)) != (ssize_t)sizeof(v))
			return -1;
		sum += (int64_t)v[1];
	}
	return sum;
}

void evlist_close(struct evlist *el)
{
	int i;

	if (el->rings)
		for (i = 0; i < el->ntarget; i++)
			ring_unmap(&el->rings[i]);
	if (el->fds)
		for (i = 0; i < el->nev * el->ntarget; i++)
			if (el->fds[i] >= 0)
				close(el->fds[i]);
	if (el->epfd >= 0)
		close(el->epfd);
	free(el->fds);
	free(el->rings);
	free(el->target_of);
	memset(el, 0, sizeof(*el));
	el->epfd = -1;
}
