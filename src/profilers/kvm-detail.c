// SPDX-License-Identifier: GPL-2.0-only
/*
 * The companion events of an exit, bound by field name in each event's
 * own format, and the sub-keys they give it.  Which event keys which
 * reasons mirrors perf kvm stat's --event=ioport (kvm_pio: port, rw),
 * --event=msr (kvm_msr: ecx, write) and --event=mmio (kvm_mmio: gpa, type).
 */
#include <stdio.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/kvm-detail.h>
#include <perf-prof/kvm-key.h>

#define KVM_MMIO_WRITE	2	/* kvm_mmio's type: 0 unsatisfied-read, 1 read, 2 write */

/* one companion event: where its value and direction are */
struct comp_spec {
	const char *event;
	unsigned want;		/* KVM_WANT_* */
	uint8_t tag;
	const char *val, *dir;	/* field names; dir NULL: fixed_dir */
	uint8_t fixed_dir;
	bool page;
};

static const struct comp_spec x86_specs[] = {
	{ "kvm:kvm_pio", KVM_WANT_DETAIL, KVM_SUB_PORT, "port", "rw", 0, false },
	{ "kvm:kvm_msr", KVM_WANT_DETAIL, KVM_SUB_MSR, "ecx", "write", 0, false },
	{ "kvm:kvm_mmio", KVM_WANT_DETAIL, KVM_SUB_MMIO, "gpa", "type", 0, false },
	/* an ioeventfd write, completed without emulation */
	{ "kvm:kvm_fast_mmio", KVM_WANT_DETAIL, KVM_SUB_MMIO, "gpa", NULL, 1, false },
	{ "kvm:kvm_page_fault", KVM_WANT_DETAIL, KVM_SUB_PAGE, "fault_address", NULL, 0, true },
	{ "kvm:kvm_cpuid", KVM_WANT_DETAIL, KVM_SUB_LEAF, "function", NULL, 0, false },
	{ "kvm:kvm_hypercall", KVM_WANT_DETAIL, KVM_SUB_HCALL, "nr", NULL, 0, false },
	{ "kvm:kvm_userspace_exit", KVM_WANT_VMM, 0, NULL, NULL, 0, false },
};

static const struct comp_spec arm_specs[] = {
	{ "kvm:kvm_mmio", KVM_WANT_DETAIL, KVM_SUB_MMIO, "gpa", "type", 0, false },
	/* the faulting IPA, already a page (HPFAR_EL2) */
	{ "kvm:kvm_guest_fault", KVM_WANT_DETAIL, KVM_SUB_PAGE, "ipa", NULL, 0, true },
	{ "kvm:kvm_hvc_arm64", KVM_WANT_DETAIL, KVM_SUB_HVC, "r0", NULL, 0, false },
	{ "kvm:kvm_userspace_exit", KVM_WANT_VMM, 0, NULL, NULL, 0, false },
};

static const struct comp_spec *specs_of(bool arm, int *n)
{
	*n = arm ? (int)(sizeof(arm_specs) / sizeof(arm_specs[0]))
		 : (int)(sizeof(x86_specs) / sizeof(x86_specs[0]));
	return arm ? arm_specs : x86_specs;
}

int kvm_detail_events(bool arm, unsigned want, const char **names)
{
	const struct comp_spec *s;
	int i, n, k = 0;

	s = specs_of(arm, &n);
	for (i = 0; i < n && k < KVM_DETAIL_MAX_EVENTS; i++)
		if (s[i].want & want)
			names[k++] = s[i].event;
	return k;
}

static bool bind_one(struct kvm_comp_event *ce, struct tep_event *ev, const struct comp_spec *s)
{
	memset(ce, 0, sizeof(*ce));
	ce->id = ev->id;
	ce->tag = s->tag;
	ce->fixed_dir = s->fixed_dir;
	ce->page = s->page;
	if (!s->val)
		return true;
	if (!pp_field_bind(ev, s->val, &ce->val))
		return false;
	return !s->dir || pp_field_bind(ev, s->dir, &ce->dir);
}

int kvm_detail_bind(struct kvm_detail *kd, struct tep_handle *tep, struct tep_event *exit,
		    bool arm, unsigned want)
{
	const struct comp_spec *s;
	bool pio = false;
	int i, n;

	memset(kd, 0, sizeof(*kd));
	kd->arm = arm;
	s = specs_of(arm, &n);
	for (i = 0; i < n && kd->n < KVM_DETAIL_MAX_EVENTS; i++) {
		struct tep_event *ev = (s[i].want & want) ? pp_tep_find(tep, s[i].event) : NULL;

		/* a format without the fields this reads is left unbound */
		if (ev && bind_one(&kd->ev[kd->n], ev, &s[i])) {
			pio |= s[i].tag == KVM_SUB_PORT;
			kd->n++;
		}
	}
	if (!arm && (want & KVM_WANT_DETAIL) && !pio && exit &&
	    pp_field_bind(exit, "info1", &kd->info1)) {
		pp_field_bind(exit, "isa", &kd->isa);
		kd->io_from_exit = true;
	}
	return kd->n;
}

bool kvm_detail_has(const struct kvm_detail *kd, struct tep_handle *tep, const char *event)
{
	struct tep_event *ev = pp_tep_find(tep, event);
	int i;

	for (i = 0; ev && i < kd->n; i++)
		if (kd->ev[i].id == ev->id)
			return true;
	return false;
}

static enum kvm_detail_kind vmx_kind(uint32_t code)
{
	switch (code) {
	case 30: return KVM_DETAIL_IO;			/* IO_INSTRUCTION */
	case 31: case 32:				/* MSR_READ, MSR_WRITE */
	case 0x54: case 0x55: return KVM_DETAIL_MSR;	/* MSR_READ_IMM, MSR_WRITE_IMM */
	case 48: case 49:				/* EPT_VIOLATION, EPT_MISCONFIG */
	case 0: return KVM_DETAIL_MEM;		/* EXCEPTION_NMI: #PF under shadow paging */
	case 10: return KVM_DETAIL_CPUID;
	case 18: return KVM_DETAIL_HCALL;		/* VMCALL */
	default: return KVM_DETAIL_NONE;
	}
}

static enum kvm_detail_kind svm_kind(uint32_t code)
{
	switch (code) {
	case 0x7b: return KVM_DETAIL_IO;
	case 0x7c: return KVM_DETAIL_MSR;
	case 0x400:					/* npf */
	case 0x4e: return KVM_DETAIL_MEM;		/* PF excp: shadow paging (npt=0) */
	case 0x72: return KVM_DETAIL_CPUID;
	case 0x81: return KVM_DETAIL_HCALL;		/* VMMCALL */
	default: return KVM_DETAIL_NONE;
	}
}

enum kvm_detail_kind kvm_detail_kind_of(bool arm, uint64_t reason)
{
	uint32_t code = reason & 0xffffffff;

	if (arm) {
		if (reason & KVM_ARM_NOTRAP)
			return KVM_DETAIL_NONE;
		return code == 0x24 ? KVM_DETAIL_MEM :		/* DABT_LOW */
		       code == 0x16 ? KVM_DETAIL_HVC : KVM_DETAIL_NONE;	/* HVC64 */
	}
	switch (reason >> 32) {
	case KVM_ISA_VMX: return vmx_kind(code);
	case KVM_ISA_SVM: return svm_kind(code);
	default: return KVM_DETAIL_NONE;
	}
}

static uint64_t comp_key(const struct kvm_comp_event *ce, const struct pp_record *rec)
{
	uint64_t v = pp_field_u64(&ce->val, rec->raw, rec->raw_size);
	unsigned dir = ce->fixed_dir;

	if (pp_field_present(&ce->dir)) {
		dir = pp_field_u64(&ce->dir, rec->raw, rec->raw_size) != 0;
		if (ce->tag == KVM_SUB_MMIO)
			dir = pp_field_u64(&ce->dir, rec->raw, rec->raw_size) == KVM_MMIO_WRITE;
	}
	if (ce->page)
		v >>= 12;
	return kvm_sub(ce->tag, dir, v);
}

enum kvm_companion kvm_detail_decode(const struct kvm_detail *kd, const struct pp_record *rec,
				     uint64_t *sub)
{
	uint16_t type;
	int i;

	if (rec->raw_size < 8)
		return KVM_COMP_NONE;
	memcpy(&type, rec->raw, sizeof(type));
	for (i = 0; i < kd->n; i++) {
		const struct kvm_comp_event *ce = &kd->ev[i];

		if (ce->id != type)
			continue;
		if (!ce->tag)
			return KVM_COMP_VMM;
		*sub = comp_key(ce, rec);
		return KVM_COMP_KEY;
	}
	return KVM_COMP_NONE;
}

uint64_t kvm_detail_exit_key(const struct kvm_detail *kd, const struct pp_record *exit,
			     uint64_t reason)
{
	uint64_t q;
	bool in;

	if (!kd->io_from_exit || kvm_detail_kind_of(false, reason) != KVM_DETAIL_IO)
		return 0;
	q = pp_field_u64(&kd->info1, exit->raw, exit->raw_size);
	/* VMX exit qualification: bit 3 IN; SVM EXITINFO1: bit 0 TYPE (1 = IN) */
	in = (reason >> 32) == KVM_ISA_SVM ? (q & 1) : (q & 8);
	return kvm_sub(KVM_SUB_PORT, !in, (q >> 16) & 0xffff);
}

static bool tag_fits(enum kvm_detail_kind kind, unsigned tag)
{
	switch (kind) {
	case KVM_DETAIL_IO: return tag == KVM_SUB_PORT;
	case KVM_DETAIL_MSR: return tag == KVM_SUB_MSR;
	case KVM_DETAIL_MEM: return tag == KVM_SUB_MMIO || tag == KVM_SUB_PAGE;
	case KVM_DETAIL_CPUID: return tag == KVM_SUB_LEAF;
	case KVM_DETAIL_HCALL: return tag == KVM_SUB_HCALL;
	case KVM_DETAIL_HVC: return tag == KVM_SUB_HVC;
	default: return false;
	}
}

uint64_t kvm_detail_merge(enum kvm_detail_kind kind, uint64_t cur, uint64_t sub)
{
	if (!tag_fits(kind, kvm_sub_tag(sub)))
		return cur;
	if (kvm_sub_tag(sub) == KVM_SUB_PAGE && kvm_sub_tag(cur) == KVM_SUB_MMIO)
		return cur;
	return sub;
}

/* " NAME" or "" */
static void with_name(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s%s", name ? " " : "", name ? name : "");
}

void kvm_detail_name(uint64_t sub, char *buf, size_t len)
{
	uint64_t v = kvm_sub_val(sub);
	const char *rw = kvm_sub_dir(sub) ? "write" : "read";
	char name[48];

	switch (kvm_sub_tag(sub)) {
	case KVM_SUB_PORT:
		snprintf(buf, len, "0x%x %s", (unsigned)v, kvm_sub_dir(sub) ? "out" : "in");
		break;
	case KVM_SUB_MSR:
		with_name(name, sizeof(name), kvm_msr_name((uint32_t)v));
		snprintf(buf, len, "0x%x%s %s", (unsigned)v, name, rw);
		break;
	case KVM_SUB_MMIO:
		snprintf(buf, len, "0x%llx %s", (unsigned long long)v, rw);
		break;
	case KVM_SUB_PAGE:
		snprintf(buf, len, "0x%llx page", (unsigned long long)(v << 12));
		break;
	case KVM_SUB_LEAF:
		snprintf(buf, len, "0x%x", (unsigned)v);
		break;
	case KVM_SUB_HCALL:
		with_name(name, sizeof(name), kvm_hypercall_name(v));
		snprintf(buf, len, "0x%llx%s", (unsigned long long)v, name);
		break;
	case KVM_SUB_HVC:
		with_name(name, sizeof(name), kvm_smccc_name((uint32_t)v));
		snprintf(buf, len, "0x%x%s", (unsigned)v, name);
		break;
	default:
		snprintf(buf, len, "(no key)");
		break;
	}
}
