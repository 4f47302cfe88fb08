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
 * Start BASE.lat ("x" and "x.lat" both name x.lat).  The lines go to a
 * temporary BASE.lat.XXXXXX in the same directory; heatmap_close() then
 * keeps an existing BASE.lat as BASE.lat.old (replacing an older .old) and
 * renames the new data to BASE.lat, and heatmap_discard() removes it, so
 * a failed run leaves both files as they were.  A BASE.lat that is, or
 * links to, a character device or FIFO is written in place instead (a
 * FIFO must have a reader already).  NULL + one-line message in @err when
 * the path cannot be written (checked before tracing starts), e.g.
 * "cannot write heatmap file 'x/y.lat': No such file or directory".
 * @err may be NULL.
 */
struct heatmap *heatmap_open(const char *base, char *err, size_t errlen);
/*
 * Append "<time_ns> <latency_ns>\n" (printf "%llu %llu\n") to a private
 * buffer; no allocation, a write(2) per 256 KiB.  A failed write is
 * remembered and reported by heatmap_close(); later lines are dropped.
 * @hm NULL is a no-op.  Not thread-safe: one writer per handle.
 */
void heatmap_write(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns);
/*
 * The run succeeded: flush, sync, put the file in place, free @hm (NULL:
 * returns 0).  Returns 0, or -1 if a write failed (then nothing is
 * renamed), e.g. "error writing heatmap file 'x.lat': No space left on
 * device (N lines recorded, not written; the previous file is kept)".
 */
int heatmap_close(struct heatmap *hm, char *err, size_t errlen);
/* the run failed: drop what was written, keep the previous files; frees @hm */
void heatmap_discard(struct heatmap *hm);

/*
 * `perf-prof heatmap FILE.lat -o FILE.svg [options]`; argv[0] is
 * "heatmap".  Prints its own one-line errors to stderr and --help to
 * stdout.  Returns the exit code: 0 ok, 1 runtime error, 2 usage error.
 */
int heatmap_svg_main(int argc, char **argv);

#endif
