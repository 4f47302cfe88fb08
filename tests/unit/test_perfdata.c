// SPDX-License-Identifier: GPL-2.0-only
/*
 * perfdata reader: generated recordings (tests/tools/gen-perfdata) in file
 * and pipe mode for several kernels and arches, real `perf record`
 * fixtures (tests/data/perfdata/), and bad files with exact messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <traceevent/event-parse.h>

#include <perf-prof/perfdata.h>
#include <perf-prof/tests-only.h>
#include "unit.h"

#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

#define GEN TOOLS_DIR "/gen-perfdata"
#define FIX TEST_DATA_DIR "/perfdata"

static char tmpdir[256];

static void tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pp-perfdata-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char cmd[300];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

static const char *tpath(const char *name)
{
	static char p[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
	return p[i];
}

/* run gen-perfdata with @args, writing NAME and NAME.expect */
static void gen(const char *name, const char *args)
{
	char cmd[2048];
	int r;

	snprintf(cmd, sizeof(cmd), "'%s' -o '%s' -e '%s.expect' %s", GEN,
		 tpath(name), tpath(name), args);
	r = system(cmd);
	ck_assert_msg(r == 0, "%s failed (%d)", cmd, r);
}

/* ---- expected statistics (gen-perfdata --expect) ----------------------- */

#define MAXR 32
struct expect {
	uint64_t samples, exits, entries, lost_records, lost_samples, rounds;
	uint64_t first_time, last_time;
	int exit_id, entry_id;
	unsigned threads, cpus;
	unsigned nr;
	struct {
		unsigned code;
		char name[32];
		uint64_t calls, total, min, max;
	} r[MAXR];
};

static void read_expect(const char *name, struct expect *e)
{
	char line[256], path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s.expect", tpath(name));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	memset(e, 0, sizeof(*e));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b, c, d;
		unsigned code;
		char nm[32];

		if (sscanf(line, "reason %u %31s %llu %llu %llu %llu", &code, nm,
			   &a, &b, &c, &d) == 6) {
			ck_assert_uint_lt(e->nr, MAXR);
			e->r[e->nr].code = code;
			strcpy(e->r[e->nr].name, nm);
			e->r[e->nr].calls = a;
			e->r[e->nr].total = b;
			e->r[e->nr].min = c;
			e->r[e->nr].max = d;
			e->nr++;
			continue;
		}
#define KEY(k, field) \
		if (sscanf(line, k " %llu", &a) == 1) { e->field = a; continue; }
		KEY("samples", samples)
		KEY("exits", exits)
		KEY("entries", entries)
		KEY("lost_records", lost_records)
		KEY("lost_samples", lost_samples)
		KEY("rounds", rounds)
		KEY("first_time", first_time)
		KEY("last_time", last_time)
		KEY("exit_id", exit_id)
		KEY("entry_id", entry_id)
		KEY("threads", threads)
		KEY("cpus", cpus)
#undef KEY
	}
	fclose(f);
	ck_assert_uint_gt(e->samples, 0);
}

/* ---- reading a whole recording ----------------------------------------- */

struct smp {
	uint64_t time;
	uint32_t tid, cpu;
	int32_t buf;
	int is_exit;
	unsigned long long reason;
};

struct readout {
	uint64_t samples, lost, lost_sum, throttle, rounds;
	struct smp *s;
	size_t ns;
};

static void read_all(const char *path, const char *reason_field,
		     struct readout *o, struct expect *e)
{
	char err[512];
	struct perfdata *pd = perfdata_open(path, NULL, err, sizeof(err));
	struct pp_record rec;
	struct tep_handle *tep;
	struct tep_event *ex = NULL, *en = NULL;
	struct tep_format_field *rf = NULL;
	int r;

	ck_assert_msg(pd != NULL, "open: %s", err);
	memset(o, 0, sizeof(*o));
	o->s = calloc(e ? e->samples + 1 : 1, sizeof(*o->s));
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0) {
		struct tep_record tr;
		unsigned long long v, ct;

		if (!ex) {
			tep = perfdata_tep(pd);
			ck_assert_ptr_nonnull(tep);
			ex = tep_find_event_by_name(tep, "kvm", "kvm_exit");
			en = tep_find_event_by_name(tep, "kvm", "kvm_entry");
			ck_assert_ptr_nonnull(ex);
			ck_assert_ptr_nonnull(en);
			rf = tep_find_field(ex, reason_field);
			ck_assert_ptr_nonnull(rf);
		}
		switch (rec.type) {
		case PP_REC_SAMPLE:
			ck_assert_ptr_nonnull(e);
			ck_assert_uint_lt(o->ns, e->samples);
			ck_assert_ptr_nonnull(rec.raw);
			memset(&tr, 0, sizeof(tr));
			tr.data = (void *)rec.raw;
			tr.size = (int)rec.raw_size;
			ct = tep_read_number(tep, rec.raw, 2);
			ck_assert(ct == (unsigned)ex->id || ct == (unsigned)en->id);
			/* common_pid is the vCPU thread */
			ck_assert_int_eq(tep_read_number_field(tep_find_common_field(ex,
					 "common_pid"), rec.raw, &v), 0);
			ck_assert_uint_eq(v, rec.tid);
			ck_assert_uint_eq(rec.pid + 2 <= rec.tid, 1);
			ck_assert_uint_lt(rec.cpu, e->cpus);
			ck_assert_int_eq(rec.buf, (int32_t)rec.cpu);
			ck_assert_uint_ge(rec.time, e->first_time);
			ck_assert_uint_le(rec.time, e->last_time);
			o->s[o->ns].time = rec.time;
			o->s[o->ns].tid = rec.tid;
			o->s[o->ns].cpu = rec.cpu;
			o->s[o->ns].is_exit = ct == (unsigned)ex->id;
			if (o->s[o->ns].is_exit) {
				ck_assert_int_eq(tep_read_number_field(rf, rec.raw, &v), 0);
				o->s[o->ns].reason = v;
			}
			o->ns++;
			o->samples++;
			break;
		case PP_REC_LOST:
			o->lost++;
			o->lost_sum += rec.lost;
			ck_assert_uint_lt(rec.cpu, e ? e->cpus : 4096);
			ck_assert_int_eq(rec.buf, (int32_t)rec.cpu);
			ck_assert_uint_gt(rec.time, 0);
			break;
		case PP_REC_THROTTLE:
			o->throttle++;
			break;
		case PP_REC_ROUND:
			o->rounds++;
			break;
		default:
			ck_abort_msg("record type %u", rec.type);
		}
	}
	ck_assert_msg(r == 0, "next: %s", err);
	/* the end repeats */
	ck_assert_int_eq(perfdata_next(pd, &rec, err, sizeof(err)), 0);
	perfdata_close(pd);
}

static int by_time(const void *a, const void *b)
{
	const struct smp *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/*
 * Pair each exit with the next entry of its thread, in time order, and
 * compare the per-reason statistics with what the generator wrote.
 */
static void check_stats(struct readout *o, struct expect *e)
{
	struct { uint64_t calls, total, min, max; } st[MAXR];
	struct { uint32_t tid; int open; uint64_t t; unsigned long long reason; } th[4096];
	unsigned nth = 0, i, j;
	size_t k;

	memset(st, 0, sizeof(st));
	qsort(o->s, o->ns, sizeof(*o->s), by_time);
	for (k = 0; k < o->ns; k++) {
		struct smp *s = &o->s[k];

		for (j = 0; j < nth && th[j].tid != s->tid; j++)
			;
		if (j == nth) {
			ck_assert_uint_lt(nth, 4096);
			th[nth].tid = s->tid;
			th[nth].open = 0;
			nth++;
			/* every thread starts with an entry */
			ck_assert_int_eq(s->is_exit, 0);
		}
		if (s->is_exit) {
			ck_assert_int_eq(th[j].open, 0);
			th[j].open = 1;
			th[j].t = s->time;
			th[j].reason = s->reason;
		} else if (th[j].open) {
			uint64_t d = s->time - th[j].t;

			th[j].open = 0;
			for (i = 0; i < e->nr && e->r[i].code != th[j].reason; i++)
				;
			ck_assert_msg(i < e->nr, "unexpected reason %llu", th[j].reason);
			st[i].calls++;
			st[i].total += d;
			if (!st[i].min || d < st[i].min)
				st[i].min = d;
			if (d > st[i].max)
				st[i].max = d;
		}
	}
	ck_assert_uint_eq(nth, e->threads);
	for (i = 0; i < e->nr; i++) {
		ck_assert_msg(st[i].calls == e->r[i].calls, "%s calls %llu != %llu",
			      e->r[i].name, (unsigned long long)st[i].calls,
			      (unsigned long long)e->r[i].calls);
		ck_assert_uint_eq(st[i].total, e->r[i].total);
		ck_assert_uint_eq(st[i].min, e->r[i].min);
		ck_assert_uint_eq(st[i].max, e->r[i].max);
	}
}

static void gen_and_check(const char *name, const char *args,
			  const char *reason_field)
{
	struct expect e;
	struct readout o;
	size_t k;
	uint64_t exits = 0;

	gen(name, args);
	read_expect(name, &e);
	read_all(tpath(name), reason_field, &o, &e);
	ck_assert_uint_eq(o.samples, e.samples);
	ck_assert_uint_eq(o.rounds, e.rounds);
	ck_assert_uint_eq(o.lost, e.lost_records);
	ck_assert_uint_eq(o.lost_sum, e.lost_samples);
	for (k = 0; k < o.ns; k++)
		exits += o.s[k].is_exit;
	ck_assert_uint_eq(exits, e.exits);
	ck_assert_uint_eq(o.samples - exits, e.entries);
	check_stats(&o, &e);
	free(o.s);
}

START_TEST(test_gen_x86_618)
{
	gen_and_check("a.data", "-n 20000 -t 6 -c 3 -s 7 -r 1000 "
		      "-f " TEST_DATA_DIR "/x86-6.18", "exit_reason");
}
END_TEST

START_TEST(test_gen_x86_310)
{
	gen_and_check("a.data", "-n 5000 -t 2 -c 2 -s 3 "
		      "-f " TEST_DATA_DIR "/x86-3.10", "exit_reason");
}
END_TEST

START_TEST(test_gen_x86_510_lost)
{
	gen_and_check("a.data", "-n 30000 -t 4 -c 4 -l 6 -s 11 -r 777 "
		      "-f " TEST_DATA_DIR "/x86-5.10", "exit_reason");
}
END_TEST

START_TEST(test_gen_arm64)
{
	gen_and_check("a.data", "-n 6000 -a arm64 -t 3 -c 2 "
		      "-f " TEST_DATA_DIR "/arm64-6.18", "esr_ec");
}
END_TEST

START_TEST(test_gen_arm64_419)
{
	gen_and_check("a.data", "-n 3000 -a arm64 -t 2 -c 2 "
		      "-f " TEST_DATA_DIR "/arm64-4.19", "exit_reason");
}
END_TEST

/* samples with fields before and after RAW, id by PERF_SAMPLE_ID */
START_TEST(test_gen_rich)
{
	gen_and_check("a.data", "-n 8000 -x -t 5 -c 3 -l 2 "
		      "-f " TEST_DATA_DIR "/x86-6.18", "exit_reason");
}
END_TEST

START_TEST(test_gen_pipe)
{
	gen_and_check("a.data", "-n 10000 -p -t 4 -c 2 -l 2 "
		      "-f " TEST_DATA_DIR "/x86-6.18", "exit_reason");
}
END_TEST

/* pipe mode through a real pipe on stdin ("-") */
START_TEST(test_gen_pipe_stdin)
{
	struct expect e;
	struct pp_record rec;
	char err[512];
	struct perfdata *pd;
	int fds[2], r;
	uint64_t n = 0;
	pid_t pid;

	gen("p.data", "-n 4000 -p -t 2 -c 2 -f " TEST_DATA_DIR "/x86-6.18");
	read_expect("p.data", &e);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(tpath("p.data"), O_RDONLY);
		char b[3000];	/* small writes: records straddle reads */
		ssize_t k;

		close(fds[0]);
		while ((k = read(fd, b, sizeof(b))) > 0)
			if (write(fds[1], b, (size_t)k) != k)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_ge(dup2(fds[0], 0), 0);
	close(fds[0]);
	pd = perfdata_open("-", NULL, err, sizeof(err));
	ck_assert_msg(pd != NULL, "%s", err);
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0) {
		ck_assert_ptr_nonnull(perfdata_tep(pd));
		n += rec.type == PP_REC_SAMPLE;
	}
	ck_assert_msg(r == 0, "%s", err);
	ck_assert_uint_eq(n, e.samples);
	perfdata_close(pd);
	waitpid(pid, NULL, 0);
}
END_TEST

/* tep decodes the x86 exit fields from the file's own formats */
/*
 * perfdata_next_batch() in hold mode returns what perfdata_next() does,
 * with rising offsets, and every sample's bytes stay intact across many
 * buffer refills until they are released.
 */
struct seen_rec {
	uint32_t type, tid, cpu, raw_size;
	uint64_t time, sum;
	const unsigned char *raw;
};

static uint64_t raw_sum(const void *raw, uint32_t n)
{
	const unsigned char *p = raw;
	uint64_t h = 1469598103934665603ULL;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void check_batch_hold(const char *path, int max, uint64_t want)
{
	char err[512];
	struct perfdata *pd = perfdata_open(path, NULL, err, sizeof(err));
	struct seen_rec *a = calloc(want + 1000, sizeof(*a));
	struct pp_record rec, batch[64];
	uint64_t offs[64], n = 0, i, last_off = 0;
	int r, k;

	ck_assert_msg(pd != NULL, "open: %s", err);
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0) {
		ck_assert_uint_lt(n, want + 1000);
		a[n].type = rec.type;
		a[n].tid = rec.tid;
		a[n].cpu = rec.cpu;
		a[n].time = rec.time;
		a[n].raw_size = rec.raw_size;
		a[n].sum = raw_sum(rec.raw, rec.raw_size);
		n++;
	}
	ck_assert_msg(r == 0, "next: %s", err);
	perfdata_close(pd);

	pd = perfdata_open(path, NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(pd);
	perfdata_hold(pd);
	i = 0;
	while ((r = perfdata_next_batch(pd, batch, offs, max, err, sizeof(err))) > 0) {
		ck_assert_int_le(r, max);
		for (k = 0; k < r; k++, i++) {
			ck_assert_uint_lt(i, n);
			ck_assert_uint_eq(batch[k].type, a[i].type);
			ck_assert_uint_eq(batch[k].tid, a[i].tid);
			ck_assert_uint_eq(batch[k].cpu, a[i].cpu);
			ck_assert_uint_eq(batch[k].time, a[i].time);
			ck_assert_uint_eq(batch[k].raw_size, a[i].raw_size);
			ck_assert_uint_gt(offs[k], last_off);
			last_off = offs[k];
			a[i].raw = batch[k].raw;
		}
		ck_assert_uint_eq(perfdata_offset(pd), last_off);
	}
	ck_assert_msg(r == 0, "batch: %s", err);
	ck_assert_uint_eq(i, n);
	/* nothing released yet: every sample's bytes are still there */
	for (i = 0; i < n; i++)
		if (a[i].type == PP_REC_SAMPLE)
			ck_assert_uint_eq(raw_sum(a[i].raw, a[i].raw_size), a[i].sum);
	perfdata_release(pd, UINT64_MAX);
	perfdata_close(pd);
	ck_assert_uint_ge(n, want);
	free(a);
}

START_TEST(test_batch_hold)
{
	struct expect e;

	/* ~1.2 MB: several read buffers */
	gen("a.data", "-n 10000 -t 6 -c 3 -l 3 -s 5 -r 500 -f " TEST_DATA_DIR "/x86-6.18");
	read_expect("a.data", &e);
	check_batch_hold(tpath("a.data"), 64, e.samples);
	check_batch_hold(tpath("a.data"), 1, e.samples);
	gen("p.data", "-n 10000 -p -t 4 -c 2 -l 2 -f " TEST_DATA_DIR "/x86-6.18");
	read_expect("p.data", &e);
	check_batch_hold(tpath("p.data"), 64, e.samples);
}
END_TEST

/* released buffers are reused: reading with releases keeps memory flat */
START_TEST(test_hold_release_reuses)
{
	char err[512];
	struct perfdata *pd;
	struct pp_record batch[64];
	uint64_t offs[64], rounds = 0;
	int r, k;

	gen("a.data", "-n 40000 -t 4 -c 2 -s 9 -r 300 -f " TEST_DATA_DIR "/x86-6.18");
	pd = perfdata_open(tpath("a.data"), NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(pd);
	perfdata_hold(pd);
	while ((r = perfdata_next_batch(pd, batch, offs, 64, err, sizeof(err))) > 0)
		for (k = 0; k < r; k++)
			if (batch[k].type == PP_REC_ROUND) {
				perfdata_release(pd, offs[k]);
				rounds++;
			}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_gt(rounds, 100);
	ck_assert_uint_le(perfdata_held_bytes(pd), 2u << 20);
	perfdata_close(pd);

	/* without releases everything stays: the whole 4.8 MB file */
	pd = perfdata_open(tpath("a.data"), NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(pd);
	perfdata_hold(pd);
	while ((r = perfdata_next_batch(pd, batch, offs, 64, err, sizeof(err))) > 0)
		;
	ck_assert_int_eq(r, 0);
	ck_assert_uint_ge(perfdata_held_bytes(pd), 4u << 20);
	perfdata_close(pd);
}
END_TEST

START_TEST(test_tep_fields)
{
	static const struct { const char *fmt, *arch, *field; unsigned off; int x86; } c[] = {
		{ "x86-6.18", "x86", "exit_reason", 8, 1 },
		{ "x86-3.10", "x86", "exit_reason", 8, 1 },
		{ "arm64-6.18", "arm64", "esr_ec", 12, 0 },
		{ "arm64-5.10", "arm64", "esr_ec", 12, 0 },
	};
	unsigned i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char args[512], err[512];
		struct perfdata *pd;
		struct pp_record rec;
		struct tep_handle *tep;
		struct tep_event *ev;
		struct tep_format_field *f, *rip;
		unsigned long long v;
		int seen = 0, r;

		snprintf(args, sizeof(args), "-n 200 -t 1 -c 1 -a %s -f %s/%s",
			 c[i].arch, TEST_DATA_DIR, c[i].fmt);
		gen("t.data", args);
		pd = perfdata_open(tpath("t.data"), NULL, err, sizeof(err));
		ck_assert_msg(pd != NULL, "%s", err);
		tep = perfdata_tep(pd);
		ck_assert_ptr_nonnull(tep);
		ck_assert_int_eq(tep_get_long_size(tep), 8);
		ck_assert_int_eq(tep_get_page_size(tep), 4096);
		ev = tep_find_event_by_name(tep, "kvm", "kvm_exit");
		ck_assert_ptr_nonnull(ev);
		f = tep_find_field(ev, c[i].field);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->offset, (int)c[i].off);
		ck_assert_int_eq(f->size, 4);
		rip = tep_find_field(ev, c[i].x86 ? "guest_rip" : "vcpu_pc");
		ck_assert_ptr_nonnull(rip);
		while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0) {
			if (rec.type != PP_REC_SAMPLE ||
			    tep_read_number(tep, rec.raw, 2) != (unsigned)ev->id)
				continue;
			ck_assert_int_eq(tep_read_number_field(f, rec.raw, &v), 0);
			if (c[i].x86)
				ck_assert(v == 1 || v == 7 || v == 10 || v == 12 ||
					  (v >= 30 && v <= 32) || v == 40 ||
					  v == 45 || v == 48 || v == 49 || v == 52);
			else
				ck_assert(v == 0 || v == 1 || v == 0x16 || v == 0x18 ||
					  v == 0x20 || v == 0x24);
			v = tep_read_number(tep, (const char *)rec.raw + rip->offset, 8);
			ck_assert(v >> 48 == 0xffff || v >> 48 == 0);	/* canonical */
			seen++;
		}
		ck_assert_msg(r == 0, "%s", err);
		ck_assert_int_gt(seen, 50);
		perfdata_close(pd);
	}
}
END_TEST

/* ---- real perf recordings ---------------------------------------------- */

static int count_type(const char *path, unsigned type, struct tep_handle **tepp)
{
	char err[512];
	struct perfdata *pd = perfdata_open(path, NULL, err, sizeof(err));
	struct pp_record rec;
	int n = 0, r;

	ck_assert_msg(pd != NULL, "%s", err);
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0)
		n += rec.type == type;
	ck_assert_msg(r == 0, "%s", err);
	if (tepp) {
		struct tep_handle *tep = perfdata_tep(pd);
		struct tep_event *ev;

		ck_assert_ptr_nonnull(tep);
		ev = tep_find_event_by_name(tep, "kvm", "kvm_exit");
		ck_assert_ptr_nonnull(ev);
		ck_assert_int_eq(ev->id, 103);
		ck_assert_ptr_nonnull(tep_find_field(ev, "exit_reason"));
		ck_assert_ptr_nonnull(tep_find_event_by_name(tep, "kvm", "kvm_entry"));
	}
	perfdata_close(pd);
	return n;
}

/* `perf record -e kvm:kvm_exit -e kvm:kvm_entry -a` (file and -o -) here:
 * formats, a dummy event, synthesized records, no samples */
START_TEST(test_real_empty)
{
	struct tep_handle *tep;

	ck_assert_int_eq(count_type(FIX "/real-kvm-empty.perf.data", PP_REC_SAMPLE, &tep), 0);
	ck_assert_int_eq(count_type(FIX "/real-kvm-empty.perf.data", PP_REC_ROUND, NULL), 2);
	ck_assert_int_eq(count_type(FIX "/real-kvm-empty-pipe.perf.data", PP_REC_SAMPLE, &tep), 0);
	ck_assert_int_eq(count_type(FIX "/real-kvm-empty-pipe.perf.data", PP_REC_ROUND, NULL), 2);
}
END_TEST

/* `perf record -g -e sched:sched_switch -a`: callchains before RAW, and a
 * second (dummy) attr with another sample_type; checked with perf script */
START_TEST(test_real_sched_callchain)
{
	char err[512];
	struct perfdata *pd = perfdata_open(FIX "/real-sched-callchain.perf.data",
					    NULL, err, sizeof(err));
	struct pp_record rec;
	struct tep_handle *tep;
	struct tep_event *ev;
	uint64_t tmin = UINT64_MAX, tmax = 0;
	int n = 0, r;

	ck_assert_msg(pd != NULL, "%s", err);
	tep = perfdata_tep(pd);
	ck_assert_ptr_nonnull(tep);
	ev = tep_find_event_by_name(tep, "sched", "sched_switch");
	ck_assert_ptr_nonnull(ev);
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0) {
		unsigned long long pid;

		if (rec.type != PP_REC_SAMPLE)
			continue;
		ck_assert_uint_eq(tep_read_number(tep, rec.raw, 2), (unsigned)ev->id);
		ck_assert_int_eq(tep_read_number_field(tep_find_field(ev, "prev_pid"),
						       rec.raw, &pid), 0);
		ck_assert_uint_eq((uint32_t)pid, rec.tid);
		ck_assert_uint_lt(rec.cpu, 2);
		if (rec.time < tmin)
			tmin = rec.time;
		if (rec.time > tmax)
			tmax = rec.time;
		n++;
	}
	ck_assert_msg(r == 0, "%s", err);
	ck_assert_int_eq(n, 13);
	ck_assert_uint_eq(tmin, 678500759783ULL);
	ck_assert_uint_eq(tmax, 678552117162ULL);
	perfdata_close(pd);
}
END_TEST

/* `perf record -e sched:sched_switch -- CMD`: one attr, no sample id */
START_TEST(test_real_single_attr)
{
	ck_assert_int_eq(count_type(FIX "/real-sched-single.perf.data",
				    PP_REC_SAMPLE, NULL), 17);
}
END_TEST

/* ---- bad files --------------------------------------------------------- */

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

static unsigned char *load(const char *path, size_t *n)
{
	struct stat st;
	unsigned char *p;
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	p = malloc((size_t)st.st_size + 1);
	ck_assert_uint_eq(fread(p, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*n = (size_t)st.st_size;
	return p;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void wr64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* open must fail with exactly "PATH: @msg" */
static void expect_open_err(const char *path, const char *msg)
{
	char err[512], want[1024];
	struct perfdata *pd = perfdata_open(path, NULL, err, sizeof(err));

	ck_assert_msg(pd == NULL, "%s opened", path);
	snprintf(want, sizeof(want), "%s: %s", path, msg);
	ck_assert_str_eq(err, want);
}

/* open succeeds, reading fails with exactly "PATH: @msg" */
static void expect_read_err(const char *path, const char *msg)
{
	char err[512], want[1024];
	struct perfdata *pd = perfdata_open(path, NULL, err, sizeof(err));
	struct pp_record rec;
	int r;

	ck_assert_msg(pd != NULL, "%s", err);
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0)
		;
	ck_assert_int_eq(r, -1);
	snprintf(want, sizeof(want), "%s: %s", path, msg);
	ck_assert_str_eq(err, want);
	/* and it stays failed */
	ck_assert_int_eq(perfdata_next(pd, &rec, err, sizeof(err)), -1);
	perfdata_close(pd);
}

START_TEST(test_err_basic)
{
	unsigned char junk[4096];
	char msg[256];
	unsigned i;
	size_t n;
	unsigned char *p;

	write_file(tpath("empty.data"), "", 0);
	expect_open_err(tpath("empty.data"), "offset 0: empty file, not a perf.data file");

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7919 + 13);
	write_file(tpath("junk.data"), junk, sizeof(junk));
	expect_open_err(tpath("junk.data"), "offset 0: not a perf.data file (bad magic)");
	write_file(tpath("short.data"), "PERF", 4);
	expect_open_err(tpath("short.data"), "offset 0: not a perf.data file (bad magic)");

	expect_open_err(tpath("missing.data"), "No such file or directory");

	gen("g.data", "-n 1000 -t 2 -c 2 -f " TEST_DATA_DIR "/x86-6.18");
	p = load(tpath("g.data"), &n);

	/* truncated header */
	write_file(tpath("hdr.data"), p, 50);
	expect_open_err(tpath("hdr.data"), "offset 50: truncated header: 104 bytes expected, file has 50");
	write_file(tpath("hdr12.data"), p, 12);
	expect_open_err(tpath("hdr12.data"), "offset 8: truncated header (file has 12 bytes)");

	/* byte-swapped magic: a big-endian recording */
	memcpy(junk, p, 104);
	for (i = 0; i < 8; i++)
		junk[i] = p[7 - i];
	write_file(tpath("be.data"), junk, 104);
	expect_open_err(tpath("be.data"), "offset 0: big-endian perf.data is not supported");

	/* header size */
	memcpy(junk, p, 104);
	wr64(junk + 8, 99);
	write_file(tpath("hsz.data"), junk, 104);
	expect_open_err(tpath("hsz.data"), "offset 8: header size 99 is invalid");

	/* attr section past EOF */
	wr64(p + 24, n - 100);
	write_file(tpath("attr.data"), p, n);
	snprintf(msg, sizeof(msg),
		 "offset 24: attr section (offset %zu, size 288) is past the end of the file (%zu bytes)",
		 n - 100, n);
	expect_open_err(tpath("attr.data"), msg);
	free(p);
}
END_TEST

START_TEST(test_err_sections)
{
	unsigned char *p;
	size_t n;
	uint64_t attrs, data, dsize;
	char msg[256];

	gen("g.data", "-n 1000 -t 2 -c 2 -f " TEST_DATA_DIR "/x86-6.18");
	p = load(tpath("g.data"), &n);
	attrs = rd64(p + 24);
	data = rd64(p + 40);
	dsize = rd64(p + 48);
	ck_assert_uint_eq(attrs, 104 + 2 * 2 * 8);
	ck_assert_uint_eq(data, attrs + 2 * 144);

	/* cut in the middle of a record: the data section is past EOF */
	write_file(tpath("cut.data"), p, data + 1000 + 3);
	snprintf(msg, sizeof(msg),
		 "offset 40: data section (offset %llu, size %llu) is past the end of the file (%llu bytes)",
		 (unsigned long long)data, (unsigned long long)dsize,
		 (unsigned long long)(data + 1003));
	expect_open_err(tpath("cut.data"), msg);

	/* attr entry size that does not match attr.size */
	wr64(p + 16, 136);
	wr64(p + 32, 2 * 136);
	write_file(tpath("asz.data"), p, n);
	snprintf(msg, sizeof(msg),
		 "offset %llu: attr size 128 does not match the attr entry size 136",
		 (unsigned long long)attrs + 4);
	expect_open_err(tpath("asz.data"), msg);
	wr64(p + 16, 144);
	wr64(p + 32, 100);
	write_file(tpath("asz2.data"), p, n);
	expect_open_err(tpath("asz2.data"),
			"offset 32: attr section size 100 is not a multiple of the attr entry size 144");
	wr64(p + 32, 288);

	/* attr ids past EOF */
	wr64(p + attrs + 128, n);
	write_file(tpath("ids.data"), p, n);
	snprintf(msg, sizeof(msg),
		 "offset %llu: attr ids (offset %zu, size 16) are past the end of the file or misaligned",
		 (unsigned long long)attrs + 128, n);
	expect_open_err(tpath("ids.data"), msg);
	wr64(p + attrs + 128, 104);

	/* tracing data section past EOF: first feature entry */
	wr64(p + data + dsize + 8, n);
	write_file(tpath("feat.data"), p, n);
	snprintf(msg, sizeof(msg),
		 "offset %llu: tracing data section (offset %llu, size %zu) is past the end of the file (%zu bytes)",
		 (unsigned long long)(data + dsize),
		 (unsigned long long)rd64(p + data + dsize), n, n);
	expect_open_err(tpath("feat.data"), msg);
	free(p);
}
END_TEST

/* offset of the first SAMPLE record in the data section */
static uint64_t first_sample(const unsigned char *p, uint64_t off, uint64_t end)
{
	while (off + 8 <= end) {
		uint32_t type;
		uint16_t size;

		memcpy(&type, p + off, 4);
		memcpy(&size, p + off + 6, 2);
		if (type == 9)
			return off;
		ck_assert_uint_ge(size, 8);
		off += size;
	}
	ck_abort_msg("no sample");
	return 0;
}

START_TEST(test_err_records)
{
	unsigned char *p, *q;
	size_t n;
	uint64_t data, dsize, s;
	char msg[256];
	uint16_t v16;
	uint32_t v32;

	gen("g.data", "-n 1000 -t 2 -c 2 -f " TEST_DATA_DIR "/x86-6.18");
	p = load(tpath("g.data"), &n);
	data = rd64(p + 40);
	dsize = rd64(p + 48);
	s = first_sample(p, data, data + dsize);
	q = malloc(n);

	/* a record of size 0 */
	memcpy(q, p, n);
	v16 = 0;
	memcpy(q + s + 6, &v16, 2);
	write_file(tpath("z.data"), q, n);
	snprintf(msg, sizeof(msg), "offset %llu: record size 0 is invalid",
		 (unsigned long long)s);
	expect_read_err(tpath("z.data"), msg);

	/* a record running past the data section */
	memcpy(q, p, n);
	s = data + dsize - 8;	/* the last FINISHED_ROUND */
	v16 = 64;
	memcpy(q + s + 6, &v16, 2);
	write_file(tpath("past.data"), q, n);
	snprintf(msg, sizeof(msg),
		 "offset %llu: truncated record: type 68 size 64, only 8 bytes left",
		 (unsigned long long)s);
	expect_read_err(tpath("past.data"), msg);

	/* raw size larger than the sample */
	memcpy(q, p, n);
	s = first_sample(p, data, data + dsize);
	memcpy(&v16, p + s + 6, 2);
	v32 = 5000;
	memcpy(q + s + 56, &v32, 4);	/* hdr, id, ip, tid, time, cpu, period */
	write_file(tpath("raw.data"), q, n);
	snprintf(msg, sizeof(msg),
		 "offset %llu: sample raw data size 5000 runs past the record (size %u)",
		 (unsigned long long)s, v16);
	expect_read_err(tpath("raw.data"), msg);

	/* a sample too short for its sample_type */
	memcpy(q, p, n);
	v16 = 24;
	memcpy(q + s + 6, &v16, 2);
	write_file(tpath("short.data"), q, n);
	snprintf(msg, sizeof(msg),
		 "offset %llu: sample size 24 is too short for its sample_type 0x10587",
		 (unsigned long long)s);
	expect_read_err(tpath("short.data"), msg);

	/* a compressed record whose data is no zstd frame */
	memcpy(q, p, n);
	v32 = 81;
	memcpy(q + s, &v32, 4);
	write_file(tpath("zstd.data"), q, n);
	snprintf(msg, sizeof(msg), "offset %llu: compressed record: zstd: Unknown frame descriptor",
		 (unsigned long long)s);
	expect_read_err(tpath("zstd.data"), msg);
	/* COMPRESSED2: a data size past its record */
	memcpy(q, p, n);
	v32 = 83;
	memcpy(q + s, &v32, 4);
	memcpy(&v16, p + s + 6, 2);
	v32 = v16 - 15;		/* the data after the 16 bytes of its header, and one more */
	memcpy(q + s + 8, &v32, 4);
	write_file(tpath("zstd2.data"), q, n);
	snprintf(msg, sizeof(msg), "offset %llu: compressed record: data size %u does not fit "
		 "the record (size %u)", (unsigned long long)s, v32, v16);
	expect_read_err(tpath("zstd2.data"), msg);
	free(q);
	free(p);
}
END_TEST

START_TEST(test_err_pipe)
{
	unsigned char *p;
	size_t n;
	char msg[256];
	uint64_t off = 16, last = 0;
	uint16_t lsize = 0;

	gen("p.data", "-n 1000 -t 2 -c 2 -p -f " TEST_DATA_DIR "/x86-6.18");
	p = load(tpath("p.data"), &n);

	/* cut mid-record: the error comes when reading reaches it */
	while (off + 8 <= n) {
		uint32_t type;
		uint16_t size;

		memcpy(&type, p + off, 4);
		memcpy(&size, p + off + 6, 2);
		if (type == 9) {
			last = off;
			lsize = size;
		}
		off += size;
		if (type == 66)
			off += rd64(p + off - 8) & 0xffffffff;
	}
	ck_assert_uint_eq(off, n);
	write_file(tpath("cut.data"), p, last + 20);
	snprintf(msg, sizeof(msg),
		 "offset %llu: truncated record: type 9 size %u, only 20 bytes left",
		 (unsigned long long)last, lsize);
	expect_read_err(tpath("cut.data"), msg);

	/* cut in the tracing data: the error comes from open, at the first
	 * next() */
	write_file(tpath("cut2.data"), p, 2000);
	{
		char err[512];
		struct perfdata *pd = perfdata_open(tpath("cut2.data"), NULL, err, sizeof(err));
		struct pp_record rec;

		ck_assert_ptr_nonnull(pd);
		ck_assert_int_eq(perfdata_next(pd, &rec, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "truncated tracing data"));
		ck_assert_int_eq(strncmp(err, tpath("cut2.data"), strlen(tpath("cut2.data"))), 0);
		perfdata_close(pd);
	}

	/* only the pipe header: an empty stream */
	write_file(tpath("hdr.data"), p, 16);
	{
		char err[512];
		struct perfdata *pd = perfdata_open(tpath("hdr.data"), NULL, err, sizeof(err));
		struct pp_record rec;

		ck_assert_msg(pd != NULL, "%s", err);
		ck_assert_int_eq(perfdata_next(pd, &rec, err, sizeof(err)), 0);
		ck_assert_ptr_null(perfdata_tep(pd));
		perfdata_close(pd);
	}
	free(p);
}
END_TEST

/*
 * libtraceevent 1.7 crashes on a print fmt naming an undeclared field
 * (found by fuzzing): the reader drops such a print fmt, fields decode.
 */
START_TEST(test_bad_print_fmt)
{
	static const char from[] = "field:unsigned int exit_reason;";
	static const char to[] = "field:unsigned int exit_riason;";
	unsigned char *p, *hit;
	size_t n;
	char err[512];
	struct perfdata *pd;
	struct pp_record rec;
	struct tep_event *ev;
	int r, samples = 0;

	gen("g.data", "-n 101 -t 1 -c 1 -f " TEST_DATA_DIR "/x86-3.10");
	p = load(tpath("g.data"), &n);
	hit = memmem(p, n, from, sizeof(from) - 1);
	ck_assert_ptr_nonnull(hit);
	memcpy(hit, to, sizeof(to) - 1);
	write_file(tpath("b.data"), p, n);
	pd = perfdata_open(tpath("b.data"), NULL, err, sizeof(err));
	ck_assert_msg(pd != NULL, "%s", err);
	ev = tep_find_event_by_name(perfdata_tep(pd), "kvm", "kvm_exit");
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(tep_find_field(ev, "exit_riason"));
	ck_assert_ptr_nonnull(tep_find_field(ev, "guest_rip"));
	while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0)
		samples += rec.type == PP_REC_SAMPLE;
	ck_assert_msg(r == 0, "%s", err);
	ck_assert_int_eq(samples, 101);
	perfdata_close(pd);
	free(p);
}
END_TEST

/* inputs that once crashed (libtraceevent) must read to an end or an error */
START_TEST(test_fuzz_regressions)
{
	static const char *const files[] = {
		"regress-undeclared-field", "regress-print-symbol-backtick",
		"regress-nul-in-field", "regress-name-arrow", "regress-const-division",
	};
	unsigned i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], err[512];
		struct perfdata *pd;
		struct pp_record rec;
		int r;

		snprintf(path, sizeof(path), "%s/../fuzz/corpus/%s", TEST_DATA_DIR,
			 files[i]);
		ck_assert_msg(access(path, R_OK) == 0, "%s missing", path);
		pd = perfdata_open(path, NULL, err, sizeof(err));
		if (!pd) {
			ck_assert_int_eq(strncmp(err, path, strlen(path)), 0);
			continue;
		}
		while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0)
			;
		if (r < 0)
			ck_assert_int_eq(strncmp(err, path, strlen(path)), 0);
		perfdata_close(pd);
	}
}
END_TEST

Suite *perfdata_suite(void);

Suite *perfdata_suite(void)
{
	Suite *s = suite_create("perfdata");
	TCase *tc = tcase_create("read");
	TCase *te = tcase_create("errors");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_checked_fixture(te, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_set_timeout(te, 60);
	tcase_add_test(tc, test_gen_x86_618);
	tcase_add_test(tc, test_gen_x86_310);
	tcase_add_test(tc, test_gen_x86_510_lost);
	tcase_add_test(tc, test_gen_arm64);
	tcase_add_test(tc, test_gen_arm64_419);
	tcase_add_test(tc, test_gen_rich);
	tcase_add_test(tc, test_gen_pipe);
	tcase_add_test(tc, test_gen_pipe_stdin);
	tcase_add_test(tc, test_tep_fields);
	tcase_add_test(tc, test_batch_hold);
	tcase_add_test(tc, test_hold_release_reuses);
	tcase_add_test(tc, test_real_empty);
	tcase_add_test(tc, test_real_sched_callchain);
	tcase_add_test(tc, test_real_single_attr);
	tcase_add_test(te, test_err_basic);
	tcase_add_test(te, test_err_sections);
	tcase_add_test(te, test_err_records);
	tcase_add_test(te, test_err_pipe);
	tcase_add_test(te, test_bad_print_fmt);
	tcase_add_test(te, test_fuzz_regressions);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, te);
	return s;
}

UNIT_SUITE(perfdata_suite)
