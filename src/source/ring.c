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

/* a record other than a sample: its identity is in its sample_id_all trailer */
static void other(const struct ring *r, const struct perf_event_header *h, uint32_t type,
		  uint32_t body, struct pp_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->pid = rec->tid = rec->cpu = UINT32_MAX;
	sample_trailer(r->layout, (const unsigned char *)h, h->size, body, rec);
	rec->buf = r->idx;
}

bool ring_decode(const struct ring *r, const struct perf_event_header *h, struct pp_record *rec)
{
	const unsigned char *p = (const unsigned char *)h;
	uint32_t bad_raw;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		if (sample_decode(r->layout, p, h->size, -1, rec, &bad_raw) < 0)
			return false;
		rec->buf = r->idx;
		return true;
	case PERF_RECORD_LOST:
		/* id, lost */
		if (h->size < sizeof(*h) + 16)
			return false;
		other(r, h, PP_REC_LOST, sizeof(*h) + 16, rec);
		rec->lost = load64(p + sizeof(*h) + 8);
		return true;
	case PERF_RECORD_SWITCH:
		/* the trailer's tid is the task switching, in or out */
		other(r, h, (h->misc & PERF_RECORD_MISC_SWITCH_OUT) ? PP_REC_SWITCH_OUT
								    : PP_REC_SWITCH_IN, sizeof(*h), rec);
		return true;
	case PERF_RECORD_SWITCH_CPU_WIDE:
		/* next_prev_pid, next_prev_tid */
		other(r, h, (h->misc & PERF_RECORD_MISC_SWITCH_OUT) ? PP_REC_SWITCH_OUT
								    : PP_REC_SWITCH_IN, sizeof(*h) + 8, rec);
		return true;
	case PERF_RECORD_THROTTLE:
	case PERF_RECORD_UNTHROTTLE:
		/* time, id, stream_id */
		other(r, h, PP_REC_THROTTLE, sizeof(*h) + 24, rec);
		return true;
	default:
		return false;
	}
}
