/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --heatmap FILE: one "<time ns> <latency ns> <reason>" line per paired
 * event in FILE.lat, after a "# perf-prof PROFILER: time_ns latency_ns
 * KEY" header (FlameGraph's trace2heatmap.pl reads the first two columns
 * and skips the header), and the `perf-prof heatmap` subcommand that
 * renders such a file as SVG, all reasons or one.
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
 * The exit code of a heatmap_open() that failed, from the errno it left:
 * 2 when the name is wrong (a directory "DIR/", "-", a missing directory),
 * 1 when the file system refused (read-only, full, no permission).
 */
int heatmap_open_code(int e);
/*
 * The header line "# perf-prof @profiler: time_ns latency_ns @key_header",
 * and how heatmap_write_key() names a key (@name, called once per key and
 * cached; blanks at either end and control characters do not survive).
 * Before the first line is written.
 */
void heatmap_describe(struct heatmap *hm, const char *profiler, const char *key_header,
		      void (*name)(void *arg, uint64_t key, char *buf, size_t len), void *arg);
/*
 * Append "<time_ns> <latency_ns> <name of key>\n" (without
 * heatmap_describe(), the two columns "%llu %llu\n") to a private buffer;
 * no allocation, a write(2) per 256 KiB.  A failed write is remembered and
 * reported by heatmap_close(); later lines are dropped.  @hm NULL is a
 * no-op.  Not thread-safe: one writer per handle.
 */
void heatmap_write_key(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns, uint64_t key);
/*
 * The run succeeded: flush, sync, put the file in place, free @hm (NULL:
 * returns 0).  Returns 0, or -1 if a write failed (then nothing is
 * renamed), e.g. "error writing heatmap file 'x.lat': No space left on
 * device (N lines recorded, not written; the previous file is kept)".
 */
int heatmap_close(struct heatmap *hm, char *err, size_t errlen);
/* the run failed: drop what was written, keep the previous files; frees @hm */
void heatmap_discard(struct heatmap *hm);

/* what `perf-prof heatmap` renders (cli/heatmap-cmd.c parses it) */
struct heatmap_svg_opts {
	const char *in;		/* FILE.lat, "-" = stdin */
	const char *out;	/* OUT.svg, "-" = stdout */
	const char *title;	/* NULL: the header's profiler, the reason, FILE.lat */
	const char *reason;	/* only the lines of this reason (NULL: all) */
	uint64_t step_ns;	/* column width, 0: chosen for 100-200 columns */
	const char *step_arg;	/* the step as given, for messages */
};

/*
 * Render @o->in as an SVG heat map into @o->out (complete or untouched:
 * written beside it and renamed).  One-line errors on stderr.  Returns the
 * exit code: 0 ok, 1 runtime error, 2 usage error (a step too small, -o
 * naming the input).
 */
int heatmap_svg_render(const struct heatmap_svg_opts *o);
/* "perf-prof heatmap: " and the message, a line on stderr (stdout flushed first) */
void heatmap_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
