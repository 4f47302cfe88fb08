/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading one perf mmap ring buffer.  A pass snapshots data_head once,
 * walks the records up to it (copying only a record that wraps the end of
 * the buffer), then publishes data_tail so the kernel can reuse the space.
 */
#ifndef PERF_PROF_RING_H
#define PERF_PROF_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/perf_event.h>
#include <perf-prof/record.h>
#include <perf-prof/sample.h>

struct ring {
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	uint64_t mask;		/* data size - 1 */
	uint64_t head, tail;	/* pass bounds */
	size_t map_size;
	int fd;
	int idx;		/* buffer index, becomes pp_record.buf */
	int cpu, tid;		/* what the buffer is attached to (-1 = any) */
	bool hup;		/* the traced task exited */
	uint64_t lost;		/* records the kernel reported lost, total */
	uint64_t lost_interval;	/* ... since the last interval print */
	uint64_t throttled;
	unsigned char *wrap;	/* a record that crosses the end, allocated on first use */
	const struct sample_layout *layout;	/* of the samples its events write */
};

/*
 * Map the ring of event @fd: a metadata page and @pages data pages (a power
 * of two).  0, or -1 with errno and "cannot mmap N pages ...: REASON" in err.
 */
int ring_mmap(struct ring *r, int fd, int pages, char *err, size_t errlen);
/* unmap @r and free its wrap copy; a zeroed ring (never mapped) is fine */
void ring_unmap(struct ring *r);
/* copy a record that wraps the buffer end into r->wrap */
struct perf_event_header *ring_unwrap(struct ring *r, uint64_t off, uint64_t size);

/* snapshot data_head; returns false when there is nothing to read */
static inline bool ring_begin(struct ring *r)
{
	r->head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	r->tail = r->meta->data_tail;
	return r->head != r->tail;
}

/* next raw perf record of this pass, or NULL */
static inline struct perf_event_header *ring_next(struct ring *r)
{
	struct perf_event_header *h;
	uint64_t off, size;

	if (r->tail >= r->head)
		return NULL;
	off = r->tail & r->mask;
	h = (struct perf_event_header *)(r->data + off);
	size = h->size;
	if (size < sizeof(*h) || size > r->head - r->tail) {
		/* cannot happen with a sane kernel: drop the pass */
		r->tail = r->head;
		return NULL;
	}
	if (off + size > r->mask + 1)
		h = ring_unwrap(r, off, size);
	r->tail += size;
	return h;
}

static inline void ring_end(struct ring *r)
{
	__atomic_store_n(&r->meta->data_tail, r->tail, __ATOMIC_RELEASE);
}

/*
 * Decode @h (samples as r->layout says, sample_id_all) into @rec, with
 * rec->buf the ring's index.  Returns false for record types we do not
 * use, and for records too short for their type.
 */
bool ring_decode(const struct ring *r, const struct perf_event_header *h, struct pp_record *rec);

#endif
