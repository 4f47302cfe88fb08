// SPDX-License-Identifier: GPL-2.0-only
/*
 * Option values, one rule per kind (cli/parse.c, cli/opttable.c): a
 * number is decimal digits with an optional fraction wherever it takes
 * one (no hex, exponent or sign); a list has an item each side of every
 * comma; a time takes a unit (-i's bare number is ms, --than's ns); a file
 * name is not empty; an option that takes a value takes one.  Each is
 * checked on the real binary: one line naming it, exit 2, no table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "textutil.h"
#include "unit.h"

#define PP	pp_bin()
#define SAMPLE	TEST_DATA_DIR "/sample-kvm-generated.perf.data"

/* `perf-prof CMD ARGS` fails with "perf-prof CMD: MSG..." on one line, exit 2 */
static void refused(const char *cmd, const char *args, const char *msg)
{
	char *out = sh("%s %s %s 2>&1; echo rc=$?", PP, cmd, args);
	char want[256];

	snprintf(want, sizeof(want), "perf-prof %s: %s", cmd, msg);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0 && rc_of(out) == 2 &&
		      !strstr(out, "latency\n"), "%s %s: %s", cmd, args, out);
	free(out);
}

START_TEST(test_numbers_are_decimal)
{
	refused("kvm-exit", "--percentiles 0x10", "invalid percentile list '0x10'");
	refused("kvm-exit", "--percentiles 1e-300", "invalid percentile list '1e-300'");
	refused("kvm-exit", "--percentiles 9e1", "invalid percentile list '9e1'");
	refused("kvm-exit", "--percentiles -50", "invalid percentile list '-50'");
	refused("kvm-exit", "--than 0x10ms", "invalid time '0x10ms'");
	refused("kvm-exit", "--than 1e3", "invalid time '1e3'");
	refused("kvm-exit", "--than +5ms", "invalid time '+5ms'");
	refused("kvm-exit", "--order-mem 0x10MB", "invalid size '0x10MB'");
	refused("kvm-exit", "--order-mem 1e9", "invalid size '1e9'");
	refused("kvm-exit", "-i 0x10", "invalid interval '0x10'");
	refused("kvm-exit", "-i 1e3", "invalid interval '1e3'");
	refused("syscalls", "-i ' 10'", "invalid interval ' 10'");
	refused("kvm-exit", "-m 0x10", "invalid mmap pages '0x10'");
}
END_TEST

START_TEST(test_lists_have_no_empty_items)
{
	refused("kvm-exit", "--percentiles 50,", "invalid percentile list '50,'");
	refused("kvm-exit", "--percentiles ,50", "invalid percentile list ',50'");
	refused("kvm-exit", "--percentiles 50,,99", "invalid percentile list '50,,99'");
	refused("kvm-exit", "-C 0,", "invalid CPU list '0,'");
	refused("kvm-exit", "-p 1,", "invalid PID list '1,'");
	refused("kvm-exit", "--vcpu 1, --input " SAMPLE, "invalid vCPU list '1,'");
}
END_TEST

/* -i is a time like --than: a unit, or a bare number of ms */
START_TEST(test_interval_is_a_time)
{
	/* the recording spans ~0.1 s */
	char *ms = sh("%s kvm-exit --input %s -i 50 2>&1", PP, SAMPLE);
	char *s = sh("%s kvm-exit --input %s -i 0.05s 2>&1", PP, SAMPLE);
	char *frac = sh("%s kvm-exit --input %s -i 9.5 2>&1", PP, SAMPLE);
	char *half = sh("%s kvm-exit --input %s -i 9500us 2>&1", PP, SAMPLE);

	ck_assert_int_eq(count_substr(ms, "kvm-exit latency"), 3);
	ck_assert_str_eq(ms, s);
	ck_assert_int_eq(count_substr(half, "kvm-exit latency"), 14);
	ck_assert_str_eq(frac, half);
	free(ms);
	free(s);
	free(frac);
	free(half);
	refused("kvm-exit", "-i 0", "invalid interval '0' (expected 1 to 86400000 ms, or a number "
		"with unit s, ms, us or ns)");
	refused("kvm-exit", "-i 500us", "invalid interval '500us'");
	refused("kvm-exit", "-i 86401s", "invalid interval '86401s'");
}
END_TEST

START_TEST(test_one_value_per_option)
{
	refused("kvm-exit", "--input " SAMPLE " --input " SAMPLE,
		"--input given twice (it takes one value)");
	refused("kvm-exit", "-i 100 -i 200 --input " SAMPLE,
		"-i (--interval) given twice (it takes one value)");
	refused("kvm-exit", "-p 1 -p 2", "-p (--pids) given twice (it takes one value)");
	refused("kvm-exit", "-p 1 --pid 2", "-p (--pids) given twice (it takes one value)");
	refused("syscalls", "--than 1ms --than=2ms --input " SAMPLE,
		"--than given twice (it takes one value)");
	refused("heatmap", "x.lat -o a.svg --output b.svg", "-o (--output) given twice");
}
END_TEST

/* flags may repeat: -v counts, the others stay set */
START_TEST(test_flags_repeat)
{
	char *out = sh("%s kvm-exit --input %s --perins --perins -v -v >/dev/null 2>&1; echo rc=$?",
		       PP, SAMPLE);

	ck_assert_int_eq(rc_of(out), 0);
	free(out);
}
END_TEST

START_TEST(test_file_names_not_empty)
{
	refused("kvm-exit", "--input=", "--input needs a file name");
	refused("kvm-exit", "--input " SAMPLE " --vmlinux=", "--vmlinux needs a file name");
	refused("kvm-exit", "--input " SAMPLE " --kallsyms=", "--kallsyms needs a file name");
	refused("kvm-exit", "--heatmap=", "--heatmap needs a file name");
}
END_TEST

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("values");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_numbers_are_decimal);
	tcase_add_test(tc, test_lists_have_no_empty_items);
	tcase_add_test(tc, test_interval_is_a_time);
	tcase_add_test(tc, test_one_value_per_option);
	tcase_add_test(tc, test_flags_repeat);
	tcase_add_test(tc, test_file_names_not_empty);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(options_suite)
