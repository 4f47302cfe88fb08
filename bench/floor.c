// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor FILE: what reading a perf.data file's records costs at least, the
 * file in the page cache, this CPU's memory as it is.
 *
 *   one pass    every record's header and time read once, in file order
 *               (what any reader pays: cat's copy is about this);
 *   two passes  the same, and every record read a second time one round
 *               behind (FINISHED_ROUND to FINISHED_ROUND), in file order:
 *               the least a reader pays that sorts by perf's round rule,
 *               which may let a record go only once the round after its
 *               own was read.  perf-prof's sorted mode does this, plus the
 *               merge, the pairing and the statistics.
 *
 * Prints "records N one_pass_ms X two_pass_ms Y" (best of 3 each).  Nothing
 * is decoded beyond the header, the id and the time: this bounds the
 * memory side only.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FINISHED_ROUND	68
#define AHEAD		2048	/* prefetch distance, as the reader's */

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* records from @pos up to @stop (a FINISHED_ROUND's end, or @end): where it stopped */
static uint64_t walk(const unsigned char *d, uint64_t pos, uint64_t end, int to_round,
		     uint64_t *sum, uint64_t *n)
{
	while (end - pos >= 8) {
		uint64_t h = load64(d + pos);
		uint32_t size = (uint32_t)(h >> 48);

		if (size < 8 || size > end - pos)
			return end;
		__builtin_prefetch(d + pos + AHEAD);
		__builtin_prefetch(d + pos + AHEAD + 64);
		if (size >= 40)
			*sum += load64(d + pos + 8) ^ load64(d + pos + 32);
		pos += size;
		++*n;
		if (to_round && (uint32_t)h == FINISHED_ROUND)
			break;
	}
	return pos;
}

int main(int argc, char **argv)
{
	const unsigned char *d;
	uint64_t off, len, sum = 0, n = 0;
	double best1 = 1e300, best2 = 1e300;
	struct stat st;
	int fd, i;

	if (argc != 2) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 64) {
		fprintf(stderr, "floor: %s: cannot read\n", argv[1]);
		return 1;
	}
	d = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (d == MAP_FAILED || memcmp(d, "PERFILE2", 8)) {
		fprintf(stderr, "floor: %s: not a perf.data file\n", argv[1]);
		return 1;
	}
	off = load64(d + 40);	/* the data section */
	len = load64(d + 48);
	if (off > (uint64_t)st.st_size || len > (uint64_t)st.st_size - off) {
		fprintf(stderr, "floor: %s: data section out of the file\n", argv[1]);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		uint64_t end = off + len, p1, p2, c1 = 0, c2 = 0;
		double t0 = now_ms(), t1, t2;

		/* each mapping starts cold, as a run of the tool does */
		madvise((void *)d, (size_t)st.st_size, MADV_DONTNEED);
		walk(d, off, end, 0, &sum, &c1);
		t1 = now_ms();
		madvise((void *)d, (size_t)st.st_size, MADV_DONTNEED);
		t2 = now_ms();
		for (p1 = off, p2 = off; p1 < end;) {
			uint64_t round_start = p1;

			p1 = walk(d, p1, end, 1, &sum, &c2);
			/* the round before this one goes now */
			p2 = walk(d, p2, round_start, 0, &sum, &c2);
		}
		walk(d, p2, end, 0, &sum, &c2);
		if (t1 - t0 < best1)
			best1 = t1 - t0;
		if (now_ms() - t2 < best2)
			best2 = now_ms() - t2;
		n = c1;
	}
	/* the sum keeps the reads from being optimized away */
	printf("records %llu one_pass_ms %.1f two_pass_ms %.1f%s\n", (unsigned long long)n,
	       best1, best2, sum == 42 ? " " : "");
	return 0;
}
