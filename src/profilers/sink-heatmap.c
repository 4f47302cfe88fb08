// SPDX-License-Identifier: GPL-2.0-only
/* --heatmap: each pair's begin time, latency and key, into the .lat file. */
#include <stdio.h>
#include <perf-prof/heatmap.h>
#include "sinks.h"

static void heatmap_pair(void *self, struct lat_pair *p)
{
	heatmap_write_key(self, p->begin->time, p->lat, p->begin->key);
}

/* the file takes its name only when the run succeeded */
static int heatmap_sink_close(void *self, int code, const struct lat_totals *t)
{
	char err[512];

	if (code != 0) {
		heatmap_discard(self);
		return code;
	}
	if (heatmap_close(self, err, sizeof(err)) < 0) {
		fprintf(stderr, "perf-prof: %s\n", err);
		return 1;
	}
	return 0;
}

static const struct lat_sink_ops heatmap_ops = {
	.name = "heatmap",
	.pair = heatmap_pair,
	.close = heatmap_sink_close,
};

int sink_heatmap_add(struct lat_sinks *s, const char *base, const struct lat_class *cls,
		     void *cls_state, char *err, size_t errlen)
{
	struct heatmap *hm = heatmap_open(base, err, errlen);

	if (!hm)
		return -1;
	/* the third column: each pair's reason, named as the tables name it */
	heatmap_describe(hm, cls->name, cls->key_header, cls->key_name, cls_state);
	lat_sinks_add(s, &heatmap_ops, hm, 0);
	return 0;
}
