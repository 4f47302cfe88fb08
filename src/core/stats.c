// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/stats.h>

void lat_stats_init(struct lat_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->compression = 100;
}

struct lat_inst *lat_stats_inst(struct lat_stats *s, uint64_t id)
{
	bool added, moved;
	uint32_t i = u64map_index(&s->map, id, &s->inst, &s->ninst, &s->cap, 8, sizeof(*s->inst),
				  &added, &moved);

	/* the rows arrays stay where they are: the cache holds */
	if (added) {
		struct lat_inst *in = &s->inst[i];

		memset(in, 0, sizeof(*in));
		in->id = id;
		in->vcpu = -1;
	}
	return &s->inst[i];
}

struct lat_row *lat_stats_row_insert(struct lat_stats *s, uint64_t inst, uint64_t key)
{
	struct lat_inst *in = lat_stats_inst(s, inst);
	bool added, moved;
	uint32_t i = u64map_index(&in->map, key, &in->rows, &in->nrows, &in->cap, 4,
				  sizeof(*in->rows), &added, &moved);
	struct lat_row *r = &in->rows[i];

	if (moved)
		memset(s->cache, 0, sizeof(s->cache));
	if (added) {
		memset(r, 0, sizeof(*r));
		r->key = key;
		r->inst = inst;
		r->td = tdigest_new(s->compression, &s->budget);
		if (!r->td)
			abort();
	}
	s->cache[lat_row_slot(inst, key)] = r;
	return r;
}

double lat_row_quantile(struct lat_row *r, double q)
{
	double v;

	if (!r->calls)
		return NAN;
	if (r->min == r->max)
		return (double)r->min;
	v = tdigest_quantile(r->td, q);
	if (!(v >= (double)r->min))	/* NAN too */
		return (double)r->min;
	return v > (double)r->max ? (double)r->max : v;
}

void lat_stats_reset(struct lat_stats *s)
{
	uint32_t i, j;

	for (i = 0; i < s->ninst; i++) {
		struct lat_inst *in = &s->inst[i];

		for (j = 0; j < in->nrows; j++) {
			struct lat_row *r = &in->rows[j];

			r->calls = r->sum = r->min = r->max = r->extra = r->sched = 0;
			r->vmm_calls = r->vmm = r->vmm_sched = 0;
			tdigest_reset(r->td);
		}
	}
}

uint64_t lat_inst_calls(const struct lat_inst *in)
{
	uint64_t n = 0;
	uint32_t j;

	for (j = 0; j < in->nrows; j++)
		n += in->rows[j].calls;
	return n;
}

void lat_stats_free(struct lat_stats *s)
{
	uint32_t i, j;

	for (i = 0; i < s->ninst; i++) {
		for (j = 0; j < s->inst[i].nrows; j++)
			tdigest_free(s->inst[i].rows[j].td);
		free(s->inst[i].rows);
		u64map_free(&s->inst[i].map);
	}
	free(s->inst);
	u64map_free(&s->map);
	memset(s, 0, sizeof(*s));
}
