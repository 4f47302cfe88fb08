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
 * The mount point of the cgroup v2 hierarchy, the root -G paths are
 * relative to (/sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified
 * on a hybrid one); false if none is mounted.
 */
bool cgroup2_root(char *buf, size_t len);
/*
 * -G's PATH, relative to that root or absolute: the cgroup's directory in
 * @abs, its path from the root in @rel ("/" for the root itself).  0, or
 * -1 + message (it does not exist, or is no cgroup).
 */
int cgroup_resolve(const char *arg, char *abs, size_t abslen, char *rel, size_t rellen,
		   char *err, size_t errlen);
/*
 * "PATH[,PATH...]" appended to @l, each cgroup once.  A cgroup inside
 * another of the list is refused: its tasks would be counted in both.
 * 0, or -1 + message (a usage error).
 */
int cgroup_list_parse(const char *arg, struct cgroup_list *l, char *err, size_t errlen);
void cgroup_list_free(struct cgroup_list *l);

#endif
