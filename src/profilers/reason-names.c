// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/reason-names.h>
#include "kvm-exit-names.h"

/* the highest system call number looked up (x86-64 ends near 470) */
#define SYSCALL_MAX	1024

/* @t's names not already printed by an earlier table of @seen */
static void put_names(FILE *f, const struct kvm_names *t, const struct kvm_names *seen)
{
	int i, j;

	for (i = 0; i < t->n; i++) {
		bool dup = false;

		for (j = 0; seen && j < seen->n && !dup; j++)
			dup = !strcmp(seen->e[j].name, t->e[i].name);
		if (!dup)
			fprintf(f, "%s\n", t->e[i].name);
	}
}

int reason_names_list(const char *profiler, FILE *f)
{
	int nr;

	if (!strcmp(profiler, "kvm-exit")) {
#if defined(__aarch64__)
		put_names(f, &kvm_arm_ret_names, NULL);
		put_names(f, &kvm_arm_ec_names, &kvm_arm_ret_names);
#else
		put_names(f, &kvm_vmx_names, NULL);
		put_names(f, &kvm_svm_names, &kvm_vmx_names);
#endif
		return 0;
	}
	if (!strcmp(profiler, "syscalls")) {
		for (nr = 0; nr < SYSCALL_MAX; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

			if (name)
				fprintf(f, "%s\n", name);
			free(name);
		}
		return 0;
	}
	return -1;
}
