// SPDX-License-Identifier: GPL-2.0-only
/*
 * Thread names of a recording, for --than's dump ("CPU 0/KVM", where the
 * dump printed <...>): the latest COMM record of each thread, and a
 * forked thread's parent's name until it has its own, as perf script
 * names them.  A directory's data files keep theirs in the header file's
 * table.  At most PD_MAX_COMMS threads: memory grows with the threads the
 * file names, never past that.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <perf-prof/u64map.h>
#include "perfdata-int.h"

#define PD_MAX_COMMS	(1u << 20)
#define PD_COMM_LEN	16		/* the kernel's TASK_COMM_LEN */

struct pd_comms {
	struct u64map map;		/* tid -> index */
	char (*name)[PD_COMM_LEN];
	uint32_t n, cap;
};

/* @tid's name to write, added if new; NULL when the table is full */
static char *name_slot(struct perfdata *pd, uint32_t tid)
{
	struct perfdata *h = pd->head ? pd->head : pd;
	struct pd_comms *c = h->comms;
	uint32_t *i;

	if (!c && !(c = h->comms = calloc(1, sizeof(*c))))
		abort();	/* as the other tables of a run do */
	if (c->n == PD_MAX_COMMS && u64map_find(&c->map, tid) == UINT32_MAX)
		return NULL;
	i = u64map_slot(&c->map, tid);
	if (*i == UINT32_MAX) {
		array_room(&c->name, c->n, &c->cap, 64, PD_COMM_LEN);
		*i = c->n++;
	}
	return c->name[*i];
}

const char *perfdata_comm(const struct perfdata *pd, uint32_t tid)
{
	const struct perfdata *h = pd->head ? pd->head : pd;
	uint32_t i = h->comms ? u64map_find(&h->comms->map, tid) : UINT32_MAX;

	return i == UINT32_MAX ? NULL : h->comms->name[i];
}

/* COMM: u32 pid, tid, char comm[]; FORK: u32 pid, ppid, tid, ptid, u64 time */
void pd_comm_record(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size)
{
	const char *parent;
	char *name;
	size_t n;

	if (type == PERF_RECORD_COMM && size > 16) {
		n = strnlen((const char *)p + 16, size - 16);
		if (n >= PD_COMM_LEN)
			n = PD_COMM_LEN - 1;	/* a damaged one: no longer than the kernel's */
		name = name_slot(pd, load32(p + 12));
		if (name) {
			memcpy(name, p + 16, n);
			name[n] = 0;
		}
	} else if (type == PERF_RECORD_FORK && size >= 24 &&
		   (parent = perfdata_comm(pd, load32(p + 20))) &&
		   !perfdata_comm(pd, load32(p + 16))) {
		char copy[PD_COMM_LEN];

		memcpy(copy, parent, PD_COMM_LEN);	/* name_slot() may move it */
		name = name_slot(pd, load32(p + 16));
		if (name)
			memcpy(name, copy, PD_COMM_LEN);
	}
}

void pd_comm_free(struct perfdata *pd)
{
	if (pd->head || !pd->comms)
		return;
	u64map_free(&pd->comms->map);
	free(pd->comms->name);
	free(pd->comms);
	pd->comms = NULL;
}
