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
#include <perf-prof/dump.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/json.h>
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

/* one object of instance @in; NULL: the interval's empty object */
static void print_json(struct lat_ctx *c, struct lat_inst *in, uint64_t time)
{
	static const char *const kinds[] = { "all", "thread", "cpu", "vm", "cgroup" };
	struct json_head h;
	bool vm = c->kind == INST_VM && in;
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

/* live, every engine tick: the sinks' (the exporter's publishing) */
void lat_tick(void *arg)
{
	struct lat_ctx *c = arg;
	struct lat_totals t = lat_totals_of(c);

	lat_sinks_tick(&c->sinks, &t);
}

void lat_interval(void *arg, uint64_t time, bool final)
{
	struct lat_ctx *c = arg;
	struct lat_totals t;
	struct lat_inst **v;
	uint32_t i, n = 0;
	char label[512];

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
