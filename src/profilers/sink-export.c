// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exporter's sink (--prometheus, --prometheus-textfile): each pair
 * into the cumulative histogram of its row, labelled as the tables are
 * split; what scrapes see is published at each interval and, live, at
 * each tick.
 */
#include <stdlib.h>
#include <string.h>
#include <perf-prof/clock.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/promtext.h>
#include "sinks.h"
#include "vm-names.h"

struct export_sink {
	struct prom *prom;
	struct sink_export_cfg cfg;
	uint64_t next_textfile;	/* without -i: when the textfile is written next */
};

/* --pervm: VM @pid's vm and pid labels, once */
static void vm_label(struct export_sink *x, uint32_t pid)
{
	const char *name = vm_names_get(x->cfg.vms, pid);

	if (x->cfg.recording)
		prom_add_recorded(x->prom, (int)pid, name);
	else
		prom_add_process(x->prom, (int)pid, name);
}

/*
 * The histogram of a new row: labelled by reason and, as the tables are
 * split, by process (-p), vCPU or thread (--perins, per thread) or CPU
 * (--perins, per CPU).  Rows persist, so this runs once per row.
 */
static struct prom_hist *hist_of(struct export_sink *x, const struct lat_pair *p)
{
	const struct sink_export_cfg *c = &x->cfg;
	struct prom_inst pi = { -1, -1, -1, -1, NULL };
	const struct lat_inst *in = lat_stats_inst(c->stats, p->inst);
	char reason[64];

	c->cls->key_name(c->cls_state, p->begin->key, reason, sizeof(reason));
	switch (c->kind) {
	case INST_ALL:
		if (c->nproc == 1)
			pi.pid = c->procs[0].pid;
		break;
	case INST_VM:
		if (in->id == UINT32_MAX)
			break;	/* trace.dat: threads without their process */
		pi.pid = in->id;
		if (c->vms)	/* --pervm: a VM the tables name, labelled the same */
			vm_label(x, (uint32_t)in->id);
		break;
	case INST_THREAD:
		if (c->nproc)
			pi.pid = p->end->pid;
		if (in->vcpu >= 0)
			pi.vcpu = in->vcpu;
		else
			pi.tid = in->id;
		break;
	case INST_CPU:
		pi.cpu = in->id;
		break;
	case INST_CGROUP:
		pi.cgroup = c->cgroups[in->id];
		break;
	}
	return prom_hist_of(x->prom, reason, &pi);
}

static void export_pair(void *self, struct lat_pair *p)
{
	struct export_sink *x = self;

	if (!p->row->hist)
		p->row->hist = hist_of(x, p);
	prom_hist_add(p->row->hist, p->lat);
}

/* begins counted alone have no latency to export */
static void export_count(void *self, struct lat_pair *p)
{
}

/* the textfile at each interval; the last one at close */
static void export_interval(void *self, uint64_t time, bool final, const struct lat_totals *t)
{
	struct export_sink *x = self;

	if (final)
		return;
	prom_publish(x->prom, t->lost, t->dropped);
	prom_textfile_kick(x->prom);
}

/* live, every PROM_PUBLISH_EVERY_NS: what scrapes see; without -i, the textfile every second */
static void export_tick(void *self, const struct lat_totals *t)
{
	struct export_sink *x = self;
	uint64_t now;

	prom_publish(x->prom, t->lost, t->dropped);
	if (x->cfg.interval || !prom_has_textfile(x->prom))
		return;
	now = pp_clock_now();
	if (now >= x->next_textfile) {
		prom_textfile_kick(x->prom);
		x->next_textfile = now + PROM_TEXTFILE_EVERY_NS;
	}
}

static int export_close(void *self, int code, const struct lat_totals *t)
{
	struct export_sink *x = self;

	if (prom_close(x->prom, t->lost, t->dropped, x->cfg.verbose) < 0 && code == 0)
		code = 1;
	free(x);
	return code;
}

static const struct lat_sink_ops export_count_ops = {
	.name = "exporter",
	.pair = export_count,
	.interval = export_interval,
	.tick = export_tick,
	.close = export_close,
};

static const struct lat_sink_ops *export_counts(void *self)
{
	return &export_count_ops;
}

static const struct lat_sink_ops export_ops = {
	.name = "exporter",
	.pair = export_pair,
	.counts = export_counts,
	.interval = export_interval,
	.tick = export_tick,
	.close = export_close,
};

int sink_export_add(struct lat_sinks *s, const struct sink_export_cfg *cfg, char *err,
		    size_t errlen)
{
	struct export_sink *x = calloc(1, sizeof(*x));
	struct prom_cfg pc;
	char label[16];
	int i;

	if (!x)
		abort();
	/* "VM" -> vm, "PROCESS" -> process */
	for (i = 0; cfg->cls->proc_label[i] && i < (int)sizeof(label) - 1; i++)
		label[i] = cfg->cls->proc_label[i] | 0x20;
	label[i] = 0;
	memset(&pc, 0, sizeof(pc));
	pc.profiler = cfg->cls->name;
	pc.proc_label = label;
	pc.qemu_names = cfg->cls->qemu_procs;
	pc.verbose = cfg->verbose;
	pc.listen = cfg->listen;
	pc.textfile = cfg->textfile;
	x->prom = prom_open(&pc, err, errlen);
	if (!x->prom) {
		free(x);
		return -1;
	}
	for (i = 0; i < cfg->nproc; i++)
		prom_add_process(x->prom, cfg->procs[i].pid, cfg->procs[i].comm);
	x->cfg = *cfg;
	x->next_textfile = pp_clock_now() + PROM_TEXTFILE_EVERY_NS;
	lat_sinks_add(s, &export_ops, x, 0);
	return 0;
}
