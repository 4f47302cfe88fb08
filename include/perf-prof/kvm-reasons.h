/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exit-reason names of a kvm_exit format, both ways: code to name for
 * the tables, name to code for --filter, and the list --list-reasons
 * prints.  The names are the format's own __print_symbolic() tables (a new
 * kernel's new reasons name themselves); built-in tables are the fallback
 * for a format without them.
 *
 *   x86:   two tables, VMX (isa 1) and SVM (isa 2), of field exit_reason
 *   arm64: the exception types of field ret (idx on 4.19) and the ESR
 *          exception classes of field esr_ec (exit_reason on 4.19), which
 *          name a trap (ret == TRAP)
 */
#ifndef PERF_PROF_KVM_REASONS_H
#define PERF_PROF_KVM_REASONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tep_event;

struct kvm_reason {
	int64_t value;
	const char *name;
};

struct kvm_reason_table {
	int n;
	const struct kvm_reason *e;
	bool owned;		/* copied from the format; else a built-in table */
};

struct kvm_reasons {
	bool arm;
	bool has_isa;		/* x86: the format has the isa field */
	const char *ret_field;	/* arm64: "ret" or "idx" */
	const char *ec_field;	/* arm64: "esr_ec" or "exit_reason" */
	int64_t arm_trap;	/* arm64: ret's value of a trap (TRAP) */
	/* x86: [0] VMX, [1] SVM; arm64: [0] ret, [1] esr_ec */
	struct kvm_reason_table tab[2];
};

/* the tables of kvm_exit format @exit; -1 + @err when it is not kvm_exit's */
int kvm_reasons_load(struct kvm_reasons *r, struct tep_event *exit, char *err, size_t errlen);
/* free the tables @r built itself (not the tep's); @r is zeroed */
void kvm_reasons_free(struct kvm_reasons *r);

/* the name of @value in table @which, NULL if it has none */
const char *kvm_reasons_lookup(const struct kvm_reasons *r, int which, int64_t value);

/*
 * @expr with each comparison of exit_reason to a name rewritten to codes
 * before a kernel or libtraceevent sees it: `exit_reason!=hlt`,
 * `exit_reason=="PF excp"`.  Names match case-insensitively; a name that
 * means different codes on VMX and SVM is qualified by isa.  On arm64
 * (5.4+), where exit_reason is no field, exit_reason means the row's
 * reason: an exception class of a trap, or an exception type.  Numbers,
 * other fields and operators are left as they are.  Returns a malloc'd
 * string, or NULL with a one-line reason in @err.
 */
char *kvm_reasons_filter(const struct kvm_reasons *r, const char *expr, char *err,
			 size_t errlen);

/* --list-reasons: a header line, then "TABLE CODE NAME" per reason */
void kvm_reasons_list(const struct kvm_reasons *r, FILE *out, const char *source);

/*
 * --list-reasons of a run: this kernel's names (its tracefs format of
 * kvm:kvm_exit), or those of recording @input when it is not NULL.
 * Returns the exit code: 0, or 1 with a one-line reason in @err.
 */
int kvm_list_reasons(const char *input, FILE *out, char *err, size_t errlen);

/*
 * kvm_reasons_filter() with the names of kvm_exit format @exit, or of
 * this kernel's when @exit is NULL, into *@out.  0, or 1 (this kernel has
 * no kvm_exit to read) or 2 (a name no reason has) with a message.
 */
int kvm_filter_names(struct tep_event *exit, const char *expr, char **out, char *err,
		     size_t errlen);

#endif
