// SPDX-License-Identifier: GPL-2.0-only
/* The sinks of a latency run (sink.h): the list, and its calls in order. */
#include <stdlib.h>
#include <traceevent/event-parse.h>
#include <perf-prof/sink.h>
#include <perf-prof/tep.h>

struct lat_sink *lat_sinks_add(struct lat_sinks *s, const struct lat_sink_ops *ops, void *self,
			       uint32_t nside)
{
	struct lat_sink *k;

	if (s->n == LAT_SINKS_MAX || s->nside + nside > PAIR_SIDE)
		abort();
	k = &s->v[s->n++];
	s->last = k;
	k->ops = ops;
	k->pair = ops->pair;
	k->self = self;
	k->side = s->nside;
	k->nside = nside;
	s->nside += nside;
	return k;
}

int lat_sinks_setup(struct lat_sinks *s, const struct engine_info *info, char *err,
		    size_t errlen)
{
	int i, j, code;

	for (i = 0; i < s->n; i++) {
		struct lat_sink *k = &s->v[i];

		for (j = 0; j < k->nevents; j++) {
			struct tep_event *e = pp_tep_find(info->tep, k->events[j]);

			k->ids[j] = e ? e->id : -1;
		}
		if (k->ops->setup && (code = k->ops->setup(k, info, err, errlen)))
			return code;
		for (j = 0; j < k->nevents; j++)
			s->nread += k->ids[j] >= 0;
	}
	return 0;
}

void lat_sinks_counts(struct lat_sinks *s)
{
	static const struct lat_totals none;
	int i, n = 0;

	for (i = 0; i < s->n; i++) {
		const struct lat_sink_ops *ops = s->v[i].ops->counts ?
						 s->v[i].ops->counts(s->v[i].self) : NULL;

		if (!ops) {
			/* it leaves the run, as a failed run ends it */
			s->v[i].ops->close(s->v[i].self, 2, &none);
			continue;
		}
		s->v[n] = s->v[i];
		s->v[n].ops = ops;
		s->v[n++].pair = ops->pair;
	}
	s->n = n;
	s->last = &s->v[n - 1];
}

struct lat_sink *lat_sinks_find_reader(struct lat_sinks *s, int id)
{
	int i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->v[i].nevents; j++)
			if (s->v[i].ids[j] == id)
				return &s->v[i];
	return NULL;
}

bool lat_sinks_switches(const struct lat_sinks *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].switches)
			return true;
	return false;
}

bool lat_sinks_keep_begin(const struct lat_sinks *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].keep_begin)
			return true;
	return false;
}

void lat_sinks_interval(struct lat_sinks *s, uint64_t time, bool final,
			const struct lat_totals *t)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].ops->interval)
			s->v[i].ops->interval(s->v[i].self, time, final, t);
}

void lat_sinks_tick(struct lat_sinks *s, const struct lat_totals *t)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].ops->tick)
			s->v[i].ops->tick(s->v[i].self, t);
}

int lat_sinks_close(struct lat_sinks *s, int code, const struct lat_totals *t)
{
	int i;

	for (i = 0; i < s->n; i++)
		code = s->v[i].ops->close(s->v[i].self, code, t);
	s->n = 0;
	return code;
}
