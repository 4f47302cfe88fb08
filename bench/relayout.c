// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/relayout: a recording written again as perf record writes it with
 * one of its options, the records themselves unchanged.
 *
 *   relayout -z IN OUT         as `perf record -z` (record.c,
 *       zstd_compress_stream_to_records()): the records between two
 *       FINISHED_ROUNDs a chunk of at most a ring's bytes at a time (256
 *       KiB), each chunk one zstd flush cut into COMPRESSED records of at
 *       most 64 KiB, level 1; the FINISHED_ROUNDs as they are; the
 *       HEADER_COMPRESSED feature (zstd, the ring's size) among the others.
 *   relayout --threads IN DIR  as `perf record --threads`: DIR/data holds
 *       the header, with HEADER_DIR_FORMAT, and the records that are not
 *       samples; DIR/data.N the samples of CPU N in file order, without
 *       FINISHED_ROUNDs (perf's writing thread of that CPU's ring).
 *
 * IN is a file-mode perf.data whose samples carry their CPU (perf record
 * -a's, perf kvm stat record's).  Prints the bytes written.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define REC_SAMPLE	9
#define REC_ROUND	68
#define REC_COMPRESSED	81
#define FEAT_DIR_FORMAT	24
#define FEAT_COMPRESSED	27
#define CHUNK		(256u << 10)
#define ZREC_MAX	(65535u - 8u)
#define MAX_CPUS	1024

struct out {
	int fd;
	uint64_t bytes;
	unsigned char *buf;	/* --threads: what waits to be written */
	size_t len;
};

static const unsigned char *in;
static uint64_t in_len, data_off, data_size;

static uint64_t u64(uint64_t off)
{
	uint64_t v;

	memcpy(&v, in + off, 8);
	return v;
}

static uint16_t rec_size(uint64_t off)
{
	uint16_t v;

	memcpy(&v, in + off + 6, 2);
	return v;
}

static void die(const char *what)
{
	fprintf(stderr, "relayout: %s\n", what);
	exit(1);
}

static void put(struct out *o, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(o->fd, p, n);

		if (w <= 0)
			die("write failed");
		p = (const char *)p + w;
		n -= (size_t)w;
		o->bytes += (uint64_t)w;
	}
}

static void create(struct out *o, const char *path)
{
	o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o->fd < 0)
		die("cannot write the output");
}

/*
 * The header (data section of @dsize bytes at IN's data offset) and then
 * the feature sections, feature @feat (@body, @blen bytes) added to them.
 * @o has the data written already, from IN's data offset on.
 */
static void finish(struct out *o, uint64_t dsize, int feat, const void *body, size_t blen)
{
	uint64_t bits[4], hdr[13], feat_off = data_off + data_size, n = 0, k = 0, b, i;
	uint64_t new_feat = o->bytes, head, shift, sec[2];

	memcpy(bits, in + 72, 32);
	if ((bits[feat / 64] >> (feat % 64)) & 1)
		die("the input has that feature already");
	for (i = 0; i < 4; i++)
		n += (uint64_t)__builtin_popcountll(bits[i]);
	head = feat_off + 16 * n;	/* the sections' bodies follow their table */
	shift = new_feat + 16 * (n + 1) - head;
	for (b = 0; b < 256; b++) {
		if (b == (uint64_t)feat) {
			sec[0] = new_feat + 16 * (n + 1) + (in_len - head);
			sec[1] = blen;
			put(o, sec, 16);
		}
		if (!((bits[b / 64] >> (b % 64)) & 1))
			continue;
		sec[0] = u64(feat_off + 16 * k) + shift;
		sec[1] = u64(feat_off + 16 * k + 8);
		put(o, sec, 16);
		k++;
	}
	put(o, in + head, in_len - head);
	put(o, body, blen);
	bits[feat / 64] |= 1ull << (feat % 64);
	memcpy(hdr, in, 104);
	hdr[6] = dsize;
	memcpy(&hdr[9], bits, 32);
	if (pwrite(o->fd, hdr, 104, 0) != 104 || close(o->fd))
		die("cannot write the header");
}

/* @n bytes at @p through the stream, flushed, as COMPRESSED records */
static void compress_chunk(struct out *o, ZSTD_CCtx *z, const unsigned char *p, size_t n)
{
	static unsigned char rec[8 + ZREC_MAX];
	ZSTD_inBuffer ib = { p, n, 0 };
	size_t left;

	do {
		ZSTD_outBuffer ob = { rec + 8, ZREC_MAX, 0 };
		uint64_t hdr;

		left = ZSTD_compressStream2(z, &ob, &ib, ZSTD_e_flush);
		if (ZSTD_isError(left))
			die(ZSTD_getErrorName(left));
		if (!ob.pos)
			continue;
		hdr = REC_COMPRESSED | (uint64_t)(8 + ob.pos) << 48;
		memcpy(rec, &hdr, 8);
		put(o, rec, 8 + ob.pos);
	} while (left || ib.pos < ib.size);
}

static void compressed(const char *path)
{
	uint32_t comp[5] = { 0, 1, 1, 0, CHUNK };	/* version, zstd, level, ratio, mmap_len */
	uint64_t off = data_off, end = data_off + data_size, from = off;
	ZSTD_CCtx *z = ZSTD_createCCtx();
	struct out o = { 0 };

	if (!z)
		die("no zstd context");
	ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 1);
	create(&o, path);
	put(&o, in, data_off);
	for (; off + 8 <= end; off += rec_size(off)) {
		uint32_t type = (uint32_t)u64(off);

		if (rec_size(off) < 8 || off + rec_size(off) > end)
			die("a bad record in the input");
		if (type == REC_ROUND || off + rec_size(off) - from > CHUNK) {
			if (off > from)
				compress_chunk(&o, z, in + from, off - from);
			from = off;
		}
		if (type == REC_ROUND) {
			put(&o, in + off, rec_size(off));
			from = off + rec_size(off);
		}
	}
	if (end > from)
		compress_chunk(&o, z, in + from, end - from);
	ZSTD_freeCCtx(z);
	finish(&o, o.bytes - data_off, FEAT_COMPRESSED, comp, sizeof(comp));
	printf("%llu bytes\n", (unsigned long long)o.bytes);
}

/* where a sample keeps its CPU: after IDENTIFIER, IP, TID, TIME, ADDR, ID, STREAM_ID */
static uint32_t cpu_offset(void)
{
	uint64_t st = u64(u64(24) + 24), o = 8;	/* the first attr's sample_type */

	if (!(st & (1ull << 7)))
		die("the samples do not carry their CPU");
	o += 8 * (!!(st & (1ull << 16)) + !!(st & 1) + !!(st & 2) + !!(st & 4) +
		  !!(st & 8) + !!(st & 64) + !!(st & 512));
	return (uint32_t)o;
}

static void append(struct out *o, const void *p, size_t n)
{
	if (o->len + n > (4u << 20)) {
		put(o, o->buf, o->len);
		o->len = 0;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void threads(const char *dir)
{
	static struct out f[MAX_CPUS];
	uint64_t off = data_off, end = data_off + data_size, version = 1, total = 0;
	uint32_t cpu_off = cpu_offset(), cpu, ncpu = 0, i;
	struct out head = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s/data", dir);
	create(&head, path);
	put(&head, in, data_off);
	for (; off + 8 <= end; off += rec_size(off)) {
		uint32_t type = (uint32_t)u64(off);

		if (rec_size(off) < 8 || off + rec_size(off) > end)
			die("a bad record in the input");
		if (type == REC_ROUND)
			continue;
		if (type != REC_SAMPLE) {
			put(&head, in + off, rec_size(off));
			continue;
		}
		memcpy(&cpu, in + off + cpu_off, 4);
		if (cpu >= MAX_CPUS)
			die("a sample's CPU is out of range");
		for (; ncpu <= cpu; ncpu++) {
			snprintf(path, sizeof(path), "%s/data.%u", dir, ncpu);
			create(&f[ncpu], path);
			f[ncpu].buf = malloc(4u << 20);
			if (!f[ncpu].buf)
				die("out of memory");
		}
		append(&f[cpu], in + off, rec_size(off));
	}
	for (i = 0; i < ncpu; i++) {
		put(&f[i], f[i].buf, f[i].len);
		if (close(f[i].fd))
			die("cannot write a data file");
		total += f[i].bytes;
		free(f[i].buf);
	}
	finish(&head, head.bytes - data_off, FEAT_DIR_FORMAT, &version, sizeof(version));
	printf("%llu bytes in %u data files and the header file\n",
	       (unsigned long long)(total + head.bytes), ncpu);
}

int main(int argc, char **argv)
{
	struct stat sb;
	int fd;

	if (argc != 4 || (strcmp(argv[1], "-z") && strcmp(argv[1], "--threads")))
		die("usage: relayout -z IN OUT | relayout --threads IN DIR");
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) || sb.st_size < 104)
		die("cannot read the input");
	in_len = (uint64_t)sb.st_size;
	in = mmap(NULL, in_len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (in == MAP_FAILED)
		die("cannot map the input");
	madvise((void *)in, in_len, MADV_SEQUENTIAL);
	if (u64(0) != 0x32454c4946524550ull || u64(8) != 104)
		die("not a file-mode perf.data");
	data_off = u64(40);
	data_size = u64(48);
	if (data_off + data_size > in_len)
		die("the data section runs past the file");
	if (!strcmp(argv[1], "-z"))
		compressed(argv[3]);
	else
		threads(argv[3]);
	return 0;
}
