// SPDX-License-Identifier: GPL-2.0-only
/*
 * A `perf record --threads` recording as a source: the directory DIR holds
 * DIR/data (the header, and perf's own records) and DIR/data.N, one file
 * per writing thread, without FINISHED_ROUND records.  By default perf
 * starts a thread per CPU, so each data file holds one CPU's ring, in time
 * order; the files are read side by side, always the one that is furthest
 * behind, and the engine's merge lets go of what is older than the newest
 * record of the file furthest behind (PP_REC_FLUSH): memory stays a few
 * batches per file.
 *
 * perf 6.1 writes a file per ring even when one thread writes several
 * (--threads=core, numa, package or masks); should a file hold several
 * rings (other versions), its writer reads them in CPU order, pass after
 * pass, so a CPU lower than the one before starts a pass, and perf's
 * FINISHED_ROUND rule holds in that file with those passes as rounds.
 * A record older than what was let go already (it cannot be put in order)
 * is counted and said at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <perf-prof/perfdata.h>
#include <perf-prof/source.h>
#include "recording.h"

#define DIR_MAX_FILES	4096

struct dir_file {
	struct perfdata *pd;
	char *path;
	bool done;
	uint64_t newest;	/* the newest record time read */
	/* several CPUs in the file: perf's round rule over the writer's passes */
	bool several;
	int last_buf;
	uint64_t pass_newest;	/* newest when the pass under way began */
	uint64_t bound;		/* nothing older comes from this file */
};

struct dir_src {
	struct source s;
	struct perfdata *head;	/* DIR/data */
	struct dir_file *f;	/* [0] is DIR/data */
	int nf, cap;
	uint64_t seq;
	uint64_t flushed;	/* the bound handed to the engine last */
	uint64_t disorder;	/* records older than that bound */
	uint64_t records;	/* records handed out */
	int disorder_file;
	char *dir;
};

static struct tep_handle *dir_formats(struct source *s, char *err, size_t errlen)
{
	struct dir_src *d = (struct dir_src *)s;
	struct tep_handle *tep = perfdata_tep(d->head);

	if (!tep)
		snprintf(err, errlen, "no tracing data (event formats) in the recording");
	s->switches = perfdata_has_switches(d->head);
	return tep;
}

/* what this file can still bring is not older than this */
static uint64_t file_bound(const struct dir_file *f)
{
	return f->several ? f->bound : f->newest;
}

/* the unfinished file furthest behind, -1 if all are done */
static int behind(const struct dir_src *d)
{
	int i, best = -1;

	for (i = 0; i < d->nf; i++)
		if (!d->f[i].done && (best < 0 || d->f[i].newest < d->f[best].newest))
			best = i;
	return best;
}

/* a record of file @i read: the file's bounds, and whether it comes too late */
static void dir_see(struct dir_src *d, int i, const struct pp_record *rec)
{
	struct dir_file *f = &d->f[i];

	if (!rec->time)
		return;
	if (rec->type == PP_REC_SAMPLE && rec->time < d->flushed && !d->disorder++)
		d->disorder_file = i;
	if (rec->buf >= 0 && f->last_buf >= 0 && rec->buf != f->last_buf)
		f->several = true;	/* not one ring's records in time order any more */
	if (rec->buf >= 0 && rec->buf < f->last_buf) {
		/* a new pass of the writer: the previous one's start bounds what comes */
		f->bound = f->pass_newest;
		f->pass_newest = f->newest;
	}
	if (rec->buf >= 0)
		f->last_buf = rec->buf;
	if (rec->time > f->newest)
		f->newest = rec->time;
}

/* the flush record: nothing older than the least bound of the files still read */
static void dir_flush(struct dir_src *d, struct source_batch *b)
{
	uint64_t bound = UINT64_MAX;
	int i;

	for (i = 0; i < d->nf; i++)
		if (!d->f[i].done && file_bound(&d->f[i]) < bound)
			bound = file_bound(&d->f[i]);
	if (bound == UINT64_MAX || bound <= d->flushed)
		return;
	d->flushed = bound;
	source_put_flush(b, bound);
}

static int dir_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	struct dir_src *d = (struct dir_src *)s;
	uint64_t offs[SOURCE_BATCH];
	int i, n, j, k;

	b->n = 0;
	while ((i = behind(d)) >= 0) {
		n = perfdata_next_batch(d->f[i].pd, b->rec, offs, SOURCE_BATCH - 1, err, errlen);
		if (n < 0)
			return -1;
		if (n == 0) {
			d->f[i].done = true;
			continue;
		}
		for (j = k = 0; j < n; j++) {
			if (b->rec[j].type == PP_REC_ROUND && d->nf > 1)
				continue;	/* the flush records say more */
			dir_see(d, i, &b->rec[j]);
			b->rec[k] = b->rec[j];
			b->seq[k++] = ++d->seq;
		}
		b->n = k;
		d->records += k;
		/* one file (perf inject's copy of a directory): its own rounds, if any */
		if (d->nf > 1)
			dir_flush(d, b);
		if (b->n)
			return b->n;
	}
	if (d->nf == 1 && !d->records) {
		/* the header file alone, copied without the files that hold the samples */
		snprintf(err, errlen, "%s: the header file of a perf record --threads directory, "
			 "without its data files (data.0, data.1, ...) beside it: give --input the "
			 "directory that holds them all", d->f[0].path);
		return -1;
	}
	return 0;
}

static void dir_summary(struct source *s)
{
	struct dir_src *d = (struct dir_src *)s;
	struct perfdata *pds[DIR_MAX_FILES + 1];
	int i;

	for (i = 0; i < d->nf; i++)
		pds[i] = d->f[i].pd;
	perfdata_say_skipped(pds, d->nf, s->name);
	if (d->disorder)
		fprintf(stderr, "perf-prof: %s: %lu samples came after newer ones had been "
			"counted (the first in %s), out of time order; pairs around them may "
			"be wrong\n", s->name, (unsigned long)d->disorder,
			d->f[d->disorder_file].path);
}

static void dir_close(struct source *s)
{
	struct dir_src *d = (struct dir_src *)s;
	int i;

	/* the data files borrow from the header file's reader: it goes last */
	for (i = d->nf - 1; i >= 0; i--) {
		if (d->f[i].pd != d->head)
			perfdata_close(d->f[i].pd);
		free(d->f[i].path);
	}
	perfdata_close(d->head);
	free(d->f);
	free(d->dir);
	free(d);
}

/* the data files' names are kept in the header file's table */
static const char *dir_comm(struct source *s, uint32_t tid)
{
	return perfdata_comm(((struct dir_src *)s)->head, tid);
}

static const struct source_ops dir_ops = {
	.formats = dir_formats,
	.next = dir_next,
	.exhausted = source_recording_exhausted,
	.buffer = source_recording_buffer,
	.summary = dir_summary,
	.comm = dir_comm,
	.close = dir_close,
};

/* data.N: N, or -1 for another name */
static long data_index(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "data.", 5) || name[5] < '0' || name[5] > '9')
		return -1;
	n = strtol(name + 5, &end, 10);
	return *end || n < 0 || n >= DIR_MAX_FILES ? -1 : n;
}

/* DIR/data.N in the order of N: how many, into @d->f[1...]; -1 + message */
static int list_data_files(struct dir_src *d, char *err, size_t errlen)
{
	DIR *dh = opendir(d->dir);
	struct dirent *e;
	long max = -1, n;

	if (!dh) {
		snprintf(err, errlen, "%s: %s", d->dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(dh)))
		if ((n = data_index(e->d_name)) > max)
			max = n;
	closedir(dh);
	/* none: perf inject writes one file, with the directory feature still set */
	d->f = calloc(max + 2, sizeof(*d->f));
	if (!d->f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->cap = (int)max + 2;
	return (int)max + 1;
}

/* DIR/data.0 ... data.N-1 opened (each must be there: perf writes them all) */
static int open_data_files(struct dir_src *d, int n, bool (*stopping)(void), char *err,
			   size_t errlen)
{
	int i;

	for (i = 0; i < n; i++) {
		struct dir_file *f = &d->f[1 + i];

		if (asprintf(&f->path, "%s/data.%d", d->dir, i) < 0) {
			f->path = NULL;
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		f->pd = perfdata_open_data(d->head, f->path, stopping, err, errlen);
		if (!f->pd)
			return -1;
		f->last_buf = -1;
		d->nf++;
	}
	return 0;
}

/* the directory's name of @input: DIR itself, or DIR of DIR/data */
static char *dir_of(const char *input, bool is_dir)
{
	const char *slash;

	if (is_dir)
		return strdup(input);
	slash = strrchr(input, '/');
	return slash ? strndup(input, slash == input ? 1 : (size_t)(slash - input)) : strdup(".");
}

struct source *source_dir_open(const struct source_cfg *cfg, struct perfdata *head,
			       bool (*stopping)(void), char *err, size_t errlen, int *code)
{
	struct dir_src *d = calloc(1, sizeof(*d));
	char *hpath = NULL;
	int n;

	*code = 1;
	if (!d || !(d->dir = dir_of(cfg->input, !head))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (!head) {
		if (asprintf(&hpath, "%s/data", d->dir) < 0) {
			hpath = NULL;
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		head = perfdata_open(hpath, stopping, err, errlen);
		if (!head) {
			if (errno == ENOENT && access(hpath, F_OK))
				snprintf(err, errlen, "%s: a directory, not a perf record --threads "
					 "recording (it has no data file)", d->dir);
			goto fail;
		}
		if (!perfdata_is_dir_header(head)) {
			snprintf(err, errlen, "%s: not the header file of a perf record --threads "
				 "directory (its header has no directory feature)", hpath);
			goto fail;
		}
	}
	d->head = head;
	n = list_data_files(d, err, errlen);
	if (n < 0 || open_data_files(d, n, stopping, err, errlen) < 0)
		goto fail;
	/* the header file's records first: its id index and side band */
	d->f[0].pd = head;
	d->f[0].path = hpath ? hpath : strdup(cfg->input);
	d->f[0].last_buf = -1;
	d->nf++;
	d->s.ops = &dir_ops;
	d->s.name = d->dir;
	d->s.merge = true;
	return &d->s;
fail:
	if (stopping && stopping())
		*code = 0;
	if (d && d->f) {
		for (n = 1; n < d->cap; n++) {
			perfdata_close(d->f[n].pd);
			free(d->f[n].path);
		}
		free(d->f);
	}
	perfdata_close(head);
	free(hpath);
	if (d)
		free(d->dir);
	free(d);
	return NULL;
}
