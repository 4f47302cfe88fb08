// SPDX-License-Identifier: GPL-2.0-only
/*
 * The latency profiler's printing: at the end of each interval, one table
 * (or JSON line) per instance in id order, then the statistics start
 * again; live, the exporter's snapshot at each tick.  The columns and the
 * names of keys and guest addresses are set once (lat_setup_style()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <perf-prof/dump.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/json.h>
#include <perf-prof/proc.h>
#include <perf-prof/source.h>
#include <perf-prof/tui-feed.h>
#include "latency-int.h"

static int cmp_inst(const void *a, const void *b)
{
	const struct lat_inst *x = *(struct lat_inst *const *)a, *y = *(struct lat_inst *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* trace.dat's records name threads, not their processes: one table of them */
#define PID_UNKNOWN	UINT32_MAX

static const char *vm_name(struct lat_ctx *c, uint64_t pid)
{
	return pid == PID_UNKNOWN ? "<unknown process>" : vm_names_get(&c->vms, (uint32_t)pid);
}

static void label_of(struct lat_ctx *c, struct lat_inst *in, char *buf, size_t len)
{
	switch (c->kind) {
	case INST_CPU:
		snprintf(buf, len, "CPU %lu", (unsigned long)in->id);
		break;
	case INST_VM:
		if (in->id == PID_UNKNOWN)
			snprintf(buf, len, "%s %s", c->cls->proc_label, vm_name(c, in->id));
		else
			snprintf(buf, len, "%s %s %lu", c->cls->proc_label, vm_name(c, in->id),
				 (unsigned long)in->id);
		break;
	case INST_CGROUP:
		snprintf(buf, len, "CGROUP %s", c->env->cgroups.name[in->id]);
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

/* the interval's time as dump_when() prints it (the --than dump's clock), into @when */
static bool when_text(struct lat_ctx *c, uint64_t time, char *when, size_t size)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return false;
	dump_when(m, time, &c->clock, false);
	fclose(m);
	snprintf(when, size, "%s", buf);
	free(buf);
	return true;
}

/* one object of instance @in; NULL: the interval's empty object */
static void print_json(struct lat_ctx *c, struct lat_inst *in, uint64_t time)
{
	static const char *const kinds[] = { "all", "thread", "cpu", "vm", "cgroup" };
	struct json_head h;
	bool vm = c->kind == INST_VM && in;
	char when[64];

	if (!when_text(c, time, when, sizeof(when)))
		return;
	h.time = when;
	h.time_ns = time;
	/* a VM: {"type":"vm","pid":N,"name":...} ("process" for syscalls) */
	h.inst_type = c->kind == INST_VM ? c->vm_type : kinds[c->kind];
	h.inst_id = c->kind == INST_ALL || c->kind == INST_VM || !in ? -1 : (int64_t)in->id;
	h.vcpu = in ? in->vcpu : -1;
	h.name = vm ? vm_name(c, in->id) : NULL;
	h.pid = vm && in->id != PID_UNKNOWN ? (int64_t)in->id : -1;
	h.cgroup = c->kind == INST_CGROUP && in ? c->env->cgroups.name[in->id] : NULL;
	h.lost = c->lost_interval;
	json_print(c->out, &c->style, in, &h);
}

/* --tui's VM rows: named as the tables name a VM, else by the process or the recording */
static void tui_proc_name(void *arg, uint32_t pid, char *buf, size_t len)
{
	struct lat_ctx *c = arg;
	const char *comm = vm_name(c, pid);
	char live[32];

	if (!strcmp(comm, "<...>") && !c->env->input && proc_comm((int)pid, live, sizeof(live)))
		comm = live;
	else if (!strcmp(comm, "<...>") && source_comm(c->src, pid))
		comm = source_comm(c->src, pid);
	snprintf(buf, len, "%s %u", comm, pid);
}

/* --tui: the interval's rows on the screen instead of its tables */
static void tui_interval(struct lat_ctx *c, uint64_t time)
{
	struct tui_feed f = { &c->style, tui_proc_name, c };
	struct tui_snapshot *s;
	char when[64], note[64] = "";

	if (!when_text(c, time, when, sizeof(when)))
		return;
	if (c->lost_interval)
		snprintf(note, sizeof(note), "lost %lu records in this interval",
			 (unsigned long)c->lost_interval);
	s = tui_feed(&f, &c->stats, when, note);
	if (s)
		tui_show(c->tui, s);
	if (tui_input(c->tui))
		c->stop->request();
}

/* live, every engine tick: the sinks' (the exporter's publishing); --tui's keys */
void lat_tick(void *arg)
{
	struct lat_ctx *c = arg;
	struct lat_totals t = lat_totals_of(c);

	lat_sinks_tick(&c->sinks, &t);
	if (c->tui && tui_input(c->tui))
		c->stop->request();	/* q: the run ends as at Ctrl-C */
}

/*
 * A recording's last interval stays on the screen until q (or a stop
 * signal), as a live one stays until the run is stopped; then the screen
 * goes.
 */
static void tui_last(struct lat_ctx *c, uint64_t time)
{
	const struct timespec nap = { 0, 50000000 };

	if (c->env->input && !c->stop->stopping()) {
		tui_interval(c, time);
		while (!c->stop->stopping()) {
			if (tui_input(c->tui))
				c->stop->request();
			nanosleep(&nap, NULL);
		}
	}
	lat_tui_close(c);
}

int lat_tui_open(struct lat_ctx *c, char *err, size_t errlen)
{
	c->tui = tui_open(c->cls->title, c->cls->key_header, (enum sort_key)c->env->sort, err,
			  errlen);
	return c->tui ? 0 : -1;
}

void lat_tui_close(struct lat_ctx *c)
{
	tui_close(c->tui);
	c->tui = NULL;
}

void lat_interval(void *arg, uint64_t time, bool final)
{
	struct lat_ctx *c = arg;
	struct lat_totals t;
	struct lat_inst **v;
	uint32_t i, n = 0;
	char label[512];

	/* the last one is printed, on the terminal as it was */
	if (c->tui && final)
		tui_last(c, time);
	if (c->tui) {
		tui_interval(c, time);
		for (i = 0; i < c->stats.ninst; i++)
			c->printed += lat_inst_calls(&c->stats.inst[i]) != 0;
		goto next;
	}
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
	} else if (c->env->json) {
		print_json(c, NULL, time);	/* idle is told from broken: an empty object */
	}
	c->printed += n;
	free(v);
next:
	/* the statistics start again, the exporter publishes */
	t = lat_totals_of(c);
	lat_sinks_interval(&c->sinks, time, final, &t);
	c->lost_interval = 0;
	/* a failed write stops the run (output.c); | head ends it quietly */
	fflush(c->out);
}

/* only guest kernel addresses have a line in the guest's vmlinux */
void lat_rip_line(void *arg, uint64_t rip, char *buf, size_t len)
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

void lat_setup_style(struct lat_ctx *c)
{
	const struct lat_class *cls = c->cls;

	c->style.title = cls->title;
	c->style.key_header = cls->key_header;
	c->style.extra_header = cls->extra_header;
	c->style.extra_percent = cls->extra_percent;
	c->style.key_name = cls->key_name;
	c->style.key_arg = c->cls_state;
	c->style.npct = c->env->pct.n;
	memcpy(c->style.pct, c->env->pct.v, sizeof(c->env->pct.v));
	c->style.sched = c->env->sched;
	c->style.top_rips = c->env->top_rips;
	c->style.sort = (enum sort_key)c->env->sort;
	c->style.rip_name = rip_name;
	c->style.rip_arg = c;
}
