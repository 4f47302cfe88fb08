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

/* -p follows the threads its process creates after perf-prof attached */
START_TEST(test_follows_new_threads)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", "-m", "1024", "-v", NULL };
	const char *wl[] = { "spawn", "20000", NULL };
	struct run_result r;

	live_run(pp, wl, LIVE_SECOND_GO, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(strstr(r.err, "following new thread "), "%s", r.err);
	ck_assert_msg(table_calls(r.out, "getppid") == 20000, "%s\n%s", r.out, r.err);
	run_result_free(&r);
}
END_TEST

/* "rc=N" at the end of @out */
static int rc_of(const char *out)
{
	const char *p = strstr(out, "rc="), *q;

	if (!p)
		return -1;
	while ((q = strstr(p + 1, "rc=")))
		p = q;
	return atoi(p + 3);
}

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

static Suite *hostile_live_suite(void)
{
	Suite *s = suite_create("hostile-live");
	TCase *tc = tcase_create("targets");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_thread_named_twice);
	tcase_add_test(tc, test_follows_new_threads);
	suite_add_tcase(s, tc);
	tc = tcase_create("permissions");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, perm_setup, perm_teardown);
	tcase_add_test(tc, test_unprivileged_refused_by_kernel);
	tcase_add_test(tc, test_cap_perfmon_traces);
	tcase_add_test(tc, test_memlock_named);
	tcase_add_test(tc, test_nofile_limit);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(hostile_live_suite)
