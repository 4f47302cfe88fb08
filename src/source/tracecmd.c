// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace-cmd's trace.dat as a source (`trace-cmd record -e kvm:kvm_exit -e
 * kvm:kvm_entry`, how the KVM community usually records), read through
 * libtracecmd: the file's own event formats (its tep handle), and one
 * ftrace ring buffer per CPU, each in time order.  As with a perf record
 * --threads directory, the CPU furthest behind is read a batch at a time
 * and the engine's merge lets go of what is older than the newest record
 * of that CPU (PP_REC_FLUSH).  Ties in time go out lowest CPU first, as
 * trace-cmd report prints them.
 *
 * Lost events: a page of a ring buffer that the kernel had to drop events
 * before says so (with their number when it had room to store it);
 * libtracecmd hands that on with the page's first record, and so does
 * this source, as a LOST record of its CPU just before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/source.h>
#include "recording.h"

bool source_is_tracedat(const unsigned char *p, size_t n)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

	return n >= sizeof(magic) && !memcmp(p, magic, sizeof(magic));
}

#ifdef PP_NO_TRACECMD
/* a build without libtracecmd (a cross build: Debian's package is not multi-arch) */
struct source *source_tracecmd_open(const struct source_cfg *cfg, char *err, size_t errlen,
				    int *code)
{
	*code = 1;
	snprintf(err, errlen, "%s: a trace-cmd trace.dat, and this perf-prof was built without "
		 "libtracecmd (install libtracecmd-dev and rebuild)", cfg->input);
	return NULL;
}
#else
#include <trace-cmd.h>

/* exported by libtracecmd 1.x, though not declared in its header */
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);

#define TC_SEQ_SHIFT	40	/* seq: the CPU above, the record's number on it below */
/*
 * The CPU numbers looked at: the count a file states is a number it says
 * (a damaged one said 2^31 and was looped over), and a kernel has a few
 * thousand at most (x86's NR_CPUS is 8192 at most).
 */
#define TC_MAX_CPUS	65536

/* a CPU whose buffer holds records: only those have state */
struct tc_cpu {
	int c;			/* its number */
	bool done;
	struct tep_record *first;	/* its first record, read when choosing rd */
	uint64_t last;		/* time of the newest record read */
	uint64_t n;		/* records read from it */
};

struct tc_src {
	struct source s;
	struct tracecmd_input *h;	/* the file */
	struct tracecmd_input *rd;	/* the buffer read: the file's own, or an instance's */
	struct tep_handle *tep;
	int ncpu;		/* CPU numbers to look at: the file's count, at most TC_MAX_CPUS */
	struct tc_cpu *cpu;	/* the CPUs of rd with records, by number */
	int nbusy, cap;
	struct tep_record *held[SOURCE_BATCH];	/* the batch handed out last */
	int nheld;
	uint64_t flushed;	/* the bound handed to the engine last */
	uint64_t unknown_gaps;	/* pages that lost events without saying how many */
	uint64_t disorder;	/* records older than what was let go */
};

static struct tep_handle *tc_formats(struct source *s, char *err, size_t errlen)
{
	return ((struct tc_src *)s)->tep;
}

/* the CPU furthest behind (its index in t->cpu), -1 when all are read */
static int tc_behind(const struct tc_src *t)
{
	int i, best = -1;

	for (i = 0; i < t->nbusy; i++)
		if (!t->cpu[i].done && (best < 0 || t->cpu[i].last < t->cpu[best].last))
			best = i;
	return best;
}

static void tc_release_held(struct tc_src *t)
{
	while (t->nheld)
		tracecmd_free_record(t->held[--t->nheld]);
}

/* a record of CPU t->cpu[@i] into @b: a LOST record first if its page lost events */
static void tc_put(struct tc_src *t, int i, struct tep_record *r, struct source_batch *b)
{
	struct tc_cpu *cpu = &t->cpu[i];
	int c = cpu->c;
	struct pp_record *rec;

	if (r->missed_events) {
		rec = &b->rec[b->n];
		memset(rec, 0, sizeof(*rec));
		rec->type = PP_REC_LOST;
		rec->lost = r->missed_events > 0 ? (uint64_t)r->missed_events : 0;
		t->unknown_gaps += r->missed_events < 0;
		rec->time = r->ts;
		rec->cpu = (uint32_t)c;
		rec->buf = c;
		rec->pid = rec->tid = UINT32_MAX;
		b->seq[b->n++] = ((uint64_t)c << TC_SEQ_SHIFT) | ++cpu->n;
	}
	if (r->ts < t->flushed)
		t->disorder++;
	if (r->ts > cpu->last)
		cpu->last = r->ts;
	rec = &b->rec[b->n];
	rec->type = PP_REC_SAMPLE;
	rec->cpu = (uint32_t)c;
	rec->buf = c;
	rec->time = r->ts;
	rec->lost = 0;
	rec->tid = (uint32_t)tep_data_pid(t->tep, r);
	rec->pid = UINT32_MAX;	/* ftrace events carry the thread, not its process */
	rec->raw = r->data;
	rec->raw_size = r->size > 0 ? (uint32_t)r->size : 0;
	b->seq[b->n++] = ((uint64_t)c << TC_SEQ_SHIFT) | ++cpu->n;
	t->held[t->nheld++] = r;
}

/* after a batch: nothing older than the least newest time of the CPUs still read */
static void tc_flush(struct tc_src *t, struct source_batch *b)
{
	uint64_t bound = UINT64_MAX;
	int i;

	for (i = 0; i < t->nbusy; i++)
		if (!t->cpu[i].done && t->cpu[i].last < bound)
			bound = t->cpu[i].last;
	if (bound == UINT64_MAX || bound <= t->flushed)
		return;
	t->flushed = bound;
	source_put_flush(b, bound);
}

static int tc_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	struct tc_src *t = (struct tc_src *)s;
	int i;

	tc_release_held(t);	/* the engine has taken the last batch */
	b->n = 0;
	while (!b->n && (i = tc_behind(t)) >= 0) {
		struct tc_cpu *cpu = &t->cpu[i];

		/* room for a record, its LOST record, and the flush */
		while (b->n + 3 <= SOURCE_BATCH) {
			struct tep_record *r = cpu->first ? cpu->first :
					       tracecmd_read_data(t->rd, cpu->c);

			cpu->first = NULL;
			if (!r) {
				cpu->done = true;
				break;
			}
			tc_put(t, i, r, b);
		}
		tc_flush(t, b);
	}
	return b->n;
}

static void tc_summary(struct source *s)
{
	struct tc_src *t = (struct tc_src *)s;

	if (t->unknown_gaps)
		fprintf(stderr, "perf-prof: %s: %lu ring-buffer pages lost events the kernel did "
			"not count; pairs across those gaps were dropped\n", s->name,
			(unsigned long)t->unknown_gaps);
	if (t->disorder)
		fprintf(stderr, "perf-prof: %s: %lu events came out of time order in their "
			"CPU's buffer; pairs around them may be wrong\n", s->name,
			(unsigned long)t->disorder);
}

/*
 * The CPUs of @h with a first record into t->cpu: how many (memory grows
 * with them, not with the count the file states), -1 out of memory.
 */
static int tc_firsts(struct tc_src *t, struct tracecmd_input *h)
{
	int c;

	for (c = 0; c < t->ncpu; c++) {
		struct tep_record *r = tracecmd_read_cpu_first(h, c);

		if (!r)
			continue;
		if (t->nbusy == t->cap) {
			int cap = t->cap ? 2 * t->cap : 8;
			struct tc_cpu *v = realloc(t->cpu, cap * sizeof(*v));

			if (!v) {
				tracecmd_free_record(r);
				return -1;
			}
			t->cpu = v;
			t->cap = cap;
		}
		memset(&t->cpu[t->nbusy], 0, sizeof(t->cpu[0]));
		t->cpu[t->nbusy].c = c;
		t->cpu[t->nbusy++].first = r;
	}
	return t->nbusy;
}

static void tc_drop_firsts(struct tc_src *t)
{
	int i;

	for (i = 0; i < t->nbusy; i++) {
		if (t->cpu[i].first)
			tracecmd_free_record(t->cpu[i].first);
		t->cpu[i].first = NULL;
	}
}

static void tc_close(struct source *s)
{
	struct tc_src *t = (struct tc_src *)s;

	tc_release_held(t);
	tc_drop_firsts(t);
	if (t->rd && t->rd != t->h)
		tracecmd_close(t->rd);
	if (t->h)
		tracecmd_close(t->h);
	free(t->cpu);
	free(t);
}

/* has buffer @h (a handle of its own) any event? */
static bool tc_has_events(const struct tc_src *t, struct tracecmd_input *h)
{
	int c;

	for (c = 0; c < t->ncpu; c++) {
		struct tep_record *r = tracecmd_read_cpu_first(h, c);

		if (r) {
			tracecmd_free_record(r);
			return true;
		}
	}
	return false;
}

/*
 * The buffer to read: the file's own (trace-cmd record -e), or if that has
 * no event, the first buffer instance that has (trace-cmd record -B NAME,
 * trace-cmd extract -B NAME).  Another one with events is left out, said.
 */
static int tc_choose(struct tc_src *t, const char *path)
{
	int i, k, n = tracecmd_buffer_instances(t->h);

	if ((k = tc_firsts(t, t->h)) < 0)
		return -1;
	t->rd = k ? t->h : NULL;
	for (i = 0; i < n; i++) {
		struct tracecmd_input *ih = tracecmd_buffer_instance_handle(t->h, i);

		if (!ih)
			continue;
		if (!t->rd && (k = tc_firsts(t, ih)) != 0) {
			if (k < 0) {
				tracecmd_close(ih);
				return -1;
			}
			t->rd = ih;
			continue;
		}
		if (tc_has_events(t, ih))
			fprintf(stderr, "perf-prof: %s: the events of buffer instance '%s' "
				"(trace-cmd record -B) are left out: %s's are read\n", path,
				tracecmd_buffer_instance_name(t->h, i),
				t->rd == t->h ? "the top buffer" : "the first instance");
		tracecmd_close(ih);
	}
	if (!t->rd)
		t->rd = t->h;	/* no event anywhere: the engine says so */
	return 0;
}

/* trace.dat's saved cmdlines, which libtracecmd gave the tep */
static const char *tc_comm(struct source *s, uint32_t tid)
{
	struct tc_src *t = (struct tc_src *)s;

	return tep_is_pid_registered(t->tep, (int)tid) ? tep_data_comm_from_pid(t->tep, (int)tid)
						       : NULL;
}

static const struct source_ops tc_ops = {
	.formats = tc_formats,
	.next = tc_next,
	.exhausted = source_recording_exhausted,
	.buffer = source_recording_buffer,
	.summary = tc_summary,
	.comm = tc_comm,
	.close = tc_close,
};

/* the clock of the timestamps must count nanoseconds for latencies to be times */
static int tc_check_clock(struct tc_src *t, const char *path, char *err, size_t errlen)
{
	static const char *const ns[] = { "local", "global", "perf", "mono", "mono_raw", "boot",
					  "tai" };
	const char *clock = tracecmd_get_trace_clock(t->h);
	size_t i;

	if (!clock || !*clock)
		return 0;	/* older files do not say: trace-cmd's default, local */
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (!strcmp(clock, ns[i]))
			return 0;
	snprintf(err, errlen, "%s: recorded with trace clock '%s', which does not count "
		 "nanoseconds: record with trace-cmd record -C local (its default) or mono",
		 path, clock);
	return -1;
}

struct source *source_tracecmd_open(const struct source_cfg *cfg, char *err, size_t errlen,
				    int *code)
{
	struct tc_src *t = calloc(1, sizeof(*t));

	*code = 1;
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* libtracecmd's and libtraceevent's own lines would not name the file: one line here */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	t->h = tracecmd_open(cfg->input, TRACECMD_FL_LOAD_NO_PLUGINS |
			     TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!t->h) {
		snprintf(err, errlen, "%s: a trace.dat file that libtracecmd cannot read "
			 "(damaged or cut short?)", cfg->input);
		goto fail;
	}
	t->tep = tracecmd_get_tep(t->h);
	t->ncpu = t->tep ? tep_get_cpus(t->tep) : 0;
	if (t->ncpu <= 0) {
		snprintf(err, errlen, "%s: a trace.dat file without CPU buffers", cfg->input);
		goto fail;
	}
	if (t->ncpu > TC_MAX_CPUS)
		t->ncpu = TC_MAX_CPUS;
	if (tc_choose(t, cfg->input) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (tc_check_clock(t, cfg->input, err, errlen) < 0)
		goto fail;
	t->s.ops = &tc_ops;
	t->s.name = cfg->input;
	t->s.merge = true;
	return &t->s;
fail:
	tc_close(&t->s);
	return NULL;
}
#endif
