/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tracepoint filter expression evaluated by libtraceevent on recorded
 * events, with the meaning the kernel gives it live (--filter on --input).
 */
#ifndef PERF_PROF_EVFILTER_H
#define PERF_PROF_EVFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <perf-prof/record.h>

struct tep_handle;
struct ev_filter;

/*
 * @expr on event "sys:name" @event of @tep; NULL with a one-line reason in
 * @err when libtraceevent cannot read it.
 */
struct ev_filter *ev_filter_new(struct tep_handle *tep, const char *event, const char *expr,
				char *err, size_t errlen);
/* does sample @rec of that event pass the filter? */
bool ev_filter_pass(struct ev_filter *f, const struct pp_record *rec);
/* free @f and its libtraceevent filter; NULL is fine */
void ev_filter_free(struct ev_filter *f);

#endif
