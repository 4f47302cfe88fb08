// SPDX-License-Identifier: GPL-2.0-only
/*
 * A run of the latency profiler: the targets (-p, -t as threads to open),
 * guest symbols opened, the sinks chosen (what is done with each pair),
 * the engine run over the source, then the run's summary and the sinks'
 * last writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/evfilter.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/kvm-detail.h>
#include <perf-prof/output.h>
#include <perf-prof/proc.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/workload.h>
#include "latency-int.h"

#define TUI_INTERVAL_NS		1000000000ull
#define TUI_KEYS_EVERY_NS	50000000ull

/*
 * -p and -t as the processes and threads to open (the source lists the
 * processes' threads, and opens each once): a thread id given with -p
 * stands for its process (as /proc/TID/task does).  -G: its cgroups.
 */
static int build_targets(struct lat_ctx *c, struct lat_env *env, struct source_cfg *cfg)
{
	char path[64];
	int i, cap = 0;

	if (env->have_cpus || (!env->pids.n && !env->tids.n)) {
		cfg->cpus = env->cpus;
		cfg->cgroups = (const char *const *)env->cgroups.path;
		cfg->ncgroup = env->cgroups.n;
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

		c->pids[i].pid = pid;
		proc_comm(pid, c->pids[i].comm, sizeof(c->pids[i].comm));
		vm_names_note(&c->vms, pid);	/* its tables' name */
		c->npid++;
		/* only KVM processes are VMs: traced still, with a word */
		if (c->cls->qemu_procs && proc_holds_kvm(pid) == 0)
			fprintf(stderr, "perf-prof: pid %d (%s) has no /dev/kvm open: not a VM?\n",
				pid, c->pids[i].comm);
	}
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

/* --detail, --vmm: after the statistics and --offcpu, whose words it reads */
static void choose_detail(struct lat_ctx *c, int offcpu_side)
{
	const struct lat_env *env = c->env;
	struct sink_detail_cfg dc = {
		.want = (env->detail ? KVM_WANT_DETAIL : 0) | (env->vmm ? KVM_WANT_VMM : 0),
		.recording = env->input != NULL, .input = env->input,
		.offcpu_side = offcpu_side, .verbose = env->verbose,
	};
	struct sink_detail *d = sink_detail_add(&c->sinks, &dc);

	c->style.vmm = env->vmm;
	c->style.detail = (int)env->detail;
	c->style.subrows = sink_detail_subrows;
	c->style.sub_name = sink_detail_name;
	c->style.sub_arg = d;
}

/*
 * A live --filter with names: rewritten to codes from this kernel's
 * format before the kernel reads it (a recording's is rewritten when its
 * formats are known, latency.c).  0, or an exit code after a message.
 */
static int filter_names(struct lat_ctx *c, struct source_cfg *src)
{
	const struct lat_env *env = c->env;
	char err[512];
	int code;

	if (!env->filter || env->input || !c->cls->filter_names)
		return 0;
	code = c->cls->filter_names(NULL, env->filter, &c->filter, err, sizeof(err));
	if (code == 1 && env->verbose)	/* no format here: the kernel will say */
		fprintf(stderr, "perf-prof: --filter as given: %s\n", err);
	if (code == 1)
		return 0;
	if (code) {
		fprintf(stderr, "perf-prof: %s\n", err);
		return code;
	}
	if (env->verbose && strcmp(c->filter, env->filter))
		fprintf(stderr, "perf-prof: --filter '%s' as the kernel reads it: '%s'\n",
			env->filter, c->filter);
	src->filters[0] = c->filter;
	return 0;
}

/*
 * The sinks after the heatmap's (open_files()), in the order pairs visit
 * them: the statistics first, as the later ones read its rows.  0, or -1
 * after a message.
 */
static int choose_sinks(struct lat_ctx *c)
{
	const struct lat_env *env = c->env;
	struct sink_export_cfg xc = {
		.stats = &c->stats, .cls = c->cls, .cls_state = c->cls_state, .kind = c->kind,
		.procs = c->pids, .nproc = c->npid, .listen = env->prometheus,
		.textfile = env->prom_textfile, .interval = env->interval_ns != 0,
		.cgroups = (const char *const *)env->cgroups.name,
		.vms = env->pervm ? &c->vms : NULL, .recording = env->input != NULL,
		.verbose = env->verbose,
	};
	char err[512];
	int offcpu_side = -1;

	/* --tui folds the threads by process: each learns its pid */
	sink_stats_add(&c->sinks, &c->stats, c->cls, c->cls_state,
		       c->kind == INST_THREAD && (c->cls->vcpu || env->tui));
	if (env->sched)
		offcpu_side = (int)sink_offcpu_add(&c->sinks, env->input != NULL);
	if (env->detail || env->vmm)
		choose_detail(c, offcpu_side);
	if (env->top_rips)
		sink_rips_add(&c->sinks, &c->stats);
	if (env->than)
		sink_dump_add(&c->sinks, c->out, c->cls, c->cls_state, env->than_ns,
			      env->than_idle, &c->dumped);
	if ((env->prometheus || env->prom_textfile) &&
	    sink_export_add(&c->sinks, &xc, err, sizeof(err)) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		return -1;
	}
	return 0;
}

/* what the per-record path reads, once the sinks are chosen */
static void bind_fast_path(struct lat_ctx *c)
{
	c->key = c->cls->key;
	c->extra = c->cls->extra;
	c->vcpu_filter = c->env->vcpus.n != 0;
	c->switches = lat_sinks_switches(&c->sinks);
	pair_init(&c->pairs, lat_sinks_keep_begin(&c->sinks), c->sinks.nside);
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
	/* the first sink: it reads no row */
	if (env->heatmap && sink_heatmap_add(&c->sinks, env->heatmap, c->cls, c->cls_state, err,
					     sizeof(err)) < 0) {
		int e = errno;

		fprintf(stderr, "perf-prof: %s\n", err);
		return heatmap_open_code(e);
	}
	return 0;
}

/* the events the sinks read, opened live beside begin and end */
static void sink_events(const struct lat_sinks *s, struct source_cfg *src)
{
	int i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->v[i].nevents && src->nev < SOURCE_MAX_EVENTS; j++)
			src->events[src->nev++] = s->v[i].events[j];
}

/* the source's and the engine's configuration: the class's events, the options */
static void cfg_of(const struct lat_class *cls, const struct lat_env *env,
		   struct source_cfg *src, struct engine_cfg *cfg)
{
	src->events[0] = cls->begin_event;
	src->events[1] = cls->end_event;
	src->filters[0] = env->input ? NULL : env->filter;	/* a recording's: latency.c */
	src->nev = 2;
	src->input = env->input;
	src->pages = env->pages;
	src->rt_prio = env->rt_prio;
	src->verbose = env->verbose;
	src->switches = env->sched && !env->input;
	src->order_mem = env->order_mem;	/* a recording that merges itself keeps to it */
	/* --tui refreshes every second unless -i says otherwise */
	cfg->interval_ns = env->interval_ns ? env->interval_ns :
			   env->tui ? TUI_INTERVAL_NS : 0;
	cfg->order = env->order;
	cfg->order_mem = env->order_mem;
	cfg->verbose = env->verbose;
}

/* what one table covers, once the targets are known */
static enum inst_kind inst_kind_of(const struct lat_ctx *c, const struct source_cfg *src)
{
	if (c->env->tui)
		return INST_THREAD;	/* the screen folds them by reason and by process */
	if (c->env->pervm)
		return INST_VM;	/* one table per process, whoever they are */
	if (c->env->perins)
		return !c->env->input && !src->per_thread && !src->ncgroup ? INST_CPU : INST_THREAD;
	if (src->ncgroup)
		return INST_CGROUP;	/* one table per cgroup, even one */
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
			(unsigned long)st->late, (unsigned long)c->pairs.dropped);
	if (env->verbose && c->begin_filter)
		fprintf(stderr, "perf-prof: --filter left out %lu %s records of the recording\n",
			(unsigned long)c->filtered_begins, c->cls->begin_event);
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

/*
 * The source opened: a recording, or the live rings.  From here on a
 * stop signal ends the run, not the process.  NULL after a message (none
 * when a stop came first: *@code 0).
 */
static struct source *open_source(const struct source_cfg *cfg, const struct pp_stop *stop,
				  int *code)
{
	struct source *src;
	char err[512];

	*code = 1;
	stop->arm();
	if (cfg->input)
		src = source_file_open(cfg, stop->stopping, err, sizeof(err), code);
	else
		src = source_live_open(cfg, err, sizeof(err), code);
	if (!src && *code)
		fprintf(stderr, "perf-prof: %s\n", err);
	return src;
}

/*
 * --replay, and --tui on a recording: @src at its own pace (closed, and
 * NULL after a message, when out of memory)
 */
static struct source *paced(const struct lat_ctx *c, struct source *src)
{
	struct source *p;

	if (!c->env->input || !(c->env->replay || c->env->tui))
		return src;
	p = source_paced_open(src, 1);
	if (!p) {
		fprintf(stderr, "perf-prof: out of memory\n");
		src->ops->close(src);
	}
	return p;
}

/* the engine over the source, then what the run says of itself: the exit code */
static int run(struct lat_ctx *c, const struct source_cfg *scfg, const struct pp_stop *stop)
{
	struct engine_stats st;
	struct source *src;
	char err[256];
	uint64_t t0 = pp_clock_now();
	int code;

	memset(&st, 0, sizeof(st));
	src = open_source(scfg, stop, &code);
	/* --duration, -- COMMAND: the source ends with the run (the command is its now) */
	if (src && (c->env->duration_ns || c->cmd)) {
		struct source *bounded = source_runlen_open(src, c->env->duration_ns, c->cmd);

		if (!bounded) {
			fprintf(stderr, "perf-prof: out of memory\n");
			src->ops->close(src);
			src = NULL;
			code = 1;
		} else {
			c->cmd = NULL;
		}
		src = bounded;
	}
	if (src && !(src = paced(c, src)))
		code = 1;
	if (src && c->env->tui && lat_tui_open(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		src->ops->close(src);
		src = NULL;
		code = 1;
	}
	if (src) {
		code = engine_run(src, c->cfg, &lat_ops, c, stop->stopping, &st);
		src->ops->close(src);
	}
	summary(c, &st, t0, code);
	return code;
}

int latency_run(const struct lat_class *cls, struct lat_env *env, const struct pp_stop *stop)
{
	struct source_cfg scfg;
	struct engine_cfg cfg;
	struct lat_totals t;
	struct output *out;
	struct lat_ctx c;
	char err[256];
	int code = 2, i;

	memset(&c, 0, sizeof(c));
	memset(&scfg, 0, sizeof(scfg));
	memset(&cfg, 0, sizeof(cfg));
	c.cls = cls;
	c.env = env;
	c.cfg = &cfg;
	out = output_open(stop->stopping, stop->request);
	c.out = output_stream(out);
	vm_names_init(&c.vms, cls->qemu_procs);
	for (i = 0; cls->proc_label[i] && i < (int)sizeof(c.vm_type) - 1; i++)
		c.vm_type[i] = cls->proc_label[i] | 0x20;	/* "VM" -> "vm" */
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
	if (env->cmd && !(c.cmd = workload_prepare(env->cmd, err, sizeof(err)))) {
		fprintf(stderr, "perf-prof: %s\n", err);
		goto out;
	}
	cfg_of(cls, env, &scfg, &cfg);
	code = filter_names(&c, &scfg);
	if (code)
		goto out;
	code = 2;
	if (!env->input && build_targets(&c, env, &scfg) < 0)
		goto out;
	c.kind = inst_kind_of(&c, &scfg);
	c.src_cfg = &scfg;
	if (choose_sinks(&c) < 0)
		goto out;
	if ((env->prometheus || env->prom_textfile) && !env->input)
		cfg.tick_ns = PROM_PUBLISH_EVERY_NS;
	if (env->tui)
		cfg.tick_ns = TUI_KEYS_EVERY_NS;	/* keys answered within it */
	c.stop = stop;
	sink_events(&c.sinks, &scfg);
	bind_fast_path(&c);
	code = run(&c, &scfg, stop);
out:
	lat_tui_close(&c);	/* a run that ended before its last interval */
	t = lat_totals_of(&c);
	code = lat_sinks_close(&c.sinks, code, &t);
	if (c.syms) {
		if (code == 0)
			guestsym_report(c.syms, stderr);
		guestsym_close(c.syms);
	}
	free(scfg.tids.id);
	free(scfg.procs.id);
	free(c.pids);
	vm_names_free(&c.vms);
	workload_free(c.cmd);	/* the run ended before it started */
	pair_free(&c.pairs);
	free(c.filter);
	ev_filter_free(c.begin_filter);
	lat_stats_free(&c.stats);
	cls->state_free(c.cls_state);
	return output_close(out, code);
}
