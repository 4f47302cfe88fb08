// SPDX-License-Identifier: GPL-2.0-only
/*
 * --tui's snapshot from one interval's per-thread rows (tui-feed.h): the
 * rows of every thread folded by reason, by process and by thread.  A row
 * of one thread and one reason is shown as its --perins table prints it
 * (the same digest); a fold of several merges their digests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/tui-feed.h>

/* rows folded into one: sums, extremes, the merged digest; @one: the only row */
struct fold {
	struct lat_row r;
	struct lat_row *one;
	int n;
};

struct feed {
	const struct tui_feed *f;
	struct lat_inst **inst;		/* the threads with calls, by id */
	int ninst;
	uint64_t *keys;			/* the reasons with calls */
	int nkeys;
	uint32_t *pids;			/* the processes of those threads */
	int npids;
	struct fold whole, part;
	struct tui_snapshot *snap;
	int ndetails;
};

static void fold_add(struct fold *a, struct lat_row *r)
{
	if (!r->calls)
		return;
	if (!a->r.calls || r->min < a->r.min)
		a->r.min = r->min;
	if (r->max > a->r.max)
		a->r.max = r->max;
	a->r.calls += r->calls;
	a->r.sum += r->sum;
	tdigest_merge(a->r.td, r->td);
	a->one = r;
	a->n++;
}

/* @a as a row of the screen named @name, with detail @detail; then @a is empty again */
static void fold_out(struct fold *a, const char *name, int detail, struct tui_row *out)
{
	struct lat_row *q = a->n == 1 ? a->one : &a->r;

	snprintf(out->name, sizeof(out->name), "%s", name);
	out->detail = detail;
	out->calls = a->r.calls;
	out->total_us = (double)a->r.sum / 1e3;
	out->min_us = (double)a->r.min / 1e3;
	out->max_us = (double)a->r.max / 1e3;
	out->avg_us = a->r.calls ? (double)a->r.sum / 1e3 / (double)a->r.calls : 0;
	out->p99_us = a->r.calls ? lat_row_quantile(q, 0.99) / 1e3 : 0;
	a->r.calls = a->r.sum = a->r.min = a->r.max = 0;
	tdigest_reset(a->r.td);
	a->n = 0;
}

static int cmp_inst(const void *a, const void *b)
{
	const struct lat_inst *x = *(struct lat_inst *const *)a, *y = *(struct lat_inst *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* @v (of @n) holds @x? */
static bool has(const uint64_t *v, int n, uint64_t x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* the row of @key in @in, NULL when it has none with calls */
static struct lat_row *row_of(struct lat_inst *in, uint64_t key)
{
	uint32_t i;

	for (i = 0; i < in->nrows; i++)
		if (in->rows[i].key == key && in->rows[i].calls)
			return &in->rows[i];
	return NULL;
}

/* the threads, reasons and processes of the interval: 0, or -1 out of memory */
static int collect(struct feed *fd, struct lat_stats *s)
{
	uint32_t i, j;
	int k;

	fd->inst = calloc(s->ninst + 1, sizeof(*fd->inst));
	fd->pids = calloc(s->ninst + 1, sizeof(*fd->pids));
	if (!fd->inst || !fd->pids)
		return -1;
	for (i = 0; i < s->ninst; i++) {
		struct lat_inst *in = &s->inst[i];

		if (!lat_inst_calls(in))
			continue;
		fd->inst[fd->ninst++] = in;
		for (k = 0; k < fd->npids && fd->pids[k] != in->pid; k++)
			;
		if (k == fd->npids)
			fd->pids[fd->npids++] = in->pid;
		for (j = 0; j < in->nrows; j++) {
			if (!in->rows[j].calls || has(fd->keys, fd->nkeys, in->rows[j].key))
				continue;
			if (!(fd->nkeys & 15)) {
				uint64_t *v = realloc(fd->keys, (fd->nkeys + 16) * sizeof(*v));

				if (!v)
					return -1;
				fd->keys = v;
			}
			fd->keys[fd->nkeys++] = in->rows[j].key;
		}
	}
	qsort(fd->inst, (size_t)fd->ninst, sizeof(*fd->inst), cmp_inst);
	return 0;
}

static void key_name(const struct feed *fd, uint64_t key, char *buf, size_t len)
{
	const struct table_style *st = fd->f->style;

	st->key_name(st->key_arg, key, buf, len);
}

static void thread_name(const struct lat_inst *in, char *buf, size_t len)
{
	if (in->vcpu >= 0)
		snprintf(buf, len, "THREAD %lu VCPU %ld", (unsigned long)in->id, (long)in->vcpu);
	else
		snprintf(buf, len, "THREAD %lu", (unsigned long)in->id);
}

/* the next detail table, titled "@title@what", its names headed @key, of @n rows */
static struct tui_table *detail(struct feed *fd, const char *what, const char *key, int n)
{
	struct tui_table *d = &fd->snap->details[fd->ndetails];
	char title[128];

	snprintf(title, sizeof(title), "%s%s", fd->f->style->title, what);
	if (tui_table_init(d, title, key, n) < 0)
		return NULL;
	fd->ndetails++;
	return d;
}

/* a sub-row of one thread's row of a reason (--detail), by its sub-key */
struct subref {
	uint64_t key;
	struct lat_row *r;
};

static int cmp_subref(const void *a, const void *b)
{
	const struct subref *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/* every thread's sub-rows of reason @key, sorted by sub-key: how many (-1: no memory) */
static long subrefs(struct feed *fd, uint64_t key, struct subref **out)
{
	const struct table_style *st = fd->f->style;
	struct subref *v = NULL;
	size_t n = 0, cap = 0;
	uint32_t j;
	int i;

	for (i = 0; i < fd->ninst; i++) {
		struct lat_row *r = row_of(fd->inst[i], key);
		const struct lat_inst *sub = r ? st->subrows(st->sub_arg, r) : NULL;

		for (j = 0; sub && j < sub->nrows; j++) {
			if (!sub->rows[j].calls)
				continue;
			if (n == cap) {
				struct subref *w = realloc(v, (cap = cap * 2 + 64) * sizeof(*v));

				if (!w) {
					free(v);
					return -1;
				}
				v = w;
			}
			v[n].key = sub->rows[j].key;
			/* read only: a digest's quantile merges what it buffered */
			v[n++].r = (struct lat_row *)&sub->rows[j];
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_subref);
	*out = v;
	return (long)n;
}

/*
 * --detail: reason @key's detail is its sub-rows (what its exits were
 * about), each folded over the threads.  0 when it has none (its detail is
 * then by vCPU), 1 done, -1 out of memory.
 */
static int reason_subrows(struct feed *fd, uint64_t key, const char *name)
{
	const struct table_style *st = fd->f->style;
	char what[TUI_NAME_MAX + 40], sub[TUI_NAME_MAX];
	struct tui_table *d;
	struct subref *v;
	long n, i, m = 0, k = 0;

	if (!st->detail || !st->subrows || (n = subrefs(fd, key, &v)) == 0)
		return 0;
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		m += !i || v[i].key != v[i - 1].key;
	snprintf(what, sizeof(what), ", %s: what its exits were about", name);
	if (!(d = detail(fd, what, "detail", (int)m))) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		fold_add(&fd->part, v[i].r);
		if (i + 1 < n && v[i + 1].key == v[i].key)
			continue;
		st->sub_name(st->sub_arg, v[i].key, sub, sizeof(sub));
		fold_out(&fd->part, sub, -1, &d->rows[k++]);
	}
	free(v);
	return 1;
}

/* reason @key's detail by thread: -1 out of memory */
static int reason_by_vcpu(struct feed *fd, uint64_t key, const char *name)
{
	char what[TUI_NAME_MAX + 16], thread[TUI_NAME_MAX];
	struct tui_table *d;
	struct lat_row *r;
	int i, n;

	for (i = n = 0; i < fd->ninst; i++)
		n += row_of(fd->inst[i], key) != NULL;
	snprintf(what, sizeof(what), ", %s by vCPU", name);
	if (!(d = detail(fd, what, "vCPU", n)))
		return -1;
	for (i = n = 0; i < fd->ninst; i++) {
		if (!(r = row_of(fd->inst[i], key)))
			continue;
		fold_add(&fd->part, r);
		thread_name(fd->inst[i], thread, sizeof(thread));
		fold_out(&fd->part, thread, -1, &d->rows[n++]);
	}
	return 0;
}

/* by reason; a reason's detail: its sub-rows (--detail), else its rows by thread */
static int by_reason(struct feed *fd)
{
	struct tui_table *v = &fd->snap->view[TUI_REASONS];
	char name[TUI_NAME_MAX];
	struct lat_row *r;
	int k, i, sub;

	if (tui_table_init(v, fd->f->style->title, fd->f->style->key_header, fd->nkeys) < 0)
		return -1;
	for (k = 0; k < fd->nkeys; k++) {
		key_name(fd, fd->keys[k], name, sizeof(name));
		sub = reason_subrows(fd, fd->keys[k], name);
		if (sub < 0 || (!sub && reason_by_vcpu(fd, fd->keys[k], name) < 0))
			return -1;
		for (i = 0; i < fd->ninst; i++)
			if ((r = row_of(fd->inst[i], fd->keys[k])))
				fold_add(&fd->whole, r);
		fold_out(&fd->whole, name, fd->ndetails - 1, &v->rows[k]);
	}
	return 0;
}

/* the reasons of process @pid (or of thread @one), into detail @d; all folded into whole */
static void reasons_of(struct feed *fd, struct tui_table *d, uint32_t pid, struct lat_inst *one)
{
	char name[TUI_NAME_MAX];
	struct lat_row *r;
	int k, i, n = 0;

	for (k = 0; k < fd->nkeys; k++) {
		for (i = 0; i < fd->ninst; i++) {
			struct lat_inst *in = fd->inst[i];

			if ((one && in != one) || (!one && in->pid != pid))
				continue;
			if ((r = row_of(in, fd->keys[k]))) {
				fold_add(&fd->part, r);
				fold_add(&fd->whole, r);
			}
		}
		if (!fd->part.n)
			continue;
		key_name(fd, fd->keys[k], name, sizeof(name));
		fold_out(&fd->part, name, -1, &d->rows[n++]);
	}
	d->nrows = n;
}

/* by process (VM) and by thread (vCPU); the detail of each: its reasons */
static int by_vm_and_vcpu(struct feed *fd)
{
	const struct table_style *st = fd->f->style;
	struct tui_table *vm = &fd->snap->view[TUI_VMS], *cpu = &fd->snap->view[TUI_VCPUS], *d;
	char name[TUI_NAME_MAX], what[TUI_NAME_MAX + 8];
	int i;

	if (tui_table_init(vm, "", "VM", fd->npids) < 0 ||
	    tui_table_init(cpu, "", "vCPU", fd->ninst) < 0)
		return -1;
	snprintf(vm->title, sizeof(vm->title), "%s by VM", st->title);
	snprintf(cpu->title, sizeof(cpu->title), "%s by vCPU", st->title);
	for (i = 0; i < fd->npids; i++) {
		fd->f->proc_name(fd->f->arg, fd->pids[i], name, sizeof(name));
		snprintf(what, sizeof(what), " VM %s", name);
		if (!(d = detail(fd, what, st->key_header, fd->nkeys)))
			return -1;
		reasons_of(fd, d, fd->pids[i], NULL);
		fold_out(&fd->whole, name, fd->ndetails - 1, &vm->rows[i]);
	}
	for (i = 0; i < fd->ninst; i++) {
		thread_name(fd->inst[i], name, sizeof(name));
		snprintf(what, sizeof(what), " %s", name);
		if (!(d = detail(fd, what, st->key_header, fd->nkeys)))
			return -1;
		reasons_of(fd, d, 0, fd->inst[i]);
		fold_out(&fd->whole, name, fd->ndetails - 1, &cpu->rows[i]);
	}
	return 0;
}

struct tui_snapshot *tui_feed(const struct tui_feed *f, struct lat_stats *s, const char *when,
			      const char *note)
{
	struct feed fd = { .f = f };
	int ok = -1;

	fd.snap = calloc(1, sizeof(*fd.snap));
	fd.whole.r.td = tdigest_new(s->compression, NULL);
	fd.part.r.td = tdigest_new(s->compression, NULL);
	if (!fd.snap || !fd.whole.r.td || !fd.part.r.td || collect(&fd, s) < 0)
		goto out;
	snprintf(fd.snap->when, sizeof(fd.snap->when), "%s", when);
	snprintf(fd.snap->note, sizeof(fd.snap->note), "%s", note ? note : "");
	fd.snap->details = calloc((size_t)(fd.nkeys + fd.npids + fd.ninst + 1),
				  sizeof(*fd.snap->details));
	if (!fd.snap->details)
		goto out;
	ok = by_reason(&fd);
	if (!ok)
		ok = by_vm_and_vcpu(&fd);
out:
	if (fd.snap)
		fd.snap->ndetails = fd.ndetails;
	if (ok < 0) {
		tui_snapshot_free(fd.snap);
		fd.snap = NULL;
	}
	tdigest_free(fd.whole.r.td);
	tdigest_free(fd.part.r.td);
	free(fd.inst);
	free(fd.keys);
	free(fd.pids);
	return fd.snap;
}
