// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile cases that need the live path (root): targets named twice,
 * threads born after attach, signals, output that fails or blocks,
 * resource limits and permissions.  Rows of docs/reliability.md.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "unit.h"
#include "live.h"

#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

/* a thread listed with its own process is traced once, counted once */
START_TEST(test_thread_named_twice)
{
	const char *pp[] = { "syscalls", "-p", "{PID},{TID}", "-m", "1024", "-v", NULL };
	const char *wl[] = { "twothreads", "20000", NULL };
	struct run_result r;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == 20000, "%s\n%s", r.out, r.err);
	/* two threads, two buffers: not four */
	ck_assert_msg(strstr(r.err, "Tracing raw_syscalls:sys_enter on 2 threads"), "%s", r.err);
	run_result_free(&r);
}
END_TEST

/*
 * -p follows the threads its process starts after perf-prof attached, from
 * their first event: a thread born after the attach makes 1,000 getppid()
 * at once and exits, counted exactly; so is one three levels down (a
 * thread started by a thread started by a thread born after the attach).
 */
START_TEST(test_follows_new_threads)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1024", "-v", NULL };
	const char *wl1[] = { "spawn", "1000", NULL };
	const char *wl3[] = { "spawn", "1000", "3", NULL };
	struct run_result r;

	live_run(pp, wl1, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == 1000, "%s\n%s", r.out, r.err);
	/* the thread's own start: clone3 in the parent, exit in the thread */
	ck_assert_msg(table_calls(r.out, "clone3") == 1, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.err, "Tracing raw_syscalls:sys_enter on 1 thread "
					    "(and those it starts) on "));
	run_result_free(&r);
	live_run(pp, wl3, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == 1000, "%s\n%s", r.out, r.err);
	ck_assert_msg(table_calls(r.out, "clone3") == 3, "%s", r.out);
	run_result_free(&r);
}
END_TEST

/*
 * Threads born while perf-prof attaches (one after another, 100 getppid()
 * each): a thread born after its parent's events were opened inherits
 * them, one born before does not, and the attach cannot tell which; so it
 * starts over until the thread list stands still.  Whatever happened, no
 * thread is counted twice: no thread's table holds more than its 100
 * calls, and the thread born after the go makes its 1,000, exactly.
 */
START_TEST(test_threads_born_while_attaching)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1024", "--perins", "-v", NULL };
	const char *wl[] = { "churn", "100", NULL };
	struct run_result r;
	int tables = 0, thousand = 0;
	const char *p;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %.3000s", r.code, r.err);
	for (p = r.out; (p = strstr(p, "\ngetppid ")); p++) {
		long n = table_calls(p + 1, "getppid");

		tables++;
		thousand += n == 1000;
		ck_assert_msg(n == 1000 || (n > 0 && n <= 100), "a thread counted %ld:\n%.3000s",
			      n, r.out);
	}
	/* Check's message has room for 4 KB: stderr says what was opened, what ended */
	ck_assert_msg(thousand == 1, "%d tables of 1000 in %d:\n%.1200s\nstderr:\n%.1500s",
		      thousand, tables, r.out, r.err);
	run_result_free(&r);
}
END_TEST

/* -t TID follows the threads TID starts, as perf record -t does; --perins splits them */
START_TEST(test_tid_follows_its_threads)
{
	const char *pp[] = { "syscalls", "-t", "{PID}", "-m", "1024", "--perins", NULL };
	const char *wl[] = { "spawn", "1000", NULL };
	struct run_result r;
	const char *p;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	/* two tables: the main thread's and its new thread's, which made the calls */
	ck_assert_int_eq(count_substr(r.out, "syscalls latency THREAD "), 2);
	p = strstr(r.out, "\ngetppid ");
	ck_assert_msg(p && table_calls(p + 1, "getppid") == 1000, "%s", r.out);
	ck_assert_msg(!strstr(p + 1, "\ngetppid "), "%s", r.out);
	run_result_free(&r);
}
END_TEST

/*
 * An unprivileged user cannot read tracefs (it is root's): a copy of the
 * two format files it may read, so that the kernel itself is asked.
 */
static char tfs[64];

static void perm_setup(void)
{
	char *o;

	snprintf(tfs, sizeof(tfs), "/tmp/pp-tfs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tfs));
	o = sh("T=%s; for e in sys_enter sys_exit; do mkdir -p $T/events/raw_syscalls/$e && "
	       "cp /sys/kernel/tracing/events/raw_syscalls/$e/format $T/events/raw_syscalls/$e/ "
	       "|| exit 1; done; chmod -R a+rX $T && echo ok", tfs);
	ck_assert_msg(strstr(o, "ok"), "%s", o);
	free(o);
}

static void perm_teardown(void)
{
	free(sh("rm -rf %s", tfs));
}

#define NOBODY "setpriv --reuid=65534 --regid=65534 --clear-groups"
#define PERFMON NOBODY " --inh-caps=+perfmon --ambient-caps=+perfmon"

static long paranoid(void)
{
	char *p = sh("cat /proc/sys/kernel/perf_event_paranoid");
	long v = atol(p);

	free(p);
	return v;
}

/* no uid check: the kernel refuses, and the message names what decides */
START_TEST(test_unprivileged_refused_by_kernel)
{
	char *out, want[256];

	if (access("/usr/bin/setpriv", X_OK) || paranoid() < 0)
		return;
	out = sh("PERF_PROF_TRACEFS=%s " NOBODY " %s syscalls -C 0 2>&1; echo rc=$?", tfs,
		 pp_bin());
	snprintf(want, sizeof(want), "perf-prof: perf_event_open raw_syscalls:sys_enter on CPU 0: "
		 "Permission denied (needs root or CAP_PERFMON, or kernel.perf_event_paranoid at "
		 "-1: it is %ld)\n", paranoid());
	ck_assert_msg(strstr(out, want) && rc_of(out) == 1, "want %s in:\n%s", want, out);
	free(out);
	/* tracefs itself: root's, and said so */
	out = sh(NOBODY " %s syscalls -C 0 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "Permission denied (the event formats are root's: run as root, "
			     "or mount tracefs with gid= and mode= for your group)\n") &&
		      rc_of(out) == 1, "%s", out);
	free(out);
}
END_TEST

/* CAP_PERFMON without root is enough: the kernel says yes, so do we */
START_TEST(test_cap_perfmon_traces)
{
	char *out;

	if (access("/usr/bin/setpriv", X_OK))
		return;
	out = sh("bash -c '%s/workload nanosleep 200 100 < <(sleep 1.5; echo g) & A=$!; "
		 "sleep 0.3; PERF_PROF_TRACEFS=%s " PERFMON " %s syscalls -p $A 2>&1; "
		 "echo rc=$?; wait'", TOOLS_DIR, tfs, pp_bin());
	ck_assert_msg(rc_of(out) == 0 && table_calls(out, "clock_nanosleep") == 200, "%s", out);
	free(out);
}
END_TEST

/* a ring buffer over the locked-memory limits: both settings named */
START_TEST(test_memlock_named)
{
	char *out;

	if (access("/usr/bin/setpriv", X_OK) || access("/usr/bin/prlimit", X_OK))
		return;
	out = sh("PERF_PROF_TRACEFS=%s prlimit --memlock=0:0 -- " PERFMON " %s syscalls -C 0 "
		 "-m 1024 2>&1; echo rc=$?", tfs, pp_bin());
	ck_assert_msg(strstr(out, "perf-prof: cannot mmap 1024 pages of ring buffer: Operation "
			     "not permitted (locked memory: kernel.perf_event_mlock_kb is ") &&
		      strstr(out, " KB a CPU, ulimit -l (RLIMIT_MEMLOCK) is 0 KB: lower -m (now "
			     "1024) or raise them)\n") && rc_of(out) == 1, "%s", out);
	free(out);
}
END_TEST

/*
 * A ring buffer that does not fit the address space (ulimit -v): the
 * kernel says ENOMEM, and the message blamed perf_event_mlock_kb and
 * ulimit -l.  It names RLIMIT_AS and what each buffer maps.  (An
 * AddressSanitizer build cannot start under a small ulimit -v at all.)
 */
START_TEST(test_address_space_named)
{
#if defined(__SANITIZE_ADDRESS__)
	return;
#endif
	char *out, want[256];
	long kb = (65536 + 1) * (sysconf(_SC_PAGESIZE) >> 10);

	if (access("/usr/bin/prlimit", X_OK))
		return;
	out = sh("prlimit --as=%d -- %s syscalls -C 0 -m 65536 2>&1; echo rc=$?", 200 << 20,
		 pp_bin());
	snprintf(want, sizeof(want), ": Cannot allocate memory (address space: ulimit -v "
		 "(RLIMIT_AS) is 204800 KB and each buffer maps %ld KB: lower -m (now 65536) or "
		 "raise it)\n", kb);
	ck_assert_msg(strstr(out, "perf-prof: cannot mmap 65536 pages of ring buffer") &&
		      strstr(out, want) && !strstr(out, "mlock") && rc_of(out) == 1,
		      "want %s in:\n%s", want, out);
	free(out);
}
END_TEST

/*
 * ulimit -n: a soft limit below what the buffers need is raised to the
 * hard one; a hard limit below it is an error that names the setting.
 */
START_TEST(test_nofile_limit)
{
	char *out;

	if (access("/usr/bin/prlimit", X_OK))
		return;
	out = sh("timeout --preserve-status -s INT 2 prlimit --nofile=6:4096 -- %s syscalls -C 0-1 -i 100 -v "
		 "2>&1 >/dev/null; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "raising the open file limit from 6 to 4096 for 20 "
			     "descriptors\n") && strstr(out, "Tracing raw_syscalls:sys_enter on "
			     "2 CPUs") && rc_of(out) == 0, "%s", out);
	free(out);
	out = sh("prlimit --nofile=6:6 -- %s syscalls -C 0-1 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, ": Too many open files (20 descriptors needed; ulimit -n "
			     "(RLIMIT_NOFILE) is 6: raise it)\n") && rc_of(out) == 1, "%s", out);
	free(out);
}
END_TEST

/* SIGINT, SIGTERM and SIGHUP: each a normal stop, with the final table, 0 */
START_TEST(test_stop_signals_print_table)
{
	static const int how[] = { LIVE_SIGINT, LIVE_SIGTERM, LIVE_SIGHUP };
	const char *pp[] = { "syscalls", "-C", "0-1", "-m", "1024", "--filter",
			     "common_pid=={PID}", NULL };
	const char *wl[] = { "nanosleep", "50", "100", NULL };
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
		live_run(pp, wl, how[i], &r);
		ck_assert_msg(r.code == 0, "signal flag %d: exit %d, stderr: %s", how[i], r.code,
			      r.err);
		ck_assert_msg(table_calls(r.out, "clock_nanosleep") == 50, "signal flag %d:\n%s",
			      how[i], r.out);
		run_result_free(&r);
	}
}
END_TEST

/*
 * A reader that stopped reading (the pipe is full) while a stop signal
 * comes: the run ends, says the output was lost, exit 1, instead of
 * waiting in write() forever.  SIGTERM and SIGINT alike.
 */
START_TEST(test_stop_while_output_blocked)
{
	static const char *const sigs[] = { "INT", "TERM" };
	char *out;
	size_t i;

	for (i = 0; i < 2; i++) {
		out = sh("cd /tmp && F=$(mktemp -u /tmp/pp-block-XXXXXX) && mkfifo $F && "
			 "bash -c 'exec 3<>'$F'; %s syscalls -C 0-1 -i 1 >'$F' 2>'$F'.err & P=$!; "
			 "for i in $(seq 300); do case $(cat /proc/$P/wchan 2>/dev/null) in "
			 "*pipe_write*) break;; esac; sleep 0.1; done; kill -%s $P; "
			 "for i in $(seq 150); do kill -0 $P 2>/dev/null || break; sleep 0.1; done; "
			 "kill -0 $P 2>/dev/null && { echo HUNG; kill -9 $P; }; wait $P; "
			 "echo rc=$?; cat '$F'.err'; rm -f $F $F.err", pp_bin(), sigs[i]);
		ck_assert_msg(!strstr(out, "HUNG") && rc_of(out) == 1 &&
			      strstr(out, "perf-prof: standard output did not drain: stopped "
				     "without writing the rest\n"), "SIG%s: %s", sigs[i], out);
		free(out);
	}
}
END_TEST

/* the number after "perf-prof: lost " on each line of @err containing @what, summed */
static long lost_lines(const char *err, const char *what, int *lines)
{
	const char *p = err;
	long sum = 0;

	*lines = 0;
	while ((p = strstr(p, "perf-prof: lost "))) {
		const char *eol = strchr(p, '\n');
		const char *w = strstr(p, what);

		if (w && (!eol || w < eol)) {
			sum += atol(p + 16);
			(*lines)++;
		}
		p += 16;
	}
	return sum;
}

/* with -i, the closing "in total" line counts the whole run, not its last interval */
START_TEST(test_lost_total_is_whole_run)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1", "-i", "20", "-v", NULL };
	const char *wl[] = { "getppid", "300000", NULL };
	struct run_result r;
	long intervals, total, verbose;
	int n, m;
	const char *p;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	intervals = lost_lines(r.err, " in this interval;", &n) +
		    lost_lines(r.err, " in the last interval;", &m);
	total = lost_lines(r.err, " in total;", &m);
	p = strstr(r.err, " lost in ");
	ck_assert_ptr_nonnull(p);
	while (p > r.err && p[-1] != ' ')
		p--;
	verbose = atol(p);
	ck_assert_msg(n >= 2, "losses in %d intervals only:\n%.1500s", n, r.err);
	ck_assert_msg(m == 1 && total == intervals && total == verbose,
		      "total %ld (%d lines), intervals %ld, -v %ld:\n%.1500s", total, m, intervals,
		      verbose, r.err + (strlen(r.err) > 1500 ? strlen(r.err) - 1500 : 0));
	run_result_free(&r);
}
END_TEST

/* under nohup a hangup is ignored, as the user asked: the run goes on */
START_TEST(test_sighup_under_nohup)
{
	char *out = sh("cd /tmp && { nohup %s syscalls -C 0-1 -i 100 >/dev/null 2>&1 & P=$!; "
		       "sleep 0.5; kill -HUP $P; sleep 0.5; kill -0 $P && echo alive; "
		       "kill -INT $P; wait $P; echo rc=$?; }", pp_bin());

	ck_assert_msg(strstr(out, "alive\n") && rc_of(out) == 0, "%s", out);
	free(out);
}
END_TEST

static Suite *hostile_live_suite(void)
{
	Suite *s = suite_create("hostile-live");
	TCase *tc = tcase_create("targets");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_thread_named_twice);
	tcase_add_test(tc, test_follows_new_threads);
	tcase_add_test(tc, test_tid_follows_its_threads);
	tcase_add_test(tc, test_threads_born_while_attaching);
	suite_add_tcase(s, tc);
	tc = tcase_create("losses");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lost_total_is_whole_run);
	suite_add_tcase(s, tc);
	tc = tcase_create("signals");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stop_signals_print_table);
	tcase_add_test(tc, test_stop_while_output_blocked);
	tcase_add_test(tc, test_sighup_under_nohup);
	suite_add_tcase(s, tc);
	tc = tcase_create("permissions");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, perm_setup, perm_teardown);
	tcase_add_test(tc, test_unprivileged_refused_by_kernel);
	tcase_add_test(tc, test_cap_perfmon_traces);
	tcase_add_test(tc, test_memlock_named);
	tcase_add_test(tc, test_address_space_named);
	tcase_add_test(tc, test_nofile_limit);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(hostile_live_suite)
