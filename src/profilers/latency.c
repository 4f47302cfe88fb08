// SPDX-License-Identifier: GPL-2.0-only
/*
 * The begin/end latency profiler (kvm-exit, syscalls), its per-record
 * side: the engine's callbacks.  sample() pairs a begin with its end and
 * hands the pair to the run's sinks (sink.h: the statistics, --offcpu,
 * --top-rip, --heatmap, --than, the exporter), or, for a recording of
 * begin events alone, hands them the begin; a record of an event a sink
 * reads goes to that sink.  lost() drops the pairs a gap could have
 * corrupted, early() and late() do what --order-mem's overflow allows;
 * interval() and tick() are in latency-print.c, the run in latency-run.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/evfilter.h>
#include "latency-int.h"

/*
 * --filter on a recording: the expression the kernel would have read
 * (names rewritten from the recording's own format), evaluated on each
 * begin record as it is read; what it leaves out is as if never recorded.
 */
static int input_filter(struct lat_ctx *c, struct tep_handle *tep, struct tep_event *b,
			char *err, size_t errlen)
{
	const char *expr = c->env->filter;
	char *named = NULL;
	int code;

	if (!expr || !c->env->input)
		return 0;
	if (c->cls->filter_names) {
		code = c->cls->filter_names(b, expr, &named, err, errlen);
		if (code)
			return code;
		expr = named;
	}
	if (c->env->verbose && strcmp(expr, c->env->filter))
		fprintf(stderr, "perf-prof: --filter '%s' as this recording's format reads it: "
			"'%s'\n", c->env->filter, expr);
	c->begin_filter = ev_filter_new(tep, c->cls->begin_event, expr, err, errlen);
	free(named);
	return c->begin_filter ? 0 : 2;
}

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
			   env->sched ? "--offcpu" : env->pct_given ? "--percentiles" :
			   env->detail ? "--detail" : env->vmm ? "--vmm" : NULL;
	int code;

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
	code = input_filter(c, tep, b, err, errlen);
	if (code)
		return code;
	fprintf(stderr, "perf-prof: %s has %s but no %s events: %s are counted, without "
		"latencies (those need both: perf record -e %s -e %s)\n", env->input,
		cls->begin_event, cls->end_event, cls->count_noun, cls->begin_event, cls->end_event);
	c->counts = true;
	c->cfg->lost_note = "what they held is not counted";
	c->count_id = b->id;
	c->begin_id = c->end_id = -1;
	lat_sinks_counts(&c->sinks);
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
	struct tep_event *b, *e;
	int code;

	c->vms.src = info->src;	/* a recording names its processes */
	b = pp_tep_find(tep, cls->begin_event);
	e = pp_tep_find(tep, cls->end_event);
	c->count_id = -1;
	c->filtered_id = -1;
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
	code = input_filter(c, tep, b, err, errlen);
	if (code)
		return code;
	code = lat_sinks_setup(&c->sinks, info, err, errlen);
	if (code)
		return code;
	c->tep = tep;
	c->src = info->src;
	c->clock = info->clock;
	c->by_time = info->merged;
	c->begin_id = b->id;
	if (c->begin_filter) {
		/* its begins go the other way, through the filter (on_other()) */
		c->filtered_id = b->id;
		c->begin_id = -1;
	}
	c->end_id = e->id;
	return 0;
}

/*
 * on_begin(), on_end() and on_other() are kept out of lat_record():
 * inlined there, their register needs would make every record pay for
 * the largest of them.  They take the record first, as lat_record() does,
 * so that it hands it on without moving a register.
 */

/* a begin: its thread now waits for its end, keyed by the class */
static __attribute__((noinline)) void on_begin(const struct pp_record *rec, struct lat_ctx *c)
{
	struct pair_pending *p = pair_begin(&c->pairs, rec);

	p->key = c->key(c->cls_state, rec, &p->aux);
}

/* the table a pair (or a counted begin) of @rec, begun on @cpu, counts in */
static uint64_t inst_id(const struct lat_ctx *c, uint32_t cpu, const struct pp_record *rec)
{
	switch (c->kind) {
	case INST_THREAD: return rec->tid;
	case INST_CPU: return cpu;
	case INST_VM: return rec->pid;
	case INST_CGROUP: return source_cgroup_of(c->src_cfg, rec->buf);
	default: return 0;
	}
}

static bool vcpu_wanted(struct lat_ctx *c, const struct pp_record *end)
{
	int64_t v = c->cls->vcpu(c->cls_state, end);

	return v >= 0 && v <= 0x7fffffff && id_list_has(&c->env->vcpus, (int)v);
}

/* an end: the pair it closes, if --vcpu wants it, to the sinks */
static __attribute__((noinline)) void on_end(const struct pp_record *rec, struct lat_ctx *c)
{
	struct pair_pending *p = pair_end(&c->pairs, rec->tid, rec->time);
	struct lat_pair *pair = &c->pair;

	if (!p)
		return;
	if (c->vcpu_filter && !vcpu_wanted(c, rec)) {
		c->filtered++;
		return;
	}
	pair->begin = p;
	pair->end = rec;
	pair->lat = rec->time - p->time;
	pair->extra = c->extra(c->cls_state, rec, p->aux, pair->lat);
	pair->inst = c->kind == INST_ALL ? 0 : inst_id(c, p->cpu, rec);
	if (c->kind == INST_VM)
		vm_names_seen(&c->vms, rec->pid);
	c->paired++;
	lat_sinks_pair(&c->sinks, pair);
}

/* counts mode: a begin record, with no end, to the sinks that count */
static void on_count(struct lat_ctx *c, const struct pp_record *rec)
{
	struct lat_pair *pair = &c->pair;
	struct pair_pending *b = &c->counted;

	if (c->begin_filter && !ev_filter_pass(c->begin_filter, rec)) {
		c->filtered_begins++;
		return;
	}
	if (c->vcpu_filter && !vcpu_wanted(c, rec)) {
		c->filtered++;
		return;
	}
	memset(pair, 0, sizeof(*pair));
	memset(b, 0, sizeof(*b));
	b->tid = rec->tid;
	pair_note(b, rec);
	b->key = c->key(c->cls_state, rec, &b->aux);
	pair->begin = b;
	pair->end = rec;
	/* whether it came from guest kernel mode, for the share column */
	pair->extra = c->extra(c->cls_state, rec, b->aux, 1) != 0;
	pair->inst = inst_id(c, rec->cpu, rec);
	if (c->kind == INST_VM)
		vm_names_seen(&c->vms, rec->pid);
	c->paired++;
	lat_sinks_pair(&c->sinks, pair);
}

/* records were lost on rec->buf before rec->time: the pairs they could have ended go */
static void lat_lost(struct lat_ctx *c, const struct pp_record *rec)
{
	c->lost_interval += rec->lost;
	c->lost_total += rec->lost;
	if (c->by_time)
		pair_invalidate_before(&c->pairs, rec->time);
	else
		pair_invalidate_buf(&c->pairs, rec->buf);
}

/*
 * Any other record: a begin counted alone, a record of an event a sink
 * reads, a context switch (to the sinks that read them), a gap.
 */
static __attribute__((noinline)) void on_other(const struct pp_record *rec, struct lat_ctx *c)
{
	struct lat_sink *k;
	uint16_t type;
	int i;

	if (rec->type == PP_REC_LOST || rec->type == PP_REC_THROTTLE) {
		lat_lost(c, rec);
		return;
	}
	if (rec->type != PP_REC_SAMPLE) {
		for (i = 0; c->switches && i < c->sinks.n; i++)
			if (c->sinks.v[i].switches)
				c->sinks.v[i].ops->record(c->sinks.v[i].self, &c->pairs, rec);
		return;
	}
	if (rec->raw_size < 8)
		return;
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->count_id)
		on_count(c, rec);
	else if (type == c->filtered_id && ev_filter_pass(c->begin_filter, rec))
		on_begin(rec, c);
	else if (type == c->filtered_id)
		c->filtered_begins++;
	else if ((k = lat_sinks_reader(&c->sinks, type)))
		k->ops->record(k->self, &c->pairs, rec);
}

/* a record, as perf's handle_kvm_event() takes it: a begin, an end, or another */
static void lat_record(const struct pp_record *rec, void *arg)
{
	struct lat_ctx *c = arg;
	uint16_t type;

	if (rec->type == PP_REC_SAMPLE && rec->raw_size >= 8) {
		memcpy(&type, rec->raw, sizeof(type));
		if (type == c->begin_id) {
			on_begin(rec, c);
			return;
		}
		if (type == c->end_id) {
			on_end(rec, c);
			return;
		}
	}
	on_other(rec, c);
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
		lat_record(rec, arg);
		return;
	}
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->end_id)
		pair_drop(&c->pairs, rec->tid, UINT64_MAX);
	else
		lat_record(rec, arg);
}

/*
 * @rec came too late to be sorted and is dropped: a pending begin of its
 * thread from before it might have been closed by it (or by what it hid).
 */
static void lat_late(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;
	struct lat_sink *k;
	uint16_t type;

	if (rec->type == PP_REC_SWITCH_IN || rec->type == PP_REC_SWITCH_OUT) {
		pair_drop(&c->pairs, rec->tid, rec->time);
		return;
	}
	if (rec->type != PP_REC_SAMPLE || rec->raw_size < 8)
		return;
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->begin_id || type == c->end_id || type == c->filtered_id)
		pair_drop(&c->pairs, rec->tid, rec->time);
	else if ((k = lat_sinks_reader(&c->sinks, type)) && k->ops->late)
		k->ops->late(k->self, &c->pairs, rec);
	else if (k)
		pair_drop(&c->pairs, rec->tid, rec->time);
}

/*
 * The events whose samples the profiler reads (profiler_ops.uses): the
 * begin, the end, and each sink's companions; a recording drops the rest.
 */
static int lat_uses(void *arg, int *ids, int max)
{
	const struct lat_ctx *c = arg;
	int n = 0, i, j;

#define USE(id) do { if ((id) >= 0) { if (n == max) return -1; ids[n++] = (id); } } while (0)
	USE(c->begin_id);
	USE(c->filtered_id);	/* the begins, when --filter on a recording takes them */
	USE(c->end_id);
	USE(c->count_id);
	for (i = 0; i < c->sinks.n; i++)
		for (j = 0; j < c->sinks.v[i].nevents; j++)
			USE(c->sinks.v[i].ids[j]);
#undef USE
	return n;
}

const struct profiler_ops lat_ops = {
	.setup = lat_setup,
	.record = lat_record,
	.interval = lat_interval,
	.early = lat_early,
	.late = lat_late,
	.tick = lat_tick,
	.uses = lat_uses,
};
