/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Standard descriptors a parent closed (`perf-prof ... >&-`): the next
 * file the tool opens would take 0, 1 or 2 and stdout would be written
 * into it.  stdfds_guard() runs first in main() and gives each closed one
 * /dev/null, so the tool's own descriptors are always 3 or above.
 */
#ifndef PERF_PROF_STDFDS_H
#define PERF_PROF_STDFDS_H

/* /dev/null on each of 0, 1, 2 that is closed (none if /dev/null cannot be opened) */
void stdfds_guard(void);

#endif
