/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a VM exit was about, and whether the VMM handled it: the
 * companion events KVM fires between a kvm_exit and the next kvm_entry of
 * the same vCPU thread (kvm_pio, kvm_msr, kvm_mmio, kvm_page_fault, ...;
 * kvm_userspace_exit), bound through libtraceevent, and the sub-keys
 * (--detail) they give an exit: `0x3f8 out`, `0x830 x2APIC_ICR write`.
 *
 * A sub-key is a u64: a tag in bits 63..60 (KVM_SUB_*), a direction in
 * bits 59..56 (0 read/in, 1 write/out) and a value in bits 55..0 (a port,
 * an MSR index, an address, a page number, a leaf, a call number).  0 is
 * "no key".  perf kvm stat --event=ioport/msr/mmio keys the same events
 * alike (port:PIN/POUT, index:R/W, gpa:R/W).
 */
#ifndef PERF_PROF_KVM_DETAIL_H
#define PERF_PROF_KVM_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/record.h>
#include <perf-prof/tep.h>

struct tep_handle;
struct tep_event;

/* what the sub-rows of an exit reason are keyed by */
enum kvm_detail_kind {
	KVM_DETAIL_NONE,	/* no sub-rows */
	KVM_DETAIL_IO,		/* port and direction */
	KVM_DETAIL_MSR,		/* index and direction */
	KVM_DETAIL_MEM,		/* emulated MMIO: address and direction; else the page */
	KVM_DETAIL_CPUID,	/* the leaf */
	KVM_DETAIL_HCALL,	/* the hypercall number */
	KVM_DETAIL_HVC,		/* arm64: the SMCCC function id */
};

/* sub-key tags */
enum kvm_sub_tag {
	KVM_SUB_PORT = 1,
	KVM_SUB_MSR,
	KVM_SUB_MMIO,
	KVM_SUB_PAGE,
	KVM_SUB_LEAF,
	KVM_SUB_HCALL,
	KVM_SUB_HVC,
};

#define KVM_SUB_VAL_MASK	((1ull << 56) - 1)

static inline uint64_t kvm_sub(unsigned tag, unsigned dir, uint64_t val)
{
	return (uint64_t)tag << 60 | (uint64_t)(dir & 0xf) << 56 | (val & KVM_SUB_VAL_MASK);
}

static inline unsigned kvm_sub_tag(uint64_t sub)
{
	return (unsigned)(sub >> 60);
}

static inline unsigned kvm_sub_dir(uint64_t sub)
{
	return (unsigned)(sub >> 56) & 0xf;
}

static inline uint64_t kvm_sub_val(uint64_t sub)
{
	return sub & KVM_SUB_VAL_MASK;
}

/* what a record of a companion event means for its thread's pending exit */
enum kvm_companion {
	KVM_COMP_NONE,		/* not a bound companion event */
	KVM_COMP_KEY,		/* a detail sub-key */
	KVM_COMP_VMM,		/* kvm_userspace_exit: the exit went to the VMM */
};

/* what to bind: --detail, --vmm */
enum { KVM_WANT_DETAIL = 1, KVM_WANT_VMM = 2 };

#define KVM_DETAIL_MAX_EVENTS	8

struct kvm_detail {
	bool arm;
	/* no kvm_pio bound: an I/O exit's port from its own qualification */
	bool io_from_exit;
	struct pp_field info1;		/* kvm_exit's (x86) */
	struct pp_field isa;		/* kvm_exit's (x86; absent before SVM: VMX) */
	int n;
	struct kvm_comp_event {
		int id;
		uint8_t tag;		/* enum kvm_sub_tag; 0 for kvm_userspace_exit */
		uint8_t fixed_dir;	/* the direction when @dir is absent */
		bool page;		/* @val is an address: keep its page */
		struct pp_field val, dir;
	} ev[KVM_DETAIL_MAX_EVENTS];
};

/*
 * The companion events ("kvm:kvm_pio", ...) that @want (KVM_WANT_*) needs
 * on x86 or arm64, into @names (room for KVM_DETAIL_MAX_EVENTS); returns
 * how many.  A live run opens those the kernel has.
 */
int kvm_detail_events(bool arm, unsigned want, const char **names);

/*
 * Bind the companion events @tep has, of those @want needs, and kvm_exit
 * @exit's qualification for the I/O fallback.  Returns the number of
 * events bound.
 */
int kvm_detail_bind(struct kvm_detail *kd, struct tep_handle *tep, struct tep_event *exit,
		    bool arm, unsigned want);

/* is event "kvm:NAME" among the bound companions? */
bool kvm_detail_has(const struct kvm_detail *kd, struct tep_handle *tep, const char *event);

/* the kind of sub-rows exit reason @reason (kvm-exit's row key) takes */
enum kvm_detail_kind kvm_detail_kind_of(bool arm, uint64_t reason);

/* what companion record @rec says; a sub-key into *@sub for KVM_COMP_KEY */
enum kvm_companion kvm_detail_decode(const struct kvm_detail *kd, const struct pp_record *rec,
				     uint64_t *sub);

/*
 * The sub-key exit record @exit of reason @reason carries itself: an I/O
 * exit's port and direction from its qualification (VMX info1 bits 31:16
 * the port, bit 3 in; SVM bits 31:16, bit 0 in), when no kvm_pio is
 * bound.  0 otherwise.
 */
uint64_t kvm_detail_exit_key(const struct kvm_detail *kd, const struct pp_record *exit,
			     uint64_t reason);

/*
 * An exit of @kind holding sub-key @cur meets a companion's @sub: the
 * sub-key it holds then.  A sub-key of another kind is ignored; emulated
 * MMIO outranks the page fault that led to it; otherwise the last wins.
 */
uint64_t kvm_detail_merge(enum kvm_detail_kind kind, uint64_t cur, uint64_t sub);

/* "0x3f8 out", "0x830 x2APIC_ICR write", "0xfebf1000 write", "0x7f000 page", ... */
void kvm_detail_name(uint64_t sub, char *buf, size_t len);

/* the names of well-known indices and numbers; NULL when none */
const char *kvm_msr_name(uint32_t index);
const char *kvm_hypercall_name(uint64_t nr);
const char *kvm_smccc_name(uint32_t function_id);

#endif
