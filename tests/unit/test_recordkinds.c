// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every kind of recording users have, made by the real tool over a
 * workload with known counts (tests/tools/record-syscalls runs it): perf
 * record -z (zstd-compressed records), perf record --threads (a directory
 * of per-thread data files), trace-cmd's trace.dat.  Each is counted
 * exactly and against what perf script / trace-cmd report say of the same
 * file; a shipped -z fixture has records cut across compressed records.
 * The live ones need root, perf and trace-cmd (.ci/deps installs them).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include "textutil.h"
#include "unit.h"

#define REC TEST_DATA_DIR "/../tools/record-syscalls"
#define ZFIX TEST_DATA_DIR "/perfdata/real-syscalls-zstd.perf.data"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pp-kinds-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	free(sh("rm -rf '%s'", dir));
}

static bool can_record(void)
{
	return geteuid() == 0 && access("/usr/bin/perf", X_OK) == 0;
}

/* record-syscalls ARGS (the file names relative to the test's folder) */
static void record(const char *args)
{
	char *out = sh("cd %s && TOOLS=%s %s %s >/dev/null 2>rec.err; echo rc=$?; cat rec.err",
		       dir, TOOLS_DIR, REC, args);

	ck_assert_msg(strstr(out, "rc=0"), "record-syscalls %s: %s", args, out);
	free(out);
}

/* perf-prof syscalls --input FILE ARGS: stdout and stderr */
static char *pp(const char *file, const char *args)
{
	return sh("cd %s && %s syscalls --input %s %s 2>&1", dir, pp_bin(), file, args);
}

/* the events of syscall @nr in what perf script prints of @file */
static long perf_script_calls(const char *file, int nr)
{
	char *out = sh("cd %s && perf script -i %s 2>/dev/null | grep -c 'sys_enter: NR %d '",
		       dir, file, nr);
	long n = strtol(out, NULL, 10);

	free(out);
	return n;
}

/* the same of trace-cmd report */
static long trace_cmd_calls(const char *file, int nr)
{
	char *out = sh("cd %s && trace-cmd report %s 2>/dev/null | grep -c 'sys_enter: *NR %d '",
		       dir, file, nr);
	long n = strtol(out, NULL, 10);

	free(out);
	return n;
}

/* two runs' outputs are the same text */
static void same_output(const char *a_file, const char *b_file, const char *args)
{
	char *d = sh("cd %s && %s syscalls --input %s %s > a.out 2>&1; "
		     "%s syscalls --input %s %s > b.out 2>&1; diff a.out b.out | head -20",
		     dir, pp_bin(), a_file, args, pp_bin(), b_file, args);

	ck_assert_msg(!*d, "%s and %s differ (%s):\n%s", a_file, b_file, args, d);
	free(d);
}

/* ---------------------------------------------------------------- perf record -z */

/* compressed records expand into the records perf inject writes uncompressed */
START_TEST(test_zstd_agrees_with_perf)
{
	char *out;

	if (!can_record())
		return;
	record("-p z.data -P '-z -m 1024' -- getppid 10000");
	out = pp("z.data", "");
	ck_assert_msg(table_calls(out, "getppid") == 10000, "%s", out);
	ck_assert_msg(!strstr(out, "lost"), "%s", out);
	ck_assert_int_eq(perf_script_calls("z.data", 110), 10000);
	free(out);
	free(sh("cd %s && perf inject -i z.data -o plain.data 2>/dev/null", dir));
	same_output("z.data", "plain.data", "--perins");
	same_output("z.data", "plain.data", "-i 5 --json");
	/* pipe mode: the same stream, read from stdin */
	free(sh("cd %s && printf g | perf record -q -z -m 1024 -e raw_syscalls:sys_enter "
		"-e raw_syscalls:sys_exit -o - -- %s/workload getppid 3000 > zp.data 2>/dev/null",
		dir, TOOLS_DIR));
	out = sh("cd %s && %s syscalls --input - < zp.data 2>&1", dir, pp_bin());
	ck_assert_msg(table_calls(out, "getppid") == 3000, "%s", out);
	free(out);
}
END_TEST

/* the offsets in decompressed data where records begin: how many straddle two records */
static int cut_records(const unsigned char *p, size_t n)
{
	static unsigned char out[1 << 22];
	ZSTD_DStream *ds = ZSTD_createDStream();
	uint64_t off, end;
	size_t olen = 0, pos = 0;
	int cuts = 0;

	ZSTD_initDStream(ds);
	memcpy(&off, p + 40, 8);
	memcpy(&end, p + 48, 8);
	end += off;
	ck_assert_uint_le(end, n);
	while (off + 8 <= end) {
		uint32_t type;
		uint16_t size;

		memcpy(&type, p + off, 4);
		memcpy(&size, p + off + 6, 2);
		ck_assert_uint_ge(size, 8);
		if (type == 81) {
			ZSTD_inBuffer in = { p + off + 8, size - 8u, 0 };

			while (in.pos < in.size) {
				ZSTD_outBuffer o = { out + olen, sizeof(out) - olen, 0 };

				ck_assert(!ZSTD_isError(ZSTD_decompressStream(ds, &o, &in)));
				olen += o.pos;
			}
			while (olen - pos >= 8 && olen - pos >= (size_t)(out[pos + 6] |
								    out[pos + 7] << 8))
				pos += out[pos + 6] | out[pos + 7] << 8;
			cuts += pos != olen;
		}
		off += size;
	}
	ZSTD_freeDStream(ds);
	return cuts;
}

/*
 * perf record -z -m 2 (tests/data/perfdata/README.md): an 8 KiB ring that
 * wrapped 82 times; perf compresses the two pieces of a wrapped chunk
 * apart, so 25 records begin in one compressed record and end in the next.
 * 1,000 nanosleep calls, 2,060 samples as perf report --stats counts them.
 */
START_TEST(test_zstd_records_cut_across_compressed_records)
{
	char *data = slurp_file(ZFIX), *out;
	long n;

	ck_assert_ptr_nonnull(data);
	out = sh("wc -c < %s", ZFIX);
	n = strtol(out, NULL, 10);
	free(out);
	ck_assert_int_eq(cut_records((const unsigned char *)data, (size_t)n), 25);
	free(data);
	out = sh("%s syscalls --input %s -v 2>&1", pp_bin(), ZFIX);
	ck_assert_msg(table_calls(out, "clock_nanosleep") == 1000, "%s", out);
	ck_assert_msg(strstr(out, " 2060 samples, "), "%s", out);
	ck_assert_msg(strstr(out, " 0 lost in 0 gaps"), "%s", out);
	free(out);
}
END_TEST

/*
 * @src with every COMPRESSED record written as perf 6.15+ writes it,
 * COMPRESSED2: the data's size after the header, padding to 8 bytes.  The
 * feature sections after the data move by what the data grew.
 */
static void to_compressed2(const unsigned char *p, size_t n, const char *dst)
{
	unsigned char *q = malloc(2 * n), *w;
	uint64_t off, size, end, grow, i, nfeat = 0;
	FILE *f;

	ck_assert_ptr_nonnull(q);
	memcpy(&off, p + 40, 8);
	memcpy(&size, p + 48, 8);
	end = off + size;
	memcpy(q, p, off);
	w = q + off;
	while (off < end) {
		uint32_t type;
		uint16_t rs, ns;

		memcpy(&type, p + off, 4);
		memcpy(&rs, p + off + 6, 2);
		if (type != 81) {
			memcpy(w, p + off, rs);
			w += rs;
		} else {
			uint64_t dsz = rs - 8u;

			ck_assert_uint_le(16 + dsz + 7, 65535);
			ns = (uint16_t)((16 + dsz + 7) & ~7ull);
			memset(w, 0, ns);
			type = 83;
			memcpy(w, &type, 4);
			memcpy(w + 4, p + off + 4, 2);
			memcpy(w + 6, &ns, 2);
			memcpy(w + 8, &dsz, 8);
			memcpy(w + 16, p + off + 8, dsz);
			w += ns;
		}
		off += rs;
	}
	grow = (uint64_t)(w - q) - end;
	size += grow;
	memcpy(q + 48, &size, 8);
	memcpy(w, p + end, n - end);
	for (i = 0; i < 256; i++)
		nfeat += (p[72 + i / 8] >> (i % 8)) & 1;
	for (i = 0; i < nfeat; i++) {	/* each feature's (offset, size) */
		uint64_t o;

		memcpy(&o, w + 16 * i, 8);
		o += grow;
		memcpy(w + 16 * i, &o, 8);
	}
	f = fopen(dst, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(q, 1, (size_t)(w - q) + (n - end), f), (size_t)(w - q) + (n - end));
	fclose(f);
	free(q);
}

/* COMPRESSED2 (perf 6.15+): the same records, the same table */
START_TEST(test_zstd_compressed2)
{
	char *data = slurp_file(ZFIX), *out, path[128];
	long n;

	ck_assert_ptr_nonnull(data);
	out = sh("wc -c < %s", ZFIX);
	n = strtol(out, NULL, 10);
	free(out);
	snprintf(path, sizeof(path), "%s/z2.data", dir);
	to_compressed2((const unsigned char *)data, (size_t)n, path);
	free(data);
	free(sh("cp %s %s/z1.data", ZFIX, dir));
	same_output("z1.data", "z2.data", "-v --perins");
	out = pp("z2.data", "");
	ck_assert_msg(table_calls(out, "clock_nanosleep") == 1000, "%s", out);
	free(out);
}
END_TEST

/* the decompressed data ends inside a record: said, with where */
START_TEST(test_zstd_cut_file)
{
	char *out;

	out = sh("head -c 20000 %s > %s/cut.data; %s syscalls --input %s/cut.data 2>&1 "
		 ">/dev/null; echo rc=$?", ZFIX, dir, pp_bin(), dir);
	ck_assert_msg(strstr(out, "cut.data: offset ") && strstr(out, "rc=1"), "%s", out);
	ck_assert_int_eq(count_substr(out, "\n"), 2);
	free(out);
}
END_TEST

/* ---------------------------------------------------------------- perf record --threads */

/*
 * A thread that migrates between the two CPUs at every call: its enters
 * and exits are in different data files, merged by time.
 */
START_TEST(test_threads_agrees_with_perf)
{
	char *out;

	if (!can_record())
		return;
	record("-p thr.data -P '--threads -m 1024' -- migrate 2000 50");
	free(sh("test -d %s/thr.data && ls %s/thr.data", dir, dir));
	out = pp("thr.data", "");
	ck_assert_msg(table_calls(out, "rt_sigtimedwait") == 2000, "%s", out);
	ck_assert_msg(!strstr(out, "perf-prof:"), "%s", out);
	ck_assert_int_eq(perf_script_calls("thr.data", 128), 2000);
	free(out);
	/* the header file names the directory; perf inject writes one file */
	same_output("thr.data", "thr.data/data", "--perins");
	free(sh("cd %s && perf inject -i thr.data -o one.data 2>/dev/null", dir));
	same_output("thr.data", "one.data", "--perins");
	same_output("thr.data", "one.data", "--than 100us");
}
END_TEST

/* the header file alone (issue: it printed nothing and exited 0) */
START_TEST(test_threads_header_file_alone)
{
	char *out;

	if (!can_record())
		return;
	record("-p thr.data -P '--threads' -- getppid 100");
	out = sh("cd %s && mkdir lone && cp thr.data/data lone/ && %s syscalls --input lone/data "
		 "2>&1; echo rc=$?", dir, pp_bin());
	ck_assert_str_eq(out, "perf-prof: lone/data: the header file of a perf record --threads "
			 "directory, without its data files (data.0, data.1, ...) beside it: give "
			 "--input the directory that holds them all\nrc=1\n");
	free(out);
	out = sh("cd %s && mkdir empty && %s syscalls --input empty 2>&1; echo rc=$?", dir,
		 pp_bin());
	ck_assert_str_eq(out, "perf-prof: empty: a directory, not a perf record --threads "
			 "recording (it has no data file)\nrc=1\n");
	free(out);
}
END_TEST

/* a damaged sample_type in one attr: every sample of its event would be dropped unsaid */
START_TEST(test_damaged_sample_type_is_said)
{
	const char *src = TEST_DATA_DIR "/kvm-x86-6.1-svm-1vcpu.perf.data";
	char *data = slurp_file(src), *out, path[128];
	uint64_t attrs, st;
	long n;
	FILE *f;

	ck_assert_ptr_nonnull(data);
	out = sh("wc -c < %s", src);
	n = strtol(out, NULL, 10);
	free(out);
	/* the first attr's sample_type without PERF_SAMPLE_CPU: every field after it shifts */
	memcpy(&attrs, data + 24, 8);
	memcpy(&st, data + attrs + 24, 8);
	ck_assert_uint_eq(st, 0x10587);
	st &= ~0x80ull;
	memcpy(data + attrs + 24, &st, 8);
	snprintf(path, sizeof(path), "%s/d.data", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), (size_t)n);
	fclose(f);
	free(data);
	out = sh("%s kvm-exit --input %s 2>&1 >/dev/null; echo rc=$?", pp_bin(), path);
	ck_assert_msg(strstr(out, "/d.data: offset 20296: a sample of kvm:kvm_exit (id 1440) that "
			      "does not hold that event's data where its attr's sample_type "
			      "0x10507 puts it (a damaged header?)\nrc=1\n"), "%s", out);
	free(out);
}
END_TEST

/* ---------------------------------------------------------------- trace-cmd */

static bool can_trace_cmd(void)
{
	return geteuid() == 0 && access("/usr/bin/trace-cmd", X_OK) == 0;
}

START_TEST(test_tracedat_agrees_with_trace_cmd)
{
	char *out;

	if (!can_trace_cmd())
		return;
	record("-t t.dat -- getppid 20000");
	out = pp("t.dat", "");
	ck_assert_msg(table_calls(out, "getppid") == 20000, "%s", out);
	ck_assert_msg(!strstr(out, "perf-prof:"), "%s", out);
	ck_assert_int_eq(trace_cmd_calls("t.dat", 110), 20000);
	free(out);
}
END_TEST

/* trace.dat version 6, uncompressed: a thread migrating at every call */
START_TEST(test_tracedat_v6_merged_by_time)
{
	char *out;

	if (!can_trace_cmd())
		return;
	record("-t t6.dat -T '--file-version 6' -- migrate 2000 50");
	out = pp("t6.dat", "");
	ck_assert_msg(table_calls(out, "rt_sigtimedwait") == 2000, "%s", out);
	ck_assert_int_eq(trace_cmd_calls("t6.dat", 128), 2000);
	free(out);
}
END_TEST

/*
 * The same run recorded by perf and trace-cmd at once: the same events,
 * so the same calls on every row (the two stamp an event at different
 * points of the tracepoint, so times differ by a little)
 */
START_TEST(test_tracedat_and_perfdata_of_one_run)
{
	char *a, *b, *line;
	int rows = 0;

	if (!can_trace_cmd() || !can_record())
		return;
	record("-p one.data -P '-m 1024' -t one.dat -- migrate 1000 50");
	a = pp("one.data", "");
	b = pp("one.dat", "");
	for (line = strstr(a, "\n-----"); line && (line = strchr(line + 1, '\n')) && line[1] != '\n';) {
		char name[32];

		ck_assert_int_eq(sscanf(line + 1, "%31s", name), 1);
		ck_assert_msg(table_calls(a, name) == table_calls(b, name), "%s:\n%s\n%s", name, a,
			      b);
		rows++;
	}
	ck_assert_int_ge(rows, 3);
	ck_assert_msg(table_calls(b, "rt_sigtimedwait") == 1000, "%s", b);
	free(a);
	free(b);
	/* the options read a trace.dat as they read a perf.data */
	a = pp("one.dat", "--perins -i 50 --json");
	ck_assert_msg(strstr(a, "{\"time\":") || strstr(a, "\"rows\""), "%s", a);
	free(a);
	a = pp("one.dat", "--than 100ms --heatmap hm");
	ck_assert_msg(!strstr(a, "perf-prof:"), "%s", a);
	free(a);
	a = sh("cd %s && test -s hm.lat && echo ok", dir);
	ck_assert_str_eq(a, "ok\n");
	free(a);
}
END_TEST

/* a ring that overflowed: its dropped events are counted as trace-cmd reports them */
START_TEST(test_tracedat_lost_events)
{
	char *out, *rep;
	long dropped;

	if (!can_trace_cmd())
		return;
	record("-x lost.dat -X 16 -- getppid 20000");
	rep = sh("cd %s && trace-cmd report lost.dat 2>/dev/null | "
		 "sed -n 's/.*\\[\\([0-9]*\\) EVENTS DROPPED\\].*/\\1/p' | "
		 "awk '{ s += $1 } END { print s + 0 }'", dir);
	dropped = strtol(rep, NULL, 10);
	free(rep);
	ck_assert_int_gt(dropped, 1000);
	out = pp("lost.dat", "");
	ck_assert_msg(num_after(out, "perf-prof: the recording lost ") == dropped, "%ld:\n%s",
		      dropped, out);
	/* what was kept after the gap is counted, never paired across it */
	ck_assert_msg(table_calls(out, "getppid") == trace_cmd_calls("lost.dat", 110), "%s", out);
	ck_assert_msg(table_col(out, "getppid", 6) < 1000.0, "%s", out);
	free(out);
}
END_TEST

/* damaged and cut trace.dat files: one line, exit 1 */
START_TEST(test_tracedat_damaged)
{
	char *out;

	out = sh("cd %s && printf '\\027\\010\\104tracing6\\0\\0\\0' > bad.dat && "
		 "%s syscalls --input bad.dat 2>&1; echo rc=$?", dir, pp_bin());
	ck_assert_str_eq(out, "perf-prof: bad.dat: a trace.dat file that libtracecmd cannot read "
			 "(damaged or cut short?)\nrc=1\n");
	free(out);
}
END_TEST

static Suite *recordkinds_suite(void)
{
	Suite *s = suite_create("recordkinds");
	TCase *z = tcase_create("zstd"), *thr = tcase_create("threads"),
	      *tc = tcase_create("tracecmd");

	tcase_add_checked_fixture(z, setup, teardown);
	tcase_set_timeout(z, 120);
	tcase_add_test(z, test_zstd_agrees_with_perf);
	tcase_add_test(z, test_zstd_records_cut_across_compressed_records);
	tcase_add_test(z, test_zstd_cut_file);
	tcase_add_test(z, test_zstd_compressed2);
	suite_add_tcase(s, z);
	tcase_add_checked_fixture(thr, setup, teardown);
	tcase_set_timeout(thr, 120);
	tcase_add_test(thr, test_threads_agrees_with_perf);
	tcase_add_test(thr, test_threads_header_file_alone);
	tcase_add_test(thr, test_damaged_sample_type_is_said);
	suite_add_tcase(s, thr);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tracedat_agrees_with_trace_cmd);
	tcase_add_test(tc, test_tracedat_v6_merged_by_time);
	tcase_add_test(tc, test_tracedat_and_perfdata_of_one_run);
	tcase_add_test(tc, test_tracedat_lost_events);
	tcase_add_test(tc, test_tracedat_damaged);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(recordkinds_suite)
