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
	free(g->far_buf);
	u64map_free(&g->far);
	memset(g, 0, sizeof(*g));
}

static void empty_slot(struct gap_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->held.type = PP_REC_SAMPLE;
}

/* the slot of buffer @i (>= 0), made if absent; NULL out of memory */
static struct gap_buf *slot(struct gaps *g, int i)
{
	bool added, moved;
	uint32_t k;

	if (i < g->nbuf)
		return &g->buf[i];
	if (i < GAPS_DIRECT) {
		int n = g->nbuf ? g->nbuf : 8, j;
		struct gap_buf *nb;

		while (n <= i)
			n *= 2;
		if (n > GAPS_DIRECT)
			n = GAPS_DIRECT;
		nb = realloc(g->buf, n * sizeof(*nb));
		if (!nb)
			return NULL;
		for (j = g->nbuf; j < n; j++)
			empty_slot(&nb[j]);
		g->buf = nb;
		g->nbuf = n;
		return &g->buf[i];
	}
	k = u64map_index(&g->far, (uint64_t)i, &g->far_buf, &g->nfar, &g->far_cap, 8,
			 sizeof(*g->far_buf), &added, &moved);
	if (added)
		empty_slot(&g->far_buf[k]);
	return &g->far_buf[k];
}

struct gap_buf *gaps_buf(struct gaps *g, int i)
{
	uint32_t v;

	if (i < 0)
		return NULL;
	if (i < GAPS_DIRECT)
		return i < g->nbuf ? &g->buf[i] : NULL;
	v = u64map_find(&g->far, (uint64_t)i);
	return v == UINT32_MAX ? NULL : &g->far_buf[v];
}

/* count @rec; its buffer's slot (NULL: none) in *@bp; -1 out of memory */
static int count(struct gaps *g, const struct pp_record *rec, struct gap_buf **bp)
{
	struct gap_buf *b = NULL;

	if (rec->buf >= 0 && !(b = slot(g, rec->buf)))
		return -1;
	if (rec->type == PP_REC_LOST) {
		g->lost += rec->lost;
		g->records++;
		if (b) {
			b->lost += rec->lost;
			b->lost_interval += rec->lost;
		}
	} else {
		g->throttled++;
	}
	*bp = b;
	return 0;
}

int gaps_count(struct gaps *g, const struct pp_record *rec)
{
	struct gap_buf *b;

	return count(g, rec, &b);
}

int gaps_note(struct gaps *g, const struct pp_record *rec)
{
	struct gap_buf *b;

	if (count(g, rec, &b) < 0)
		return -1;
	if (!b)
		return 1;
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
	struct gap_buf *b = gaps_buf(g, next->buf);

	if (!b || b->held.type == PP_REC_SAMPLE)
		return NULL;
	b->held.time = next->time;
	g->nheld--;
	g->taken = b->held;
	b->held.type = PP_REC_SAMPLE;
	return &g->taken;
}

/* buffers in their order: the direct ones, then the far ones as they came */
struct pp_record *gaps_pop(struct gaps *g)
{
	for (; g->nheld && g->next_pop < g->nbuf + (int)g->nfar; g->next_pop++) {
		int i = g->next_pop;
		struct gap_buf *b = i < g->nbuf ? &g->buf[i] : &g->far_buf[i - g->nbuf];

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
	struct gap_buf *b = gaps_buf((struct gaps *)g, i);

	return b ? b->lost : 0;
}
