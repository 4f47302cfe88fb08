// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/rips.h>
#include <perf-prof/stats.h>

static inline uint32_t hash64(uint64_t k, uint32_t mask)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k & mask;
}

int u64map_init(struct u64map *m, uint32_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->keys = malloc(sizeof(uint64_t) * cap);
	m->vals = malloc(sizeof(uint32_t) * cap);
	if (!m->keys || !m->vals)
		return -1;
	memset(m->vals, 0xff, sizeof(uint32_t) * cap);
	return 0;
}

static void u64map_grow(struct u64map *m)
{
	struct u64map nm;
	uint32_t i;

	if (u64map_init(&nm, m->cap * 2) < 0)
		abort();
	for (i = 0; i < m->cap; i++)
		if (m->vals[i] != UINT32_MAX)
			*u64map_slot(&nm, m->keys[i]) = m->vals[i];
	u64map_free(m);
	*m = nm;
}

uint32_t *u64map_slot(struct u64map *m, uint64_t key)
{
	uint32_t mask, i;

	if (!m->cap && u64map_init(m, 16) < 0)
		abort();
	if ((m->n + 1) * 4 > m->cap * 3)
		u64map_grow(m);
	mask = m->cap - 1;
	for (i = hash64(key, mask);; i = (i + 1) & mask) {
		if (m->vals[i] == UINT32_MAX) {
			m->keys[i] = key;
			m->n++;
			return &m->vals[i];
		}
		if (m->keys[i] == key)
			return &m->vals[i];
	}
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

void lat_stats_init(struct lat_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->compression = 100;
}

struct lat_inst *lat_stats_inst_slow(struct lat_stats *s, uint64_t id)
{
	uint32_t *slot;
	struct lat_inst *in;

	slot = u64map_slot(&s->map, id);
	if (*slot == UINT32_MAX) {
		if (s->ninst == s->cap) {
			uint32_t ncap = s->cap ? s->cap * 2 : 8;
			struct lat_inst *ni = realloc(s->inst, ncap * sizeof(*ni));

			if (!ni)
				abort();
			s->inst = ni;
			s->cap = ncap;
			memset(s->cache, 0, sizeof(s->cache));
		}
		in = &s->inst[s->ninst];
		memset(in, 0, sizeof(*in));
		in->id = id;
		in->vcpu = -1;
		*slot = s->ninst++;
	}
	s->cache[id & 63] = &s->inst[*slot];
	return s->cache[id & 63];
}

struct lat_row *lat_inst_row_slow(struct lat_stats *s, struct lat_inst *in, uint64_t key)
{
	uint32_t *slot;
	struct lat_row *r;

	slot = u64map_slot(&in->map, key);
	if (*slot == UINT32_MAX) {
		if (in->nrows == in->cap) {
			uint32_t ncap = in->cap ? in->cap * 2 : 4;
			struct lat_row *nr = realloc(in->rows, ncap * sizeof(*nr));

			if (!nr)
				abort();
			in->rows = nr;
			in->cap = ncap;
			memset(in->cache, 0, sizeof(in->cache));
		}
		r = &in->rows[in->nrows];
		memset(r, 0, sizeof(*r));
		r->key = key;
		r->td = td_new(s->compression);
		if (!r->td)
			abort();
		*slot = in->nrows++;
	}
	in->cache[key & 31] = &in->rows[*slot];
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
