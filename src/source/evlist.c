// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <perf-prof/evlist.h>
#include <perf-prof/proc.h>

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			       int group_fd, unsigned long flags)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}

/* what a sample carries: perf record's layout, which sample_decode() reads fastest */
#define SAMPLE_TYPE	(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_RAW)

static void fill_attr(struct perf_event_attr *attr, int id, bool clock, int pages)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_TRACEPOINT;
	attr->config = id;
	attr->sample_period = 1;
	attr->sample_type = SAMPLE_TYPE;
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

/* descriptors a list of @ntarget targets needs: its events', and a margin
 * for stdio, epoll and the files the run reads */
static int fds_needed(int nev, int ntarget)
{
	return nev * ntarget + 16;
}

/*
 * What the kernel's refusal of perf_event_open means, and which setting
 * would change its answer.  The kernel decides (root, CAP_PERFMON,
 * perf_event_paranoid, the ptrace rules); this only names the knobs.
 */
static void open_hint(int e, const struct evlist *el, char *buf, size_t len)
{
	struct rlimit rl;

	switch (e) {
	case EACCES:
	case EPERM:
		snprintf(buf, len, " (needs root or CAP_PERFMON, or kernel.perf_event_paranoid "
			 "at -1: it is %ld)",
			 read_file_long("/proc/sys/kernel/perf_event_paranoid", 2));
		break;
	case ENOENT:
	case ENODEV:
		snprintf(buf, len, " (tracepoint not available on this kernel)");
		break;
	case EMFILE:
		getrlimit(RLIMIT_NOFILE, &rl);
		snprintf(buf, len, " (%d descriptors needed; ulimit -n (RLIMIT_NOFILE) is %lu: "
			 "raise it)", fds_needed(el->nev, el->ntarget), (unsigned long)rl.rlim_cur);
		break;
	case ENFILE:
		snprintf(buf, len, " (the system's file table is full: fs.file-max)");
		break;
	default:
		buf[0] = 0;
	}
}

/*
 * A refused ring buffer: the setting that decides it.  The kernel says
 * EPERM past the locked-memory limits; ENOMEM when the mapping does not
 * fit the address space (ulimit -v) or the buffer cannot be allocated.
 */
static void mmap_hint(int e, int pages, char *buf, size_t len)
{
	long kb = read_file_long("/proc/sys/kernel/perf_event_mlock_kb", 516);
	unsigned long need = (pages + 1ul) * (getpagesize() >> 10);
	struct rlimit rl;

	buf[0] = 0;
	if (e == ENOMEM && getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(buf, len, " (address space: ulimit -v (RLIMIT_AS) is %lu KB and each "
			 "buffer maps %lu KB: lower -m (now %d) or raise it)",
			 (unsigned long)(rl.rlim_cur >> 10), need, pages);
	else if (e == ENOMEM)
		snprintf(buf, len, " (the kernel could not allocate a buffer of %lu KB: lower -m "
			 "(now %d))", need, pages);
	if (e != EPERM)
		return;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(buf, len, " (locked memory: kernel.perf_event_mlock_kb is %ld KB a CPU, "
			 "ulimit -l (RLIMIT_MEMLOCK) is %lu KB: lower -m (now %d) or raise them)",
			 kb, (unsigned long)(rl.rlim_cur >> 10), pages);
	else
		snprintf(buf, len, " (locked memory: kernel.perf_event_mlock_kb is %ld KB a CPU: "
			 "lower -m (now %d) or raise it)", kb, pages);
}

/*
 * Every target needs nev descriptors: raise the soft RLIMIT_NOFILE to
 * the hard one up front when the default would run out (a VM's threads
 * on many CPUs), as the limit is there to be raised by the process.
 */
static void raise_nofile(int need, int verbose)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= (rlim_t)need ||
	    rl.rlim_cur == rl.rlim_max)
		return;
	if (verbose)
		fprintf(stderr, "raising the open file limit from %lu to %lu for %d descriptors\n",
			(unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max, need);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
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

/* close what target @t has open */
static void close_target(struct evlist *el, int t, struct ring *r)
{
	int e;

	if (r->meta) {
		epoll_ctl(el->epfd, EPOLL_CTL_DEL, r->fd, NULL);
		ring_unmap(r);
		memset(r, 0, sizeof(*r));
	}
	for (e = 0; e < el->nev; e++) {
		if (el->fds[t * el->nev + e] >= 0)
			close(el->fds[t * el->nev + e]);
		el->fds[t * el->nev + e] = -1;
	}
}

/* a filter in a message: all of it, or its start and its length */
#define FILTER_SHOWN	80
static void filter_quote(const char *f, char *buf, size_t len)
{
	size_t n = strlen(f);

	if (n <= FILTER_SHOWN)
		snprintf(buf, len, "'%s'", f);
	else
		snprintf(buf, len, "'%.*s...' (%zu bytes)", FILTER_SHOWN, f, n);
}

/*
 * Event @e on target @t (a CPU, or a thread when @cpu is -1), its filter
 * set.  The fd, or -1 with a message and *exit_code; -2 when the thread
 * already exited.
 */
static int open_event(struct evlist *el, int e, int cpu, int tid, char *err, size_t errlen,
		      int *exit_code)
{
	const struct evlist_event *ev = &el->ev[e];
	struct perf_event_attr attr;
	char hint[256];
	int fd;

	fill_attr(&attr, ev->id, el->clock, el->pages);
	if (!el->lost_fmt)
		attr.read_format = 0;
	attr.context_switch = ev->switches;
	attr.disabled = !el->enabled;
	fd = open_one(&attr, tid, cpu);
	if (fd < 0) {
		int saved = errno;

		if (saved == ESRCH)
			return -2;	/* a -p thread that ended since we listed it */
		open_hint(saved, el, hint, sizeof(hint));
		snprintf(err, errlen, "perf_event_open %s on %s %d: %s%s", ev->name,
			 cpu >= 0 ? "CPU" : "thread", cpu >= 0 ? cpu : tid, strerror(saved), hint);
		*exit_code = 1;
		return -1;
	}
	el->clock = attr.use_clockid;
	el->lost_fmt = attr.read_format != 0;
	if (ev->filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, ev->filter) < 0) {
		int saved = errno;
		char q[FILTER_SHOWN + 48];

		filter_quote(ev->filter, q, sizeof(q));
		/* any answer but ENOMEM is about the filter, even EPERM (a ';') */
		if (saved == ENOMEM)
			snprintf(err, errlen, "cannot set filter %s on %s: %s", q, ev->name,
				 strerror(saved));
		else
			snprintf(err, errlen, "invalid filter %s on %s (the kernel refused it: %s)",
				 q, ev->name, strerror(saved));
		close(fd);
		*exit_code = saved == ENOMEM ? 1 : 2;
		return -1;
	}
	return fd;
}

/* the ring buffer of target @t on its first event's @fd, polled; 0 or -1 + message */
static int attach_ring(struct evlist *el, struct ring *r, int fd, int cpu, int tid, char *err,
		       size_t errlen)
{
	struct epoll_event eev;
	char hint[256];

	if (ring_mmap(r, fd, el->pages, err, errlen) < 0) {
		size_t n = strlen(err);

		mmap_hint(errno, el->pages, hint, sizeof(hint));
		snprintf(err + n, errlen - n, "%s", hint);
		return -1;
	}
	r->idx = el->nrings;
	r->layout = &el->layout;
	r->cpu = cpu;
	r->tid = tid;
	eev.events = EPOLLIN;
	eev.data.u32 = el->nrings;
	if (epoll_ctl(el->epfd, EPOLL_CTL_ADD, fd, &eev) < 0) {
		snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Open every event on target @t (a CPU, or a thread when @cpu is -1) with
 * one ring buffer: the first event's, the others' output redirected to
 * it.  0 opened, 1 skipped (a thread that already exited), -1 error with
 * a message and *exit_code.
 */
static int open_target(struct evlist *el, int t, int cpu, int tid, char *err, size_t errlen,
		       int *exit_code)
{
	struct ring *r = &el->rings[el->nrings];
	int e, fd;

	for (e = 0; e < el->nev; e++) {
		fd = open_event(el, e, cpu, tid, err, errlen, exit_code);
		if (fd == -2) {
			if (el->verbose)
				fprintf(stderr, "thread %d exited before it could be traced: "
					"skipped\n", tid);
			close_target(el, t, r);
			return 1;
		}
		if (fd < 0)
			goto fail;
		el->fds[t * el->nev + e] = fd;
		*exit_code = 1;
		if (e == 0 && attach_ring(el, r, fd, cpu, tid, err, errlen) < 0)
			goto fail;
		if (e > 0 && ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, el->fds[t * el->nev]) < 0) {
			snprintf(err, errlen, "PERF_EVENT_IOC_SET_OUTPUT: %s", strerror(errno));
			goto fail;
		}
	}
	el->target_of[el->nrings] = t;
	el->nrings++;
	if (el->verbose)
		fprintf(stderr, "opened %d events on %s %d: buffer %d, %d pages%s\n",
			el->nev, cpu >= 0 ? "CPU" : "thread", cpu >= 0 ? cpu : tid, r->idx,
			el->pages, el->clock ? ", CLOCK_MONOTONIC" : ", perf clock");
	return 0;
fail:
	close_target(el, t, r);
	return -1;
}

int evlist_open(struct evlist *el, const struct evlist_event *ev, int nev,
		const struct id_list *cpus, const struct id_list *tids, int pages,
		int verbose, char *err, size_t errlen, int *exit_code)
{
	int t;

	memset(el, 0, sizeof(*el));
	el->epfd = -1;
	el->verbose = verbose;
	el->per_thread = cpus == NULL;
	el->nev = nev;
	el->pages = pages;
	el->clock = true;
	el->lost_fmt = true;
	sample_layout_init(&el->layout, SAMPLE_TYPE, PERF_FORMAT_LOST, true);
	memcpy(el->ev, ev, sizeof(*ev) * nev);
	el->ntarget = cpus ? cpus->n : tids->n;
	el->cap = el->ntarget ? el->ntarget : 1;
	el->fds = malloc(sizeof(int) * nev * el->cap);
	el->rings = calloc(el->cap, sizeof(struct ring));
	el->target_of = calloc(el->cap, sizeof(int));
	if (!el->fds || !el->rings || !el->target_of) {
		snprintf(err, errlen, "out of memory");
		goto fail1;
	}
	for (t = 0; t < nev * el->ntarget; t++)
		el->fds[t] = -1;
	raise_nofile(fds_needed(nev, el->ntarget), verbose);
	el->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (el->epfd < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		goto fail1;
	}
	for (t = 0; t < el->ntarget; t++)
		if (open_target(el, t, cpus ? cpus->id[t] : -1, cpus ? -1 : tids->id[t], err, errlen,
				exit_code) < 0)
			goto fail;
	if (!el->nrings) {
		snprintf(err, errlen, "every thread to trace has exited");
		*exit_code = 2;
		goto fail;
	}
	el->live = el->nrings;
	return 0;
fail:
	evlist_close(el);
	return -1;
fail1:
	*exit_code = 1;
	evlist_close(el);
	return -1;
}

int evlist_add_thread(struct evlist *el, int tid, char *err, size_t errlen)
{
	int code, t, r;

	if (el->ntarget == el->cap) {
		int ncap = el->cap * 2, i;
		int *fds = realloc(el->fds, sizeof(int) * el->nev * ncap);
		struct ring *rings;
		int *tof;

		if (fds)
			el->fds = fds;
		rings = fds ? realloc(el->rings, sizeof(*rings) * ncap) : NULL;
		if (rings)
			el->rings = rings;
		tof = rings ? realloc(el->target_of, sizeof(int) * ncap) : NULL;
		if (!tof) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		el->target_of = tof;
		memset(el->rings + el->cap, 0, sizeof(*rings) * (ncap - el->cap));
		for (i = el->nev * el->cap; i < el->nev * ncap; i++)
			el->fds[i] = -1;
		el->cap = ncap;
	}
	t = el->ntarget++;
	raise_nofile(fds_needed(el->nev, el->ntarget), el->verbose);
	r = open_target(el, t, -1, tid, err, errlen, &code);
	if (r != 0) {
		el->ntarget--;
		return r;
	}
	el->live++;
	return 0;
}

int evlist_enable(struct evlist *el)
{
	int i;

	for (i = 0; i < el->nev * el->ntarget; i++)
		if (el->fds[i] >= 0 && ioctl(el->fds[i], PERF_EVENT_IOC_ENABLE, 0) < 0)
			return -1;
	el->enabled = true;
	return 0;
}

void evlist_disable(struct evlist *el)
{
	int i;

	el->enabled = false;
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
