/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm-exit's row key, shared by the files that decode it (kvm-exit.c,
 * kvm-detail.c, kvm-filter.c):
 *   x86:   (isa << 32) | code, the code of VMX its basic reason (low 16 bits)
 *   arm64: the ESR exception class of a trap, else KVM_ARM_NOTRAP | ret
 */
#ifndef PERF_PROF_KVM_KEY_H
#define PERF_PROF_KVM_KEY_H

#include <stdint.h>

#define KVM_ISA_VMX	1
#define KVM_ISA_SVM	2
#define KVM_ARM_NOTRAP	(1ull << 32)

static inline uint64_t kvm_x86_key(uint32_t isa, uint32_t code)
{
	return ((uint64_t)isa << 32) | code;
}

#endif
