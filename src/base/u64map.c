// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <perf-prof/u64map.h>

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

uint32_t u64map_find(const struct u64map *m, uint64_t key)
{
	uint32_t mask, i;

	if (!m->cap)
		return UINT32_MAX;
	mask = m->cap - 1;
	for (i = hash64(key, mask); m->vals[i] != UINT32_MAX; i = (i + 1) & mask)
		if (m->keys[i] == key)
			return m->vals[i];
	return UINT32_MAX;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

bool array_room(void *arr, uint32_t n, uint32_t *cap, uint32_t first, size_t size)
{
	void **p = arr;
	uint32_t ncap;
	void *np;

	if (n < *cap)
		return false;
	ncap = *cap ? *cap * 2 : first;
	np = realloc(*p, (size_t)ncap * size);
	if (!np)
		abort();
	*p = np;
	*cap = ncap;
	return true;
}

uint32_t u64map_index(struct u64map *m, uint64_t key, void *arr, uint32_t *n, uint32_t *cap,
		      uint32_t first, size_t size, bool *added, bool *moved)
{
	uint32_t *slot = u64map_slot(m, key);

	*added = *moved = false;
	if (*slot == UINT32_MAX) {
		*moved = array_room(arr, *n, cap, first, size);
		*added = true;
		*slot = (*n)++;
	}
	return *slot;
}
