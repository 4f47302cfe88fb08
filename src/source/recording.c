// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ops every source of a recording shares (recording.h): a recording
 * ends where its data does, its buffers are CPUs, and a merge bound goes
 * down the batch as a FLUSH record.
 */
#include <string.h>
#include "recording.h"

bool source_recording_exhausted(struct source *s)
{
	return true;	/* next() returned 0: the end of the data */
}

void source_recording_buffer(struct source *s, int i, struct source_buffer *out)
{
	out->kind = "CPU";
	out->id = i;
	out->cpu = (uint32_t)i;
	out->tid = UINT32_MAX;
	out->lost_total = -1;
}

void source_put_flush(struct source_batch *b, uint64_t bound)
{
	struct pp_record *r = &b->rec[b->n];

	memset(r, 0, sizeof(*r));
	r->type = PP_REC_FLUSH;
	r->time = bound;
	r->buf = -1;
	b->seq[b->n++] = 0;	/* never queued */
}
