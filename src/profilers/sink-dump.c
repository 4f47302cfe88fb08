// SPDX-License-Identifier: GPL-2.0-only
/*
 * --than: both raw events of every pair that took at least the
 * threshold, as perf script prints them; idle keys (HLT, WFx) only with
 * --than-hlt.
 */
#include <stdlib.h>
#include <perf-prof/dump.h>
#include "sinks.h"

struct dump_sink {
	FILE *out;
	const struct lat_class *cls;
	void *cls_state;
	uint64_t than_ns;
	bool than_idle;
	uint64_t *dumped;
	struct tep_handle *tep;		/* from setup */
	struct pp_clock clock;
	struct source *src;		/* a recording's thread names */
};

static int dump_setup(struct lat_sink *sk, const struct engine_info *info, char *err,
		      size_t errlen)
{
	struct dump_sink *d = sk->self;

	d->tep = info->tep;
	d->clock = info->clock;
	d->src = info->src;
	return 0;
}

static void dump_pair(void *self, struct lat_pair *p)
{
	struct dump_sink *d = self;
	const struct pair_pending *b = p->begin;
	const struct pp_record *e = p->end;

	if (p->lat < d->than_ns)
		return;
	if (!d->than_idle && d->cls->idle_key && d->cls->idle_key(d->cls_state, p->begin->key))
		return;
	dump_event(d->out, d->tep, b->raw, b->raw_size, b->tid, b->cpu, b->time, &d->clock,
		   source_comm(d->src, b->tid));
	dump_event(d->out, d->tep, e->raw, e->raw_size, e->tid, e->cpu, e->time, &d->clock,
		   source_comm(d->src, e->tid));
	(*d->dumped)++;
}

static int dump_close(void *self, int code, const struct lat_totals *t)
{
	free(self);
	return code;
}

static const struct lat_sink_ops dump_ops = {
	.name = "than",
	.setup = dump_setup,
	.pair = dump_pair,
	.close = dump_close,
};

void sink_dump_add(struct lat_sinks *s, FILE *out, const struct lat_class *cls, void *cls_state,
		   uint64_t than_ns, bool than_idle, uint64_t *dumped)
{
	struct dump_sink *d = calloc(1, sizeof(*d));

	if (!d)
		abort();
	d->out = out;
	d->cls = cls;
	d->cls_state = cls_state;
	d->than_ns = than_ns;
	d->than_idle = than_idle;
	d->dumped = dumped;
	lat_sinks_add(s, &dump_ops, d, 0)->keep_begin = true;
}
