// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile inputs, offline: damaged recordings, awkward options, output
 * targets that fail.  Each test is a row of docs/reliability.md; they run
 * the real binary on files and need no root.
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "textutil.h"
#include "unit.h"

#ifndef PERF_PROF_BIN
#define PERF_PROF_BIN "./perf-prof"
#endif
#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

#define PP	pp_bin()
#define SAMPLE	TEST_DATA_DIR "/sample-kvm-generated.perf.data"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pp-hostile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	free(sh("rm -rf %s", dir));
}

/* "rc=N" at the end of @out (the tests append `; echo rc=$?`) */
static int rc_of(const char *out)
{
	const char *p = strstr(out, "rc="), *q;

	if (!p)
		return -1;
	while ((q = strstr(p + 1, "rc=")))
		p = q;
	return atoi(p + 3);
}

/* copy of @src at @dst with the 8 bytes at @off replaced by @v */
static void patch_u64(const char *src, const char *dst, long off, uint64_t v)
{
	char *o = sh("cp %s %s && echo ok", src, dst);
	int fd;

	ck_assert_msg(strstr(o, "ok"), "%s", o);
	free(o);
	fd = open(dst, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, &v, 8, off), 8);
	close(fd);
}

/*
 * A recording whose id table lost an id: the samples carrying it cannot
 * be attributed to an event.  perf warns about them; so do we, with the
 * exact count, and the count plus the samples read is the whole file.
 */
START_TEST(test_damaged_id_table_reported)
{
	char path[128], *out;
	long skipped, seen;

	/* the header's first attr lists its ids at offset 104 (ids 17..20) */
	snprintf(path, sizeof(path), "%s/ids.data", dir);
	patch_u64(SAMPLE, path, 104, 0x1717171717171717ull);
	out = sh("%s kvm-exit --input %s -v 2>&1 >/dev/null; echo rc=$?", PP, path);
	ck_assert_int_eq(rc_of(out), 0);
	skipped = num_after(strstr(out, path), ":");
	ck_assert_msg(strstr(out, " samples skipped: their sample id is not in the "
			     "recording's id table (a damaged header?)\n"), "%s", out);
	seen = num_after(out, "1 instances,");
	ck_assert_msg(skipped > 0 && seen > 0 && skipped + seen == 12000,
		      "skipped %ld + seen %ld != 12000:\n%s", skipped, seen, out);
	free(out);
	/* the intact file: nothing skipped, nothing said */
	out = sh("%s kvm-exit --input %s 2>&1 >/dev/null", PP, SAMPLE);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

/*
 * A pipe that stalls mid-stream (perf record -o - | perf-prof ... --input -,
 * the recorder hung): SIGINT ends the read and prints what was read, 0.
 */
START_TEST(test_stalled_pipe_interrupted)
{
	char *out;

	out = sh("cd %s && %s/gen-perfdata -n 20000 -p -s 5 -f " TEST_DATA_DIR "/x86-6.18 -o pipe.data >/dev/null 2>&1 && "
		 "mkfifo fifo && { %s kvm-exit --input fifo >out 2>err & P=$!; "
		 "exec 3>fifo; cat pipe.data >&3; sleep 1; kill -INT $P; wait $P; "
		 "echo rc=$?; exec 3>&-; }; cat out err", dir, TOOLS_DIR, PP);
	ck_assert_msg(rc_of(out) == 0, "%s", out);
	ck_assert_msg(strstr(out, "kvm-exit latency\nexit_reason ") != NULL, "%s", out);
	ck_assert_msg(table_calls(out, "HLT") > 0, "%s", out);
	free(out);
}
END_TEST

/*
 * A run that fails before it traces (a file that is no recording, a file
 * cut short, a pid that does not exist) leaves the heatmap of the previous
 * run alone, however often it is repeated.
 */
START_TEST(test_failed_run_keeps_heatmap)
{
	static const char *const fails[] = {
		"kvm-exit --input %s/junk.data --heatmap %s/h",
		"kvm-exit --input %s/cut.data --heatmap %s/h",
		"kvm-exit -p 4000000 --heatmap %s/h",
		"syscalls -t 4000000 --heatmap %s/h",
	};
	char *out, cmd[512];
	size_t i, k;

	out = sh("cd %s && echo 'not a recording' > junk.data && "
		 "head -c 100000 %s > cut.data && printf '1 2\\n' > h.lat && "
		 "printf '3 4\\n' > h.lat.old && echo ok", dir, SAMPLE);
	ck_assert_msg(strstr(out, "ok"), "%s", out);
	free(out);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
			if (strstr(fails[i], "--input"))
				snprintf(cmd, sizeof(cmd), fails[i], dir, dir);
			else
				snprintf(cmd, sizeof(cmd), fails[i], dir);
			out = sh("%s %s >/dev/null 2>&1; echo rc=$?; cat %s/h.lat %s/h.lat.old; "
				 "ls %s | grep -c '^h\\.lat'", PP, cmd, dir, dir, dir);
			ck_assert_msg(rc_of(out) == 1 || rc_of(out) == 2, "%s: %s", cmd, out);
			ck_assert_msg(strstr(out, "\n1 2\n3 4\n2\n"), "%s: %s", cmd, out);
			free(out);
		}
	}
	/* a run that succeeds: the new data in h.lat, the previous in h.lat.old */
	out = sh("%s kvm-exit --input %s --heatmap %s/h >/dev/null 2>&1; echo rc=$?; "
		 "cat %s/h.lat.old; wc -l < %s/h.lat", PP, SAMPLE, dir, dir, dir);
	ck_assert_msg(strstr(out, "rc=0\n1 2\n5998\n"), "%s", out);
	free(out);
}
END_TEST

/* --heatmap x.lat writes x.lat, as the user wrote it, not x.lat.lat */
START_TEST(test_heatmap_lat_suffix)
{
	char *out;

	out = sh("cd %s && %s kvm-exit --input %s --heatmap x.lat >/dev/null 2>&1; "
		 "echo rc=$?; ls", dir, PP, SAMPLE);
	ck_assert_msg(strstr(out, "rc=0\nx.lat\n") && !strstr(out, "x.lat.lat"), "%s", out);
	free(out);
}
END_TEST

/* an endless line (/dev/zero) is an error at once, not an endless read */
START_TEST(test_svg_endless_line)
{
	char *out = sh("%s heatmap /dev/zero -o %s/z.svg 2>&1; echo rc=$?; ls %s", PP, dir, dir);

	ck_assert_msg(strstr(out, "perf-prof heatmap: /dev/zero:1: line too long '") &&
		      rc_of(out) == 1, "%s", out);
	ck_assert_msg(!strstr(out, "z.svg"), "%s", out);
	free(out);
}
END_TEST

/*
 * The SVG is complete or not there: a write that fails half way (the file
 * size limit here, a full disk elsewhere) keeps the previous OUT.svg.
 */
START_TEST(test_svg_write_error_keeps_previous)
{
	char *out;

	out = sh("cd %s && seq 1000000 1000 3000000 | awk '{ print $1, $1 %% 9973 + 1 }' > in.lat"
		 " && echo old > out.svg && (ulimit -f 8; %s heatmap in.lat -o out.svg 2>&1;"
		 " echo rc=$?); cat out.svg; ls", dir, PP);
	ck_assert_msg(strstr(out, "perf-prof heatmap: error writing 'out.svg': File too large\n"
			     "rc=1\nold\nin.lat\nout.svg\n"), "%s", out);
	free(out);
	/* without the limit: a whole SVG */
	out = sh("cd %s && %s heatmap in.lat -o out.svg 2>&1; echo rc=$?; tail -1 out.svg; ls",
		 dir, PP);
	ck_assert_msg(strstr(out, "rc=0\n</svg>\nin.lat\nout.svg\n"), "%s", out);
	free(out);
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("files");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_damaged_id_table_reported);
	tcase_add_test(tc, test_stalled_pipe_interrupted);
	tcase_add_test(tc, test_failed_run_keeps_heatmap);
	tcase_add_test(tc, test_heatmap_lat_suffix);
	tcase_add_test(tc, test_svg_endless_line);
	tcase_add_test(tc, test_svg_write_error_keeps_previous);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(hostile_suite)
