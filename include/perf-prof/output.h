/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Standard output for tables and dumps, with the failures a long run
 * meets: a full disk (reported, exit 1, not a silent exit 0), a reader
 * that went away (| head: stop quietly), and a reader that stopped
 * reading while a stop signal arrives (the run ends instead of waiting
 * forever in write()).  Any of them stops the run.
 */
#ifndef PERF_PROF_OUTPUT_H
#define PERF_PROF_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct output;

/*
 * A stream on file descriptor 1, buffered as stdio buffers stdout (by line
 * on a terminal).  @stopping() says a stop was asked for (a write that a
 * signal interrupts then gives up); @stop() asks for one (a write failed).
 * NULL on failure: output_stream() and output_close() then use stdout.
 */
struct output *output_open(bool (*stopping)(void), void (*stop)(void));
/* where the tables go: @o's stream, stdout when @o is NULL; owned by @o */
FILE *output_stream(struct output *o);
/*
 * Flush and close @o, and say on stderr what went wrong, if anything.
 * Returns @code, or 1 if output was lost for another reason than the
 * reader leaving (EPIPE).
 */
int output_close(struct output *o, int code);

#endif
