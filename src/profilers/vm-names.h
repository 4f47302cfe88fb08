/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names of a run's VMs (processes), for the per-VM tables, JSON and
 * labels: qemu's "-name guest=NAME" (or "-name NAME"), else the process's
 * comm.  Live, a process is named when its first pair is seen, so one
 * that exits before the table is printed keeps its name; a recording
 * names it by its COMM records (the main thread's, whose tid is the pid).
 */
#ifndef PERF_PROF_VM_NAMES_H
#define PERF_PROF_VM_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/u64map.h>

struct source;

struct vm_name {
	uint32_t pid;
	char name[128];
};

struct vm_names {
	struct vm_name *v;
	uint32_t n, cap;
	struct u64map map;	/* pid -> index in v */
	uint32_t last;		/* the pid noted last: most pairs stop at it */
	bool qemu;		/* live: a process's qemu -name names it */
	struct source *src;	/* a recording: its COMM records name a process */
};

/* an empty table; @qemu: name a live process by its qemu -name guest= */
void vm_names_init(struct vm_names *t, bool qemu);
/* process @pid's name, as it is now (live: /proc) or as @t->src says */
void vm_names_note(struct vm_names *t, uint32_t pid);
/* @pid's name, "<...>" when it was never noted or could not be found */
const char *vm_names_get(const struct vm_names *t, uint32_t pid);
/* free the names; @t is empty after */
void vm_names_free(struct vm_names *t);

/* @pid's first pair: name it now, before it can exit */
static inline void vm_names_seen(struct vm_names *t, uint32_t pid)
{
	if (pid != t->last)
		vm_names_note(t, pid);
}

#endif
