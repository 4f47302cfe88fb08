// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live tests of everyday use (root required): a -p target that is no VM
 * gets a word and is traced still; a run lasts --duration, or while its
 * command runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include "unit.h"
#include "live.h"

/* the one line naming a -p target without /dev/kvm, or NULL */
static const char *no_kvm_line(const char *err, int *pid)
{
	const char *p = strstr(err, "perf-prof: pid ");
	char comm[32], rest[64];

	if (!p || sscanf(p, "perf-prof: pid %d (%31[^)]) %63[^\n]", pid, comm, rest) != 3 ||
	    strcmp(comm, "workload") || strcmp(rest, "has no /dev/kvm open: not a VM?"))
		return NULL;
	return p;
}

START_TEST(test_pid_without_kvm_warned)
{
	const char *pp[] = { "kvm-exit", "-p", "{PID}", NULL };
	const char *wl[] = { "getppid", "10", NULL };
	struct run_result r;
	int pid = 0;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(no_kvm_line(r.err, &pid) && pid > 0, "stderr: %s", r.err);
	ck_assert_int_eq(count_substr(r.err, "/dev/kvm"), 1);
	/* and it is traced all the same */
	ck_assert_msg(strstr(r.err, "Tracing kvm:kvm_exit on 1 thread"), "stderr: %s", r.err);
	run_result_free(&r);
}
END_TEST

START_TEST(test_pid_with_kvm_quiet)
{
	const char *pp[] = { "kvm-exit", "-p", "{PID}", NULL };
	const char *wl[] = { "kvm", "10", NULL };
	struct run_result r;

	ck_assert_msg(access("/dev/kvm", R_OK | W_OK) == 0, "this machine has no /dev/kvm");
	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(!strstr(r.err, "/dev/kvm"), "stderr: %s", r.err);
	ck_assert_msg(strstr(r.err, "Tracing kvm:kvm_exit on 1 thread"), "stderr: %s", r.err);
	run_result_free(&r);
}
END_TEST

/* syscalls traces any process: no word about KVM */
START_TEST(test_syscalls_pid_no_kvm_word)
{
	const char *pp[] = { "syscalls", "-p", "{PID}", NULL };
	const char *wl[] = { "getppid", "10", NULL };
	struct run_result r;

	live_run(pp, wl, 0, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(!strstr(r.err, "/dev/kvm"), "stderr: %s", r.err);
	run_result_free(&r);
}
END_TEST

/* the "in N s of tracing" of the end's word, -1 if absent */
static double traced_for(const char *err)
{
	const char *p = strstr(err, " s of tracing");
	double s = -1;

	while (p && p > err && p[-1] != ' ')
		p--;
	if (p && sscanf(p, "%lf", &s) != 1)
		s = -1;
	return s;
}

/* -- COMMAND, host-wide: while it runs, its calls counted, the final table, 0 */
START_TEST(test_command_host_wide)
{
	char cmd[512];
	const char *pp[] = { "syscalls", "-m", "1024", "--", "sh", "-c", cmd, NULL };
	struct run_result r;
	long calls;

	snprintf(cmd, sizeof(cmd), "echo g | %s/workload getppid 20000; exit 3", TOOLS_DIR);
	pp_run(pp, &r);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	ck_assert_msg(strstr(r.err, "Tracing raw_syscalls:sys_enter on "), "stderr: %s", r.err);
	calls = table_calls(r.out, "getppid");
	/* the machine's other getppid calls come on top, if any */
	ck_assert_msg(calls >= 20000 && calls < 20100, "getppid %ld: %s", calls, r.out);
	ck_assert_int_eq(count_substr(r.out, "syscalls latency\n"), 1);
	run_result_free(&r);
}
END_TEST

/* --duration ends a run whose target would go on: 0, at least that long traced */
START_TEST(test_duration)
{
	char pid[16];
	const char *pp[] = { "syscalls", "-p", pid, "--duration", "0.3", NULL };
	struct run_result r;
	pid_t sleeper = fork();
	double t;

	if (sleeper == 0) {
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	snprintf(pid, sizeof(pid), "%d", (int)sleeper);
	pp_run(pp, &r);
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	ck_assert_msg(r.code == 0, "exit %d, stderr: %s", r.code, r.err);
	t = traced_for(r.err);
	ck_assert_msg(t >= 0.3, "traced for %.1f s: %s", t, r.err);
	run_result_free(&r);
}
END_TEST

/* a command that cannot run: said before anything is traced, exit 2 */
START_TEST(test_command_missing)
{
	const char *pp[] = { "syscalls", "--", "/nonexistent/cmd", "x", NULL };
	struct run_result r;

	pp_run(pp, &r);
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(r.err, "perf-prof: cannot run '/nonexistent/cmd': No such file or directory\n");
	ck_assert_str_eq(r.out, "");
	run_result_free(&r);
}
END_TEST

static Suite *everyday_live_suite(void)
{
	Suite *s = suite_create("everyday-live");
	TCase *tc = tcase_create("vm-targets");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pid_without_kvm_warned);
	tcase_add_test(tc, test_pid_with_kvm_quiet);
	tcase_add_test(tc, test_syscalls_pid_no_kvm_word);
	suite_add_tcase(s, tc);
	tc = tcase_create("run-length");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_command_host_wide);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_command_missing);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(everyday_live_suite)
