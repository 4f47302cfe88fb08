/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --heatmap FILE: one "<time ns> <latency ns>" line per paired event in
 * FILE.lat (the input of FlameGraph's trace2heatmap.pl), and the
 * `perf-prof heatmap` subcommand that renders such a file as SVG.
 */
#ifndef PERF_PROF_HEATMAP_H
#define PERF_PROF_HEATMAP_H

#include <stddef.h>
#include <stdint.h>

struct heatmap;

/*
 * Create BASE.lat for writing.  An existing BASE.lat is renamed to
 * BASE.lat.old first.  NULL + one-line message in @err when the path
 * cannot be written (checked before tracing starts).
 */
struct heatmap *heatmap_open(const char *base, char *err, size_t errlen);
void heatmap_write(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns);
/* flushes and closes; returns 0, or -1 if a write failed (message in @err) */
int heatmap_close(struct heatmap *hm, char *err, size_t errlen);

/* `perf-prof heatmap FILE.lat -o FILE.svg [options]`; returns exit code */
int heatmap_svg_main(int argc, char **argv);

#endif
