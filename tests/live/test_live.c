// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live end-to-end tests: the real perf-prof binary against workloads with
 * an exactly known number of system calls (root required).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "unit.h"
#include "live.h"
#include <perf-prof/proc.h>
#include <perf-prof/tracefs.h>

#define N_CALLS 20000

START_TEST(test_syscalls_pid_exact)
{
	/* exact counts need buffers that outlast a scheduling delay: -m 1024 */
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1024", NULL };
	const char *wl[] = { "getppid", "20000", NULL };
	struct run_result r;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == N_CALLS, "out:\n%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "syscalls latency\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "syscall                 calls        total(us)"
					    "      min(us)      avg(us)      p99(us)      max(us)    err\n"));
	/* getppid never fails */
	ck_assert_int_eq((int)table_col(r.out, "getppid", 7), 0);
	ck_assert_ptr_null(strstr(r.err, "lost"));
	run_result_free(&r);
}
END_TEST

START_TEST(test_syscalls_perins)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "--perins", "-m", "1024", NULL };
	const char *wl[] = { "getppid", "20000", NULL };
	struct run_result r;
	char title[64];

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == N_CALLS, "out:\n%s", r.out);
	/* one thread: one table, titled with its tid */
	ck_assert_int_eq(count_substr(r.out, "syscalls latency THREAD "), 1);
	snprintf(title, sizeof(title), "syscalls latency THREAD ");
	ck_assert_ptr_nonnull(strstr(r.out, title));
	run_result_free(&r);
}
END_TEST

START_TEST(test_syscalls_tid_exact)
{
	const char *pp[] = { "syscalls", "-t", "{PID}", "-m", "1024", NULL };
	const char *wl[] = { "getppid", "20000", NULL };
	struct run_result r;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == N_CALLS, "out:\n%s", r.out);
	run_result_free(&r);
}
END_TEST

/* per-CPU buffers, merged by time; the filter keeps other processes out */
START_TEST(test_syscalls_cpu_filter)
{
	const char *pp[] = { "syscalls", "-C", "0-1", "-m", "1024", "--filter",
			     "common_pid=={PID}", NULL };
	const char *wl[] = { "getppid", "20000", NULL };
	struct run_result r;

	live_run(pp, wl, LIVE_SIGINT, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == N_CALLS, "out:\n%s\nerr:\n%s",
		      r.out, r.err);
	run_result_free(&r);
}
END_TEST

START_TEST(test_syscalls_cpu_perins)
{
	const char *pp[] = { "syscalls", "-C", "0-1", "--perins", "--filter",
			     "common_pid=={PID}", NULL };
	const char *wl[] = { "nanosleep", "50", "100", NULL };
	struct run_result r;
	char *p;
	long total = 0;

	live_run(pp, wl, LIVE_SIGINT, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "syscalls latency CPU "));
	/* the calls are split over the CPU tables and add up */
	for (p = r.out; (p = strstr(p, "\nclock_nanosleep ")); p++)
		total += table_calls(p + 1, "clock_nanosleep");
	ck_assert_msg(total == 50, "total %ld, out:\n%s", total, r.out);
	run_result_free(&r);
}
END_TEST

/* -i: each interval covers only itself; together they count every call */
START_TEST(test_syscalls_interval)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-i", "100", NULL };
	const char *wl[] = { "nanosleep", "60", "5000", NULL };
	struct run_result r;
	const char *p;
	long total = 0;
	int tables = 0;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	for (p = r.out; (p = strstr(p, "syscalls latency\n")); p++) {
		long n = table_calls(p, "clock_nanosleep");

		/* first row of this table only: stop at the blank line */
		if (n > 0 && strstr(p, "\nclock_nanosleep ") < strstr(p, "\n\n"))
			total += n;
		tables++;
	}
	ck_assert_msg(tables >= 2, "only %d tables:\n%s", tables, r.out);
	ck_assert_msg(total == 60, "total %ld over %d tables:\n%s", total, tables, r.out);
	/* every table starts with a wall-clock line */
	ck_assert_int_eq(count_substr(r.out, " \nsyscalls latency\n"), tables);
	/* nanosleep(5ms): latencies near 5 ms */
	ck_assert(table_col(r.out, "clock_nanosleep", 3) >= 5000.0);
	run_result_free(&r);
}
END_TEST

START_TEST(test_sigterm_prints_table)
{
	const char *pp[] = { "syscalls", "-C", "0-1", "-m", "1024", "--filter",
			     "common_pid=={PID}", NULL };
	const char *wl[] = { "getppid", "1000", NULL };
	struct run_result r;

	live_run(pp, wl, LIVE_SIGINT, &r);	/* SIGINT */
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_eq(table_calls(r.out, "getppid"), 1000);
	run_result_free(&r);
}
END_TEST

/* a tiny buffer loses records: reported, never over-counted */
START_TEST(test_lost_reported)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1", "-v", NULL };
	const char *wl[] = { "getppid", "300000", NULL };
	struct run_result r;
	unsigned long lost = 0, gaps = 0;
	long calls;
	const char *p;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	calls = table_calls(r.out, "getppid");
	p = strstr(r.err, "perf-prof: lost ");
	ck_assert_msg(p != NULL, "no lost line in:\n%s", r.err);
	ck_assert_ptr_nonnull(strstr(p, "raise -m"));
	p = strstr(r.err, " lost in ");
	ck_assert_msg(p != NULL, "err:\n%s", r.err);
	while (p > r.err && p[-1] != ' ')
		p--;
	ck_assert_msg(sscanf(p, "%lu lost in %lu gaps", &lost, &gaps) == 2, "err:\n%s", r.err);
	ck_assert(lost > 0);
	ck_assert_msg(calls <= 300000, "calls %ld", calls);
	/* a gap costs its lost records' calls plus at most one pending call */
	ck_assert_msg(calls + (long)lost + (long)gaps >= 300000, "calls %ld lost %lu gaps %lu",
		      calls, lost, gaps);
	run_result_free(&r);
}
END_TEST

/*
 * A buffer that overflows and stays full until its thread has exited gets
 * no LOST record: the kernel writes one only when it has room again.  The
 * reader is stopped for the whole run, so nearly everything is lost that
 * way; the events' own lost counts (PERF_FORMAT_LOST) still account for
 * every record: samples + lost = what the workload produced.
 */
START_TEST(test_lost_at_exit_counted)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1", "-v", NULL };
	const char *wl[] = { "getppid", "100000", NULL };
	unsigned long samples = 0, lost = 0, gaps = 0;
	struct run_result r;
	const char *p;

	live_run(pp, wl, LIVE_STOP_READER, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(strstr(r.err, "records lost at the end, not reported in the ring"),
		      "%s", r.err);
	p = strstr(r.err, " samples, ");
	ck_assert_msg(p != NULL, "%s", r.err);
	while (p > r.err && p[-1] != ' ')
		p--;
	ck_assert_int_eq(sscanf(p, "%lu samples", &samples), 1);
	p = strstr(r.err, " lost in ");
	ck_assert_msg(p != NULL, "%s", r.err);
	while (p > r.err && p[-1] != ' ')
		p--;
	ck_assert_int_eq(sscanf(p, "%lu lost in %lu gaps", &lost, &gaps), 2);
	/*
	 * 100,000 getppid pairs, the exit of the read() the workload waited
	 * in when tracing began, and the exit_group enter (which never exits)
	 */
	ck_assert_msg(samples + lost == 200002, "samples %lu + lost %lu\n%s", samples, lost,
		      r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "raise -m"));
	run_result_free(&r);
}
END_TEST

START_TEST(test_kvm_exit_opens_and_exits)
{
	const char *pp[] = { "kvm-exit", "-p", "{PID}", "-i", "100", "-v", NULL };
	const char *wl[] = { "getppid", "10", NULL };
	struct run_result r;

	live_run(pp, wl, 0, &r);
	/* kvm tracepoints open here but never fire: no table, clean exit */
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "Tracing kvm:kvm_exit on 1 thread"));
	ck_assert_ptr_nonnull(strstr(r.err, "opened 2 events on thread"));
	ck_assert_str_eq(r.out, "");
	/* no table, but a word why (make run on a host whose qemu runs TCG) */
	ck_assert_msg(strstr(r.err, "perf-prof: no kvm:kvm_exit event fired in ") &&
		      strstr(r.err, " s of tracing: the traced VMs made no exits (a qemu "
				    "without KVM, under TCG, makes none)\n"), "stderr: %s", r.err);
	run_result_free(&r);
}
END_TEST


/* a vCPU-like thread that wakes on another CPU: merged buffers pair it */
START_TEST(test_migration_pairs_across_cpus)
{
	/* -m 256: every pair is dumped, and a busy machine must not lose one */
	const char *pp[] = { "syscalls", "-C", "0-1", "-m", "256", "--than", "1", "--filter",
			     "common_pid=={PID}", NULL };
	const char *wl[] = { "migrate", "1000", "300", NULL };
	struct run_result r;
	int pairs = 0, cross = 0;
	char *line, *save = NULL, prev_cpu[8] = "";
	bool in_pair = false;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	live_run(pp, wl, LIVE_SIGINT, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "rt_sigtimedwait") == 1000, "calls %ld, stderr: %.2000s",
		      table_calls(r.out, "rt_sigtimedwait"), r.err);
	/* the timeout is 300 us: no pairing error invents longer or shorter */
	ck_assert(table_col(r.out, "rt_sigtimedwait", 3) >= 300.0);
	ck_assert(table_col(r.out, "rt_sigtimedwait", 4) < 3000.0);
	/* count the pairs that entered on one CPU and returned on the other */
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *cpu = strstr(line, " [");

		if (!cpu || !strstr(line, "NR 128"))
			continue;
		if (!in_pair) {
			snprintf(prev_cpu, sizeof(prev_cpu), "%.5s", cpu);
		} else {
			pairs++;
			cross += strncmp(prev_cpu, cpu, 5) != 0;
		}
		in_pair = !in_pair;
	}
	ck_assert_int_eq(pairs, 1000);
	ck_assert_msg(cross >= 100, "only %d of 1000 pairs crossed CPUs", cross);
	run_result_free(&r);
}
END_TEST

/* issue 3's acceptance: --than lines, heatmap lines, and the SVG */
START_TEST(test_than_heatmap_svg)
{
	const char *pp[] = { "syscalls", "-C", "0-1", "--than", "1ms", "--heatmap",
			     "/tmp/pp-live-h", "--filter", "common_pid=={PID}", NULL };
	const char *wl[] = { "nanosleep", "20", "2000", NULL };
	const char *svg[] = { "heatmap", "/tmp/pp-live-h.lat", "-o", "/tmp/pp-live-h.svg", NULL };
	struct run_result r, s;
	char *lat, *img;
	long calls = 0;
	const char *p;

	unlink("/tmp/pp-live-h.lat");
	live_run(pp, wl, LIVE_SIGINT, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_int_eq(table_calls(r.out, "clock_nanosleep"), 20);
	ck_assert_int_eq(count_substr(r.out, ": raw_syscalls:sys_enter: NR 230 ("), 20);
	ck_assert_int_eq(count_substr(r.out, ": raw_syscalls:sys_exit: NR 230 = 0"), 20);
	/* every row of the table is one heatmap line */
	for (p = strstr(r.out, "-\n"); p && (p = strchr(p, '\n')) && p[1] && p[1] != '\n'; p++) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p + 1, " "), p + 1);
		calls += table_calls(p + 1, name);
	}
	lat = read_file("/tmp/pp-live-h.lat", NULL);
	ck_assert_ptr_nonnull(lat);
	/* after the header line naming the profiler and the reason column */
	ck_assert_int_eq(strncmp(lat, "# perf-prof syscalls: time_ns latency_ns syscall\n", 49), 0);
	ck_assert_int_eq(count_substr(lat, "\n"), calls + 1);
	ck_assert_int_eq(count_substr(lat, " clock_nanosleep\n"), 20);
	free(lat);
	pp_run(svg, &s);
	ck_assert_msg(s.code == 0, "%s", s.err);
	img = read_file("/tmp/pp-live-h.svg", NULL);
	ck_assert_ptr_nonnull(img);
	ck_assert_ptr_nonnull(strstr(img, "<svg"));
	ck_assert_ptr_nonnull(strstr(img, "</svg>"));
	free(img);
	run_result_free(&s);
	run_result_free(&r);
	unlink("/tmp/pp-live-h.lat");
	unlink("/tmp/pp-live-h.svg");
}
END_TEST

/* --offcpu: a sleeping syscall is all scheduled out, a spinning one none */
START_TEST(test_offcpu_split)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "--offcpu", "-m", "1024", NULL };
	const char *sleep_wl[] = { "nanosleep", "40", "1000", NULL };
	const char *spin_wl[] = { "getppid", "20000", NULL };
	struct run_result r;

	live_run(pp, sleep_wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "        oncpu(us)        sched(us) %sched\n"));
	ck_assert_int_eq(table_calls(r.out, "clock_nanosleep"), 40);
	/* columns: 8 oncpu, 9 sched, 10 %sched */
	ck_assert_msg(table_col(r.out, "clock_nanosleep", 10) > 90.0, "%s", r.out);
	ck_assert(fabs(table_col(r.out, "clock_nanosleep", 8) + table_col(r.out, "clock_nanosleep", 9) -
		       table_col(r.out, "clock_nanosleep", 2)) < 0.01);
	run_result_free(&r);

	live_run(pp, spin_wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_int_eq(table_calls(r.out, "getppid"), 20000);
	ck_assert_msg(table_col(r.out, "getppid", 10) < 5.0, "%s", r.out);
	run_result_free(&r);
}
END_TEST

/* --json: one object per interval and instance, the table's numbers */
START_TEST(test_json_lines)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "--json", "--percentiles", "50,99.9",
			     NULL };
	const char *wl[] = { "nanosleep", "25", "1000", NULL };
	struct run_result r;
	const char *row;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(strncmp(r.out, "{\"time\":\"", 9) == 0, "%s", r.out);
	ck_assert_int_eq(count_substr(r.out, "\n"), 1);
	ck_assert_ptr_nonnull(strstr(r.out, "\"title\":\"syscalls latency\",\"instance\":"
					    "{\"type\":\"all\"},\"lost\":0,\"rows\":["));
	row = strstr(r.out, "{\"syscall\":\"clock_nanosleep\",\"calls\":25,\"total_us\":");
	ck_assert_msg(row != NULL, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(row, "\"p50_us\":"));
	ck_assert_ptr_nonnull(strstr(row, "\"p99.9_us\":"));
	ck_assert_ptr_nonnull(strstr(row, "\"err\":0}"));
	ck_assert_ptr_nonnull(strstr(r.out, "]}\n"));
	run_result_free(&r);
}
END_TEST

/* several -p: one table per process, labelled with its name and pid */
START_TEST(test_per_process_tables)
{
	char cmd[1024], buf[8192];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "bash -c 'W=%s/workload; $W getppid 3000 < <(sleep 1.5; echo g) & A=$!; "
		 "$W getppid 5000 < <(sleep 1.5; echo g) & B=$!; sleep 0.3; "
		 "timeout 20 %s syscalls -m 1024 -p $A,$B 2>/dev/null; wait'",
		 TOOLS_DIR, PERF_PROF_BIN);
	f = popen(cmd, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	pclose(f);
	ck_assert_int_eq(count_substr(buf, "syscalls latency PROCESS workload "), 2);
	/* the first table is the lower pid's: both counts appear, exactly */
	ck_assert_msg(strstr(buf, "\ngetppid                  3000 ") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\ngetppid                  5000 ") != NULL, "%s", buf);
}
END_TEST

/* a thread that ends between listing and opening is skipped, not fatal */
START_TEST(test_vanished_thread_skipped)
{
	struct run_result r;
	char tids[64], solo[32];
	const char *pp[] = { "syscalls", "-t", tids, "-v", "-m", "1024", NULL };
	const char *only[] = { "syscalls", "-t", solo, NULL };
	const char *wl[] = { "getppid", "1000", NULL };
	pid_t z = fork();

	if (z == 0)
		_exit(0);	/* a zombie: /proc has it, perf_event_open says ESRCH */
	usleep(100000);
	snprintf(tids, sizeof(tids), "%d,{PID}", z);
	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_int_eq(table_calls(r.out, "getppid"), 1000);
	ck_assert_ptr_nonnull(strstr(r.err, "exited before it could be traced: skipped"));
	run_result_free(&r);
	snprintf(solo, sizeof(solo), "%d", z);
	pp_run(only, &r);
	ck_assert_int_eq(r.code, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "perf-prof: every thread to trace has exited\n"));
	run_result_free(&r);
	waitpid(z, NULL, 0);
}
END_TEST

/*
 * -r: the reader runs at SCHED_FIFO and counts a full-speed storm exactly.
 * (Unsanitized, 64 pages then suffice.  The ASan build reads several times
 * slower and lost 18,315 records once at -m 256 in a full sanitized run, so
 * the test leaves it 1024: it is about -r taking effect and exact counts.)
 */
START_TEST(test_realtime_reader)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-r", "50", "-m", "1024", "-v", NULL };
	const char *wl[] = { "getppid", "300000", NULL };
	struct run_result r;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == 300000, "%s\n%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "reader at SCHED_FIFO priority 50\n"));
	ck_assert_ptr_nonnull(strstr(r.err, " 0 lost in 0 gaps"));
	run_result_free(&r);
}
END_TEST

static void expect_error(const char *const *args, int code, const char *msg)
{
	struct run_result r;

	pp_run(args, &r);
	ck_assert_msg(r.code == code, "%s: exit %d (want %d), stderr: %s", args[1], r.code,
		      code, r.err);
	ck_assert_msg(strstr(r.err, msg) != NULL, "stderr lacks '%s':\n%s", msg, r.err);
	ck_assert_str_eq(r.out, "");
	run_result_free(&r);
}

START_TEST(test_usage_errors)
{
	const char *a1[] = { "kvm-exit", "--bogus", NULL };
	const char *a2[] = { "kvm-exit", "-C", "0-x", NULL };
	const char *a3[] = { "kvm-exit", "-C", "4000", NULL };
	const char *a4[] = { "kvm-exit", "-p", "4000000", NULL };
	const char *a5[] = { "kvm-exit", "-i", "abc", NULL };
	const char *a6[] = { "kvm-exit", "-m", "3", NULL };
	const char *a7[] = { "kvm-exit", "--than", "5xs", NULL };
	const char *a8[] = { "kvm-exit", "-t", "4000000", NULL };
	const char *a9[] = { "kvm-exit", "-p", "12,x", NULL };
	const char *a10[] = { "kvm-exit", "-C", "0", "-p", "1", NULL };
	const char *a11[] = { "kvm-exit", "-i", NULL };
	const char *a12[] = { "kvm-exit", "--order-mem", "12XB", NULL };
	const char *a13[] = { "nosuchcommand", NULL };
	const char *a14[] = { "syscalls", "--vcpu", "0", NULL };
	const char *a15[] = { "kvm-exit", "--vcpu", "x", NULL };
	const char *a16[] = { "kvm-exit", "--json", "--than", "1ms", NULL };
	const char *a17[] = { "kvm-exit", "--top-rip", "0", NULL };
	const char *a18[] = { "kvm-exit", "--vmlinux", "/nonexistent/vmlinux", "-C", "0", NULL };
	const char *a19[] = { "kvm-exit", "-r", "100", NULL };

	expect_error(a1, 2, "unknown option '--bogus'");
	expect_error(a2, 2, "invalid CPU list '0-x'");
	expect_error(a3, 2, "CPU 4000 in '4000' is not online");
	expect_error(a4, 2, "process 4000000 does not exist");
	expect_error(a5, 2, "invalid interval 'abc'");
	expect_error(a6, 2, "mmap pages must be a power of two, not 3");
	expect_error(a7, 2, "invalid time '5xs'");
	expect_error(a8, 2, "thread 4000000 does not exist");
	expect_error(a9, 2, "invalid PID list '12,x'");
	expect_error(a10, 2, "-C, -p and -t cannot be combined");
	expect_error(a11, 2, "option '-i' needs a value");
	expect_error(a12, 2, "invalid size '12XB'");
	expect_error(a13, 2, "unknown command 'nosuchcommand'");
	expect_error(a14, 2, "--vcpu, --top-rip and --vmlinux apply to kvm-exit only");
	expect_error(a15, 2, "invalid vCPU list 'x'");
	expect_error(a16, 2, "--json cannot be combined with --than or --top-rip");
	expect_error(a17, 2, "invalid --top-rip count '0'");
	expect_error(a18, 2, "cannot open vmlinux '/nonexistent/vmlinux': No such file or directory");
	expect_error(a19, 2, "invalid realtime priority '100' (expected a number from 1 to 99)");
}
END_TEST

/*
 * A filter the kernel refuses is invalid, whatever errno it says: a ';'
 * got "Operation not permitted", which read as a permission problem.  A
 * long one is cut in the message, with its length (a 24 KB filter was
 * echoed whole).
 */
START_TEST(test_bad_filter)
{
	const char *a[] = { "kvm-exit", "-C", "0", "--filter", "exit_reason===", NULL };
	const char *b[] = { "syscalls", "-C", "0", "--filter", "id == 1; id == 2", NULL };
	const char *c[] = { "syscalls", "-C", "0", "--filter", NULL, NULL };
	char *big = malloc(24 * 1024 + 1), want[256];
	size_t i;

	expect_error(a, 2, "perf-prof: invalid filter 'exit_reason===' on kvm:kvm_exit (the "
		     "kernel refused it: ");
	expect_error(b, 2, "perf-prof: invalid filter 'id == 1; id == 2' on raw_syscalls:sys_enter "
		     "(the kernel refused it: Operation not permitted)\n");
	for (i = 0; i < 24 * 1024; i++)
		big[i] = "id == 1 && "[i % 11];
	big[24 * 1024] = 0;
	c[4] = big;
	snprintf(want, sizeof(want), "perf-prof: invalid filter '%.80s...' (24576 bytes) on "
		 "raw_syscalls:sys_enter (the kernel refused it: ", big);
	expect_error(c, 2, want);
	free(big);
}
END_TEST

START_TEST(test_not_root)
{
	const char *a[] = { "--reuid=65534", "--regid=65534", "--clear-groups",
			    PERF_PROF_BIN, "kvm-exit", "-C", "0", NULL };
	struct run_result r;
	char cmd[512];
	FILE *f;

	if (access("/usr/bin/setpriv", X_OK) != 0)
		return;
	(void)a;
	snprintf(cmd, sizeof(cmd), "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups "
		 "%s kvm-exit -C 0 2>&1 >/dev/null; echo \"exit=$?\"", PERF_PROF_BIN);
	f = popen(cmd, "r");
	memset(&r, 0, sizeof(r));
	r.err = calloc(1, 4096);
	if (fread(r.err, 1, 4095, f) == 0)
		r.err[0] = 0;
	pclose(f);
	/* the kernel's answer (here tracefs's), with the setting that decides it */
	ck_assert_msg(strstr(r.err, "Permission denied (the event formats are root's") &&
		      strstr(r.err, "exit=1"), "%s", r.err);
	free(r.err);
}
END_TEST

START_TEST(test_no_kvm_tracepoints)
{
	const char *a[] = { "kvm-exit", "-C", "0", NULL };
	struct run_result r;
	char dir[] = "/tmp/pp-fake-tracefs-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("PERF_PROF_TRACEFS", dir, 1);
	pp_run(a, &r);
	unsetenv("PERF_PROF_TRACEFS");
	rmdir(dir);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "tracepoint kvm:kvm_exit does not exist") &&
		      strstr(r.err, "load the kvm module"), "%s", r.err);
	run_result_free(&r);
}
END_TEST

START_TEST(test_help_documents_options)
{
	const char *a[] = { "kvm-exit", "-h", NULL };
	static const char *const opts[] = {
		"--cpu", "--pids", "--tids", "--interval", "--mmap-pages", "--order",
		"--order-mem", "--perins", "--than", "--heatmap", "--filter", "--input",
		"--verbose", "--help", "EXAMPLES:", "USAGE:", "--than-hlt", "--percentiles",
		"--offcpu", "--json", "--vcpu", "--top-rip", "--vmlinux", "--realtime",
		"perf-prof kvm-exit -p $(pidof qemu-system-x86_64) -i 1000",
		"perf-prof kvm-exit -C 5-20,53-68 --perins -i 1000",
	};
	struct run_result r;
	size_t i;

	pp_run(a, &r);
	ck_assert_int_eq(r.code, 0);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		ck_assert_msg(strstr(r.out, opts[i]) != NULL, "help lacks %s", opts[i]);
	run_result_free(&r);
}
END_TEST

/* `perf-prof ... | head -1`: the reader leaves, we exit quietly */
START_TEST(test_stdout_closed)
{
	char cmd[512], buf[4096];
	size_t n;
	FILE *f;

	/* no SIGPIPE death (141), no error: exit 0 once head has its line */
	snprintf(cmd, sizeof(cmd),
		 "bash -c 'timeout 20 %s syscalls -C 0-1 -i 20 2>/dev/null | head -1 "
		 ">/dev/null; echo status=${PIPESTATUS[0]}'", PERF_PROF_BIN);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	pclose(f);
	ck_assert_msg(strstr(buf, "status=0") != NULL, "%s", buf);
}
END_TEST

static Suite *live_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("syscalls");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_syscalls_pid_exact);
	tcase_add_test(tc, test_syscalls_perins);
	tcase_add_test(tc, test_syscalls_tid_exact);
	tcase_add_test(tc, test_syscalls_cpu_filter);
	tcase_add_test(tc, test_syscalls_cpu_perins);
	tcase_add_test(tc, test_syscalls_interval);
	tcase_add_test(tc, test_sigterm_prints_table);
	tcase_add_test(tc, test_lost_reported);
	tcase_add_test(tc, test_lost_at_exit_counted);
	tcase_add_test(tc, test_kvm_exit_opens_and_exits);
	tcase_add_test(tc, test_stdout_closed);
	tcase_add_test(tc, test_migration_pairs_across_cpus);
	tcase_add_test(tc, test_than_heatmap_svg);
	tcase_add_test(tc, test_offcpu_split);
	tcase_add_test(tc, test_json_lines);
	tcase_add_test(tc, test_per_process_tables);
	tcase_add_test(tc, test_vanished_thread_skipped);
	tcase_add_test(tc, test_realtime_reader);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_bad_filter);
	tcase_add_test(tc, test_not_root);
	tcase_add_test(tc, test_no_kvm_tracepoints);
	tcase_add_test(tc, test_help_documents_options);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(live_suite)
