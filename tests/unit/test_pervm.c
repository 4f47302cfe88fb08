// SPDX-License-Identifier: GPL-2.0-only
/*
 * --pervm on recordings of two VMs written by gen-perfdata --vms 2, which
 * knows each VM's true rows: one table per VM, named as the recording's
 * COMM records name its process, with exactly the generator's calls,
 * total, min, avg and max; the same in --json (instances of type "vm")
 * and in the textfile exporter (labels vm and pid), in perf record's and
 * perf kvm stat record's layouts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "textutil.h"
#include "unit.h"

#ifndef PERF_PROF_BIN
#define PERF_PROF_BIN "./perf-prof"
#endif
#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

static char dir[64];

struct vm_expect {
	unsigned long pid;
	char name[64];
	unsigned long calls, total, min, max;
};

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pp-pervm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	free(sh("rm -rf %s", dir));
}

/* gen-perfdata @args --vms 2 into DIR/@name.data; its per-VM truth into @e */
static int gen_vms(const char *name, const char *args, struct vm_expect *e, int max)
{
	char path[128], line[256], *o;
	FILE *f;
	int n = 0;

	o = sh("%s/gen-perfdata %s --vms 2 -o %s/%s.data -e %s/%s.exp 2>&1; echo rc=$?",
	       TOOLS_DIR, args, dir, name, dir, name);
	ck_assert_msg(strstr(o, "rc=0"), "gen-perfdata %s: %s", args, o);
	free(o);
	snprintf(path, sizeof(path), "%s/%s.exp", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) && n < max)
		if (sscanf(line, "vm %lu reason %63s %lu %lu %lu %lu", &e[n].pid, e[n].name,
			   &e[n].calls, &e[n].total, &e[n].min, &e[n].max) == 6)
			n++;
	fclose(f);
	return n;
}

/* the table titled @title in @out, to the next title (malloc'd), or NULL */
static char *table_titled(const char *out, const char *title)
{
	const char *p = strstr(out, title), *end;

	if (!p)
		return NULL;
	end = strstr(p + strlen(title), "kvm-exit latency");
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

/* each VM's table holds exactly its true rows, and nothing else */
static void assert_vms_exact(const char *out, const struct vm_expect *e, int n)
{
	char title[128], want[256], *t = NULL;
	unsigned long pid = 0;
	int i, rows = 0, tables = 0;

	for (i = 0; i < n; i++) {
		const char *r;

		if (e[i].pid != pid) {
			ck_assert_msg(!t || count_substr(t, "\n") == rows + 3,
				      "rows beyond the truth in:\n%s", t);
			free(t);
			pid = e[i].pid;
			snprintf(title, sizeof(title), "kvm-exit latency VM qemu-system-x86 %lu\n",
				 pid);
			t = table_titled(out, title);
			ck_assert_msg(t, "no '%s' in:\n%s", title, out);
			rows = 0;
			tables++;
		}
		r = table_row(t, e[i].name);
		ck_assert_msg(r, "no row %s in:\n%s", e[i].name, t);
		snprintf(want, sizeof(want), "%-20s %8lu %16.3f %12.3f %12.3f", e[i].name,
			 e[i].calls, e[i].total / 1000.0, e[i].min / 1000.0,
			 (double)e[i].total / e[i].calls / 1000.0);
		ck_assert_msg(!strncmp(r, want, strlen(want)), "\n got: %.100s\nwant: %s", r, want);
		snprintf(want, sizeof(want), " %12.3f ", e[i].max / 1000.0);
		ck_assert_msg(strstr(r, want) && strstr(r, want) < strchr(r, '\n'),
			      "max of %s: %.120s want%s", e[i].name, r, want);
		rows++;
	}
	/* title, header, rule, rows; the interval's last table ends with an empty line */
	ck_assert_msg(t && count_substr(t, "\n") == rows + 3 + 1, "rows beyond the truth in:\n%s",
		      t);
	free(t);
	ck_assert_int_eq(tables, 2);
	ck_assert_msg(count_substr(out, "kvm-exit latency") == 2, "%s", out);
}

/* a recording of gen-perfdata @args: each VM's table exactly its truth */
static void exact_case(const char *name, const char *args)
{
	struct vm_expect e[64];
	char *out;
	int n = gen_vms(name, args, e, 64);

	ck_assert_int_ge(n, 20);
	out = sh("%s kvm-exit --input %s/%s.data --pervm 2>&1", PERF_PROF_BIN, dir, name);
	assert_vms_exact(out, e, n);
	free(out);
}

START_TEST(test_pervm_recording_exact)
{
	exact_case("two", "-n 100000 -t 6 -c 4 -s 23");
}
END_TEST

/* perf kvm stat record's layout (its COMM records synthesized as perf does) */
START_TEST(test_pervm_kvm_stat_layout)
{
	exact_case("kvmstat", "--kvm-stat -n 50000 -t 4 -c 2 -s 7");
}
END_TEST

/* --json: {"type":"vm","pid":N,"name":"qemu-system-x86"}; the exporter: vm, pid */
START_TEST(test_pervm_json_and_labels)
{
	struct vm_expect e[64];
	char want[256], *out, *prom, path[96];
	const char *p;
	int i, n = gen_vms("labels", "-n 20000 -t 4 -c 2 -s 3", e, 64);

	ck_assert_int_ge(n, 20);
	out = sh("%s kvm-exit --input %s/labels.data --pervm --json 2>&1", PERF_PROF_BIN, dir);
	ck_assert_msg(count_substr(out, "\"instance\":") == 2, "%s", out);
	snprintf(path, sizeof(path), "%s/labels.prom", dir);
	free(sh("%s kvm-exit --input %s/labels.data --pervm --prometheus-textfile %s > /dev/null",
		PERF_PROF_BIN, dir, path));
	prom = slurp_file(path);
	ck_assert_ptr_nonnull(prom);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "\"instance\":{\"type\":\"vm\",\"pid\":%lu,"
			 "\"name\":\"qemu-system-x86\"}", e[i].pid);
		p = strstr(out, want);
		ck_assert_msg(p, "no %s in:\n%s", want, out);
		snprintf(want, sizeof(want), "{\"exit_reason\":\"%s\",\"calls\":%lu,", e[i].name,
			 e[i].calls);
		ck_assert_msg(strstr(p, want) && (!strstr(p + 1, "\"instance\":") ||
						  strstr(p, want) < strstr(p + 1, "\"instance\":")),
			      "no %s in the object of %lu:\n%s", want, e[i].pid, out);
		snprintf(want, sizeof(want), "perf_prof_latency_seconds_count{profiler=\"kvm-exit\","
			 "reason=\"%s\",vm=\"qemu-system-x86\",pid=\"%lu\"} %lu\n", e[i].name,
			 e[i].pid, e[i].calls);
		ck_assert_msg(strstr(prom, want), "no '%s' in:\n%s", want, prom);
	}
	free(prom);
	free(out);
}
END_TEST

START_TEST(test_pervm_usage)
{
	char *out = sh("%s kvm-exit --pervm --perins --input x 2>&1; echo rc=$?", PERF_PROF_BIN);

	ck_assert_msg(strstr(out, "perf-prof kvm-exit: --perins and --pervm cannot be combined\n") &&
		      strstr(out, "rc=2\n"), "%s", out);
	free(out);
}
END_TEST

static Suite *pervm_suite(void)
{
	Suite *s = suite_create("pervm");
	TCase *tc = tcase_create("recordings");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pervm_recording_exact);
	tcase_add_test(tc, test_pervm_kvm_stat_layout);
	tcase_add_test(tc, test_pervm_json_and_labels);
	tcase_add_test(tc, test_pervm_usage);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(pervm_suite)
