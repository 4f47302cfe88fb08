// SPDX-License-Identifier: GPL-2.0-only
/*
 * The companion events of an exit (--detail, --vmm) on real formats:
 * x86 Debian 6.1 and this machine's 6.18, arm64 Debian 6.1 (tests/data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/kvm-detail.h>
#include <perf-prof/tep.h>
#include <perf-prof/kvm-key.h>
#include <perf-prof/tests-only.h>
#include "formats.h"
#include "unit.h"

static struct tep_handle *tep;
static struct tep_event *ev_exit;
static struct kvm_detail kd;
static unsigned char raw[256];
static struct pp_record rec;

static const char *const x86_events[] = { "pio", "msr", "mmio", "fast_mmio", "page_fault",
					  "cpuid", "hypercall", "userspace_exit", NULL };
static const char *const arm_events[] = { "mmio", "guest_fault", "hvc_arm64",
					  "userspace_exit", NULL };

/* kvm_exit and the companions @names of kernel @prefix; bound as @want says */
static int load(const char *prefix, const char *const *names, unsigned want)
{
	char f[128];
	int i;

	if (tep)
		tep_free(tep);
	tep = pp_tep_new();
	snprintf(f, sizeof(f), "%s-kvm_exit.format", prefix);
	ev_exit = load_format(tep, f, "kvm", NULL);
	for (i = 0; names[i]; i++) {
		snprintf(f, sizeof(f), "%s-kvm_%s.format", prefix, names[i]);
		load_format(tep, f, "kvm", NULL);
	}
	return kvm_detail_bind(&kd, tep, ev_exit, strncmp(prefix, "arm64", 5) == 0, want);
}

static void teardown(void)
{
	if (tep)
		tep_free(tep);
	tep = NULL;
}

/* a record of "kvm:@event" with the named fields set */
static const struct pp_record *make(const char *event, const char *const *names,
				    const uint64_t *vals)
{
	struct tep_event *ev = pp_tep_find(tep, event);
	uint16_t type;
	int i;

	ck_assert_msg(ev != NULL, "no %s", event);
	type = ev->id;
	memset(raw, 0, sizeof(raw));
	memcpy(raw, &type, 2);
	for (i = 0; names && names[i]; i++) {
		struct tep_format_field *f = tep_find_field(ev, names[i]);

		ck_assert_msg(f != NULL, "no field %s in %s", names[i], event);
		memcpy(raw + f->offset, &vals[i], f->size);	/* little endian */
	}
	memset(&rec, 0, sizeof(rec));
	rec.raw = raw;
	rec.raw_size = sizeof(raw);
	return &rec;
}

/* the sub-key name a companion record gives */
static const char *key_of(const char *event, const char *f1, uint64_t v1, const char *f2,
			  uint64_t v2)
{
	static char buf[64];
	const char *names[] = { f1, f2, NULL };
	uint64_t vals[] = { v1, v2 }, sub = 0;

	ck_assert_int_eq(kvm_detail_decode(&kd, make(event, names, vals), &sub), KVM_COMP_KEY);
	kvm_detail_name(sub, buf, sizeof(buf));
	return buf;
}

START_TEST(test_events)
{
	const char *names[KVM_DETAIL_MAX_EVENTS];

	ck_assert_int_eq(kvm_detail_events(false, KVM_WANT_DETAIL, names), 7);
	ck_assert_str_eq(names[0], "kvm:kvm_pio");
	ck_assert_str_eq(names[6], "kvm:kvm_hypercall");
	ck_assert_int_eq(kvm_detail_events(false, KVM_WANT_VMM, names), 1);
	ck_assert_str_eq(names[0], "kvm:kvm_userspace_exit");
	ck_assert_int_eq(kvm_detail_events(false, KVM_WANT_DETAIL | KVM_WANT_VMM, names), 8);
	ck_assert_int_eq(kvm_detail_events(true, KVM_WANT_DETAIL, names), 3);
	ck_assert_str_eq(names[0], "kvm:kvm_mmio");
	ck_assert_str_eq(names[1], "kvm:kvm_guest_fault");
	ck_assert_str_eq(names[2], "kvm:kvm_hvc_arm64");
	ck_assert_int_eq(kvm_detail_events(true, KVM_WANT_DETAIL | KVM_WANT_VMM, names), 4);
}
END_TEST

/* every x86 companion of Debian's 6.1 and of 6.18: perf kvm stat's keys */
START_TEST(test_x86_keys)
{
	static const char *const kernels[] = { "x86-6.1", "x86-6.18" };
	int i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(load(kernels[i], x86_events, KVM_WANT_DETAIL | KVM_WANT_VMM), 8);
		ck_assert(!kd.io_from_exit);
		ck_assert_str_eq(key_of("kvm:kvm_pio", "port", 0x3f8, "rw", 1), "0x3f8 out");
		ck_assert_str_eq(key_of("kvm:kvm_pio", "port", 0xcfc, "rw", 0), "0xcfc in");
		ck_assert_str_eq(key_of("kvm:kvm_pio", "port", 0, "rw", 0), "0x0 in");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0x830, "write", 1),
				 "0x830 x2APIC_ICR write");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0x6e0, "write", 1),
				 "0x6e0 TSC_DEADLINE write");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0x80b, "write", 1),
				 "0x80b x2APIC_EOI write");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0xc0000080, "write", 0),
				 "0xc0000080 EFER read");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0xc0000102, "write", 0),
				 "0xc0000102 KERNEL_GS_BASE read");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0x1b, "write", 0),
				 "0x1b APIC_BASE read");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0x4b564d05, "write", 1),
				 "0x4b564d05 KVM_POLL_CONTROL write");
		ck_assert_str_eq(key_of("kvm:kvm_msr", "ecx", 0x123, "write", 1), "0x123 write");
		/* kvm_mmio's type: 0 unsatisfied-read, 1 read, 2 write */
		ck_assert_str_eq(key_of("kvm:kvm_mmio", "gpa", 0xfebf1000, "type", 2),
				 "0xfebf1000 write");
		ck_assert_str_eq(key_of("kvm:kvm_mmio", "gpa", 0xfed00f0, "type", 1),
				 "0xfed00f0 read");
		ck_assert_str_eq(key_of("kvm:kvm_mmio", "gpa", 0x100000, "type", 0),
				 "0x100000 read");
		ck_assert_str_eq(key_of("kvm:kvm_fast_mmio", "gpa", 0xfe003000, NULL, 0),
				 "0xfe003000 write");
		ck_assert_str_eq(key_of("kvm:kvm_page_fault", "fault_address", 0x7ff3a28, NULL, 0),
				 "0x7ff3000 page");
		ck_assert_str_eq(key_of("kvm:kvm_page_fault", "fault_address",
					0xffffffff81234567ull, NULL, 0),
				 "0xffffffff81234000 page");
		ck_assert_str_eq(key_of("kvm:kvm_cpuid", "function", 0x40000001, NULL, 0),
				 "0x40000001");
		ck_assert_str_eq(key_of("kvm:kvm_hypercall", "nr", 5, NULL, 0), "0x5 KICK_CPU");
		ck_assert_str_eq(key_of("kvm:kvm_hypercall", "nr", 0x1c, NULL, 0), "0x1c");
	}
}
END_TEST

START_TEST(test_userspace_exit)
{
	const char *names[] = { "reason", NULL };
	uint64_t vals[] = { 2 }, sub = 77;

	load("x86-6.1", x86_events, KVM_WANT_VMM);
	ck_assert_int_eq(kd.n, 1);
	ck_assert_int_eq(kvm_detail_decode(&kd, make("kvm:kvm_userspace_exit", names, vals), &sub),
			 KVM_COMP_VMM);
	ck_assert_uint_eq(sub, 77);
	/* a detail event that was not asked for is no companion */
	ck_assert_int_eq(kvm_detail_decode(&kd, make("kvm:kvm_pio", NULL, NULL), &sub),
			 KVM_COMP_NONE);
	/* nor is kvm_exit */
	ck_assert_int_eq(kvm_detail_decode(&kd, make("kvm:kvm_exit", NULL, NULL), &sub),
			 KVM_COMP_NONE);
	ck_assert(!kvm_detail_has(&kd, tep, "kvm:kvm_pio"));
	ck_assert(kvm_detail_has(&kd, tep, "kvm:kvm_userspace_exit"));
	/* --detail alone leaves kvm_userspace_exit out */
	load("x86-6.1", x86_events, KVM_WANT_DETAIL);
	ck_assert_int_eq(kvm_detail_decode(&kd, make("kvm:kvm_userspace_exit", names, vals), &sub),
			 KVM_COMP_NONE);
}
END_TEST

START_TEST(test_kinds)
{
	/* VMX */
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 30)), KVM_DETAIL_IO);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 31)), KVM_DETAIL_MSR);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 32)), KVM_DETAIL_MSR);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 0x55)), KVM_DETAIL_MSR);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 48)), KVM_DETAIL_MEM);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 49)), KVM_DETAIL_MEM);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 10)), KVM_DETAIL_CPUID);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 18)), KVM_DETAIL_HCALL);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 12)), KVM_DETAIL_NONE);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(1, 1)), KVM_DETAIL_NONE);
	/* SVM: the same codes mean other things */
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 30)), KVM_DETAIL_NONE);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x7b)), KVM_DETAIL_IO);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x7c)), KVM_DETAIL_MSR);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x400)), KVM_DETAIL_MEM);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x4e)), KVM_DETAIL_MEM);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x72)), KVM_DETAIL_CPUID);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x81)), KVM_DETAIL_HCALL);
	ck_assert_int_eq(kvm_detail_kind_of(false, kvm_x86_key(2, 0x78)), KVM_DETAIL_NONE);
	/* arm64: traps by exception class; no other exception type has sub-rows */
	ck_assert_int_eq(kvm_detail_kind_of(true, 0x24), KVM_DETAIL_MEM);
	ck_assert_int_eq(kvm_detail_kind_of(true, 0x16), KVM_DETAIL_HVC);
	ck_assert_int_eq(kvm_detail_kind_of(true, 0x01), KVM_DETAIL_NONE);
	ck_assert_int_eq(kvm_detail_kind_of(true, KVM_ARM_NOTRAP | 0x24), KVM_DETAIL_NONE);
}
END_TEST

START_TEST(test_merge)
{
	uint64_t pf = kvm_sub(KVM_SUB_PAGE, 0, 0x100), mm = kvm_sub(KVM_SUB_MMIO, 1, 0x100000);
	uint64_t pio = kvm_sub(KVM_SUB_PORT, 1, 0x10), pio2 = kvm_sub(KVM_SUB_PORT, 0, 0x71);

	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_IO, 0, pio), pio);
	/* the last of one kind wins (perf kvm stat's begin is the last kvm_pio) */
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_IO, pio, pio2), pio2);
	/* another kind's companion is ignored */
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_IO, pio, mm), pio);
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_MSR, 0, pio), 0);
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_NONE, 0, pio), 0);
	/* emulated MMIO outranks the fault that led to it, either order */
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_MEM, kvm_detail_merge(KVM_DETAIL_MEM, 0, pf),
					   mm), mm);
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_MEM, mm, pf), mm);
	ck_assert_uint_eq(kvm_detail_merge(KVM_DETAIL_MEM, 0, pf), pf);
}
END_TEST

/* an I/O exit's own qualification where no kvm_pio is recorded */
static const char *exit_key(unsigned isa, uint32_t code, uint64_t info1)
{
	static char buf[64];
	const char *names[] = { "exit_reason", "isa", "info1", NULL };
	uint64_t vals[] = { code, isa, info1 };

	kvm_detail_name(kvm_detail_exit_key(&kd, make("kvm:kvm_exit", names, vals),
					    kvm_x86_key(isa, code)), buf, sizeof(buf));
	return buf;
}

START_TEST(test_io_from_exit)
{
	static const char *const none[] = { NULL };
	static const char *const no_pio[] = { "msr", "userspace_exit", NULL };

	load("x86-6.1", none, KVM_WANT_DETAIL);
	ck_assert(kd.io_from_exit);
	/* SVM EXITINFO1: port 0x11, SZ8 (bit 4), bit 0 clear: out (the tiny VMM's slow_out) */
	ck_assert_str_eq(exit_key(2, 0x7b, 0x110010), "0x11 out");
	ck_assert_str_eq(exit_key(2, 0x7b, 0x3f80011), "0x3f8 in");
	/* VMX exit qualification: port in 31:16, bit 3 in */
	ck_assert_str_eq(exit_key(1, 30, 0xcfc0003), "0xcfc out");
	ck_assert_str_eq(exit_key(1, 30, 0xcfc000b), "0xcfc in");
	/* no other reason has a key of its own */
	ck_assert_str_eq(exit_key(1, 12, 0xcfc000b), "(no key)");
	ck_assert_str_eq(exit_key(2, 0x7c, 1), "(no key)");
	/* the 3.10 layout has info1 too */
	load("x86-3.10", none, KVM_WANT_DETAIL);
	ck_assert(kd.io_from_exit);
	ck_assert_str_eq(exit_key(1, 30, 0x700008), "0x70 in");
	/* with kvm_pio recorded, the companion decides */
	load("x86-6.1", x86_events, KVM_WANT_DETAIL);
	ck_assert(!kd.io_from_exit);
	ck_assert_str_eq(exit_key(2, 0x7b, 0x110010), "(no key)");
	/* only --vmm: no sub-rows, no fallback */
	load("x86-6.1", no_pio, KVM_WANT_VMM);
	ck_assert(!kd.io_from_exit);
	ck_assert_int_eq(kd.n, 1);
	load("x86-6.1", no_pio, KVM_WANT_DETAIL | KVM_WANT_VMM);
	ck_assert(kd.io_from_exit);
	ck_assert_int_eq(kd.n, 2);
}
END_TEST

START_TEST(test_arm64_keys)
{
	ck_assert_int_eq(load("arm64-6.1", arm_events, KVM_WANT_DETAIL | KVM_WANT_VMM), 4);
	ck_assert(!kd.io_from_exit);
	ck_assert_str_eq(key_of("kvm:kvm_mmio", "gpa", 0x9000000, "type", 2), "0x9000000 write");
	/* kvm_guest_fault's ipa is HPFAR_EL2's page */
	ck_assert_str_eq(key_of("kvm:kvm_guest_fault", "ipa", 0x40000000, NULL, 0),
			 "0x40000000 page");
	ck_assert_str_eq(key_of("kvm:kvm_hvc_arm64", "r0", 0x80000000, NULL, 0),
			 "0x80000000 SMCCC_VERSION");
	ck_assert_str_eq(key_of("kvm:kvm_hvc_arm64", "r0", 0xc4000003, NULL, 0),
			 "0xc4000003 PSCI_CPU_ON");
	ck_assert_str_eq(key_of("kvm:kvm_hvc_arm64", "r0", 0x84000008, NULL, 0),
			 "0x84000008 PSCI_SYSTEM_OFF");
	ck_assert_str_eq(key_of("kvm:kvm_hvc_arm64", "r0", 0xc2000001, NULL, 0), "0xc2000001");
}
END_TEST

START_TEST(test_names)
{
	char buf[64];

	kvm_detail_name(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(no key)");
	kvm_detail_name(kvm_sub(KVM_SUB_MSR, 1, 0x838), buf, sizeof(buf));
	ck_assert_str_eq(buf, "0x838 x2APIC_TMICT write");
	kvm_detail_name(kvm_sub(KVM_SUB_MSR, 0, 0xc0000082), buf, sizeof(buf));
	ck_assert_str_eq(buf, "0xc0000082 LSTAR read");
	kvm_detail_name(kvm_sub(KVM_SUB_MSR, 1, 0xc0000081), buf, sizeof(buf));
	ck_assert_str_eq(buf, "0xc0000081 STAR write");
	kvm_detail_name(kvm_sub(KVM_SUB_LEAF, 0, 0xd), buf, sizeof(buf));
	ck_assert_str_eq(buf, "0xd");
	ck_assert_ptr_null(kvm_msr_name(0x831));
	ck_assert_str_eq(kvm_msr_name(0x10), "TSC");
	ck_assert_str_eq(kvm_msr_name(0xc0011029), "DE_CFG");
	ck_assert_str_eq(kvm_hypercall_name(12), "MAP_GPA_RANGE");
	ck_assert_ptr_null(kvm_hypercall_name(0));
	/* a short buffer is cut, never overrun */
	kvm_detail_name(kvm_sub(KVM_SUB_MSR, 1, 0x830), buf, 8);
	ck_assert_str_eq(buf, "0x830 x");
}
END_TEST

static Suite *kvm_detail_suite(void)
{
	Suite *s = suite_create("kvm_detail");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_x86_keys);
	tcase_add_test(tc, test_userspace_exit);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_io_from_exit);
	tcase_add_test(tc, test_arm64_keys);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(kvm_detail_suite)
