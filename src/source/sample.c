// SPDX-License-Identifier: GPL-2.0-only
#include <linux/perf_event.h>
#include <perf-prof/sample.h>

static unsigned popcount64(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

/* the u64 fields of a sample that precede READ have fixed sizes */
void sample_layout_init(struct sample_layout *l, uint64_t sample_type, uint64_t read_format,
			bool sample_id_all)
{
	uint64_t st = sample_type;
	uint32_t off = 8;

	l->sample_type = sample_type;
	l->read_format = read_format;
	l->sample_id_all = sample_id_all;
	l->off_tid = l->off_time = l->off_cpu = l->off_raw = 0;
	if (st & PERF_SAMPLE_IDENTIFIER)
		off += 8;
	if (st & PERF_SAMPLE_IP)
		off += 8;
	if (st & PERF_SAMPLE_TID) {
		l->off_tid = off;
		off += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		l->off_time = off;
		off += 8;
	}
	if (st & PERF_SAMPLE_ADDR)
		off += 8;
	if (st & PERF_SAMPLE_ID)
		off += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		off += 8;
	if (st & PERF_SAMPLE_CPU) {
		l->off_cpu = off;
		off += 8;
	}
	if (st & PERF_SAMPLE_PERIOD)
		off += 8;
	l->fast = true;
	if (st & PERF_SAMPLE_READ) {
		uint64_t rf = read_format;

		if (rf & PERF_FORMAT_GROUP) {
			l->fast = false;
		} else {
			off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
				off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
				off += 8;
			if (rf & PERF_FORMAT_ID)
				off += 8;
			if (rf & PERF_FORMAT_LOST)
				off += 8;
		}
	}
	if (st & PERF_SAMPLE_CALLCHAIN)
		l->fast = false;
	if (l->fast && (st & PERF_SAMPLE_RAW))
		l->off_raw = off;
	l->need = l->off_raw ? l->off_raw + 4 : l->off_cpu ? l->off_cpu + 8 :
		  l->off_time ? l->off_time + 8 : l->off_tid ? l->off_tid + 8 : 8;
	l->full = l->fast && l->off_tid && l->off_time && l->off_cpu && l->off_raw;

	/* where the id is in a sample */
	if (st & PERF_SAMPLE_IDENTIFIER)
		l->id_off = 8;
	else if (st & PERF_SAMPLE_ID)
		l->id_off = 8 + 8 * popcount64(st & (PERF_SAMPLE_IP |
			PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR));
	else
		l->id_off = 0;

	l->trailer = 0;
	if (sample_id_all)
		l->trailer = 8 * popcount64(st & (PERF_SAMPLE_TID |
			PERF_SAMPLE_TIME | PERF_SAMPLE_ID |
			PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU |
			PERF_SAMPLE_IDENTIFIER));
}

/* a full walk of a sample up to RAW, for layouts with variable fields */
int sample_decode_slow(const struct sample_layout *l, const unsigned char *p, uint32_t size,
		       struct pp_record *rec, uint32_t *bad_raw)
{
	uint64_t st = l->sample_type;
	uint32_t off = 8;

#define NEED(n) do { if ((uint64_t)off + (n) > size) return SAMPLE_SHORT; } while (0)
	if (st & PERF_SAMPLE_IDENTIFIER)
		off += 8;
	if (st & PERF_SAMPLE_IP)
		off += 8;
	if (st & PERF_SAMPLE_TID) {
		NEED(8);
		rec->pid = load32(p + off);
		rec->tid = load32(p + off + 4);
		off += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		NEED(8);
		rec->time = load64(p + off);
		off += 8;
	}
	if (st & PERF_SAMPLE_ADDR)
		off += 8;
	if (st & PERF_SAMPLE_ID)
		off += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		off += 8;
	if (st & PERF_SAMPLE_CPU) {
		NEED(8);
		rec->cpu = load32(p + off);
		rec->buf = (int32_t)rec->cpu;
		off += 8;
	}
	if (st & PERF_SAMPLE_PERIOD)
		off += 8;
	if (st & PERF_SAMPLE_READ) {
		uint64_t rf = l->read_format;
		uint64_t per = 8 + ((rf & PERF_FORMAT_ID) ? 8 : 0) +
			       ((rf & PERF_FORMAT_LOST) ? 8 : 0);

		if (rf & PERF_FORMAT_GROUP) {
			uint64_t nr;

			NEED(8);
			nr = load64(p + off);
			off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
				off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
				off += 8;
			if (nr > size / per)
				return SAMPLE_SHORT;
			NEED(nr * per);
			off += (uint32_t)(nr * per);
		} else {
			off += (uint32_t)per;
			if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
				off += 8;
			if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
				off += 8;
		}
	}
	if (st & PERF_SAMPLE_CALLCHAIN) {
		uint64_t nr;

		NEED(8);
		nr = load64(p + off);
		off += 8;
		if (nr > size / 8)
			return SAMPLE_SHORT;
		NEED(nr * 8);
		off += (uint32_t)(nr * 8);
	}
	if (st & PERF_SAMPLE_RAW) {
		uint32_t rs;

		NEED(4);
		rs = load32(p + off);
		off += 4;
		if ((uint64_t)off + rs > size) {
			*bad_raw = rs;
			return SAMPLE_RAW;
		}
		rec->raw = p + off;
		rec->raw_size = rs;
	}
	return 0;
#undef NEED
}

void sample_trailer(const struct sample_layout *l, const unsigned char *p, uint32_t size,
		    uint32_t body, struct pp_record *rec)
{
	uint64_t st = l->sample_type;
	uint32_t off;

	if (!l->sample_id_all || !l->trailer || (uint64_t)body + l->trailer > size)
		return;
	off = size - l->trailer;
	if (st & PERF_SAMPLE_TID) {
		rec->pid = load32(p + off);
		rec->tid = load32(p + off + 4);
		off += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		if (!rec->time)
			rec->time = load64(p + off);
		off += 8;
	}
	if (st & PERF_SAMPLE_ID)
		off += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		off += 8;
	if (st & PERF_SAMPLE_CPU) {
		rec->cpu = load32(p + off);
		rec->buf = (int32_t)rec->cpu;
	}
}
