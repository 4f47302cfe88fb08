// SPDX-License-Identifier: GPL-2.0-only
/*
 * libtraceevent glue: load formats, bind fields, and pull the symbolic
 * names out of an event's own print format, so a kernel that adds exit
 * reasons names them itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <perf-prof/tep.h>
#include <perf-prof/tests-only.h>
#include <perf-prof/tracefs.h>

struct tep_handle *pp_tep_new(void)
{
	struct tep_handle *tep = tep_alloc();

	if (!tep)
		return NULL;
	tep_set_long_size(tep, sizeof(long));
	tep_set_page_size(tep, getpagesize());
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	return tep;
}

int pp_tep_parse_format(struct tep_handle *tep, const char *buf, size_t len,
			const char *sys, char *err, size_t errlen)
{
	struct tep_event *ev = NULL;

	if (tep_parse_format(tep, &ev, buf, len, sys) != 0 || !ev) {
		snprintf(err, errlen, "cannot parse the format of a %s event", sys);
		return -1;
	}
	return 0;
}

/*
 * "sys:name": the system into @sys (NUL-terminated), the name returned;
 * NULL when @event has no ':' or its system does not fit in @len.
 */
static const char *pp_event_split(const char *event, char *sys, size_t len)
{
	const char *colon = strchr(event, ':');

	if (!colon || (size_t)(colon - event) >= len)
		return NULL;
	snprintf(sys, len, "%.*s", (int)(colon - event), event);
	return colon + 1;
}

struct tep_event *pp_tep_find(struct tep_handle *tep, const char *event)
{
	char sys[64];
	const char *name = pp_event_split(event, sys, sizeof(sys));

	return name ? tep_find_event_by_name(tep, sys, name) : NULL;
}

struct tep_handle *pp_tep_from_tracefs(const char *tracefs, const char *const *events,
				       int n, char *err, size_t errlen)
{
	struct tep_handle *tep = pp_tep_new();
	char rel[256], sys[64];
	const char *name;
	size_t len;
	char *buf;
	int i;

	if (!tep) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	buf = tracefs_read(tracefs, "events/header_page", &len);
	if (buf) {
		tep_parse_header_page(tep, buf, len, sizeof(long));
		free(buf);
	}
	for (i = 0; i < n; i++) {
		name = pp_event_split(events[i], sys, sizeof(sys));
		if (!name)
			goto bad_name;
		snprintf(rel, sizeof(rel), "events/%s/%s/format", sys, name);
		buf = tracefs_read(tracefs, rel, &len);
		if (!buf) {
			if (errno == ENOENT)
				snprintf(err, errlen, "tracepoint %s does not exist in %s/events%s",
					 events[i], tracefs,
					 strcmp(sys, "kvm") == 0 ?
					 ": load the kvm module (modprobe kvm_intel or kvm_amd)" : "");
			else
				snprintf(err, errlen, "cannot read %s/%s: %s%s", tracefs, rel,
					 strerror(errno), errno == EACCES || errno == EPERM ?
					 " (the event formats are root's: run as root, or "
					 "mount tracefs with gid= and mode= for your group)" : "");
			goto fail;
		}
		if (pp_tep_parse_format(tep, buf, len, sys, err, errlen) < 0) {
			free(buf);
			goto fail;
		}
		free(buf);
	}
	return tep;
bad_name:
	snprintf(err, errlen, "bad event name '%s' (want sys:name)", events[i]);
fail:
	tep_free(tep);
	return NULL;
}

bool pp_field_bind(struct tep_event *ev, const char *name, struct pp_field *f)
{
	struct tep_format_field *tf = ev ? tep_find_field(ev, name) : NULL;

	memset(f, 0, sizeof(*f));
	if (!tf || tf->size <= 0 || tf->size > 8 || tf->offset < 0 || tf->offset > 0xffff)
		return false;
	if (tf->size != 1 && tf->size != 2 && tf->size != 4 && tf->size != 8)
		return false;
	f->offset = tf->offset;
	f->size = tf->size;
	f->is_signed = (tf->flags & TEP_FIELD_IS_SIGNED) != 0;
	if (f->offset + f->size >= 8) {
		f->load_at = f->offset + f->size - 8;
		f->shift = 64 - 8 * f->size;
		f->mask = f->is_signed ? UINT64_MAX : UINT64_MAX >> f->shift;
	}
	return true;
}

/* does the expression @arg read field @field? */
static bool arg_reads(struct tep_print_arg *arg, const char *field)
{
	if (!arg)
		return false;
	switch (arg->type) {
	case TEP_PRINT_FIELD:
		return arg->field.name && strcmp(arg->field.name, field) == 0;
	case TEP_PRINT_OP:
		return arg_reads(arg->op.left, field) || arg_reads(arg->op.right, field);
	case TEP_PRINT_TYPE:
		return arg_reads(arg->typecast.item, field);
	default:
		return false;
	}
}

static int store_symtab(struct tep_print_flag_sym *s, struct pp_symtab *t)
{
	struct tep_print_flag_sym *p;
	int n = 0;

	for (p = s; p; p = p->next)
		n++;
	t->sym = calloc(n ? n : 1, sizeof(*t->sym));
	if (!t->sym)
		return -1;
	t->n = 0;
	for (p = s; p; p = p->next) {
		char *end;
		long long v = strtoll(p->value, &end, 0);

		if (end == p->value)
			continue;
		t->sym[t->n].value = v;
		t->sym[t->n].name = p->str;
		t->n++;
	}
	return 0;
}

static void walk(struct tep_print_arg *arg, const char *field, struct pp_symtab *out,
		 int max, int *found)
{
	for (; arg && *found < max; arg = arg->next) {
		switch (arg->type) {
		case TEP_PRINT_SYMBOL:
			if (arg_reads(arg->symbol.field, field) &&
			    store_symtab(arg->symbol.symbols, &out[*found]) == 0)
				(*found)++;
			break;
		case TEP_PRINT_OP:
			/* a ternary's branches hang off op.right as ':' */
			walk(arg->op.left, field, out, max, found);
			walk(arg->op.right, field, out, max, found);
			break;
		case TEP_PRINT_TYPE:
			walk(arg->typecast.item, field, out, max, found);
			break;
		default:
			break;
		}
	}
}

int pp_symtabs(struct tep_event *ev, const char *field, struct pp_symtab *out, int max)
{
	int found = 0;

	if (ev)
		walk(ev->print_fmt.args, field, out, max, &found);
	return found;
}

bool pp_symtab_value(const struct pp_symtab *t, const char *name, int64_t *value)
{
	int i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->sym[i].name, name) == 0) {
			*value = t->sym[i].value;
			return true;
		}
	}
	return false;
}

void pp_symtab_free(struct pp_symtab *t)
{
	free(t->sym);
	t->sym = NULL;
	t->n = 0;
}
