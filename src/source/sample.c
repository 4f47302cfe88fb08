// SPDX-License-Identifier: GPL-2.0-only
#include <linux/perf_event.h>
#include <perf-prof/sample.h>

static unsigned popcount64(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

/* a non-group READ: the value, then the fields read_format adds */
static uint32_t read_one_size(uint64_t rf)
{
	return 8 + 8 * popcount64(rf & (PERF_FORMAT_TOTAL_TIME_ENABLED |
					PERF_FORMAT_TOTAL_TIME_RUNNING | PERF_FORMAT_ID |
					PERF_FORMAT_LOST));
}

/* the u64 fields of a sample that precede READ have fixed sizes */
void sample_layout_init(struct sample_layout *l, uint64_t sample_type, uint64_t read_format,
			bool sample_id_all)
{
	static const uint64_t fixed[] = {	/* in the order a sample has them */
		PERF_SAMPLE_IDENTIFIER, PERF_SAMPLE_IP, PERF_SAMPLE_TID, PERF_SAMPLE_TIME,
		PERF_SAMPLE_ADDR, PERF_SAMPLE_ID, PERF_SAMPLE_STREAM_ID, PERF_SAMPLE_CPU,
		PERF_SAMPLE_PERIOD,
	};
	uint64_t st = sample_type;
	uint32_t off = 8;
	size_t i;

	l->sample_type = sample_type;
	l->read_format = read_format;
	l->sample_id_all = sample_id_all;
	l->off_tid = l->off_time = l->off_cpu = l->off_raw = 0;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!(st & fixed[i]))
			continue;
		if (fixed[i] == PERF_SAMPLE_TID)
			l->off_tid = off;
		else if (fixed[i] == PERF_SAMPLE_TIME)
			l->off_time = off;
		else if (fixed[i] == PERF_SAMPLE_CPU)
			l->off_cpu = off;
		off += 8;
	}
	l->off_read = off;
	l->fast = true;
	if (st & PERF_SAMPLE_READ) {
		if (read_format & PERF_FORMAT_GROUP)
			l->fast = false;
		else
			off += read_one_size(read_format);
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

/* a sample whose READ or CALLCHAIN part varies: the fixed fields, then a walk to RAW */
int sample_decode_slow(const struct sample_layout *l, const unsigned char *p, uint32_t size,
		       struct pp_record *rec, uint32_t *bad_raw)
{
	uint64_t st = l->sample_type;
	uint32_t off = l->off_read;

#define NEED(n) do { if ((uint64_t)off + (n) > size) return SAMPLE_SHORT; } while (0)
	if ((uint64_t)l->off_tid + 8 > size || (uint64_t)l->off_time + 8 > size ||
	    (uint64_t)l->off_cpu + 8 > size)
		return SAMPLE_SHORT;
	if (l->off_tid) {
		rec->pid = load32(p + l->off_tid);
		rec->tid = load32(p + l->off_tid + 4);
	}
	if (l->off_time)
		rec->time = load64(p + l->off_time);
	if (l->off_cpu) {
		rec->cpu = load32(p + l->off_cpu);
		rec->buf = (int32_t)rec->cpu;
	}
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
			off += read_one_size(rf);
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
