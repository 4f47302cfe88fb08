/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --tui's numbers: one interval's per-thread statistics folded into the
 * screen's snapshot (tui.h): by reason, by process (a VM) and by thread
 * (a vCPU), each row with its detail (a reason by vCPU, or with --detail
 * what its exits were about; a VM's or a vCPU's reasons).  Rows are summed; their p99 is that of their merged
 * t-digests, as a table of the whole would print it.
 */
#ifndef PERF_PROF_TUI_FEED_H
#define PERF_PROF_TUI_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <perf-prof/stats.h>
#include <perf-prof/table.h>
#include <perf-prof/tui.h>

struct tui_feed {
	const struct table_style *style;	/* the title and the keys' names */
	/* a process's row: "qemu-vm1 1001" */
	void (*proc_name)(void *arg, uint32_t pid, char *buf, size_t len);
	void *arg;
};

/*
 * The snapshot of @s's rows with calls (its instances are threads, each
 * with its pid and vCPU), @when its time and @note its last line; NULL
 * when out of memory.
 */
struct tui_snapshot *tui_feed(const struct tui_feed *f, struct lat_stats *s, const char *when,
			      const char *note);

#endif
