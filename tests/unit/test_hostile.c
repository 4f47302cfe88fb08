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

#define PP	PERF_PROF_BIN
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

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("files");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_damaged_id_table_reported);
	tcase_add_test(tc, test_stalled_pipe_interrupted);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(hostile_suite)
