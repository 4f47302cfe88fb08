/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef PERF_PROF_KVM_EXIT_NAMES_H
#define PERF_PROF_KVM_EXIT_NAMES_H

#include <stdint.h>
#include <perf-prof/kvm-reasons.h>

struct kvm_names {
	int n;
	const struct kvm_reason *e;
};

extern const struct kvm_names kvm_vmx_names, kvm_svm_names;
extern const struct kvm_names kvm_arm_ret_names, kvm_arm_ec_names;

#endif
