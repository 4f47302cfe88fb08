// SPDX-License-Identifier: GPL-2.0-only
/*
 * A run of the latency profiler: the targets (-p, -t as threads to open),
 * the exporter, guest symbols and the heatmap opened, the engine run over
 * the source, then the run's summary and the last writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/output.h>
#include <perf-prof/proc.h>
#include <perf-prof/prometheus.h>
#include "latency-int.h"

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
	pc.qemu_names = c->cls->qemu_procs;
	pc.verbose = c->env->verbose;
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
		/* only KVM processes are VMs: traced still, with a word */
		if (c->cls->qemu_procs && proc_holds_kvm(pid) == 0)
			fprintf(stderr, "perf-prof: pid %d (%s) has no /dev/kvm open: not a VM?\n",
				pid, c->pids[i].comm);
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

/* what the options name, opened before tracing starts: 0, or the exit code */
static int open_files(struct lat_ctx *c)
{
	const struct lat_env *env = c->env;
	char err[512];

	/* a path that cannot be read is a bad argument, like --vmlinux's */
	if (env->input && strcmp(env->input, "-") && access(env->input, R_OK) < 0) {
		fprintf(stderr, "perf-prof: %s: %s\n", env->input, strerror(errno));
		return 2;
	}
	if (env->vmlinux || env->kallsyms) {
		struct guestsym_opts go = {
			.vmlinux = env->vmlinux, .kallsyms = env->kallsyms,
			.have_offset = env->have_kaslr, .offset = env->kaslr_offset,
			.verbose = env->verbose,
		};

		c->syms = guestsym_open(&go, err, sizeof(err));
		if (!c->syms) {
			fprintf(stderr, "perf-prof: %s\n", err);
			return 2;
		}
		if (guestsym_has_lines(c->syms))
			c->style.rip_line = lat_rip_line;
	}
	if (env->heatmap) {
		c->hm = heatmap_open(env->heatmap, err, sizeof(err));
		if (!c->hm) {
			int e = errno;

			fprintf(stderr, "perf-prof: %s\n", err);
			return heatmap_open_code(e);
		}
		/* the third column: each pair's reason, named as the tables name it */
		heatmap_describe(c->hm, c->cls->name, c->cls->key_header, c->cls->key_name,
				 c->cls_state);
	}
	return 0;
}

/* the engine's configuration: the class's events, the options' source and intervals */
static void engine_cfg_of(const struct lat_class *cls, const struct lat_env *env,
			  struct engine_cfg *cfg)
{
	cfg->src.events[0] = cls->begin_event;
	cfg->src.events[1] = cls->end_event;
	cfg->src.filters[0] = env->filter;
	cfg->src.nev = 2;
	cfg->src.input = env->input;
	cfg->src.pages = env->pages;
	cfg->src.rt_prio = env->rt_prio;
	cfg->src.verbose = env->verbose;
	cfg->src.switches = env->sched && !env->input;
	cfg->interval_ns = env->interval_ns;
	cfg->order = env->order;
	cfg->order_mem = env->order_mem;
}

/* what one table covers, once the targets are known */
static enum inst_kind inst_kind_of(const struct lat_ctx *c, const struct engine_cfg *cfg)
{
	if (c->env->perins)
		return !c->env->input && !cfg->src.per_thread ? INST_CPU : INST_THREAD;
	if (c->npid > 1)
		return INST_VM;	/* one table per VM, as bcc kvmexit -p collapses */
	return INST_ALL;
}

/* a run that showed nothing, in one line: idle is told from broken */
static void say_empty(const struct lat_ctx *c, const struct engine_stats *st, uint64_t t0)
{
	if (!c->env->input && !st->samples)
		fprintf(stderr, "perf-prof: no %s event fired in %.1f s of tracing%s\n",
			c->cls->begin_event, (pp_clock_now() - t0) / 1e9,
			c->cls->quiet_hint ? c->cls->quiet_hint : "");
	else if (!st->samples)
		fprintf(stderr, "perf-prof: %s: no %s or %s sample in the recording\n",
			c->env->input, c->cls->begin_event, c->cls->end_event);
	else
		fprintf(stderr, "perf-prof: nothing to show: %lu samples, none %s (%lu filtered "
			"by --vcpu, %lu ends without a begin)\n", (unsigned long)st->samples,
			c->counts ? "counted" : "paired", (unsigned long)c->filtered,
			(unsigned long)c->pairs.unmatched);
}

/* after the run, on stderr: an empty run's reason, --order-mem's overflow, -v's counts */
static void summary(const struct lat_ctx *c, const struct engine_stats *st, uint64_t t0,
		    int code)
{
	const struct lat_env *env = c->env;

	/* an empty run prints no table: say why instead of nothing */
	if (code == 0 && !c->printed)
		say_empty(c, st, t0);
	if (st->forced)
		fprintf(stderr, "perf-prof: --order-mem %lu bytes is too small for this data: "
			"%lu records went out early and %lu came too late to sort; %lu pairs that "
			"could be wrong were dropped; raise --order-mem\n",
			(unsigned long)env->order_mem, (unsigned long)st->forced,
			(unsigned long)st->late, (unsigned long)c->order_dropped);
	if (env->verbose && c->counts)
		fprintf(stderr, "perf-prof: %u instances, %lu samples, %lu %s counted, "
			"%lu lost in %lu gaps, %lu filtered by --vcpu, "
			"%lu delivered early by --order-mem, order memory peak %lu bytes\n",
			c->stats.ninst, (unsigned long)st->samples, (unsigned long)c->paired,
			c->cls->begin_event, (unsigned long)st->lost,
			(unsigned long)(st->lost_records + st->throttled), (unsigned long)c->filtered,
			(unsigned long)st->forced, (unsigned long)st->order_mem_peak);
	else if (env->verbose)
		fprintf(stderr, "perf-prof: %u instances, %lu samples, %lu paired, "
			"%lu ends without a begin, "
			"%lu not after their begin, %lu begins dropped at lost-record gaps, "
			"%lu lost in %lu gaps, %lu dumped, %lu filtered by --vcpu, "
			"%lu delivered early by --order-mem, order memory peak %lu bytes\n",
			c->stats.ninst, (unsigned long)st->samples, (unsigned long)c->paired,
			(unsigned long)c->pairs.unmatched, (unsigned long)c->pairs.backwards,
			(unsigned long)c->pairs.invalidated, (unsigned long)st->lost,
			(unsigned long)(st->lost_records + st->throttled), (unsigned long)c->dumped,
			(unsigned long)c->filtered, (unsigned long)st->forced,
			(unsigned long)st->order_mem_peak);
}

/* the files a run writes at its end (the heatmap, the exporter's last): the exit code */
static int finish_files(struct lat_ctx *c, int code)
{
	char err[512];

	/* the heatmap takes its name only when the run succeeded */
	if (c->hm && code == 0 && heatmap_close(c->hm, err, sizeof(err)) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		code = 1;
	} else if (c->hm && code != 0) {
		heatmap_discard(c->hm);
	}
	c->hm = NULL;
	if (c->prom && prom_close(c->prom, c->lost_total, lat_dropped_pairs(c),
				  c->env->verbose) < 0 && code == 0)
		code = 1;
	c->prom = NULL;
	return code;
}

int latency_run(const struct lat_class *cls, struct lat_env *env)
{
	struct engine_stats st;
	struct engine_cfg cfg;
	struct output *out;
	struct lat_ctx c;
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
	lat_setup_style(&c);
	code = open_files(&c);
	if (code)
		goto out;
	code = 2;
	engine_cfg_of(cls, env, &cfg);
	if (!env->input && build_targets(&c, env, &cfg.src) < 0)
		goto out;
	c.kind = inst_kind_of(&c, &cfg);
	if (export_open(&c) < 0)
		goto out;
	if (c.prom && !env->input)
		cfg.tick_ns = PROM_PUBLISH_EVERY_NS;
	c.next_textfile = pp_clock_now() + PROM_TEXTFILE_EVERY_NS;

	c.cfg = &cfg;
	bind_fast_path(&c);
	t0 = pp_clock_now();
	code = engine_run(&cfg, &lat_ops, &c, &st);
	summary(&c, &st, t0, code);
	code = finish_files(&c, code);
out:
	if (c.prom)
		prom_close(c.prom, c.lost_total, lat_dropped_pairs(&c), false);
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
