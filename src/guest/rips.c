// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <perf-prof/rips.h>

void rip_add(struct rip_table *t, uint64_t rip, uint64_t lat)
{
	bool added, moved;
	uint32_t i = u64map_index(&t->map, rip, &t->ent, &t->n, &t->cap, 8, sizeof(*t->ent),
				  &added, &moved);
	struct rip_ent *e = &t->ent[i];

	if (added) {
		memset(e, 0, sizeof(*e));
		e->rip = rip;
	}
	e->calls++;
	e->sum += lat;
	if (lat > e->max)
		e->max = lat;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct rip_ent *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	if (x->sum != y->sum)
		return x->sum > y->sum ? -1 : 1;
	return (x->rip > y->rip) - (x->rip < y->rip);
}

int rip_top(const struct rip_table *t, struct rip_ent *out, int max)
{
	struct rip_ent *all;
	uint32_t i, n = 0;

	if (!t->n || max <= 0)
		return 0;
	all = malloc(t->n * sizeof(*all));
	if (!all)
		return 0;
	for (i = 0; i < t->n; i++)
		if (t->ent[i].calls)
			all[n++] = t->ent[i];
	qsort(all, n, sizeof(*all), cmp_ent);
	if ((int)n > max)
		n = max;
	memcpy(out, all, n * sizeof(*all));
	free(all);
	return n;
}

void rip_reset(struct rip_table *t)
{
	/* forget the addresses: a new interval has its own hot spots */
	u64map_free(&t->map);
	t->n = 0;
}

void rip_free(struct rip_table *t)
{
	u64map_free(&t->map);
	free(t->ent);
	memset(t, 0, sizeof(*t));
}
