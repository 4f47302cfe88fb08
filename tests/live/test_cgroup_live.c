// SPDX-License-Identifier: GPL-2.0-only
/*
 * -G: the tasks of cgroup v2 directories, from their first event.  Each
 * case makes a scratch cgroup under the mounted cgroup v2 hierarchy (and
 * mounts one first, saying so, where none is), moves a workload into it
 * after perf-prof started, and checks its exact counts, while a workload
 * outside it makes calls that must not be counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "live.h"
#include "cgroup-sh.h"

#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

/*
 * cgroup.sh PERF-PROF TOOLS NAME-FORM [OPTIONS...]: prints perf-prof's
 * stdout, then "rc=N", then its stderr.  NAME-FORM: "rel" passes the
 * scratch cgroup relative to the root, "abs" as an absolute path.
 */
static const char script[] =
	"PP=$1 T=$2 FORM=$3; shift 3\n"
	CGROUP_ROOT_SH
	"cg=$(mktemp -d -p \"$root\" pp-live.XXXXXX) || exit 9\n"
	"d=$(mktemp -d); mkfifo $d/in $d/out\n"
	"$T/workload spawn 1000 3 < $d/in > /dev/null & A=$!\n"
	"$T/workload getppid 700 < $d/out > /dev/null & B=$!\n"
	"exec 7> $d/in 8> $d/out\n"
	"name=${cg#$root/}; [ $FORM = abs ] && name=$cg\n"
	"$PP syscalls -G \"$name\" -m 1024 \"$@\" > $d/pp.out 2> $d/pp.err & P=$!\n"
	"for i in $(seq 400); do grep -q '^Tracing' $d/pp.err && break; sleep 0.05; done\n"
	/* the process enters the cgroup after the start */
	"echo $A > $cg/cgroup.procs\n"
	"echo g >&7; echo g >&8; exec 7>&- 8>&-\n"
	"wait $A $B; sleep 0.2; kill -INT $P; wait $P; rc=$?\n"
	"cat $d/pp.out; echo rc=$rc; echo \"cgroup ${cg#$root/}\"; cat $d/pp.err\n"
	"rmdir $cg; rm -rf $d\n";

/* the script's output for perf-prof's options @opts */
static char *run_cgroup(const char *form, const char *opts)
{
	char path[] = "/tmp/pp-cgroup-test.XXXXXX";
	int fd = mkstemp(path);
	char *out;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, script, sizeof(script) - 1), (ssize_t)sizeof(script) - 1);
	close(fd);
	out = sh("bash %s %s %s %s %s 2>&1", path, pp_bin(), TOOLS_DIR, form, opts);
	unlink(path);
	return out;
}

/*
 * A process that enters the cgroup after the start: its thread, born then
 * (three levels down), makes 1,000 getppid() counted exactly; the 700 of a
 * process outside are not.  One table, titled with the cgroup's path.
 */
START_TEST(test_cgroup_exact)
{
	char *out = run_cgroup("rel", ""), title[128];
	const char *name = strstr(out, "\ncgroup ");

	ck_assert_msg(strstr(out, "rc=0\n"), "%s", out);
	ck_assert_msg(name, "%s", out);
	snprintf(title, sizeof(title), "syscalls latency CGROUP %.*s\n",
		 (int)strcspn(name + 8, "\n"), name + 8);
	ck_assert_msg(count_substr(out, "syscalls latency") == 1 && strstr(out, title),
		      "no '%s' in:\n%s", title, out);
	ck_assert_msg(table_calls(out, "getppid") == 1000, "%s", out);
	/* the three threads' births, from a thread that was born in the cgroup too */
	ck_assert_msg(table_calls(out, "clone3") == 3, "%s", out);
	ck_assert_msg(strstr(out, "Tracing raw_syscalls:sys_enter in 1 cgroup on "), "%s", out);
	free(out);
}
END_TEST

/* an absolute path names the same cgroup; --json says "cgroup" and its path */
START_TEST(test_cgroup_absolute_json)
{
	char *out = run_cgroup("abs", "--json"), want[160];
	const char *name = strstr(out, "\ncgroup ");
	const char *p;

	ck_assert_msg(strstr(out, "rc=0\n") && name, "%s", out);
	snprintf(want, sizeof(want), "\"instance\":{\"type\":\"cgroup\",\"id\":0,\"cgroup\":\"%.*s\"}",
		 (int)strcspn(name + 8, "\n"), name + 8);
	ck_assert_msg(count_substr(out, "\"instance\":") == 1 && strstr(out, want),
		      "no %s in:\n%s", want, out);
	p = strstr(out, "{\"syscall\":\"getppid\",\"calls\":");
	ck_assert_msg(p && atol(p + strlen("{\"syscall\":\"getppid\",\"calls\":")) == 1000,
		      "%s", out);
	free(out);
}
END_TEST

/* the exporter labels a cgroup's series with its path, as the table does */
START_TEST(test_cgroup_prometheus)
{
	char path[] = "/tmp/pp-cgroup-XXXXXX.prom", opts[64], want[192], *out, *prom;
	int fd = mkstemps(path, 5);
	const char *name, *p;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(opts, sizeof(opts), "--prometheus-textfile %s", path);
	out = run_cgroup("rel", opts);
	name = strstr(out, "\ncgroup ");
	ck_assert_msg(strstr(out, "rc=0\n") && name, "%s", out);
	prom = slurp_file(path);
	ck_assert_ptr_nonnull(prom);
	snprintf(want, sizeof(want), "perf_prof_latency_seconds_count{profiler=\"syscalls\","
		 "reason=\"getppid\",cgroup=\"%.*s\"} ", (int)strcspn(name + 8, "\n"), name + 8);
	p = strstr(prom, want);
	ck_assert_msg(p && atol(p + strlen(want)) == 1000, "no '%s1000' in:\n%s", want, prom);
	unlink(path);
	free(prom);
	free(out);
}
END_TEST

/* what -G refuses, as usage errors naming the path */
START_TEST(test_cgroup_usage_errors)
{
	char *out;

	out = sh("%s syscalls -G no/such/cgroup 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "perf-prof syscalls: cgroup 'no/such/cgroup' does not exist "
			      "(no directory ") && strstr(out, "rc=2"), "%s", out);
	free(out);
	/* a cgroup inside another of the list: its tasks would be counted twice */
	out = sh("%s syscalls -G /,no 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "rc=2") && strstr(out, "'no' does not exist"), "%s", out);
	free(out);
	out = sh("d=$(mktemp -d -p \"$(awk '{ for (i = 7; i < NF; i++) if ($i == \"-\") { if "
		 "($(i + 1) == \"cgroup2\" && $4 == \"/\") print $5; break } }' "
		 "/proc/self/mountinfo | head -1)\" pp-nest.XXXXXX) && "
		 "%s syscalls -G $d,/ 2>&1; echo rc=$?; rmdir $d", pp_bin());
	ck_assert_msg(strstr(out, "rc=2") && strstr(out, " is inside '/': their tasks would be "
				"counted twice; name one of them"), "%s", out);
	free(out);
	out = sh("%s syscalls -G / -p 1 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "-p, -t and -G cannot be combined") && strstr(out, "rc=2"),
		      "%s", out);
	free(out);
	out = sh("%s syscalls -G / --input x 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "-C, -p, -t and -G do not apply") && strstr(out, "rc=2"),
		      "%s", out);
	free(out);
}
END_TEST

static Suite *cgroup_live_suite(void)
{
	Suite *s = suite_create("cgroup-live");
	TCase *tc = tcase_create("cgroup");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cgroup_exact);
	tcase_add_test(tc, test_cgroup_absolute_json);
	tcase_add_test(tc, test_cgroup_prometheus);
	tcase_add_test(tc, test_cgroup_usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cgroup_live_suite)
