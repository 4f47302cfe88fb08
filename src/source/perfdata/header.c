// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening a recording: the magic says perf.data (and which kind), the
 * header of a file-mode recording where its attrs, data and features are.
 * Feature sections follow the data; of them only the tracing data (the
 * event formats) is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include "perfdata-int.h"

#define PD_MAGIC	0x32454c4946524550ULL	/* "PERFILE2" little-endian */
#define PD_MAGIC_SWAP	0x50455246494c4532ULL	/* the same, byte-swapped */
#define PD_MAGIC_V1	0x454c494646524550ULL	/* "PERFFILE" */

#define PD_FILE_HDR_SIZE	104	/* struct perf_file_header */
#define PD_FILE_HDR_OLD		72	/* the same without the feature bitmap */
#define PD_PIPE_HDR_SIZE	16

/* the sections a file header names */
struct pd_sections {
	uint64_t attr_sz, attrs_off, attrs_size, data_off, data_size, nattrs;
};

/* section @what (@off, @size, named at @at) within the file's @fsize bytes: 0, or -1 + message */
static int pd_within(struct perfdata *pd, const char *what, uint64_t at, uint64_t off,
		     uint64_t size, uint64_t fsize, char *err, size_t errlen)
{
	if (off <= fsize && size <= fsize - off)
		return 0;
	pd_err(pd, err, errlen, at,
	       "%s section (offset %llu, size %llu) is past the end of the file (%llu bytes)",
	       what, (unsigned long long)off, (unsigned long long)size,
	       (unsigned long long)fsize);
	return -1;
}

/* the header's sections, each within the file's @fsize bytes */
static int pd_check_sections(struct perfdata *pd, const unsigned char *h, uint64_t fsize,
			     struct pd_sections *s, char *err, size_t errlen)
{
	s->attr_sz = load64(h + 16);
	s->attrs_off = load64(h + 24);
	s->attrs_size = load64(h + 32);
	s->data_off = load64(h + 40);
	s->data_size = load64(h + 48);
	if (s->attr_sz < PD_ATTR_VER0 + 16 || s->attr_sz > 4096 + 16) {
		pd_err(pd, err, errlen, 16, "attr entry size %llu is invalid",
		       (unsigned long long)s->attr_sz);
		return -1;
	}
	if (pd_within(pd, "attr", 24, s->attrs_off, s->attrs_size, fsize, err, errlen) < 0)
		return -1;
	if (s->attrs_size % s->attr_sz) {
		pd_err(pd, err, errlen, 32,
		       "attr section size %llu is not a multiple of the attr entry size %llu",
		       (unsigned long long)s->attrs_size,
		       (unsigned long long)s->attr_sz);
		return -1;
	}
	if (pd_within(pd, "data", 40, s->data_off, s->data_size, fsize, err, errlen) < 0)
		return -1;
	s->nattrs = s->attrs_size / s->attr_sz;
	if (s->nattrs > PD_MAX_ATTRS) {
		pd_err(pd, err, errlen, 32, "more than %u event attrs",
		       PD_MAX_ATTRS);
		return -1;
	}
	return 0;
}

/* the ids of attr @idx: @ids_size bytes at @ids_off */
static int pd_read_ids(struct perfdata *pd, unsigned idx, uint64_t ids_off, uint64_t ids_size,
		       char *err, size_t errlen)
{
	uint64_t j;

	if (pd_seek(pd, ids_off, ids_off + ids_size, err, errlen))
		return -1;
	for (j = 0; j < ids_size / 8; j++) {
		uint64_t id;

		if (pd_take(pd, &id, 8, "attr ids", err, errlen) ||
		    pd_id_add(pd, id, idx, ids_off + 8 * j, err, errlen))
			return -1;
	}
	return 0;
}

/* attr entry @i of the attr section: the attr (into @ab), then its ids */
static int pd_read_attr(struct perfdata *pd, const struct pd_sections *s, uint64_t i,
			uint64_t fsize, unsigned char *ab, char *err, size_t errlen)
{
	uint64_t off = s->attrs_off + i * s->attr_sz;
	uint64_t ids_off, ids_size;
	uint32_t asz;
	int idx;

	if (pd_seek(pd, off, off + s->attr_sz, err, errlen) ||
	    pd_take(pd, ab, s->attr_sz, "attr", err, errlen))
		return -1;
	asz = load32(ab + 4);
	if (!asz)
		asz = PD_ATTR_VER0;
	if (asz != s->attr_sz - 16) {
		pd_err(pd, err, errlen, off + 4,
		       "attr size %u does not match the attr entry size %llu",
		       asz, (unsigned long long)s->attr_sz);
		return -1;
	}
	idx = pd_attr_add(pd, ab, off, err, errlen);
	if (idx < 0)
		return -1;
	ids_off = load64(ab + asz);
	ids_size = load64(ab + asz + 8);
	if (ids_off > fsize || ids_size > fsize - ids_off || ids_size % 8) {
		pd_err(pd, err, errlen, off + asz,
		       "attr ids (offset %llu, size %llu) are past the end of the file or misaligned",
		       (unsigned long long)ids_off,
		       (unsigned long long)ids_size);
		return -1;
	}
	if (ids_size / 8 > PD_MAX_IDS) {
		pd_err(pd, err, errlen, off + asz, "more than %u sample ids", PD_MAX_IDS);
		return -1;
	}
	return pd_read_ids(pd, (unsigned)idx, ids_off, ids_size, err, errlen);
}

static int pd_read_attrs(struct perfdata *pd, const struct pd_sections *s, uint64_t fsize,
			 char *err, size_t errlen)
{
	unsigned char *ab = malloc(s->attr_sz);
	uint64_t i;

	if (!ab) {
		pd_err(pd, err, errlen, s->attrs_off, "out of memory");
		return -1;
	}
	for (i = 0; i < s->nattrs; i++) {
		if (pd_read_attr(pd, s, i, fsize, ab, err, errlen) < 0) {
			free(ab);
			return -1;
		}
	}
	free(ab);
	return pd_check_ids(pd, s->attrs_off, err, errlen);
}

/*
 * Where feature @feat's section is: the table after the data at @feat_off
 * has one entry per flagged feature, in feature order.  1 (*@off, *@size
 * within the file), 0 not flagged, -1 + message.
 */
static int pd_feature(struct perfdata *pd, const unsigned char *bits, uint64_t feat_off,
		      uint64_t fsize, unsigned feat, uint64_t *off, uint64_t *size, char *err,
		      size_t errlen)
{
	unsigned char sec[16];
	unsigned idx = 0, i;
	uint64_t at;

	if (!((bits[feat / 8] >> (feat % 8)) & 1))
		return 0;
	for (i = 0; i < feat; i++)
		idx += (bits[i / 8] >> (i % 8)) & 1;
	at = feat_off + 16 * idx;
	if (at > fsize || fsize - at < 16) {
		pd_err(pd, err, errlen, at,
		       "feature section table is past the end of the file (%llu bytes)",
		       (unsigned long long)fsize);
		return -1;
	}
	if (pd_seek(pd, at, at + 16, err, errlen) ||
	    pd_take(pd, sec, 16, "feature table", err, errlen))
		return -1;
	*off = load64(sec);
	*size = load64(sec + 8);
	if (pd_within(pd, feat == PD_FEAT_TRACING_DATA ? "tracing data" :
		      feat == PD_FEAT_COMPRESSED ? "compression feature" : "feature",
		      at, *off, *size, fsize, err, errlen) < 0)
		return -1;
	return 1;
}

/* feature @feat's first @n bytes into @dst, if flagged: 1, 0 not flagged (or shorter), -1 */
static int pd_feature_bytes(struct perfdata *pd, const unsigned char *bits, uint64_t feat_off,
			    uint64_t fsize, unsigned feat, void *dst, uint64_t n, char *err,
			    size_t errlen)
{
	uint64_t off, size;
	int r = pd_feature(pd, bits, feat_off, fsize, feat, &off, &size, err, errlen);

	if (r <= 0 || size < n)
		return r < 0 ? -1 : 0;
	if (pd_seek(pd, off, off + n, err, errlen) ||
	    pd_take(pd, dst, n, "feature", err, errlen))
		return -1;
	return 1;
}

/*
 * The feature sections after the data at @feat_off: the tracing data (the
 * event formats), how records are compressed (perf record -z), and whether
 * this is the header file of a directory (perf record --threads).
 */
static int pd_read_features(struct perfdata *pd, const unsigned char *h, uint64_t feat_off,
			    uint64_t fsize, char *err, size_t errlen)
{
	const unsigned char *bits = h + 72;
	unsigned char comp[20];
	uint64_t toff, tsize;
	int r;

	r = pd_feature(pd, bits, feat_off, fsize, PD_FEAT_TRACING_DATA, &toff, &tsize, err,
		       errlen);
	if (r < 0 || (r && (pd_seek(pd, toff, toff + tsize, err, errlen) ||
			    pd_parse_tracing(pd, tsize, err, errlen))))
		return -1;
	/* version, type, level, ratio, mmap_len: u32 each */
	r = pd_feature_bytes(pd, bits, feat_off, fsize, PD_FEAT_COMPRESSED, comp, 20, err, errlen);
	if (r < 0)
		return -1;
	if (r) {
		pd->comp_type = load32(comp + 4);
		pd->comp_mmap_len = load32(comp + 16);
	}
	pd->dir_format = (bits[PD_FEAT_DIR_FORMAT / 8] >> (PD_FEAT_DIR_FORMAT % 8)) & 1;
	return 0;
}

/* file mode: the header @h of @hsize bytes; leaves the reader at the data */
static int pd_open_file(struct perfdata *pd, const unsigned char *h, uint64_t hsize, uint64_t fsize,
			char *err, size_t errlen)
{
	struct pd_sections s;

	if (pd_check_sections(pd, h, fsize, &s, err, errlen) < 0 ||
	    pd_read_attrs(pd, &s, fsize, err, errlen) < 0)
		return -1;
	if (hsize >= PD_FILE_HDR_SIZE &&
	    pd_read_features(pd, h, s.data_off + s.data_size, fsize, err, errlen) < 0)
		return -1;
	return pd_seek(pd, s.data_off, s.data_off + s.data_size, err, errlen);
}

struct perfdata *pd_new(const char *path, bool (*stopping)(void), struct stat *st, char *err,
			size_t errlen)
{
	struct perfdata *pd = calloc(1, sizeof(*pd));

	if (!pd) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	pd->stopping = stopping;
	pd->idc = pd->idc_min;
	pd->idc_mask = PD_IDC_MIN - 1;
	pd->path = strdup(path);
	pd->buf = malloc(PD_BUFSZ);
	pd->fd = -1;
	pd->end = UINT64_MAX;
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
	if (fstat(pd->fd, st)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return pd;
fail:
	perfdata_close(pd);
	return NULL;
}

/*
 * The first 16 bytes: a perf.data magic this reader takes, and the header
 * size into *@hsize.  0, or -1 + message.
 */
static int pd_magic(struct perfdata *pd, uint64_t *hsize, char *err, size_t errlen)
{
	uint64_t magic;
	int r = pd_fill(pd, 16, err, errlen);

	if (r < 0)
		return -1;
	if (pd->len == 0) {
		pd_err(pd, err, errlen, 0, "empty file, not a perf.data file");
		return -1;
	}
	magic = pd->len >= 8 ? load64(pd->buf) : 0;
	if (magic == PD_MAGIC_SWAP) {
		pd_err(pd, err, errlen, 0, "big-endian perf.data is not supported");
		return -1;
	}
	if (magic == PD_MAGIC_V1) {
		pd_err(pd, err, errlen, 0, "perf.data version 1 (PERFFILE) is not supported");
		return -1;
	}
	if (magic != PD_MAGIC) {
		pd_err(pd, err, errlen, 0, "not a perf.data file (bad magic)");
		return -1;
	}
	if (!r) {
		pd_err(pd, err, errlen, 8, "truncated header (file has %zu bytes)", pd->len);
		return -1;
	}
	*hsize = load64(pd->buf + 8);
	return 0;
}

/* file mode: the whole header of @hsize bytes, then what it points to */
static int pd_open_header(struct perfdata *pd, uint64_t hsize, const struct stat *st,
			  char *err, size_t errlen)
{
	unsigned char h[PD_FILE_HDR_SIZE];
	int r;

	if (hsize != PD_FILE_HDR_SIZE && hsize != PD_FILE_HDR_OLD) {
		pd_err(pd, err, errlen, 8, "header size %llu is invalid",
		       (unsigned long long)hsize);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		pd_err(pd, err, errlen, 0,
		       "a file-mode perf.data must be a regular file (pipes carry pipe mode)");
		return -1;
	}
	r = pd_fill(pd, hsize, err, errlen);
	if (r < 0)
		return -1;
	if (!r) {
		pd_err(pd, err, errlen, pd->len,
		       "truncated header: %llu bytes expected, file has %zu",
		       (unsigned long long)hsize, pd->len);
		return -1;
	}
	memset(h, 0, sizeof(h));
	memcpy(h, pd->buf, hsize);
	pd->pending = 2;	/* nothing pending */
	return pd_open_file(pd, h, hsize, (uint64_t)st->st_size, err, errlen);
}

struct perfdata *perfdata_open(const char *path, bool (*stopping)(void), char *err,
			       size_t errlen)
{
	struct perfdata *pd;
	struct stat st;
	uint64_t hsize;

	if (err && errlen)
		err[0] = 0;
	pd = pd_new(path, stopping, &st, err, errlen);
	if (!pd)
		return NULL;
	if (pd_magic(pd, &hsize, err, errlen) < 0)
		goto fail;
	if (hsize == PD_PIPE_HDR_SIZE) {
		pd->pipe = 1;
		pd->pos = PD_PIPE_HDR_SIZE;
		pd_open_pipe(pd);
		return pd;
	}
	if (pd_open_header(pd, hsize, &st, err, errlen) < 0)
		goto fail;
	return pd;
fail:
	perfdata_close(pd);
	return NULL;
}

void perfdata_say_skipped(struct perfdata *const *pds, int n, const char *name)
{
	uint64_t unknown = 0, cut = 0;
	int i;

	for (i = 0; i < n; i++) {
		unknown += pds[i]->nunknown;
		cut += pds[i]->z_cut_tail;
	}
	if (unknown)
		fprintf(stderr, "perf-prof: %s: %lu samples skipped: their sample id is not "
			"in the recording's id table (a damaged header?)\n", name,
			(unsigned long)unknown);
	if (cut)
		fprintf(stderr, "perf-prof: %s: the compressed data ends inside a record (%lu "
			"bytes of it): perf record -z left the end of its last chunk unwritten, "
			"the records there are missing\n", name, (unsigned long)cut);
}

struct tep_handle *perfdata_tep(struct perfdata *pd)
{
	return pd ? pd->tep : NULL;
}

void perfdata_close(struct perfdata *pd)
{
	if (!pd)
		return;
	if (pd->own_fd && pd->fd >= 0)
		close(pd->fd);
	if (!pd->head) {	/* a directory's data file borrows these */
		if (pd->tep)
			tep_free(pd->tep);
		free(pd->attrs);
		free(pd->ids);
	}
	pd_z_free(pd);
	pd_comm_free(pd);
	pd_sort_free(pd);	/* the mapping, when buf is it */
	if (pd->idc != pd->idc_min)
		free(pd->idc);
	free(pd->buf);
	while (pd->nretired)
		free(pd->retired[--pd->nretired].mem);
	free(pd->retired);
	while (pd->npool)
		free(pd->pool[--pd->npool]);
	free(pd->path);
	free(pd);
}
