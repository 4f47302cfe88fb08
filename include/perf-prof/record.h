/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit every source yields and every profiler consumes: a decoded
 * perf record.  Live ring buffers and perf.data files produce the same
 * struct, so profilers never know where their data came from.
 */
#ifndef PERF_PROF_RECORD_H
#define PERF_PROF_RECORD_H

#include <stdint.h>

enum pp_rec_type {
	PP_REC_SAMPLE = 0,	/* a tracepoint sample; raw/raw_size valid */
	PP_REC_LOST,		/* the kernel dropped @lost records on @buf */
	PP_REC_THROTTLE,	/* sampling throttled on @buf (treated like lost) */
	PP_REC_ROUND,		/* perf.data FINISHED_ROUND: flush point for ordering */
	PP_REC_SWITCH_OUT,	/* @tid was scheduled out (perf context-switch record) */
	PP_REC_SWITCH_IN,	/* @tid was scheduled in */
	/*
	 * A source that merges streams of its own (a perf record --threads
	 * directory's files): no record older than @time comes any more.
	 */
	PP_REC_FLUSH,
};

struct pp_record {
	uint32_t type;		/* enum pp_rec_type */
	uint32_t cpu;
	uint32_t pid, tid;
	uint64_t time;		/* ns on the events' clock */
	uint64_t lost;		/* PP_REC_LOST: number of records lost */
	int32_t  buf;		/* which buffer/stream it came from, -1 unknown */
	uint32_t raw_size;
	const void *raw;	/* tracepoint payload, starts with common_type */
};

#endif
