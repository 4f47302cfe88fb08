// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/tile: a real recording made as long as a benchmark needs, its
 * layout kept.  `tile IN OUT SAMPLES` copies IN's header, attrs, ids and
 * tracing data, then writes IN's data section again and again, each copy's
 * samples shifted in time past the one before, until OUT holds SAMPLES
 * samples: the records, rounds and buffers are the real ones (a perf
 * record or perf kvm stat record of real KVM exits,
 * tests/data/kvm-*.perf.data); the other records (side-band, lost) are
 * written once, with the first copy.  The feature
 * sections follow the new data section, their offsets moved with it.
 * Prints the samples and bytes written.
 *
 * Only file-mode recordings whose samples carry PERF_SAMPLE_TIME (the first
 * attr's sample_type says where), as perf writes them.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_IDENTIFIER	(1ull << 16)
#define S_IP		(1ull << 0)
#define S_TID		(1ull << 1)
#define S_TIME		(1ull << 2)

static unsigned char *in;
static size_t in_len;

static uint64_t u64(size_t off)
{
	uint64_t v;

	memcpy(&v, in + off, 8);
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void die(const char *what)
{
	fprintf(stderr, "tile: %s\n", what);
	exit(1);
}

static void out_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			die("write failed");
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	uint64_t data_off, data_size, attr_size, st, first = UINT64_MAX, last = 0, want, done = 0;
	uint64_t span, shift = 0, off, feat_off, written = 0;
	unsigned char *copy, hdr[104];
	uint32_t time_off;
	struct stat sb;
	int fd, ofd, k;

	if (argc != 4)
		die("usage: tile IN.perf.data OUT.perf.data SAMPLES");
	want = strtoull(argv[3], NULL, 10);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) || !(in = malloc(sb.st_size)) ||
	    read(fd, in, sb.st_size) != sb.st_size)
		die("cannot read the input");
	in_len = (size_t)sb.st_size;
	close(fd);
	if (in_len < 104 || u64(0) != 0x32454c4946524550ull || u64(8) != 104)
		die("not a file-mode perf.data");
	attr_size = u64(16);
	data_off = u64(40);
	data_size = u64(48);
	st = u64(u64(24) + 24);	/* the first attr's sample_type */
	if (!(st & S_TIME) || attr_size < 32 || data_off + data_size > in_len)
		die("a recording whose samples carry their time is needed");
	time_off = 8 + 8 * !!(st & S_IDENTIFIER) + 8 * !!(st & S_IP) + 8 * !!(st & S_TID);
	for (off = data_off; off + 8 <= data_off + data_size; off += in[off + 6] | in[off + 7] << 8) {
		if ((in[off + 6] | in[off + 7] << 8) < 8)
			die("a record of size 0");
		if ((uint32_t)u64(off) == 9 && off + time_off + 8 <= data_off + data_size) {
			uint64_t t = u64(off + time_off);

			first = t < first ? t : first;
			last = t > last ? t : last;
		}
	}
	if (first > last)
		die("no sample in the input");
	span = last - first + 1000000;
	copy = malloc(data_size);
	ofd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!copy || ofd < 0)
		die("cannot write the output");
	out_all(ofd, in, data_off);
	for (k = 0; done < want; k++, shift += span) {
		size_t n = 0;

		for (off = data_off; off + 8 <= data_off + data_size && done < want;) {
			uint32_t type = (uint32_t)u64(off), size = in[off + 6] | in[off + 7] << 8;

			/* side-band once; samples and rounds every time */
			if (k == 0 || type == 9 || type == 68) {
				memcpy(copy + n, in + off, size);
				if (type == 9) {
					put64(copy + n + time_off, u64(off + time_off) + shift);
					done++;
				}
				n += size;
			}
			off += size;
		}
		out_all(ofd, copy, n);
		written += n;
	}
	/* the features after the new data, their offsets moved */
	feat_off = data_off + data_size;
	if (feat_off < in_len) {
		unsigned char *f = malloc(in_len - feat_off);
		uint64_t delta = written - data_size, nfeat = 0, i, b;

		memcpy(f, in + feat_off, in_len - feat_off);
		for (i = 0; i < 4; i++)
			for (b = u64(72 + 8 * i); b; b &= b - 1)
				nfeat++;
		for (i = 0; i < nfeat && 16 * (i + 1) <= in_len - feat_off; i++)
			put64(f + 16 * i, u64(feat_off + 16 * i) + delta);
		out_all(ofd, f, in_len - feat_off);
		free(f);
	}
	memcpy(hdr, in, 104);
	put64(hdr + 48, written);
	if (pwrite(ofd, hdr, 104, 0) != 104 || close(ofd))
		die("cannot write the header");
	printf("%llu samples, %llu bytes of data, %d copies\n", (unsigned long long)done,
	       (unsigned long long)written, k);
	return 0;
}
