// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <perf-prof/pair.h>

static void grow(struct pair_table *t);

void pair_init(struct pair_table *t)
{
	memset(t, 0, sizeof(*t));
	grow(t);	/* a table is never empty: the inline lookups need no check */
}

static void grow(struct pair_table *t)
{
	struct pair_table nt;
	uint32_t i;

	memset(&nt, 0, sizeof(nt));
	nt.cap = t->cap ? t->cap * 2 : 64;
	nt.slot = calloc(nt.cap, sizeof(*nt.slot));
	if (!nt.slot)
		abort();
	for (i = 0; i < t->cap; i++) {
		struct pair_pending *o = &t->slot[i];
		uint32_t j;

		if (!o->used)
			continue;
		for (j = pair_hash(o->tid, nt.cap - 1); nt.slot[j].used; j = (j + 1) & (nt.cap - 1))
			;
		nt.slot[j] = *o;
	}
	free(t->slot);
	t->slot = nt.slot;
	t->cap = nt.cap;
	t->mask = nt.cap - 1;
}

struct pair_pending *pair_get_slow(struct pair_table *t, uint32_t tid)
{
	uint32_t i, mask;

	if ((t->n + 1) * 2 > t->cap)
		grow(t);
	mask = t->mask;
	for (i = pair_hash(tid, mask);; i = (i + 1) & mask) {
		struct pair_pending *p = &t->slot[i];

		if (!p->used) {
			p->used = 1;
			p->tid = tid;
			t->n++;
			return p;
		}
		if (p->tid == tid)
			return p;
	}
}

struct pair_pending *pair_find(struct pair_table *t, uint32_t tid)
{
	uint32_t i, mask = t->mask;

	for (i = pair_hash(tid, mask);; i = (i + 1) & mask) {
		struct pair_pending *p = &t->slot[i];

		if (!p->used)
			return NULL;
		if (p->tid == tid)
			return p->valid ? p : NULL;
	}
}

void pair_keep_raw(struct pair_pending *p, const void *raw, uint32_t size)
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

struct pair_pending *pair_end_slow(struct pair_table *t, uint32_t tid, uint64_t time)
{
	struct pair_pending *p = pair_find(t, tid);

	if (!p) {
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
