// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command line a user types, through the binary: --sort on tables,
 * --perins, --detail's sub-rows and JSON of real recordings, its errors.
 */
#include <stdlib.h>
#include <string.h>
#include "textutil.h"
#include "unit.h"

#define REC TEST_DATA_DIR "/kvm-x86-6.1-svm-2vcpu.perf.data"

/* the first column of the rows of every table in the output of `perf-prof ARGS` */
static char *order_of(const char *args)
{
	return sh("%s kvm-exit --input %s %s | awk '/^---/ { on = 1; next } "
		  "/^kvm-exit/ { on = 0; printf \"| \" } on && NF { printf \"%%s \", $1 }'",
		  pp_bin(), REC, args);
}

START_TEST(test_sort_tables)
{
	static const char *const want[][2] = {
		{ "", "| io PF hlt msr cpuid interrupt " },	/* by total, as before */
		{ "--sort total", "| io PF hlt msr cpuid interrupt " },
		{ "--sort calls", "| msr io PF cpuid interrupt hlt " },
		{ "--sort avg", "| hlt io PF cpuid msr interrupt " },
		{ "--sort p99", "| hlt io PF cpuid msr interrupt " },
		{ "--sort max", "| hlt io PF msr cpuid interrupt " },
		{ "--sort name", "| PF cpuid hlt interrupt io msr " },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *got = order_of(want[i][0]);

		ck_assert_msg(!strcmp(got, want[i][1]), "%s: '%s'", want[i][0], got);
		free(got);
	}
}
END_TEST

/* every --perins table in the order asked for, and JSON's rows too */
START_TEST(test_sort_perins_json)
{
	char *got = order_of("--perins --sort calls");

	ck_assert_str_eq(got, "| msr PF io cpuid interrupt hlt | msr io PF cpuid interrupt hlt ");
	free(got);
	got = sh("%s kvm-exit --input %s --json --sort name | grep -o '\"exit_reason\":\"[^\"]*\"' "
		 "| cut -d'\"' -f4 | paste -sd' '", pp_bin(), REC);
	ck_assert_str_eq(got, "PF excp cpuid hlt interrupt io msr\n");
	free(got);
}
END_TEST

/* --detail's sub-rows in the order asked for too, each reason's under it */
START_TEST(test_sort_detail)
{
	static const char *const want[][2] = {
		{ "total", "io|  0x10 out|  0x11 out|msr|  0x1b APIC_BASE write|"
			   "  0x1b APIC_BASE read|PF excp|  0x100000 write|  0x1000 page|cpuid|"
			   "  0x0|hlt|interrupt|" },
		{ "max", "hlt|msr|  0x1b APIC_BASE read|  0x1b APIC_BASE write|cpuid|  0x0|io|"
			 "  0x10 out|  0x11 out|PF excp|  0x100000 write|  0x1000 page|interrupt|" },
		{ "calls", "msr|  0x1b APIC_BASE read|  0x1b APIC_BASE write|io|  0x10 out|"
			   "  0x11 out|PF excp|  0x100000 write|  0x1000 page|cpuid|  0x0|"
			   "interrupt|hlt|" },
		/* by name: a port's or an address's number by value */
		{ "name", "PF excp|  0x1000 page|  0x100000 write|cpuid|  0x0|hlt|interrupt|io|"
			  "  0x10 out|  0x11 out|msr|  0x1b APIC_BASE read|  0x1b APIC_BASE write|" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *got = sh("%s kvm-exit --input %s/kvm-x86-6.1-svm-detail.perf.data --detail=2 "
			       "--sort %s | awk '/^---/ { on = 1; next } on && NF { "
			       "s = substr($0, 1, 32); sub(/ +$/, \"\", s); printf \"%%s|\", s }'",
			       pp_bin(), TEST_DATA_DIR, want[i][0]);

		ck_assert_msg(!strcmp(got, want[i][1]), "--sort %s: '%s'", want[i][0], got);
		free(got);
	}
}
END_TEST

START_TEST(test_sort_errors)
{
	char *got = sh("%s kvm-exit --input %s --sort speed 2>&1; echo rc=$?", pp_bin(), REC);

	ck_assert_str_eq(got, "perf-prof kvm-exit: invalid --sort 'speed' (expected calls, total, "
			      "avg, p99, max or name)\n"
			      "Try 'perf-prof kvm-exit --help' for more information.\nrc=2\n");
	free(got);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("sort");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sort_tables);
	tcase_add_test(tc, test_sort_perins_json);
	tcase_add_test(tc, test_sort_detail);
	tcase_add_test(tc, test_sort_errors);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cli_suite)
