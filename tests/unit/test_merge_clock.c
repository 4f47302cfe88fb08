// SPDX-License-Identifier: GPL-2.0-only
/*
 * The merge and the interval clock against damaged recordings (issue 22,
 * docs/reliability.md "Merge and interval clock"): a sample's cpu or time
 * is a number the file states, and nothing may be sized or looped over by
 * it.  Each case runs the real binary on a copy of the shipped sample with
 * one field changed, in every way a recording is read: file mode, pipe
 * mode (`--input -`) and the queueing merge (`--order-mem`).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <perf-prof/gaps.h>
#include "textutil.h"
#include "unit.h"

#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

#define PP	pp_bin()
#define SAMPLE	TEST_DATA_DIR "/sample-kvm-generated.perf.data"
/* its samples: IDENTIFIER, IP, TID, TIME, CPU, PERIOD, RAW */
#define OFF_TIME	32
#define OFF_CPU		40

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pp-mergeclock-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	free(sh("rm -rf %s", dir));
}

/* file offset of the @nth (from 0) PERF_RECORD_SAMPLE of the recording at @fd */
static long sample_at(int fd, int nth)
{
	uint64_t off, end, h;

	ck_assert_int_eq(pread(fd, &h, 8, 8), 8);
	if (h == 16) {		/* pipe mode: records from the 16-byte header on */
		off = 16;
		end = (uint64_t)lseek(fd, 0, SEEK_END);
	} else {
		ck_assert_int_eq(pread(fd, &off, 8, 40), 8);
		ck_assert_int_eq(pread(fd, &end, 8, 48), 8);
		end += off;
	}
	while (off + 8 <= end) {
		ck_assert_int_eq(pread(fd, &h, 8, (off_t)off), 8);
		if ((uint32_t)h == 9 && nth-- == 0)
			return (long)off;
		ck_assert_uint_ge(h >> 48, 8);
		if ((uint32_t)h == 66) {	/* pipe mode's tracing data follows its record */
			uint32_t tsize;

			ck_assert_int_eq(pread(fd, &tsize, 4, (off_t)off + 8), 4);
			off += tsize;
		}
		off += h >> 48;
	}
	ck_abort_msg("the recording has too few samples");
	return -1;
}

/* a copy of @src named @name with @len bytes of @v at field @field of sample @nth */
static void damaged_from(const char *src, const char *name, int nth, int field, uint64_t v,
			 int len, char *path, size_t plen)
{
	char *o;
	int fd;

	snprintf(path, plen, "%s/%s", dir, name);
	o = sh("cp %s %s && echo ok", src, path);
	ck_assert_msg(strstr(o, "ok"), "%s", o);
	free(o);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, &v, len, sample_at(fd, nth) + field), len);
	close(fd);
}

static void damaged(const char *name, int nth, int field, uint64_t v, int len, char *path,
		    size_t plen)
{
	damaged_from(SAMPLE, name, nth, field, v, len, path, plen);
}

/*
 * 1 GB of memory at most: an address-space limit, or (AddressSanitizer
 * reserves terabytes of it) the allocator's own limit
 */
#ifdef __SANITIZE_ADDRESS__
#define LIMIT_1GB "ASAN_OPTIONS=$ASAN_OPTIONS:max_allocation_size_mb=1024:allocator_may_return_null=1"
#else
#define LIMIT_1GB "ulimit -v 1048576;"
#endif

/* the three ways a recording is read */
static const char *const modes[] = { "--input %s", "--input - < %s", "--order-mem 1MB --input %s" };

/*
 * One damaged byte, gigabytes (issue 22): a sample whose cpu reads
 * 0x04000000 sized the merge's per-CPU array from it, 4.2 GB.  Under a
 * 1 GB address-space limit the run must still succeed, with the table of
 * the intact file: a buffer number is a name, not a size.
 */
START_TEST(test_damaged_cpu_costs_nothing)
{
	static const uint64_t cpus[] = { 0x04000000, 0x7fffffff, 0xffffffff, 65535 };
	char path[128], *good, *out;
	size_t i, m;

	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		damaged("cpu.data", 100 + (int)i, OFF_CPU, cpus[i], 4, path, sizeof(path));
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			char in[256];

			snprintf(in, sizeof(in), modes[m], SAMPLE);
			good = sh("%s kvm-exit %s --perins 2>&1", PP, in);
			snprintf(in, sizeof(in), modes[m], path);
			out = sh("%s %s kvm-exit %s --perins 2>&1; echo rc=$?", LIMIT_1GB, PP, in);
			ck_assert_msg(rc_of(out) == 0, "cpu %#lx, %s:\n%s", (unsigned long)cpus[i],
				      in, out);
			*strstr(out, "rc=") = 0;
			ck_assert_msg(!strcmp(out, good), "cpu %#lx, %s: the table changed:\n%s\n"
				      "intact:\n%s", (unsigned long)cpus[i], in, out, good);
			free(out);
			free(good);
		}
	}
}
END_TEST

/*
 * The same for trace-cmd's trace.dat: the CPU count its options state
 * sized two arrays and was looped over for every record (2^24 CPUs: a
 * run deaf to SIGTERM; 2^31: 16 GB touched on the way out).  Only the
 * CPUs whose buffers hold records have state, and the table is the
 * intact file's.
 */
START_TEST(test_tracedat_cpu_count_costs_nothing)
{
	static const uint8_t opt[] = { 8, 0, 4, 0, 0, 0, 2, 0, 0, 0 };	/* CPUCOUNT, 4 bytes: 2 */
	static const uint32_t cpus[] = { 1u << 24, 0x7fffffff, 65537 };
	const char *src = TEST_DATA_DIR "/kvm-x86-6.1-svm-2vcpu.trace.dat";
	char path[128], *good, *out, *data = slurp_file(src), *at;
	struct stat st;
	size_t i;
	int fd;

	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(stat(src, &st), 0);
	at = memmem(data, (size_t)st.st_size, opt, sizeof(opt));
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_null(memmem(at + 1, (size_t)(data + st.st_size - at - 1), opt, sizeof(opt)));
	good = sh("%s kvm-exit --input %s --perins 2>&1", PP, src);
	snprintf(path, sizeof(path), "%s/cpus.dat", dir);
	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		memcpy(at + 6, &cpus[i], 4);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, data, (size_t)st.st_size), st.st_size);
		close(fd);
		out = sh("%s timeout -s KILL 60 %s kvm-exit --input %s --perins 2>&1; echo rc=$?",
			 LIMIT_1GB, PP, path);
		ck_assert_msg(rc_of(out) == 0, "%u CPUs:\n%s", cpus[i], out);
		*strstr(out, "rc=") = 0;
		ck_assert_msg(!strcmp(out, good), "%u CPUs: the table changed:\n%s\nintact:\n%s",
			      cpus[i], out, good);
		free(out);
	}
	free(good);
	free(data);
}
END_TEST

/*
 * The same for a lost-record gap: the slots that date gaps grow with the
 * buffers that lose records, not with the number a LOST record states.
 */
START_TEST(test_gap_buffer_numbers)
{
	struct gaps g;
	struct pp_record r;

	gaps_init(&g);
	memset(&r, 0, sizeof(r));
	r.type = PP_REC_LOST;
	r.lost = 3;
	r.buf = 65535;
	ck_assert_int_eq(gaps_note(&g, &r), 0);
	r.buf = 0x7fffffff;
	ck_assert_int_eq(gaps_note(&g, &r), 0);
	r.buf = 2;
	ck_assert_int_eq(gaps_note(&g, &r), 0);
	ck_assert_int_le(g.nbuf, 8);
	ck_assert_uint_eq(g.nfar, 2);
	ck_assert_uint_eq(gaps_lost(&g, 65535), 3);
	ck_assert_uint_eq(gaps_lost(&g, 0x7fffffff), 3);
	ck_assert_uint_eq(gaps_lost(&g, 2), 3);
	ck_assert_uint_eq(gaps_lost(&g, 3), 0);
	ck_assert_uint_eq(gaps_lost(&g, 70000), 0);
	ck_assert_uint_eq(g.lost, 9);
	/* each held gap comes out once, dated by the next record of its buffer */
	r.type = PP_REC_SAMPLE;
	r.buf = 0x7fffffff;
	r.time = 77;
	ck_assert_ptr_nonnull(gaps_take(&g, &r));
	ck_assert_uint_eq(g.taken.time, 77);
	ck_assert_ptr_null(gaps_take(&g, &r));
	ck_assert_ptr_nonnull(gaps_pop(&g));
	ck_assert_int_eq(g.taken.buf, 2);
	ck_assert_ptr_nonnull(gaps_pop(&g));
	ck_assert_int_eq(g.taken.buf, 65535);
	ck_assert_ptr_null(gaps_pop(&g));
	gaps_free(&g);
}
END_TEST

/*
 * A hang that signals cannot end (issue 22): one sample stamped 2^63 ns
 * made -i print an empty interval per millisecond up to it, forever,
 * deaf to SIGINT.  The clock now skips empty stretches in one step: the
 * run ends by itself with the tables of what came before the jump.
 * (The timeout only turns the old hang into a failure.)
 */
START_TEST(test_time_jump_ends)
{
	static const uint64_t times[] = { 1ull << 63, UINT64_MAX, UINT64_MAX - 1,
					  1000000000000ull + 3600ull * 1000000000 };
	char path[128], *out;
	size_t i, m;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		damaged("time.data", 200, OFF_TIME, times[i], 8, path, sizeof(path));
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			char in[256];

			snprintf(in, sizeof(in), modes[m], path);
			out = sh("timeout -s KILL 60 %s kvm-exit %s -i 1 2>&1; echo rc=$?", PP, in);
			ck_assert_msg(rc_of(out) == 0, "time %#lx, %s:\n%.3000s",
				      (unsigned long)times[i], in, out);
			/* every table before the jump, each a millisecond of the recording */
			ck_assert_msg(count_substr(out, "kvm-exit latency\n") >= 10,
				      "time %#lx, %s:\n%.3000s", (unsigned long)times[i], in, out);
			free(out);
		}
	}
}
END_TEST

/*
 * Rule 2: a stop signal ends any run within a second, with the final
 * table.  The damaged recording comes down a FIFO held open, so the run
 * has read it all and waits for more when the signal comes (on main it
 * was still printing empty intervals, deaf to all three).
 */
START_TEST(test_stop_during_damaged_run)
{
	static const char *const sigs[] = { "INT", "TERM", "HUP" };
	char path[128], src[128], *out;
	size_t i;

	/* the same layout in pipe mode, as perf record -o - writes it */
	out = sh("%s/gen-perfdata -n 12000 -p -s 5 -f " TEST_DATA_DIR "/x86-6.18 -o %s/pipe.data "
		 ">/dev/null 2>&1; echo rc=$?", TOOLS_DIR, dir);
	ck_assert_msg(rc_of(out) == 0, "%s", out);
	free(out);
	snprintf(src, sizeof(src), "%s/pipe.data", dir);
	damaged_from(src, "time.pipe", 200, OFF_TIME, 1ull << 63, 8, path, sizeof(path));
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		out = sh("cd %s && rm -f fifo out && mkfifo fifo && "
			 "{ %s kvm-exit --input - -i 1 < fifo > out 2>&1 & P=$!; exec 3>fifo; "
			 "{ cat %s >&3 & }; for k in $(seq 100); do grep -q latency out && break; "
			 "sleep 0.05; done; sleep 0.5; kill -%s $P 2>/dev/null; "
			 "for k in 1 2 3 4 5 6 7 8 9 10; do kill -0 $P 2>/dev/null || break; "
			 "sleep 0.1; done; kill -0 $P 2>/dev/null && echo still-running; "
			 "kill -KILL $P 2>/dev/null; wait $P; echo rc=$?; exec 3>&-; }; cat out",
			 dir, PP, path, sigs[i]);
		ck_assert_msg(!strstr(out, "still-running"), "SIG%s:\n%.2000s", sigs[i], out);
		ck_assert_msg(rc_of(out) == 0, "SIG%s:\n%.2000s", sigs[i], out);
		ck_assert_msg(count_substr(out, "kvm-exit latency\n") >= 10, "SIG%s:\n%.2000s",
			      sigs[i], out);
		free(out);
	}
}
END_TEST

static Suite *mergeclock_suite(void)
{
	Suite *s = suite_create("mergeclock");
	TCase *tc = tcase_create("damaged");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_damaged_cpu_costs_nothing);
	tcase_add_test(tc, test_tracedat_cpu_count_costs_nothing);
	tcase_add_test(tc, test_gap_buffer_numbers);
	tcase_add_test(tc, test_time_jump_ends);
	tcase_add_test(tc, test_stop_during_damaged_run);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(mergeclock_suite)
