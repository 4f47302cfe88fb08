/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * -G's cgroups: paths of the cgroup v2 hierarchy, relative to its root or
 * absolute, checked and named as the tables name them.
 */
#ifndef PERF_PROF_CGROUP_H
#define PERF_PROF_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

struct cgroup_list {
	int n;
	char **path;	/* the directories, absolute */
	char **name;	/* their paths from the root ("machine.slice/x.scope", "/") */
};

/*
 * "PATH[,PATH...]" appended to @l, each cgroup once.  A cgroup inside
 * another of the list is refused: its tasks would be counted in both.
 * 0, or -1 + message (a usage error).
 */
int cgroup_list_parse(const char *arg, struct cgroup_list *l, char *err, size_t errlen);
/* free @l's paths and names; @l is empty after */
void cgroup_list_free(struct cgroup_list *l);

#endif
