// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live source: the profiler's tracepoints opened with perf_event_open
 * on every CPU (-C) or every thread (-p, -t), one ring buffer each
 * (evlist.c), read a pass at a time: a pass reads every buffer once, up to
 * where the kernel had written when the buffer's turn came (ring.c).
 *
 * -p follows the threads its processes create after the start (a VM still
 * booting, a vCPU hot-plugged): /proc/PID/task's link count is 2 plus the
 * number of threads, so one stat() a pass says when to look.  A new thread
 * is traced from the moment it is seen; what it did before is not, and an
 * end without its begin never pairs.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <traceevent/event-parse.h>
#include <perf-prof/evlist.h>
#include <perf-prof/proc.h>
#include <perf-prof/source.h>
#include <perf-prof/tep.h>
#include <perf-prof/tracefs.h>

#define FOLLOW_EVERY_NS	10000000ull	/* look at most every 10 ms */
#define FOLLOW_POLL_MS	100		/* and at least every 100 ms */

/* a -p process whose new threads are followed (see follow_check()) */
struct follow {
	int pid;
	nlink_t nlink;		/* 0: not looked yet */
};

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
	/* -p: the processes whose new threads are followed */
	struct follow *fol;
	int nfol;
	struct id_list traced;	/* sorted: every thread opened or tried */
	uint64_t next_follow;
};

static struct tep_handle *live_formats(struct source *s, char *err, size_t errlen)
{
	return ((struct live *)s)->tep;
}

static void follow_init(struct live *l)
{
	const struct source_cfg *cfg = l->cfg;
	int i;

	l->fol = calloc(cfg->procs.n ? cfg->procs.n : 1, sizeof(*l->fol));
	if (!l->fol)
		return;
	for (i = 0; i < cfg->procs.n; i++)
		l->fol[i].pid = cfg->procs.id[i];
	l->nfol = cfg->procs.n;
	l->traced.id = malloc(sizeof(int) * (cfg->tids.n ? cfg->tids.n : 1));
	if (l->traced.id) {
		memcpy(l->traced.id, cfg->tids.id, sizeof(int) * cfg->tids.n);
		l->traced.n = cfg->tids.n;
		id_list_sort_uniq(&l->traced);
	}
}

/* @tid into the sorted list of traced threads */
static void traced_add(struct id_list *t, int tid)
{
	int *n = realloc(t->id, sizeof(int) * (t->n + 1)), i;

	if (!n)
		return;
	t->id = n;
	for (i = t->n; i > 0 && t->id[i - 1] > tid; i--)
		t->id[i] = t->id[i - 1];
	t->id[i] = tid;
	t->n++;
}

/* the threads of @f not traced yet: opened; returns how many */
static int follow_process(struct live *l, struct follow *f, struct id_list *tids)
{
	char err[512];
	int j, added = 0;

	tids->n = 0;
	if (proc_threads(f->pid, tids, err, sizeof(err)) < 0)
		return 0;
	for (j = 0; j < tids->n; j++) {
		int tid = tids->id[j], ret;

		if (id_list_has(&l->traced, tid))
			continue;
		ret = evlist_add_thread(&l->el, tid, err, sizeof(err));
		if (ret == 0) {
			added++;
			if (l->cfg->verbose)
				fprintf(stderr, "following new thread %d of process %d\n",
					tid, f->pid);
		} else if (ret < 0) {
			/* not fatal: the rest is still traced; said once */
			fprintf(stderr, "perf-prof: cannot follow new thread %d of process "
				"%d: %s\n", tid, f->pid, err);
		}
		traced_add(&l->traced, tid);	/* gone or refused: not again */
	}
	return added;
}

/* open what is new (at most every FOLLOW_EVERY_NS unless @now); returns how many */
static int follow_check(struct live *l, bool now)
{
	struct id_list tids = { 0, NULL };
	uint64_t t = pp_clock_now();
	char path[64];
	struct stat st;
	int i, added = 0;

	if (!l->nfol || (!now && t < l->next_follow))
		return 0;
	l->next_follow = t + FOLLOW_EVERY_NS;
	for (i = 0; i < l->nfol; i++) {
		struct follow *f = &l->fol[i];

		snprintf(path, sizeof(path), "/proc/%d/task", f->pid);
		if (stat(path, &st) < 0 || st.st_nlink == f->nlink)
			continue;
		f->nlink = st.st_nlink;
		added += follow_process(l, f, &tids);
	}
	free(tids.id);
	l->s.nbuf = l->el.nrings;
	return added;
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

static int live_start(struct source *s, char *err, size_t errlen)
{
	struct live *l = (struct live *)s;
	const struct source_cfg *cfg = l->cfg;
	struct evlist_event ev[EVLIST_MAX_EVENTS];
	int code = 1;

	/* no uid check: the kernel answers (root, CAP_PERFMON, paranoid), evlist.c says why */
	live_events(l, ev);
	if (evlist_open(&l->el, ev, cfg->nev, cfg->per_thread ? NULL : &cfg->cpus,
			cfg->per_thread ? &cfg->tids : NULL, cfg->pages, cfg->verbose,
			err, errlen, &code) < 0)
		return code;
	l->opened = true;
	s->nbuf = l->el.nrings;
	if (cfg->per_thread && cfg->procs.n)
		follow_init(l);
	if (evlist_enable(&l->el) < 0) {
		snprintf(err, errlen, "cannot enable events: %s", strerror(errno));
		return 1;
	}
	code = live_rt(l, err, errlen);
	if (code)
		return code;
	fprintf(stderr, "Tracing %s on %d %s%s... Hit Ctrl-C to end.\n",
		cfg->events[0], l->el.nrings, cfg->per_thread ? "thread" : "CPU",
		l->el.nrings == 1 ? "" : "s");
	return 0;
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
			if (ring_decode(ring, h, &b->rec[b->n]))
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

static bool live_exhausted(struct source *s)
{
	struct live *l = (struct live *)s;

	follow_check(l, false);
	return l->cfg->per_thread && l->el.live == 0 && !follow_check(l, true);
}

static int live_wait(struct source *s, int timeout_ms)
{
	struct live *l = (struct live *)s;

	if (l->nfol && (timeout_ms < 0 || timeout_ms > FOLLOW_POLL_MS))
		timeout_ms = FOLLOW_POLL_MS;
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

	out->kind = l->el.per_thread ? "thread" : "CPU";
	out->id = l->el.per_thread ? r->tid : r->cpu;
	out->cpu = (uint32_t)r->cpu;
	out->tid = (uint32_t)r->tid;
	out->lost_total = evlist_lost(&l->el, i);
}

static void live_close(struct source *s)
{
	struct live *l = (struct live *)s;

	if (l->opened)
		evlist_close(&l->el);
	free(l->fol);
	free(l->traced.id);
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
	/* per-thread buffers keep each thread's records in order already */
	l->s.merge = !cfg->per_thread;
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
