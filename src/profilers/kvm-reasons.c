// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exit-reason tables of a kvm_exit format: its own __print_symbolic()
 * tables when it has them, the built-in ones (kvm-exit-names.c) when not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/kvm-reasons.h>
#include <perf-prof/tep.h>
#include "kvm-exit-names.h"

/* table @t of the format (its symtab @st), else the built-in @fb */
static int take(struct kvm_reason_table *t, struct pp_symtab *st, bool found,
		const struct kvm_names *fb)
{
	struct kvm_reason *e;
	int i;

	if (!found || st->n == 0) {
		t->n = fb->n;
		t->e = fb->e;
		t->owned = false;
		return 0;
	}
	e = calloc(st->n, sizeof(*e));
	if (!e)
		return -1;
	for (i = 0; i < st->n; i++) {
		e[i].value = st->sym[i].value;
		e[i].name = st->sym[i].name;	/* in the tep handle's memory */
	}
	t->n = st->n;
	t->e = e;
	t->owned = true;
	return 0;
}

static int load_arm(struct kvm_reasons *r, struct tep_event *exit)
{
	struct pp_symtab st[2] = { { 0 }, { 0 } };
	int nret, nec = 0, rc;

	r->ret_field = tep_find_field(exit, "ret") ? "ret" : "idx";
	r->ec_field = tep_find_field(exit, "esr_ec") ? "esr_ec" : "exit_reason";
	nret = pp_symtabs(exit, r->ret_field, &st[0], 1);
	if (nret)
		nec = pp_symtabs(exit, r->ec_field, &st[1], 1);
	r->arm_trap = 2;	/* ARM_EXCEPTION_TRAP since 4.20; 4.19's table says TRAP = 1 */
	if (nret)
		pp_symtab_value(&st[0], "TRAP", &r->arm_trap);
	rc = take(&r->tab[0], &st[0], nret, &kvm_arm_ret_names) |
	     take(&r->tab[1], &st[1], nec, &kvm_arm_ec_names);
	pp_symtab_free(&st[0]);
	pp_symtab_free(&st[1]);
	return rc;
}

int kvm_reasons_load(struct kvm_reasons *r, struct tep_event *exit, char *err, size_t errlen)
{
	struct pp_symtab st[2] = { { 0 }, { 0 } };
	int n, rc;

	memset(r, 0, sizeof(*r));
	if (!exit || strcmp(exit->name, "kvm_exit") != 0) {
		snprintf(err, errlen, "no kvm:kvm_exit format to take exit reasons from");
		return -1;
	}
	r->arm = tep_find_field(exit, "vcpu_pc") != NULL;
	if (r->arm)
		rc = load_arm(r, exit);
	else {
		r->has_isa = tep_find_field(exit, "isa") != NULL;
		/* print fmt reads "(isa == 1) ? VMX table : SVM table" */
		n = pp_symtabs(exit, "exit_reason", st, 2);
		rc = take(&r->tab[0], &st[0], n >= 1, &kvm_vmx_names) |
		     take(&r->tab[1], &st[1], n >= 2, &kvm_svm_names);
		pp_symtab_free(&st[0]);
		pp_symtab_free(&st[1]);
	}
	if (rc) {
		kvm_reasons_free(r);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void kvm_reasons_free(struct kvm_reasons *r)
{
	int i;

	for (i = 0; i < 2; i++)
		if (r->tab[i].owned)
			free((void *)r->tab[i].e);
	memset(r, 0, sizeof(*r));
}

const char *kvm_reasons_lookup(const struct kvm_reasons *r, int which, int64_t value)
{
	const struct kvm_reason_table *t = &r->tab[which];
	int i;

	/* tables write -1 where the field is unsigned: try the 32-bit sign too */
	for (i = 0; i < t->n; i++)
		if (t->e[i].value == value)
			return t->e[i].name;
	for (i = 0; i < t->n; i++)
		if (t->e[i].value == (int32_t)value)
			return t->e[i].name;
	return NULL;
}

void kvm_reasons_list(const struct kvm_reasons *r, FILE *out, const char *source)
{
	static const char *const x86_tab[2] = { "VMX", "SVM" };
	const char *tab[2];
	int i, w;

	tab[0] = r->arm ? r->ret_field : x86_tab[0];
	tab[1] = r->arm ? r->ec_field : x86_tab[1];
	fprintf(out, "# exit reasons of kvm:kvm_exit in %s: --filter 'exit_reason==NAME' takes "
		"the name or the code%s\n", source,
		r->arm ? "; an esr_ec is a trap's (ret TRAP)" : "");
	for (w = 0; w < 2; w++) {
		const struct kvm_reason_table *t = &r->tab[w];

		for (i = 0; i < t->n; i++) {
			char code[24];

			/* as the tables print an unnamed code: VMX decimal, the others hex */
			if (!r->arm && w == 0)
				snprintf(code, sizeof(code), "%lld", (long long)t->e[i].value);
			else
				snprintf(code, sizeof(code), "%#llx",
					 (unsigned long long)(uint32_t)t->e[i].value);
			fprintf(out, "%-6s %-10s %s\n", tab[w], code, t->e[i].name);
		}
	}
}
