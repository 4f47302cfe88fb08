/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Standard output for tables and dumps, with the failures a long run
 * meets: a full disk (reported, exit 1, not a silent exit 0), a reader
 * that went away (| head: stop quietly), and a reader that stopped
 * reading while a stop signal arrives (the run ends instead of waiting
 * forever in write()).  Any of them stops the engine.
 */
#ifndef PERF_PROF_OUTPUT_H
#define PERF_PROF_OUTPUT_H

#include <stdio.h>

/* a stream on file descriptor 1, fully buffered; NULL on failure (then use stdout) */
FILE *output_open(void);
/*
 * Flush and close @f (from output_open(), or stdout), and say on stderr
 * what went wrong, if anything.  Returns @code, or 1 if output was lost
 * for another reason than the reader leaving (EPIPE).
 */
int output_close(FILE *f, int code);

#endif
