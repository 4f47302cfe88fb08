// SPDX-License-Identifier: GPL-2.0-only
/*
 * The begin/end latency profiler: the engine's callbacks for kvm-exit and
 * syscalls.  sample() pairs, lost() drops the pairs a gap could have
 * corrupted, interval() prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <perf-prof/dump.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/engine.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/json.h>
#include <perf-prof/latency.h>
#include <perf-prof/output.h>
#include <perf-prof/pair.h>
#include <perf-prof/proc.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/rips.h>
#include <perf-prof/stats.h>
#include <perf-prof/table.h>
#include <perf-prof/tep.h>

/* what one table covers */
enum inst_kind { INST_ALL, INST_THREAD, INST_CPU, INST_VM };

struct lat_ctx {
	const struct lat_class *cls;
	void *cls_state;	/* the class's bound fields and caches */
	struct lat_env *env;
	struct engine_cfg *cfg;
	struct tep_handle *tep;
	int begin_id, end_id, switch_id;
	int count_id;		/* counts mode: the begin event, else -1 */
	bool counts;		/* a recording of begin events only: counted */
	struct pp_field prev_pid, next_pid;	/* sched:sched_switch in a recording */
	enum inst_kind kind;
	bool by_time;		/* records arrive merged by time */
	bool keep_raw;		/* --than needs the begin record */
	struct pp_clock clock;	/* event times to wall-clock times */
	/*
	 * Fixed for the run, copied here so the per-record path reads one
	 * flag instead of following c->env and c->cls.
	 */
	uint64_t (*key)(const void *st, const struct pp_record *begin, uint64_t *aux);
	uint64_t (*extra)(const void *st, const struct pp_record *end, uint64_t aux, uint64_t lat);
	bool sched;		/* --offcpu */
	bool vcpu_filter;	/* --vcpu */
	bool label_vcpu;	/* per-thread tables show the vCPU id */
	bool pair_options;	/* --offcpu, --top-rip, --heatmap or --than */
	bool plain_end;		/* neither --vcpu nor pair_options */
	struct pair_table pairs;
	struct lat_stats stats;
	struct table_style style;
	struct heatmap *hm;
	struct prom *prom;	/* --prometheus, --prometheus-textfile */
	uint64_t next_textfile;	/* without -i: when the textfile is written next */
	uint64_t lost_total;	/* of the run, for the exporter */
	struct guestsym *syms;	/* --vmlinux, --kallsyms */
	uint64_t paired, dumped, lost_interval, filtered;
	uint64_t order_dropped;	/* --order-mem too small: pairs that could be wrong */
	int npid;
	struct { int pid; char comm[32]; } *pids;	/* -p, for per-VM labels */
	FILE *out;
};

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
		heatmap_write(c->hm, p->time, lat);
	if (c->keep_raw && lat >= c->env->than_ns &&
	    (c->env->than_idle || !c->cls->idle_key || !c->cls->idle_key(c->cls_state, p->key))) {
		dump_event(c->out, c->tep, p->raw, p->raw_size, p->tid, p->cpu, p->time, &c->clock);
		dump_event(c->out, c->tep, rec->raw, rec->raw_size, rec->tid, rec->cpu, rec->time,
			   &c->clock);
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

static int cmp_inst(const void *a, const void *b)
{
	const struct lat_inst *x = *(struct lat_inst *const *)a, *y = *(struct lat_inst *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static const char *vm_comm(struct lat_ctx *c, uint64_t pid)
{
	int i;

	for (i = 0; i < c->npid; i++)
		if ((uint64_t)c->pids[i].pid == pid)
			return c->pids[i].comm;
	return "<...>";
}

static void label_of(struct lat_ctx *c, struct lat_inst *in, char *buf, size_t len)
{
	switch (c->kind) {
	case INST_CPU:
		snprintf(buf, len, "CPU %lu", (unsigned long)in->id);
		break;
	case INST_VM:
		snprintf(buf, len, "%s %s %lu", c->cls->proc_label, vm_comm(c, in->id),
			 (unsigned long)in->id);
		break;
	case INST_THREAD:
		if (in->vcpu >= 0)
			snprintf(buf, len, "THREAD %lu VCPU %ld", (unsigned long)in->id,
				 (long)in->vcpu);
		else
			snprintf(buf, len, "THREAD %lu", (unsigned long)in->id);
		break;
	default:
		buf[0] = 0;
	}
}

static void print_json(struct lat_ctx *c, struct lat_inst *in, uint64_t time)
{
	static const char *const kinds[] = { "all", "thread", "cpu", "process" };
	struct json_head h;
	char when[64];
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	dump_when(m, time, &c->clock, false);
	fclose(m);
	snprintf(when, sizeof(when), "%s", buf);
	free(buf);
	h.time = when;
	h.time_ns = time;
	h.inst_type = kinds[c->kind];
	h.inst_id = c->kind == INST_ALL ? -1 : (int64_t)in->id;
	h.vcpu = in->vcpu;
	h.comm = c->kind == INST_VM ? vm_comm(c, in->id) : NULL;
	h.lost = c->lost_interval;
	json_print(c->out, &c->style, in, &h);
}

/* begins dropped because a gap or a late record could have hidden their end */
static uint64_t dropped_pairs(const struct lat_ctx *c)
{
	return c->pairs.invalidated + c->order_dropped;
}

/* live, every PROM_PUBLISH_EVERY_NS: what scrapes see */
static void lat_tick(void *arg)
{
	struct lat_ctx *c = arg;
	uint64_t now;

	prom_publish(c->prom, c->lost_total, dropped_pairs(c));
	if (c->env->interval_ns || !prom_has_textfile(c->prom))
		return;
	now = pp_clock_now();
	if (now >= c->next_textfile) {
		prom_textfile_kick(c->prom);
		c->next_textfile = now + PROM_TEXTFILE_EVERY_NS;
	}
}

static void lat_interval(void *arg, uint64_t time, bool final)
{
	struct lat_ctx *c = arg;
	struct lat_inst **v;
	uint32_t i, n = 0;
	char label[96];

	v = malloc(sizeof(*v) * (c->stats.ninst ? c->stats.ninst : 1));
	if (!v)
		return;
	for (i = 0; i < c->stats.ninst; i++)
		if (lat_inst_calls(&c->stats.inst[i]))
			v[n++] = &c->stats.inst[i];
	if (n) {
		qsort(v, n, sizeof(*v), cmp_inst);
		if (!c->env->json)
			dump_when(c->out, time, &c->clock, true);
		for (i = 0; i < n; i++) {
			if (c->env->json) {
				print_json(c, v[i], time);
				continue;
			}
			label_of(c, v[i], label, sizeof(label));
			table_print(c->out, &c->style, v[i], label[0] ? label : NULL);
		}
		if (!c->env->json)
			fputc('\n', c->out);
	}
	free(v);
	/* the textfile at each interval; the last one at prom_close() */
	if (c->prom && !final) {
		prom_publish(c->prom, c->lost_total, dropped_pairs(c));
		prom_textfile_kick(c->prom);
	}
	lat_stats_reset(&c->stats);
	c->lost_interval = 0;
	/* a failed write stops the run (output.c); | head ends it quietly */
	fflush(c->out);
}

static const struct profiler_ops lat_ops = {
	.setup = lat_setup,
	.sample = lat_sample,
	.lost = lat_lost,
	.interval = lat_interval,
	.early = lat_early,
	.late = lat_late,
	.tick = lat_tick,
};

/* --prometheus, --prometheus-textfile: serving before tracing starts */
static int export_open(struct lat_ctx *c)
{
	struct prom_cfg pc;
	char err[512], label[16];
	int i;

	if (!c->env->prometheus && !c->env->prom_textfile)
		return 0;
	/* "VM" -> vm, "PROCESS" -> process */
	for (i = 0; c->cls->proc_label[i] && i < (int)sizeof(label) - 1; i++)
		label[i] = c->cls->proc_label[i] | 0x20;
	label[i] = 0;
	memset(&pc, 0, sizeof(pc));
	pc.profiler = c->cls->name;
	pc.proc_label = label;
	pc.qemu_names = !strcmp(c->cls->name, "kvm-exit");	/* -p: qemu processes */
	pc.listen = c->env->prometheus;
	pc.textfile = c->env->prom_textfile;
	c->prom = prom_open(&pc, err, sizeof(err));
	if (!c->prom) {
		fprintf(stderr, "perf-prof: %s\n", err);
		return -1;
	}
	for (i = 0; i < c->npid; i++)
		prom_add_process(c->prom, c->pids[i].pid, c->pids[i].comm);
	return 0;
}

/* only guest kernel addresses have a line in the guest's vmlinux */
static void rip_line(void *arg, uint64_t rip, char *buf, size_t len)
{
	struct lat_ctx *c = arg;

	if (rip >> 63)
		guestsym_line(c->syms, rip, buf, len);
	else
		snprintf(buf, len, "-");
}

static void rip_name(void *arg, uint64_t rip, char *buf, size_t len)
{
	struct lat_ctx *c = arg;

	if (c->syms)
		guestsym_name(c->syms, rip, buf, len);
	else
		snprintf(buf, len, "%#lx", (unsigned long)rip);
}

/*
 * -p and -t as the threads to open, each once: a thread id given with -p
 * stands for its process (as /proc/TID/task does), and a thread named
 * twice, or with its own process, must not be traced, and counted, twice.
 */
static int build_targets(struct lat_ctx *c, struct lat_env *env, struct source_cfg *cfg)
{
	char err[256], path[64];
	int i, cap;

	if (env->have_cpus || (!env->pids.n && !env->tids.n)) {
		cfg->cpus = env->cpus;
		return 0;
	}
	cfg->per_thread = true;
	c->pids = calloc(env->pids.n + 1, sizeof(*c->pids));
	cfg->procs.id = calloc(env->pids.n + 1, sizeof(int));
	if (!c->pids || !cfg->procs.id)
		return -1;
	for (i = 0; i < env->pids.n; i++) {
		snprintf(path, sizeof(path), "/proc/%d", env->pids.id[i]);
		if (access(path, F_OK) < 0) {
			fprintf(stderr, "perf-prof: process %d does not exist\n", env->pids.id[i]);
			return -1;
		}
		cfg->procs.id[cfg->procs.n++] = proc_tgid(env->pids.id[i]);
	}
	id_list_sort_uniq(&cfg->procs);
	for (i = 0; i < cfg->procs.n; i++) {
		int pid = cfg->procs.id[i];

		if (proc_threads(pid, &cfg->tids, err, sizeof(err)) < 0) {
			fprintf(stderr, "perf-prof: %s\n", err);
			return -1;
		}
		c->pids[i].pid = pid;
		proc_comm(pid, c->pids[i].comm, sizeof(c->pids[i].comm));
		c->npid++;
	}
	cap = cfg->tids.n;
	for (i = 0; i < env->tids.n; i++) {
		snprintf(path, sizeof(path), "/proc/%d", env->tids.id[i]);
		if (access(path, F_OK) < 0) {
			fprintf(stderr, "perf-prof: thread %d does not exist\n", env->tids.id[i]);
			return -1;
		}
		if (id_list_push(&cfg->tids, &cap, env->tids.id[i]) < 0)
			return -1;
	}
	id_list_sort_uniq(&cfg->tids);
	return 0;
}

static void setup_style(struct lat_ctx *c)
{
	const struct lat_class *cls = c->cls;

	c->style.title = cls->title;
	c->style.key_header = cls->key_header;
	c->style.extra_header = cls->extra_header;
	c->style.extra_percent = cls->extra_percent;
	c->style.key_name = cls->key_name;
	c->style.key_arg = c->cls_state;
	c->style.npct = c->env->npct;
	memcpy(c->style.pct, c->env->pct, sizeof(c->env->pct));
	c->style.sched = c->env->sched;
	c->style.top_rips = c->env->top_rips;
	c->style.rip_name = rip_name;
	c->style.rip_arg = c;
}

/* the per-run facts the per-record path tests, once the options are known */
static void bind_fast_path(struct lat_ctx *c)
{
	const struct lat_env *env = c->env;

	c->key = c->cls->key;
	c->extra = c->cls->extra;
	c->sched = env->sched;
	c->vcpu_filter = env->vcpus.n != 0;
	c->label_vcpu = c->kind == INST_THREAD && c->cls->vcpu;
	c->pair_options = env->sched || env->top_rips || c->hm || c->keep_raw;
	c->plain_end = !c->vcpu_filter && !c->pair_options;
}

int latency_run(const struct lat_class *cls, struct lat_env *env)
{
	struct engine_stats st;
	struct engine_cfg cfg;
	struct output *out;
	struct lat_ctx c;
	char err[512];
	int code = 2;
	uint64_t t0;

	memset(&c, 0, sizeof(c));
	memset(&cfg, 0, sizeof(cfg));
	c.cls = cls;
	c.env = env;
	out = output_open(engine_stopping, engine_request_stop);
	c.out = output_stream(out);
	c.keep_raw = env->than;
	pair_init(&c.pairs);
	c.cls_state = cls->state_new();
	if (!c.cls_state) {
		fprintf(stderr, "perf-prof: out of memory\n");
		code = 1;
		goto out;
	}
	lat_stats_init(&c.stats);
	setup_style(&c);

	/* a path that cannot be read is a bad argument, like --vmlinux's */
	if (env->input && strcmp(env->input, "-") && access(env->input, R_OK) < 0) {
		fprintf(stderr, "perf-prof: %s: %s\n", env->input, strerror(errno));
		goto out;
	}
	if (env->vmlinux || env->kallsyms) {
		struct guestsym_opts go = {
			.vmlinux = env->vmlinux, .kallsyms = env->kallsyms,
			.have_offset = env->have_kaslr, .offset = env->kaslr_offset,
			.verbose = env->verbose,
		};

		c.syms = guestsym_open(&go, err, sizeof(err));
		if (!c.syms) {
			fprintf(stderr, "perf-prof: %s\n", err);
			goto out;
		}
		if (guestsym_has_lines(c.syms))
			c.style.rip_line = rip_line;
	}
	if (env->heatmap) {
		c.hm = heatmap_open(env->heatmap, err, sizeof(err));
		if (!c.hm) {
			fprintf(stderr, "perf-prof: %s\n", err);
			goto out;
		}
	}
	cfg.src.events[0] = cls->begin_event;
	cfg.src.events[1] = cls->end_event;
	cfg.src.filters[0] = env->filter;
	cfg.src.nev = 2;
	cfg.src.input = env->input;
	cfg.src.pages = env->pages;
	cfg.src.rt_prio = env->rt_prio;
	cfg.src.verbose = env->verbose;
	cfg.src.switches = env->sched && !env->input;
	cfg.interval_ns = env->interval_ns;
	cfg.order = env->order;
	cfg.order_mem = env->order_mem;
	if (!env->input && build_targets(&c, env, &cfg.src) < 0)
		goto out;
	if (env->perins)
		c.kind = !env->input && !cfg.src.per_thread ? INST_CPU : INST_THREAD;
	else if (c.npid > 1)
		c.kind = INST_VM;	/* one table per VM, as bcc kvmexit -p collapses */

	if (export_open(&c) < 0) {
		code = 2;
		goto out;
	}
	if (c.prom && !env->input)
		cfg.tick_ns = PROM_PUBLISH_EVERY_NS;
	c.next_textfile = pp_clock_now() + PROM_TEXTFILE_EVERY_NS;

	c.cfg = &cfg;
	bind_fast_path(&c);
	t0 = pp_clock_now();
	code = engine_run(&cfg, &lat_ops, &c, &st);
	/* an empty run prints no table: say why instead of nothing */
	if (!env->input && code == 0 && !st.samples)
		fprintf(stderr, "perf-prof: no %s event fired in %.1f s of tracing%s\n",
			c.cls->begin_event, (pp_clock_now() - t0) / 1e9,
			c.cls->quiet_hint ? c.cls->quiet_hint : "");
	if (st.forced)
		fprintf(stderr, "perf-prof: --order-mem %lu bytes is too small for this data: "
			"%lu records went out early and %lu came too late to sort; %lu pairs that "
			"could be wrong were dropped; raise --order-mem\n",
			(unsigned long)env->order_mem, (unsigned long)st.forced,
			(unsigned long)st.late, (unsigned long)c.order_dropped);
	if (env->verbose && c.counts)
		fprintf(stderr, "perf-prof: %u instances, %lu samples, %lu %s counted, "
			"%lu lost in %lu gaps, %lu filtered by --vcpu, "
			"%lu delivered early by --order-mem, order memory peak %lu bytes\n",
			c.stats.ninst, (unsigned long)st.samples, (unsigned long)c.paired,
			cls->begin_event, (unsigned long)st.lost,
			(unsigned long)(st.lost_records + st.throttled), (unsigned long)c.filtered,
			(unsigned long)st.forced, (unsigned long)st.order_mem_peak);
	else if (env->verbose)
		fprintf(stderr, "perf-prof: %u instances, %lu samples, %lu paired, "
			"%lu ends without a begin, "
			"%lu not after their begin, %lu begins dropped at lost-record gaps, "
			"%lu lost in %lu gaps, %lu dumped, %lu filtered by --vcpu, "
			"%lu delivered early by --order-mem, order memory peak %lu bytes\n",
			c.stats.ninst, (unsigned long)st.samples, (unsigned long)c.paired,
			(unsigned long)c.pairs.unmatched, (unsigned long)c.pairs.backwards,
			(unsigned long)c.pairs.invalidated, (unsigned long)st.lost,
			(unsigned long)(st.lost_records + st.throttled), (unsigned long)c.dumped,
			(unsigned long)c.filtered, (unsigned long)st.forced,
			(unsigned long)st.order_mem_peak);
	/* the heatmap takes its name only when the run succeeded */
	if (c.hm && code == 0 && heatmap_close(c.hm, err, sizeof(err)) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		code = 1;
	} else if (c.hm && code != 0) {
		heatmap_discard(c.hm);
	}
	c.hm = NULL;
	if (c.prom && prom_close(c.prom, c.lost_total, dropped_pairs(&c), env->verbose) < 0 &&
	    code == 0)
		code = 1;
	c.prom = NULL;
out:
	if (c.prom)
		prom_close(c.prom, c.lost_total, dropped_pairs(&c), false);
	if (c.hm)
		heatmap_discard(c.hm);
	if (c.syms) {
		if (code == 0)
			guestsym_report(c.syms, stderr);
		guestsym_close(c.syms);
	}
	free(cfg.src.tids.id);
	free(cfg.src.procs.id);
	free(c.pids);
	pair_free(&c.pairs);
	lat_stats_free(&c.stats);
	cls->state_free(c.cls_state);
	return output_close(out, code);
}
