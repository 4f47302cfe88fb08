// SPDX-License-Identifier: GPL-2.0-only
/*
 * A recording as a source: a directory of perf record --threads and
 * trace-cmd's trace.dat have sources of their own (perfdir.c, tracecmd.c);
 * otherwise the perf.data reader (perfdata/).  Its records interleave
 * CPUs in chunks between FINISHED_ROUNDs, to be merged by perf's round
 * rule.  A file the reader merges itself, mapped (its sorted mode): the
 * records come in time order, and the samples of events the profiler
 * does not read are dropped there.  A pipe (or a file that cannot be
 * mapped, or an --order-mem too small for that) is read in hold mode:
 * the engine's queue merges the samples by reference and releases the
 * reader's buffers by file offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <perf-prof/perfdata.h>
#include <perf-prof/source.h>
#include "recording.h"

struct file_src {
	struct source s;
	struct perfdata *pd;
};

static struct tep_handle *file_formats(struct source *s, char *err, size_t errlen)
{
	struct file_src *f = (struct file_src *)s;
	struct tep_handle *tep = perfdata_tep(f->pd);

	if (!tep)
		snprintf(err, errlen, "no tracing data (event formats) in the recording");
	/* attrs come in-stream in pipe mode: asked once the first records are in */
	s->switches = perfdata_has_switches(f->pd);
	return tep;
}

/* sorted mode: merged already; the source's view of the recording kept up to date */
static int file_next_sorted(struct source *s, struct source_batch *b, char *err,
			    size_t errlen)
{
	struct file_src *f = (struct file_src *)s;
	struct perfdata_sort_stats st;
	int n = perfdata_next_sorted(f->pd, b->rec, b->seq, SOURCE_BATCH, err, errlen);

	b->n = n > 0 ? n : 0;
	perfdata_sort_stats(f->pd, &st);
	s->newest = st.newest;
	s->unused = st.dropped;
	s->mem_peak = st.mem_peak;
	return n;
}

static void file_use(struct source *s, const int *ids, int n)
{
	perfdata_use(((struct file_src *)s)->pd, ids, n);
}

static int file_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	struct file_src *f = (struct file_src *)s;
	int n = perfdata_next_batch(f->pd, b->rec, b->seq, SOURCE_BATCH, err, errlen);

	b->n = n > 0 ? n : 0;
	return n;
}

static void file_release(struct source *s, uint64_t seq)
{
	perfdata_release(((struct file_src *)s)->pd, seq);
}

static void file_summary(struct source *s)
{
	perfdata_say_skipped(&((struct file_src *)s)->pd, 1, s->name);
}

static void file_close(struct source *s)
{
	struct file_src *f = (struct file_src *)s;

	perfdata_close(f->pd);
	free(f);
}

static const char *file_comm(struct source *s, uint32_t tid)
{
	return perfdata_comm(((struct file_src *)s)->pd, tid);
}

static const struct source_ops file_ops = {
	.formats = file_formats,
	.next = file_next,
	.exhausted = source_recording_exhausted,
	.release = file_release,
	.buffer = source_recording_buffer,
	.summary = file_summary,
	.comm = file_comm,
	.close = file_close,
};

static const struct source_ops file_sorted_ops = {
	.formats = file_formats,
	.next = file_next_sorted,
	.exhausted = source_recording_exhausted,
	.buffer = source_recording_buffer,
	.summary = file_summary,
	.comm = file_comm,
	.use = file_use,
	.close = file_close,
};

/* a regular file that begins as trace-cmd's trace.dat does */
static bool is_tracedat(const char *path)
{
	unsigned char head[16];
	ssize_t n;
	int fd;

	struct stat st;

	/* a pipe or FIFO carries perf's pipe mode: never read ahead of its reader */
	if (!strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;	/* the perf.data reader says why */
	n = read(fd, head, sizeof(head));
	close(fd);
	return n > 0 && source_is_tracedat(head, (size_t)n);
}

struct source *source_file_open(const struct source_cfg *cfg, bool (*stopping)(void),
				char *err, size_t errlen, int *code)
{
	struct file_src *f = calloc(1, sizeof(*f));
	struct stat st;

	*code = 1;
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strcmp(cfg->input, "-") && !stat(cfg->input, &st) && S_ISDIR(st.st_mode)) {
		free(f);	/* perf record --threads */
		return source_dir_open(cfg, NULL, stopping, err, errlen, code);
	}
	if (is_tracedat(cfg->input)) {
		free(f);	/* trace-cmd record */
		return source_tracecmd_open(cfg, err, errlen, code);
	}
	f->pd = perfdata_open(cfg->input, stopping, err, errlen);
	if (!f->pd) {
		if (stopping && stopping())
			*code = 0;	/* stopped before the recording began: nothing to show */
		free(f);
		return NULL;
	}
	if (perfdata_is_dir_header(f->pd)) {
		struct perfdata *head = f->pd;

		free(f);	/* DIR/data: the whole directory is read */
		return source_dir_open(cfg, head, stopping, err, errlen, code);
	}
	f->s.name = cfg->input;
	if (cfg->order_mem >= SOURCE_SORT_MIN &&
	    perfdata_sort(f->pd, cfg->order_mem < SOURCE_SORT_HOLD ? cfg->order_mem
								 : SOURCE_SORT_HOLD) == 0) {
		f->s.ops = &file_sorted_ops;
		f->s.sorted = true;
		return &f->s;
	}
	/* samples are queued by reference: the reader keeps their bytes */
	perfdata_hold(f->pd);
	f->s.ops = &file_ops;
	f->s.name = cfg->input;
	f->s.merge = true;
	f->s.by_ref = true;
	return &f->s;
}
