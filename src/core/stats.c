// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/rips.h>
#include <perf-prof/stats.h>

void lat_stats_init(struct lat_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->compression = 100;
}

struct lat_inst *lat_stats_inst_slow(struct lat_stats *s, uint64_t id)
{
	bool added, moved;
	uint32_t i = u64map_index(&s->map, id, &s->inst, &s->ninst, &s->cap, 8, sizeof(*s->inst),
				  &added, &moved);

	if (moved)
		memset(s->cache, 0, sizeof(s->cache));
	if (added) {
		struct lat_inst *in = &s->inst[i];

		memset(in, 0, sizeof(*in));
		in->id = id;
		in->vcpu = -1;
	}
	s->cache[id & 63] = &s->inst[i];
	return s->cache[id & 63];
}

struct lat_row *lat_inst_row_slow(struct lat_stats *s, struct lat_inst *in, uint64_t key)
{
	bool added, moved;
	uint32_t i = u64map_index(&in->map, key, &in->rows, &in->nrows, &in->cap, 4,
				  sizeof(*in->rows), &added, &moved);

	if (moved)
		memset(in->cache, 0, sizeof(in->cache));
	if (added) {
		struct lat_row *r = &in->rows[i];

		memset(r, 0, sizeof(*r));
		r->key = key;
		r->td = td_new(s->compression, &s->budget);
		if (!r->td)
			abort();
	}
	in->cache[key & 31] = &in->rows[i];
	return in->cache[key & 31];
}

double lat_row_quantile(struct lat_row *r, double q)
{
	double v;

	if (!r->calls)
		return NAN;
	if (r->min == r->max)
		return (double)r->min;
	v = td_quantile(r->td, q);
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
			td_reset(r->td);
			if (r->rips)
				rip_reset(r->rips);
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
		for (j = 0; j < s->inst[i].nrows; j++) {
			td_free(s->inst[i].rows[j].td);
			if (s->inst[i].rows[j].rips) {
				rip_free(s->inst[i].rows[j].rips);
				free(s->inst[i].rows[j].rips);
			}
		}
		free(s->inst[i].rows);
		u64map_free(&s->inst[i].map);
	}
	free(s->inst);
	u64map_free(&s->map);
	memset(s, 0, sizeof(*s));
}
