// SPDX-License-Identifier: GPL-2.0-only
/*
 * reasons: widen the exit reasons of a gen-perfdata recording, in place.
 * gen-perfdata draws from the 12 x86 exit reasons it models; the memory
 * figure of the issue wants 60 per thread.  Built and run by bench/run:
 *
 *   reasons FILE EXIT_ID REASON_OFFSET EVERY
 *
 * Every EVERY-th kvm_exit sample (common_type EXIT_ID) of each thread gets
 * its exit_reason (u32 at REASON_OFFSET in the raw data) replaced by the
 * next of the 48 VMX basic reasons gen-perfdata does not use, in turn, so
 * each thread with at least 48 * EVERY exits ends up with 12 + 48 = 60
 * reasons: 12 frequent ones with gen-perfdata's weights and latencies,
 * 48 rarer ones.  Latencies and pairing are untouched.  Prints the number
 * of samples rewritten, threads seen and the smallest number of distinct
 * reasons any thread has.
 *
 * Only file mode with sample_type a subset of IDENTIFIER, IP, TID, TIME,
 * ADDR, ID, STREAM_ID, CPU, PERIOD, RAW (gen-perfdata's default) is handled.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_IP		(1ULL << 0)
#define S_TID		(1ULL << 1)
#define S_TIME		(1ULL << 2)
#define S_ADDR		(1ULL << 3)
#define S_ID		(1ULL << 6)
#define S_CPU		(1ULL << 7)
#define S_PERIOD	(1ULL << 8)
#define S_STREAM_ID	(1ULL << 9)
#define S_RAW		(1ULL << 10)
#define S_IDENTIFIER	(1ULL << 16)
#define S_OK		(S_IP | S_TID | S_TIME | S_ADDR | S_ID | S_CPU | S_PERIOD | \
			 S_STREAM_ID | S_RAW | S_IDENTIFIER)

/* the 12 reasons gen-perfdata writes */
static const uint32_t used[] = { 1, 7, 10, 12, 30, 31, 32, 40, 45, 48, 49, 52 };
/* named VMX basic reasons (the kernel's format), without those 12 */
static const uint32_t extra[] = {
	0, 2, 3, 4, 8, 9, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26,
	27, 28, 29, 33, 34, 36, 37, 39, 41, 43, 44, 46, 47, 50, 51, 53, 54,
	55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 67, 68,
};
#define NEXTRA	(sizeof(extra) / sizeof(extra[0]))
#define NUSED	(sizeof(used) / sizeof(used[0]))

struct thr {
	uint32_t tid;
	uint64_t exits;
	uint32_t next;
	uint64_t seen;		/* bit i: extra[i] written */
	uint32_t used_seen;	/* bit i: used[i] seen */
};

static struct thr *thr;
static uint32_t nthr, cap;

static struct thr *find(uint32_t tid)
{
	uint32_t i;

	/* a few thousand threads at most: a hash keyed by tid */
	if (!cap) {
		cap = 1 << 16;
		thr = calloc(cap, sizeof(*thr));
	}
	for (i = (tid * 2654435761u) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (!thr[i].tid) {
			if (++nthr > cap / 2) {
				fprintf(stderr, "reasons: too many threads\n");
				exit(1);
			}
			thr[i].tid = tid;
			return &thr[i];
		}
		if (thr[i].tid == tid)
			return &thr[i];
	}
}

static uint64_t ld64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t ld32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

int main(int argc, char **argv)
{
	unsigned char *m;
	struct stat st;
	uint64_t data_off, data_size, attr_off, st_type, off, rewritten = 0;
	uint32_t exit_id, roff, every, i, j, minr = ~0u;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: reasons FILE EXIT_ID REASON_OFFSET EVERY\n");
		return 2;
	}
	exit_id = atoi(argv[2]);
	roff = atoi(argv[3]);
	every = atoi(argv[4]);
	if (!every)
		return 2;
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	m = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (memcmp(m, "PERFILE2", 8)) {
		fprintf(stderr, "reasons: not a file-mode perf.data\n");
		return 1;
	}
	attr_off = ld64(m + 24);
	data_off = ld64(m + 40);
	data_size = ld64(m + 48);
	/* every attr shares one sample_type in gen-perfdata's files */
	st_type = ld64(m + attr_off + 24);
	if (st_type & ~S_OK || !(st_type & S_TID) || !(st_type & S_RAW)) {
		fprintf(stderr, "reasons: sample_type 0x%llx not handled\n",
			(unsigned long long)st_type);
		return 1;
	}
	for (off = data_off; off + 8 <= data_off + data_size;) {
		unsigned char *p = m + off;
		uint32_t type = ld32(p), size = p[6] | p[7] << 8;
		unsigned char *q = p + 8, *raw;
		uint32_t tid, code;
		struct thr *t;

		if (size < 8)
			break;
		off += size;
		if (type != 9)
			continue;
		if (st_type & S_IDENTIFIER) q += 8;
		if (st_type & S_IP) q += 8;
		tid = ld32(q + 4);
		q += 8;
		if (st_type & S_TIME) q += 8;
		if (st_type & S_ADDR) q += 8;
		if (st_type & S_ID) q += 8;
		if (st_type & S_STREAM_ID) q += 8;
		if (st_type & S_CPU) q += 8;
		if (st_type & S_PERIOD) q += 8;
		raw = q + 4;
		if (ld32(q) < roff + 4 || (uint32_t)(raw[0] | raw[1] << 8) != exit_id)
			continue;
		t = find(tid);
		code = ld32(raw + roff);
		if (++t->exits % every == 0) {
			code = extra[t->next];
			t->seen |= 1ull << t->next;
			t->next = (t->next + 1) % NEXTRA;
			memcpy(raw + roff, &code, 4);
			rewritten++;
		} else {
			for (i = 0; i < NUSED; i++)
				if ((code & 0xffff) == used[i])
					t->used_seen |= 1u << i;
		}
	}
	for (i = 0; i < cap; i++) {
		if (!thr[i].tid)
			continue;
		j = __builtin_popcountll(thr[i].seen) + __builtin_popcount(thr[i].used_seen);
		if (j < minr)
			minr = j;
	}
	if (msync(m, st.st_size, MS_SYNC) < 0)
		perror("msync");
	printf("rewritten %llu threads %u min_reasons_per_thread %u\n",
	       (unsigned long long)rewritten, nthr, nthr ? minr : 0);
	return 0;
}
