// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pairing table: open addressing by tid, linear probing, grown at
 * half full.  Slots are never emptied (a thread's next begin reuses its
 * slot), so a probe ends at the first unused slot.
 */
#include <stdlib.h>
#include <string.h>
#include <perf-prof/pair.h>

static void grow(struct pair_table *t);

void pair_init(struct pair_table *t, bool keep_raw, uint32_t nside)
{
	memset(t, 0, sizeof(*t));
	t->keep_raw = keep_raw;
	t->nside = nside < PAIR_SIDE ? nside : PAIR_SIDE;
	t->begin_more = keep_raw || nside;
	grow(t);	/* a table is never empty: the inline lookups need no check */
}

static void grow(struct pair_table *t)
{
	struct pair_pending *slot;
	uint32_t i, cap = t->cap ? t->cap * 2 : 64;

	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		abort();
	for (i = 0; i < t->cap; i++) {
		struct pair_pending *o = &t->slot[i];
		uint32_t j;

		if (!o->used)
			continue;
		for (j = (o->tid * 2654435761u) & (cap - 1); slot[j].used; j = (j + 1) & (cap - 1))
			;
		slot[j] = *o;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	t->mask = cap - 1;
}

/* the slot of @tid, NULL if it has none */
static struct pair_pending *find(struct pair_table *t, uint32_t tid)
{
	struct pair_pending *p = pair_home(t, tid);
	struct pair_pending *end = t->slot + t->cap;

	for (; p->used; p = p + 1 < end ? p + 1 : t->slot)
		if (p->tid == tid)
			return p;
	return NULL;
}

/* the slot of @tid, made if it has none */
static struct pair_pending *slot_of(struct pair_table *t, uint32_t tid)
{
	struct pair_pending *p = find(t, tid), *end;

	if (p)
		return p;
	if ((t->n + 1) * 2 > t->cap)
		grow(t);
	end = t->slot + t->cap;
	for (p = pair_home(t, tid); p->used; p = p + 1 < end ? p + 1 : t->slot)
		;
	p->used = 1;
	p->tid = tid;
	t->n++;
	return p;
}

static void keep_raw(struct pair_pending *p, const void *raw, uint32_t size);

/* a begin whose tid is not in its home slot, or that clears side words or keeps bytes */
struct pair_pending *pair_begin_probe(struct pair_table *t, const struct pp_record *rec)
{
	struct pair_pending *p = slot_of(t, rec->tid);

	pair_note(p, rec);
	memset(p->side, 0, t->nside * sizeof(p->side[0]));
	if (t->keep_raw)
		keep_raw(p, rec->raw, rec->raw_size);
	return p;
}

struct pair_pending *pair_pending_at(struct pair_table *t, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = find(t, tid);

	return p && p->valid && time >= p->time ? p : NULL;
}

static void keep_raw(struct pair_pending *p, const void *raw, uint32_t size)
{
	if (size > p->raw_cap) {
		void *n = realloc(p->raw, size);

		if (!n) {
			p->raw_size = 0;
			return;
		}
		p->raw = n;
		p->raw_cap = size;
	}
	memcpy(p->raw, raw, size);
	p->raw_size = size;
}

struct pair_pending *pair_end_probe(struct pair_table *t, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = find(t, tid);

	if (!p || !p->valid) {
		t->unmatched++;
		return NULL;
	}
	if (time < p->time) {
		/* an end from before this begin cannot close it; an equal
		 * stamp can (it was delivered after the begin) */
		t->backwards++;
		return NULL;
	}
	p->valid = 0;
	return p;
}

void pair_drop(struct pair_table *t, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = find(t, tid);

	if (p && p->valid && p->time <= time) {
		p->valid = 0;
		t->dropped++;
	}
}

void pair_invalidate_buf(struct pair_table *t, int buf)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++) {
		if (t->slot[i].valid && t->slot[i].buf == buf) {
			t->slot[i].valid = 0;
			t->invalidated++;
		}
	}
}

void pair_invalidate_before(struct pair_table *t, uint64_t time)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++) {
		if (t->slot[i].valid && t->slot[i].time <= time) {
			t->slot[i].valid = 0;
			t->invalidated++;
		}
	}
}

void pair_free(struct pair_table *t)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i].raw);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
