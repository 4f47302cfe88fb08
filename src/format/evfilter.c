// SPDX-License-Identifier: GPL-2.0-only
/*
 * --filter on a recording: libtraceevent's filter (tep_filter_*) reads
 * the same expressions as the kernel's event filter, on the fields of the
 * event's own format.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/evfilter.h>
#include <perf-prof/tep.h>

struct ev_filter {
	struct tep_event_filter *f;
};

/*
 * The expression read before libtraceevent reads it: its parser frees
 * twice on some malformed expressions (1.7.1: "x==1 && ("), and reads a
 * field it does not know as false where the kernel refuses it.  The
 * grammar is the kernel's: comparisons of a field with a number (or a
 * string field with a string), joined by && and ||, in parentheses,
 * negated by !.
 */
struct fparse {
	struct tep_event *ev;
	const char *s;		/* what is left to read */
	int depth;
	char *err;
	size_t errlen;
};

static bool parse_or(struct fparse *p);

static void skip(struct fparse *p)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
}

static bool refuse(struct fparse *p, const char *why)
{
	if (*p->s)
		snprintf(p->err, p->errlen, "%s at '%.20s'", why, p->s);
	else
		snprintf(p->err, p->errlen, "%s at its end", why);
	return false;
}

static size_t op_len(const char *s)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "=~", "!~", "<", ">", "&", "~" };
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(s, ops[i], strlen(ops[i])))
			return strlen(ops[i]);
	return 0;
}

/* the value a field of @is_string is compared with */
static bool parse_value(struct fparse *p, bool is_string, const char *field)
{
	char *end;

	skip(p);
	if (*p->s == '"' || *p->s == '\'') {
		const char *q = strchr(p->s + 1, *p->s);

		if (!q)
			return refuse(p, "a string without its closing quote");
		if (!is_string)
			return refuse(p, "a number is compared with a number, not a string,");
		p->s = q + 1;
		return true;
	}
	strtoll(p->s, &end, 0);
	if (end > p->s && !isalnum((unsigned char)*end) && *end != '_') {
		/* the kernel refuses them on unsigned fields, libtraceevent misreads them */
		if (*p->s == '-')
			return refuse(p, "no negative number is compared on a recording,");
		p->s = end;
		return true;
	}
	if (is_string && (isalnum((unsigned char)*p->s) || *p->s == '_')) {
		while (isalnum((unsigned char)*p->s) || strchr("_-.*?", *p->s))
			p->s++;
		return true;
	}
	snprintf(p->err, p->errlen, "%s is a number: '%.20s' is not", field, p->s);
	return false;
}

/* FIELD OP VALUE */
static bool parse_cmp(struct fparse *p)
{
	struct tep_format_field *f;
	char name[64];
	const char *w = p->s;
	bool is_string;
	size_t n;

	if (!isalpha((unsigned char)*p->s) && *p->s != '_')
		return refuse(p, "a field is wanted");
	while (isalnum((unsigned char)*p->s) || *p->s == '_')
		p->s++;
	snprintf(name, sizeof(name), "%.*s", (int)(p->s - w), w);
	f = tep_find_any_field(p->ev, name);
	if (!f && strcmp(name, "COMM") && strcmp(name, "CPU")) {
		snprintf(p->err, p->errlen, "no field '%s' in its format", name);
		return false;
	}
	skip(p);
	if (!(n = op_len(p->s)))
		return refuse(p, "a comparison (==, !=, <, <=, >, >=, &, ~) is wanted");
	is_string = !strcmp(name, "COMM") ||
		    (f && (f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_ARRAY)));
	if (!is_string && strchr(p->s, '~') && strchr(p->s, '~') < p->s + n)
		return refuse(p, "~ compares strings, and this field is a number,");
	p->s += n;
	return parse_value(p, is_string, name);
}

/* ( OR ), ! TERM, or a comparison */
static bool parse_term(struct fparse *p)
{
	skip(p);
	if (*p->s == '!' && p->s[1] != '=' && p->s[1] != '~') {
		p->s++;
		return parse_term(p);
	}
	if (*p->s != '(')
		return parse_cmp(p);
	if (++p->depth > 32)
		return refuse(p, "parentheses nested too deep");
	p->s++;
	if (!parse_or(p))
		return false;
	skip(p);
	if (*p->s != ')')
		return refuse(p, "a ')' is wanted");
	p->s++;
	p->depth--;
	return true;
}

/* TERM, joined by && and || */
static bool parse_or(struct fparse *p)
{
	if (!parse_term(p))
		return false;
	for (;;) {
		skip(p);
		if (strncmp(p->s, "&&", 2) && strncmp(p->s, "||", 2))
			return true;
		p->s += 2;
		if (!parse_term(p))
			return false;
	}
}

static bool readable(struct tep_event *ev, const char *expr, char *err, size_t errlen)
{
	struct fparse p = { ev, expr, 0, err, errlen };

	if (!parse_or(&p))
		return false;
	skip(&p);
	return *p.s ? refuse(&p, "&& or || is wanted") : true;
}

/* libtraceevent's message repeats the expression and marks the place: its last line */
static const char *last_line(char *msg)
{
	char *nl;

	while ((nl = strrchr(msg, '\n')) && nl[1] == 0)
		*nl = 0;
	return nl ? nl + 1 : msg;
}

struct ev_filter *ev_filter_new(struct tep_handle *tep, const char *event, const char *expr,
				char *err, size_t errlen)
{
	struct tep_event *ev = pp_tep_find(tep, event);
	struct ev_filter *ef;
	enum tep_errno rc;
	char *str, msg[256];

	if (!ev) {
		snprintf(err, errlen, "--filter: the formats have no %s", event);
		return NULL;
	}
	if (!readable(ev, expr, msg, sizeof(msg))) {
		snprintf(err, errlen, "--filter '%s' on %s: %s", expr, event, msg);
		return NULL;
	}
	ef = calloc(1, sizeof(*ef));
	if (!ef || !(ef->f = tep_filter_alloc(tep)) ||
	    asprintf(&str, "%s/%s:%s", ev->system, ev->name, expr) < 0) {
		if (ef && ef->f)
			tep_filter_free(ef->f);
		free(ef);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rc = tep_filter_add_filter_str(ef->f, str);
	free(str);
	if (rc < 0) {
		if (tep_filter_strerror(ef->f, rc, msg, sizeof(msg)) < 0)
			snprintf(msg, sizeof(msg), "error %d", (int)rc);
		snprintf(err, errlen, "--filter '%s' on %s: %s", expr, event, last_line(msg));
		ev_filter_free(ef);
		return NULL;
	}
	return ef;
}

bool ev_filter_pass(struct ev_filter *f, const struct pp_record *rec)
{
	struct tep_record r;

	memset(&r, 0, sizeof(r));
	r.ts = rec->time;
	r.cpu = (int)rec->cpu;
	r.size = (int)rec->raw_size;
	r.data = (void *)rec->raw;
	return tep_filter_match(f->f, &r) == TEP_ERRNO__FILTER_MATCH;
}

void ev_filter_free(struct ev_filter *f)
{
	if (!f)
		return;
	tep_filter_free(f->f);
	free(f);
}
