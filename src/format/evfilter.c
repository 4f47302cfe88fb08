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
 * The first word of @expr in a field's place (before an operator) that is
 * no field of @ev: libtraceevent reads it as false, the kernel refuses it.
 */
static bool unknown_field(struct tep_event *ev, const char *expr, char *name, size_t len)
{
	const char *s = expr, *w, *p;

	while (*s) {
		if (*s == '"' || *s == '\'') {
			p = strchr(s + 1, *s);
			s = p ? p + 1 : s + strlen(s);
			continue;
		}
		if (!isalpha((unsigned char)*s) && *s != '_') {
			s++;
			continue;
		}
		for (w = s; isalnum((unsigned char)*s) || *s == '_'; s++)
			;
		for (p = s; *p == ' ' || *p == '\t'; p++)
			;
		if (!strchr("=!<>&~", *p) || !*p)
			continue;
		snprintf(name, len, "%.*s", (int)(s - w), w);
		if (!tep_find_any_field(ev, name) && strcmp(name, "COMM") && strcmp(name, "CPU"))
			return true;
	}
	return false;
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
	if (unknown_field(ev, expr, msg, sizeof(msg))) {
		snprintf(err, errlen, "--filter '%s' on %s: no field '%s' in its format", expr,
			 event, msg);
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
