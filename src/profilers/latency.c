// SPDX-License-Identifier: GPL-2.0-only
/*
 * The begin/end latency profiler (kvm-exit, syscalls), its per-record
 * side: the engine's callbacks.  sample() pairs a begin with its end and
 * counts the pair (or, for a recording of begin events alone, counts the
 * begin), lost() drops the pairs a gap could have corrupted, early() and
 * late() do what --order-mem's overflow allows; interval() and tick()
 * are in latency-print.c, the run in latency-run.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/dump.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/rips.h>
#include "latency-int.h"

/*
 * A recording of the begin event alone (seed 004 records kvm:kvm_exit
 * only): there is no latency to measure, but every exit can be counted
 * per reason and per guest RIP.  Options that need latencies are refused.
 */
static int counts_setup(struct lat_ctx *c, struct tep_handle *tep, struct tep_event *b,
			char *err, size_t errlen)
{
	const struct lat_class *cls = c->cls;
	const struct lat_env *env = c->env;
	const char *what = env->than ? "--than" : env->heatmap ? "--heatmap" :
			   env->sched ? "--offcpu" : env->pct_given ? "--percentiles" : NULL;

	if (what) {
		snprintf(err, errlen, "%s needs latencies, and the recording has %s but no %s "
			 "events; record both (perf record -e %s -e %s)", what, cls->begin_event,
			 cls->end_event, cls->begin_event, cls->end_event);
		return 2;
	}
	if (cls->bind(c->cls_state, b, NULL, err, errlen) < 0)
		return 1;
	if (env->vcpus.n && (!cls->has_vcpu || !cls->has_vcpu(c->cls_state))) {
		snprintf(err, errlen, "--vcpu: these %s events carry no vCPU id; select vCPU "
			 "threads with --perins instead", cls->begin_event);
		return 2;
	}
	fprintf(stderr, "perf-prof: %s has %s but no %s events: %s are counted, without "
		"latencies (those need both: perf record -e %s -e %s)\n", env->input,
		cls->begin_event, cls->end_event, cls->count_noun, cls->begin_event, cls->end_event);
	c->counts = true;
	c->cfg->lost_note = "what they held is not counted";
	c->count_id = b->id;
	c->begin_id = c->end_id = c->switch_id = -1;
	c->tep = tep;
	c->style.counts = true;
	c->style.title = cls->count_title;
	c->style.extra_header = cls->count_extra_header;
	return 0;
}

static int lat_setup(void *arg, const struct engine_info *info, char *err, size_t errlen)
{
	struct lat_ctx *c = arg;
	struct tep_handle *tep = info->tep;
	const struct lat_class *cls = c->cls;
	struct tep_event *b, *e, *sw;

	b = pp_tep_find(tep, cls->begin_event);
	e = pp_tep_find(tep, cls->end_event);
	c->count_id = -1;
	if (b && !e && c->env->input && cls->count_title)
		return counts_setup(c, tep, b, err, errlen);
	if (!b || !e) {
		snprintf(err, errlen, "the event formats have no %s",
			 !b ? cls->begin_event : cls->end_event);
		return 1;
	}
	if (cls->bind(c->cls_state, b, e, err, errlen) < 0)
		return 1;
	if (c->env->vcpus.n && (!cls->has_vcpu || !cls->has_vcpu(c->cls_state))) {
		snprintf(err, errlen, "--vcpu: these %s events carry no vCPU id (ARM64 kvm "
			 "events have none); select vCPU threads with -t TID instead",
			 cls->begin_event);
		return 2;
	}
	c->switch_id = -1;
	if (c->env->sched && c->env->input) {
		/*
		 * A recording brings its own scheduling data: context-switch
		 * records (perf record --switch-events), or sched_switch samples.
		 */
		sw = tep_find_event_by_name(tep, "sched", "sched_switch");
		if (sw && pp_field_bind(sw, "prev_pid", &c->prev_pid) &&
		    pp_field_bind(sw, "next_pid", &c->next_pid))
			c->switch_id = sw->id;
		else if (!info->switches) {
			snprintf(err, errlen, "--offcpu needs context switches in the recording "
				 "(perf record --switch-events, or -e sched:sched_switch)");
			return 1;
		}
	}
	c->tep = tep;
	c->clock = info->clock;
	c->src = info->src;
	c->by_time = info->merged;
	c->begin_id = b->id;
	c->end_id = e->id;
	return 0;
}

/*
 * The begin, end and sched_switch handlers are noinline: inlined into
 * lat_sample(), their register needs would make every record pay for the
 * largest of them.
 */

/* what an end pairs with: the begin's time, place, key and --than copy */
static inline void fill_begin(struct lat_ctx *c, const struct pp_record *rec,
			      struct pair_pending *p, bool keep_raw)
{
	p->valid = 1;
	p->time = rec->time;
	p->cpu = rec->cpu;
	p->buf = rec->buf;
	p->pid = rec->pid;
	p->out_since = 0;
	p->sched = 0;
	if (keep_raw)
		pair_keep_raw(p, rec->raw, rec->raw_size);
	p->key = c->key(c->cls_state, rec, &p->aux);
}

/* any begin: its tid's slot found or made, the begin kept */
static __attribute__((noinline)) void on_begin_any(struct lat_ctx *c,
						     const struct pp_record *rec)
{
	fill_begin(c, rec, pair_get(&c->pairs, rec->tid), c->keep_raw);
}

/*
 * The usual begin: no --than, and the tid's slot is its home slot.  Then
 * only key() is called, and only p lives across it; any other begin goes
 * to on_begin_any(), which may insert and copy.
 */
static __attribute__((noinline)) void on_begin(struct lat_ctx *c, const struct pp_record *rec)
{
	struct pair_pending *p;

	if (c->keep_raw || !(p = pair_get_peek(&c->pairs, rec->tid))) {
		on_begin_any(c, rec);
		return;
	}
	fill_begin(c, rec, p, false);
}

static uint64_t inst_id(struct lat_ctx *c, const struct pair_pending *p,
			const struct pp_record *end)
{
	if (c->kind == INST_ALL)	/* the default: test it before the jump table */
		return 0;
	switch (c->kind) {
	case INST_THREAD: return end->tid;
	case INST_CPU: return p->cpu;
	case INST_VM: return end->pid;
	default: return 0;
	}
}

static bool vcpu_wanted(struct lat_ctx *c, const struct pp_record *end)
{
	int64_t v = c->cls->vcpu(c->cls_state, end);

	return v >= 0 && v <= 0x7fffffff && id_list_has(&c->env->vcpus, (int)v);
}

/* what --offcpu, --top-rip, --heatmap and --than add to a pair */
static void pair_options(struct lat_ctx *c, const struct pp_record *rec,
			 struct pair_pending *p, struct lat_row *row, uint64_t lat)
{
	if (c->sched) {
		/*
		 * Still out: a per-task recording sees its switch-outs only
		 * (sched_switch fires in the outgoing task); it ran again by
		 * this end, so count the gap up to it.
		 */
		if (p->out_since)
			p->sched += rec->time - p->out_since;
		row->sched += p->sched < lat ? p->sched : lat;
	}
	if (c->env->top_rips) {
		if (!row->rips && !(row->rips = calloc(1, sizeof(*row->rips))))
			abort();
		rip_add(row->rips, p->aux, lat);
	}
	if (c->hm)
		heatmap_write_key(c->hm, p->time, lat, p->key);
	if (c->keep_raw && lat >= c->env->than_ns &&
	    (c->env->than_idle || !c->cls->idle_key || !c->cls->idle_key(c->cls_state, p->key))) {
		dump_event(c->out, c->tep, p->raw, p->raw_size, p->tid, p->cpu, p->time, &c->clock,
			   source_comm(c->src, p->tid));
		dump_event(c->out, c->tep, rec->raw, rec->raw_size, rec->tid, rec->cpu, rec->time,
			   &c->clock, source_comm(c->src, rec->tid));
		c->dumped++;
	}
}

/*
 * The exported histogram of a new row: labelled by reason and, as the
 * tables are split, by process (-p), vCPU or thread (--perins, per
 * thread) or CPU (--perins, per CPU).  Rows persist, so this runs once
 * per row.
 */
static struct prom_hist *export_hist(struct lat_ctx *c, const struct lat_inst *in,
				     const struct pp_record *end, uint64_t key)
{
	struct prom_inst pi = { -1, -1, -1, -1 };
	char reason[64];

	c->cls->key_name(c->cls_state, key, reason, sizeof(reason));
	switch (c->kind) {
	case INST_ALL:
		if (c->npid == 1)
			pi.pid = c->pids[0].pid;
		break;
	case INST_VM:
		pi.pid = in->id;
		break;
	case INST_THREAD:
		if (c->npid)
			pi.pid = end->pid;
		if (in->vcpu >= 0)
			pi.vcpu = in->vcpu;
		else
			pi.tid = in->id;
		break;
	case INST_CPU:
		pi.cpu = in->id;
		break;
	}
	return prom_hist_of(c->prom, reason, &pi);
}

/* the statistics of a pair, once its row is known */
static inline void count_pair(struct lat_ctx *c, const struct pp_record *rec,
			      const struct pair_pending *p, struct lat_row *row, uint64_t lat)
{
	c->paired++;	/* first: td_add() can end on_end() as a tail call */
	if (row->hist)
		prom_hist_add(row->hist, lat);
	lat_row_add(row, lat, c->extra(c->cls_state, rec, p->aux, lat));
}

/* any end: pairing, filtering, statistics and options */
static __attribute__((noinline)) void on_end_any(struct lat_ctx *c, const struct pp_record *rec)
{
	struct pair_pending *p = pair_end(&c->pairs, rec->tid, rec->time);
	struct lat_inst *in;
	struct lat_row *row;
	uint64_t lat;

	if (!p)
		return;
	if (c->vcpu_filter && !vcpu_wanted(c, rec)) {
		c->filtered++;
		return;
	}
	lat = rec->time - p->time;
	in = lat_stats_inst(&c->stats, inst_id(c, p, rec));
	if (c->label_vcpu && in->vcpu < 0) {
		in->vcpu = c->cls->vcpu(c->cls_state, rec);
		in->pid = rec->pid;
	}
	row = lat_inst_row(&c->stats, in, p->key);
	if (c->prom && !row->hist)
		row->hist = export_hist(c, in, rec, p->key);
	count_pair(c, rec, p, row, lat);
	if (c->pair_options)
		pair_options(c, rec, p, row, lat);
}

/*
 * The usual end: no --vcpu or pair options, and the begin, instance and
 * row all where the caches say.  Everything is checked before anything
 * changes, so that any other end can go to on_end_any() whole; what
 * remains is a leaf that saves no registers for calls it will not make.
 */
static __attribute__((noinline)) void on_end(struct lat_ctx *c, const struct pp_record *rec)
{
	struct pair_pending *p;
	struct lat_inst *in;
	struct lat_row *row;

	if (!c->plain_end || !(p = pair_end_peek(&c->pairs, rec->tid, rec->time)) ||
	    !(in = lat_stats_inst_cached(&c->stats, inst_id(c, p, rec))) ||
	    (c->label_vcpu && in->vcpu < 0) || !(row = lat_inst_row_cached(in, p->key))) {
		on_end_any(c, rec);
		return;
	}
	p->valid = 0;		/* what pair_end() does to a begin it pairs */
	count_pair(c, rec, p, row, rec->time - p->time);
}

/* the instance of a counted begin record */
static uint64_t count_inst_id(struct lat_ctx *c, const struct pp_record *rec)
{
	switch (c->kind) {
	case INST_THREAD: return rec->tid;
	case INST_CPU: return rec->cpu;
	case INST_VM: return rec->pid;
	default: return 0;
	}
}

/* counts mode: a begin record counted per key, and per guest RIP */
static __attribute__((noinline)) void on_count(struct lat_ctx *c, const struct pp_record *rec)
{
	struct lat_inst *in;
	struct lat_row *row;
	uint64_t aux = 0, key;

	if (c->vcpu_filter && !vcpu_wanted(c, rec)) {
		c->filtered++;
		return;
	}
	key = c->key(c->cls_state, rec, &aux);
	in = lat_stats_inst(&c->stats, count_inst_id(c, rec));
	if (c->label_vcpu && in->vcpu < 0) {
		in->vcpu = c->cls->vcpu(c->cls_state, rec);
		in->pid = rec->pid;
	}
	row = lat_inst_row(&c->stats, in, key);
	row->calls++;
	row->extra += c->extra(c->cls_state, rec, aux, 1) != 0;	/* from guest kernel mode */
	if (c->env->top_rips) {
		if (!row->rips && !(row->rips = calloc(1, sizeof(*row->rips))))
			abort();
		rip_add(row->rips, aux, 0);
	}
	c->paired++;
}

/* the scheduled-out part of a pending latency (--offcpu) */
static void switched(struct lat_ctx *c, uint32_t tid, uint64_t time, bool out)
{
	struct pair_pending *p = pair_find(&c->pairs, tid);

	if (!p || time < p->time)
		return;
	if (out) {
		if (!p->out_since)
			p->out_since = time;
	} else if (p->out_since) {
		p->sched += time - p->out_since;
		p->out_since = 0;
	}
}

static __attribute__((noinline)) void sched_switch(struct lat_ctx *c,
						     const struct pp_record *rec)
{
	switched(c, pp_field_u64(&c->prev_pid, rec->raw, rec->raw_size), rec->time, true);
	switched(c, pp_field_u64(&c->next_pid, rec->raw, rec->raw_size), rec->time, false);
}

static __attribute__((noinline)) void switch_record(struct lat_ctx *c,
						      const struct pp_record *rec)
{
	if (c->sched)
		switched(c, rec->tid, rec->time, rec->type == PP_REC_SWITCH_OUT);
}

static void lat_sample(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;
	uint16_t type;

	if (rec->type != PP_REC_SAMPLE) {
		switch_record(c, rec);
		return;
	}
	if (rec->raw_size < 8)
		return;
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->begin_id)
		on_begin(c, rec);
	else if (type == c->end_id)
		on_end(c, rec);
	else if (type == c->switch_id)
		sched_switch(c, rec);
	else if (type == c->count_id)
		on_count(c, rec);
}

static void lat_lost(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;

	c->lost_interval += rec->lost;
	c->lost_total += rec->lost;
	if (c->by_time)
		pair_invalidate_before(&c->pairs, rec->time);
	else
		pair_invalidate_buf(&c->pairs, rec->buf);
}

/* drop @tid's pending begin if it is older than @time: a pair that might be wrong */
static void drop_pending(struct lat_ctx *c, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = pair_find(&c->pairs, tid);

	if (p && p->time <= time) {
		p->valid = 0;
		c->order_dropped++;
	}
}

/*
 * --order-mem was too small: @rec comes before older records may have
 * arrived.  A begin is kept (a later, in-order end may close it); an end
 * may not close a pair, since a record of its thread between the two
 * might still come: its pending begin is dropped instead.
 */
static void lat_early(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;
	uint16_t type;

	if (rec->type != PP_REC_SAMPLE || rec->raw_size < 8) {
		lat_sample(arg, rec);
		return;
	}
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->end_id)
		drop_pending(c, rec->tid, UINT64_MAX);
	else
		lat_sample(arg, rec);
}

/*
 * @rec came too late to be sorted and is dropped: a pending begin of its
 * thread from before it might have been closed by it (or by what it hid).
 */
static void lat_late(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;
	uint16_t type;

	if (rec->type == PP_REC_SWITCH_IN || rec->type == PP_REC_SWITCH_OUT) {
		drop_pending(c, rec->tid, rec->time);
		return;
	}
	if (rec->type != PP_REC_SAMPLE || rec->raw_size < 8)
		return;
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->begin_id || type == c->end_id) {
		drop_pending(c, rec->tid, rec->time);
	} else if (type == c->switch_id) {
		/* its scheduled-out time would be missing from both threads' pairs */
		drop_pending(c, pp_field_u64(&c->prev_pid, rec->raw, rec->raw_size), rec->time);
		drop_pending(c, pp_field_u64(&c->next_pid, rec->raw, rec->raw_size), rec->time);
	}
}

const struct profiler_ops lat_ops = {
	.setup = lat_setup,
	.sample = lat_sample,
	.lost = lat_lost,
	.interval = lat_interval,
	.early = lat_early,
	.late = lat_late,
	.tick = lat_tick,
};
