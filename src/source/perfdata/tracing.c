// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracing data of a recording (tools/perf/util/trace-event-read.c
 * layout): a header, the header_page and header_event formats, the event
 * formats by system, then kallsyms, printk formats and saved cmdlines,
 * which are skipped.  The event formats go to libtraceevent after the
 * checks of fmtcheck.c, so the recording's own layouts decode its samples.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/fmtcheck.h>
#include "perfdata-int.h"

static int pd_read_u32(struct perfdata *pd, uint32_t *v, char *err, size_t errlen)
{
	unsigned char b[4];

	if (pd_take(pd, b, 4, "tracing data", err, errlen))
		return -1;
	*v = load32(b);
	return 0;
}

static int pd_read_u64(struct perfdata *pd, uint64_t *v, char *err, size_t errlen)
{
	unsigned char b[8];

	if (pd_take(pd, b, 8, "tracing data", err, errlen))
		return -1;
	*v = load64(b);
	return 0;
}

/* a NUL-terminated string of at most @max bytes */
static int pd_read_str(struct perfdata *pd, char *s, size_t max,
		       const char *what, char *err, size_t errlen)
{
	uint64_t start = pd_off(pd);
	size_t i;

	for (i = 0; i < max; i++) {
		if (pd_take(pd, s + i, 1, "tracing data", err, errlen))
			return -1;
		if (!s[i])
			return 0;
	}
	pd_err(pd, err, errlen, start, "tracing data: %s is not a string", what);
	return -1;
}

/* read @size bytes of one format into a scratch buffer (NUL-terminated) */
static char *pd_read_blob(struct perfdata *pd, uint64_t size, uint64_t max,
			  const char *what, char *err, size_t errlen)
{
	char *b;

	if (size > max || size > pd->end - pd_off(pd)) {
		pd_err(pd, err, errlen, pd_off(pd) - 8,
		       "tracing data: %s size %llu is invalid", what,
		       (unsigned long long)size);
		return NULL;
	}
	b = malloc(size + 64);	/* room for pd_parse_formats() */
	if (!b) {
		pd_err(pd, err, errlen, pd_off(pd), "out of memory");
		return NULL;
	}
	if (pd_take(pd, b, size, "tracing data", err, errlen)) {
		free(b);
		return NULL;
	}
	b[size] = 0;
	return b;
}

/* @size bytes of @what: skipped, or an error if they run past the tracing data */
static int pd_skip_sized(struct perfdata *pd, uint64_t size, const char *what,
			 char *err, size_t errlen)
{
	if (size > pd->end - pd_off(pd)) {
		pd_err(pd, err, errlen, pd_off(pd),
		       "tracing data: %s size %llu is past its end", what,
		       (unsigned long long)size);
		return -1;
	}
	return pd_take(pd, NULL, size, "tracing data", err, errlen);
}

/* the event formats of system @sys: a count, then sized format texts */
static int pd_parse_formats(struct perfdata *pd, const char *sys,
			    char *err, size_t errlen)
{
	uint32_t count, i;

	if (pd_read_u32(pd, &count, err, errlen))
		return -1;
	for (i = 0; i < count; i++) {
		uint64_t size;
		size_t bad;
		const char *pf;
		char *b;

		if (pd_read_u64(pd, &size, err, errlen))
			return -1;
		if (++pd->nformats > PD_MAX_FORMATS ||
		    (pd->fmt_bytes += size) > PD_MAX_FMT_TOTAL) {
			pd_err(pd, err, errlen, pd_off(pd) - 8,
			       "tracing data: more than %u event formats or %u MiB of them",
			       PD_MAX_FORMATS, PD_MAX_FMT_TOTAL >> 20);
			return -1;
		}
		b = pd_read_blob(pd, size, PD_MAX_FORMAT, "event format",
				 err, errlen);
		if (!b)
			return -1;
		/* like perf: a format that does not parse is left out; an
		 * unsafe print fmt is dropped, the fields stay usable */
		pf = memmem(b, size, "\nprint fmt:", 11);
		if (!fmtcheck_header_ok(b, pf ? (size_t)(pf + 1 - b) : size)) {
			free(b);	/* not a format libtraceevent can take */
			continue;
		}
		bad = fmtcheck_print_fmt(b, size);
		if (bad) {
			static const char fb[] = "print fmt: \"(unparsable print fmt)\"\n";

			memcpy(b + bad, fb, sizeof(fb));
			size = bad + sizeof(fb) - 1;
		}
		tep_parse_event(pd->tep, b, size, sys);
		free(b);
	}
	return 0;
}

/*
 * The head: magic, version (into *@version), endianness, long and page
 * size; a tep handle set up as they say.
 */
static int pd_tracing_head(struct perfdata *pd, double *version, char *err, size_t errlen)
{
	static const char magic[10] = { 23, 8, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	uint64_t start = pd_off(pd);
	unsigned char hdr[10], b2[2];
	uint32_t page_size;
	char ver[16];

	if (pd_take(pd, hdr, 10, "tracing data", err, errlen))
		return -1;
	if (memcmp(hdr, magic, 10)) {
		pd_err(pd, err, errlen, start, "tracing data: bad magic");
		return -1;
	}
	if (pd_read_str(pd, ver, sizeof(ver), "version", err, errlen))
		return -1;
	*version = strtod(ver, NULL);
	if (pd_take(pd, b2, 2, "tracing data", err, errlen))
		return -1;
	if (b2[0]) {
		pd_err(pd, err, errlen, start + 10 + strlen(ver) + 1,
		       "big-endian tracing data is not supported");
		return -1;
	}
	if (b2[1] != 4 && b2[1] != 8) {
		pd_err(pd, err, errlen, start + 10 + strlen(ver) + 2,
		       "tracing data: long size %u is invalid", b2[1]);
		return -1;
	}
	if (pd_read_u32(pd, &page_size, err, errlen))
		return -1;
	pd->tep = tep_alloc();
	if (!pd->tep) {
		pd_err(pd, err, errlen, start, "out of memory");
		return -1;
	}
	tep_set_file_bigendian(pd->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(pd->tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(pd->tep, b2[1]);
	tep_set_page_size(pd->tep, (int)(page_size & 0x7fffffff));
	return 0;
}

/* a section name that must be @want */
static int pd_expect_name(struct perfdata *pd, const char *want, char *err, size_t errlen)
{
	char name[256];

	if (pd_read_str(pd, name, sizeof(name), "section name", err, errlen))
		return -1;
	if (strcmp(name, want)) {
		pd_err(pd, err, errlen, pd_off(pd) - strlen(name) - 1,
		       "tracing data: expected %s", want);
		return -1;
	}
	return 0;
}

/* header_page (parsed: the ring-buffer page layout), header_event (skipped) */
static int pd_tracing_headers(struct perfdata *pd, char *err, size_t errlen)
{
	uint64_t v64;
	char *b;

	if (pd_expect_name(pd, "header_page", err, errlen) ||
	    pd_read_u64(pd, &v64, err, errlen))
		return -1;
	b = pd_read_blob(pd, v64, PD_MAX_HDRPAGE, "header_page", err, errlen);
	if (!b)
		return -1;
	tep_parse_header_page(pd->tep, b, v64, tep_get_long_size(pd->tep));
	free(b);
	if (pd_expect_name(pd, "header_event", err, errlen) ||
	    pd_read_u64(pd, &v64, err, errlen) ||
	    pd_skip_sized(pd, v64, "header_event", err, errlen))
		return -1;
	return 0;
}

/* the ftrace formats, then each event system's */
static int pd_tracing_formats(struct perfdata *pd, char *err, size_t errlen)
{
	char name[256];
	uint32_t nsys, i;

	if (pd_parse_formats(pd, "ftrace", err, errlen) ||
	    pd_read_u32(pd, &nsys, err, errlen))
		return -1;
	for (i = 0; i < nsys; i++) {
		if (pd_read_str(pd, name, sizeof(name), "system name", err, errlen) ||
		    pd_parse_formats(pd, name, err, errlen))
			return -1;
	}
	return 0;
}

/* kallsyms, printk formats, saved cmdlines: not needed; then padding */
static int pd_tracing_tail(struct perfdata *pd, double version, char *err, size_t errlen)
{
	uint64_t v64;
	uint32_t v32;

	if (pd_read_u32(pd, &v32, err, errlen) ||
	    pd_skip_sized(pd, v32, "kallsyms", err, errlen) ||
	    pd_read_u32(pd, &v32, err, errlen) ||
	    pd_skip_sized(pd, v32, "printk formats", err, errlen))
		return -1;
	if (version >= 0.6 && pd_off(pd) < pd->end) {
		if (pd_read_u64(pd, &v64, err, errlen) ||
		    pd_skip_sized(pd, v64, "saved cmdlines", err, errlen))
			return -1;
	}
	return pd_take(pd, NULL, pd->end - pd_off(pd), "tracing data", err, errlen);
}

int pd_parse_tracing(struct perfdata *pd, uint64_t size, char *err, size_t errlen)
{
	uint64_t start = pd_off(pd), saved_end = pd->end;
	double version;
	int r;

	if (size > pd->end - start) {
		pd_err(pd, err, errlen, start,
		       "tracing data size %llu runs past its section",
		       (unsigned long long)size);
		return -1;
	}
	pd->end = start + size;
	if (pd->tep)	/* a second copy: ignore it */
		r = pd_take(pd, NULL, size, "tracing data", err, errlen);
	else
		r = pd_tracing_head(pd, &version, err, errlen) ||
		    pd_tracing_headers(pd, err, errlen) ||
		    pd_tracing_formats(pd, err, errlen) ||
		    pd_tracing_tail(pd, version, err, errlen);
	pd->end = saved_end;
	return r ? -1 : 0;
}
