// SPDX-License-Identifier: GPL-2.0-only
/*
 * The statistics sink: every pair into the row of its instance and key
 * (calls, total, min, max, the class's extra column, the t-digest); in a
 * recording of begin events alone, every begin counted in its row.  The
 * rows are the tables latency-print.c prints; each interval starts them
 * again.
 */
#include <stdlib.h>
#include "sinks.h"

struct stats_sink {
	struct lat_stats *stats;
	const struct lat_class *cls;
	void *cls_state;
	bool label_vcpu;	/* per-thread tables show their vCPU id */
};

/*
 * A per-thread table is labelled with its vCPU id (if the class has one)
 * and its process, from the first end that counts in it (its first pair
 * lands in a row without calls).
 */
static void label_inst(struct stats_sink *s, const struct lat_pair *p)
{
	struct lat_inst *in = lat_stats_inst(s->stats, p->inst);

	if (in->vcpu < 0) {
		in->vcpu = s->cls->vcpu ? s->cls->vcpu(s->cls_state, p->end) : -1;
		in->pid = p->end->pid;
	}
}

static void stats_pair(void *self, struct lat_pair *p)
{
	struct stats_sink *s = self;

	p->row = lat_stats_row(s->stats, p->inst, p->begin->key);
	lat_row_add(p->row, p->lat, p->extra);
}

/* per-thread tables of kvm-exit: the same, and each table's vCPU id */
static void stats_pair_vcpu(void *self, struct lat_pair *p)
{
	struct stats_sink *s = self;

	p->row = lat_stats_row(s->stats, p->inst, p->begin->key);
	if (!p->row->calls)
		label_inst(s, p);
	lat_row_add(p->row, p->lat, p->extra);
}

/* a begin counted: calls, and in extra those from guest kernel mode */
static void stats_count(void *self, struct lat_pair *p)
{
	struct stats_sink *s = self;

	p->row = lat_stats_row(s->stats, p->inst, p->begin->key);
	if (!p->row->calls && s->label_vcpu)
		label_inst(s, p);
	p->row->calls++;
	p->row->extra += p->extra;
}

static void stats_interval(void *self, uint64_t time, bool final, const struct lat_totals *t)
{
	struct stats_sink *s = self;

	lat_stats_reset(s->stats);
}

static int stats_close(void *self, int code, const struct lat_totals *t)
{
	free(self);
	return code;
}

static const struct lat_sink_ops stats_count_ops = {
	.name = "counts",
	.pair = stats_count,
	.interval = stats_interval,
	.close = stats_close,
};

static const struct lat_sink_ops *stats_counts(void *self)
{
	return &stats_count_ops;
}

static const struct lat_sink_ops stats_ops = {
	.name = "statistics",
	.pair = stats_pair,
	.counts = stats_counts,
	.interval = stats_interval,
	.close = stats_close,
};

static const struct lat_sink_ops stats_vcpu_ops = {
	.name = "statistics",
	.pair = stats_pair_vcpu,
	.counts = stats_counts,
	.interval = stats_interval,
	.close = stats_close,
};

void sink_stats_add(struct lat_sinks *s, struct lat_stats *stats, const struct lat_class *cls,
		    void *cls_state, bool label_vcpu)
{
	struct stats_sink *k = calloc(1, sizeof(*k));

	if (!k)
		abort();
	k->stats = stats;
	k->cls = cls;
	k->cls_state = cls_state;
	k->label_vcpu = label_vcpu;
	lat_sinks_add(s, label_vcpu ? &stats_vcpu_ops : &stats_ops, k, 0);
}
