// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live source: the profiler's tracepoints opened with perf_event_open
 * on every CPU, for every task (-C), for the threads of some processes
 * (-p, -t) or for the tasks of some cgroups (-G), one ring buffer per CPU
 * (per cgroup) (evlist.c), read a pass at a time: a pass reads every
 * buffer once, up to where the kernel had written when the buffer's turn
 * came (ring.c).
 *
 * -p and -t follow the threads their threads start from their first
 * event, by the kernel's inheritance (evlist.c), with nothing to look
 * for.  Only the attach itself has a window: a thread born while its
 * parent's events were being opened may or may not have inherited them.
 * So the attach starts over until the process's thread list stood still
 * through one: then every thread has its own events, and each thread
 * born later inherits one copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <perf-prof/evlist.h>
#include <perf-prof/proc.h>
#include <perf-prof/source.h>
#include <perf-prof/tep.h>
#include <perf-prof/tracefs.h>

#define ATTACH_TRIES	8	/* attaches that may be started over */

struct live {
	struct source s;
	const struct source_cfg *cfg;
	char tracefs[256];
	struct tep_handle *tep;
	struct evlist el;
	bool opened;
	/* the pass under way: ring @cur, its records read up to ring->tail */
	int cur;
	bool in_pass;
	struct ring *ending;	/* its pass is read: give the space back at the next call */
	bool extra_pass;	/* stopped in a pass: after it, one more over every ring */
	struct id_list cpus;	/* -p, -t, -G: every online CPU */
	struct id_list tids;	/* -p, -t: the threads opened */
	struct id_list keep;	/* a kernel without inherit_thread: the processes traced */
	int *cgroup_fds;	/* -G: the cgroups' directories */
};

static struct tep_handle *live_formats(struct source *s, char *err, size_t errlen)
{
	return ((struct live *)s)->tep;
}

_Static_assert(SOURCE_MAX_EVENTS <= EVLIST_MAX_EVENTS, "an evlist opens every event of a source");

/* the events' tracepoint ids, filters and switch records, as evlist opens them */
static void live_events(struct live *l, struct evlist_event *ev)
{
	const struct source_cfg *cfg = l->cfg;
	int i;

	for (i = 0; i < cfg->nev; i++) {
		struct tep_event *e = pp_tep_find(l->tep, cfg->events[i]);

		ev[i].id = e ? e->id : -1;
		ev[i].name = cfg->events[i];
		ev[i].filter = cfg->filters[i];
		ev[i].switches = i == 0 && cfg->switches;
		if (cfg->verbose)
			fprintf(stderr, "event %s: id %d from %s%s%s%s%s\n", ev[i].name, ev[i].id,
				l->tracefs, ev[i].filter ? ", filter '" : "",
				ev[i].filter ? ev[i].filter : "", ev[i].filter ? "'" : "",
				ev[i].switches ? ", with context-switch records" : "");
	}
}

/* the reader at real-time priority (-r) */
static int live_rt(struct live *l, char *err, size_t errlen)
{
	struct sched_param sp = { .sched_priority = l->cfg->rt_prio };

	if (!l->cfg->rt_prio)
		return 0;
	if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0) {
		snprintf(err, errlen, "cannot run at SCHED_FIFO priority %d: %s", l->cfg->rt_prio,
			 strerror(errno));
		return 1;
	}
	if (l->cfg->verbose)
		fprintf(stderr, "reader at SCHED_FIFO priority %d\n", l->cfg->rt_prio);
	return 0;
}

/* the threads of -t and of -p's processes, sorted, each once */
static int list_threads(const struct source_cfg *cfg, struct id_list *out)
{
	char err[256];
	int i, cap;

	out->n = 0;
	cap = 0;
	for (i = 0; i < cfg->tids.n; i++)
		if (id_list_push(out, &cap, cfg->tids.id[i]) < 0)
			return -1;
	/* a process that has exited since the options were read has no thread left */
	for (i = 0; i < cfg->procs.n; i++)
		proc_threads(cfg->procs.id[i], out, err, sizeof(err));
	id_list_sort_uniq(out);
	return 0;
}

/* how many threads of @now were not listed in @opened */
static int born_since(const struct id_list *opened, const struct id_list *now)
{
	int i, n = 0;

	for (i = 0; i < now->n; i++)
		n += !id_list_has(opened, now->id[i]);
	return n;
}

/*
 * -p, -t: every thread's events, the attach started over while threads
 * are born during it (see the top of the file).  0, or the exit code.
 */
static int attach_threads(struct live *l, const struct evlist_event *ev, char *err,
			  size_t errlen)
{
	const struct source_cfg *cfg = l->cfg;
	struct evlist_targets tg = { .cpus = &l->cpus, .tids = &l->tids };
	struct id_list now = { 0, NULL };
	int try, born = 0, code = 1;

	for (try = 1;; try++) {
		if (list_threads(cfg, &l->tids) < 0)
			goto oom;
		if (evlist_open(&l->el, ev, cfg->nev, &tg, cfg->pages, cfg->verbose, err,
				errlen, &code) < 0)
			goto out;
		if (!cfg->procs.n || list_threads(cfg, &now) < 0 ||
		    !(born = born_since(&l->tids, &now)))
			break;
		if (try == ATTACH_TRIES) {
			fprintf(stderr, "perf-prof: threads were born during each of %d attaches; "
				"%d born in the last are traced only if their parent's events "
				"were open by then\n", try, born);
			break;
		}
		if (cfg->verbose)
			fprintf(stderr, "%d thread%s born while attaching: attaching again\n",
				born, born == 1 ? " was" : "s were");
		evlist_close(&l->el);
	}
	code = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	free(now.id);
	return code;
}

/* a kernel before 5.13 lets the processes a thread forks inherit too: theirs are dropped */
static int keep_processes(struct live *l)
{
	const struct source_cfg *cfg = l->cfg;
	int i, cap = 0;

	if (!cfg->per_thread || l->el.inherit_thread)
		return 0;
	for (i = 0; i < cfg->procs.n; i++)
		if (id_list_push(&l->keep, &cap, cfg->procs.id[i]) < 0)
			return -1;
	for (i = 0; i < cfg->tids.n; i++)
		if (id_list_push(&l->keep, &cap, proc_tgid(cfg->tids.id[i])) < 0)
			return -1;
	id_list_sort_uniq(&l->keep);
	return 0;
}

/* -G: the cgroups' directories, kept open for the run */
static int open_cgroups(struct live *l, char *err, size_t errlen)
{
	const struct source_cfg *cfg = l->cfg;
	int i;

	l->cgroup_fds = malloc(sizeof(int) * (cfg->ncgroup + 1));
	if (!l->cgroup_fds) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	for (i = 0; i < cfg->ncgroup; i++)
		l->cgroup_fds[i] = -1;
	for (i = 0; i < cfg->ncgroup; i++) {
		l->cgroup_fds[i] = open(cfg->cgroups[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (l->cgroup_fds[i] < 0) {
			snprintf(err, errlen, "cgroup %s: %s", cfg->cgroups[i], strerror(errno));
			return 2;
		}
	}
	return 0;
}

/* the events opened as the targets say: 0, or the exit code */
static int live_open(struct live *l, const struct evlist_event *ev, char *err, size_t errlen)
{
	const struct source_cfg *cfg = l->cfg;
	struct evlist_targets tg = { .cpus = &cfg->cpus };
	int code = 1;

	if ((cfg->per_thread || cfg->ncgroup) && !cfg->cpus.n) {
		if (online_cpus(&l->cpus, err, errlen) < 0)
			return 1;
		tg.cpus = &l->cpus;
	}
	if (cfg->per_thread)
		return attach_threads(l, ev, err, errlen);
	if (cfg->ncgroup) {
		code = open_cgroups(l, err, errlen);
		if (code)
			return code;
		tg.cgroup_fds = l->cgroup_fds;
		tg.cgroup_names = cfg->cgroups;
		tg.ncgroup = cfg->ncgroup;
	}
	return evlist_open(&l->el, ev, cfg->nev, &tg, cfg->pages, cfg->verbose, err, errlen,
			   &code) < 0 ? code : 0;
}

/* "Tracing kvm:kvm_exit on 2 threads (and those they start), 4 CPUs..." */
static void say_tracing(const struct live *l)
{
	const struct source_cfg *cfg = l->cfg;
	const struct evlist *el = &l->el;

	if (cfg->per_thread)
		fprintf(stderr, "Tracing %s on %d thread%s (and those %s) on %d CPU%s... "
			"Hit Ctrl-C to end.\n", cfg->events[0], el->traced,
			el->traced == 1 ? "" : "s", el->traced == 1 ? "it starts" : "they start", el->ncpu,
			el->ncpu == 1 ? "" : "s");
	else if (cfg->ncgroup)
		fprintf(stderr, "Tracing %s in %d cgroup%s on %d CPU%s... Hit Ctrl-C to end.\n",
			cfg->events[0], cfg->ncgroup, cfg->ncgroup == 1 ? "" : "s", el->ncpu,
			el->ncpu == 1 ? "" : "s");
	else
		fprintf(stderr, "Tracing %s on %d CPU%s... Hit Ctrl-C to end.\n",
			cfg->events[0], el->ncpu, el->ncpu == 1 ? "" : "s");
}

static int live_start(struct source *s, char *err, size_t errlen)
{
	struct live *l = (struct live *)s;
	struct evlist_event ev[EVLIST_MAX_EVENTS];
	int code;

	/* no uid check: the kernel answers (root, CAP_PERFMON, paranoid), evlist.c says why */
	live_events(l, ev);
	code = live_open(l, ev, err, errlen);
	if (code)
		return code;
	l->opened = true;
	s->nbuf = l->el.nrings;
	if (keep_processes(l) < 0) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	if (evlist_enable(&l->el) < 0) {
		snprintf(err, errlen, "cannot enable events: %s", strerror(errno));
		return 1;
	}
	code = live_rt(l, err, errlen);
	if (code)
		return code;
	say_tracing(l);
	return 0;
}

/* a record of a traced process (or any record, but on a kernel before 5.13) */
static inline bool kept(const struct live *l, const struct pp_record *rec)
{
	return !l->keep.n || rec->type != PP_REC_SAMPLE || id_list_has(&l->keep, (int)rec->pid);
}

/*
 * The records of one ring at a time, up to a batch; a ring's space goes
 * back to the kernel once the engine has had all its records (at the
 * next call).  0 when every ring was read: the pass is over.
 */
static int live_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	struct live *l = (struct live *)s;
	struct perf_event_header *h;

	if (l->ending) {
		ring_end(l->ending);
		l->ending = NULL;
	}
	b->n = 0;
	while (l->cur < l->el.nrings) {
		struct ring *ring = &l->el.rings[l->cur];

		if (!l->in_pass && !ring_begin(ring)) {
			l->cur++;
			continue;
		}
		l->in_pass = true;
		while (b->n < SOURCE_BATCH && (h = ring_next(ring))) {
			if (ring_decode(ring, h, &b->rec[b->n]) && kept(l, &b->rec[b->n]))
				b->seq[b->n++] = 0;	/* the merge numbers copied records itself */
		}
		if (b->n == SOURCE_BATCH)
			return b->n;
		l->ending = ring;
		l->in_pass = false;
		l->cur++;
		if (b->n)
			return b->n;
		ring_end(ring);
		l->ending = NULL;
	}
	l->cur = 0;
	if (l->extra_pass) {
		l->extra_pass = false;
		return live_next(s, b, err, errlen);
	}
	return 0;
}

/* -p, -t: over when every thread has exited, with every thread it started */
static bool live_exhausted(struct source *s)
{
	struct live *l = (struct live *)s;

	return l->cfg->per_thread && l->el.live == 0;
}

static int live_wait(struct source *s, int timeout_ms)
{
	struct live *l = (struct live *)s;

	return evlist_poll(&l->el, timeout_ms) < 0 && errno != EINTR ? -1 : 0;
}

/*
 * The events stop; a last pass reads what the rings still hold (after the
 * pass under way, if a stop came in one: its first rings were read before
 * the events stopped).
 */
static void live_stop(struct source *s)
{
	struct live *l = (struct live *)s;

	evlist_disable(&l->el);
	l->extra_pass = l->cur > 0 || l->in_pass || l->ending;
}

static void live_buffer(struct source *s, int i, struct source_buffer *out)
{
	struct live *l = (struct live *)s;
	struct ring *r = &l->el.rings[i];

	out->kind = "CPU";
	out->id = r->cpu;
	out->cpu = (uint32_t)r->cpu;
	out->tid = UINT32_MAX;
	out->lost_total = evlist_lost(&l->el, i);
}

static void live_close(struct source *s)
{
	struct live *l = (struct live *)s;
	int i;

	if (l->opened)
		evlist_close(&l->el);
	for (i = 0; l->cgroup_fds && i < l->cfg->ncgroup; i++)
		if (l->cgroup_fds[i] >= 0)
			close(l->cgroup_fds[i]);
	free(l->cgroup_fds);
	id_list_free(&l->cpus);
	id_list_free(&l->tids);
	id_list_free(&l->keep);
	if (l->tep)
		tep_free(l->tep);
	free(l);
}

static const struct source_ops live_ops = {
	.formats = live_formats,
	.start = live_start,
	.next = live_next,
	.exhausted = live_exhausted,
	.wait = live_wait,
	.stop = live_stop,
	.buffer = live_buffer,
	.close = live_close,
};

struct source *source_live_open(const struct source_cfg *cfg, char *err, size_t errlen,
				int *code)
{
	struct live *l = calloc(1, sizeof(*l));

	*code = 1;
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->s.ops = &live_ops;
	l->s.live = true;
	/* a thread's records are in the ring of each CPU it ran on */
	l->s.merge = true;
	l->s.switches = cfg->switches;
	l->s.pages = cfg->pages;
	l->cfg = cfg;
	if (!tracefs_dir(l->tracefs, sizeof(l->tracefs), err, errlen))
		goto fail;
	l->tep = pp_tep_from_tracefs(l->tracefs, cfg->events, cfg->nev, err, errlen);
	if (!l->tep)
		goto fail;
	pp_clock_calibrate(&l->s.clock);
	return &l->s;
fail:
	live_close(&l->s);
	return NULL;
}
