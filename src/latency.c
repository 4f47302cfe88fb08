// SPDX-License-Identifier: GPL-2.0-only
/*
 * The begin/end latency profiler: the engine's callbacks for kvm-exit and
 * syscalls.  sample() pairs, interval() prints, lost() drops the pairs a
 * gap could have corrupted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include <perf-prof/engine.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/latency.h>
#include <perf-prof/pair.h>
#include <perf-prof/stats.h>
#include <perf-prof/table.h>
#include <perf-prof/tep.h>

struct lat_ctx {
	const struct lat_class *cls;
	struct lat_env *env;
	struct tep_handle *tep;
	int begin_id, end_id;
	bool by_cpu;		/* --perins instances are CPUs */
	bool by_time;		/* records arrive merged by time */
	bool keep_raw;		/* --than needs the begin record */
	struct pair_table pairs;
	struct lat_stats stats;
	struct table_style style;
	struct heatmap *hm;
	uint64_t paired, dumped;
	FILE *out;
};

static int lat_setup(void *arg, struct tep_handle *tep, char *err, size_t errlen)
{
	struct lat_ctx *c = arg;
	const struct lat_class *cls = c->cls;
	struct tep_event *b, *e;
	char sys[64];
	const char *colon;

	colon = strchr(cls->begin_event, ':');
	snprintf(sys, sizeof(sys), "%.*s", (int)(colon - cls->begin_event), cls->begin_event);
	b = tep_find_event_by_name(tep, sys, colon + 1);
	colon = strchr(cls->end_event, ':');
	e = tep_find_event_by_name(tep, sys, colon + 1);
	if (!b || !e) {
		snprintf(err, errlen, "the event formats have no %s",
			 !b ? cls->begin_event : cls->end_event);
		return -1;
	}
	if (cls->bind(b, e, err, errlen) < 0)
		return -1;
	c->tep = tep;
	c->begin_id = b->id;
	c->end_id = e->id;
	return 0;
}

/* "d..." as ftrace prints irqs-off, need-resched, hard/softirq, preempt depth */
static void lat_flags(const unsigned char *raw, uint32_t size, char out[5])
{
	unsigned flags = size > 2 ? raw[2] : 0, pc = size > 3 ? raw[3] : 0;

	out[0] = (flags & 0x01) ? 'd' : '.';
	out[1] = (flags & 0x04) ? 'N' : '.';
	out[2] = (flags & 0x08) && (flags & 0x10) ? 'H' :
		 (flags & 0x08) ? 'h' : (flags & 0x10) ? 's' : '.';
	out[3] = (pc & 0xf) ? "0123456789abcdef"[pc & 0xf] : '.';
	out[4] = 0;
}

static void comm_of(struct lat_ctx *c, uint32_t tid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(buf, len, "<...>");
	if (c->env->input)
		return;	/* a recording's threads are not ours to look up */
	snprintf(path, sizeof(path), "/proc/%u/comm", tid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = 0;
	else
		snprintf(buf, len, "<...>");
	fclose(f);
}

/*
 * Live, an event's wall-clock time; a recording has no wall clock, so its
 * own clock (seconds.microseconds, as perf script prints) stands in.
 */
static void print_when(struct lat_ctx *c, uint64_t time, bool header)
{
	if (c->env->input)
		fprintf(c->out, "%lu.%06lu", (unsigned long)(time / 1000000000ull),
			(unsigned long)(time % 1000000000ull / 1000));
	else
		table_print_time_inline(c->out, engine_realtime(time));
	if (header)
		fputs(" \n", c->out);
}

/* one --than line: wall time, then perf-script style rendering */
static void dump_event(struct lat_ctx *c, const void *raw, uint32_t size, uint32_t tid,
		       uint32_t cpu, uint64_t time)
{
	struct tep_record rec;
	struct tep_event *ev;
	struct trace_seq s;
	char comm[32], flags[5];
	uint16_t type;

	memcpy(&type, raw, sizeof(type));
	ev = tep_find_event(c->tep, type);
	memset(&rec, 0, sizeof(rec));
	rec.ts = time;
	rec.size = size;
	rec.data = (void *)raw;
	rec.cpu = cpu;
	trace_seq_init(&s);
	if (ev)
		tep_print_event(c->tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	comm_of(c, tid, comm, sizeof(comm));
	lat_flags(raw, size, flags);
	print_when(c, time, false);
	fprintf(c->out, " %16s %6u %s [%03u] %6lu.%06lu: %s:%s: %s\n", comm, tid, flags, cpu,
		(unsigned long)(time / 1000000000ull),
		(unsigned long)(time % 1000000000ull / 1000),
		ev ? ev->system : "?", ev ? ev->name : "?", s.buffer);
	trace_seq_destroy(&s);
}

static void on_begin(struct lat_ctx *c, const struct pp_record *rec)
{
	struct pair_pending *p = pair_get(&c->pairs, rec->tid);

	p->valid = 1;
	p->time = rec->time;
	p->cpu = rec->cpu;
	p->buf = rec->buf;
	p->pid = rec->pid;
	p->key = c->cls->key(rec, &p->aux);
	if (c->keep_raw)
		pair_keep_raw(p, rec->raw, rec->raw_size);
}

static void on_end(struct lat_ctx *c, const struct pp_record *rec)
{
	struct pair_pending *p = pair_end(&c->pairs, rec->tid, rec->time);
	struct lat_inst *in;
	struct lat_row *row;
	uint64_t lat;

	if (!p)
		return;
	lat = rec->time - p->time;
	in = lat_stats_inst(&c->stats, !c->env->perins ? 0 : c->by_cpu ? p->cpu : rec->tid);
	if (in->vcpu < 0 && c->env->perins && c->cls->vcpu) {
		in->vcpu = c->cls->vcpu(rec);
		in->pid = rec->pid;
	}
	row = lat_inst_row(&c->stats, in, p->key);
	lat_row_add(row, lat, c->cls->extra(rec, p->aux, lat));
	c->paired++;
	if (c->hm)
		heatmap_write(c->hm, p->time, lat);
	if (c->keep_raw && lat >= c->env->than_ns &&
	    (c->env->than_idle || !c->cls->idle_key || !c->cls->idle_key(p->key))) {
		dump_event(c, p->raw, p->raw_size, p->tid, p->cpu, p->time);
		dump_event(c, rec->raw, rec->raw_size, rec->tid, rec->cpu, rec->time);
		c->dumped++;
	}
}

static void lat_sample(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;
	uint16_t type;

	if (rec->raw_size < 8)
		return;
	memcpy(&type, rec->raw, sizeof(type));
	if (type == c->begin_id)
		on_begin(c, rec);
	else if (type == c->end_id)
		on_end(c, rec);
}

static void lat_lost(void *arg, const struct pp_record *rec)
{
	struct lat_ctx *c = arg;

	if (c->by_time)
		pair_invalidate_before(&c->pairs, rec->time);
	else
		pair_invalidate_buf(&c->pairs, rec->buf);
}

static int cmp_inst(const void *a, const void *b)
{
	const struct lat_inst *x = *(struct lat_inst *const *)a, *y = *(struct lat_inst *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static void lat_interval(void *arg, uint64_t time, bool final)
{
	struct lat_ctx *c = arg;
	struct lat_inst **v;
	uint32_t i, n = 0;
	char label[64];

	v = malloc(sizeof(*v) * (c->stats.ninst ? c->stats.ninst : 1));
	if (!v)
		return;
	for (i = 0; i < c->stats.ninst; i++)
		if (lat_inst_calls(&c->stats.inst[i]))
			v[n++] = &c->stats.inst[i];
	if (n) {
		qsort(v, n, sizeof(*v), cmp_inst);
		print_when(c, final && !c->env->input ? engine_now() : time, true);
		for (i = 0; i < n; i++) {
			if (!c->env->perins) {
				table_print(c->out, &c->style, v[i], NULL);
				continue;
			}
			if (c->by_cpu)
				snprintf(label, sizeof(label), "CPU %lu", (unsigned long)v[i]->id);
			else if (v[i]->vcpu >= 0)
				snprintf(label, sizeof(label), "THREAD %lu VCPU %ld",
					 (unsigned long)v[i]->id, (long)v[i]->vcpu);
			else
				snprintf(label, sizeof(label), "THREAD %lu", (unsigned long)v[i]->id);
			table_print(c->out, &c->style, v[i], label);
		}
		fputc('\n', c->out);
	}
	free(v);
	lat_stats_reset(&c->stats);
	if (fflush(c->out) != 0 && errno == EPIPE)
		engine_stop = 1;	/* reader went away (| head): finish quietly */
}

static const struct profiler_ops lat_ops = {
	.setup = lat_setup,
	.sample = lat_sample,
	.lost = lat_lost,
	.interval = lat_interval,
};

static int build_targets(struct lat_env *env, struct engine_cfg *cfg)
{
	char err[256];
	int i;

	if (env->have_cpus || (!env->pids.n && !env->tids.n)) {
		cfg->cpus = env->cpus;
		return 0;
	}
	cfg->per_thread = true;
	for (i = 0; i < env->pids.n; i++) {
		if (proc_threads(env->pids.id[i], &cfg->tids, err, sizeof(err)) < 0) {
			fprintf(stderr, "perf-prof: %s\n", err);
			return -1;
		}
	}
	for (i = 0; i < env->tids.n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", env->tids.id[i]);
		if (access(path, F_OK) < 0) {
			fprintf(stderr, "perf-prof: thread %d does not exist\n", env->tids.id[i]);
			return -1;
		}
		cfg->tids.id = realloc(cfg->tids.id, (cfg->tids.n + 1) * sizeof(int));
		if (!cfg->tids.id)
			return -1;
		cfg->tids.id[cfg->tids.n++] = env->tids.id[i];
	}
	return 0;
}

int latency_main(const struct lat_class *cls, int argc, char **argv)
{
	struct engine_stats st;
	struct engine_cfg cfg;
	struct lat_env env;
	struct lat_ctx c;
	char err[512];
	bool help;
	int code = 2;

	memset(&c, 0, sizeof(c));
	memset(&cfg, 0, sizeof(cfg));
	if (lat_parse_args(cls, &env, argc, argv, &help) < 0 || help) {
		lat_env_free(&env);
		if (!help)
			return 2;
		lat_usage(cls, stdout);
		return 0;
	}
	c.cls = cls;
	c.env = &env;
	c.out = stdout;
	c.keep_raw = env.than_ns > 0;
	pair_init(&c.pairs);
	lat_stats_init(&c.stats);
	c.style.title = cls->title;
	c.style.key_header = cls->key_header;
	c.style.extra_header = cls->extra_header;
	c.style.extra_percent = cls->extra_percent;
	c.style.key_name = cls->key_name;
	c.style.npct = env.npct;
	memcpy(c.style.pct, env.pct, sizeof(env.pct));

	if (env.heatmap) {
		c.hm = heatmap_open(env.heatmap, err, sizeof(err));
		if (!c.hm) {
			fprintf(stderr, "perf-prof: %s\n", err);
			goto out;
		}
	}
	cfg.events[0] = cls->begin_event;
	cfg.events[1] = cls->end_event;
	cfg.filters[0] = env.filter;
	cfg.nev = 2;
	cfg.input = env.input;
	cfg.pages = env.pages;
	cfg.interval_ns = env.interval_ns;
	cfg.order_mem = env.order_mem;
	cfg.verbose = env.verbose;
	if (!env.input && build_targets(&env, &cfg) < 0)
		goto out;
	/* per-thread buffers keep each thread's records in order already */
	cfg.order = env.order || env.input || !cfg.per_thread;
	c.by_time = cfg.order;
	c.by_cpu = !env.input && !cfg.per_thread;

	code = engine_run(&cfg, &lat_ops, &c, &st);
	if (env.verbose)
		fprintf(stderr, "perf-prof: %lu samples, %lu paired, %lu ends without a begin, "
			"%lu not after their begin, %lu begins dropped at lost-record gaps, "
			"%lu lost in %lu gaps, %lu dumped, %lu delivered early by --order-mem, "
			"order memory peak %lu bytes\n",
			(unsigned long)st.samples, (unsigned long)c.paired,
			(unsigned long)c.pairs.unmatched, (unsigned long)c.pairs.backwards,
			(unsigned long)c.pairs.invalidated, (unsigned long)st.lost,
			(unsigned long)(st.lost_records + st.throttled), (unsigned long)c.dumped, (unsigned long)st.forced,
			(unsigned long)st.order_mem_peak);
	if (c.hm && heatmap_close(c.hm, err, sizeof(err)) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		code = 1;
	}
	c.hm = NULL;
out:
	if (c.hm)
		heatmap_close(c.hm, err, sizeof(err));
	if (cfg.tids.id)
		free(cfg.tids.id);
	pair_free(&c.pairs);
	lat_stats_free(&c.stats);
	lat_env_free(&env);
	return code;
}
