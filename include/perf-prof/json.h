/* SPDX-License-Identifier: GPL-2.0-only */
/* --json: one JSON object per interval and instance, one per line. */
#ifndef PERF_PROF_JSON_H
#define PERF_PROF_JSON_H

#include <stdint.h>
#include <stdio.h>
#include <perf-prof/table.h>

struct json_head {
	const char *time;	/* as the table's time line prints it */
	uint64_t time_ns;	/* event clock */
	const char *inst_type;	/* "all", "thread", "cpu", "vm" ("process"), "cgroup" */
	int64_t inst_id;	/* -1 for "all" and "vm" */
	int64_t vcpu;		/* -1 unknown */
	const char *name;	/* "vm": its name (with "pid"), else NULL */
	int64_t pid;		/* "vm": its process id */
	const char *cgroup;	/* "cgroup": its path from the cgroup root, or NULL */
	uint64_t lost;		/* records lost in this interval */
};

/*
 * Prints nothing when the instance has no calls; @in NULL: an interval
 * that saw nothing, an object with "rows":[] (h->inst_id -1).
 */
void json_print(FILE *f, const struct table_style *st, struct lat_inst *in,
		const struct json_head *h);

#endif
