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

/*
 * two runs of perf-prof @prof (kvm-exit, syscalls) print the same text;
 * but -v's order memory peak, which is the reading's, not the data's (a
 * plain file is merged in place, a compressed one in the engine's queue)
 */
#define NO_PEAK "sed 's/order memory peak [0-9]* bytes/order memory peak N bytes/'"

static void same_output_of(const char *prof, const char *a_file, const char *b_file,
			   const char *args)
{
	char *d = sh("cd %s && %s %s --input %s %s 2>&1 | " NO_PEAK " > a.out; "
		     "%s %s --input %s %s 2>&1 | " NO_PEAK " > b.out; diff a.out b.out | head -20",
		     dir, pp_bin(), prof, a_file, args, pp_bin(), prof, b_file, args);

	ck_assert_msg(!*d, "%s and %s differ (%s):\n%s", a_file, b_file, args, d);
	free(d);
}

static void same_output(const char *a_file, const char *b_file, const char *args)
{
	same_output_of("syscalls", a_file, b_file, args);
}

/* ---------------------------------------------------------------- perf record -z */

/* the samples perf counts of the file (perf report --stats) */
static long perf_samples(const char *file)
{
	char *out = sh("cd %s && perf report -i %s --stats 2>/dev/null | "
		       "awk '/^ *SAMPLE events:/ { print $3; exit }'", dir, file);
	long n = strtol(out, NULL, 10);

	free(out);
	return n;
}

/* every record the compressed records hold, as perf reads them */
START_TEST(test_zstd_agrees_with_perf)
{
	char *out;

	if (!can_record())
		return;
	/*
	 * -m 256: the run's 8,000 samples fit the ring whole (nothing lost on a
	 * busy machine), and a ring's chunk compresses into one record (perf 6.1
	 * leaves the end of a larger last chunk unwritten,
	 * test_zstd_stream_ends_inside_a_record)
	 */
	record("-p z.data -P '-z -m 256' -- getppid 4000");
	out = pp("z.data", "");
	ck_assert_msg(table_calls(out, "getppid") == 4000, "%s", out);
	ck_assert_msg(!strstr(out, "lost"), "%s", out);
	ck_assert_int_eq(perf_script_calls("z.data", 110), 4000);
	free(out);
	out = pp("z.data", "-v");
	ck_assert_msg(perf_samples("z.data") >= 8000 &&
		      num_after(out, "1 instances, ") == perf_samples("z.data"), "%s", out);
	free(out);
	/* pipe mode: the same stream, read from stdin */
	free(sh("cd %s && printf g | perf record -q -z -m 256 -e raw_syscalls:sys_enter "
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

/* @p (@n bytes of perf.data) with @d (@dn bytes) as its data section, into @dst */
static void write_with_data(const unsigned char *p, size_t n, const unsigned char *d,
			    uint64_t dn, const char *dst)
{
	uint64_t off, size, i, nfeat = 0, o;
	unsigned char *feat;
	FILE *f = fopen(dst, "wb");

	ck_assert_ptr_nonnull(f);
	memcpy(&off, p + 40, 8);
	memcpy(&size, p + 48, 8);
	feat = malloc(n - off - size);
	ck_assert_ptr_nonnull(feat);
	memcpy(feat, p + off + size, n - off - size);
	for (i = 0; i < 256; i++)
		nfeat += (p[72 + i / 8] >> (i % 8)) & 1;
	for (i = 0; i < nfeat; i++) {	/* each feature's (offset, size): after the data */
		memcpy(&o, feat + 16 * i, 8);
		o = o - size + dn;
		memcpy(feat + 16 * i, &o, 8);
	}
	ck_assert_uint_eq(fwrite(p, 1, 48, f), 48);
	ck_assert_uint_eq(fwrite(&dn, 1, 8, f), 8);
	ck_assert_uint_eq(fwrite(p + 56, 1, off - 56, f), off - 56);
	ck_assert_uint_eq(fwrite(d, 1, dn, f), dn);
	ck_assert_uint_eq(fwrite(feat, 1, n - off - size, f), n - off - size);
	fclose(f);
	free(feat);
}

/*
 * @d as one zstd frame (ZSTD_compress: 128 KiB blocks) cut every @chunk
 * bytes into COMPRESSED records; their size into *@zn
 */
static unsigned char *compressed_records(const unsigned char *d, uint64_t dn, size_t chunk,
					 uint64_t *zn)
{
	size_t zcap = ZSTD_compressBound(dn), n, i;
	unsigned char *z = malloc(zcap), *q = malloc(zcap + zcap / chunk * 8 + 64), *w = q;

	ck_assert(z && q);
	n = ZSTD_compress(z, zcap, d, dn, 1);
	ck_assert(!ZSTD_isError(n));
	for (i = 0; i < n; i += chunk) {
		uint32_t type = 81;
		uint16_t rs = (uint16_t)(8 + (n - i < chunk ? n - i : chunk));

		memset(w, 0, 8);
		memcpy(w, &type, 4);
		memcpy(w + 6, &rs, 2);
		memcpy(w + 8, z + i, rs - 8u);
		w += rs;
	}
	free(z);
	*zn = (uint64_t)(w - q);
	return q;
}

/*
 * The first whole records of @p's data section, then one record of a type
 * nobody reads, so that the section is exactly @target bytes
 */
static unsigned char *data_cut(const unsigned char *p, uint64_t target)
{
	uint64_t off, pos = 0;
	unsigned char *d = calloc(1, target);
	uint32_t pad_type = 127;
	uint16_t rs;

	ck_assert_ptr_nonnull(d);
	memcpy(&off, p + 40, 8);
	for (;;) {
		memcpy(&rs, p + off + pos + 6, 2);
		if (pos + rs + 8 > target)
			break;
		memcpy(d + pos, p + off + pos, rs);
		pos += rs;
	}
	rs = (uint16_t)(target - pos);
	memcpy(d + pos, &pad_type, 4);
	memcpy(d + pos + 6, &rs, 2);
	return d;
}

/* @src's data section compressed (or @target bytes of it, if not 0) into @dst; @plain: the same uncompressed */
static void to_compressed(const char *src, const char *dst, const char *plain, size_t chunk,
			  uint64_t target)
{
	char *p = slurp_file(src), *out = sh("wc -c < %s", src);
	size_t n = strtoul(out, NULL, 10);
	uint64_t off, size, zn;
	unsigned char *d, *z;

	free(out);
	ck_assert_ptr_nonnull(p);
	memcpy(&off, p + 40, 8);
	memcpy(&size, p + 48, 8);
	d = target ? data_cut((unsigned char *)p, target) : (unsigned char *)p + off;
	if (!target)
		target = size;
	z = compressed_records(d, target, chunk, &zn);
	write_with_data((unsigned char *)p, n, z, zn, dst);
	if (plain)
		write_with_data((unsigned char *)p, n, d, target, plain);
	if (d != (unsigned char *)p + off)
		free(d);
	free(z);
	free(p);
}

/*
 * Generated records compressed about 11 to 1: each compressed record
 * expands to MBs (the reader's buffer is 256 KiB).  The output must come out
 * whole: when the call that takes a record's last input fills the buffer,
 * zstd holds back the rest of its block, to be asked for with no more input.
 * Data sections of exact multiples of the buffer put the last block across
 * the end of a buffer.
 */
START_TEST(test_zstd_large_outputs)
{
	static const uint64_t kib[] = { 512, 768, 1024 };
	char src[128], dst[128], plain[128];
	size_t i;

	free(sh("%s/gen-perfdata -o %s/g.data -n 50000 -t 4 -c 2 -s 3 -f %s/x86-6.18 >/dev/null",
		TOOLS_DIR, dir, TEST_DATA_DIR));
	snprintf(src, sizeof(src), "%s/g.data", dir);
	snprintf(dst, sizeof(dst), "%s/g.data.z", dir);
	snprintf(plain, sizeof(plain), "%s/g.data.cut", dir);
	for (i = 0; i < sizeof(kib) / sizeof(kib[0]); i++) {
		to_compressed(src, dst, plain, 60000, kib[i] << 10);
		same_output_of("kvm-exit", "g.data.cut", "g.data.z", "-v");
	}
	to_compressed(src, dst, NULL, 60000, 0);
	same_output_of("kvm-exit", "g.data", "g.data.z", "-i 100 --than 1ms --perins");
}
END_TEST

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

/*
 * perf 6.1 leaves in its compressor what ZSTD_flushStream could not put
 * into a full record, for the next chunk; after the last there is none, so
 * a recording may end inside a record: said in one line, the rest counted
 */
START_TEST(test_zstd_stream_ends_inside_a_record)
{
	char *p, *out, path[128];
	uint64_t off, size, pos = 0, last = 0, zn, n;
	unsigned char *z;
	uint16_t rs;

	free(sh("%s/gen-perfdata -o %s/g.data -n 2000 -s 3 -f %s/x86-6.18 >/dev/null", TOOLS_DIR,
		dir, TEST_DATA_DIR));
	snprintf(path, sizeof(path), "%s/g.data", dir);
	p = slurp_file(path);
	ck_assert_ptr_nonnull(p);
	out = sh("wc -c < %s", path);
	n = strtoull(out, NULL, 10);
	free(out);
	memcpy(&off, p + 40, 8);
	memcpy(&size, p + 48, 8);
	while (pos < size) {	/* the last record */
		memcpy(&rs, p + off + pos + 6, 2);
		last = pos;
		pos += rs;
	}
	memcpy(&rs, p + off + last + 6, 2);
	/* all but the second half of the last record */
	z = compressed_records((unsigned char *)p + off, last + rs / 2, 60000, &zn);
	snprintf(path, sizeof(path), "%s/tail.data", dir);
	write_with_data((unsigned char *)p, n, z, zn, path);
	free(z);
	free(p);
	out = sh("%s kvm-exit --input %s 2>&1 >/dev/null; echo rc=$?", pp_bin(), path);
	ck_assert_msg(strstr(out, "tail.data: the compressed data ends inside a record ") &&
		      strstr(out, "rc=0"), "%s", out);
	ck_assert_uint_eq(num_after(out, "ends inside a record ("), rs / 2);
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
	tcase_add_test(z, test_zstd_stream_ends_inside_a_record);
	tcase_add_test(z, test_zstd_compressed2);
	tcase_add_test(z, test_zstd_large_outputs);
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
