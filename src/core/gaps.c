// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <perf-prof/gaps.h>

void gaps_init(struct gaps *g)
{
	memset(g, 0, sizeof(*g));
}

void gaps_free(struct gaps *g)
{
	free(g->buf);
	memset(g, 0, sizeof(*g));
}

/* room for buffer @i; -1 out of memory */
static int grow(struct gaps *g, int i)
{
	int n = i + 64, k;
	struct gap_buf *nb;

	if (i < g->nbuf)
		return 0;
	nb = realloc(g->buf, n * sizeof(*nb));
	if (!nb)
		return -1;
	for (k = g->nbuf; k < n; k++) {
		memset(&nb[k], 0, sizeof(nb[k]));
		nb[k].held.type = PP_REC_SAMPLE;
	}
	g->buf = nb;
	g->nbuf = n;
	return 0;
}

int gaps_note(struct gaps *g, const struct pp_record *rec)
{
	struct gap_buf *b;
	bool known = rec->buf >= 0 && rec->buf < GAPS_MAX_BUF;

	if (known && grow(g, rec->buf) < 0)
		return -1;
	if (rec->type == PP_REC_LOST) {
		g->lost += rec->lost;
		g->records++;
		if (known) {
			g->buf[rec->buf].lost += rec->lost;
			g->buf[rec->buf].lost_interval += rec->lost;
		}
	} else {
		g->throttled++;
	}
	if (!known)
		return 1;
	b = &g->buf[rec->buf];
	if (b->held.type == PP_REC_SAMPLE) {
		b->held = *rec;
		g->nheld++;
	} else {
		b->held.lost += rec->lost;
	}
	return 0;
}

struct pp_record *gaps_take_slow(struct gaps *g, const struct pp_record *next)
{
	struct gap_buf *b;

	if (next->buf < 0 || next->buf >= g->nbuf)
		return NULL;
	b = &g->buf[next->buf];
	if (b->held.type == PP_REC_SAMPLE)
		return NULL;
	b->held.time = next->time;
	g->nheld--;
	g->taken = b->held;
	b->held.type = PP_REC_SAMPLE;
	return &g->taken;
}

struct pp_record *gaps_pop(struct gaps *g)
{
	for (; g->nheld && g->next_pop < g->nbuf; g->next_pop++) {
		struct gap_buf *b = &g->buf[g->next_pop];

		if (b->held.type == PP_REC_SAMPLE)
			continue;
		g->nheld--;
		g->taken = b->held;
		b->held.type = PP_REC_SAMPLE;
		return &g->taken;
	}
	g->next_pop = 0;
	return NULL;
}

uint64_t gaps_lost(const struct gaps *g, int i)
{
	return i >= 0 && i < g->nbuf ? g->buf[i].lost : 0;
}
