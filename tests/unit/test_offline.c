// SPDX-License-Identifier: GPL-2.0-only
/*
 * perf-prof kvm-exit --input on recordings written by gen-perfdata, whose
 * exact per-reason statistics are known, cross-checked with perf itself
 * (`perf kvm -i FILE stat report --event=vmexit`, perf 6.1 syntax).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guestelf.h"
#include "textutil.h"
#include "unit.h"

#ifndef PERF_PROF_BIN
#define PERF_PROF_BIN "./perf-prof"
#endif
#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

static char dir[64];

static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *run(const char *fmt, ...)
{
	char cmd[2048], *out = NULL;
	size_t len = 0, n;
	char buf[65536];
	va_list ap;
	FILE *p, *m;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	m = open_memstream(&out, &len);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, m);
	pclose(p);
	fclose(m);
	return out;
}

static void gen(const char *name, const char *args)
{
	char *o = run("%s/gen-perfdata %s -o %s/%s.data -e %s/%s.exp 2>&1; echo rc=$?",
		      TOOLS_DIR, args, dir, name, dir, name);

	ck_assert_msg(strstr(o, "rc=0") != NULL, "gen-perfdata %s: %s", args, o);
	free(o);
}

struct expect {
	unsigned long code;
	char name[64];
	unsigned long calls, total, min, max;
};

static int read_expect(const char *name, struct expect *e, int max)
{
	char path[128], line[256];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s.exp", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) && n < max)
		if (sscanf(line, "reason %lu %63s %lu %lu %lu %lu", &e[n].code, e[n].name,
			   &e[n].calls, &e[n].total, &e[n].min, &e[n].max) == 6)
			n++;
	fclose(f);
	return n;
}

static void assert_exact(const char *out, const struct expect *e, int n)
{
	char want[256];
	int i;

	for (i = 0; i < n; i++) {
		const char *r = table_row(out, e[i].name);

		ck_assert_msg(r != NULL, "no row %s in:\n%s", e[i].name, out);
		/* name, calls, total, min, avg: exactly the generated numbers */
		snprintf(want, sizeof(want), "%-20s %8lu %16.3f %12.3f %12.3f", e[i].name,
			 e[i].calls, e[i].total / 1000.0, e[i].min / 1000.0,
			 (double)e[i].total / e[i].calls / 1000.0);
		ck_assert_msg(strncmp(r, want, strlen(want)) == 0, "\n got: %.100s\nwant: %s",
			      r, want);
		snprintf(want, sizeof(want), " %12.3f ", e[i].max / 1000.0);
		ck_assert_msg(strstr(r, want) && strstr(r, want) < strchr(r, '\n'),
			      "max of %s: %.120s want%s", e[i].name, r, want);
	}
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* calls summed over every row of every table in @out */
static long sum_calls(const char *out)
{
	const char *p = out;
	long sum = 0;

	while ((p = strstr(p, "------\n"))) {
		p += 7;
		while (*p && *p != '\n' && strncmp(p, "kvm-exit latency", 16)) {
			sum += strtol(p + 20, NULL, 10);
			p = strchr(p, '\n');
			if (!p)
				return sum;
			p++;
		}
	}
	return sum;
}

/* `perf kvm stat report` on the same file agrees on calls, min, max, avg */
static void perf_agrees(const char *d, const char *name, const struct expect *e, int n)
{
	char *perf, *p;
	int i, checked = 0;

	if (access("/usr/bin/perf", X_OK) != 0)
		return;
	perf = run("perf kvm -i %s/%s.data stat report --event=vmexit 2>&1", d, name);
	for (p = strtok(perf, "\n"); p; p = strtok(NULL, "\n")) {
		char rname[64];
		unsigned long calls;
		double smp, tpct, mn, mx, avg;

		if (sscanf(p, " %63s %lu %lf%% %lf%% %lfus %lfus %lfus", rname, &calls, &smp, &tpct,
			   &mn, &mx, &avg) != 7)
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(e[i].name, rname))
				continue;
			ck_assert_uint_eq(calls, e[i].calls);
			ck_assert(fabs(mn - e[i].min / 1000.0) <= 0.0051);
			ck_assert(fabs(mx - e[i].max / 1000.0) <= 0.0051);
			ck_assert(fabs(avg - (double)e[i].total / e[i].calls / 1000.0) <= 0.0051);
			checked++;
		}
	}
	ck_assert_msg(checked == n, "perf reported %d of %d reasons:\n%s", checked, n, perf);
	free(perf);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pp-offline-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char *o = run("rm -rf %s", dir);

	free(o);
}

START_TEST(test_x86_exact_and_perf)
{
	struct expect e[64];
	char *out;
	int n;

	gen("x86", "-n 200000 -t 4 -c 4 -s 11");
	n = read_expect("x86", e, 64);
	ck_assert_int_ge(n, 10);
	out = run("%s kvm-exit --input %s/x86.data 2>&1", PERF_PROF_BIN, dir);
	assert_exact(out, e, n);
	perf_agrees(dir, "x86", e, n);
	free(out);
}
END_TEST

START_TEST(test_pipe_mode_same_numbers)
{
	struct expect e[64];
	char *file, *pipe;
	int n;

	gen("pipe", "-n 50000 -t 3 -c 2 -s 5 -p");
	n = read_expect("pipe", e, 64);
	pipe = run("cat %s/pipe.data | %s kvm-exit --input - 2>&1", dir, PERF_PROF_BIN);
	assert_exact(pipe, e, n);
	file = run("%s kvm-exit --input %s/pipe.data 2>&1", PERF_PROF_BIN, dir);
	ck_assert_str_eq(file, pipe);
	free(file);
	free(pipe);
}
END_TEST

START_TEST(test_other_kernels)
{
	struct expect e[64];
	char *out;
	int n, i;

	/* names from the recording's own formats: 3.10 says PENDING_INTERRUPT */
	gen("k310", "-n 40000 -f " TEST_DATA_DIR "/x86-3.10 -s 3");
	n = read_expect("k310", e, 64);
	for (i = 0; i < n; i++)
		if (e[i].code == 7)	/* the generator names codes by 6.18 */
			snprintf(e[i].name, sizeof(e[i].name), "PENDING_INTERRUPT");
	out = run("%s kvm-exit --input %s/k310.data 2>&1", PERF_PROF_BIN, dir);
	assert_exact(out, e, n);
	ck_assert_ptr_nonnull(table_row(out, "PENDING_INTERRUPT"));
	ck_assert_ptr_null(table_row(out, "INTERRUPT_WINDOW"));
	free(out);

	gen("arm", "-n 40000 -a arm64 -s 4");
	n = read_expect("arm", e, 64);
	out = run("%s kvm-exit --input %s/arm.data 2>&1", PERF_PROF_BIN, dir);
	assert_exact(out, e, n);
	ck_assert_ptr_nonnull(table_row(out, "DABT_LOW"));
	ck_assert_ptr_nonnull(table_row(out, "WFx"));
	free(out);
}
END_TEST

START_TEST(test_rich_samples)
{
	struct expect e[64];
	char *out;
	int n;

	/* samples carrying more fields than ours */
	gen("rich", "-n 30000 -x -s 9");
	n = read_expect("rich", e, 64);
	out = run("%s kvm-exit --input %s/rich.data 2>&1", PERF_PROF_BIN, dir);
	assert_exact(out, e, n);
	free(out);
}
END_TEST

/*
 * The layout `perf kvm stat record` writes: five kvm attrs and perf's
 * dummy:HG, kvm_pio/mmio/msr between exits and entries, side-band records,
 * 16 vCPUs of 2 VMs on 4 CPUs: the same exact numbers, in file and pipe mode.
 */
START_TEST(test_kvm_stat_layout)
{
	struct expect e[64];
	char *out, *pipe, *p, want[64];
	long samples = 0, extra = 0;
	int n;

	gen("ks", "--kvm-stat -V 2 -t 16 -c 4 -n 300000 -r 8192 -s 13");
	n = read_expect("ks", e, 64);
	ck_assert_int_ge(n, 10);
	out = run("grep -E '^(samples|(mmio|pio|msr)_samples) ' %s/ks.exp", dir);
	for (p = strtok(out, "\n"); p; p = strtok(NULL, "\n")) {
		char k[32];
		long v;

		ck_assert_int_eq(sscanf(p, "%31s %ld", k, &v), 2);
		if (!strcmp(k, "samples"))
			samples = v;
		else
			extra += v;
	}
	free(out);
	ck_assert_int_ge(samples, 299999);
	ck_assert_int_gt(extra, 10000);	/* mmio, pio and msr samples are there */
	out = run("%s kvm-exit --input %s/ks.data -v 2>&1", PERF_PROF_BIN, dir);
	assert_exact(out, e, n);
	/* every sample read, the extra events among them, none unknown */
	snprintf(want, sizeof(want), " %ld samples, ", samples);
	ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want, out);
	ck_assert_ptr_null(strstr(out, "skipped"));
	perf_agrees(dir, "ks", e, n);
	free(out);

	/* one table per vCPU thread: 8 vCPUs in each of the two VMs */
	out = run("%s kvm-exit --input %s/ks.data --perins 2>&1", PERF_PROF_BIN, dir);
	ck_assert_int_eq(count_substr(out, "kvm-exit latency THREAD "), 16);
	ck_assert_ptr_nonnull(strstr(out, " VCPU 7\n"));
	ck_assert_ptr_null(strstr(out, " VCPU 8\n"));
	free(out);

	gen("ksp", "--kvm-stat -V 2 -t 16 -c 4 -n 60000 -r 4096 -s 14 -p");
	n = read_expect("ksp", e, 64);
	pipe = run("cat %s/ksp.data | %s kvm-exit --input - 2>&1", dir, PERF_PROF_BIN);
	assert_exact(pipe, e, n);
	free(pipe);
}
END_TEST

/* exit-only recordings (perf record -e kvm:kvm_exit): counts, no latencies */
struct exits {
	char name[64];
	unsigned long calls, kernel;
};

static int read_exits(const char *name, struct exits *e, int max, unsigned long *all)
{
	char path[128], line[256];
	unsigned long code;
	FILE *f;
	int n = 0;

	*all = 0;
	snprintf(path, sizeof(path), "%s/%s.exp", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) && n < max)
		if (sscanf(line, "exits %lu %63s %lu %lu", &code, e[n].name, &e[n].calls,
			   &e[n].kernel) == 4)
			*all += e[n++].calls;
	fclose(f);
	return n;
}

START_TEST(test_exit_only_counts)
{
	static const char note_tail[] = " has kvm:kvm_exit but no kvm:kvm_entry events: exits are "
		"counted, without latencies (those need both: perf record -e kvm:kvm_exit -e "
		"kvm:kvm_entry)\n";
	struct exits e[64];
	unsigned long all, sum = 0;
	char *out, *p, want[512];
	int n, i, checked = 0;

	/* with lost bursts: what the gaps held is neither counted nor invented */
	gen("eo", "--exit-only -n 80000 -t 4 -c 4 -s 21 -l 3");
	n = read_exits("eo", e, 64, &all);
	ck_assert_int_ge(n, 10);
	out = run("%s kvm-exit --input %s/eo.data 2>%s/eo.err; echo rc=$?", PERF_PROF_BIN, dir, dir);
	ck_assert_msg(strstr(out, "rc=0\n") != NULL, "%s", out);
	snprintf(want, sizeof(want), "kvm-exit counts\n%-20s %8s %8s %12s\n", "exit_reason", "calls",
		 "%calls", "%gsys(calls)");
	ck_assert_msg(strstr(out, want) != NULL, "no header '%s' in:\n%s", want, out);
	ck_assert_ptr_null(strstr(out, "total(us)"));
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "\n%-20.63s %8lu %8.2f %12.2f\n", e[i].name, e[i].calls,
			 100.0 * e[i].calls / all, 100.0 * e[i].kernel / e[i].calls);
		ck_assert_msg(strstr(out, want) != NULL, "no row '%s' in:\n%s", want + 1, out);
		sum += e[i].calls;
	}
	ck_assert_uint_eq(sum, all);
	free(out);
	/* the one line that says why, and the loss */
	out = run("cat %s/eo.err", dir);
	snprintf(want, sizeof(want), "perf-prof: %s/eo.data%s", dir, note_tail);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "stderr:\n%s\nwant:\n%s", out, want);
	ck_assert_msg(strstr(out, "perf-prof: the recording lost ") &&
		      strstr(out, " records; what they held is not counted\n"), "%s", out);
	free(out);

	/* per guest RIP: the generator's hot RIPs, counted exactly */
	gen("eoh", "--exit-only -n 60000 -t 4 -c 2 -s 22 -R 3");
	out = run("%s kvm-exit --input %s/eoh.data --top-rip 3 2>/dev/null", PERF_PROF_BIN, dir);
	snprintf(want, sizeof(want), "\n%-20s %-40s %8s %8s\n", "exit_reason", "guest_rip", "calls",
		 "%calls");
	ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want, out);
	p = run("grep ^rip %s/eoh.exp", dir);
	for (char *l = strtok(p, "\n"); l; l = strtok(NULL, "\n")) {
		char name[64];
		unsigned long long addr, calls, total;
		long rcalls;

		ck_assert_int_eq(sscanf(l, "rip %63s %llx %llu %llu", name, &addr, &calls, &total), 4);
		rcalls = table_calls(out, name);
		ck_assert_int_gt(rcalls, 0);
		snprintf(want, sizeof(want), "%#-40llx %8llu %8.2f\n", addr, calls,
			 100.0 * calls / rcalls);
		ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want, out);
		checked++;
	}
	ck_assert_int_eq(checked, 36);	/* 12 reasons x 3 RIPs */
	free(p);
	free(out);

	/* per vCPU thread, the vCPU named by kvm_exit's own vcpu_id */
	out = run("%s kvm-exit --input %s/eoh.data --perins --vcpu 1,3 2>/dev/null", PERF_PROF_BIN, dir);
	ck_assert_int_eq(count_substr(out, "kvm-exit counts THREAD "), 2);
	ck_assert_ptr_nonnull(strstr(out, " VCPU 1\n"));
	ck_assert_ptr_nonnull(strstr(out, " VCPU 3\n"));
	free(out);

	/* JSON: the same counts */
	out = run("%s kvm-exit --input %s/eo.data --json 2>/dev/null", PERF_PROF_BIN, dir);
	ck_assert_ptr_nonnull(strstr(out, "\"title\":\"kvm-exit counts\""));
	snprintf(want, sizeof(want), "{\"exit_reason\":\"%s\",\"calls\":%lu,\"calls_pct\":%.2f,"
		 "\"gsys_calls_pct\":%.2f}", e[0].name, e[0].calls, 100.0 * e[0].calls / all,
		 100.0 * e[0].kernel / e[0].calls);
	ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want, out);
	free(out);

	/* what needs latencies is refused, and says why; no heatmap file is left */
	out = run("cd %s && %s kvm-exit --input eo.data --than 1ms 2>&1; echo rc=$?; "
		  "%s kvm-exit --input eo.data --heatmap hm 2>&1; echo rc=$?; ls hm.lat 2>&1",
		  dir, PERF_PROF_BIN, PERF_PROF_BIN);
	ck_assert_msg(strstr(out, "perf-prof: eo.data: --than needs latencies, and the recording "
			      "has kvm:kvm_exit but no kvm:kvm_entry events; record both (perf "
			      "record -e kvm:kvm_exit -e kvm:kvm_entry)\nrc=2\n") &&
		      strstr(out, "perf-prof: eo.data: --heatmap needs latencies") &&
		      strstr(out, "No such file"), "%s", out);
	ck_assert_int_eq(count_substr(out, "rc=2\n"), 2);
	free(out);

	/* a real one from this machine's perf, where kvm_exit never fires */
	out = run("%s kvm-exit --input %s/perfdata/real-kvm-exit-only.perf.data 2>&1; echo rc=$?",
		  PERF_PROF_BIN, TEST_DATA_DIR);
	/* no exit fired: said so in one line too (rule 4, docs/reliability.md) */
	snprintf(want, sizeof(want), "perf-prof: %s/perfdata/real-kvm-exit-only.perf.data%s"
		 "perf-prof: %s/perfdata/real-kvm-exit-only.perf.data: no kvm:kvm_exit or "
		 "kvm:kvm_entry sample in the recording\nrc=0\n", TEST_DATA_DIR, note_tail,
		 TEST_DATA_DIR);
	ck_assert_str_eq(out, want);
	free(out);
}
END_TEST

/* a gap never yields an invented latency, and is reported */
START_TEST(test_lost_never_paired_across)
{
	struct expect e[64];
	unsigned long calls = 0, want = 0, maxw = 0;
	char *out;
	int n, i;

	char msg[128], *exp;
	unsigned long lost;

	gen("lost", "-n 200000 -t 4 -c 4 -l 5 -s 13");
	n = read_expect("lost", e, 64);
	exp = run("grep lost_samples %s/lost.exp", dir);
	ck_assert_int_eq(sscanf(exp, "lost_samples %lu", &lost), 1);
	ck_assert_uint_gt(lost, 0);
	free(exp);
	out = run("%s kvm-exit --input %s/lost.data 2>&1", PERF_PROF_BIN, dir);
	snprintf(msg, sizeof(msg), "perf-prof: the recording lost %lu records; "
		 "pairs across the gaps were dropped\n", lost);
	ck_assert_msg(strstr(out, msg) != NULL, "want %s in:\n%s", msg, out);
	for (i = 0; i < n; i++) {
		const char *r = table_row(out, e[i].name);
		double mx;

		ck_assert_ptr_nonnull(r);
		calls += strtoul(r + 20, NULL, 10);
		want += e[i].calls;
		mx = strtod(strchr(r, '\n') - 19, NULL);
		ck_assert_msg(mx <= e[i].max / 1000.0 + 0.0005, "%s max %.3f > %.3f", e[i].name,
			      mx, e[i].max / 1000.0);
		if (e[i].max > maxw)
			maxw = e[i].max;
	}
	/* each gap may also drop the exits then pending on the 4 vCPUs */
	ck_assert_uint_le(calls, want);
	ck_assert_uint_ge(calls, want - 5 * 4);
	free(out);
}
END_TEST

START_TEST(test_intervals_on_recording_clock)
{
	struct expect e[64];
	unsigned long calls = 0, want = 0;
	int n, i, tables = 0;
	char *out, *p;

	gen("iv", "-n 200000 -t 4 -c 4 -s 21");
	n = read_expect("iv", e, 64);
	for (i = 0; i < n; i++)
		want += e[i].calls;
	out = run("%s kvm-exit --input %s/iv.data -i 500 2>&1", PERF_PROF_BIN, dir);
	for (p = out; (p = strstr(p, "\n-------------------- ")); p++) {
		char *q = strchr(p + 1, '\n') + 1;

		tables++;
		while (*q && *q != '\n' && strncmp(q, "kvm-exit", 8)) {
			calls += strtoul(q + 20, NULL, 10);
			q = strchr(q, '\n') + 1;
		}
	}
	/* the recording spans ~2.3 s: several tables that add up */
	ck_assert_msg(tables >= 4 && tables <= 6, "%d tables", tables);
	ck_assert_uint_eq(calls, want);
	free(out);
}
END_TEST

START_TEST(test_bad_input)
{
	char *out;

	/* a path that cannot be opened is a usage error, like --vmlinux's */
	out = run("%s kvm-exit --input /nonexistent.data 2>/dev/null; echo rc=$?", PERF_PROF_BIN);
	ck_assert_msg(strstr(out, "rc=2"), "%s", out);
	free(out);
	out = run("%s kvm-exit --input /nonexistent.data 2>&1 >/dev/null", PERF_PROF_BIN);
	ck_assert_msg(strstr(out, "/nonexistent.data") && strstr(out, "No such file"), "%s", out);
	ck_assert_int_eq(count_lines(out), 1);
	free(out);
	gen("cut", "-n 20000 -s 2");
	out = run("head -c 300000 %s/cut.data > %s/cut2.data; "
		  "%s kvm-exit --input %s/cut2.data 2>&1 >/dev/null; echo rc=$?",
		  dir, dir, PERF_PROF_BIN, dir);
	ck_assert_msg(strstr(out, "cut2.data") && strstr(out, "offset") && strstr(out, "rc=1"),
		      "%s", out);
	free(out);
	out = run("%s kvm-exit --input %s/x 2>&1 -C 0; echo rc=$?", PERF_PROF_BIN, dir);
	ck_assert_msg(strstr(out, "--input reads a recording") && strstr(out, "rc=2"), "%s", out);
	free(out);
}
END_TEST

/* a real per-task recording with sched_switch: --offcpu from the file */
START_TEST(test_offcpu_from_recording)
{
	char *out;

	if (geteuid() != 0 || access("/usr/bin/perf", X_OK) != 0)
		return;
	/*
	 * The workload starts once perf says its events are on (-D -1, then
	 * "enable" on the control fifo and its ack): a fixed sleep lost the
	 * race on a loaded machine, where perf took longer to attach.
	 */
	out = run("cd %s && mkfifo ctl ack go && bash -c '%s/workload nanosleep 30 1000 "
		  "< <(cat go) & A=$!; "
		  "perf record -q -D -1 --control fifo:ctl,ack -e raw_syscalls:sys_enter "
		  "-e raw_syscalls:sys_exit -e sched:sched_switch -p $A -o rec.data "
		  ">/dev/null 2>&1 & echo enable > ctl; read x < ack; echo g > go; wait'; "
		  "%s syscalls --input rec.data --offcpu 2>&1",
		  dir, TOOLS_DIR, PERF_PROF_BIN);
	ck_assert_msg(table_calls(out, "clock_nanosleep") == 30, "%s", out);
	ck_assert_msg(table_col(out, "clock_nanosleep", 10) > 90.0, "%s", out);
	free(out);
	/* perf's own context-switch records (in and out): sleeping vs spinning */
	out = run("cd %s && rm -f ctl ack && mkfifo ctl ack go1 go2 && "
		  "bash -c 'W=%s/workload; $W nanosleep 30 1000 < <(cat go1) & A=$!; "
		  "$W getppid 5000 < <(cat go2) & B=$!; "
		  "perf record -q -D -1 --control fifo:ctl,ack --switch-events -m 1024 "
		  "-e raw_syscalls:sys_enter -e raw_syscalls:sys_exit -p $A,$B -o sw.data "
		  ">/dev/null 2>&1 & echo enable > ctl; read x < ack; echo g > go1; echo g > go2; "
		  "wait'; %s syscalls --input sw.data --offcpu 2>&1",
		  dir, TOOLS_DIR, PERF_PROF_BIN);
	ck_assert_msg(table_calls(out, "clock_nanosleep") == 30, "%s", out);
	ck_assert_msg(table_col(out, "clock_nanosleep", 10) > 90.0, "%s", out);
	/* 5,000 calls fit perf record's 4 MiB buffer whole: perf loses none */
	ck_assert_msg(table_calls(out, "getppid") == 5000, "%s", out);
	ck_assert_msg(table_col(out, "getppid", 10) < 5.0, "%s", out);
	free(out);
	/* without sched_switch in the recording, --offcpu says what is missing */
	out = run("%s kvm-exit --input %s --offcpu 2>&1; echo rc=$?", PERF_PROF_BIN,
		  TEST_DATA_DIR "/sample-kvm-generated.perf.data");
	ck_assert_msg(strstr(out, "--offcpu needs context switches in the recording") &&
		      strstr(out, "rc=1"), "%s", out);
	free(out);
}
END_TEST

/* ARM64 events carry no vCPU id: --vcpu explains itself */
START_TEST(test_vcpu_filter)
{
	struct expect e[64];
	unsigned long total = 0, calls = 0;
	char *out, *p;
	int n, i;

	gen("vc", "-n 40000 -t 4 -c 2 -s 8");
	n = read_expect("vc", e, 64);
	for (i = 0; i < n; i++)
		total += e[i].calls;
	/* each vCPU alone, then all together: the parts add up to the whole */
	for (i = 0; i < 4; i++) {
		out = run("%s kvm-exit --input %s/vc.data --vcpu %d 2>&1", PERF_PROF_BIN, dir, i);
		for (p = strstr(out, "------\n"); p && (p = strchr(p, '\n')) && p[1] && p[1] != '\n'; p++)
			calls += strtoul(p + 21, NULL, 10);
		free(out);
	}
	ck_assert_uint_eq(calls, total);
	out = run("%s kvm-exit --input %s/vc.data --vcpu 0-3 --perins 2>&1", PERF_PROF_BIN, dir);
	ck_assert_int_eq(count_substr(out, "kvm-exit latency THREAD "), 4);
	ck_assert_ptr_nonnull(strstr(out, " VCPU 3\n"));
	free(out);
	gen("vca", "-n 4000 -a arm64 -s 8");
	out = run("%s kvm-exit --input %s/vca.data --vcpu 0 2>&1; echo rc=$?", PERF_PROF_BIN, dir);
	ck_assert_msg(strstr(out, "--vcpu: these kvm:kvm_exit events carry no vCPU id") &&
		      strstr(out, "rc=2"), "%s", out);
	free(out);
}
END_TEST

/* --than on the sample recording: exact text against a golden file */
START_TEST(test_than_golden)
{
	char *out, *want;

	out = run("%s kvm-exit --input %s/sample-kvm-generated.perf.data --than 150us 2>&1",
		  PERF_PROF_BIN, TEST_DATA_DIR);
	want = run("cat %s/golden/sample-than-150us.txt", TEST_DATA_DIR);
	ck_assert_str_eq(out, want);
	/* the layout of seed 000: time, comm (its COMM record's, as perf script says),
	 * tid, flags, [cpu], timestamp: event: */
	ck_assert(strstr(out, "1000.008718        CPU 2/KVM  46434 .... [002]"
			  "   1000.008718: kvm:kvm_exit: vcpu 2 reason "
			  "EXTERNAL_INTERRUPT rip 0xffffffff813e51c0 info1 ") == out);
	/* idle exits stay out unless asked for */
	ck_assert_ptr_null(strstr(out, "reason HLT "));
	free(out);
	free(want);
}
END_TEST

/* every pair at or above the threshold is dumped, as the heatmap counts them */
START_TEST(test_than_matches_heatmap)
{
	char *out, *lat;
	long above = 0;
	char *p;

	out = run("%s kvm-exit --input %s/sample-kvm-generated.perf.data --than 1ms --than-hlt "
		  "--heatmap %s/h 2>&1", PERF_PROF_BIN, TEST_DATA_DIR, dir);
	/* the data lines, after the header */
	lat = run("grep -v '^#' %s/h.lat", dir);
	for (p = lat; *p; p = strchr(p, '\n') + 1) {
		unsigned long t, l;

		ck_assert_int_eq(sscanf(p, "%lu %lu", &t, &l), 2);
		above += l >= 1000000;
	}
	ck_assert_int_gt(above, 0);
	ck_assert_int_eq(count_substr(out, ": kvm:kvm_exit: "), above);
	ck_assert_int_eq(count_substr(out, ": kvm:kvm_entry: "), above);
	/* and the heatmap has one line per call in the table */
	ck_assert_int_eq(count_lines(lat), sum_calls(out));
	free(out);
	free(lat);
}
END_TEST

/*
 * A million exits of another kernel (5.10 formats) over 8 vCPUs and 4 CPUs:
 * every column perf kvm stat has agrees with it, and the p99 column is
 * within 1% of the exact nearest-rank p99 of what was generated.
 */
START_TEST(test_p99_against_exact)
{
	struct expect e[64];
	char *out, *exp, *p;
	int n, checked = 0;

	gen("big", "-n 2000000 -t 8 -c 4 -s 21 -q -f " TEST_DATA_DIR "/x86-5.10");
	out = run("%s kvm-exit --input %s/big.data 2>&1", PERF_PROF_BIN, dir);
	/* every column both tools have: exact against the generator and perf */
	n = read_expect("big", e, 64);
	assert_exact(out, e, n);
	perf_agrees(dir, "big", e, n);
	exp = run("grep ^quantile %s/big.exp", dir);
	for (p = strtok(exp, "\n"); p; p = strtok(NULL, "\n")) {
		char name[64];
		unsigned long p50, p99, p999;
		double got;

		ck_assert_int_eq(sscanf(p, "quantile %63s %lu %lu %lu", name, &p50, &p99, &p999), 4);
		got = table_col(out, name, 5) * 1000.0;
		ck_assert_msg(fabs(got - p99) <= 0.01 * p99, "%s p99 %.0f ns, exact %lu ns", name,
			      got, p99);
		checked++;
	}
	ck_assert_int_ge(checked, 10);
	free(exp);
	free(out);
}
END_TEST

/* --top-rip: the generator's hot guest RIPs, counted exactly and named */
START_TEST(test_top_rip_and_vmlinux)
{
	char *out, *exp, *p, want[256];
	int checked = 0;

	gen("hot", "-n 100000 -R 4 -s 3");
	/* a guest "vmlinux": one 4 KiB function per exit-reason index at HOT_BASE */
	out = run("cd %s && for i in $(seq 0 15); do printf '.globl handler_%%02d\n.type "
		  "handler_%%02d,@function\nhandler_%%02d: .skip 0x1000\n.size handler_%%02d,"
		  "0x1000\n' $i $i $i $i; done > g.s && as -o g.o g.s && "
		  "ld -Ttext=0xffffffff81000000 -e handler_00 -o vmlinux g.o && "
		  "strip -o vmlinux.stripped vmlinux && echo built", dir);
	ck_assert_msg(strstr(out, "built"), "%s", out);
	free(out);
	out = run("%s kvm-exit --input %s/hot.data --top-rip 4 --vmlinux %s/vmlinux 2>&1",
		  PERF_PROF_BIN, dir, dir);
	snprintf(want, sizeof(want), "\n%-20s %-40s %8s %16s %12s %12s\n", "exit_reason",
		 "guest_rip", "calls", "total(us)", "avg(us)", "max(us)");
	ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want, out);
	exp = run("grep ^rip %s/hot.exp", dir);
	for (p = strtok(exp, "\n"); p; p = strtok(NULL, "\n")) {
		char name[64];
		unsigned long long addr, calls, total;
		char sym[64];

		ck_assert_int_eq(sscanf(p, "rip %63s %llx %llu %llu", name, &addr, &calls, &total), 4);
		if ((addr & 0xfff) == 0)
			snprintf(sym, sizeof(sym), "handler_%02llu", (addr >> 12) & 0xff);
		else
			snprintf(sym, sizeof(sym), "handler_%02llu+%#llx", (addr >> 12) & 0xff,
				 addr & 0xfff);
		snprintf(want, sizeof(want), " %-40s %8llu %16.3f ", sym, calls, total / 1000.0);
		ck_assert_msg(strstr(out, want) != NULL, "no line '%s' in:\n%s", want, out);
		checked++;
	}
	ck_assert_int_ge(checked, 40);
	free(exp);
	free(out);
	/* without --vmlinux the addresses print in hex */
	out = run("%s kvm-exit --input %s/hot.data --top-rip 1 2>&1", PERF_PROF_BIN, dir);
	ck_assert_ptr_nonnull(strstr(out, " 0xffffffff81001000 "));
	free(out);
	out = run("%s kvm-exit --input %s/hot.data --vmlinux %s/vmlinux.stripped 2>&1; echo rc=$?",
		  PERF_PROF_BIN, dir, dir);
	ck_assert_msg(strstr(out, "has no symbol table (stripped?)") && strstr(out, "rc=2"),
		      "%s", out);
	free(out);
}
END_TEST

/*
 * --top-rip under KASLR: the recording's guest kernel runs 0x1e200000
 * above its vmlinux.  The vmlinux alone names nothing and says so; with
 * the offset, a kallsyms copy, or both, every hot RIP gets its name, and
 * from the vmlinux's DWARF the file:line addr2line gives.
 */
START_TEST(test_top_rip_kaslr)
{
	char *out, *exp, *p, want[512], err[512];
	const unsigned long long off = 0x1e200000;
	int checked;

	ck_assert_msg(guestelf_build(dir, err, sizeof(err)) == 0 &&
		      guestelf_kallsyms(dir, "kallsyms", off, err, sizeof(err)) == 0, "%s", err);
	gen("kaslr", "-n 100000 -R 4 -s 3 -k 1e200000");
	exp = run("grep ^rip %s/kaslr.exp", dir);

	/* the vmlinux alone: hex, and one line saying why */
	out = run("%s kvm-exit --input %s/kaslr.data --vmlinux %s/vmlinux 2>&1 >/dev/null; echo rc=$?",
		  PERF_PROF_BIN, dir, dir);
	snprintf(want, sizeof(want), "perf-prof: none of the 48 guest kernel addresses shown lies "
		 "inside a symbol of '%s/vmlinux': the guest kernel is probably randomized (KASLR); "
		 "give --kallsyms (a copy of the guest's /proc/kallsyms) or --kaslr-offset HEX\nrc=0\n",
		 dir);
	ck_assert_str_eq(out, want);
	free(out);

	for (int mode = 0; mode < 3; mode++) {
		const char *args[] = { "--vmlinux %s/vmlinux --kaslr-offset 0x1e200000",
				       "--kallsyms %s/kallsyms",
				       "--vmlinux %s/vmlinux --kallsyms %s/kallsyms -v" };
		char opt[512], *copy;

		snprintf(opt, sizeof(opt), args[mode], dir, dir);
		out = run("%s kvm-exit --input %s/kaslr.data --top-rip 4 %s 2>&1", PERF_PROF_BIN,
			  dir, opt);
		/* file:line needs the vmlinux's DWARF */
		snprintf(want, sizeof(want), "\n%-20s %-40s %8s %16s %12s %12s%s\n", "exit_reason",
			 "guest_rip", "calls", "total(us)", "avg(us)", "max(us)",
			 mode == 1 ? "" : " source");
		ck_assert_msg(strstr(out, want) != NULL, "mode %d: no '%s' in:\n%s", mode, want, out);
		ck_assert_ptr_null(strstr(out, "none of the"));
		if (mode == 2)
			ck_assert_ptr_nonnull(strstr(out, "perf-prof: KASLR offset 0x1e200000: '"));
		checked = 0;
		copy = strdup(exp);
		for (p = strtok(copy, "\n"); p; p = strtok(NULL, "\n")) {
			char name[64], sym[64];
			unsigned long long addr, calls, total;
			char *line;

			ck_assert_int_eq(sscanf(p, "rip %63s %llx %llu %llu", name, &addr, &calls,
						&total), 4);
			if (((addr - off) & 0xfff) == 0)
				snprintf(sym, sizeof(sym), "handler_%02llu", ((addr - off) >> 12) & 0xff);
			else
				snprintf(sym, sizeof(sym), "handler_%02llu+%#llx",
					 ((addr - off) >> 12) & 0xff, (addr - off) & 0xfff);
			snprintf(want, sizeof(want), " %-40s %8llu %16.3f ", sym, calls,
				 total / 1000.0);
			line = strstr(out, want);
			ck_assert_msg(line != NULL, "mode %d: no line '%s' in:\n%s", mode, want, out);
			if (mode != 1) {
				char *src = guestelf_addr2line(dir, addr - off);
				char *eol = strchr(line, '\n');

				ck_assert_ptr_nonnull(src);
				snprintf(want, sizeof(want), " %s\n", src);
				ck_assert_msg(eol && (size_t)(eol + 1 - line) > strlen(want) &&
					      !strncmp(eol + 1 - strlen(want), want, strlen(want)),
					      "mode %d: %s: line '%.*s' does not end in '%s'", mode, sym,
					      (int)(eol - line), line, src);
				free(src);
			}
			checked++;
		}
		ck_assert_int_eq(checked, 48);
		free(copy);
		free(out);
	}

	/* an exit-only recording of the same guest: counts, named */
	gen("kaslre", "--exit-only -n 40000 -R 2 -s 5 -k 1e200000");
	out = run("%s kvm-exit --input %s/kaslre.data --kallsyms %s/kallsyms 2>/dev/null",
		  PERF_PROF_BIN, dir, dir);
	ck_assert_msg(strstr(out, "kvm-exit counts\n") && strstr(out, " handler_01 ") &&
		      strstr(out, " handler_01+0x10 "), "%s", out);
	free(out);

	/* an offset needs the vmlinux it shifts, and must be hex */
	out = run("%s kvm-exit --input %s/kaslr.data --kaslr-offset 0x1e200000 2>&1; echo rc=$?; "
		  "%s kvm-exit --input %s/kaslr.data --vmlinux %s/vmlinux --kaslr-offset 1e2g 2>&1; "
		  "echo rc=$?", PERF_PROF_BIN, dir, PERF_PROF_BIN, dir, dir);
	ck_assert_msg(strstr(out, "perf-prof kvm-exit: --kaslr-offset shifts the addresses of "
			      "--vmlinux, which is missing\n") &&
		      strstr(out, "perf-prof kvm-exit: invalid --kaslr-offset '1e2g' (a hex number, "
			      "e.g. 0x1e200000)\n"), "%s", out);
	ck_assert_int_eq(count_substr(out, "rc=2\n"), 2);
	free(out);
	free(exp);
}
END_TEST

static Suite *offline_suite(void)
{
	Suite *s = suite_create("offline");
	TCase *tc = tcase_create("input");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_x86_exact_and_perf);
	tcase_add_test(tc, test_pipe_mode_same_numbers);
	tcase_add_test(tc, test_other_kernels);
	tcase_add_test(tc, test_rich_samples);
	tcase_add_test(tc, test_kvm_stat_layout);
	tcase_add_test(tc, test_exit_only_counts);
	tcase_add_test(tc, test_lost_never_paired_across);
	tcase_add_test(tc, test_intervals_on_recording_clock);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_offcpu_from_recording);
	tcase_add_test(tc, test_vcpu_filter);
	tcase_add_test(tc, test_than_golden);
	tcase_add_test(tc, test_than_matches_heatmap);
	tcase_add_test(tc, test_p99_against_exact);
	tcase_add_test(tc, test_top_rip_and_vmlinux);
	tcase_add_test(tc, test_top_rip_kaslr);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(offline_suite)
