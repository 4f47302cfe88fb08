// SPDX-License-Identifier: GPL-2.0-only
/*
 * --pervm live: one table per process of whatever is traced, here the
 * tasks of a scratch cgroup (-G: its events are only that cgroup's, so
 * the counts are exact on a busy host).  Two processes enter it after
 * perf-prof started, a third stays outside; each of the two gets its own
 * table, named by its comm and pid, with its exact calls.  The two live
 * until perf-prof stopped: a process is named when its first record is
 * read, and one gone by then is "<...>".
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
 * pervm.sh PERF-PROF TOOLS [OPTIONS...]: perf-prof's stdout, "rc=N",
 * "pids A C B", then its stderr.  A (1,000 getppid) and C (500) enter
 * the cgroup after the start; B (700) stays outside.
 */
static const char script[] =
	"PP=$1 T=$2; shift 2\n"
	CGROUP_ROOT_SH
	"cg=$(mktemp -d -p \"$root\" pp-pervm.XXXXXX) || exit 9\n"
	"d=$(mktemp -d); mkfifo $d/a $d/b $d/c\n"
	"$T/workload getppid-hold 1000 < $d/a > $d/a.out & A=$!\n"
	"$T/workload getppid 700 < $d/b > /dev/null & B=$!\n"
	"$T/workload getppid-hold 500 < $d/c > $d/c.out & C=$!\n"
	"exec 7> $d/a 8> $d/b 9> $d/c\n"
	"$PP syscalls -G \"${cg#$root/}\" --pervm -m 1024 \"$@\" > $d/pp.out 2> $d/pp.err & P=$!\n"
	"for i in $(seq 400); do grep -q '^Tracing' $d/pp.err && break; sleep 0.05; done\n"
	"echo $A > $cg/cgroup.procs; echo $C > $cg/cgroup.procs\n"
	"printf g >&7; echo g >&8; printf g >&9; exec 8>&-\n"
	"for i in $(seq 400); do grep -q done $d/a.out && grep -q done $d/c.out && break;"
	" sleep 0.05; done\n"
	"wait $B; sleep 0.2; kill -INT $P; wait $P; rc=$?\n"
	"exec 7>&- 9>&-; wait $A $C\n"
	"cat $d/pp.out; echo rc=$rc; echo \"pids $A $C $B\"; cat $d/pp.err\n"
	"rmdir $cg; rm -rf $d\n";

static char *run_pervm(const char *opts, int pid[3])
{
	char path[] = "/tmp/pp-pervm-test.XXXXXX";
	int fd = mkstemp(path);
	const char *p;
	char *out;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, script, sizeof(script) - 1), (ssize_t)sizeof(script) - 1);
	close(fd);
	out = sh("bash %s %s %s %s 2>&1", path, pp_bin(), TOOLS_DIR, opts);
	unlink(path);
	p = strstr(out, "\npids ");
	ck_assert_msg(strstr(out, "rc=0\n") && p &&
		      sscanf(p, "\npids %d %d %d", &pid[0], &pid[1], &pid[2]) == 3, "%s", out);
	return out;
}

/* the table titled @title in @out, up to the next title (malloc'd), or NULL */
static char *table_titled(const char *out, const char *title)
{
	const char *p = strstr(out, title), *end;

	if (!p)
		return NULL;
	end = strstr(p + strlen(title), "syscalls latency");
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

START_TEST(test_pervm_cgroup_exact)
{
	int pid[3];
	char *out = run_pervm("", pid), title[96], *t;

	ck_assert_msg(count_substr(out, "syscalls latency") == 2, "%s", out);
	snprintf(title, sizeof(title), "syscalls latency PROCESS workload %d\n", pid[0]);
	t = table_titled(out, title);
	ck_assert_msg(t && table_calls(t, "getppid") == 1000, "no '%s' with 1000 getppid in:\n%s",
		      title, out);
	free(t);
	snprintf(title, sizeof(title), "syscalls latency PROCESS workload %d\n", pid[1]);
	t = table_titled(out, title);
	ck_assert_msg(t && table_calls(t, "getppid") == 500, "no '%s' with 500 getppid in:\n%s",
		      title, out);
	free(t);
	snprintf(title, sizeof(title), "workload %d\n", pid[2]);
	ck_assert_msg(!strstr(out, title), "the process outside has a table:\n%s", out);
	free(out);
}
END_TEST

/* --json: {"type":"process","pid":N,"name":"workload"} (kvm-exit's are "vm") */
START_TEST(test_pervm_json)
{
	int pid[3], i;
	char *out = run_pervm("--json", pid), want[128];
	const char *p;

	ck_assert_msg(count_substr(out, "\"instance\":") == 2, "%s", out);
	for (i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "\"instance\":{\"type\":\"process\",\"pid\":%d,"
			 "\"name\":\"workload\"}", pid[i]);
		p = strstr(out, want);
		ck_assert_msg(p, "no %s in:\n%s", want, out);
		p = strstr(p, "{\"syscall\":\"getppid\",\"calls\":");
		ck_assert_msg(p && atol(p + strlen("{\"syscall\":\"getppid\",\"calls\":")) ==
			      (i ? 500 : 1000), "%s", out);
	}
	free(out);
}
END_TEST

/* the exporter labels each process's series with its name and pid */
START_TEST(test_pervm_prometheus)
{
	char path[] = "/tmp/pp-pervm-XXXXXX.prom", opts[64], want[160], *out, *prom;
	int fd = mkstemps(path, 5), pid[3], i;
	const char *p;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(opts, sizeof(opts), "--prometheus-textfile %s", path);
	out = run_pervm(opts, pid);
	prom = slurp_file(path);
	ck_assert_ptr_nonnull(prom);
	for (i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "perf_prof_latency_seconds_count{profiler=\"syscalls\","
			 "reason=\"getppid\",process=\"workload\",pid=\"%d\"} ", pid[i]);
		p = strstr(prom, want);
		ck_assert_msg(p && atol(p + strlen(want)) == (i ? 500 : 1000),
			      "no '%s%d' in:\n%s", want, i ? 500 : 1000, prom);
	}
	snprintf(want, sizeof(want), "pid=\"%d\"", pid[2]);
	ck_assert_msg(!strstr(prom, want), "%s", prom);
	unlink(path);
	free(prom);
	free(out);
}
END_TEST

static Suite *pervm_live_suite(void)
{
	Suite *s = suite_create("pervm-live");
	TCase *tc = tcase_create("pervm");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pervm_cgroup_exact);
	tcase_add_test(tc, test_pervm_json);
	tcase_add_test(tc, test_pervm_prometheus);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(pervm_live_suite)
