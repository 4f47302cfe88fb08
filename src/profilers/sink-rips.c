// SPDX-License-Identifier: GPL-2.0-only
/*
 * --top-rip: per row, the guest instruction addresses (the class's aux)
 * that exited, with their calls and latency; in a recording of exits
 * alone, their calls.  The tables live on the statistics' rows, where the
 * printers find them.
 */
#include <stdlib.h>
#include <perf-prof/rips.h>
#include "sinks.h"

static void rips_pair(void *self, struct lat_pair *p)
{
	struct lat_row *row = p->row;

	if (!row->rips && !(row->rips = calloc(1, sizeof(*row->rips))))
		abort();
	rip_add(row->rips, p->begin->aux, p->lat);
}

static const struct lat_sink_ops *rips_counts(void *self);

static void rips_interval(void *self, uint64_t time, bool final, const struct lat_totals *t)
{
	struct lat_stats *s = self;
	uint32_t i, j;

	for (i = 0; i < s->ninst; i++)
		for (j = 0; j < s->inst[i].nrows; j++)
			if (s->inst[i].rows[j].rips)
				rip_reset(s->inst[i].rows[j].rips);
}

static int rips_close(void *self, int code, const struct lat_totals *t)
{
	struct lat_stats *s = self;
	uint32_t i, j;

	for (i = 0; i < s->ninst; i++) {
		for (j = 0; j < s->inst[i].nrows; j++) {
			struct lat_row *r = &s->inst[i].rows[j];

			if (r->rips) {
				rip_free(r->rips);
				free(r->rips);
				r->rips = NULL;
			}
		}
	}
	return code;
}

static const struct lat_sink_ops rips_ops = {
	.name = "top-rip",
	.pair = rips_pair,
	.counts = rips_counts,
	.interval = rips_interval,
	.close = rips_close,
};

/* a count has latency 0: the same addition */
static const struct lat_sink_ops *rips_counts(void *self)
{
	return &rips_ops;
}

void sink_rips_add(struct lat_sinks *s, struct lat_stats *stats)
{
	lat_sinks_add(s, &rips_ops, stats, 0);
}
