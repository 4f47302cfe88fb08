// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of well-known MSR indices, KVM hypercall numbers and Arm SMCCC
 * function ids, for the sub-rows of --detail.  From the Intel SDM and AMD
 * APM (MSRs), Linux's include/uapi/linux/kvm_para.h and
 * Documentation/virt/kvm/x86/msr.rst (KVM's own), and Arm's SMC Calling
 * Convention and PSCI specifications.
 */
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/kvm-detail.h>

struct num_name {
	uint64_t num;
	const char *name;
};

static const struct num_name msr_names[] = {
	{ 0x10, "TSC" },
	{ 0x11, "KVM_WALL_CLOCK" },
	{ 0x12, "KVM_SYSTEM_TIME" },
	{ 0x1b, "APIC_BASE" },
	{ 0x3a, "FEATURE_CONTROL" },
	{ 0x3b, "TSC_ADJUST" },
	{ 0x48, "SPEC_CTRL" },
	{ 0x49, "PRED_CMD" },
	{ 0x8b, "UCODE_REV" },
	{ 0xe7, "MPERF" },
	{ 0xe8, "APERF" },
	{ 0x10a, "ARCH_CAPABILITIES" },
	{ 0x140, "MISC_FEATURES_ENABLES" },
	{ 0x174, "SYSENTER_CS" },
	{ 0x175, "SYSENTER_ESP" },
	{ 0x176, "SYSENTER_EIP" },
	{ 0x179, "MCG_CAP" },
	{ 0x17a, "MCG_STATUS" },
	{ 0x1a0, "MISC_ENABLE" },
	{ 0x1d9, "DEBUGCTL" },
	{ 0x277, "PAT" },
	{ 0x2ff, "MTRR_DEF_TYPE" },
	{ 0x38d, "FIXED_CTR_CTRL" },
	{ 0x38e, "PERF_GLOBAL_STATUS" },
	{ 0x38f, "PERF_GLOBAL_CTRL" },
	{ 0x390, "PERF_GLOBAL_OVF_CTRL" },
	{ 0x6e0, "TSC_DEADLINE" },
	{ 0x802, "x2APIC_ID" },
	{ 0x803, "x2APIC_VERSION" },
	{ 0x808, "x2APIC_TPR" },
	{ 0x80b, "x2APIC_EOI" },
	{ 0x80d, "x2APIC_LDR" },
	{ 0x80f, "x2APIC_SPIV" },
	{ 0x828, "x2APIC_ESR" },
	{ 0x830, "x2APIC_ICR" },
	{ 0x832, "x2APIC_LVTT" },
	{ 0x835, "x2APIC_LVT0" },
	{ 0x836, "x2APIC_LVT1" },
	{ 0x837, "x2APIC_LVTERR" },
	{ 0x838, "x2APIC_TMICT" },
	{ 0x839, "x2APIC_TMCCT" },
	{ 0x83e, "x2APIC_TDCR" },
	{ 0x83f, "x2APIC_SELF_IPI" },
	{ 0xda0, "XSS" },
	{ 0x40000000, "HV_GUEST_OS_ID" },
	{ 0x40000001, "HV_HYPERCALL" },
	{ 0x40000070, "HV_EOI" },
	{ 0x40000071, "HV_ICR" },
	{ 0x40000072, "HV_TPR" },
	{ 0x4b564d00, "KVM_WALL_CLOCK_NEW" },
	{ 0x4b564d01, "KVM_SYSTEM_TIME_NEW" },
	{ 0x4b564d02, "KVM_ASYNC_PF_EN" },
	{ 0x4b564d03, "KVM_STEAL_TIME" },
	{ 0x4b564d04, "KVM_PV_EOI_EN" },
	{ 0x4b564d05, "KVM_POLL_CONTROL" },
	{ 0x4b564d06, "KVM_ASYNC_PF_INT" },
	{ 0x4b564d07, "KVM_ASYNC_PF_ACK" },
	{ 0xc0000080, "EFER" },
	{ 0xc0000081, "STAR" },
	{ 0xc0000082, "LSTAR" },
	{ 0xc0000083, "CSTAR" },
	{ 0xc0000084, "SYSCALL_MASK" },
	{ 0xc0000100, "FS_BASE" },
	{ 0xc0000101, "GS_BASE" },
	{ 0xc0000102, "KERNEL_GS_BASE" },
	{ 0xc0000103, "TSC_AUX" },
	{ 0xc0010015, "HWCR" },
	{ 0xc0010117, "VM_HSAVE_PA" },
	{ 0xc0011029, "DE_CFG" },
};

static const struct num_name hypercall_names[] = {
	{ 1, "VAPIC_POLL_IRQ" },
	{ 2, "MMU_OP" },
	{ 3, "FEATURES" },
	{ 4, "PPC_MAP_MAGIC_PAGE" },
	{ 5, "KICK_CPU" },
	{ 6, "MIPS_GET_CLOCK_FREQ" },
	{ 7, "MIPS_EXIT_VM" },
	{ 8, "MIPS_CONSOLE_OUTPUT" },
	{ 9, "CLOCK_PAIRING" },
	{ 10, "SEND_IPI" },
	{ 11, "SCHED_YIELD" },
	{ 12, "MAP_GPA_RANGE" },
};

static const struct num_name smccc_names[] = {
	{ 0x80000000, "SMCCC_VERSION" },
	{ 0x80000001, "SMCCC_ARCH_FEATURES" },
	{ 0x80000002, "SMCCC_ARCH_SOC_ID" },
	{ 0x80003fff, "SMCCC_ARCH_WORKAROUND_3" },
	{ 0x80007fff, "SMCCC_ARCH_WORKAROUND_2" },
	{ 0x80008000, "SMCCC_ARCH_WORKAROUND_1" },
	{ 0x84000000, "PSCI_VERSION" },
	{ 0x84000001, "PSCI_CPU_SUSPEND" },
	{ 0x84000002, "PSCI_CPU_OFF" },
	{ 0x84000003, "PSCI_CPU_ON" },
	{ 0x84000004, "PSCI_AFFINITY_INFO" },
	{ 0x84000006, "PSCI_MIGRATE_INFO_TYPE" },
	{ 0x84000008, "PSCI_SYSTEM_OFF" },
	{ 0x84000009, "PSCI_SYSTEM_RESET" },
	{ 0x8400000a, "PSCI_FEATURES" },
	{ 0x86000000, "KVM_VENDOR_HYP_UID" },
	{ 0x86000001, "KVM_PTP" },
	{ 0xc4000001, "PSCI_CPU_SUSPEND" },
	{ 0xc4000003, "PSCI_CPU_ON" },
	{ 0xc4000004, "PSCI_AFFINITY_INFO" },
	{ 0xc4000012, "PSCI_SYSTEM_RESET2" },
};

/* the tables are sorted by number */
static const char *find(const struct num_name *t, size_t n, uint64_t num)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].num == num)
			return t[mid].name;
		if (t[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

#define FIND(t, num) find(t, sizeof(t) / sizeof(t[0]), num)

const char *kvm_msr_name(uint32_t index)
{
	return FIND(msr_names, index);
}

const char *kvm_hypercall_name(uint64_t nr)
{
	return FIND(hypercall_names, nr);
}

const char *kvm_smccc_name(uint32_t function_id)
{
	return FIND(smccc_names, function_id);
}
