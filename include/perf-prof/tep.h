/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event formats through libtraceevent.  Field offsets are resolved once,
 * at setup, into struct pp_field; the per-record path then reads a field
 * with one bounds check and a fixed-size load, never by name.
 */
#ifndef PERF_PROF_TEP_H
#define PERF_PROF_TEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct tep_handle;
struct tep_event;

struct pp_field {
	uint16_t offset;
	uint8_t  size;		/* 0 = field absent */
	bool     is_signed;
	/*
	 * pp_field_load()'s plan: the 8 bytes at @load_at end with the field,
	 * so an arithmetic shift by @shift brings it down sign-extended and
	 * @mask zero-extends an unsigned one.  An absent field loads the
	 * record's first 8 bytes with mask 0, which reads as 0.
	 */
	uint16_t load_at;
	uint8_t  shift;
	uint64_t mask;
};

/* the event "sys:name" of @tep, NULL if it has none */
struct tep_event *pp_tep_find(struct tep_handle *tep, const char *event);

/* New tep handle with @n events "sys:name" parsed from tracefs. */
struct tep_handle *pp_tep_from_tracefs(const char *tracefs, const char *const *events,
				       int n, char *err, size_t errlen);

/* Resolve @name in @ev.  Returns false (and f->size = 0) when absent. */
bool pp_field_bind(struct tep_event *ev, const char *name, struct pp_field *f);

static inline bool pp_field_present(const struct pp_field *f)
{
	return f->size != 0;
}

/* Read an integer field; 0 when absent or out of the record's bounds. */
static inline uint64_t pp_field_u64(const struct pp_field *f, const void *raw, uint32_t size)
{
	const unsigned char *p = (const unsigned char *)raw + f->offset;

	if ((uint32_t)f->offset + f->size > size)
		return 0;
	switch (f->size) {
	case 1: return f->is_signed ? (uint64_t)(int64_t)*(const int8_t *)p : *p;
	case 2: { uint16_t v; memcpy(&v, p, 2);
		  return f->is_signed ? (uint64_t)(int64_t)(int16_t)v : v; }
	case 4: { uint32_t v; memcpy(&v, p, 4);
		  return f->is_signed ? (uint64_t)(int64_t)(int32_t)v : v; }
	case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
	default: return 0;
	}
}

/*
 * The bytes a record must hold for pp_field_load() of @f: UINT32_MAX for a
 * field within the first 8 bytes (common_*), which it cannot load.
 */
static inline uint32_t pp_field_need(const struct pp_field *f)
{
	if (!pp_field_present(f))
		return 8;
	return (uint32_t)f->offset + f->size >= 8 ? (uint32_t)f->offset + f->size : UINT32_MAX;
}

/*
 * pp_field_u64() without its bounds check and size switch, for the
 * per-record path: the caller checked raw_size >= pp_field_need(@f) once
 * for all the fields it reads.  Same value as pp_field_u64().
 */
static inline uint64_t pp_field_load(const struct pp_field *f, const void *raw)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)raw + f->load_at, sizeof(v));	/* little endian */
	return (uint64_t)((int64_t)v >> f->shift) & f->mask;
}

/* One __print_symbolic() table: value → name, as the kernel prints it. */
struct pp_symtab {
	int n;
	struct pp_sym { int64_t value; const char *name; } *sym;
};

/*
 * Collect, in print-format order, the __print_symbolic() tables whose
 * value expression reads field @field.  Returns how many were stored
 * (at most @max).  Names point into the tep handle's memory.
 */
int pp_symtabs(struct tep_event *ev, const char *field, struct pp_symtab *out, int max);
/* the value named @name (exact match) into *@value; false if none */
bool pp_symtab_value(const struct pp_symtab *t, const char *name, int64_t *value);
/* free @t's array (the names are the tep handle's); @t is left empty */
void pp_symtab_free(struct pp_symtab *t);

#endif
