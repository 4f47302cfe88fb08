// SPDX-License-Identifier: GPL-2.0-only
/* "Did you mean": the edit distance and the word suggested */
#include <string.h>
#include "unit.h"
#include <perf-prof/suggest.h>
#include <perf-prof/tests-only.h>

START_TEST(test_edit_distance)
{
	ck_assert_int_eq(edit_distance("kvm-exit", "kvm-exit"), 0);
	ck_assert_int_eq(edit_distance("kvm-exti", "kvm-exit"), 1);	/* a swap is one */
	ck_assert_int_eq(edit_distance("--intervall", "--interval"), 1);
	ck_assert_int_eq(edit_distance("--intrval", "--interval"), 1);
	ck_assert_int_eq(edit_distance("--intreval", "--interval"), 1);
	ck_assert_int_eq(edit_distance("", "abc"), 3);
	ck_assert_int_eq(edit_distance("abc", ""), 3);
	ck_assert_int_eq(edit_distance("kitten", "sitting"), 3);
	ck_assert_int_eq(edit_distance("ca", "abc"), 3);	/* no edit twice (OSA) */
}
END_TEST

START_TEST(test_suggest_commands)
{
	static const char *const cmds[] = { "kvm-exit", "syscalls", "heatmap", "help" };

	ck_assert_str_eq(suggest("kvm-exti", cmds, 4), "kvm-exit");
	ck_assert_str_eq(suggest("kvmexit", cmds, 4), "kvm-exit");
	ck_assert_str_eq(suggest("syscall", cmds, 4), "syscalls");
	ck_assert_str_eq(suggest("heatmpa", cmds, 4), "heatmap");
	/* a beginning of one command only */
	ck_assert_str_eq(suggest("kvm", cmds, 4), "kvm-exit");
	ck_assert_str_eq(suggest("sys", cmds, 4), "syscalls");
	/* "he" begins two; "hel" is one edit from help only */
	ck_assert_ptr_null(suggest("he", cmds, 4));
	ck_assert_str_eq(suggest("hel", cmds, 4), "help");
	/* nothing near */
	ck_assert_ptr_null(suggest("frobnicate", cmds, 4));
	ck_assert_ptr_null(suggest("", cmds, 4));
	ck_assert_ptr_null(suggest("x", cmds, 4));
}
END_TEST

START_TEST(test_suggest_options)
{
	static const char *const opts[] = { "cpu", "pids", "interval", "perins", "percentiles",
					    NULL, "than", "than-hlt", "heatmap" };
	char longname[200];

	ck_assert_str_eq(suggest("intervall", opts, 9), "interval");
	ck_assert_str_eq(suggest("intreval", opts, 9), "interval");
	ck_assert_str_eq(suggest("perisn", opts, 9), "perins");
	ck_assert_str_eq(suggest("thna", opts, 9), "than");
	/* two at the same distance: no guess */
	ck_assert_ptr_null(suggest("pers", (const char *const[]){ "perf", "perl" }, 2));
	/* a word longer than anything compared: never near */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ck_assert_ptr_null(suggest(longname, opts, 9));
}
END_TEST

static Suite *suggest_suite(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("suggest");

	tcase_add_test(tc, test_edit_distance);
	tcase_add_test(tc, test_suggest_commands);
	tcase_add_test(tc, test_suggest_options);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(suggest_suite)
