// SPDX-License-Identifier: GPL-2.0-only
/*
 * syscalls decoding on the raw_syscalls formats of tests/data: the key is
 * the syscall number, the extra column counts negative returns, and
 * records cut short read absent fields as 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/latency.h>
#include <perf-prof/tep.h>
#include <perf-prof/tracefs.h>
#include <perf-prof/tests-only.h>
#include "formats.h"
#include "unit.h"

static struct tep_handle *tep;

static struct tep_event *load(const char *file)
{
	return load_format(tep, file, "raw_syscalls", NULL);
}

/* a record of 64 bytes with the 8-byte field at @offset set to @v */
static void make(unsigned char *raw, struct pp_record *rec, int offset, int64_t v)
{
	memset(raw, 0, 64);
	memcpy(raw + offset, &v, sizeof(v));
	memset(rec, 0, sizeof(*rec));
	rec->raw = raw;
	rec->raw_size = 64;
}

START_TEST(test_key_and_errors)
{
	static const char *const kernels[] = { "x86-6.18", "arm64-5.10" };
	unsigned char raw[64];
	struct pp_record rec;
	char f[128], err[256];
	struct tep_event *enter, *exit;
	uint64_t aux = 1;
	void *sst = syscalls_class.state_new();
	size_t i;

	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		tep = pp_tep_new();
		snprintf(f, sizeof(f), "%s-sys_enter.format", kernels[i]);
		enter = load(f);
		snprintf(f, sizeof(f), "%s-sys_exit.format", kernels[i]);
		exit = load(f);
		ck_assert_int_eq(syscalls_class.bind(sst, enter, exit, err, sizeof(err)), 0);

		make(raw, &rec, tep_find_field(enter, "id")->offset, 231);
		ck_assert_uint_eq(syscalls_class.key(sst, &rec, &aux), 231);
		ck_assert_uint_eq(aux, 0);
		/* -1 (a syscall the tracepoint could not tell) stays -1 */
		make(raw, &rec, tep_find_field(enter, "id")->offset, -1);
		ck_assert_uint_eq(syscalls_class.key(sst, &rec, &aux), UINT64_MAX);
		/* cut before the id: 0, as pp_field_u64 reads it */
		rec.raw_size = 12;
		ck_assert_uint_eq(syscalls_class.key(sst, &rec, &aux), 0);

		make(raw, &rec, tep_find_field(exit, "ret")->offset, -2);
		ck_assert_uint_eq(syscalls_class.extra(sst, &rec, 0, 100), 1);
		make(raw, &rec, tep_find_field(exit, "ret")->offset, 4096);
		ck_assert_uint_eq(syscalls_class.extra(sst, &rec, 0, 100), 0);
		make(raw, &rec, tep_find_field(exit, "ret")->offset, -2);
		rec.raw_size = 20;
		ck_assert_uint_eq(syscalls_class.extra(sst, &rec, 0, 100), 0);
		tep_free(tep);
		tep = NULL;
	}
	syscalls_class.state_free(sst);
}
END_TEST

static Suite *syscalls_decode_suite(void)
{
	Suite *s = suite_create("syscalls_decode");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, test_key_and_errors);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(syscalls_decode_suite)
