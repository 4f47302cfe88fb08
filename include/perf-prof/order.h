/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Merge several time-ordered streams (one per ring buffer or per CPU of a
 * perf.data file) into one time-ordered stream.  Each stream keeps its own
 * FIFO of copied records; a flush k-way merges the FIFO heads up to a time
 * bound.  Memory is bounded: past @mem_limit the oldest records are
 * delivered early (counted in ->forced), which may reorder them.
 */
#ifndef PERF_PROF_ORDER_H
#define PERF_PROF_ORDER_H

#include <stdint.h>
#include <perf-prof/record.h>

typedef void (*order_cb)(const struct pp_record *rec, void *arg);

struct order_fifo;

struct order {
	struct order_fifo *fifo;
	int nfifo;
	void *heap;		/* scratch for the merge */
	uint64_t mem, mem_limit, mem_peak;
	uint64_t queued;
	uint64_t forced;	/* delivered early because of mem_limit */
	uint64_t seq;
	order_cb cb;
	void *arg;
};

int order_init(struct order *o, uint64_t mem_limit, order_cb cb, void *arg);
/* copy @rec (and its raw data) into stream rec->buf; may deliver early */
int order_push(struct order *o, const struct pp_record *rec);
/* deliver, in time order, every queued record with time < @upto */
void order_flush(struct order *o, uint64_t upto);
/* deliver everything */
void order_flush_all(struct order *o);
void order_exit(struct order *o);

#endif
