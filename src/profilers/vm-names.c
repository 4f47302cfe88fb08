// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names of a run's VMs (vm-names.h): one lookup per process, when
 * its first pair is seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/proc.h>
#include <perf-prof/promtext.h>
#include <perf-prof/source.h>
#include "vm-names.h"

void vm_names_init(struct vm_names *t, bool qemu)
{
	memset(t, 0, sizeof(*t));	/* the map too: empty until its first pid */
	t->last = UINT32_MAX;
	t->qemu = qemu;
}

/* what @pid is called now: its qemu -name, its comm, or what the recording says */
static void name_of(const struct vm_names *t, uint32_t pid, char *buf, size_t len)
{
	const char *comm;
	char path[64], *cmd;
	size_t n = 0;
	bool ok = false;

	if (t->src && !t->src->live) {
		comm = source_comm(t->src, pid);
		snprintf(buf, len, "%s", comm && *comm ? comm : "<...>");
		return;
	}
	if (t->qemu) {
		snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
		cmd = read_file(path, &n);
		ok = cmd && prom_qemu_name(cmd, n, buf, len) == 0;
		free(cmd);
	}
	if (!ok)
		proc_comm((int)pid, buf, len);
}

void vm_names_note(struct vm_names *t, uint32_t pid)
{
	bool added, moved;
	uint32_t i;

	i = u64map_index(&t->map, pid, &t->v, &t->n, &t->cap, 16, sizeof(*t->v), &added,
			 &moved);
	if (added) {
		t->v[i].pid = pid;
		name_of(t, pid, t->v[i].name, sizeof(t->v[i].name));
	}
	t->last = pid;
}

const char *vm_names_get(const struct vm_names *t, uint32_t pid)
{
	uint32_t i = u64map_find(&t->map, pid);

	return i == UINT32_MAX ? "<...>" : t->v[i].name;
}

void vm_names_free(struct vm_names *t)
{
	u64map_free(&t->map);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}
