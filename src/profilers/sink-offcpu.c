// SPDX-License-Identifier: GPL-2.0-only
/*
 * --offcpu: how much of each pair its thread spent scheduled out.  A
 * pending begin keeps, in its side data, since when its thread is out and
 * how long it was out so far; context switches (live: perf's switch
 * records; a recording: those, or sched:sched_switch samples) move them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <perf-prof/tep.h>
#include "sinks.h"

enum { OUT_SINCE, SCHED, NSIDE };	/* side words: out at (0 = on a CPU), ns out */

struct offcpu {
	uint32_t side;
	bool recording;
	struct pp_field prev_pid, next_pid;	/* sched_switch's, when bound */
};

static int offcpu_setup(struct lat_sink *sk, const struct engine_info *info, char *err,
			size_t errlen)
{
	struct offcpu *o = sk->self;
	struct tep_event *sw;

	o->side = sk->side;
	if (!o->recording)
		return 0;	/* switch records were asked for */
	/*
	 * A recording brings its own scheduling data: context-switch
	 * records (perf record --switch-events), or sched_switch samples.
	 */
	sw = sk->ids[0] >= 0 ? pp_tep_find(info->tep, sk->events[0]) : NULL;
	if (sw && pp_field_bind(sw, "prev_pid", &o->prev_pid) &&
	    pp_field_bind(sw, "next_pid", &o->next_pid))
		return 0;
	sk->ids[0] = -1;
	if (info->switches)
		return 0;
	snprintf(err, errlen, "--offcpu needs context switches in the recording "
		 "(perf record --switch-events, or -e sched:sched_switch)");
	return 1;
}

/* @tid went out (or came back in) at @time: its pending begin's side words */
static void switched(struct offcpu *o, struct pair_table *pairs, uint32_t tid, uint64_t time,
		     bool out)
{
	struct pair_pending *p = pair_pending_at(pairs, tid, time);
	uint64_t *side;

	if (!p)
		return;
	side = p->side + o->side;
	if (out) {
		if (!side[OUT_SINCE])
			side[OUT_SINCE] = time;
	} else if (side[OUT_SINCE]) {
		side[SCHED] += time - side[OUT_SINCE];
		side[OUT_SINCE] = 0;
	}
}

static void offcpu_record(void *self, struct pair_table *pairs, const struct pp_record *rec)
{
	struct offcpu *o = self;

	if (rec->type != PP_REC_SAMPLE) {
		switched(o, pairs, rec->tid, rec->time, rec->type == PP_REC_SWITCH_OUT);
		return;
	}
	switched(o, pairs, pp_field_u64(&o->prev_pid, rec->raw, rec->raw_size), rec->time, true);
	switched(o, pairs, pp_field_u64(&o->next_pid, rec->raw, rec->raw_size), rec->time, false);
}

/* a sched_switch too late to sort: both threads' pairs would miss its time */
static void offcpu_late(void *self, struct pair_table *pairs, const struct pp_record *rec)
{
	struct offcpu *o = self;

	pair_drop(pairs, pp_field_u64(&o->prev_pid, rec->raw, rec->raw_size), rec->time);
	pair_drop(pairs, pp_field_u64(&o->next_pid, rec->raw, rec->raw_size), rec->time);
}

uint64_t sink_offcpu_sched(const struct pair_pending *p, uint32_t side, uint64_t now)
{
	const uint64_t *w = p->side + side;

	/*
	 * Still out: a per-task recording sees its switch-outs only
	 * (sched_switch fires in the outgoing task); it ran again by @now,
	 * so count the gap up to it.
	 */
	return w[SCHED] + (w[OUT_SINCE] && now > w[OUT_SINCE] ? now - w[OUT_SINCE] : 0);
}

static void offcpu_pair(void *self, struct lat_pair *p)
{
	struct offcpu *o = self;
	uint64_t sched = sink_offcpu_sched(p->begin, o->side, p->end->time);

	p->row->sched += sched < p->lat ? sched : p->lat;
}

static int offcpu_close(void *self, int code, const struct lat_totals *t)
{
	free(self);
	return code;
}

static const struct lat_sink_ops offcpu_ops = {
	.name = "offcpu",
	.setup = offcpu_setup,
	.pair = offcpu_pair,
	.record = offcpu_record,
	.late = offcpu_late,
	.close = offcpu_close,
};

uint32_t sink_offcpu_add(struct lat_sinks *s, bool recording)
{
	struct offcpu *o = calloc(1, sizeof(*o));
	struct lat_sink *k;

	if (!o)
		abort();
	o->recording = recording;
	k = lat_sinks_add(s, &offcpu_ops, o, NSIDE);
	k->switches = true;
	if (recording) {
		k->events[0] = "sched:sched_switch";
		k->nevents = 1;
	}
	return k->side;
}
