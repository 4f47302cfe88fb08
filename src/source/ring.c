// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <perf-prof/ring.h>

int ring_mmap(struct ring *r, int fd, int pages, char *err, size_t errlen)
{
	size_t psz = sysconf(_SC_PAGESIZE);
	void *base;

	r->map_size = (pages + 1) * psz;
	base = mmap(NULL, r->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		int e = errno;

		/* the caller adds which limits apply (evlist.c) */
		snprintf(err, errlen, "cannot mmap %d pages of ring buffer: %s", pages,
			 strerror(e));
		errno = e;
		return -1;
	}
	r->meta = base;
	r->data = (unsigned char *)base + psz;
	r->mask = (uint64_t)pages * psz - 1;
	r->fd = fd;
	return 0;
}

void ring_unmap(struct ring *r)
{
	if (r->meta)
		munmap(r->meta, r->map_size);
	r->meta = NULL;
	free(r->wrap);
	r->wrap = NULL;
}

struct perf_event_header *ring_unwrap(struct ring *r, uint64_t off, uint64_t size)
{
	uint64_t first = r->mask + 1 - off;

	/* header.size is 16 bits: 64 KiB always holds one record */
	if (!r->wrap)
		r->wrap = malloc(65536);
	if (!r->wrap)
		abort();
	memcpy(r->wrap, r->data + off, first);
	memcpy(r->wrap + first, r->data, size - first);
	return (struct perf_event_header *)r->wrap;
}

/* sample_id_all trailer for TID|TIME|CPU: pid,tid; time; cpu,res */
struct id_trailer {
	uint32_t pid, tid;
	uint64_t time;
	uint32_t cpu, res;
};

static void trailer(const struct perf_event_header *h, struct pp_record *rec)
{
	struct id_trailer t;

	if (h->size < sizeof(*h) + sizeof(t))
		return;
	memcpy(&t, (const char *)h + h->size - sizeof(t), sizeof(t));
	rec->pid = t.pid;
	rec->tid = t.tid;
	rec->time = t.time;
	rec->cpu = t.cpu;
}

bool ring_decode(const struct ring *r, const struct perf_event_header *h, struct pp_record *rec)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	uint32_t body = h->size - sizeof(*h);

	rec->buf = r->idx;
	rec->lost = 0;
	rec->raw = NULL;
	rec->raw_size = 0;
	switch (h->type) {
	case PERF_RECORD_SAMPLE: {
		struct { uint32_t pid, tid; uint64_t time; uint32_t cpu, res; uint32_t size; } s;

		if (body < 28)
			return false;
		memcpy(&s.pid, p, 4);
		memcpy(&s.tid, p + 4, 4);
		memcpy(&s.time, p + 8, 8);
		memcpy(&s.cpu, p + 16, 4);
		memcpy(&s.size, p + 24, 4);
		if (s.size > body - 28)
			return false;
		rec->type = PP_REC_SAMPLE;
		rec->pid = s.pid;
		rec->tid = s.tid;
		rec->time = s.time;
		rec->cpu = s.cpu;
		rec->raw = p + 28;
		rec->raw_size = s.size;
		return true;
	}
	case PERF_RECORD_LOST: {
		uint64_t n;

		if (body < 16)
			return false;
		memcpy(&n, p + 8, 8);
		rec->type = PP_REC_LOST;
		rec->lost = n;
		trailer(h, rec);
		return true;
	}
	case PERF_RECORD_SWITCH:
	case PERF_RECORD_SWITCH_CPU_WIDE:
		/* the trailer's tid is the task switching, in or out */
		rec->type = (h->misc & PERF_RECORD_MISC_SWITCH_OUT) ? PP_REC_SWITCH_OUT
								    : PP_REC_SWITCH_IN;
		trailer(h, rec);
		return true;
	case PERF_RECORD_THROTTLE:
	case PERF_RECORD_UNTHROTTLE:
		rec->type = PP_REC_THROTTLE;
		trailer(h, rec);
		return true;
	default:
		return false;
	}
}
