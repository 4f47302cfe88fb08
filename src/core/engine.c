// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine loop.  Live: read every ring buffer per pass; per-thread
 * buffers hold one thread each and are processed straight from the ring;
 * per-CPU buffers (a thread migrates between them) are merged by time
 * first.  The merge can only release records older than what every
 * buffer has certainly been written up to: the time the pass started,
 * less a small slack for records stamped but not yet committed.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <perf-prof/engine.h>
#include <perf-prof/evlist.h>
#include <perf-prof/order.h>
#include <perf-prof/perfdata.h>
#include <perf-prof/proc.h>
#include <perf-prof/tep.h>
#include <perf-prof/tracefs.h>

#define ORDER_SLACK_NS	2000000ull	/* stamped-but-uncommitted window */

/* the one flag a signal handler sets: every reader polls it */
static volatile sig_atomic_t stop_flag;

/* a -p process whose new threads are followed (see follow_check()) */
struct follow {
	int pid;
	nlink_t nlink;		/* 0: not looked yet */
};

struct run {
	struct engine_cfg *cfg;
	const struct profiler_ops *ops;
	void *ctx;
	struct engine_stats *st;
	struct order order;
	bool ordered;
	/* file mode intervals run on the recording's clock */
	uint64_t next_tick;
	uint64_t released_forced;	/* order.forced at the last release */
	bool file_ticks;	/* file && cfg->interval_ns */
	/* live -p: the processes whose new threads are followed */
	struct follow *fol;
	int nfol;
	struct id_list traced;	/* sorted: every thread opened or tried */
	uint64_t next_follow;
};

static void on_signal(int sig)
{
	stop_flag = 1;
}

bool engine_stopping(void)
{
	return stop_flag != 0;
}

void engine_request_stop(void)
{
	stop_flag = 1;
}

static void install_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake epoll_wait, end a blocked write */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the terminal went away: the final table still; under nohup, nothing */
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}


/* anything but a sample */
static __attribute__((noinline)) void deliver_other(const struct pp_record *rec, struct run *r)
{
	if (rec->type == PP_REC_SWITCH_IN || rec->type == PP_REC_SWITCH_OUT)
		r->ops->sample(r->ctx, rec);
	else if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE)
		r->ops->lost(r->ctx, rec);
}

/* file mode -i: intervals on the recording's clock, ticked by samples */
static inline void file_tick(const struct pp_record *rec, struct run *r)
{
	if (!r->next_tick)
		r->next_tick = rec->time + r->cfg->interval_ns;
	while (rec->time >= r->next_tick) {
		r->ops->interval(r->ctx, r->next_tick, false);
		r->next_tick += r->cfg->interval_ns;
	}
}

static __attribute__((noinline)) void deliver_ticked(const struct pp_record *rec, struct run *r)
{
	file_tick(rec, r);
	r->st->samples++;
	r->ops->sample(r->ctx, rec);
}

/* every path ends in a tail call: the per-record case saves no registers */
static void deliver(const struct pp_record *rec, void *arg)
{
	struct run *r = arg;

	if (rec->type != PP_REC_SAMPLE) {
		deliver_other(rec, r);
		return;
	}
	if (r->file_ticks) {
		deliver_ticked(rec, r);
		return;
	}
	r->st->samples++;
	r->ops->sample(r->ctx, rec);
}

/*
 * --order-mem delivered @rec before every older record may have arrived.
 * A sample goes to the profiler's early(): it may open a pair, never
 * close one, since what lies between might still come.
 */
static void deliver_early(const struct pp_record *rec, void *arg)
{
	struct run *r = arg;

	if (rec->type != PP_REC_SAMPLE) {
		deliver_other(rec, r);
		return;
	}
	if (r->file_ticks)
		file_tick(rec, r);
	r->st->samples++;
	r->ops->early(r->ctx, rec);
}

/*
 * @rec came after early delivery had passed its time: it cannot be put
 * in order, so it is dropped, and the profiler drops the pairs it might
 * have split.  A gap (LOST) still counts as one.
 */
static void deliver_late(const struct pp_record *rec, void *arg)
{
	struct run *r = arg;

	if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE)
		r->ops->lost(r->ctx, rec);
	else
		r->ops->late(r->ctx, rec);
}

/* ordering with a memory bound: early and late records, if the profiler can tell */
static void order_start(struct run *r)
{
	order_init(&r->order, r->cfg->order_mem, deliver, r);
	if (r->ops->early && r->ops->late)
		order_set_early(&r->order, deliver_early, deliver_late);
}

/* ---------------------------------------------------------------- live */

static void read_ring(struct run *r, struct ring *ring)
{
	struct perf_event_header *h;
	struct pp_record rec, held;
	bool have_held = false;

	if (!ring_begin(ring))
		return;
	while ((h = ring_next(ring))) {
		if (!ring_decode(ring, h, &rec))
			continue;
		if (rec.type == PP_REC_LOST || rec.type == PP_REC_THROTTLE) {
			if (rec.type == PP_REC_LOST) {
				ring->lost += rec.lost;
				ring->lost_interval += rec.lost;
				r->st->lost += rec.lost;
				r->st->lost_records++;
			} else {
				ring->throttled++;
				r->st->throttled++;
			}
			if (!r->ordered) {
				deliver(&rec, r);
			} else if (!have_held) {
				held = rec;
				have_held = true;
			}
			continue;
		}
		if (!r->ordered) {
			deliver(&rec, r);
			continue;
		}
		if (have_held) {
			/*
			 * The gap lies between the previous record of this
			 * buffer and this one: date it just before this one.
			 */
			held.time = rec.time;
			order_push(&r->order, &held);
			have_held = false;
		}
		order_push(&r->order, &rec);
	}
	ring_end(ring);
	if (have_held)
		order_push(&r->order, &held);
}

/*
 * Losses on stderr: those of the interval just printed, and at the end
 * those of the whole run (rule: totals at exit are totals of the run).
 */
static void report_lost(struct run *r, struct evlist *el, bool final)
{
	uint64_t lost = 0, total = 0;
	int i, nbuf = 0, ntotal = 0;

	for (i = 0; i < el->nrings; i++) {
		total += el->rings[i].lost;
		ntotal += el->rings[i].lost != 0;
		if (el->rings[i].lost_interval) {
			lost += el->rings[i].lost_interval;
			nbuf++;
			if (r->cfg->verbose)
				fprintf(stderr, "  buffer %d (%s %d): lost %lu records\n", i,
					el->per_thread ? "thread" : "CPU",
					el->per_thread ? el->rings[i].tid : el->rings[i].cpu,
					(unsigned long)el->rings[i].lost_interval);
			el->rings[i].lost_interval = 0;
		}
	}
	if (lost && r->cfg->interval_ns)
		fprintf(stderr, "perf-prof: lost %lu records on %d of %d buffers %s; "
			"pairs across the gaps were dropped; raise -m (now %d pages)\n",
			(unsigned long)lost, nbuf, el->nrings,
			final ? "in the last interval" : "in this interval", r->cfg->pages);
	if (final && total)
		fprintf(stderr, "perf-prof: lost %lu records on %d of %d buffers in total; "
			"pairs across the gaps were dropped; raise -m (now %d pages)\n",
			(unsigned long)total, ntotal, el->nrings, r->cfg->pages);
}

/*
 * The kernel writes a LOST record only once it has room again, so what a
 * buffer lost at the very end (a thread that overflowed it, then exited)
 * is never reported in the ring.  The events' own counts say it.
 */
static void unreported_lost(struct run *r, struct evlist *el)
{
	int i;

	for (i = 0; i < el->nrings; i++) {
		struct ring *ring = &el->rings[i];
		int64_t k = evlist_lost(el, i);
		struct pp_record l;

		if (k <= (int64_t)ring->lost)
			continue;
		memset(&l, 0, sizeof(l));
		l.type = PP_REC_LOST;
		l.lost = (uint64_t)k - ring->lost;
		l.buf = ring->idx;
		l.cpu = (uint32_t)ring->cpu;
		l.pid = l.tid = (uint32_t)ring->tid;
		l.time = pp_clock_now();
		ring->lost += l.lost;
		ring->lost_interval += l.lost;
		r->st->lost += l.lost;
		r->st->lost_records++;
		if (r->cfg->verbose)
			fprintf(stderr, "  buffer %d: %lu records lost at the end, not reported "
				"in the ring\n", i, (unsigned long)l.lost);
		if (r->ordered)
			order_push(&r->order, &l);
		else
			deliver(&l, r);
	}
}

static void pass(struct run *r, struct evlist *el)
{
	int i;

	for (i = 0; i < el->nrings; i++)
		read_ring(r, &el->rings[i]);
}

/*
 * -p follows the threads its processes create after the start (a VM
 * still booting, a vCPU hot-plugged): /proc/PID/task's link count is 2
 * plus the number of threads, so one stat() a pass says when to look.
 * A new thread is traced from the moment it is seen; what it did before
 * is not, and an end without its begin never pairs.
 */
#define FOLLOW_EVERY_NS	10000000ull	/* look at most every 10 ms */
#define FOLLOW_POLL_MS	100		/* and at least every 100 ms */

static void follow_init(struct run *r)
{
	struct engine_cfg *cfg = r->cfg;
	int i;

	r->fol = calloc(cfg->procs.n ? cfg->procs.n : 1, sizeof(*r->fol));
	if (!r->fol)
		return;
	for (i = 0; i < cfg->procs.n; i++)
		r->fol[i].pid = cfg->procs.id[i];
	r->nfol = cfg->procs.n;
	r->traced.id = malloc(sizeof(int) * (cfg->tids.n ? cfg->tids.n : 1));
	if (r->traced.id) {
		memcpy(r->traced.id, cfg->tids.id, sizeof(int) * cfg->tids.n);
		r->traced.n = cfg->tids.n;
		id_list_sort_uniq(&r->traced);
	}
}

/* @tid into the sorted list of traced threads */
static void traced_add(struct id_list *l, int tid)
{
	int *n = realloc(l->id, sizeof(int) * (l->n + 1)), i;

	if (!n)
		return;
	l->id = n;
	for (i = l->n; i > 0 && l->id[i - 1] > tid; i--)
		l->id[i] = l->id[i - 1];
	l->id[i] = tid;
	l->n++;
}

/* open what is new; returns how many threads were added */
static int follow_check(struct run *r, struct evlist *el, bool now)
{
	char path[64], err[512];
	struct id_list tids = { 0, NULL };
	int i, j, added = 0;
	uint64_t t = pp_clock_now();
	struct stat st;

	if (!r->nfol || (!now && t < r->next_follow))
		return 0;
	r->next_follow = t + FOLLOW_EVERY_NS;
	for (i = 0; i < r->nfol; i++) {
		struct follow *f = &r->fol[i];

		snprintf(path, sizeof(path), "/proc/%d/task", f->pid);
		if (stat(path, &st) < 0 || st.st_nlink == f->nlink)
			continue;
		f->nlink = st.st_nlink;
		tids.n = 0;
		if (proc_threads(f->pid, &tids, err, sizeof(err)) < 0)
			continue;
		for (j = 0; j < tids.n; j++) {
			int tid = tids.id[j], ret;

			if (id_list_has(&r->traced, tid))
				continue;
			ret = evlist_add_thread(el, tid, err, sizeof(err));
			if (ret == 0) {
				added++;
				if (r->cfg->verbose)
					fprintf(stderr, "following new thread %d of process %d\n",
						tid, f->pid);
			} else if (ret < 0) {
				/* not fatal: the rest is still traced; said once */
				fprintf(stderr, "perf-prof: cannot follow new thread %d of process "
					"%d: %s\n", tid, f->pid, err);
			}
			traced_add(&r->traced, tid);	/* gone or refused: not again */
		}
	}
	free(tids.id);
	r->st->nbuf = el->nrings;
	return added;
}

static int run_live(struct run *r)
{
	struct engine_cfg *cfg = r->cfg;
	struct evlist_event ev[4];
	struct engine_info info = { .switches = cfg->switches };
	struct tep_handle *tep;
	struct evlist el;
	char err[512], tfs[256];
	int i, code = 1;
	uint64_t next_tick = 0, next_ptick = 0, now;

	/* no uid check: the kernel answers (root, CAP_PERFMON, paranoid), evlist.c says why */
	if (!tracefs_dir(tfs, sizeof(tfs), err, sizeof(err))) {
		fprintf(stderr, "perf-prof: %s\n", err);
		return 1;
	}
	tep = pp_tep_from_tracefs(tfs, cfg->events, cfg->nev, err, sizeof(err));
	if (!tep) {
		fprintf(stderr, "perf-prof: %s\n", err);
		return 1;
	}
	info.tep = tep;
	pp_clock_calibrate(&info.clock);
	code = r->ops->setup(r->ctx, &info, err, sizeof(err));
	if (code) {
		fprintf(stderr, "perf-prof: %s\n", err);
		goto out_tep;
	}
	code = 1;
	for (i = 0; i < cfg->nev; i++) {
		struct tep_event *e = pp_tep_find(tep, cfg->events[i]);

		ev[i].id = e ? e->id : -1;
		ev[i].name = cfg->events[i];
		ev[i].filter = cfg->filters[i];
		ev[i].switches = i == 0 && cfg->switches;
		if (cfg->verbose)
			fprintf(stderr, "event %s: id %d from %s%s%s%s%s\n", ev[i].name, ev[i].id,
				tfs, ev[i].filter ? ", filter '" : "",
				ev[i].filter ? ev[i].filter : "", ev[i].filter ? "'" : "",
				ev[i].switches ? ", with context-switch records" : "");
	}
	if (evlist_open(&el, ev, cfg->nev, cfg->per_thread ? NULL : &cfg->cpus,
			cfg->per_thread ? &cfg->tids : NULL, cfg->pages, cfg->verbose,
			err, sizeof(err), &code) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		goto out_tep;
	}
	r->ordered = cfg->order || !cfg->per_thread;
	r->st->nbuf = el.nrings;
	if (cfg->per_thread && cfg->procs.n)
		follow_init(r);
	order_start(r);
	if (evlist_enable(&el) < 0) {
		fprintf(stderr, "perf-prof: cannot enable events: %s\n", strerror(errno));
		code = 1;
		goto out_el;
	}
	if (cfg->rt_prio) {
		struct sched_param sp = { .sched_priority = cfg->rt_prio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0) {
			fprintf(stderr, "perf-prof: cannot run at SCHED_FIFO priority %d: %s\n",
				cfg->rt_prio, strerror(errno));
			code = 1;
			goto out_el;
		}
		if (cfg->verbose)
			fprintf(stderr, "reader at SCHED_FIFO priority %d\n", cfg->rt_prio);
	}
	fprintf(stderr, "Tracing %s on %d %s%s... Hit Ctrl-C to end.\n",
		cfg->events[0], el.nrings, cfg->per_thread ? "thread" : "CPU",
		el.nrings == 1 ? "" : "s");
	if (cfg->interval_ns)
		next_tick = pp_clock_now() + cfg->interval_ns;
	if (cfg->tick_ns)
		next_ptick = pp_clock_now() + cfg->tick_ns;

	while (!stop_flag) {
		int timeout = -1;
		uint64_t start;

		if (cfg->interval_ns) {
			uint64_t due = next_tick + (r->ordered ? ORDER_SLACK_NS : 0);

			now = pp_clock_now();
			timeout = due > now ? (int)((due - now + 999999) / 1000000) : 0;
		} else {
			/* wakeups come per watermark, not per event */
			timeout = 100;
		}
		if (r->nfol && timeout > FOLLOW_POLL_MS)
			timeout = FOLLOW_POLL_MS;
		if (cfg->tick_ns) {
			int t;

			now = pp_clock_now();
			t = next_ptick > now ? (int)((next_ptick - now + 999999) / 1000000) : 0;
			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		if (evlist_poll(&el, timeout) < 0 && errno != EINTR)
			break;
		start = pp_clock_now();
		pass(r, &el);
		if (r->ordered) {
			uint64_t wm = start - ORDER_SLACK_NS;

			while (cfg->interval_ns && next_tick <= wm) {
				order_flush(&r->order, next_tick);
				report_lost(r, &el, false);
				r->ops->interval(r->ctx, next_tick, false);
				next_tick += cfg->interval_ns;
			}
			order_flush(&r->order, wm);
		} else if (cfg->interval_ns && start >= next_tick) {
			report_lost(r, &el, false);
			r->ops->interval(r->ctx, next_tick, false);
			next_tick += cfg->interval_ns;
			if (next_tick <= start)	/* fell behind: don't burst */
				next_tick = start + cfg->interval_ns;
		}
		if (cfg->tick_ns && start >= next_ptick) {
			r->ops->tick(r->ctx);
			next_ptick = start + cfg->tick_ns;
		}
		follow_check(r, &el, false);
		if (cfg->per_thread && el.live == 0 && !follow_check(r, &el, true))
			break;	/* every traced thread exited */
	}
	/* the last records, then the last table */
	evlist_disable(&el);
	pass(r, &el);
	unreported_lost(r, &el);
	order_flush_all(&r->order);
	report_lost(r, &el, true);
	r->ops->interval(r->ctx, pp_clock_now(), true);
	r->st->forced = r->order.forced;
	r->st->late = r->order.late;
	r->st->order_mem_peak = r->order.mem_peak;
	code = 0;
out_el:
	order_exit(&r->order);
	evlist_close(&el);
	free(r->fol);
	free(r->traced.id);
out_tep:
	tep_free(tep);
	return code;
}

/* ---------------------------------------------------------------- file */

/*
 * A LOST record is written after the gap, stamped when it is written,
 * which can be later than the next sample of its buffer: date it to that
 * sample instead (as the live reader does), so the gap is seen first.
 */
struct held_lost {
	struct pp_record *rec;	/* indexed by cpu; type PP_REC_SAMPLE = none */
	int n;
};

static int held_put(struct held_lost *h, const struct pp_record *rec)
{
	int cpu = rec->cpu;

	if (rec->buf < 0 || cpu >= 65536)
		return -1;	/* unknown buffer: keep its own time */
	if (cpu >= h->n) {
		int n = cpu + 64, i;
		struct pp_record *nr = realloc(h->rec, n * sizeof(*nr));

		if (!nr)
			return -1;
		for (i = h->n; i < n; i++)
			nr[i].type = PP_REC_SAMPLE;
		h->rec = nr;
		h->n = n;
	}
	if (h->rec[cpu].type == PP_REC_SAMPLE)
		h->rec[cpu] = *rec;
	else
		h->rec[cpu].lost += rec->lost;
	return 0;
}

/* @next (at file offset @off) follows a gap of its buffer: queue the gap first */
static int held_take(struct held_lost *h, struct order *o, const struct pp_record *next,
		     uint64_t off)
{
	struct pp_record *l;

	if ((int)next->cpu >= h->n || next->buf < 0)
		return 0;
	l = &h->rec[next->cpu];
	if (l->type == PP_REC_SAMPLE)
		return 0;
	l->time = next->time;
	/* records are at least 8 bytes apart: off - 1 sorts just before @next */
	if (order_push_ref(o, l, off - 1) < 0)
		return -1;
	l->type = PP_REC_SAMPLE;
	return 0;
}

static int held_drain(struct held_lost *h, struct order *o, uint64_t off)
{
	int i;

	for (i = 0; i < h->n; i++) {
		if (h->rec[i].type != PP_REC_SAMPLE && order_push_ref(o, &h->rec[i], off) < 0)
			return -1;
		h->rec[i].type = PP_REC_SAMPLE;
	}
	return 0;
}

/* after a flush: the reader may reuse what the queue no longer points into */
static void release(struct run *r, struct perfdata *pd)
{
	perfdata_release(pd, order_oldest_seq(&r->order));
	r->released_forced = r->order.forced;
}

/* file mode state beyond struct run */
struct file_run {
	struct run *r;
	struct perfdata *pd;
	struct held_lost held;
	bool ready;
	uint64_t max_time, round_max;
};

/* the profiler's setup, once the first record shows the formats are in */
static int file_setup(struct file_run *f, char *err, size_t errlen)
{
	struct run *r = f->r;
	struct engine_info info = { .tep = perfdata_tep(f->pd) };
	int code;

	if (!info.tep) {
		fprintf(stderr, "perf-prof: %s: no tracing data (event formats) "
			"in the recording\n", r->cfg->input);
		return 1;
	}
	info.switches = perfdata_has_switches(f->pd);
	code = r->ops->setup(r->ctx, &info, err, errlen);
	if (code) {
		fprintf(stderr, "perf-prof: %s: %s\n", r->cfg->input, err);
		return code;
	}
	f->ready = true;
	return 0;
}

/* one record at file offset @off: 0 on, -1 out of memory */
static int file_record(struct file_run *f, const struct pp_record *rec, uint64_t off)
{
	struct run *r = f->r;

	if (rec->type == PP_REC_ROUND) {
		/*
		 * perf's rule: after a round, nothing older than the
		 * previous round's newest record can still arrive.
		 */
		order_flush(&r->order, f->round_max + 1);
		release(r, f->pd);
		f->round_max = f->max_time;
		return 0;
	}
	if (rec->time > f->max_time)
		f->max_time = rec->time;
	if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE) {
		if (rec->type == PP_REC_LOST) {
			r->st->lost += rec->lost;
			r->st->lost_records++;
		}
		if (held_put(&f->held, rec) == 0)
			return 0;
	} else if (f->held.n && held_take(&f->held, &r->order, rec, off) < 0) {
		return -1;
	}
	if (order_push_ref(&r->order, rec, off) < 0)
		return -1;
	if (r->order.forced != r->released_forced)
		release(r, f->pd);	/* --order-mem delivered some early */
	return 0;
}

static int run_file(struct run *r)
{
	struct file_run f = { .r = r };
	struct pp_record batch[64];
	uint64_t offs[64];
	char err[512];
	int n = 0, code = 1, i;

	f.pd = perfdata_open(r->cfg->input, engine_stopping, err, sizeof(err));
	if (!f.pd) {
		if (stop_flag)
			return 0;	/* stopped before the recording began: nothing to show */
		fprintf(stderr, "perf-prof: %s\n", err);
		return 1;
	}
	r->file_ticks = r->cfg->interval_ns != 0;
	r->ordered = true;
	order_start(r);
	/* samples are queued by reference: the reader keeps their bytes */
	perfdata_hold(f.pd);
	while (!stop_flag &&
	       (n = perfdata_next_batch(f.pd, batch, offs, 64, err, sizeof(err))) > 0) {
		if (!f.ready && (code = file_setup(&f, err, sizeof(err))))
			goto out;
		for (i = 0; i < n; i++)
			if (file_record(&f, &batch[i], offs[i]) < 0)
				goto oom;
	}
	code = 1;
	if (n < 0 && !stop_flag) {
		fprintf(stderr, "perf-prof: %s\n", err);
		goto out;
	}
	if (held_drain(&f.held, &r->order, UINT64_MAX) < 0)
		goto oom;
	order_flush_all(&r->order);
	if (r->st->lost)
		fprintf(stderr, "perf-prof: the recording lost %lu records; %s\n",
			(unsigned long)r->st->lost,
			r->cfg->lost_note ? r->cfg->lost_note : "pairs across the gaps were dropped");
	r->st->unknown_ids = perfdata_unknown_ids(f.pd);
	if (r->st->unknown_ids)
		fprintf(stderr, "perf-prof: %s: %lu samples skipped: their sample id is not "
			"in the recording's id table (a damaged header?)\n", r->cfg->input,
			(unsigned long)r->st->unknown_ids);
	if (f.ready)
		r->ops->interval(r->ctx, f.max_time, true);
	r->st->forced = r->order.forced;
	r->st->late = r->order.late;
	r->st->order_mem_peak = r->order.mem_peak;
	code = 0;
	goto out;
oom:
	fprintf(stderr, "perf-prof: out of memory ordering records\n");
out:
	free(f.held.rec);
	order_exit(&r->order);
	perfdata_close(f.pd);
	return code;
}

int engine_run(struct engine_cfg *cfg, const struct profiler_ops *ops, void *ctx,
	       struct engine_stats *st)
{
	struct run r;

	memset(&r, 0, sizeof(r));
	memset(st, 0, sizeof(*st));
	r.cfg = cfg;
	r.ops = ops;
	r.ctx = ctx;
	r.st = st;
	install_signals();
	return cfg->input ? run_file(&r) : run_live(&r);
}
