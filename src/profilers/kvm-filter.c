// SPDX-License-Identifier: GPL-2.0-only
/*
 * --filter with exit-reason names: each `exit_reason OP NAME` of a filter
 * expression becomes a comparison of codes, so that the kernel (live) and
 * libtraceevent (--input) evaluate the same expression.  A name is one of
 * the format's own (kvm-reasons.c), matched without regard to case;
 * everything else of the expression is copied as it is.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/kvm-reasons.h>

#define MAX_CAND	8

/* one reading of a name: guard == gval && field OP value (no guard: field OP value) */
struct cand {
	const char *guard;
	long long gval;
	const char *field;
	long long value;
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* the operator at @s: its length, 0 if none */
static size_t op_len(const char *s)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">", "&", "~" };
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(s, ops[i], strlen(ops[i])) == 0)
			return strlen(ops[i]);
	return 0;
}

/* the longest name of @r's tables that @s starts with (any case), as a word */
static size_t name_len(const struct kvm_reasons *r, const char *s)
{
	size_t best = 0, n;
	int w, i;

	for (w = 0; w < 2; w++)
		for (i = 0; i < r->tab[w].n; i++) {
			n = strlen(r->tab[w].e[i].name);
			if (n > best && strncasecmp(s, r->tab[w].e[i].name, n) == 0 &&
			    !ident_char(s[n]) && s[n] != '-')
				best = n;
		}
	return best;
}

/* reading @w, @v of table @w: arm64 ret, or a trap's esr_ec; x86 exit_reason of an isa */
static struct cand reading(const struct kvm_reasons *r, int w, long long v)
{
	if (r->arm)
		return w == 0 ? (struct cand){ NULL, 0, r->ret_field, v }
			      : (struct cand){ r->ret_field, r->arm_trap, r->ec_field, v };
	return (struct cand){ r->has_isa ? "isa" : NULL, w + 1, "exit_reason", v };
}

/* the readings of @name (@len bytes): how many, into @c */
static int readings(const struct kvm_reasons *r, const char *name, size_t len, struct cand *c)
{
	int w, i, k, n = 0;

	for (w = 0; w < 2; w++)
		for (i = 0; i < r->tab[w].n && n < MAX_CAND; i++) {
			const struct kvm_reason *e = &r->tab[w].e[i];
			/* unsigned fields: a table's -1 is 0xffffffff (arm64's ret is an int) */
			long long v = r->arm && w == 0 ? e->value : (long long)(uint32_t)e->value;
			struct cand cw = reading(r, w, v);

			if (strlen(e->name) != len || strncasecmp(e->name, name, len) != 0)
				continue;
			for (k = 0; k < n; k++)	/* a code named twice */
				if (c[k].value == v && strcmp(c[k].field, cw.field) == 0)
					break;
			if (k == n)
				c[n++] = cw;
		}
	/* x86: one code, or the same code on VMX and SVM, needs no isa */
	if (!r->arm && n >= 1 && (n == 1 || c[0].value == c[1].value)) {
		c[0].guard = NULL;
		n = 1;
	}
	return n;
}

/* `field OP value`, each reading or-ed; for != each negated reading and-ed */
static void emit(FILE *f, const struct cand *c, int n, const char *op, size_t oplen)
{
	bool ne = oplen == 2 && strncmp(op, "!=", 2) == 0;
	int i;

	if (n == 1 && !c[0].guard) {
		fprintf(f, "%s%.*s%lld", c[0].field, (int)oplen, op, c[0].value);
		return;
	}
	if (n > 1)
		fputc('(', f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(ne ? "&&" : "||", f);
		if (!c[i].guard)
			fprintf(f, "%s%.*s%lld", c[i].field, (int)oplen, op, c[i].value);
		else if (ne)
			fprintf(f, "(%s!=%lld||%s!=%lld)", c[i].guard, c[i].gval, c[i].field,
				c[i].value);
		else
			fprintf(f, "(%s==%lld&&%s%.*s%lld)", c[i].guard, c[i].gval, c[i].field,
				(int)oplen, op, c[i].value);
	}
	if (n > 1)
		fputc(')', f);
}

/* is @s a number the kernel reads (decimal, 0x hex, negative)? its length */
static size_t number_len(const char *s)
{
	char *end;

	strtoll(s, &end, 0);
	return end > s && !ident_char(*end) ? (size_t)(end - s) : 0;
}

struct xlate {
	const struct kvm_reasons *r;
	FILE *out;
	char *err;
	size_t errlen;
};

/*
 * At @s, after "exit_reason": the operator and the value.  Writes the
 * rewritten comparison and returns how much of @s it consumed, or 0 to
 * copy "exit_reason" as it is; -1 on an unknown name.
 */
static long comparison(struct xlate *x, const char *s)
{
	const struct kvm_reasons *r = x->r;
	struct cand c[MAX_CAND];
	const char *p = s, *op, *v;
	size_t oplen, vlen, skip;
	char quote = 0;
	int n;

	while (*p == ' ' || *p == '\t')
		p++;
	op = p;
	if (!(oplen = op_len(p)))
		return 0;
	p += oplen;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"' || *p == '\'')
		quote = *p++;
	v = p;
	if ((vlen = number_len(v)) && !quote) {
		/* arm64 5.4+: exit_reason is the key, a trap's esr_ec */
		if (!r->arm || strcmp(r->ec_field, "exit_reason") == 0)
			return 0;
		c[0] = (struct cand){ r->ret_field, r->arm_trap, r->ec_field, strtoll(v, NULL, 0) };
		emit(x->out, c, 1, op, oplen);
		return v + vlen - s;
	}
	if (quote) {
		const char *q = strchr(v, quote);

		vlen = q ? (size_t)(q - v) : strlen(v);
		skip = q ? 1 : 0;
	} else {
		vlen = name_len(r, v);
		if (!vlen)
			while (ident_char(v[vlen]) || v[vlen] == '-')
				vlen++;
		skip = 0;
	}
	if (!vlen)
		return 0;	/* not a name: the kernel says what is wrong */
	n = readings(r, v, vlen, c);
	if (!n) {
		snprintf(x->err, x->errlen, "--filter: no exit reason '%.*s' in this kvm_exit "
			 "format (--list-reasons lists them)", (int)vlen, v);
		return -1;
	}
	emit(x->out, c, n, op, oplen);
	return v + vlen + skip - s;
}

/* copy a quoted string of @s (at its quote) to @out; its length */
static size_t copy_quoted(FILE *out, const char *s)
{
	const char *q = strchr(s + 1, *s);
	size_t n = q ? (size_t)(q - s) + 1 : strlen(s);

	fwrite(s, 1, n, out);
	return n;
}

char *kvm_reasons_filter(const struct kvm_reasons *r, const char *expr, char *err,
			 size_t errlen)
{
	static const char field[] = "exit_reason";
	struct xlate x = { r, NULL, err, errlen };
	size_t size = 0, flen = sizeof(field) - 1;
	const char *s = expr;
	char *buf = NULL;
	long used;

	x.out = open_memstream(&buf, &size);
	if (!x.out) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (*s) {
		if (*s == '"' || *s == '\'') {
			s += copy_quoted(x.out, s);
		} else if (strncmp(s, field, flen) == 0 && (s == expr || !ident_char(s[-1])) &&
			   !ident_char(s[flen])) {
			used = comparison(&x, s + flen);
			if (used < 0)
				break;
			if (used == 0)
				fwrite(field, 1, flen, x.out);
			s += flen + used;
		} else {
			fputc(*s++, x.out);
		}
	}
	fclose(x.out);
	if (*s) {
		free(buf);
		return NULL;
	}
	return buf;
}
