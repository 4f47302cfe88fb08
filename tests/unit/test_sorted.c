// SPDX-License-Identifier: GPL-2.0-only
/*
 * A recording file read in sorted mode (the reader maps it and merges its
 * buffers by time itself, src/source/perfdata/sorted.c) gives what the
 * engine's queue gave: the same tables, counts and percentiles, the same
 * intervals, the same gaps, with every option.  The queue still reads
 * pipes and runs under a small --order-mem, so each case compares the two
 * on one recording.  And sorted mode's memory follows the buffers, not
 * the rounds: a recording of one round as large as the file is read in
 * the memory of any other.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "textutil.h"
#include "unit.h"

#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

#define PP	pp_bin()

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pp-sorted-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	free(sh("rm -rf %s", dir));
}

/* -v's last figure is the merge's own memory: it differs between the two by design */
static void cut_peak(char *out)
{
	char *p;

	while ((p = strstr(out, ", order memory peak "))) {
		char *e = strchr(p, '\n');

		memmove(p, e ? e : p + strlen(p), strlen(e ? e : p + strlen(p)) + 1);
	}
}

/*
 * @file read in sorted mode and through the queue (--order-mem 3MB: below
 * what sorted mode wants, above what these recordings need), with @opts:
 * everything printed is the same.
 */
static void same(const char *file, const char *opts)
{
	char *a, *b;

	a = sh("%s kvm-exit --input %s %s 2>&1; echo rc=$?", PP, file, opts);
	b = sh("%s kvm-exit --input %s %s --order-mem 3MB 2>&1; echo rc=$?", PP, file, opts);
	cut_peak(a);
	cut_peak(b);
	ck_assert_msg(!strstr(b, "is too small for this data"), "%s %s: the queue overflowed:\n%s",
		      file, opts, b);
	ck_assert_msg(!strcmp(a, b), "%s %s: sorted mode differs from the queue:\n%s\n---\n%s",
		      file, opts, a, b);
	free(a);
	free(b);
}

static const char *const opts[] = {
	"", "-v", "-i 10", "-i 1 --perins -v", "--than 100us", "--json -i 50",
	"--percentiles 50,99,99.9", "--vcpu 1",
};

static void same_all(const char *file)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		same(file, opts[i]);
}

/* gen-perfdata @args into @name in the test dir; its path in @path */
static void gen(const char *name, const char *args, char *path, size_t len)
{
	char *o;

	snprintf(path, len, "%s/%s", dir, name);
	o = sh("%s/gen-perfdata %s -o %s -e %s.expect >/dev/null 2>&1; echo rc=$?", TOOLS_DIR,
	       args, path, path);
	ck_assert_msg(rc_of(o) == 0, "gen-perfdata %s: %s", args, o);
	free(o);
}

/* the real recordings and the generated sample: sorted mode is the queue, byte for byte */
START_TEST(test_recordings_same)
{
	static const char *const files[] = {
		"sample-kvm-generated.perf.data",
		"kvm-x86-6.1-svm-1vcpu.perf.data", "kvm-x86-6.1-svm-2vcpu.perf.data",
		"kvm-x86-6.1-svm-lost.perf.data", "kvm-x86-6.1-svm-migrate.perf.data",
		"kvm-arm64-6.1-2vcpu.perf.data", "kvm-arm64-6.1-migrate.perf.data",
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, files[i]);
		if (access(path, R_OK))
			continue;
		same_all(path);
	}
}
END_TEST

/*
 * perf kvm stat record's layout: kvm_pio, kvm_mmio and kvm_msr samples
 * beside the exits and entries are dropped before they are merged, yet
 * -v counts every sample, and -i's intervals fall where they fell.  With
 * lost records too: each gap dated to the next record of its buffer.
 */
START_TEST(test_kvm_stat_layout_same)
{
	char path[256], *out;
	long n;

	gen("ks.data", "--kvm-stat -n 60000 -t 8 -V 2 -c 4 -r 4096 -s 3", path, sizeof(path));
	same_all(path);
	out = sh("%s kvm-exit --input %s -v 2>&1 >/dev/null; grep '^samples ' %s.expect", PP, path,
		 path);
	n = num_after(out, "samples ");
	ck_assert_msg(n > 60000 - 2 && num_after(out, "1 instances, ") == n, "%s", out);
	free(out);
	gen("lost.data", "-n 60000 -t 6 -c 3 -s 9 -l 7 -r 512", path, sizeof(path));
	same_all(path);
	gen("mig.data", "-n 40000 -t 8 -c 4 -s 17 -r 8192", path, sizeof(path));
	same_all(path);
	gen("rich.data", "-n 20000 -t 2 -c 2 -s 11 -x", path, sizeof(path));
	same_all(path);
}
END_TEST

/* swap the times of two samples of one buffer: a stream out of order, sorted all the same */
START_TEST(test_out_of_order_same)
{
	char path[256];
	unsigned char h[8];
	uint64_t off, end, t1 = 0, t2 = 0;
	long o1 = -1, o2 = -1;
	int fd, k = 0;

	gen("ooo.data", "-n 20000 -t 4 -c 2 -s 5 -r 100000", path, sizeof(path));
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &off, 8, 40), 8);
	ck_assert_int_eq(pread(fd, &end, 8, 48), 8);
	end += off;
	/* the 100th and the 5000th sample: IDENTIFIER, IP, TID, then TIME */
	while (off + 8 <= end && o2 < 0) {
		uint32_t type, size;

		ck_assert_int_eq(pread(fd, h, 8, (off_t)off), 8);
		memcpy(&type, h, 4);
		size = (uint32_t)h[6] | (uint32_t)h[7] << 8;
		if (type == 9 && (k == 100 || k == 5000)) {
			if (o1 < 0)
				o1 = (long)off;
			else
				o2 = (long)off;
		}
		k += type == 9;
		off += size;
	}
	ck_assert(o1 > 0 && o2 > 0);
	ck_assert_int_eq(pread(fd, &t1, 8, o1 + 32), 8);
	ck_assert_int_eq(pread(fd, &t2, 8, o2 + 32), 8);
	ck_assert_int_eq(pwrite(fd, &t2, 8, o1 + 32), 8);
	ck_assert_int_eq(pwrite(fd, &t1, 8, o2 + 32), 8);
	close(fd);
	same_all(path);
}
END_TEST

/*
 * One round as long as the file (a recording whose FINISHED_ROUNDs are
 * lost, or perf never wrote): the queue holds it all and runs out of
 * --order-mem's default; sorted mode keeps its runs, not its records, and
 * its tables are the generator's exact statistics.
 */
START_TEST(test_one_round_bounded)
{
	char path[256], *out, *exp;
	const char *reasons[] = { "HLT", "MSR_WRITE", "EXTERNAL_INTERRUPT" };
	size_t i;

	if (access("/usr/bin/time", X_OK))
		return;		/* .ci/deps installs it */
	gen("big.data", "--kvm-stat -n 1500000 -t 16 -V 2 -c 4 -r 100000000 -s 2", path,
	    sizeof(path));
	out = sh("/usr/bin/time -f 'rss=%%M' %s kvm-exit --input %s 2>&1; echo rc=$?", PP, path);
	exp = sh("cat %s.expect", path);
	ck_assert_msg(rc_of(out) == 0 && !strstr(out, "--order-mem"), "%s", out);
	ck_assert_msg(num_after(out, "rss=") < 48 * 1024, "peak RSS %ld KB for a %s:\n%s",
		      num_after(out, "rss="), "one-round file of 170 MB", out);
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), " %s ", reasons[i]);
		ck_assert_msg(table_calls(out, reasons[i]) == num_after(strstr(exp, key), key),
			      "%s: %ld calls, the generator made %ld", reasons[i],
			      table_calls(out, reasons[i]), num_after(strstr(exp, key), key));
	}
	free(exp);
	free(out);
}
END_TEST

static Suite *sorted_suite(void)
{
	Suite *s = suite_create("sorted");
	TCase *tc = tcase_create("sorted");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_recordings_same);
	tcase_add_test(tc, test_kvm_stat_layout_same);
	tcase_add_test(tc, test_out_of_order_same);
	tcase_add_test(tc, test_one_round_bounded);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(sorted_suite)
