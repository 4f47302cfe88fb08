// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real recordings of real KVM exits (tests/data/kvm-x86-6.1-svm-*, made in
 * the VM suite's guest, see tests/data/README.md) against what perf kvm
 * stat report said of the same files when they were recorded: the same
 * reasons with the same calls, min, max and avg (perf prints 0.01 us).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "textutil.h"
#include "unit.h"

struct row {
	char name[40];
	unsigned long calls;
	double min, max, avg;	/* us */
};

#define MAX_ROWS 32

static void trim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	while (*p == ' ')
		p++;
	memmove(s, p, strlen(p) + 1);
}

/* perf kvm stat report: "%20s %10lu %8.2f%% %8.2f%% %9.2fus %9.2fus %9.2fus ( +-..." */
static int perf_rows(const char *text, struct row *r)
{
	const char *line;
	int n = 0;

	for (line = text; line && *line && n < MAX_ROWS; line = strchr(line, '\n'), line += !!line) {
		double smp, tpct;

		if (strlen(line) < 21 || !strstr(line, "us ( +-"))
			continue;
		memcpy(r[n].name, line, 20);
		r[n].name[20] = 0;
		trim(r[n].name);
		if (sscanf(line + 20, " %lu %lf%% %lf%% %lfus %lfus %lfus", &r[n].calls, &smp, &tpct,
			   &r[n].min, &r[n].max, &r[n].avg) == 6)
			n++;
	}
	return n;
}

/* perf-prof's first table; the name column is as wide as the rule's first dashes */
static int pp_rows(const char *out, struct row *r)
{
	const char *rule = strstr(out, "\n-----"), *line;
	size_t w;
	int n = 0;

	ck_assert_ptr_nonnull(rule);
	rule++;
	w = strcspn(rule, " ");
	ck_assert_uint_lt(w, sizeof(r->name));
	for (line = strchr(rule, '\n') + 1; *line && *line != '\n' && n < MAX_ROWS;
	     line = strchr(line, '\n') + 1) {
		double total, p99;

		memcpy(r[n].name, line, w);
		r[n].name[w] = 0;
		trim(r[n].name);
		ck_assert_int_eq(sscanf(line + w, " %lu %lf %lf %lf %lf %lf", &r[n].calls, &total,
					&r[n].min, &r[n].avg, &p99, &r[n].max), 6);
		n++;
	}
	return n;
}

/* the number at the start of the line of @s that ends in @tail (" NAME\n"), -1 if none */
static long num_before(const char *s, const char *tail)
{
	const char *p = strstr(s, tail), *q;

	if (!p)
		return -1;
	for (q = p; q > s && q[-1] != '\n'; q--)
		;
	return strtol(q, NULL, 10);
}

static const struct row *find(const struct row *r, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return &r[i];
	return NULL;
}

static char *load(const char *name, const char *what, struct row *perf, int *nperf,
		  struct row *pp, int *npp)
{
	char path[512], *kvmstat, *out;

	snprintf(path, sizeof(path), "%s/kvm-x86-6.1-svm-%s.kvmstat", TEST_DATA_DIR, name);
	kvmstat = slurp_file(path);
	ck_assert_ptr_nonnull(kvmstat);
	*nperf = perf_rows(kvmstat, perf);
	free(kvmstat);
	out = sh("%s kvm-exit --input %s/kvm-x86-6.1-svm-%s.perf.data %s", pp_bin(), TEST_DATA_DIR,
		 name, what);
	*npp = pp_rows(out, pp);
	return out;
}

static void agrees(const char *name)
{
	struct row perf[MAX_ROWS], pp[MAX_ROWS];
	int nperf, npp, i;
	char *out = load(name, "2>&1", perf, &nperf, pp, &npp);

	ck_assert_int_ge(nperf, 5);
	ck_assert_msg(npp == nperf, "%s: %d rows, perf kvm stat %d:\n%s", name, npp, nperf, out);
	for (i = 0; i < nperf; i++) {
		const struct row *p = find(pp, npp, perf[i].name);

		ck_assert_msg(p, "%s: no row '%s':\n%s", name, perf[i].name, out);
		ck_assert_msg(p->calls == perf[i].calls && fabs(p->min - perf[i].min) <= 0.0051 &&
			      fabs(p->max - perf[i].max) <= 0.0051 &&
			      fabs(p->avg - perf[i].avg) <= 0.0051,
			      "%s %s: calls/min/max/avg %lu/%.3f/%.3f/%.3f, perf kvm stat "
			      "%lu/%.2f/%.2f/%.2f", name, p->name, p->calls, p->min, p->max, p->avg,
			      perf[i].calls, perf[i].min, perf[i].max, perf[i].avg);
	}
	free(out);
}

START_TEST(test_one_vcpu_agrees_with_perf)
{
	agrees("1vcpu");
}
END_TEST

START_TEST(test_two_vcpus_agree_with_perf)
{
	agrees("2vcpu");
}
END_TEST

/* exits and entries in different CPUs' buffers: merged, then paired */
START_TEST(test_migrating_vcpus_agree_with_perf)
{
	agrees("migrate");
}
END_TEST

/*
 * The guest's clock is coarse: exits stamped like their entries are pairs
 * of latency 0, counted (the VMM made exactly 300 MMIO stores on its vCPU,
 * each a "PF excp" exit, plus the first fault on the page).
 */
START_TEST(test_equal_stamps_are_pairs)
{
	struct row perf[MAX_ROWS], pp[MAX_ROWS];
	int nperf, npp;
	char *out = load("1vcpu", "2>&1", perf, &nperf, pp, &npp);
	const struct row *pf = find(pp, npp, "PF excp"), *io = find(pp, npp, "io");

	ck_assert_ptr_nonnull(pf);
	ck_assert_ptr_nonnull(io);
	ck_assert_double_eq(pf->min, 0.0);
	ck_assert_uint_eq(pf->calls, 301);
	ck_assert_uint_eq(io->calls, 301);	/* 300 + the slow one */
	ck_assert_uint_eq(find(pp, npp, "cpuid")->calls, 300);
	ck_assert_uint_eq(find(pp, npp, "msr")->calls, 600);
	ck_assert_uint_eq(find(pp, npp, "hlt")->calls, 1);
	free(out);
}
END_TEST

/*
 * perf record -m 1 overflowed: 208 LOST records in the rings and, at the
 * end, LOST_SAMPLES with each event's whole loss (30,362 samples, the
 * .stats file's per-event LOST_SAMPLES).  Counted once; no pair across a
 * gap, where perf kvm stat pairs an exit with an entry far behind it.
 */
START_TEST(test_lost_counted_once_never_paired_across)
{
	struct row perf[MAX_ROWS], pp[MAX_ROWS];
	int nperf, npp, i;
	char *out = load("lost", "2>&1", perf, &nperf, pp, &npp);

	ck_assert_msg(strstr(out, "perf-prof: the recording lost 30362 records;"), "%s", out);
	ck_assert_int_eq(npp, nperf);
	for (i = 0; i < npp; i++) {
		const struct row *k = find(perf, nperf, pp[i].name);

		ck_assert_ptr_nonnull(k);
		ck_assert_uint_le(pp[i].calls, k->calls);
		ck_assert(pp[i].max <= k->max + 0.0051);
	}
	/* perf's io max, 135 ms, spans a gap; the VMM never held an exit that long */
	ck_assert(find(perf, nperf, "io")->max > 100000);
	ck_assert(find(pp, npp, "io")->max < 50000);
	free(out);
}
END_TEST

/*
 * trace-cmd's trace.dat of the 2-vCPU run (tests/data/README.md): the VMM's
 * exact exits, and the pairs trace-cmd report -N makes of the same file
 * (each thread's exit and the entry after it) on every reason
 */
START_TEST(test_tracedat_agrees_with_trace_cmd)
{
	const char *dat = TEST_DATA_DIR "/kvm-x86-6.1-svm-2vcpu.trace.dat";
	char *out = sh("%s kvm-exit --input %s 2>&1", pp_bin(), dat), *tc;
	struct row pp[MAX_ROWS];
	int npp = pp_rows(out, pp), i;

	ck_assert_msg(!strstr(out, "perf-prof:"), "%s", out);
	ck_assert_uint_eq(find(pp, npp, "io")->calls, 602);
	ck_assert_uint_eq(find(pp, npp, "cpuid")->calls, 600);
	ck_assert_uint_eq(find(pp, npp, "msr")->calls, 1200);
	ck_assert_uint_eq(find(pp, npp, "PF excp")->calls, 601);
	ck_assert_uint_eq(find(pp, npp, "hlt")->calls, 2);
	free(out);
	if (access("/usr/bin/trace-cmd", X_OK) == 0) {
		/* "calls reason" per line, the reason's blanks as _ */
		tc = sh("trace-cmd report -N %s 2>/dev/null | awk '"
			"/ kvm_e/ && match($0, /-[0-9]+ +\\[[0-9]+\\]/) {"
			" t = substr($0, RSTART + 1, RLENGTH - 1); sub(/ .*/, \"\", t);"
			" if ($0 ~ / kvm_exit: /) { r = $0; sub(/.* reason /, \"\", r);"
			" sub(/ rip 0x.*/, \"\", r); gsub(/ /, \"_\", r); ex[t] = r }"
			" else { if (t in ex) n[ex[t]]++; delete ex[t] } }"
			" END { for (r in n) print n[r], r }'", dat);
		for (i = 0; i < npp; i++) {
			char name[64], *p;

			snprintf(name, sizeof(name), " %.40s\n", pp[i].name);
			for (p = name + 1; *p; p++)
				if (*p == ' ' && p[1] != '\n' && p[1])
					*p = '_';
			ck_assert_msg(num_before(tc, name) == (long)pp[i].calls,
				      "%s: perf-prof %lu, trace-cmd report:\n%s", pp[i].name,
				      pp[i].calls, tc);
		}
		ck_assert_int_eq(count_substr(tc, "\n"), npp);
		free(tc);
	}
	/* --than names the threads as the file's saved cmdlines do */
	out = sh("%s kvm-exit --input %s --than 100ms 2>&1", pp_bin(), dat);
	ck_assert_msg(strstr(out, "CPU 1/KVM    258 .... [001]    146.848111: kvm:kvm_exit: vcpu 1 "
			      "reason PF excp rip 0x1029 "), "%s", out);
	free(out);
}
END_TEST

static Suite *recordings_suite(void)
{
	Suite *s = suite_create("recordings");
	TCase *tc = tcase_create("real");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_one_vcpu_agrees_with_perf);
	tcase_add_test(tc, test_two_vcpus_agree_with_perf);
	tcase_add_test(tc, test_migrating_vcpus_agree_with_perf);
	tcase_add_test(tc, test_equal_stamps_are_pairs);
	tcase_add_test(tc, test_lost_counted_once_never_paired_across);
	tcase_add_test(tc, test_tracedat_agrees_with_trace_cmd);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(recordings_suite)
