// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-exit: latency from kvm:kvm_exit to the next kvm:kvm_entry of the
 * same vCPU thread, per exit reason.
 *
 * Layouts differ by kernel and architecture, so every field is looked up
 * in the event's own format:
 *   x86:   exit_reason, isa (1 VMX, 2 SVM), guest_rip, vcpu_id (5.4+)
 *   arm64: ret (idx on 4.19), esr_ec (exit_reason on 4.19), vcpu_pc
 * Names come from the format's __print_symbolic() tables; the built-in
 * tables are the fallback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/bytes.h>
#include <perf-prof/kvm-key.h>
#include <perf-prof/kvm-reasons.h>
#include <perf-prof/latency.h>
#include <perf-prof/tep.h>

#define ISA_VMX KVM_ISA_VMX
#define ISA_SVM KVM_ISA_SVM
#define ARM_KEY_NOTRAP KVM_ARM_NOTRAP	/* key = this | ret, for non-trap exits */

#define VMX_EXIT_HLT		12
#define SVM_EXIT_HLT		0x78
#define SVM_EXIT_IDLE_HLT	0xa6
#define ESR_EC_WFX		0x01

/* what the formats of this run say, bound once by kvm_bind() */
struct kvm_state {
	bool arm;
	struct pp_field reason, isa, rip, vcpu;	/* x86 kvm_exit; arm: ret, ec, pc */
	struct pp_field entry_vcpu;
	int exit_id;		/* kvm_exit's event id: vcpu_id from an exit record */
	bool exit_only;		/* a recording without kvm_entry: exits are counted */
	struct kvm_reasons names;	/* the format's reason names */
	/* a kvm_exit this long holds every field kvm_key() reads */
	uint32_t key_need;
	uint64_t isa_absent;	/* ISA_VMX on kernels without the isa field */
	bool x86_u32;		/* unsigned 4-byte exit_reason and isa, 8-byte guest_rip */
};

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* what kvm_key() needs, fixed once the formats are known */
static void bind_key_plan(struct kvm_state *kx)
{
	kx->key_need = max_u32(pp_field_need(&kx->reason),
			      max_u32(pp_field_need(&kx->isa), pp_field_need(&kx->rip)));
	kx->isa_absent = pp_field_present(&kx->isa) ? 0 : ISA_VMX;
	kx->x86_u32 = kx->reason.size == 4 && !kx->reason.is_signed &&
		     kx->isa.size == 4 && !kx->isa.is_signed && kx->rip.size == 8;
}

static void *kvm_state_new(void)
{
	return calloc(1, sizeof(struct kvm_state));
}

static void kvm_state_clear(struct kvm_state *kx)
{
	kvm_reasons_free(&kx->names);
	memset(kx, 0, sizeof(*kx));
}

static void kvm_state_free(void *st)
{
	if (st)
		kvm_state_clear(st);
	free(st);
}

static int kvm_bind(void *st, struct tep_event *exit, struct tep_event *entry, char *err,
		    size_t errlen)
{
	struct kvm_state *kx = st;

	kvm_state_clear(kx);
	if (kvm_reasons_load(&kx->names, exit, err, errlen) < 0)
		return -1;
	kx->exit_id = exit->id;
	kx->exit_only = entry == NULL;
	kx->arm = tep_find_field(exit, "vcpu_pc") != NULL;
	if (kx->arm) {
		const char *ret = tep_find_field(exit, "ret") ? "ret" : "idx";
		const char *ec = tep_find_field(exit, "esr_ec") ? "esr_ec" : "exit_reason";

		if (!pp_field_bind(exit, ret, &kx->isa) || !pp_field_bind(exit, ec, &kx->reason)) {
			snprintf(err, errlen, "kvm_exit has vcpu_pc but no %s/%s fields", ret, ec);
			return -1;
		}
		pp_field_bind(exit, "vcpu_pc", &kx->rip);
		bind_key_plan(kx);
		return 0;
	}
	if (!pp_field_bind(exit, "exit_reason", &kx->reason)) {
		snprintf(err, errlen, "kvm_exit has no exit_reason field");
		return -1;
	}
	pp_field_bind(exit, "isa", &kx->isa);
	pp_field_bind(exit, "guest_rip", &kx->rip);
	pp_field_bind(exit, "vcpu_id", &kx->vcpu);
	pp_field_bind(entry, "vcpu_id", &kx->entry_vcpu);
	bind_key_plan(kx);
	return 0;
}

static uint64_t kvm_key(const void *st, const struct pp_record *r, uint64_t *aux)
{
	const struct kvm_state *kx = st;
	uint64_t code, isa;

	/*
	 * Every kvm_exit: one bounds check for the three fields, then
	 * plain loads for the layout of every x86 kernel, shift-and-mask
	 * loads for any other.
	 */
	if (kx->x86_u32 && r->raw_size >= kx->key_need) {
		code = load32((const unsigned char *)r->raw + kx->reason.offset);
		isa = load32((const unsigned char *)r->raw + kx->isa.offset);
		*aux = load64((const unsigned char *)r->raw + kx->rip.offset);
	} else if (r->raw_size >= kx->key_need) {
		code = pp_field_load(&kx->reason, r->raw);
		isa = pp_field_load(&kx->isa, r->raw) | kx->isa_absent;	/* absent loads 0 */
		*aux = pp_field_load(&kx->rip, r->raw);
	} else {
		code = pp_field_u64(&kx->reason, r->raw, r->raw_size);
		isa = pp_field_present(&kx->isa) ? pp_field_u64(&kx->isa, r->raw, r->raw_size)
						: ISA_VMX;
		*aux = pp_field_u64(&kx->rip, r->raw, r->raw_size);
	}
	/* aux, the guest PC: attribution (--top-rip) and %gsys */
	if (kx->arm) {
		if ((int64_t)(int32_t)isa == kx->names.arm_trap)
			return code & 0xffffffff;
		return ARM_KEY_NOTRAP | (isa & 0xffffffff);
	}
	/* VMX: the basic reason is the low 16 bits, the rest are flags */
	if (isa == ISA_VMX)
		code &= 0xffff;
	return (isa << 32) | (code & 0xffffffff);
}

static uint64_t kvm_extra(const void *st, const struct pp_record *end, uint64_t aux,
			  uint64_t lat)
{
	/* guest kernel mode: the guest PC is in the upper canonical half */
	return (aux >> 63) ? lat : 0;
}

static void kvm_key_name(void *st, uint64_t key, char *buf, size_t len)
{
	const struct kvm_state *kx = st;
	uint32_t code = key & 0xffffffff;
	const char *name;

	if (kx->arm)
		name = key & ARM_KEY_NOTRAP ? kvm_reasons_lookup(&kx->names, 0, (int32_t)code)
					    : kvm_reasons_lookup(&kx->names, 1, code);
	else
		name = kvm_reasons_lookup(&kx->names, (key >> 32) == ISA_SVM, code);
	if (name)
		snprintf(buf, len, "%s", name);
	else if (kx->arm || (key >> 32) == ISA_SVM)
		snprintf(buf, len, "%#x", code);
	else
		snprintf(buf, len, "%u", code);
}

static bool kvm_idle_key(const void *st, uint64_t key)
{
	const struct kvm_state *kx = st;
	uint32_t code = key & 0xffffffff;

	if (kx->arm)
		return !(key & ARM_KEY_NOTRAP) && code == ESR_EC_WFX;
	if ((key >> 32) == ISA_SVM)
		return code == SVM_EXIT_HLT || code == SVM_EXIT_IDLE_HLT;
	return code == VMX_EXIT_HLT;
}

/* the vCPU id comes from kvm_entry, or from kvm_exit when there is no entry */
static bool kvm_has_vcpu(const void *st)
{
	const struct kvm_state *kx = st;

	return pp_field_present(kx->exit_only ? &kx->vcpu : &kx->entry_vcpu);
}

static int64_t kvm_vcpu(const void *st, const struct pp_record *rec)
{
	const struct kvm_state *kx = st;
	const struct pp_field *f = &kx->entry_vcpu;
	uint16_t type;

	if (rec->raw_size >= 2) {
		memcpy(&type, rec->raw, sizeof(type));
		if (type == kx->exit_id)
			f = &kx->vcpu;
	}
	if (!pp_field_present(f))
		return -1;
	return (int64_t)pp_field_u64(f, rec->raw, rec->raw_size);
}

const struct lat_class kvm_exit_class = {
	.name = "kvm-exit",
	.bit = LAT_KVM_EXIT,
	.title = "kvm-exit latency",
	.key_header = "exit_reason",
	.extra_header = "%gsys",
	.proc_label = "VM",
	.qemu_procs = true,
	.extra_percent = true,
	.begin_event = "kvm:kvm_exit",
	.end_event = "kvm:kvm_entry",
	.quiet_hint = ": the traced VMs made no exits (a qemu without KVM, under TCG, "
		      "makes none)",
	.state_new = kvm_state_new,
	.state_free = kvm_state_free,
	.bind = kvm_bind,
	.key = kvm_key,
	.extra = kvm_extra,
	.key_name = kvm_key_name,
	.idle_key = kvm_idle_key,
	.vcpu = kvm_vcpu,
	.has_vcpu = kvm_has_vcpu,
	.aux_is_rip = true,
	.filter_names = kvm_filter_names,
	.list_keys = kvm_list_reasons,
	.count_title = "kvm-exit counts",
	.count_extra_header = "%gsys(calls)",
	.count_noun = "exits",
};
