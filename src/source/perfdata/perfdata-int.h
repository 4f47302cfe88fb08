/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the perf.data reader (include/perf-prof/perfdata.h is its face):
 * the reader's state and what its files share.  By concern:
 *   errors.c   error lines: "PATH: offset N: " and what
 *   input.c    the buffered input: reads, seeks, the pool of retired
 *              buffers that hold mode keeps
 *   attrs.c    event attrs, their sample ids and layouts (header section
 *              or in-stream HEADER_ATTR records), the ID_INDEX
 *   header.c   opening: magic, file header, attr section, features
 *   tracing.c  the tracing data: event formats into libtraceevent
 *   decode.h   a sample decoded (inline, for the per-record loops);
 *              decode.c says why one is bad
 *   records.c  the data: records decoded into pp_records, one or a batch
 *   sorted.c   sorted mode: a file mapped, its buffers merged by time in place
 *   pipe.c     pipe mode: the stream `perf record -o -` writes
 *   decomp.c   `perf record -z`: compressed records, decompressed as a stream
 *   datafile.c `perf record --threads`: a data file of the directory
 *
 * Names: pd_* are shared by these files only; perfdata_* is the face.
 *
 * Everything a file says is checked before use: a bad file yields a
 * one-line "PATH: offset N: what" message, never a crash, a hang or an
 * allocation sized by the file beyond fixed caps.
 */
#ifndef PERF_PROF_PERFDATA_INT_H
#define PERF_PROF_PERFDATA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <perf-prof/bytes.h>
#include <perf-prof/perfdata.h>
#include <perf-prof/sample.h>

#define PD_BUFSZ	(256u << 10)	/* read buffer */
#define PD_MAX_ATTRS	4096		/* attrs per recording */
#define PD_MAX_IDS	(1u << 18)	/* sample ids over all attrs */
#define PD_MAX_FORMAT	(1u << 20)	/* one event format file */
#define PD_MAX_HDRPAGE	(1u << 16)	/* header_page format */
#define PD_MAX_FORMATS	16384		/* event formats in tracing data */
#define PD_MAX_FMT_TOTAL (32u << 20)	/* their total size */

#define PD_ATTR_VER0		64	/* the first struct perf_event_attr */

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
	PD_REC_COMPRESSED2		= 83,	/* perf 6.15+: 8-byte aligned */
};

/* header features read (tools/perf/util/header.h) */
enum {
	PD_FEAT_TRACING_DATA	= 1,
	PD_FEAT_DIR_FORMAT	= 24,
	PD_FEAT_COMPRESSED	= 27,
};

#define PD_COMP_ZSTD	1	/* HEADER_COMPRESSED's type of perf's only compressor */

/*
 * Where records are read from: the file (or stream), or the data that
 * compressed records decompress to.  Decompressed bytes are numbered from
 * PD_ZBASE on, so that a record's position (its seq in the engine's merge)
 * rises in read order within each kind and hold mode retires both kinds of
 * buffer by position alike.
 */
#define PD_ZBASE	(1ULL << 62)

struct pd_cursor {
	unsigned char *buf;
	size_t pos, len;
	uint64_t buf_off, end;
	int eof, buf_held;
};

struct pd_decomp;

struct pd_attr {
	uint32_t type;
	uint32_t is_tp;
	uint64_t config;		/* a tracepoint's: its event id, its samples' common_type */
	uint32_t used;			/* the run reads its samples (perfdata_use()) */
	uint32_t context_switch;	/* recorded with --switch-events */
	struct sample_layout lay;	/* where its samples keep their fields */
};

/* a retired read buffer: it holds the file's bytes before @end */
struct pd_chunk {
	unsigned char *mem;
	uint64_t end;
};

#define PD_POOL	4	/* spare buffers kept for reuse */
/*
 * The id cache is direct-mapped by the id's low bits, with room for
 * twice the recording's ids up to PD_IDC_MAX entries: perf hands ids out
 * in sequence, so perf kvm stat's 5 events on up to 400 CPUs hit without
 * a probe.  A directory's data file (one CPU's ring) keeps the first 64.
 */
#define PD_IDC_MIN	64
#define PD_IDC_MAX	4096

struct pd_id {
	uint64_t id;
	uint32_t slot;		/* attr index + 1, 0 = empty */
	int32_t cpu;		/* from ID_INDEX, -1 unknown */
};

struct perfdata {
	/*
	 * A data file of a perf record --threads directory (datafile.c): the
	 * reader of the directory's header file, whose attrs, ids, formats
	 * and loss counts it shares (it frees none of them).  NULL otherwise.
	 */
	struct perfdata *head;
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
		/* a's, read without following a: */
		uint16_t config;	/* a tracepoint's common_type */
		uint8_t tp;		/* a is a tracepoint (0 when empty) */
		uint8_t used;		/* the run reads it (perfdata_use() empties the cache) */
	} *idc, idc_min[PD_IDC_MIN];	/* idc: idc_min or its own, idc_mask + 1 entries */
	uint32_t idc_mask;
	uint32_t id_off;	/* the common sample id position, 0 = none */
	int id_bad;		/* attrs disagree on the position */
	int uniform;		/* all attrs have one sample_id_all layout */

	struct tep_handle *tep;

	/* features of the header (file mode) */
	uint32_t comp_type;	/* HEADER_COMPRESSED: PD_COMP_ZSTD, 0 = not said */
	uint32_t comp_mmap_len;
	int dir_format;		/* HEADER_DIR_FORMAT: the header file of a directory */

	/* perf record -z: the decompressor, NULL until a compressed record */
	struct pd_decomp *z;
	int in_z;		/* records come from decompressed data now */
	uint64_t z_cut_tail;	/* at the end: bytes of a record the compressed data cut */
	uint64_t z_rec_off;	/* file offset of the compressed record being read */
	uint64_t z_held;	/* bytes the decompressor holds */

	/* pipe mode: the first record, read by perfdata_open() */
	int pending;		/* 1 record, 0 end, -1 error, 2 nothing pending */
	struct pp_record pend;
	char pend_err[256];

	struct pd_comms *comms;	/* thread names (comm.c), the head's for a data file */
	/* sorted mode (sorted.c): buf is the mapped data section, read in place */
	int mapped;
	struct pd_sort *sort;

	bool (*stopping)(void);	/* set: a read interrupted by a signal gives up */
	uint64_t nunknown;	/* samples whose id matched no attr */
	unsigned nformats;	/* formats parsed so far, and their bytes */
	uint64_t fmt_bytes;
};

/* ---- comm.c: thread names from COMM and FORK records */

/* note the thread name a COMM record (or the parent's, for FORK) at @p gives; a bad one is skipped */
void pd_comm_record(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size);
/* free the names noted */
void pd_comm_free(struct perfdata *pd);

/* ---- errors.c */

/*
 * "PATH: offset @off: " and the message into @err; an offset in
 * decompressed data names its compressed record and the byte in it
 */
void pd_err(const struct perfdata *pd, char *err, size_t errlen, uint64_t off,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- input.c */

/* file offset of the next unread byte */
static inline uint64_t pd_off(const struct perfdata *pd)
{
	return pd->buf_off + pd->pos;
}

/* start reading at @off, up to @end (UINT64_MAX: to EOF) */
int pd_seek(struct perfdata *pd, uint64_t off, uint64_t end, char *err, size_t errlen);
/*
 * Make @need bytes (<= PD_BUFSZ) available at buf + pos.  Returns 1 if
 * they are, 0 if the section or file ended first, -1 on a read error.
 */
int pd_fill(struct perfdata *pd, size_t need, char *err, size_t errlen);
/* copy @n bytes (any size) to @dst, or skip them if @dst is NULL */
int pd_take(struct perfdata *pd, void *dst, uint64_t n, const char *what, char *err,
	    size_t errlen);

/* ---- attrs.c */

static inline unsigned pd_hash(uint64_t id, unsigned mask)
{
	id *= 0x9e3779b97f4a7c15ULL;
	return (unsigned)(id >> 32) & mask;
}

/* the entry of sample id @id, NULL if no attr declared it */
static inline struct pd_id *pd_id_find(const struct perfdata *pd, uint64_t id)
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

/* the id cache emptied: attrs moved, or what the cache copies of them changed */
void pd_idc_clear(struct perfdata *pd);
/*
 * Map sample id @id to attr @attr (a known id is mapped again); 0, or -1 +
 * "offset @off" message past PD_MAX_IDS.
 */
int pd_id_add(struct perfdata *pd, uint64_t id, unsigned attr, uint64_t off, char *err,
	      size_t errlen);
/*
 * Add one attr from @p (a struct perf_event_attr, already checked to be
 * at least PD_ATTR_VER0 bytes).  Returns its index or -1.
 */
int pd_attr_add(struct perfdata *pd, const unsigned char *p, uint64_t off, char *err,
		size_t errlen);
/* -1 + message when the attrs disagree on where samples keep their id */
int pd_check_ids(struct perfdata *pd, uint64_t off, char *err, size_t errlen);
/* PERF_RECORD_HEADER_ATTR (pipe mode): an attr and its ids */
int pd_header_attr(struct perfdata *pd, const unsigned char *p, uint32_t size, char *err,
		   size_t errlen);
/* PERF_RECORD_ID_INDEX: the CPU of each sample id */
void pd_id_index(struct perfdata *pd, const unsigned char *p, uint32_t size);

/* ---- header.c */

/* a reader of @path, its file open and *@st filled; NULL + message */
struct perfdata *pd_new(const char *path, bool (*stopping)(void), struct stat *st, char *err,
			size_t errlen);


/* ---- tracing.c */

/*
 * Parse the tracing data (tools/perf/util/trace-event-read.c layout) of
 * @size bytes at the current position; consumes exactly @size bytes.
 */
int pd_parse_tracing(struct perfdata *pd, uint64_t size, char *err, size_t errlen);

/* ---- records.c */

/* the next record of interest (as perfdata_next()), without pipe mode's pending one */
int pd_next(struct perfdata *pd, struct pp_record *rec, char *err, size_t errlen);
/* pipe mode, after its 16-byte header: read ahead to the first record */
void pd_open_pipe(struct perfdata *pd);
/* what perfdata_next() returns while pipe mode has a record, an end or an error pending */
int pd_pipe_pending(struct perfdata *pd, struct pp_record *rec, char *err, size_t errlen);

/* ---- decomp.c */

/*
 * A COMPRESSED or COMPRESSED2 record at @p: its data is fed to the
 * stream's decompressor and records are read from what it yields, until
 * it yields no whole record more; a record cut at the end of one
 * compressed record continues in the next (perf's rule).  0, or -1.
 */
int pd_z_enter(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size,
	       char *err, size_t errlen);
/* decompressed data: make @need bytes available (as pd_fill), 0 when the record's data ran out */
int pd_z_fill(struct perfdata *pd, size_t need, char *err, size_t errlen);
/* back to the file's records (the bytes of a cut record are kept) */
void pd_z_leave(struct perfdata *pd);
/* at the end of the data: the bytes of a record cut at the end of the compressed data */
void pd_z_end(struct perfdata *pd);
/* free the decompression stream and its buffers */
void pd_z_free(struct perfdata *pd);

/* ---- sorted.c */

/* sorted mode's state and mapping go (perfdata_close()) */
void pd_sort_free(struct perfdata *pd);

/* ---- pipe.c */

/* a record of pipe mode's header kinds (attr, tracing data, ...): 1 handled, 0 not one, -1 error */
int pd_pipe_record(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size,
		   char *err, size_t errlen);

#endif
