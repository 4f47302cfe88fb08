/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --tui: the latest interval's tables on one screen, refreshed in place
 * (ncurses), as kvm_stat shows its counters.  The caller hands over one
 * snapshot per interval: the rows of three views (by reason, by VM, by
 * vCPU) and, per row, the table Enter opens (a reason's breakdown by VM
 * and vCPU, a VM's or vCPU's reasons).  The screen sorts them itself.
 *
 * Keys: r v c (the views), Up/Down or j/k (choose a row), Enter (its
 * detail), Backspace or Esc (back), s (the next order: total, calls, avg,
 * p99, max, name), q (quit).  A resized terminal is redrawn to its size;
 * tui_close() leaves the terminal as it found it.
 */
#ifndef PERF_PROF_TUI_H
#define PERF_PROF_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/sortkey.h>

#define TUI_NAME_MAX	64

enum tui_view { TUI_REASONS, TUI_VMS, TUI_VCPUS, TUI_NVIEWS };

struct tui_row {
	char name[TUI_NAME_MAX];
	uint64_t calls;
	double total_us, min_us, avg_us, p99_us, max_us;
	int detail;		/* index into the snapshot's details, -1: none */
};

struct tui_table {
	char title[128];	/* "kvm-exit latency VM qemu-system-x86 1234" */
	char key[32];		/* the name column's header: "exit_reason", "vCPU" */
	int nrows;
	struct tui_row *rows;	/* malloc'ed, owned by the snapshot */
};

struct tui_snapshot {
	char when[40];		/* the interval's end, as the tables print it */
	struct tui_table view[TUI_NVIEWS];
	int ndetails;
	struct tui_table *details;
	char note[160];		/* lost records and the like, shown on the last line */
};

struct tui;

/*
 * Take over the terminal on stdin/stdout: @title ("kvm-exit latency") and
 * @key_header ("exit_reason") head the screen, @sort is the first order.
 * NULL + message when stdin or stdout is no terminal, or it cannot be set up.
 */
struct tui *tui_open(const char *title, const char *key_header, enum sort_key sort,
		     char *err, size_t errlen);
/* show @s from now on (the previous one is freed; @s is owned by the screen) */
void tui_show(struct tui *t, struct tui_snapshot *s);
/* handle the keys typed and a resize, without waiting; true once q was typed */
bool tui_input(struct tui *t);
/* the terminal as it was; frees @t (NULL: nothing) */
void tui_close(struct tui *t);

/* a table titled @title, its names headed @key, of @n rows without detail; -1: no memory */
int tui_table_init(struct tui_table *tb, const char *title, const char *key, int n);
/* free @s and its rows (one not handed to tui_show()); NULL is fine */
void tui_snapshot_free(struct tui_snapshot *s);

#endif
