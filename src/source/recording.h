/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the sources of recordings share (file.c, perfdir.c, tracecmd.c):
 * below all three, so that the one that opens the others (file.c) is not
 * also the one they call back into.
 */
#ifndef PP_SOURCE_RECORDING_H
#define PP_SOURCE_RECORDING_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/source.h>

/* the end of the data is the end; a buffer is a CPU */
bool source_recording_exhausted(struct source *s);
void source_recording_buffer(struct source *s, int i, struct source_buffer *out);
/* a PP_REC_FLUSH of @bound at the end of @b (which has room for it) */
void source_put_flush(struct source_batch *b, uint64_t bound);

#endif
