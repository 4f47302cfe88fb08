/* SPDX-License-Identifier: GPL-2.0-only */
/* --than: raw events rendered like perf script, prefixed by their time. */
#ifndef PERF_PROF_DUMP_H
#define PERF_PROF_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <perf-prof/clock.h>

struct tep_handle;

/*
 * Live (@clock->wall): the wall-clock time "%Y-%m-%d %H:%M:%S.%06u"; a
 * recording has no wall clock, so its own clock "%lu.%06lu" stands in.
 * @header adds the trailing " \n" of a table's time line.
 */
void dump_when(FILE *f, uint64_t time, const struct pp_clock *clock, bool header);

/*
 * One line: time, then "%16s %6u %s [%03u] %6lu.%06lu: sys:name: fields"
 * (comm, tid, irq/preempt flags, cpu, timestamp, the print format
 * rendered by libtraceevent).  comm: @comm (a recording's COMM records),
 * else looked up in /proc when live, else "<...>".
 */
void dump_event(FILE *f, struct tep_handle *tep, const void *raw, uint32_t size,
		uint32_t tid, uint32_t cpu, uint64_t time, const struct pp_clock *clock,
		const char *comm);

#endif
