// SPDX-License-Identifier: GPL-2.0-only
/*
 * `perf record -z`: the records of the ring buffers come zstd-compressed,
 * in COMPRESSED records (COMPRESSED2 since perf 6.15: the same with the
 * data's size and padding to 8 bytes).  All of a file's compressed data is
 * one zstd stream; perf compresses a ring's chunk at a time, and a chunk
 * that wraps around the ring's end is compressed in two pieces, so a
 * record can begin in the data of one compressed record and end in the
 * next.  As perf does (session.c), the bytes of such a cut record are kept
 * and the next compressed record's output continues them.  perf 6.1 does
 * not always write the end of the stream (it leaves what ZSTD_flushStream
 * could not put into a full record for the next chunk, and there is none
 * after the last): a record cut at the very end is said, not an error.
 *
 * The decompressed data is read through the reader's own buffers: on a
 * compressed record, the file's cursor is put aside and the decompressed
 * data's cursor put in its place, so records.c reads both alike (the batch
 * loop included); hold mode retires a buffer of decompressed data as it
 * retires the file's.  Output comes a buffer (PD_BUFSZ) at a time, so
 * memory does not depend on how much a record says it expands to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "perfdata-int.h"

#define PD_ZIN_MAX	65536	/* a record's size is a u16 */
/*
 * What a compressed record may expand to: perf compresses a ring's chunk at
 * a time, never more than the ring (HEADER_COMPRESSED's mmap_len; perf
 * refuses more).  A recording that does not say (pipe mode) gets this.
 */
#define PD_ZOUT_DEFAULT	(64u << 20)

struct pd_decomp {
	ZSTD_DStream *ds;
	struct pd_cursor other;		/* the cursor not in use: the file's or the data's */
	unsigned char in[PD_ZIN_MAX];	/* the compressed data of the current record */
	size_t in_len, in_pos;
	uint64_t out, out_max;		/* what it expanded to so far, and may */
	int more;			/* output filled the buffer: zstd may hold more */
	uint64_t records;		/* compressed records read */
};

static void pd_cursor_save(const struct perfdata *pd, struct pd_cursor *c)
{
	c->buf = pd->buf;
	c->pos = pd->pos;
	c->len = pd->len;
	c->buf_off = pd->buf_off;
	c->end = pd->end;
	c->eof = pd->eof;
	c->buf_held = pd->buf_held;
}

static void pd_cursor_load(struct perfdata *pd, const struct pd_cursor *c)
{
	pd->buf = c->buf;
	pd->pos = c->pos;
	pd->len = c->len;
	pd->buf_off = c->buf_off;
	pd->end = c->end;
	pd->eof = c->eof;
	pd->buf_held = c->buf_held;
}

/* the first compressed record: the decompressor and its output buffer */
static struct pd_decomp *pd_z_new(struct perfdata *pd, char *err, size_t errlen)
{
	struct pd_decomp *z = calloc(1, sizeof(*z));

	if (!z)
		goto nomem;
	z->ds = ZSTD_createDStream();
	z->other.buf = pd->npool ? pd->pool[--pd->npool] : malloc(PD_BUFSZ);
	if (!z->ds || !z->other.buf) {
		if (z->ds)
			ZSTD_freeDStream(z->ds);
		free(z->other.buf);
		free(z);
		goto nomem;
	}
	ZSTD_initDStream(z->ds);
	z->other.buf_off = PD_ZBASE;
	z->other.end = UINT64_MAX;
	pd->z_held = PD_BUFSZ + sizeof(*z);
	return z;
nomem:
	pd_err(pd, err, errlen, pd_off(pd), "out of memory for the decompressor");
	return NULL;
}

int pd_z_enter(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size,
	       char *err, size_t errlen)
{
	const unsigned char *data = p + 8;
	uint64_t n = size - 8;
	struct pd_cursor file;

	if (pd->comp_type && pd->comp_type != PD_COMP_ZSTD) {
		pd_err(pd, err, errlen, pd_off(pd), "compressed records of compression type %u "
		       "(the header's; perf writes only zstd, type 1)", pd->comp_type);
		return -1;
	}
	if (type == PD_REC_COMPRESSED2) {
		n = size >= 16 ? load64(p + 8) : UINT64_MAX;
		data = p + 16;
		if (n > (uint64_t)size - 16) {
			pd_err(pd, err, errlen, pd_off(pd), "compressed record: data size %llu "
			       "does not fit the record (size %u)", (unsigned long long)n, size);
			return -1;
		}
	}
	if (!pd->z && !(pd->z = pd_z_new(pd, err, errlen)))
		return -1;
	memcpy(pd->z->in, data, n);
	pd->z->in_len = n;
	pd->z->in_pos = 0;
	pd->z_rec_off = pd_off(pd);
	pd->z->records++;
	pd->z->out = 0;
	pd->z->out_max = pd->comp_mmap_len ? pd->comp_mmap_len : PD_ZOUT_DEFAULT;
	pd->pos += size;
	/* the file's cursor aside, the decompressed data's in its place */
	pd_cursor_save(pd, &file);
	pd_cursor_load(pd, &pd->z->other);
	pd->z->other = file;
	pd->in_z = 1;
	return 0;
}

void pd_z_leave(struct perfdata *pd)
{
	struct pd_cursor data;

	pd_cursor_save(pd, &data);
	pd_cursor_load(pd, &pd->z->other);
	pd->z->other = data;
	pd->in_z = 0;
}

int pd_z_fill(struct perfdata *pd, size_t need, char *err, size_t errlen)
{
	struct pd_decomp *z = pd->z;

	/*
	 * pd_fill() moved the unread bytes to the front: decompress after them,
	 * until the input is used up and zstd holds nothing more back (it
	 * does when the output filled the buffer)
	 */
	while (pd->len < PD_BUFSZ && (z->in_pos < z->in_len || z->more)) {
		ZSTD_outBuffer out = { pd->buf + pd->len, PD_BUFSZ - pd->len, 0 };
		ZSTD_inBuffer in = { z->in, z->in_len, z->in_pos };
		size_t r = ZSTD_decompressStream(z->ds, &out, &in);

		if (ZSTD_isError(r)) {
			pd_err(pd, err, errlen, pd->z_rec_off, "compressed record: zstd: %s",
			       ZSTD_getErrorName(r));
			return -1;
		}
		z->more = out.pos == out.size;
		if (!out.pos && in.pos == z->in_pos)
			break;	/* no progress: the data ends inside a zstd block */
		pd->len += out.pos;
		z->in_pos = in.pos;
		z->out += out.pos;
		if (z->out > z->out_max) {
			pd_err(pd, err, errlen, pd->z_rec_off, "compressed record expands past %llu "
			       "bytes, the size of the ring it was taken from",
			       (unsigned long long)z->out_max);
			return -1;
		}
	}
	return pd->len - pd->pos >= need;
}

void pd_z_end(struct perfdata *pd)
{
	const struct pd_cursor *d;

	if (!pd->z || pd->in_z)
		return;
	d = &pd->z->other;
	pd->z_cut_tail = d->len - d->pos;
}

void pd_z_free(struct perfdata *pd)
{
	if (!pd->z)
		return;
	ZSTD_freeDStream(pd->z->ds);
	free(pd->z->other.buf);
	free(pd->z);
	pd->z = NULL;
	pd->z_held = 0;
}
