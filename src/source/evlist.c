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

/*
 * descriptors the events need (and a thread its dummy, open_pin()), and a
 * margin for stdio, epoll and the files the run reads
 */
static int fds_needed(const struct evlist *el)
{
	return el->nev * el->ntarget * el->ncpu + (el->per_task ? el->ntarget : 0) + 16;
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
			 "raise it)", fds_needed(el), (unsigned long)rl.rlim_cur);
		break;
	case ENFILE:
		snprintf(buf, len, " (the system's file table is full: fs.file-max)");
		break;
	case EBADF:
		/* the kernel finds no perf_event controller on the directory's hierarchy */
		snprintf(buf, len, el->cgroups ? " (-G needs the perf_event controller on the "
			 "cgroup v2 hierarchy; it is mounted as cgroup v1 here)" : "");
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

/*
 * perf_event_open, without what an older kernel refuses: PERF_FORMAT_LOST
 * (6.0: the kernel's own lost count), inherit_thread (5.13: processes the
 * thread forks inherit too; live.c drops their records), use_clockid (4.1:
 * perf's clock)
 */
static int open_one(struct perf_event_attr *attr, int pid, int cpu, unsigned long flags)
{
	int fd = sys_perf_event_open(attr, pid, cpu, -1, flags);

	if (fd < 0 && errno == EINVAL && attr->read_format) {
		attr->read_format = 0;
		fd = sys_perf_event_open(attr, pid, cpu, -1, flags);
	}
	if (fd < 0 && errno == EINVAL && attr->inherit_thread) {
		attr->inherit_thread = 0;
		fd = sys_perf_event_open(attr, pid, cpu, -1, flags);
	}
	if (fd < 0 && errno == EINVAL && attr->use_clockid) {
		attr->use_clockid = 0;
		attr->clockid = 0;
		fd = sys_perf_event_open(attr, pid, cpu, -1, flags);
	}
	return fd;
}

/* "thread 123", "cgroup machine.slice", "CPU 1" */
static void target_name(const struct evlist *el, int t, int cpu, char *buf, size_t len)
{
	if (el->per_task)
		snprintf(buf, len, "thread %d on CPU %d", el->pid[t], cpu);
	else if (el->cgroups)
		snprintf(buf, len, "cgroup %s on CPU %d", el->cgroup_names[t], cpu);
	else
		snprintf(buf, len, "CPU %d", cpu);
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
 * Event @e of target @t on CPU index @c, its filter set.  The fd, or -1
 * with a message and *exit_code; -2 when the thread has exited.
 */
static int open_event(struct evlist *el, int e, int t, int c, char *err, size_t errlen,
		      int *exit_code)
{
	const struct evlist_event *ev = &el->ev[e];
	struct perf_event_attr attr;
	char hint[256], what[320];
	int fd;

	fill_attr(&attr, ev->id, el->clock, el->pages);
	if (!el->lost_fmt)
		attr.read_format = 0;
	attr.context_switch = ev->switches;
	/* the threads a traced thread starts are traced from their first event */
	attr.inherit = el->per_task;
	attr.inherit_thread = el->per_task && el->inherit_thread;
	fd = open_one(&attr, el->pid[t], el->cpu[c],
		      PERF_FLAG_FD_CLOEXEC | (el->cgroups ? PERF_FLAG_PID_CGROUP : 0));
	if (fd < 0) {
		int saved = errno;

		if (saved == ESRCH && el->per_task)
			return -2;	/* a thread that ended since it was listed */
		open_hint(saved, el, hint, sizeof(hint));
		target_name(el, t, el->cpu[c], what, sizeof(what));
		snprintf(err, errlen, "perf_event_open %s on %s: %s%s", ev->name, what,
			 strerror(saved), hint);
		*exit_code = 1;
		return -1;
	}
	el->clock = attr.use_clockid;
	el->lost_fmt = attr.read_format != 0;
	el->inherit_thread = attr.inherit_thread;
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

/* ring @r mapped on @fd, the first event opened for its CPU (and cgroup) */
static int map_ring(struct evlist *el, struct ring *r, int fd, int cpu, char *err,
		    size_t errlen)
{
	char hint[256];

	if (ring_mmap(r, fd, el->pages, err, errlen) < 0) {
		size_t n = strlen(err);

		mmap_hint(errno, el->pages, hint, sizeof(hint));
		snprintf(err + n, errlen - n, "%s", hint);
		return -1;
	}
	r->idx = (int)(r - el->rings);
	r->layout = &el->layout;
	r->cpu = cpu;
	r->tid = -1;
	return 0;
}

/* epoll watches @fd as entry @slot ([target][cpu]): data, and a thread's hang-up */
static int watch(struct evlist *el, int fd, uint32_t slot, char *err, size_t errlen)
{
	struct epoll_event eev;

	eev.events = EPOLLIN;
	eev.data.u32 = slot;
	if (epoll_ctl(el->epfd, EPOLL_CTL_ADD, fd, &eev) < 0) {
		snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	if (el->per_task)
		el->live++;
	return 0;
}

/*
 * Every event of target @t on CPU index @c, written to the ring of its
 * group on that CPU (mapped on the first).  0, 1 when the thread has
 * exited, -1 with a message and *exit_code.
 */
static int open_on_cpu(struct evlist *el, int t, int c, char *err, size_t errlen,
		       int *exit_code)
{
	struct ring *r = &el->rings[el->group[t] * el->ncpu + c];
	int *fds = &el->fds[(t * el->ncpu + c) * el->nev];
	int e;

	for (e = 0; e < el->nev; e++) {
		fds[e] = open_event(el, e, t, c, err, errlen, exit_code);
		if (fds[e] == -2) {
			fds[e] = -1;
			return 1;
		}
		if (fds[e] < 0)
			return -1;
		*exit_code = 1;
		if (!r->meta) {
			if (map_ring(el, r, fds[e], el->cpu[c], err, errlen) < 0)
				return -1;
			if (!el->per_task && watch(el, fds[e], c, err, errlen) < 0)
				return -1;
		} else if (ioctl(fds[e], PERF_EVENT_IOC_SET_OUTPUT, r->fd) < 0) {
			snprintf(err, errlen, "PERF_EVENT_IOC_SET_OUTPUT: %s", strerror(errno));
			return -1;
		}
	}
	/* each thread's events hang up when it and the threads it started have exited */
	if (el->per_task && watch(el, fds[0], t * el->ncpu + c, err, errlen) < 0)
		return -1;
	return 0;
}

/*
 * A traced thread's context and those its threads inherit must not be
 * clones.  While they are, the kernel may swap whole contexts between
 * parent and child at a context switch instead of switching events out
 * and in, so the events perf-prof opened can end up in a thread the
 * target started, and exit with it.  Seen on Linux 6.18 with `workload
 * churn` under load: after the first such thread exited, sys_enter (or
 * sys_exit, or both) of the target and of every thread it started later
 * wrote nothing, and no record was reported lost: counts silently short,
 * in about one run in ten.  An event the thread does not pass on (a dummy,
 * inherit off) makes the kernel not mark its children's contexts as
 * clones: no swap, and no such run in a hundred.  Best effort: without
 * it (a kernel before 3.12) the run goes on.
 */
static int open_pin(const struct evlist *el, int t)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_DUMMY;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return sys_perf_event_open(&attr, el->pid[t], -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static const char *clock_note(const struct evlist *el)
{
	return el->clock ? ", CLOCK_MONOTONIC" : ", perf clock";
}

/* target @t on every CPU: 0, 1 skipped (a thread that has exited), -1 error */
static int open_target(struct evlist *el, int t, char *err, size_t errlen, int *exit_code)
{
	int c, r;

	/* first, so that no thread started meanwhile holds a clone */
	if (el->per_task && (el->pin[t] = open_pin(el, t)) < 0 && errno != ESRCH &&
	    el->verbose)
		fprintf(stderr, "thread %d: no dummy event (%s): its events may move to the "
			"threads it starts\n", el->pid[t], strerror(errno));
	for (c = 0; c < el->ncpu; c++) {
		r = open_on_cpu(el, t, c, err, errlen, exit_code);
		if (r == 1 && el->verbose)
			fprintf(stderr, "thread %d exited before it could be traced: skipped\n",
				el->pid[t]);
		if (r)
			return r;	/* what was opened stays open: it hangs up by itself */
	}
	el->traced++;
	if (el->verbose && el->per_task)
		fprintf(stderr, "opened %d events on thread %d on %d CPUs%s\n", el->nev, el->pid[t],
			el->ncpu, t ? "" : clock_note(el));
	else if (el->verbose && el->cgroups)
		fprintf(stderr, "opened %d events on cgroup %s on %d CPUs%s\n", el->nev,
			el->cgroup_names[t], el->ncpu, t ? "" : clock_note(el));
	else if (el->verbose)
		for (c = 0; c < el->ncpu; c++)
			fprintf(stderr, "opened %d events on CPU %d: buffer %d%s\n", el->nev,
				el->cpu[c], c, clock_note(el));
	return 0;
}

/* the targets of @tg: threads, cgroups, or every task (one target, pid -1) */
static int set_targets(struct evlist *el, const struct evlist_targets *tg)
{
	int t, ngroup;

	el->per_task = tg->tids != NULL;
	el->cgroups = !el->per_task && tg->ncgroup > 0;
	el->cgroup_names = tg->cgroup_names;
	el->ntarget = el->per_task ? tg->tids->n : el->cgroups ? tg->ncgroup : 1;
	el->ncpu = tg->cpus->n;
	ngroup = el->cgroups ? tg->ncgroup : 1;
	el->cpu = malloc(sizeof(int) * (el->ncpu + 1));
	el->pid = malloc(sizeof(int) * (el->ntarget + 1));
	el->group = calloc(el->ntarget + 1, sizeof(int));
	el->fds = malloc(sizeof(int) * (el->nev * el->ntarget * el->ncpu + 1));
	el->hup = calloc(el->ntarget * el->ncpu + 1, sizeof(bool));
	el->pin = malloc(sizeof(int) * (el->ntarget + 1));
	el->rings = calloc(ngroup * el->ncpu + 1, sizeof(struct ring));
	if (!el->cpu || !el->pid || !el->group || !el->fds || !el->hup || !el->pin || !el->rings)
		return -1;
	memcpy(el->cpu, tg->cpus->id, sizeof(int) * el->ncpu);
	for (t = 0; t < el->ntarget; t++) {
		el->pin[t] = -1;
		el->pid[t] = el->per_task ? tg->tids->id[t] : el->cgroups ? tg->cgroup_fds[t] : -1;
		el->group[t] = el->cgroups ? t : 0;
	}
	for (t = 0; t < el->nev * el->ntarget * el->ncpu; t++)
		el->fds[t] = -1;
	el->nrings = ngroup * el->ncpu;
	return 0;
}

int evlist_open(struct evlist *el, const struct evlist_event *ev, int nev,
		const struct evlist_targets *tg, int pages, int verbose, char *err,
		size_t errlen, int *exit_code)
{
	int t;

	memset(el, 0, sizeof(*el));
	el->epfd = -1;
	el->verbose = verbose;
	el->nev = nev;
	el->pages = pages;
	el->clock = true;
	el->lost_fmt = true;
	el->inherit_thread = true;
	sample_layout_init(&el->layout, SAMPLE_TYPE, PERF_FORMAT_LOST, true);
	memcpy(el->ev, ev, sizeof(*ev) * nev);
	*exit_code = 1;
	if (set_targets(el, tg) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	raise_nofile(fds_needed(el), verbose);
	el->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (el->epfd < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		goto fail;
	}
	for (t = 0; t < el->ntarget; t++)
		if (open_target(el, t, err, errlen, exit_code) < 0)
			goto fail;
	if (!el->traced) {
		snprintf(err, errlen, "every thread to trace has exited");
		*exit_code = 2;
		goto fail;
	}
	return 0;
fail:
	evlist_close(el);
	return -1;
}

int evlist_enable(struct evlist *el)
{
	int i;

	for (i = 0; i < el->nev * el->ntarget * el->ncpu; i++)
		if (el->fds[i] >= 0 && ioctl(el->fds[i], PERF_EVENT_IOC_ENABLE, 0) < 0)
			return -1;
	return 0;
}

void evlist_disable(struct evlist *el)
{
	int i;

	for (i = 0; i < el->nev * el->ntarget * el->ncpu; i++)
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
		uint32_t slot = evs[i].data.u32;

		if (!el->per_task || !(evs[i].events & (EPOLLHUP | EPOLLERR)) || el->hup[slot])
			continue;
		/* stop watching it (a hang-up is reported for ever); the ring stays readable */
		el->hup[slot] = true;
		el->live--;
		epoll_ctl(el->epfd, EPOLL_CTL_DEL, el->fds[slot * el->nev], NULL);
	}
	return n;
}

int64_t evlist_lost(struct evlist *el, int i)
{
	int g = i / el->ncpu, c = i % el->ncpu, t, e;
	int64_t sum = 0;

	if (!el->lost_fmt)
		return -1;
	/* an inherited copy counts what it lost in the event it was copied from */
	for (t = 0; t < el->ntarget; t++) {
		if (el->group[t] != g)
			continue;
		for (e = 0; e < el->nev; e++) {
			int fd = el->fds[(t * el->ncpu + c) * el->nev + e];
			uint64_t v[2];	/* read_format PERF_FORMAT_LOST: value, lost */

			if (fd < 0)
				continue;
			if (read(fd, v, sizeof(v)) != (ssize_t)sizeof(v))
				return -1;
			sum += (int64_t)v[1];
		}
	}
	return sum;
}

void evlist_close(struct evlist *el)
{
	int i;

	for (i = 0; el->rings && i < el->nrings; i++)
		ring_unmap(&el->rings[i]);
	for (i = 0; el->fds && i < el->nev * el->ntarget * el->ncpu; i++)
		if (el->fds[i] >= 0)
			close(el->fds[i]);
	for (i = 0; el->pin && i < el->ntarget; i++)
		if (el->pin[i] >= 0)
			close(el->pin[i]);
	if (el->epfd >= 0)
		close(el->epfd);
	free(el->fds);
	free(el->pin);
	free(el->rings);
	free(el->hup);
	free(el->cpu);
	free(el->pid);
	free(el->group);
	memset(el, 0, sizeof(*el));
	el->epfd = -1;
}
