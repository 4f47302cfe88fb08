// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine loop, the same for every source:
 *
 *   next() a batch  ->  take() each record: a gap is counted and held
 *   (gaps.c), anything else brings its buffer's held gap along; then
 *   straight to the profiler, or into the merge (order.c), which delivers
 *   in time order when its flush policy allows
 *
 * When the source has nothing more for now, the gaps still held go on
 * with their own times, and a live source's pass is over: the merge
 * releases what is older than the pass's start less the slack, and the
 * intervals due on the wall clock end.  A recording's intervals end on
 * its own clock, as its samples pass their ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/engine.h>
#include <perf-prof/gaps.h>
#include <perf-prof/order.h>

/*
 * Where records go: straight to the profiler (per-thread live buffers),
 * into the merge as copies (live rings are reused as soon as read), or
 * into the merge by reference (a recording's reader keeps their bytes).
 * The per-record path is compiled once for each (take_batch()).
 */
enum put_mode { PUT_DELIVER, PUT_COPY, PUT_REF };

struct run {
	const struct engine_cfg *cfg;
	bool (*stopping)(void);
	const struct profiler_ops *ops;
	void *ctx;
	struct engine_stats *st;
	struct source *src;
	struct source_batch batch;
	struct gaps gaps;
	struct order order;
	struct order_rounds rounds;
	bool merge;		/* records go through the merge */
	int put_mode;		/* enum put_mode: where records go */
	bool ready;		/* the profiler's setup ran */
	bool file_ticks;	/* intervals on the records' clock, ticked by samples */
	bool ticking;		/* ... and the first sample started the clock */
	order_cb deliver;	/* records in time order go here (the profiler's record()) */
	void *deliver_arg;
	uint64_t samples, late_samples;	/* taken; dropped as too late to sort */
	uint64_t next_tick;
	uint64_t next_ptick;	/* live: the next ops->tick (cfg->tick_ns) */
	uint64_t pass_start;	/* live: when the pass under way began, 0 between passes */
	uint64_t released_forced;	/* order.forced at the last release */
	char err[512];
};

/* "perf-prof: [SOURCE: ]message" */
static void complain(const struct run *r, const char *msg)
{
	const char *name = r->src ? r->src->name : NULL;

	fprintf(stderr, "perf-prof: %s%s%s\n", name ? name : "", name ? ": " : "", msg);
}

/* ---------------------------------------------------------------- delivery */

/*
 * A recording's -i: intervals on its clock, ticked by samples.  The
 * interval a sample ends is printed; the ones after it up to the sample
 * held nothing (an empty interval prints nothing), so the clock skips
 * them at once: a sample stamped far ahead (2^63 ns in a damaged file)
 * costs one step, not one per interval.  Near the clock's end it stops.
 */
static __attribute__((noinline)) void file_tick_due(const struct pp_record *rec, struct run *r)
{
	uint64_t iv = r->cfg->interval_ns, next = r->next_tick, skip;

	r->ops->interval(r->ctx, next, false);
	if (rec->time - next < iv) {
		next += iv;
	} else {
		skip = (rec->time - next) / iv + 1;	/* to the interval holding rec */
		next = skip > (UINT64_MAX - next) / iv ? UINT64_MAX : next + skip * iv;
	}
	r->next_tick = next;
}

static inline void file_tick(const struct pp_record *rec, struct run *r)
{
	if (!r->ticking) {
		r->ticking = true;
		r->next_tick = rec->time > UINT64_MAX - r->cfg->interval_ns ? UINT64_MAX
					: rec->time + r->cfg->interval_ns;
	}
	if (rec->time >= r->next_tick && r->next_tick != UINT64_MAX)
		file_tick_due(rec, r);
}

/*
 * Where records go in time order: straight to the profiler's record()
 * (the merge calls it itself), or here first when a recording's -i ticks
 * on the samples' time.
 */
static void deliver_ticked(const struct pp_record *rec, void *arg)
{
	struct run *r = arg;

	if (rec->type == PP_REC_SAMPLE)
		file_tick(rec, r);
	r->ops->record(rec, r->ctx);
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
		r->ops->record(rec, r->ctx);
		return;
	}
	if (r->file_ticks)
		file_tick(rec, r);
	r->ops->early(r->ctx, rec);
}

/*
 * @rec came after early delivery had passed its time: it cannot be put
 * in order, so it is dropped (a sample no longer counts), and the
 * profiler drops the pairs it might have split.  A gap still counts as one.
 */
static void deliver_late(const struct pp_record *rec, void *arg)
{
	struct run *r = arg;

	if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE) {
		r->ops->record(rec, r->ctx);
		return;
	}
	if (rec->type == PP_REC_SAMPLE)
		r->late_samples++;
	r->ops->late(r->ctx, rec);
}

/* ---------------------------------------------------------------- taking */

/* after a flush: the source may reuse what the merge no longer points into */
static void release(struct run *r)
{
	if (r->put_mode == PUT_REF)
		r->src->ops->release(r->src, order_oldest_seq(&r->order));
	r->released_forced = r->order.forced;
}

static inline __attribute__((always_inline))
int put_as(struct run *r, const struct pp_record *rec, uint64_t seq, enum put_mode mode)
{
	if (mode == PUT_DELIVER) {
		r->deliver(rec, r->deliver_arg);
		return 0;
	}
	if (mode == PUT_COPY)
		return order_push(&r->order, rec);
	return order_push_ref(&r->order, rec, seq);
}

/* @rec (at @seq) to the profiler, or into the merge: 0, or -1 out of memory */
static int put(struct run *r, const struct pp_record *rec, uint64_t seq)
{
	return put_as(r, rec, seq, r->put_mode);
}

/* a FINISHED_ROUND: what perf's rule lets go, goes */
static void round_end(struct run *r)
{
	order_flush(&r->order, order_rounds_end(&r->rounds));
	release(r);
}

/* a gap: counted and held; what cannot be held goes on as it is */
static int take_gap(struct run *r, const struct pp_record *rec, uint64_t seq)
{
	int held = r->src->sorted ? gaps_count(&r->gaps, rec) < 0 ? -1 : 1 /* dated */
				  : gaps_note(&r->gaps, rec);

	if (held < 0)
		return -1;
	return held ? put(r, rec, seq) : 0;
}

/* @rec after the gap held for its buffer, if any */
static int take_after_gap(struct run *r, const struct pp_record *rec, uint64_t seq)
{
	struct pp_record *gap = gaps_take(&r->gaps, rec);

	/* records are at least 8 bytes apart: seq - 1 sorts just before @rec */
	if (gap && put(r, gap, seq - 1) < 0)
		return -1;
	return put(r, rec, seq);
}

/* anything but a sample: a round, a gap, a context switch */
static __attribute__((noinline)) int take_other(struct run *r, const struct pp_record *rec,
						uint64_t seq)
{
	if (rec->type == PP_REC_ROUND) {
		round_end(r);
		return 0;
	}
	if (rec->type == PP_REC_FLUSH) {	/* the source knows its bound */
		order_flush(&r->order, rec->time);
		release(r);
		return 0;
	}
	order_rounds_see(&r->rounds, rec->time);
	if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE)
		return take_gap(r, rec, seq);
	return take_after_gap(r, rec, seq);
}

/* one record of the source: 0, or -1 out of memory */
static inline __attribute__((always_inline))
int take(struct run *r, const struct pp_record *rec, uint64_t seq, enum put_mode mode)
{
	if (rec->type != PP_REC_SAMPLE)
		return take_other(r, rec, seq);
	r->samples++;	/* less those that come too late to sort (deliver_late()) */
	order_rounds_see(&r->rounds, rec->time);
	if (r->gaps.nheld)
		return take_after_gap(r, rec, seq);
	return put_as(r, rec, seq, mode);
}

/* the gaps still held go on with their own times: nothing more comes for now */
static int gaps_flush(struct run *r)
{
	struct pp_record *gap;

	while ((gap = gaps_pop(&r->gaps)))
		if (put(r, gap, UINT64_MAX) < 0)
			return -1;
	return 0;
}

/* ---------------------------------------------------------------- reports */

/*
 * Live losses on stderr: those of the interval just printed, and at the
 * end those of the whole run (rule: totals at exit are totals of the
 * run).  A recording's: its total, at the end.
 */
static void report_lost(struct run *r, bool final)
{
	struct source *src = r->src;
	struct source_buffer b;
	uint64_t lost = 0, total = 0;
	int i, nbuf = 0, ntotal = 0;

	/* a THROTTLE is a drop too: the event stopped until the next tick */
	if (final && r->gaps.throttled)
		fprintf(stderr, "perf-prof: %s%sthe kernel throttled the events %lu times (past "
			"kernel.perf_event_max_sample_rate): what fired meanwhile was not recorded; "
			"pairs across were dropped\n", src->live ? "" : src->name,
			src->live ? "" : ": ", (unsigned long)r->gaps.throttled);
	if (!src->live) {
		if (final && r->gaps.lost)
			fprintf(stderr, "perf-prof: the recording lost %lu records; %s\n",
				(unsigned long)r->gaps.lost, r->cfg->lost_note ? r->cfg->lost_note
						: "pairs across the gaps were dropped");
		return;
	}
	for (i = 0; i < src->nbuf; i++) {
		struct gap_buf *g = gaps_buf(&r->gaps, i);

		if (!g)
			continue;
		total += g->lost;
		ntotal += g->lost != 0;
		if (!g->lost_interval)
			continue;
		lost += g->lost_interval;
		nbuf++;
		if (r->cfg->verbose) {
			src->ops->buffer(src, i, &b);
			fprintf(stderr, "  buffer %d (%s %d): lost %lu records\n", i, b.kind, b.id,
				(unsigned long)g->lost_interval);
		}
		g->lost_interval = 0;
	}
	if (lost && r->cfg->interval_ns)
		fprintf(stderr, "perf-prof: lost %lu records on %d of %d buffers %s; "
			"pairs across the gaps were dropped; raise -m (now %d pages)\n",
			(unsigned long)lost, nbuf, src->nbuf,
			final ? "in the last interval" : "in this interval", src->pages);
	if (final && total)
		fprintf(stderr, "perf-prof: lost %lu records on %d of %d buffers in total; "
			"pairs across the gaps were dropped; raise -m (now %d pages)\n",
			(unsigned long)total, ntotal, src->nbuf, src->pages);
}

/*
 * The kernel writes a LOST record only once it has room again, so what a
 * buffer lost at the very end (a thread that overflowed it, then exited)
 * is never reported in it.  The source's own count says it: the
 * difference is a gap at the end.
 */
static int unreported_lost(struct run *r)
{
	struct source *src = r->src;
	struct source_buffer b;
	struct pp_record l;
	int i;

	for (i = 0; i < src->nbuf; i++) {
		uint64_t seen = gaps_lost(&r->gaps, i);

		src->ops->buffer(src, i, &b);
		if (b.lost_total <= (int64_t)seen)
			continue;
		memset(&l, 0, sizeof(l));
		l.type = PP_REC_LOST;
		l.lost = (uint64_t)b.lost_total - seen;
		l.buf = i;
		l.cpu = b.cpu;
		l.pid = l.tid = b.tid;
		l.time = pp_clock_now();
		if (r->cfg->verbose)
			fprintf(stderr, "  buffer %d: %lu records lost at the end, not reported "
				"in the ring\n", i, (unsigned long)l.lost);
		if (take_gap(r, &l, UINT64_MAX) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the loop */

/* the formats are known: the profiler binds to them */
static int setup(struct run *r)
{
	struct engine_info info;
	int code;

	info.tep = r->src->ops->formats(r->src, r->err, sizeof(r->err));
	if (!info.tep) {
		complain(r, r->err);
		return 1;
	}
	info.switches = r->src->switches;
	info.clock = r->src->clock;
	info.merged = r->merge || r->src->sorted;
	info.src = r->src;
	code = r->ops->setup(r->ctx, &info, r->err, sizeof(r->err));
	if (code) {
		complain(r, r->err);
		return code;
	}
	r->ready = true;
	/* what the profiler reads: a sorted recording drops the rest */
	if (r->ops->uses && r->src->ops->use) {
		int ids[64], n = r->ops->uses(r->ctx, ids, 64);

		if (n >= 0)
			r->src->ops->use(r->src, ids, n);
	}
	return 0;
}

#define TAKE_ALL(r, b, mode)						\
	do {								\
		int i_;							\
									\
		for (i_ = 0; i_ < (b)->n; i_++)				\
			if (take(r, &(b)->rec[i_], (b)->seq[i_], mode) < 0)	\
				return -1;				\
	} while (0)

static int take_batch(struct run *r)
{
	const struct source_batch *b = &r->batch;

	switch (r->put_mode) {
	case PUT_REF:
		TAKE_ALL(r, b, PUT_REF);
		/* --order-mem delivered some early: what they held may go */
		if (r->order.forced != r->released_forced)
			release(r);
		break;
	case PUT_COPY:
		TAKE_ALL(r, b, PUT_COPY);
		break;
	default:
		TAKE_ALL(r, b, PUT_DELIVER);
		break;
	}
	return 0;
}

/* live, a pass is over: the merge lets go what it may, intervals due end */
static void pass_end(struct run *r)
{
	uint64_t interval = r->cfg->interval_ns, start = r->pass_start;

	r->pass_start = 0;
	if (r->merge) {
		uint64_t wm = order_live_bound(start);

		while (interval && r->next_tick <= wm) {
			order_flush(&r->order, r->next_tick);
			report_lost(r, false);
			r->ops->interval(r->ctx, r->next_tick, false);
			r->next_tick += interval;
		}
		order_flush(&r->order, wm);
	} else if (interval && start >= r->next_tick) {
		report_lost(r, false);
		r->ops->interval(r->ctx, r->next_tick, false);
		r->next_tick += interval;
		if (r->next_tick <= start)	/* fell behind: don't burst */
			r->next_tick = start + interval;
	}
	if (r->cfg->tick_ns && start >= r->next_ptick) {
		r->ops->tick(r->ctx);
		r->next_ptick = start + r->cfg->tick_ns;
	}
}

/* a recording paced to its own time (--replay) waits too: the ticks go on meanwhile */
static void idle_tick(struct run *r)
{
	uint64_t now = pp_clock_now();

	if (now >= r->next_ptick) {
		r->ops->tick(r->ctx);
		r->next_ptick = now + r->cfg->tick_ns;
	}
}

/* ms until @due, rounded up */
static int ms_until(uint64_t due, uint64_t now)
{
	return due > now ? (int)((due - now + 999999) / 1000000) : 0;
}

/*
 * live: until the next interval is due (and the merge's slack has
 * passed), or the next tick
 */
static int wait_ms(const struct run *r)
{
	uint64_t now = pp_clock_now();
	int t = 100;	/* wakeups come per watermark, not per event */

	if (r->cfg->interval_ns)
		t = ms_until(r->next_tick + (r->merge ? ORDER_LIVE_SLACK_NS : 0), now);
	if (r->cfg->tick_ns && ms_until(r->next_ptick, now) < t)
		t = ms_until(r->next_ptick, now);
	return t;
}

/* until a stop, the end of the source, or an error: 0, or the exit code */
static int loop(struct run *r)
{
	struct source *src = r->src;

	while (!r->stopping()) {
		int n;

		if (src->live && !r->pass_start)
			r->pass_start = pp_clock_now();
		n = src->ops->next(src, &r->batch, r->err, sizeof(r->err));
		if (n < 0) {
			if (r->stopping())
				break;	/* a read the stop interrupted */
			fprintf(stderr, "perf-prof: %s\n", r->err);	/* it names the source */
			return 1;
		}
		if (n > 0) {
			if (!r->ready && (n = setup(r)))
				return n;
			if (take_batch(r) < 0)
				return -1;
			continue;
		}
		/* nothing more for now */
		if (gaps_flush(r) < 0)
			return -1;
		if (src->live)
			pass_end(r);
		else if (r->cfg->tick_ns && r->ready)
			idle_tick(r);
		if (src->ops->exhausted(src))
			break;
		if (src->ops->wait(src, wait_ms(r)) < 0)
			break;
	}
	return 0;
}

/* the last records, what the buffers never reported, the last table */
static int finish(struct run *r)
{
	struct source *src = r->src;

	if (src->ops->stop) {
		src->ops->stop(src);
		while (src->ops->next(src, &r->batch, r->err, sizeof(r->err)) > 0)
			if (take_batch(r) < 0)
				return -1;
		if (unreported_lost(r) < 0)
			return -1;
	}
	if (gaps_flush(r) < 0)
		return -1;
	order_flush_all(&r->order);
	report_lost(r, true);
	if (src->ops->summary)
		src->ops->summary(src);
	if (src->newest > r->rounds.newest)	/* a sorted source read more than it handed out */
		r->rounds.newest = src->newest;
	if (r->ready)
		r->ops->interval(r->ctx, src->live ? pp_clock_now() : r->rounds.newest, true);
	/* and the samples it dropped, of events the profiler does not read */
	r->st->samples = r->samples - r->late_samples + src->unused;
	r->st->lost = r->gaps.lost;
	r->st->lost_records = r->gaps.records;
	r->st->throttled = r->gaps.throttled;
	r->st->forced = r->order.forced;
	r->st->late = r->order.late;
	r->st->order_mem_peak = r->order.mem_peak > src->mem_peak ? r->order.mem_peak
								   : src->mem_peak;
	return 0;
}

int engine_run(struct source *src, const struct engine_cfg *cfg, const struct profiler_ops *ops,
	       void *ctx, bool (*stopping)(void), struct engine_stats *st)
{
	struct run *r = calloc(1, sizeof(*r));
	int code;

	memset(st, 0, sizeof(*st));
	if (!r) {
		fprintf(stderr, "perf-prof: out of memory\n");
		return 1;
	}
	r->cfg = cfg;
	r->stopping = stopping;
	r->ops = ops;
	r->ctx = ctx;
	r->st = st;
	r->src = src;
	gaps_init(&r->gaps);
	r->merge = r->src->merge || cfg->order;
	r->put_mode = !r->merge ? PUT_DELIVER : r->src->by_ref ? PUT_REF : PUT_COPY;
	r->file_ticks = !r->src->live && cfg->interval_ns;
	r->deliver = r->file_ticks ? deliver_ticked : ops->record;
	r->deliver_arg = r->file_ticks ? (void *)r : ctx;
	order_init(&r->order, cfg->order_mem, r->deliver, r->deliver_arg);
	/* ordering with a memory bound: early and late records, if the profiler can tell */
	if (ops->early && ops->late)
		order_set_early(&r->order, deliver_early, deliver_late, r);
	/* a live source's formats are there now; a recording's come with its records */
	if (r->src->live) {
		code = setup(r);
		if (!code && (code = r->src->ops->start(r->src, r->err, sizeof(r->err))))
			complain(r, r->err);
		if (code)
			goto out;
		if (cfg->interval_ns)
			r->next_tick = pp_clock_now() + cfg->interval_ns;
		if (cfg->tick_ns)
			r->next_ptick = pp_clock_now() + cfg->tick_ns;
	}
	code = loop(r);
	if (!code)
		code = finish(r);
	if (code < 0) {
		fprintf(stderr, "perf-prof: out of memory ordering records\n");
		code = 1;
	}
out:
	order_exit(&r->order);
	gaps_free(&r->gaps);
	free(r);
	return code;
}
