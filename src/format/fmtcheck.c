// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checks on tracepoint format text taken from a recording, before it goes
 * to libtraceevent, which crashes on some malformed formats (found by
 * fuzzing the perf.data reader, tests/fuzz).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/fmtcheck.h>

static int is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/*
 * libtraceevent 1.7 crashes on some malformed print formats (a REC->field
 * naming no field, stray characters in a helper's name, ...).  Before a
 * format reaches tep_parse_event(), its print fmt must pass this small
 * parser for the C expressions kernels write there: string literal, then
 * comma-separated expressions of REC->field, numbers, strings, chars,
 * unary/binary/ternary operators, casts, { } tables and the helpers
 * libtraceevent knows.  A print fmt that fails is replaced; the fields
 * still decode, only pretty-printing of that event is lost.
 */
enum { PT_END, PT_STR, PT_CHR, PT_NUM, PT_ID, PT_OP, PT_BAD };

struct printfmt_parser {
	const char *p, *end;	/* print fmt text */
	const char *fields;	/* the format text before it */
	size_t fields_len;
	int tok;		/* current token */
	const char *ts;		/* its text */
	size_t tl;
	int depth;
};

static void printfmt_next(struct printfmt_parser *s)
{
	const char *p = s->p;

	while (p < s->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	s->ts = p;
	if (p >= s->end) {
		s->tok = PT_END;
		s->tl = 0;
		s->p = p;
		return;
	}
	if (*p == '"' || *p == '\'') {
		char q = *p++;

		for (; p < s->end && *p != q; p++) {
			if (((unsigned char)*p < 32 && *p != '\n' && *p != '\t') ||
			    (unsigned char)*p > 126) {
				s->tok = PT_BAD;
				return;
			}
			if (*p == '\\' && ++p >= s->end)
				break;
		}
		if (p >= s->end) {
			s->tok = PT_BAD;
			return;
		}
		p++;
		s->tok = q == '"' ? PT_STR : PT_CHR;
	} else if (*p >= '0' && *p <= '9') {
		while (p < s->end && is_ident((unsigned char)*p))
			p++;
		s->tok = PT_NUM;
	} else if (is_ident((unsigned char)*p)) {
		while (p < s->end && is_ident((unsigned char)*p))
			p++;
		s->tok = PT_ID;
	} else {
		static const char *const two[] = {
			"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
		};
		unsigned i;

		s->tok = PT_OP;
		for (i = 0; i < sizeof(two) / sizeof(two[0]); i++)
			if (s->end - p >= 2 && !memcmp(p, two[i], 2))
				break;
		if (i < sizeof(two) / sizeof(two[0]))
			p += 2;
		else if (*p && strchr("()[]{},?:+-*/%<>&|^!~.", *p))
			p++;
		else
			s->tok = PT_BAD;
	}
	s->tl = (size_t)(p - s->ts);
	s->p = p;
}

static int printfmt_is(const struct printfmt_parser *s, const char *op)
{
	return (s->tok == PT_OP || s->tok == PT_ID) && s->tl == strlen(op) &&
	       !memcmp(s->ts, op, s->tl);
}

static int printfmt_eat(struct printfmt_parser *s, const char *op)
{
	if (!printfmt_is(s, op))
		return 0;
	printfmt_next(s);
	return 1;
}

/* is @id a field declared in the format ("field:TYPE NAME;" / "NAME[N];") */
static int printfmt_field(const struct printfmt_parser *s, const char *id, size_t len)
{
	const char *f = s->fields, *end = s->fields + s->fields_len;

	while (f < end && (f = memmem(f, (size_t)(end - f), "field:", 6))) {
		const char *semi = memchr(f, ';', (size_t)(end - f)), *e;

		if (!semi)
			return 0;
		e = semi;
		if (e > f && e[-1] == ']')
			while (e > f && *e != '[')
				e--;
		while (e > f && e[-1] == ' ')
			e--;
		if ((size_t)(e - f) > len && !memcmp(e - len, id, len) &&
		    !is_ident((unsigned char)e[-(long)len - 1]))
			return 1;
		f = semi;
	}
	return 0;
}

static int printfmt_expr(struct printfmt_parser *s);

/* comma-separated expressions up to @close; returns the count or -1 */
static int printfmt_list(struct printfmt_parser *s, const char *close)
{
	int n = 0;

	if (printfmt_eat(s, close))
		return 0;
	for (;;) {
		if (printfmt_expr(s))
			return -1;
		n++;
		if (printfmt_eat(s, close))
			return n;
		if (!printfmt_eat(s, ","))
			return -1;
	}
}

/* helpers whose only argument is a field name (no REC->) */
static const char *const printfmt_name_helpers[] = {
	"__get_str", "__get_rel_str", "__get_bitmask", "__get_rel_bitmask",
	"__get_dynamic_array", "__get_rel_dynamic_array",
	"__get_dynamic_array_len", "__get_rel_dynamic_array_len",
	"__get_sockaddr", "__get_rel_sockaddr", "__get_cpumask",
	"__get_rel_cpumask",
};

/* helpers with expression arguments: name, min args, max args, tables from */
static const struct { const char *name; int min, max, tables; } printfmt_helpers[] = {
	{ "__print_symbolic", 1, 4096, 1 },
	{ "__print_symbolic_u64", 1, 4096, 1 },
	{ "__print_flags", 2, 4096, 2 },
	{ "__print_flags_u64", 2, 4096, 2 },
	{ "__print_hex", 2, 2, 99 },
	{ "__print_hex_str", 2, 2, 99 },
	{ "__print_array", 3, 3, 99 },
};

static int printfmt_call(struct printfmt_parser *s, const char *name, size_t len)
{
	unsigned i;
	int n = 0;

	for (i = 0; i < sizeof(printfmt_name_helpers) / sizeof(printfmt_name_helpers[0]); i++) {
		if (strlen(printfmt_name_helpers[i]) != len ||
		    memcmp(printfmt_name_helpers[i], name, len))
			continue;
		if (s->tok != PT_ID || !printfmt_field(s, s->ts, s->tl))
			return -1;
		printfmt_next(s);
		return printfmt_eat(s, ")") ? 0 : -1;
	}
	for (i = 0; i < sizeof(printfmt_helpers) / sizeof(printfmt_helpers[0]); i++) {
		if (strlen(printfmt_helpers[i].name) != len ||
		    memcmp(printfmt_helpers[i].name, name, len))
			continue;
		for (;;) {
			if (n >= printfmt_helpers[i].tables) {
				/* { value, "name" } (or NULL) */
				if (!printfmt_eat(s, "{"))
					return -1;
				if (printfmt_eat(s, "}"))	/* an empty table */
					goto next;
				if (printfmt_expr(s) || !printfmt_eat(s, ",") || printfmt_expr(s) ||
				    !printfmt_eat(s, "}"))
					return -1;
			} else if (printfmt_expr(s)) {
				return -1;
			}
next:
			n++;
			if (printfmt_eat(s, ")"))
				break;
			if (n >= printfmt_helpers[i].max || !printfmt_eat(s, ","))
				return -1;
		}
		return n >= printfmt_helpers[i].min ? 0 : -1;
	}
	return -1;	/* unknown function */
}

static int printfmt_unary(struct printfmt_parser *s);

/*
 * A name operand (its token read): REC->field (then *@indexable),
 * sizeof(type), a call, or a bare name (an enum the kernel did not
 * resolve: libtraceevent keeps it as an atom).  0, or -1.
 */
static int printfmt_name(struct printfmt_parser *s, int *indexable)
{
	const char *id = s->ts;
	size_t len = s->tl;

	printfmt_next(s);
	if (len == 3 && !memcmp(id, "REC", 3)) {
		if (!printfmt_eat(s, "->") || s->tok != PT_ID || !printfmt_field(s, s->ts, s->tl))
			return -1;
		printfmt_next(s);
		*indexable = 1;
	} else if (len == 6 && !memcmp(id, "sizeof", 6)) {
		if (!printfmt_eat(s, "("))
			return -1;
		while (s->tok == PT_ID)	/* a type */
			printfmt_next(s);
		while (printfmt_eat(s, "*"))
			;
		if (!printfmt_eat(s, ")"))
			return -1;
	} else if (printfmt_eat(s, "(")) {
		if (printfmt_call(s, id, len))
			return -1;
	}
	return 0;
}

/*
 * After "(": a cast (type words and stars, then an operand), else a
 * parenthesised list.  0, or -1.
 */
static int printfmt_paren(struct printfmt_parser *s)
{
	if (s->tok == PT_ID && !printfmt_is(s, "REC") && !printfmt_is(s, "sizeof")) {
		const char *save_p = s->p;
		int save_tok = s->tok, words = 0;
		const char *save_ts = s->ts;
		size_t save_tl = s->tl;

		while (s->tok == PT_ID) {
			printfmt_next(s);
			words++;
		}
		while (printfmt_eat(s, "*"))
			;
		if (words && printfmt_eat(s, ")") && !printfmt_unary(s))
			return 0;
		/* not a cast: "(NAME)" and the like */
		s->p = save_p;
		s->tok = save_tok;
		s->ts = save_ts;
		s->tl = save_tl;
	}
	return printfmt_list(s, ")") != 1 ? -1 : 0;
}

static int printfmt_unary(struct printfmt_parser *s)
{
	int r = -1, indexable = 0;

	if (++s->depth > 64)
		goto out;
	if (printfmt_eat(s, "!") || printfmt_eat(s, "~") || printfmt_eat(s, "-") ||
	    printfmt_eat(s, "+") || printfmt_eat(s, "*") || printfmt_eat(s, "&")) {
		r = printfmt_unary(s);
		goto out;
	}
	switch (s->tok) {
	case PT_NUM:
	case PT_CHR:
		printfmt_next(s);
		break;
	case PT_STR:
		while (s->tok == PT_STR)
			printfmt_next(s);
		break;
	case PT_ID:
		if (printfmt_name(s, &indexable))
			goto out;
		break;
	case PT_OP:
		if (printfmt_eat(s, "(")) {
			if (printfmt_paren(s))
				goto out;
		} else if (printfmt_eat(s, "{")) {
			if (printfmt_list(s, "}") < 0)
				goto out;
		} else {
			goto out;
		}
		break;
	default:
		goto out;
	}
	/* REC->field[i]; no other postfix (libtraceevent crashes on
	 * NAME->member) */
	while (indexable && printfmt_eat(s, "[")) {
		if (printfmt_expr(s) || !printfmt_eat(s, "]"))
			goto out;
	}
	r = 0;
out:
	s->depth--;
	return r;
}

static int printfmt_expr(struct printfmt_parser *s)
{
	static const char *const binops[] = {
		"+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=", ">=",
		"==", "!=", "&", "|", "^", "&&", "||",
	};
	unsigned i;
	int r = -1;

	if (++s->depth > 64)
		goto out;
	for (;;) {
		if (printfmt_unary(s))
			goto out;
		for (i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
			if (printfmt_is(s, binops[i]))
				break;
		if (i == sizeof(binops) / sizeof(binops[0]))
			break;
		if (printfmt_is(s, "/") || printfmt_is(s, "%")) {
			/* libtraceevent folds constants while parsing: a
			 * divisor must be a non-zero number or a sizeof */
			printfmt_next(s);
			if (s->tok == PT_NUM) {
				char num[32];

				if (s->tl >= sizeof(num))
					goto out;
				memcpy(num, s->ts, s->tl);
				num[s->tl] = 0;
				if (!strtoull(num, NULL, 0))
					goto out;
			} else if (!printfmt_is(s, "sizeof")) {
				goto out;
			}
			continue;
		}
		printfmt_next(s);
	}
	if (printfmt_eat(s, "?")) {
		if (printfmt_expr(s) || !printfmt_eat(s, ":") || printfmt_expr(s))
			goto out;
	}
	r = 0;
out:
	s->depth--;
	return r;
}

/* "DIGITS;" at *p */
static int header_num(const char **p, const char *end)
{
	const char *q = *p;

	if (q < end && *q == '-')
		q++;
	if (q >= end || *q < '0' || *q > '9')
		return 0;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q >= end || *q != ';')
		return 0;
	*p = q + 1;
	return 1;
}

static int header_lit(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n))
		return 0;
	*p += n;
	return 1;
}

/*
 * The part of a format before "print fmt:" must look like what kernels
 * write (libtraceevent crashes on, e.g., a NUL inside a field): "name:",
 * "ID:", "format:" lines, then field lines
 *	field:DECL;	offset:N;	size:N;	signed:N;
 * ("signed" missing on old kernels) and blank lines.  Returns 1 if so.
 */
int fmtcheck_header_ok(const char *b, size_t n)
{
	const char *p = b, *end = b + n, *nl;

	for (nl = b; nl < end; nl++)
		if (((unsigned char)*nl < 32 && *nl != '\t' && *nl != '\n') ||
		    (unsigned char)*nl > 126)
			return 0;
	if (!header_lit(&p, end, "name: ") || !(nl = memchr(p, '\n', (size_t)(end - p))) ||
	    nl == p)
		return 0;
	p = nl + 1;
	if (!header_lit(&p, end, "ID: ") || p >= end || *p < '0' || *p > '9')
		return 0;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (!header_lit(&p, end, "\n") || !header_lit(&p, end, "format:\n"))
		return 0;
	while (p < end) {
		const char *semi;
		int sq = 0;

		if (*p == '\n') {
			p++;
			continue;
		}
		if (!header_lit(&p, end, "\tfield:") && !header_lit(&p, end, "\tfield special:"))
			return 0;
		semi = memchr(p, ';', (size_t)(end - p));
		if (!semi || semi == p)
			return 0;
		/* DECL: brackets balanced and not nested, ends in a name or [N] */
		for (; p < semi; p++) {
			if (*p == '[') {
				if (sq++)
					return 0;
			} else if (*p == ']') {
				if (!sq--)
					return 0;
			} else if (*p == '\n') {
				return 0;
			}
		}
		if (sq || !(is_ident((unsigned char)p[-1]) || p[-1] == ']'))
			return 0;
		p++;
		if (!header_lit(&p, end, "\toffset:") || !header_num(&p, end) ||
		    !header_lit(&p, end, "\tsize:") || !header_num(&p, end))
			return 0;
		if (header_lit(&p, end, "\tsigned:") && !header_num(&p, end))
			return 0;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (!header_lit(&p, end, "\n"))
			return 0;
	}
	return 1;
}

/*
 * Returns the offset of "print fmt:" in @b if the print fmt is unsafe for
 * libtraceevent, else 0.
 */
size_t fmtcheck_print_fmt(const char *b, size_t n)
{
	const char *pf = memmem(b, n, "\nprint fmt:", 11);
	struct printfmt_parser s;

	if (!pf)
		return 0;
	pf++;
	memset(&s, 0, sizeof(s));
	s.fields = b;
	s.fields_len = (size_t)(pf - b);
	s.p = pf + 10;
	s.end = b + n;
	printfmt_next(&s);
	if (s.tok != PT_STR)
		return (size_t)(pf - b);
	while (s.tok == PT_STR)
		printfmt_next(&s);
	while (printfmt_eat(&s, ","))
		if (printfmt_expr(&s))
			return (size_t)(pf - b);
	return s.tok == PT_END ? 0 : (size_t)(pf - b);
}
