// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-exit decoding on real tracepoint formats of several kernels and
 * both architectures (tests/data, see its README for their origin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/latency.h>
#include <perf-prof/tep.h>
#include <perf-prof/tests-only.h>
#include <perf-prof/tracefs.h>
#include "formats.h"
#include "unit.h"

static struct tep_handle *tep;
static struct tep_event *ev_exit, *ev_entry;
static void *kst;	/* the class's state, bound anew by each setup_kernel() */

static struct tep_event *load(const char *file, const char *override_fmt)
{
	return load_format(tep, file, "kvm", override_fmt);
}

static void setup_kernel(const char *prefix, const char *override_fmt)
{
	char f[128], err[256];

	if (!kst)
		kst = kvm_exit_class.state_new();
	if (tep)
		tep_free(tep);
	tep = pp_tep_new();
	snprintf(f, sizeof(f), "%s-kvm_exit.format", prefix);
	ev_exit = load(f, override_fmt);
	snprintf(f, sizeof(f), "%s-kvm_entry.format", prefix);
	ev_entry = load(f, NULL);
	ck_assert_int_eq(kvm_exit_class.bind(kst, ev_exit, ev_entry, err, sizeof(err)), 0);
}

/* a record of @ev with the named fields set */
static void make(struct tep_event *ev, unsigned char *raw, struct pp_record *rec,
		 const char *const *names, const uint64_t *vals)
{
	uint16_t type = ev->id;
	int i;

	memset(raw, 0, 256);
	memcpy(raw, &type, 2);
	for (i = 0; names[i]; i++) {
		struct tep_format_field *f = tep_find_field(ev, names[i]);

		ck_assert_msg(f != NULL, "no field %s", names[i]);
		memcpy(raw + f->offset, &vals[i], f->size);	/* little endian */
	}
	memset(rec, 0, sizeof(*rec));
	rec->raw = raw;
	rec->raw_size = 256;
}

static const char *name_of(const char *const *names, const uint64_t *vals, uint64_t *aux)
{
	static char buf[64];
	unsigned char raw[256];
	struct pp_record rec;
	uint64_t key, a;

	make(ev_exit, raw, &rec, names, vals);
	key = kvm_exit_class.key(kst, &rec, aux ? aux : &a);
	kvm_exit_class.key_name(kst, key, buf, sizeof(buf));
	return buf;
}

static const char *x86(uint64_t reason, uint64_t isa)
{
	const char *names[] = { "exit_reason", "isa", NULL };
	uint64_t vals[] = { reason, isa };

	return name_of(names, vals, NULL);
}

static bool x86_idle(uint64_t reason, uint64_t isa)
{
	const char *names[] = { "exit_reason", "isa", NULL };
	uint64_t vals[] = { reason, isa }, aux;
	unsigned char raw[256];
	struct pp_record rec;

	make(ev_exit, raw, &rec, names, vals);
	return kvm_exit_class.idle_key(kst, kvm_exit_class.key(kst, &rec, &aux));
}

START_TEST(test_x86_618)
{
	setup_kernel("x86-6.18", NULL);
	ck_assert_str_eq(x86(30, 1), "IO_INSTRUCTION");
	ck_assert_str_eq(x86(32, 1), "MSR_WRITE");
	ck_assert_str_eq(x86(7, 1), "INTERRUPT_WINDOW");
	ck_assert_str_eq(x86(75, 1), "NOTIFY");
	ck_assert_str_eq(x86(85, 1), "MSR_WRITE_IMM");
	/* VMX: flags above bit 15 are masked off the basic reason */
	ck_assert_str_eq(x86(0x80000021, 1), "INVALID_STATE");
	/* an unknown code prints as its number */
	ck_assert_str_eq(x86(99, 1), "99");
	/* SVM names come from the second table */
	ck_assert_str_eq(x86(0x7b, 2), "io");
	ck_assert_str_eq(x86(0x400, 2), "npf");
	ck_assert_str_eq(x86(0xffffffff, 2), "invalid_guest_state");
	ck_assert_str_eq(x86(0x8000fffd, 2), "vmgexit_hypervisor_feature");
	ck_assert_str_eq(x86(0x1234, 2), "0x1234");
	ck_assert(x86_idle(12, 1));
	ck_assert(!x86_idle(30, 1));
	ck_assert(x86_idle(0x78, 2));
	ck_assert(x86_idle(0xa6, 2));
	ck_assert(!x86_idle(12, 2));
}
END_TEST

START_TEST(test_x86_310)
{
	setup_kernel("x86-3.10", NULL);
	/* the 3.10 table calls 7 PENDING_INTERRUPT: names follow the kernel */
	ck_assert_str_eq(x86(7, 1), "PENDING_INTERRUPT");
	ck_assert_str_eq(x86(12, 1), "HLT");
	ck_assert_str_eq(x86(49, 1), "EPT_MISCONFIG");
	ck_assert_str_eq(x86(0x7c, 2), "msr");
	ck_assert(x86_idle(12, 1));
}
END_TEST

START_TEST(test_x86_510_and_54)
{
	setup_kernel("x86-5.10", NULL);
	ck_assert_str_eq(x86(48, 1), "EPT_VIOLATION");
	ck_assert_str_eq(x86(74, 1), "74");	/* BUS_LOCK arrived in 5.12 */
	setup_kernel("x86-5.15", NULL);
	ck_assert_str_eq(x86(74, 1), "BUS_LOCK");
	setup_kernel("x86-5.4", NULL);
	ck_assert_str_eq(x86(56, 1), "APIC_WRITE");
}
END_TEST

START_TEST(test_gsys_and_vcpu)
{
	const char *names[] = { "exit_reason", "isa", "guest_rip", NULL };
	uint64_t kern[] = { 30, 1, 0xffffffff813267eaull }, user[] = { 30, 1, 0x401000 }, aux;
	const char *en[] = { "vcpu_id", NULL };
	uint64_t ev[] = { 3 };
	unsigned char raw[256];
	struct pp_record rec;

	setup_kernel("x86-6.18", NULL);
	name_of(names, kern, &aux);
	ck_assert_uint_eq(aux, 0xffffffff813267eaull);
	ck_assert_uint_eq(kvm_exit_class.extra(kst, &rec, aux, 1234), 1234);
	name_of(names, user, &aux);
	ck_assert_uint_eq(aux, 0x401000);
	ck_assert_uint_eq(kvm_exit_class.extra(kst, &rec, aux, 1234), 0);
	make(ev_entry, raw, &rec, en, ev);
	ck_assert_int_eq(kvm_exit_class.vcpu(kst, &rec), 3);
	setup_kernel("x86-3.10", NULL);
	make(ev_entry, raw, &rec, en, ev);
	ck_assert_int_eq(kvm_exit_class.vcpu(kst, &rec), 3);
}
END_TEST

static const char *arm(const char *retf, const char *ecf, int64_t ret, uint64_t ec,
		       uint64_t *aux)
{
	const char *names[] = { retf, ecf, "vcpu_pc", NULL };
	uint64_t vals[] = { (uint64_t)ret, ec, 0xffff800010001000ull };

	return name_of(names, vals, aux);
}

START_TEST(test_arm64)
{
	static const char *const kernels[] = { "arm64-5.4", "arm64-5.10", "arm64-5.15",
					       "arm64-6.1", "arm64-6.18" };
	uint64_t aux;
	size_t i;

	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		setup_kernel(kernels[i], NULL);
		/* a trap is keyed by its exception class */
		ck_assert_str_eq(arm("ret", "esr_ec", 2, 0x24, &aux), "DABT_LOW");
		ck_assert_uint_eq(aux, 0xffff800010001000ull);
		ck_assert_uint_eq(kvm_exit_class.extra(kst, NULL, aux, 77), 77);
		ck_assert_str_eq(arm("ret", "esr_ec", 2, 0x16, &aux), "HVC64");
		ck_assert_str_eq(arm("ret", "esr_ec", 2, 0x01, &aux), "WFx");
		/* anything else by the exception type */
		ck_assert_str_eq(arm("ret", "esr_ec", 0, 0x24, &aux), "IRQ");
		ck_assert_str_eq(arm("ret", "esr_ec", 0xbadca11, 0, &aux), "HYP_GONE");
		ck_assert_str_eq(arm("ret", "esr_ec", 2, 0x3e, &aux), "0x3e");
	}
}
END_TEST

START_TEST(test_arm64_419)
{
	uint64_t aux;

	setup_kernel("arm64-4.19", NULL);
	/* 4.19 names the fields idx/exit_reason and TRAP is 1 */
	ck_assert_str_eq(arm("idx", "exit_reason", 1, 0x24, &aux), "DABT_LOW");
	ck_assert_str_eq(arm("idx", "exit_reason", 0, 0x24, &aux), "IRQ");
	ck_assert_str_eq(arm("idx", "exit_reason", 1, 0x01, &aux), "WFx");
}
END_TEST

START_TEST(test_fallback_tables)
{
	/* a format whose print fmt has no symbol table: built-in names */
	setup_kernel("x86-6.18", "\"reason %u\", REC->exit_reason");
	ck_assert_str_eq(x86(30, 1), "IO_INSTRUCTION");
	ck_assert_str_eq(x86(0x7b, 2), "io");
	ck_assert_str_eq(x86(200, 1), "200");
	setup_kernel("arm64-6.18", "\"%d %u\", REC->ret, REC->esr_ec");
	ck_assert_str_eq(arm("ret", "esr_ec", 2, 0x24, NULL), "DABT_LOW");
}
END_TEST

static struct tep_event *parse_inline(const char *fmt)
{
	char err[256];
	int id;

	ck_assert_int_eq(pp_tep_parse_format(tep, fmt, strlen(fmt), "pp", err, sizeof(err)), 0);
	ck_assert_int_eq(sscanf(strstr(fmt, "ID: "), "ID: %d", &id), 1);
	return tep_find_event(tep, id);
}

#define COMMON_FIELDS \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

/* pp_field_load, the unchecked read of the per-record path, agrees with pp_field_u64 */
START_TEST(test_field_load)
{
	static const char fmt[] =
		"name: fields\nID: 901\nformat:\n" COMMON_FIELDS
		"\tfield:s8 a;\toffset:8;\tsize:1;\tsigned:1;\n"
		"\tfield:u8 b;\toffset:9;\tsize:1;\tsigned:0;\n"
		"\tfield:s16 c;\toffset:10;\tsize:2;\tsigned:1;\n"
		"\tfield:u16 d;\toffset:12;\tsize:2;\tsigned:0;\n"
		"\tfield:s32 e;\toffset:16;\tsize:4;\tsigned:1;\n"
		"\tfield:u32 f;\toffset:20;\tsize:4;\tsigned:0;\n"
		"\tfield:s64 g;\toffset:24;\tsize:8;\tsigned:1;\n"
		"\tfield:u64 h;\toffset:32;\tsize:8;\tsigned:0;\n"
		"\tfield:u8 i;\toffset:40;\tsize:1;\tsigned:0;\n\n"
		"print fmt: \"%d\", REC->a\n";
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
	unsigned char raw[41];
	struct pp_field f;
	struct tep_event *ev;
	size_t n, k;
	int round;

	tep = pp_tep_new();
	ev = parse_inline(fmt);
	ck_assert_ptr_nonnull(ev);
	for (round = 0; round < 4; round++) {
		/* patterns with the sign bits clear, set and mixed */
		for (k = 0; k < sizeof(raw); k++)
			raw[k] = round == 0 ? 0x11 : round == 1 ? 0xee :
				 (unsigned char)(k * 37 + round * 101);
		for (n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
			ck_assert(pp_field_bind(ev, names[n], &f));
			ck_assert_uint_eq(pp_field_need(&f), f.offset + f.size);
			/* the record ends right at the field: the load stays inside */
			ck_assert_uint_eq(pp_field_load(&f, raw),
					  pp_field_u64(&f, raw, pp_field_need(&f)));
		}
	}
	/* an absent field reads 0 */
	ck_assert(!pp_field_bind(ev, "nope", &f));
	ck_assert_uint_eq(pp_field_need(&f), 8);
	ck_assert_uint_eq(pp_field_load(&f, raw), 0);
}
END_TEST

/* records cut short and kernels without isa decode as they always did */
START_TEST(test_short_and_isa_less)
{
	static const char noisa_exit[] =
		"name: kvm_exit\nID: 902\nformat:\n" COMMON_FIELDS
		"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n"
		"\tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;\n\n"
		"print fmt: \"reason %u\", REC->exit_reason\n";
	static const char noisa_entry[] =
		"name: kvm_entry\nID: 903\nformat:\n" COMMON_FIELDS
		"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n\n"
		"print fmt: \"vcpu %u\", REC->vcpu_id\n";
	const char *names[] = { "exit_reason", "guest_rip", "isa", NULL };
	uint64_t vals[] = { 0x1001e, 0xffffffff81000000ull, 1 }, aux, full, cut;
	unsigned char raw[256];
	struct pp_record rec;
	char err[256];

	setup_kernel("x86-6.18", NULL);
	make(ev_exit, raw, &rec, names, vals);
	full = kvm_exit_class.key(kst, &rec, &aux);
	ck_assert_uint_eq(full, (1ull << 32) | 30);
	ck_assert_uint_eq(aux, vals[1]);
	/* reason inside, guest_rip and isa cut off: they read 0 */
	rec.raw_size = 20;
	cut = kvm_exit_class.key(kst, &rec, &aux);
	ck_assert_uint_eq(cut, 0x1001e);
	ck_assert_uint_eq(aux, 0);

	/* a kvm_exit without the isa field is VMX */
	tep_free(tep);
	tep = pp_tep_new();
	ev_exit = parse_inline(noisa_exit);
	ev_entry = parse_inline(noisa_entry);
	ck_assert_int_eq(kvm_exit_class.bind(kst, ev_exit, ev_entry, err, sizeof(err)), 0);
	names[2] = NULL;
	make(ev_exit, raw, &rec, names, vals);
	ck_assert_uint_eq(kvm_exit_class.key(kst, &rec, &aux), (1ull << 32) | 30);
	ck_assert_uint_eq(aux, vals[1]);
	rec.raw_size = 12;
	ck_assert_uint_eq(kvm_exit_class.key(kst, &rec, &aux), (1ull << 32) | 30);
	ck_assert_uint_eq(aux, 0);
}
END_TEST

static void teardown(void)
{
	if (tep)
		tep_free(tep);
	tep = NULL;
}

static Suite *kvm_decode_suite(void)
{
	Suite *s = suite_create("kvm_decode");
	TCase *tc = tcase_create("formats");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_x86_618);
	tcase_add_test(tc, test_x86_310);
	tcase_add_test(tc, test_x86_510_and_54);
	tcase_add_test(tc, test_gsys_and_vcpu);
	tcase_add_test(tc, test_arm64);
	tcase_add_test(tc, test_arm64_419);
	tcase_add_test(tc, test_fallback_tables);
	tcase_add_test(tc, test_field_load);
	tcase_add_test(tc, test_short_and_isa_less);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(kvm_decode_suite)
