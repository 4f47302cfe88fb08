// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exporter's label sets and their histograms (promseries.h): found
 * by their rendered labels, bounded, and relabelled when a -p process is
 * renamed.  The reader's thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/proc.h>
#include <perf-prof/promseries.h>

struct prom_series {
	struct prom_hist h;	/* first: promseries_hist() hands out &h */
	char *labels;		/* freed at promseries_free(): snapshots point at it */
	char *reason;		/* and the instance: the labels again, after a rename */
	struct prom_inst in;	/* in.pid -1: not a process's (or frozen by a rename) */
};

struct promseries_proc {
	int pid;
	bool fixed;		/* a recording's name: this machine's /proc is not asked */
	char name[128];
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

static struct prom_series *series_new(const char *labels)
{
	struct prom_series *s = calloc(1, sizeof(*s));

	if (!s || !(s->labels = strdup(labels)))
		abort();	/* as the statistics do: a histogram cannot go missing */
	s->in.pid = s->in.vcpu = s->in.tid = s->in.cpu = -1;
	return s;
}

static const char *proc_name(struct promseries *t, int64_t pid)
{
	int i;

	for (i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return t->procs[i].name;
	return NULL;
}

/* the label set of (@reason, @in), with the process's name as it is now */
static void make_labels(struct promseries *t, const char *reason, const struct prom_inst *in,
			char *labels, size_t size)
{
	char num[24];
	const char *name;
	size_t pos = 0;

	prom_label(labels, size, &pos, "profiler", t->profiler);
	prom_label(labels, size, &pos, "reason", reason);
	if (in->pid >= 0) {
		name = proc_name(t, in->pid);
		if (name)
			prom_label(labels, size, &pos, t->proc_label, name);
		snprintf(num, sizeof(num), "%ld", (long)in->pid);
		prom_label(labels, size, &pos, "pid", num);
	}
	if (in->vcpu >= 0) {
		snprintf(num, sizeof(num), "%ld", (long)in->vcpu);
		prom_label(labels, size, &pos, "vcpu", num);
	} else if (in->tid >= 0) {
		snprintf(num, sizeof(num), "%ld", (long)in->tid);
		prom_label(labels, size, &pos, "tid", num);
	}
	if (in->cpu >= 0) {
		snprintf(num, sizeof(num), "%ld", (long)in->cpu);
		prom_label(labels, size, &pos, "cpu", num);
	}
	if (in->cgroup)
		prom_label(labels, size, &pos, "cgroup", in->cgroup);
}

/* a new series' place in t->series (below PROM_MAX_SERIES: the caller's check) */
static uint32_t series_push(struct promseries *t, struct prom_series *s)
{
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		struct prom_series **n = realloc(t->series, cap * sizeof(*n));

		if (!n)
			abort();
		t->series = n;
		t->cap = cap;
	}
	t->series[t->n] = s;
	return t->n++;
}

struct prom_hist *promseries_hist(struct promseries *t, const char *reason,
				  const struct prom_inst *in)
{
	char labels[640];
	size_t pos = 0;
	uint32_t *slot, i;
	struct prom_series *s;

	make_labels(t, reason, in, labels, sizeof(labels));
	slot = u64map_slot(&t->map, fnv1a(labels));
	if (*slot != UINT32_MAX && !strcmp(t->series[*slot]->labels, labels))
		return &t->series[*slot]->h;
	if (*slot != UINT32_MAX) {	/* two label sets of one hash: look them all over */
		for (i = 0; i < t->n; i++)
			if (!strcmp(t->series[i]->labels, labels))
				return &t->series[i]->h;
	}
	if (t->n == PROM_MAX_SERIES) {
		if (!t->other) {
			pos = 0;
			prom_label(labels, sizeof(labels), &pos, "profiler", t->profiler);
			prom_label(labels, sizeof(labels), &pos, "reason", "_other");
			t->other = series_new(labels);
			fprintf(stderr, "perf-prof: --prometheus: more than %d label sets; the "
				"latencies of new ones are counted under reason=\"_other\"\n",
				PROM_MAX_SERIES);
		}
		return &t->other->h;
	}
	s = series_new(labels);
	s->in = *in;
	if (in->pid >= 0 && !(s->reason = strdup(reason)))
		abort();
	i = series_push(t, s);
	if (*slot == UINT32_MAX)
		*slot = i;
	return &s->h;
}

/*
 * Series @i's process was renamed: what it counted stays under the old
 * name, in a frozen copy that takes the old labels (snapshots may still
 * point at them); the series goes on from zero under the new ones, as a
 * new series should.  false when there is no room for the copy.
 */
static bool series_rename(struct promseries *t, uint32_t i)
{
	struct prom_series *live = t->series[i], *frozen;
	char labels[640];
	uint32_t *slot, f;

	make_labels(t, live->reason, &live->in, labels, sizeof(labels));
	if (!strcmp(labels, live->labels))
		return true;
	if (t->n == PROM_MAX_SERIES)
		return false;
	frozen = calloc(1, sizeof(*frozen));
	if (!frozen)
		abort();
	frozen->h = live->h;
	frozen->labels = live->labels;
	frozen->in.pid = frozen->in.vcpu = frozen->in.tid = frozen->in.cpu = -1;
	if (!(live->labels = strdup(labels)))
		abort();
	memset(&live->h, 0, sizeof(live->h));
	f = series_push(t, frozen);
	slot = u64map_slot(&t->map, fnv1a(frozen->labels));
	if (*slot == i)
		*slot = f;
	slot = u64map_slot(&t->map, fnv1a(live->labels));
	if (*slot == UINT32_MAX)
		*slot = i;
	return true;
}

/* what process @pid is called now: its qemu -name or its comm; false if gone */
static bool name_now(struct promseries *t, int pid, char *buf, size_t len)
{
	char path[64], *cmd;
	size_t n = 0;
	bool ok = false;

	if (t->qemu_names) {
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		cmd = read_file(path, &n);
		ok = cmd && prom_qemu_name(cmd, n, buf, len) == 0;
		free(cmd);
	}
	return ok || proc_comm(pid, buf, len);
}

/* reader, once a second: a process that exec'd is labelled by its new name */
static void names_refresh(struct promseries *t)
{
	char name[128];
	uint32_t i, n;
	int p;

	for (p = 0; p < t->nprocs; p++) {
		struct promseries_proc *pr = &t->procs[p];

		if (pr->fixed || !name_now(t, pr->pid, name, sizeof(name)) || !strcmp(name, pr->name))
			continue;
		if (t->verbose) {
			char was[300], now[300];
			size_t a = 0, b = 0;

			prom_label(was, sizeof(was), &a, t->proc_label, pr->name);
			prom_label(now, sizeof(now), &b, t->proc_label, name);
			fprintf(stderr, "perf-prof: --prometheus: pid %d was renamed: its series are "
				"now labelled %s (were %s)\n", pr->pid, now, was);
		}
		snprintf(pr->name, sizeof(pr->name), "%s", name);
		n = t->n;		/* not the frozen copies appended meanwhile */
		for (i = 0; i < n; i++)
			if (t->series[i]->in.pid == pr->pid && !series_rename(t, i))
				break;
	}
}

/* a place for process @pid, NULL when it has one already (or out of memory) */
static struct promseries_proc *proc_push(struct promseries *t, int pid)
{
	struct promseries_proc *n;

	if (proc_name(t, pid))
		return NULL;
	n = realloc(t->procs, (t->nprocs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	t->procs = n;
	n = &t->procs[t->nprocs++];
	memset(n, 0, sizeof(*n));
	n->pid = pid;
	return n;
}

void promseries_add_process(struct promseries *t, int pid, const char *comm)
{
	struct promseries_proc *n = proc_push(t, pid);

	if (n && !name_now(t, pid, n->name, sizeof(n->name)))
		snprintf(n->name, sizeof(n->name), "%s", comm);	/* gone already */
}

void promseries_add_recorded(struct promseries *t, int pid, const char *name)
{
	struct promseries_proc *n = proc_push(t, pid);

	if (!n)
		return;
	n->fixed = true;
	snprintf(n->name, sizeof(n->name), "%s", name);
}

/* reader, at each publish: the names again once a second */
void promseries_names(struct promseries *t, uint64_t now)
{
	if (t->nprocs && now >= t->names_at) {
		names_refresh(t);
		t->names_at = now + PROM_NAMES_EVERY_NS;
	}
}

uint32_t promseries_count(const struct promseries *t)
{
	return t->n + (t->other != NULL);
}

void promseries_row(const struct promseries *t, uint32_t i, struct prom_row *out)
{
	const struct prom_series *s = i < t->n ? t->series[i] : t->other;

	out->labels = s->labels;
	out->h = s->h;
}

void promseries_free(struct promseries *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		free(t->series[i]->labels);
		free(t->series[i]->reason);
		free(t->series[i]);
	}
	if (t->other) {
		free(t->other->labels);
		free(t->other);
	}
	free(t->series);
	u64map_free(&t->map);
	free(t->procs);
	memset(t, 0, sizeof(*t));
}
