/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An open-addressing map from a u64 key to a u32 index, and the growing
 * array the index points into: the statistics keep their instances and
 * rows this way, the guest-address tables their addresses.  Allocation
 * failures abort: these tables hold what was measured, and a run that
 * cannot keep it has nothing true left to print.
 */
#ifndef PERF_PROF_U64MAP_H
#define PERF_PROF_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;
	uint32_t *vals;		/* UINT32_MAX = empty */
	uint32_t cap, n;
};

/* A zeroed struct u64map is an empty map: it allocates on its first insert. */
/* an empty map with room for @cap keys (a power of two); -1 out of memory */
int u64map_init(struct u64map *m, uint32_t cap);
/* pointer to the value slot of @key, inserting UINT32_MAX if absent */
uint32_t *u64map_slot(struct u64map *m, uint64_t key);
/* the value of @key, UINT32_MAX if absent; inserts nothing */
uint32_t u64map_find(const struct u64map *m, uint64_t key);
/* free both arrays; @m is zeroed (an empty map again) */
void u64map_free(struct u64map *m);

/*
 * Room for element @n in the array *@arr of *@cap elements of @size bytes:
 * doubled (from @first) when full.  Returns true when the array moved, so
 * that pointers into it (caches) must be dropped.
 */
bool array_room(void *arr, uint32_t n, uint32_t *cap, uint32_t first, size_t size);

/*
 * The index of @key in the array that @m indexes, appending a slot for it
 * when absent: then *@added is set, the array has room (array_room() with
 * @first) and the caller fills element *@n - 1.  *@moved as array_room().
 */
uint32_t u64map_index(struct u64map *m, uint64_t key, void *arr, uint32_t *n, uint32_t *cap,
		      uint32_t first, size_t size, bool *added, bool *moved);

#endif
