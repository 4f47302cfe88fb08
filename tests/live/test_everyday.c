// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live tests of everyday use (root required): a -p target that is no VM
 * gets a word and is traced still.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

static Suite *everyday_live_suite(void)
{
	Suite *s = suite_create("everyday-live");
	TCase *tc = tcase_create("vm-targets");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pid_without_kvm_warned);
	tcase_add_test(tc, test_pid_with_kvm_quiet);
	tcase_add_test(tc, test_syscalls_pid_no_kvm_word);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(everyday_live_suite)
