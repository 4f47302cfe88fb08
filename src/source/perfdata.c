// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streaming perf.data reader: file mode (PERFILE2 header, attrs section,
 * data section, feature sections) and pipe mode (`perf record -o -`).
 *
 * The data is read with read() into a buffer of PD_BUFSZ, never mapped
 * whole, so memory stays bounded whatever the file size.  In hold mode
 * (perfdata_hold) a buffer that holds returned samples is not reused
 * when more data is needed: it is retired, and the next read goes into
 * another one, until perfdata_release() says its records are done.  The
 * engine's merge then queues samples by reference instead of copying them.  Records
 * are at most 64 KiB (u16 size), so a record always fits in the buffer;
 * the payloads that follow some pipe-mode records (tracing data, aux
 * data) are consumed in pieces.
 *
 * Everything a file says is checked before use: a bad file yields a
 * one-line "PATH: offset N: what" message, never a crash, a hang or an
 * allocation sized by the file beyond fixed caps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <traceevent/event-parse.h>

#include <perf-prof/errmsg.h>
#include <perf-prof/fmtcheck.h>
#include <perf-prof/perfdata.h>

#define PD_BUFSZ	(256u << 10)	/* read buffer */
#define PD_MAX_ATTRS	4096		/* attrs per recording */
#define PD_MAX_IDS	(1u << 18)	/* sample ids over all attrs */
#define PD_MAX_FORMAT	(1u << 20)	/* one event format file */
#define PD_MAX_HDRPAGE	(1u << 16)	/* header_page format */
#define PD_MAX_FORMATS	16384		/* event formats in tracing data */
#define PD_MAX_FMT_TOTAL (32u << 20)	/* their total size */

#define PD_MAGIC	0x32454c4946524550ULL	/* "PERFILE2" little-endian */
#define PD_MAGIC_SWAP	0x50455246494c4532ULL	/* the same, byte-swapped */
#define PD_MAGIC_V1	0x454c494646524550ULL	/* "PERFFILE" */

#define PD_FILE_HDR_SIZE	104	/* struct perf_file_header */
#define PD_FILE_HDR_OLD		72	/* the same without the feature bitmap */
#define PD_PIPE_HDR_SIZE	16
#define PD_ATTR_VER0		64

/* perf tool record types (tools/lib/perf/include/perf/event.h) */
enum {
	PD_REC_HEADER_ATTR		= 64,
	PD_REC_HEADER_EVENT_TYPE	= 65,
	PD_REC_HEADER_TRACING_DATA	= 66,
	PD_REC_HEADER_BUILD_ID		= 67,
	PD_REC_FINISHED_ROUND		= 68,
	PD_REC_ID_INDEX			= 69,
	PD_REC_AUXTRACE			= 71,
	PD_REC_COMPRESSED		= 81,
};

#define PD_FEAT_TRACING_DATA	1
#define PD_FEAT_BITS		256

struct pd_attr {
	uint64_t sample_type;
	uint64_t read_format;
	uint32_t type;
	uint32_t is_tp;
	uint32_t sample_id_all;
	uint32_t context_switch;	/* recorded with --switch-events */
	uint32_t fast;		/* fixed layout up to RAW: use the offsets below */
	uint32_t full;		/* fast, with tid, time, cpu and raw: no test per field */
	uint32_t off_tid;	/* byte offsets from the record start, 0 = absent */
	uint32_t off_time;
	uint32_t off_cpu;
	uint32_t off_raw;	/* the u32 raw size */
	uint32_t need;		/* fast layout: bytes up to the raw data */
	uint32_t id_off;	/* where the sample id is, 0 = none */
	uint32_t trailer;	/* size of the sample_id_all trailer */
};

/* a retired read buffer: it holds the file's bytes before @end */
struct pd_chunk {
	unsigned char *mem;
	uint64_t end;
};

#define PD_POOL	4	/* spare buffers kept for reuse */
#define PD_IDC	16	/* id cache: 2 events x 8 CPUs hit without a probe */

struct pd_id {
	uint64_t id;
	uint32_t slot;		/* attr index + 1, 0 = empty */
	int32_t cpu;		/* from ID_INDEX, -1 unknown */
};

struct perfdata {
	int fd;
	int own_fd;
	int pipe;		/* pipe-mode stream */
	char *path;

	unsigned char *buf;
	size_t pos, len;	/* buf[pos, len) holds unread bytes */
	uint64_t buf_off;	/* file offset of buf[0] */
	uint64_t end;		/* file offset where the current section ends */
	int eof;

	int hold;		/* samples stay valid until perfdata_release() */
	int buf_held;		/* buf holds a returned sample */
	/*
	 * LOST records count what each ring dropped; perf record (6.0+)
	 * adds at its end one LOST_SAMPLES per event with everything that
	 * event lost, the same losses again plus those never reported in a
	 * ring.  So the file lost max(sum LOST, sum LOST_SAMPLES): records
	 * carry the growth of that maximum, nothing is counted twice.
	 */
	uint64_t lost_sum, lost_samples_sum;
	uint64_t rec_off;	/* file offset of the record last returned */
	struct pd_chunk *retired;	/* oldest first */
	unsigned nretired, retired_cap;
	unsigned char *pool[PD_POOL];
	unsigned npool;

	struct pd_attr *attrs;
	unsigned nattrs;
	struct pd_id *ids;
	unsigned ids_cap, nids;	/* cap is a power of two, 0 = no table */
	struct pd_idc {		/* recent ids: a record's event and CPU */
		uint64_t id;
		const struct pd_attr *a;	/* NULL = empty */
		int32_t cpu;
	} idc[PD_IDC];
	uint32_t id_off;	/* the common sample id position, 0 = none */
	int id_bad;		/* attrs disagree on the position */
	int uniform;		/* all attrs have one sample_id_all layout */

	struct tep_handle *tep;


	/* pipe mode: the first record, read by perfdata_open() */
	int pending;		/* 1 record, 0 end, -1 error */
	struct pp_record pend;
	char pend_err[256];

	bool (*stopping)(void);	/* set: a read interrupted by a signal gives up */
	uint64_t nunknown;	/* samples whose id matched no attr */
	unsigned nformats;	/* formats parsed so far, and their bytes */
	uint64_t fmt_bytes;
};

static uint64_t pd_lost_total(const struct perfdata *pd)
{
	return pd->lost_sum > pd->lost_samples_sum ? pd->lost_sum : pd->lost_samples_sum;
}

static inline uint64_t ld64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t ld32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t ld16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void __attribute__((format(printf, 5, 6)))
pd_err(const struct perfdata *pd, char *err, size_t errlen, uint64_t off,
       const char *fmt, ...)
{
	char where[PATH_MAX + 64];
	va_list ap;

	snprintf(where, sizeof(where), "%s: offset %llu: ", pd->path, (unsigned long long)off);
	va_start(ap, fmt);
	errmsg_v(err, errlen, where, fmt, ap);
	va_end(ap);
}

/* ---- buffered input ---------------------------------------------------- */

/* file offset of the next unread byte */
static inline uint64_t pd_off(const struct perfdata *pd)
{
	return pd->buf_off + pd->pos;
}

/* start reading at @off, up to @end (UINT64_MAX: to EOF) */
/*
 * Hold mode: keep buf (it holds returned samples) and continue in another
 * buffer, starting with the unread bytes buf[pos, len).
 */
static int pd_retire(struct perfdata *pd, char *err, size_t errlen)
{
	unsigned char *nb = pd->npool ? pd->pool[--pd->npool] : malloc(PD_BUFSZ);
	size_t have = pd->len - pd->pos;

	if (nb && pd->nretired == pd->retired_cap) {
		unsigned ncap = pd->retired_cap ? 2 * pd->retired_cap : 16;
		struct pd_chunk *nr = realloc(pd->retired, ncap * sizeof(*nr));

		if (!nr) {
			free(nb);
			nb = NULL;
		} else {
			pd->retired = nr;
			pd->retired_cap = ncap;
		}
	}
	if (!nb) {
		pd_err(pd, err, errlen, pd_off(pd), "out of memory holding records");
		return -1;
	}
	memcpy(nb, pd->buf + pd->pos, have);
	pd->buf_off += pd->pos;
	pd->retired[pd->nretired].mem = pd->buf;
	pd->retired[pd->nretired].end = pd->buf_off;
	pd->nretired++;
	pd->buf = nb;
	pd->pos = 0;
	pd->len = have;
	pd->buf_held = 0;
	return 0;
}

static int pd_seek(struct perfdata *pd, uint64_t off, uint64_t end,
		   char *err, size_t errlen)
{
	if (pd->hold && pd->buf_held) {
		pd->pos = pd->len;
		if (pd_retire(pd, err, errlen) < 0)
			return -1;
	}
	if (lseek(pd->fd, (off_t)off, SEEK_SET) == (off_t)-1) {
		pd_err(pd, err, errlen, off, "cannot seek: %s", strerror(errno));
		return -1;
	}
	pd->buf_off = off;
	pd->pos = pd->len = 0;
	pd->end = end;
	pd->eof = 0;
	return 0;
}

/*
 * Make @need bytes (<= PD_BUFSZ) available at buf + pos.  Returns 1 if
 * they are, 0 if the section or file ended first, -1 on a read error.
 */
static int pd_fill(struct perfdata *pd, size_t need, char *err, size_t errlen)
{
	size_t have = pd->len - pd->pos;

	if (have >= need)
		return 1;
	if (pd->pos) {
		if (pd->hold && pd->buf_held) {
			if (pd_retire(pd, err, errlen) < 0)
				return -1;
		} else {
			memmove(pd->buf, pd->buf + pd->pos, have);
			pd->buf_off += pd->pos;
			pd->pos = 0;
			pd->len = have;
		}
	}
	while (pd->len < need && !pd->eof) {
		uint64_t at = pd->buf_off + pd->len;
		size_t want = PD_BUFSZ - pd->len;
		ssize_t n;

		if (at >= pd->end) {
			pd->eof = 1;
			break;
		}
		if ((uint64_t)want > pd->end - at)
			want = (size_t)(pd->end - at);
		n = read(pd->fd, pd->buf + pd->len, want);
		if (n < 0) {
			if (errno == EINTR && !(pd->stopping && pd->stopping()))
				continue;
			pd_err(pd, err, errlen, at, "read error: %s",
			       strerror(errno));
			return -1;
		}
		if (n == 0) {
			pd->eof = 1;
			break;
		}
		pd->len += (size_t)n;
	}
	return pd->len >= need;
}

/* copy @n bytes (any size) to @dst, or skip them if @dst is NULL */
static int pd_take(struct perfdata *pd, void *dst, uint64_t n,
		   const char *what, char *err, size_t errlen)
{
	unsigned char *d = dst;
	uint64_t start = pd_off(pd);

	while (n) {
		size_t chunk = n > PD_BUFSZ ? PD_BUFSZ : (size_t)n;
		size_t have;
		int r = pd_fill(pd, 1, err, errlen);

		if (r < 0)
			return -1;
		if (r == 0) {
			pd_err(pd, err, errlen, start,
			       "truncated %s: %llu more bytes expected at offset %llu",
			       what, (unsigned long long)n,
			       (unsigned long long)pd_off(pd));
			return -1;
		}
		have = pd->len - pd->pos;
		if (chunk > have)
			chunk = have;
		if (d) {
			memcpy(d, pd->buf + pd->pos, chunk);
			d += chunk;
		}
		pd->pos += chunk;
		n -= chunk;
	}
	return 0;
}

/* ---- attrs and ids ----------------------------------------------------- */

static unsigned pd_hash(uint64_t id, unsigned mask)
{
	id *= 0x9e3779b97f4a7c15ULL;
	return (unsigned)(id >> 32) & mask;
}

static struct pd_id *pd_id_find(const struct perfdata *pd, uint64_t id)
{
	unsigned mask, h;

	if (!pd->ids_cap)
		return NULL;
	mask = pd->ids_cap - 1;
	for (h = pd_hash(id, mask);; h = (h + 1) & mask) {
		struct pd_id *e = &pd->ids[h];

		if (!e->slot)
			return NULL;
		if (e->id == id)
			return e;
	}
}

static int pd_id_add(struct perfdata *pd, uint64_t id, unsigned attr,
		     uint64_t off, char *err, size_t errlen)
{
	struct pd_id *e;
	unsigned mask, h;

	e = pd_id_find(pd, id);
	if (e) {
		e->slot = attr + 1;
		return 0;
	}
	if (pd->nids >= PD_MAX_IDS) {
		pd_err(pd, err, errlen, off, "more than %u sample ids",
		       PD_MAX_IDS);
		return -1;
	}
	if ((pd->nids + 1) * 2 > pd->ids_cap) {
		unsigned ncap = pd->ids_cap ? pd->ids_cap * 2 : 64, i;
		struct pd_id *n = calloc(ncap, sizeof(*n));

		if (!n) {
			pd_err(pd, err, errlen, off, "out of memory");
			return -1;
		}
		for (i = 0; i < pd->ids_cap; i++) {
			struct pd_id *o = &pd->ids[i];

			if (!o->slot)
				continue;
			for (h = pd_hash(o->id, ncap - 1); n[h].slot;
			     h = (h + 1) & (ncap - 1))
				;
			n[h] = *o;
		}
		free(pd->ids);
		pd->ids = n;
		pd->ids_cap = ncap;
	}
	mask = pd->ids_cap - 1;
	for (h = pd_hash(id, mask); pd->ids[h].slot; h = (h + 1) & mask)
		;
	pd->ids[h].id = id;
	pd->ids[h].slot = attr + 1;
	pd->ids[h].cpu = -1;
	pd->nids++;
	memset(pd->idc, 0, sizeof(pd->idc));
	return 0;
}

static unsigned popcount64(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

/* the u64 fields of a sample that precede READ and have fixed sizes */
static void pd_attr_layout(struct pd_attr *a)
{
	uint64_t st = a->sample_type;
	uint32_t off = 8;

	a->off_tid = a->off_time = a->off_cpu = a->off_raw = 0;
	if (st & PERF_SAMPLE_IDENTIFIER)
		off += 8;
	if (st & PERF_SAMPLE_IP)
		off += 8;
	if (st & PERF_SAMPLE_TID) {
		a->off_tid = off;
		off += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		a->off_time = off;
		off += 8;
	}
	if (st & PERF_SAMPLE_ADDR)
		off += 8;
	if (st & PERF_SAMPLE_ID)
		off += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		off += 8;
	if (st & PERF_SAMPLE_CPU) {
		a->off_cpu = off;
		off += 8;
	}
	if (st & PERF_SAMPLE_PERIOD)
		off += 8;
	a->fast = 1;
	if (st & PERF_SAMPLE_READ) {
		uint64_t rf = a->read_format;

		if (rf & PERF_FORMAT_GROUP) {
			a->fast = 0;
		} else {
			off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
				off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
				off += 8;
			if (rf & PERF_FORMAT_ID)
				off += 8;
			if (rf & PERF_FORMAT_LOST)
				off += 8;
		}
	}
	if (st & PERF_SAMPLE_CALLCHAIN)
		a->fast = 0;
	if (a->fast && (st & PERF_SAMPLE_RAW))
		a->off_raw = off;
	a->need = a->off_raw ? a->off_raw + 4 : a->off_cpu ? a->off_cpu + 8 :
		  a->off_time ? a->off_time + 8 : a->off_tid ? a->off_tid + 8 : 8;
	a->full = a->fast && a->off_tid && a->off_time && a->off_cpu && a->off_raw;

	/* where the id is in a sample */
	if (st & PERF_SAMPLE_IDENTIFIER)
		a->id_off = 8;
	else if (st & PERF_SAMPLE_ID)
		a->id_off = 8 + 8 * popcount64(st & (PERF_SAMPLE_IP |
			PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR));
	else
		a->id_off = 0;

	a->trailer = 0;
	if (a->sample_id_all)
		a->trailer = 8 * popcount64(st & (PERF_SAMPLE_TID |
			PERF_SAMPLE_TIME | PERF_SAMPLE_ID |
			PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU |
			PERF_SAMPLE_IDENTIFIER));
}

static void pd_check_id_pos(struct perfdata *pd)
{
	unsigned i;

	pd->id_off = pd->nattrs ? pd->attrs[0].id_off : 0;
	pd->id_bad = 0;
	pd->uniform = 1;
	for (i = 1; i < pd->nattrs; i++) {
		const struct pd_attr *a = &pd->attrs[i];

		if (!a->id_off || a->id_off != pd->id_off)
			pd->id_bad = 1;
		if (a->sample_type != pd->attrs[0].sample_type ||
		    a->sample_id_all != pd->attrs[0].sample_id_all)
			pd->uniform = 0;
	}
	if (pd->nattrs > 1 && !pd->id_off)
		pd->id_bad = 1;
}

/*
 * Add one attr from @p (a struct perf_event_attr of @size bytes, already
 * checked to be >= PD_ATTR_VER0).  Returns its index or -1.
 */
static int pd_attr_add(struct perfdata *pd, const unsigned char *p,
		       uint64_t off, char *err, size_t errlen)
{
	struct pd_attr *a, *n;

	if (pd->nattrs >= PD_MAX_ATTRS) {
		pd_err(pd, err, errlen, off, "more than %u event attrs",
		       PD_MAX_ATTRS);
		return -1;
	}
	n = realloc(pd->attrs, (pd->nattrs + 1) * sizeof(*n));
	if (!n) {
		pd_err(pd, err, errlen, off, "out of memory");
		return -1;
	}
	pd->attrs = n;
	a = &pd->attrs[pd->nattrs];
	memset(a, 0, sizeof(*a));
	a->type = ld32(p);
	a->sample_type = ld64(p + 24);
	a->read_format = ld64(p + 32);
	a->sample_id_all = (ld64(p + 40) >> 18) & 1;
	a->context_switch = (ld64(p + 40) >> 26) & 1;
	a->is_tp = a->type == PERF_TYPE_TRACEPOINT;
	pd_attr_layout(a);
	memset(pd->idc, 0, sizeof(pd->idc));
	pd->nattrs++;
	pd_check_id_pos(pd);
	return (int)pd->nattrs - 1;
}

/* ---- tracing data ------------------------------------------------------ */

static int pd_read_u32(struct perfdata *pd, uint32_t *v, char *err, size_t errlen)
{
	unsigned char b[4];

	if (pd_take(pd, b, 4, "tracing data", err, errlen))
		return -1;
	*v = ld32(b);
	return 0;
}

static int pd_read_u64(struct perfdata *pd, uint64_t *v, char *err, size_t errlen)
{
	unsigned char b[8];

	if (pd_take(pd, b, 8, "tracing data", err, errlen))
		return -1;
	*v = ld64(b);
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
 * Parse the tracing data (tools/perf/util/trace-event-read.c layout) of
 * @size bytes at the current position; consumes exactly @size bytes.
 */
static int pd_parse_tracing(struct perfdata *pd, uint64_t size,
			    char *err, size_t errlen)
{
	static const char magic[10] = { 23, 8, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	uint64_t start = pd_off(pd), saved_end = pd->end, v64;
	unsigned char hdr[10], b2[2];
	char ver[16], name[256];
	uint32_t page_size, nsys, i, v32;
	double version;
	char *b;

	if (size > pd->end - start) {
		pd_err(pd, err, errlen, start,
		       "tracing data size %llu runs past its section",
		       (unsigned long long)size);
		return -1;
	}
	pd->end = start + size;
	if (pd->tep) {
		/* a second copy: ignore it */
		if (pd_take(pd, NULL, size, "tracing data", err, errlen))
			goto fail;
		pd->end = saved_end;
		return 0;
	}
	if (pd_take(pd, hdr, 10, "tracing data", err, errlen))
		goto fail;
	if (memcmp(hdr, magic, 10)) {
		pd_err(pd, err, errlen, start, "tracing data: bad magic");
		goto fail;
	}
	if (pd_read_str(pd, ver, sizeof(ver), "version", err, errlen))
		goto fail;
	version = strtod(ver, NULL);
	if (pd_take(pd, b2, 2, "tracing data", err, errlen))
		goto fail;
	if (b2[0]) {
		pd_err(pd, err, errlen, start + 10 + strlen(ver) + 1,
		       "big-endian tracing data is not supported");
		goto fail;
	}
	if (b2[1] != 4 && b2[1] != 8) {
		pd_err(pd, err, errlen, start + 10 + strlen(ver) + 2,
		       "tracing data: long size %u is invalid", b2[1]);
		goto fail;
	}
	if (pd_read_u32(pd, &page_size, err, errlen))
		goto fail;

	pd->tep = tep_alloc();
	if (!pd->tep) {
		pd_err(pd, err, errlen, start, "out of memory");
		goto fail;
	}
	tep_set_file_bigendian(pd->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(pd->tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(pd->tep, b2[1]);
	tep_set_page_size(pd->tep, (int)(page_size & 0x7fffffff));

	/* header_page, header_event */
	if (pd_read_str(pd, name, sizeof(name), "section name", err, errlen))
		goto fail;
	if (strcmp(name, "header_page")) {
		pd_err(pd, err, errlen, pd_off(pd) - strlen(name) - 1,
		       "tracing data: expected header_page");
		goto fail;
	}
	if (pd_read_u64(pd, &v64, err, errlen))
		goto fail;
	b = pd_read_blob(pd, v64, PD_MAX_HDRPAGE, "header_page", err, errlen);
	if (!b)
		goto fail;
	tep_parse_header_page(pd->tep, b, v64, b2[1]);
	free(b);
	if (pd_read_str(pd, name, sizeof(name), "section name", err, errlen))
		goto fail;
	if (strcmp(name, "header_event")) {
		pd_err(pd, err, errlen, pd_off(pd) - strlen(name) - 1,
		       "tracing data: expected header_event");
		goto fail;
	}
	if (pd_read_u64(pd, &v64, err, errlen) ||
	    pd_skip_sized(pd, v64, "header_event", err, errlen))
		goto fail;

	/* ftrace formats, then the event systems */
	if (pd_parse_formats(pd, "ftrace", err, errlen))
		goto fail;
	if (pd_read_u32(pd, &nsys, err, errlen))
		goto fail;
	for (i = 0; i < nsys; i++) {
		if (pd_read_str(pd, name, sizeof(name), "system name", err, errlen) ||
		    pd_parse_formats(pd, name, err, errlen))
			goto fail;
	}
	/* kallsyms, printk formats, saved cmdlines: not needed */
	if (pd_read_u32(pd, &v32, err, errlen) ||
	    pd_skip_sized(pd, v32, "kallsyms", err, errlen) ||
	    pd_read_u32(pd, &v32, err, errlen) ||
	    pd_skip_sized(pd, v32, "printk formats", err, errlen))
		goto fail;
	if (version >= 0.6 && pd_off(pd) < pd->end) {
		if (pd_read_u64(pd, &v64, err, errlen) ||
		    pd_skip_sized(pd, v64, "saved cmdlines", err, errlen))
			goto fail;
	}
	/* whatever is left (padding) */
	if (pd_take(pd, NULL, pd->end - pd_off(pd), "tracing data", err, errlen))
		goto fail;
	pd->end = saved_end;

	return 0;
fail:
	pd->end = saved_end;
	return -1;
}

/* ---- records ----------------------------------------------------------- */

/* the attr of a sample, NULL = skip it; *cpu from ID_INDEX or -1 */
static inline const struct pd_attr *pd_sample_attr(struct perfdata *pd,
						   const unsigned char *p,
						   uint32_t size, int32_t *cpu)
{
	const struct pd_id *e;
	struct pd_idc *c;
	uint64_t id;

	*cpu = -1;
	if (!pd->id_off || !pd->nids || pd->id_off + 8 > size)
		/* a single attr needs no id */
		return pd->nattrs == 1 ? &pd->attrs[0] : NULL;
	id = ld64(p + pd->id_off);
	c = &pd->idc[id & (PD_IDC - 1)];
	if (c->a && c->id == id) {
		*cpu = c->cpu;
		return c->a;
	}
	e = pd_id_find(pd, id);
	if (!e)
		return pd->nattrs == 1 ? &pd->attrs[0] : NULL;
	c->id = id;
	c->a = &pd->attrs[e->slot - 1];
	c->cpu = e->cpu;
	*cpu = e->cpu;
	return c->a;
}

/* full walk of a sample up to RAW, for layouts with variable fields */
static int pd_sample_slow(struct perfdata *pd, const struct pd_attr *a,
			  const unsigned char *p, uint32_t size,
			  struct pp_record *rec, char *err, size_t errlen)
{
	uint64_t st = a->sample_type;
	uint32_t off = 8;

#define NEED(n) do { if ((uint64_t)off + (n) > size) goto short_; } while (0)
	if (st & PERF_SAMPLE_IDENTIFIER)
		off += 8;
	if (st & PERF_SAMPLE_IP)
		off += 8;
	if (st & PERF_SAMPLE_TID) {
		NEED(8);
		rec->pid = ld32(p + off);
		rec->tid = ld32(p + off + 4);
		off += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		NEED(8);
		rec->time = ld64(p + off);
		off += 8;
	}
	if (st & PERF_SAMPLE_ADDR)
		off += 8;
	if (st & PERF_SAMPLE_ID)
		off += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		off += 8;
	if (st & PERF_SAMPLE_CPU) {
		NEED(8);
		rec->cpu = ld32(p + off);
		rec->buf = (int32_t)rec->cpu;
		off += 8;
	}
	if (st & PERF_SAMPLE_PERIOD)
		off += 8;
	if (st & PERF_SAMPLE_READ) {
		uint64_t rf = a->read_format;
		uint64_t per = 8 + ((rf & PERF_FORMAT_ID) ? 8 : 0) +
			       ((rf & PERF_FORMAT_LOST) ? 8 : 0);

		if (rf & PERF_FORMAT_GROUP) {
			uint64_t nr;

			NEED(8);
			nr = ld64(p + off);
			off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
				off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
				off += 8;
			if (nr > size / per)
				goto short_;
			NEED(nr * per);
			off += (uint32_t)(nr * per);
		} else {
			off += (uint32_t)per;
			if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
				off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
				off += 8;
		}
	}
	if (st & PERF_SAMPLE_CALLCHAIN) {
		uint64_t nr;

		NEED(8);
		nr = ld64(p + off);
		off += 8;
		if (nr > size / 8)
			goto short_;
		NEED(nr * 8);
		off += (uint32_t)(nr * 8);
	}
	if (st & PERF_SAMPLE_RAW) {
		uint32_t rs;

		NEED(4);
		rs = ld32(p + off);
		off += 4;
		if ((uint64_t)off + rs > size) {
			pd_err(pd, err, errlen, pd_off(pd),
			       "sample raw data size %u runs past the record (size %u)",
			       rs, size);
			return -1;
		}
		rec->raw = p + off;
		rec->raw_size = rs;
	}
	return 0;
short_:
	pd_err(pd, err, errlen, pd_off(pd),
	       "sample size %u is too short for its sample_type 0x%llx",
	       size, (unsigned long long)st);
	return -1;
#undef NEED
}

/*
 * Decode the sample at @p into @rec: 1 done, 0 not one of ours (skip it),
 * -1 bad record.  Inline: the batch reader's loop is this and little else.
 */
static inline __attribute__((always_inline))
int pd_decode_sample(struct perfdata *pd, const unsigned char *p, uint32_t size,
		     struct pp_record *restrict rec, char *err, size_t errlen)
{
	const struct pd_attr *a;
	int32_t cpu;

	a = pd_sample_attr(pd, p, size, &cpu);
	if (!a) {
		pd->nunknown++;
		return 0;
	}
	if (!a->is_tp)
		return 0;
	rec->type = PP_REC_SAMPLE;
	rec->lost = 0;
	if (a->fast && a->need > size) {
		pd_err(pd, err, errlen, pd_off(pd),
		       "sample size %u is too short for its sample_type 0x%llx",
		       size, (unsigned long long)a->sample_type);
		return -1;
	}
	if (a->full) {
		/* perf record's and perf kvm stat record's layout */
		uint32_t rs = ld32(p + a->off_raw);

		if (rs > size - a->need)
			goto raw_err;
		rec->pid = ld32(p + a->off_tid);
		rec->tid = ld32(p + a->off_tid + 4);
		rec->time = ld64(p + a->off_time);
		rec->cpu = ld32(p + a->off_cpu);
		rec->buf = (int32_t)rec->cpu;
		rec->raw_size = rs;
		rec->raw = p + a->need;
		return 1;
	}
	rec->buf = cpu;
	rec->cpu = (uint32_t)cpu;
	if (a->fast) {
		uint32_t need = a->need;

		if (a->off_tid) {
			rec->pid = ld32(p + a->off_tid);
			rec->tid = ld32(p + a->off_tid + 4);
		} else {
			rec->pid = rec->tid = UINT32_MAX;
		}
		rec->time = a->off_time ? ld64(p + a->off_time) : 0;
		if (a->off_cpu) {
			rec->cpu = ld32(p + a->off_cpu);
			rec->buf = (int32_t)rec->cpu;
		}
		if (a->off_raw) {
			uint32_t rs = ld32(p + a->off_raw);

			if (rs > size - need)
				goto raw_err;
			rec->raw_size = rs;
			rec->raw = p + need;
		} else {
			rec->raw_size = 0;
			rec->raw = NULL;
		}
		return 1;
	}
	rec->pid = rec->tid = UINT32_MAX;
	rec->time = 0;
	rec->raw_size = 0;
	rec->raw = NULL;
	return pd_sample_slow(pd, a, p, size, rec, err, errlen) ? -1 : 1;
raw_err:
	pd_err(pd, err, errlen, pd_off(pd),
	       "sample raw data size %u runs past the record (size %u)",
	       ld32(p + a->off_raw), size);
	return -1;
}

/* LOST / THROTTLE: the sample_id_all trailer of the attr of @id */
static void pd_trailer(struct perfdata *pd, const unsigned char *p,
		       uint32_t size, uint32_t body, int have_id, uint64_t id,
		       struct pp_record *rec)
{
	const struct pd_attr *a = NULL;
	const struct pd_id *e = have_id ? pd_id_find(pd, id) : NULL;
	uint64_t st;
	uint32_t off;

	if (e) {
		a = &pd->attrs[e->slot - 1];
		rec->buf = e->cpu;
		if (e->cpu >= 0)
			rec->cpu = (uint32_t)e->cpu;
	} else if (pd->nattrs && pd->uniform) {
		a = &pd->attrs[0];
	}
	if (!a || !a->sample_id_all || !a->trailer ||
	    (uint64_t)body + a->trailer > size)
		return;
	st = a->sample_type;
	off = size - a->trailer;
	if (st & PERF_SAMPLE_TID) {
		rec->pid = ld32(p + off);
		rec->tid = ld32(p + off + 4);
		off += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		if (!rec->time)
			rec->time = ld64(p + off);
		off += 8;
	}
	if (st & PERF_SAMPLE_ID)
		off += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		off += 8;
	if (st & PERF_SAMPLE_CPU) {
		rec->cpu = ld32(p + off);
		rec->buf = (int32_t)rec->cpu;
	}
}

static void pd_id_index(struct perfdata *pd, const unsigned char *p,
			uint32_t size)
{
	uint64_t nr, i;

	if (size < 16)
		return;
	nr = ld64(p + 8);
	if (nr > (size - 16) / 32)
		nr = (size - 16) / 32;
	for (i = 0; i < nr; i++) {
		const unsigned char *q = p + 16 + 32 * i;
		struct pd_id *e = pd_id_find(pd, ld64(q));
		uint64_t cpu = ld64(q + 16);

		if (e && cpu < INT32_MAX)
			e->cpu = (int32_t)cpu;
	}
	memset(pd->idc, 0, sizeof(pd->idc));
}

static int pd_header_attr(struct perfdata *pd, const unsigned char *p,
			  uint32_t size, char *err, size_t errlen)
{
	uint64_t off = pd_off(pd);
	uint32_t asz, nids, i;
	int idx;

	if (size < 8 + PD_ATTR_VER0) {
		pd_err(pd, err, errlen, off, "attr record size %u is too small",
		       size);
		return -1;
	}
	asz = ld32(p + 8 + 4);
	if (!asz)
		asz = PD_ATTR_VER0;
	if (asz < PD_ATTR_VER0 || asz > size - 8u) {
		pd_err(pd, err, errlen, off,
		       "attr size %u does not fit its record (size %u)", asz, size);
		return -1;
	}
	idx = pd_attr_add(pd, p + 8, off, err, errlen);
	if (idx < 0)
		return -1;
	nids = (size - 8 - asz) / 8;
	for (i = 0; i < nids; i++)
		if (pd_id_add(pd, ld64(p + 8 + asz + 8 * i), (unsigned)idx, off,
			      err, errlen))
			return -1;
	if (pd->id_bad) {
		pd_err(pd, err, errlen, off,
		       "%s", pd->id_off ?
		       "event attrs disagree on where samples keep their id" :
		       "several event attrs, but samples carry no id");
		return -1;
	}
	return 0;
}

static int pd_next(struct perfdata *pd, struct pp_record *rec,
		   char *err, size_t errlen)
{
	for (;;) {
		const unsigned char *p;
		uint32_t type, size;
		int r;

		if (pd->len - pd->pos < 8) {
			r = pd_fill(pd, 8, err, errlen);
			if (r < 0)
				return -1;
			if (!r) {
				if (pd->len == pd->pos)
					return 0;
				pd_err(pd, err, errlen, pd_off(pd),
				       "truncated record header (%zu bytes left)",
				       pd->len - pd->pos);
				return -1;
			}
		}
		p = pd->buf + pd->pos;
		type = ld32(p);
		size = ld16(p + 6);
		if (size < 8) {
			pd_err(pd, err, errlen, pd_off(pd),
			       "record size %u is invalid", size);
			return -1;
		}
		if (pd->len - pd->pos < size) {
			r = pd_fill(pd, size, err, errlen);
			if (r < 0)
				return -1;
			if (!r) {
				pd_err(pd, err, errlen, pd_off(pd),
				       "truncated record: type %u size %u, only %zu bytes left",
				       type, size, pd->len - pd->pos);
				return -1;
			}
			p = pd->buf + pd->pos;
		}
		/* perfdata_offset()'s answer if this record is returned */
		pd->rec_off = pd_off(pd);

		switch (type) {
		case PERF_RECORD_SAMPLE:
			r = pd_decode_sample(pd, p, size, rec, err, errlen);
			if (r < 0)
				return -1;
			if (!r)
				break;
			pd->buf_held = 1;
			pd->pos += size;
			return 1;
		case PERF_RECORD_LOST:
		case PERF_RECORD_LOST_SAMPLES:
		case PERF_RECORD_THROTTLE: {
			uint32_t body = type == PERF_RECORD_LOST ? 24 :
					type == PERF_RECORD_THROTTLE ? 32 : 16;

			if (size < body) {
				pd_err(pd, err, errlen, pd_off(pd),
				       "record type %u size %u is too small",
				       type, size);
				return -1;
			}
			memset(rec, 0, sizeof(*rec));
			rec->buf = -1;
			rec->cpu = rec->pid = rec->tid = UINT32_MAX;
			if (type == PERF_RECORD_LOST) {
				uint64_t before = pd_lost_total(pd);

				pd->lost_sum += ld64(p + 16);
				rec->type = PP_REC_LOST;
				rec->lost = pd_lost_total(pd) - before;
				pd_trailer(pd, p, size, body, 1, ld64(p + 8), rec);
			} else if (type == PERF_RECORD_LOST_SAMPLES) {
				uint64_t before = pd_lost_total(pd);

				pd->lost_samples_sum += ld64(p + 8);
				if (pd_lost_total(pd) == before)
					break;	/* reported by LOST records already */
				rec->type = PP_REC_LOST;
				rec->lost = pd_lost_total(pd) - before;
				int idf = pd->nattrs &&
					  (pd->attrs[0].sample_type & PERF_SAMPLE_IDENTIFIER) &&
					  pd->attrs[0].sample_id_all;

				pd_trailer(pd, p, size, body, idf,
					   idf ? ld64(p + size - 8) : 0, rec);
			} else {
				rec->type = PP_REC_THROTTLE;
				rec->time = ld64(p + 8);
				pd_trailer(pd, p, size, body, 1, ld64(p + 16), rec);
			}
			pd->pos += size;
			return 1;
		}
		case PERF_RECORD_SWITCH:
		case PERF_RECORD_SWITCH_CPU_WIDE: {
			/* perf record --switch-events: the trailer's tid switched */
			uint32_t body = type == PERF_RECORD_SWITCH ? 8 : 16;
			int idf = pd->nattrs &&
				  (pd->attrs[0].sample_type & PERF_SAMPLE_IDENTIFIER) &&
				  pd->attrs[0].sample_id_all && size >= body + 8;

			memset(rec, 0, sizeof(*rec));
			rec->buf = -1;
			rec->cpu = rec->pid = rec->tid = UINT32_MAX;
			rec->type = (ld16(p + 4) & PERF_RECORD_MISC_SWITCH_OUT) ?
				    PP_REC_SWITCH_OUT : PP_REC_SWITCH_IN;
			pd_trailer(pd, p, size, body, idf, idf ? ld64(p + size - 8) : 0, rec);
			pd->pos += size;
			if (rec->tid == UINT32_MAX || !rec->time)
				continue;	/* no sample_id_all: says nothing usable */
			return 1;
		}
		case PD_REC_FINISHED_ROUND:
			memset(rec, 0, sizeof(*rec));
			rec->type = PP_REC_ROUND;
			rec->buf = -1;
			rec->cpu = rec->pid = rec->tid = UINT32_MAX;
			pd->pos += size;
			return 1;
		case PD_REC_HEADER_ATTR:
			if (pd_header_attr(pd, p, size, err, errlen))
				return -1;
			break;
		case PD_REC_ID_INDEX:
			pd_id_index(pd, p, size);
			break;
		case PD_REC_HEADER_TRACING_DATA: {
			uint32_t tsize;

			if (size < 16) {
				pd_err(pd, err, errlen, pd_off(pd),
				       "tracing data record size %u is too small",
				       size);
				return -1;
			}
			tsize = ld32(p + 8);
			pd->pos += size;
			if (pd_parse_tracing(pd, tsize, err, errlen))
				return -1;
			continue;
		}
		case PD_REC_AUXTRACE: {
			uint64_t asize;

			if (size < 16) {
				pd_err(pd, err, errlen, pd_off(pd),
				       "auxtrace record size %u is too small", size);
				return -1;
			}
			asize = ld64(p + 8);
			pd->pos += size;
			if (asize > pd->end - pd_off(pd)) {
				pd_err(pd, err, errlen, pd_off(pd) - size,
				       "auxtrace data size %llu runs past the data",
				       (unsigned long long)asize);
				return -1;
			}
			if (pd_take(pd, NULL, asize, "auxtrace data", err, errlen))
				return -1;
			continue;
		}
		case PD_REC_COMPRESSED:
			pd_err(pd, err, errlen, pd_off(pd),
			       "compressed records (perf record -z) are not supported");
			return -1;
		default:
			break;
		}
		pd->pos += size;
	}
}

/* ---- open -------------------------------------------------------------- */

static int pd_open_file(struct perfdata *pd, const unsigned char *h,
			uint64_t hsize, uint64_t fsize, char *err, size_t errlen)
{
	uint64_t attr_sz = ld64(h + 16);
	uint64_t attrs_off = ld64(h + 24), attrs_size = ld64(h + 32);
	uint64_t data_off = ld64(h + 40), data_size = ld64(h + 48);
	uint64_t nattrs, i;
	unsigned char *ab = NULL;

	if (attr_sz < PD_ATTR_VER0 + 16 || attr_sz > 4096 + 16) {
		pd_err(pd, err, errlen, 16, "attr entry size %llu is invalid",
		       (unsigned long long)attr_sz);
		return -1;
	}
	if (attrs_off > fsize || attrs_size > fsize - attrs_off) {
		pd_err(pd, err, errlen, 24,
		       "attr section (offset %llu, size %llu) is past the end of the file (%llu bytes)",
		       (unsigned long long)attrs_off,
		       (unsigned long long)attrs_size,
		       (unsigned long long)fsize);
		return -1;
	}
	if (attrs_size % attr_sz) {
		pd_err(pd, err, errlen, 32,
		       "attr section size %llu is not a multiple of the attr entry size %llu",
		       (unsigned long long)attrs_size,
		       (unsigned long long)attr_sz);
		return -1;
	}
	if (data_off > fsize || data_size > fsize - data_off) {
		pd_err(pd, err, errlen, 40,
		       "data section (offset %llu, size %llu) is past the end of the file (%llu bytes)",
		       (unsigned long long)data_off,
		       (unsigned long long)data_size,
		       (unsigned long long)fsize);
		return -1;
	}
	nattrs = attrs_size / attr_sz;
	if (nattrs > PD_MAX_ATTRS) {
		pd_err(pd, err, errlen, 32, "more than %u event attrs",
		       PD_MAX_ATTRS);
		return -1;
	}
	ab = malloc(attr_sz);
	if (!ab) {
		pd_err(pd, err, errlen, attrs_off, "out of memory");
		return -1;
	}
	for (i = 0; i < nattrs; i++) {
		uint64_t off = attrs_off + i * attr_sz;
		uint64_t ids_off, ids_size, j;
		uint32_t asz;
		int idx;

		if (pd_seek(pd, off, off + attr_sz, err, errlen) ||
		    pd_take(pd, ab, attr_sz, "attr", err, errlen))
			goto fail;
		asz = ld32(ab + 4);
		if (!asz)
			asz = PD_ATTR_VER0;
		if (asz != attr_sz - 16) {
			pd_err(pd, err, errlen, off + 4,
			       "attr size %u does not match the attr entry size %llu",
			       asz, (unsigned long long)attr_sz);
			goto fail;
		}
		idx = pd_attr_add(pd, ab, off, err, errlen);
		if (idx < 0)
			goto fail;
		ids_off = ld64(ab + asz);
		ids_size = ld64(ab + asz + 8);
		if (ids_off > fsize || ids_size > fsize - ids_off ||
		    ids_size % 8) {
			pd_err(pd, err, errlen, off + asz,
			       "attr ids (offset %llu, size %llu) are past the end of the file or misaligned",
			       (unsigned long long)ids_off,
			       (unsigned long long)ids_size);
			goto fail;
		}
		if (ids_size / 8 > PD_MAX_IDS) {
			pd_err(pd, err, errlen, off + asz, "more than %u sample ids",
			       PD_MAX_IDS);
			goto fail;
		}
		if (pd_seek(pd, ids_off, ids_off + ids_size, err, errlen))
			goto fail;
		for (j = 0; j < ids_size / 8; j++) {
			uint64_t id;

			if (pd_take(pd, &id, 8, "attr ids", err, errlen) ||
			    pd_id_add(pd, id, (unsigned)idx, ids_off + 8 * j,
				      err, errlen))
				goto fail;
		}
	}
	free(ab);
	ab = NULL;
	if (pd->id_bad) {
		pd_err(pd, err, errlen, attrs_off,
		       "%s", pd->id_off ?
		       "event attrs disagree on where samples keep their id" :
		       "several event attrs, but samples carry no id");
		return -1;
	}

	/* feature sections follow the data; find the tracing data */
	if (hsize >= PD_FILE_HDR_SIZE) {
		const unsigned char *bits = h + 72;
		uint64_t feat_off = data_off + data_size;

		if ((bits[PD_FEAT_TRACING_DATA / 8] >> (PD_FEAT_TRACING_DATA % 8)) & 1) {
			unsigned idx = (bits[0] & 1);	/* bits below 1 */
			unsigned char sec[16];
			uint64_t toff, tsize, at = feat_off + 16 * idx;

			if (at > fsize || fsize - at < 16) {
				pd_err(pd, err, errlen, at,
				       "feature section table is past the end of the file (%llu bytes)",
				       (unsigned long long)fsize);
				return -1;
			}
			if (pd_seek(pd, at, at + 16, err, errlen) ||
			    pd_take(pd, sec, 16, "feature table", err, errlen))
				return -1;
			toff = ld64(sec);
			tsize = ld64(sec + 8);
			if (toff > fsize || tsize > fsize - toff) {
				pd_err(pd, err, errlen, at,
				       "tracing data section (offset %llu, size %llu) is past the end of the file (%llu bytes)",
				       (unsigned long long)toff,
				       (unsigned long long)tsize,
				       (unsigned long long)fsize);
				return -1;
			}
			if (pd_seek(pd, toff, toff + tsize, err, errlen) ||
			    pd_parse_tracing(pd, tsize, err, errlen))
				return -1;
		}
	}

	return pd_seek(pd, data_off, data_off + data_size, err, errlen);
fail:
	free(ab);
	return -1;
}

struct perfdata *perfdata_open(const char *path, bool (*stopping)(void), char *err,
			       size_t errlen)
{
	struct perfdata *pd;
	unsigned char h[PD_FILE_HDR_SIZE];
	struct stat st;
	uint64_t magic, hsize, fsize;
	int r;

	if (err && errlen)
		err[0] = 0;
	pd = calloc(1, sizeof(*pd));
	if (!pd) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	pd->stopping = stopping;
	pd->path = strdup(path);
	pd->buf = malloc(PD_BUFSZ);
	pd->fd = -1;
	if (!pd->path || !pd->buf) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (!strcmp(path, "-")) {
		pd->fd = 0;
	} else {
		pd->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (pd->fd < 0) {
			if (err && errlen)
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		pd->own_fd = 1;
	}
	if (fstat(pd->fd, &st)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	pd->end = UINT64_MAX;

	r = pd_fill(pd, 16, err, errlen);
	if (r < 0)
		goto fail;
	if (pd->len == 0) {
		pd_err(pd, err, errlen, 0, "empty file, not a perf.data file");
		goto fail;
	}
	if (pd->len >= 8) {
		magic = ld64(pd->buf);
		if (magic == PD_MAGIC_SWAP) {
			pd_err(pd, err, errlen, 0,
			       "big-endian perf.data is not supported");
			goto fail;
		}
		if (magic == PD_MAGIC_V1) {
			pd_err(pd, err, errlen, 0,
			       "perf.data version 1 (PERFFILE) is not supported");
			goto fail;
		}
	}
	if (pd->len < 8 || ld64(pd->buf) != PD_MAGIC) {
		pd_err(pd, err, errlen, 0, "not a perf.data file (bad magic)");
		goto fail;
	}
	if (!r) {
		pd_err(pd, err, errlen, 8, "truncated header (file has %zu bytes)",
		       pd->len);
		goto fail;
	}
	hsize = ld64(pd->buf + 8);
	if (hsize == PD_PIPE_HDR_SIZE) {
		pd->pipe = 1;
		pd->pos = PD_PIPE_HDR_SIZE;
		pd->pending = pd_next(pd, &pd->pend, pd->pend_err,
				      sizeof(pd->pend_err));
		if (pd->pending < 0 && !pd->pend_err[0])
			pd_err(pd, pd->pend_err, sizeof(pd->pend_err),
			       pd_off(pd), "read failed");

		return pd;
	}
	if (hsize != PD_FILE_HDR_SIZE && hsize != PD_FILE_HDR_OLD) {
		pd_err(pd, err, errlen, 8, "header size %llu is invalid",
		       (unsigned long long)hsize);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		pd_err(pd, err, errlen, 0,
		       "a file-mode perf.data must be a regular file (pipes carry pipe mode)");
		goto fail;
	}
	fsize = (uint64_t)st.st_size;
	r = pd_fill(pd, hsize, err, errlen);
	if (r < 0)
		goto fail;
	if (!r) {
		pd_err(pd, err, errlen, pd->len,
		       "truncated header: %llu bytes expected, file has %zu",
		       (unsigned long long)hsize, pd->len);
		goto fail;
	}
	memset(h, 0, sizeof(h));
	memcpy(h, pd->buf, hsize);
	pd->pending = 2;	/* nothing pending */
	if (pd_open_file(pd, h, hsize, fsize, err, errlen))
		goto fail;
	return pd;
fail:
	perfdata_close(pd);
	return NULL;
}

void perfdata_hold(struct perfdata *pd)
{
	pd->hold = 1;
}

uint64_t perfdata_offset(const struct perfdata *pd)
{
	return pd->rec_off;
}

uint64_t perfdata_held_bytes(const struct perfdata *pd)
{
	return (uint64_t)(1 + pd->nretired + pd->npool) * PD_BUFSZ;
}

void perfdata_release(struct perfdata *pd, uint64_t off)
{
	unsigned n = 0, i;

	while (n < pd->nretired && pd->retired[n].end <= off) {
		unsigned char *m = pd->retired[n++].mem;

		if (pd->npool < PD_POOL)
			pd->pool[pd->npool++] = m;
		else
			free(m);
	}
	if (!n)
		return;
	for (i = n; i < pd->nretired; i++)
		pd->retired[i - n] = pd->retired[i];
	pd->nretired -= n;
}

uint64_t perfdata_unknown_ids(const struct perfdata *pd)
{
	return pd->nunknown;
}

bool perfdata_has_switches(const struct perfdata *pd)
{
	uint32_t i;

	for (i = 0; i < (uint32_t)pd->nattrs; i++)
		if (pd->attrs[i].context_switch && pd->attrs[i].sample_id_all)
			return true;
	return false;
}

struct tep_handle *perfdata_tep(struct perfdata *pd)
{
	return pd ? pd->tep : NULL;
}

int perfdata_next(struct perfdata *pd, struct pp_record *rec, char *err,
		  size_t errlen)
{
	int r;

	if (pd->pipe && pd->pending != 2) {
		r = pd->pending;
		if (r > 0) {
			*rec = pd->pend;
			pd->pending = 2;
		} else {
			/* end or error: stays so */
			if (r < 0 && err && errlen)
				snprintf(err, errlen, "%s", pd->pend_err);
		}
		return r;
	}
	r = pd_next(pd, rec, err, errlen);
	if (r <= 0 && pd->pipe) {
		/* remember the end so further calls repeat it */
		pd->pending = r;
		if (r < 0 && err)
			snprintf(pd->pend_err, sizeof(pd->pend_err), "%s", err);
	}
	return r;
}

int perfdata_next_batch(struct perfdata *pd, struct pp_record *restrict recs,
			uint64_t *restrict offs, int max, char *err, size_t errlen)
{
	const unsigned char *const buf = pd->buf;
	const size_t len = pd->len;
	size_t pos = pd->pos;
	int n = 0, r;

	/*
	 * The common case, a run of samples already in the buffer, without
	 * a call per record; anything else goes through perfdata_next().
	 * pd->pos is kept in a register and written back.
	 */
	if (pd->pending != 2)
		max = 0;
	while (n < max && len - pos >= 8) {
		const unsigned char *p = buf + pos;
		uint64_t hdr = ld64(p);
		uint32_t size = (uint32_t)(hdr >> 48);

		if ((uint32_t)hdr != PERF_RECORD_SAMPLE || size < 8 || size > len - pos)
			break;
		pd->pos = pos;	/* for the offset in an error message */
		r = pd_decode_sample(pd, p, size, &recs[n], err, errlen);
		if (r < 0)
			return -1;
		if (r)
			offs[n++] = pd->buf_off + pos;
		pos += size;
	}
	pd->pos = pos;
	if (n) {
		pd->buf_held = 1;
		pd->rec_off = offs[n - 1];
		return n;
	}
	r = perfdata_next(pd, &recs[0], err, errlen);
	offs[0] = pd->rec_off;
	return r;
}

void perfdata_close(struct perfdata *pd)
{
	if (!pd)
		return;
	if (pd->own_fd && pd->fd >= 0)
		close(pd->fd);
	if (pd->tep)
		tep_free(pd->tep);
	free(pd->attrs);
	free(pd->ids);
	free(pd->buf);
	while (pd->nretired)
		free(pd->retired[--pd->nretired].mem);
	free(pd->retired);
	while (pd->npool)
		free(pd->pool[--pd->npool]);
	free(pd->path);
	free(pd);
}
