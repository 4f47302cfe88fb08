/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one decoder of perf sample records, for the live ring buffers and
 * the perf.data reader alike.  A sample's fields follow its event's
 * sample_type in a fixed order (perf_event_open(2)); a sample_layout,
 * computed once per event, says where the fields this project reads are,
 * so that decoding perf record's layout (and the ring's, which is the
 * same) is a few loads with no test per field.  Records other than
 * samples carry the same identity fields at their end (sample_id_all):
 * sample_trailer() reads them.
 */
#ifndef PERF_PROF_SAMPLE_H
#define PERF_PROF_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <perf-prof/bytes.h>
#include <perf-prof/record.h>

struct sample_layout {
	uint64_t sample_type;
	uint64_t read_format;
	bool sample_id_all;
	bool fast;		/* fixed layout up to RAW: use the offsets below */
	bool full;		/* fast, with tid, time, cpu and raw: no test per field */
	uint32_t off_tid;	/* byte offsets from the record start, 0 = absent */
	uint32_t off_time;
	uint32_t off_cpu;
	uint32_t off_raw;	/* the u32 raw size */
	uint32_t off_read;	/* where the variable part starts (READ, CALLCHAIN, RAW) */
	uint32_t need;		/* fast layout: bytes up to the raw data */
	uint32_t id_off;	/* where the sample id is, 0 = none */
	uint32_t trailer;	/* size of the sample_id_all trailer */
};

/* where the fields are in the samples an attr of these flags writes (fast when fixed) */
void sample_layout_init(struct sample_layout *l, uint64_t sample_type, uint64_t read_format,
			bool sample_id_all);

/* why a sample did not decode (its message is the caller's: it knows where) */
enum sample_err {
	SAMPLE_SHORT = -1,	/* shorter than its sample_type says */
	SAMPLE_RAW = -2,	/* its raw data size (*bad_raw) runs past the record */
};

/* sample_decode() of a layout that is not fast: call that, not this */
int sample_decode_slow(const struct sample_layout *l, const unsigned char *p, uint32_t size,
		       struct pp_record *rec, uint32_t *bad_raw);

/*
 * Decode the PERF_RECORD_SAMPLE at @p (@size bytes, header included) into
 * @rec: type, pid/tid, time, cpu, raw.  rec->buf is the sample's CPU, or
 * @cpu (an id index's, -1 unknown) when it has none; fields the sample does
 * not carry read UINT32_MAX (pid, tid, cpu) or 0 (time).  Returns 0 or an
 * enum sample_err.  Inline: the readers' per-record loops are this.
 */
static inline __attribute__((always_inline))
int sample_decode(const struct sample_layout *l, const unsigned char *p, uint32_t size,
		  int32_t cpu, struct pp_record *restrict rec, uint32_t *bad_raw)
{
	rec->type = PP_REC_SAMPLE;
	rec->lost = 0;
	if (l->fast && l->need > size)
		return SAMPLE_SHORT;
	if (l->full) {
		/* perf record's, perf kvm stat record's and the ring's layout */
		uint32_t rs = load32(p + l->off_raw);

		if (rs > size - l->need) {
			*bad_raw = rs;
			return SAMPLE_RAW;
		}
		rec->pid = load32(p + l->off_tid);
		rec->tid = load32(p + l->off_tid + 4);
		rec->time = load64(p + l->off_time);
		rec->cpu = load32(p + l->off_cpu);
		rec->buf = (int32_t)rec->cpu;
		rec->raw_size = rs;
		rec->raw = p + l->need;
		return 0;
	}
	rec->buf = cpu;
	rec->cpu = (uint32_t)cpu;
	if (l->fast) {
		if (l->off_tid) {
			rec->pid = load32(p + l->off_tid);
			rec->tid = load32(p + l->off_tid + 4);
		} else {
			rec->pid = rec->tid = UINT32_MAX;
		}
		rec->time = l->off_time ? load64(p + l->off_time) : 0;
		if (l->off_cpu) {
			rec->cpu = load32(p + l->off_cpu);
			rec->buf = (int32_t)rec->cpu;
		}
		if (l->off_raw) {
			uint32_t rs = load32(p + l->off_raw);

			if (rs > size - l->need) {
				*bad_raw = rs;
				return SAMPLE_RAW;
			}
			rec->raw_size = rs;
			rec->raw = p + l->need;
		} else {
			rec->raw_size = 0;
			rec->raw = NULL;
		}
		return 0;
	}
	rec->pid = rec->tid = UINT32_MAX;
	rec->time = 0;
	rec->raw_size = 0;
	rec->raw = NULL;
	return sample_decode_slow(l, p, size, rec, bad_raw);
}

/*
 * The sample_id_all trailer of a non-sample record of @size bytes whose
 * own body is @body bytes: pid/tid, time (only when rec->time is still 0)
 * and cpu (rec->buf too).  Nothing when the layout has no trailer or the
 * record is too short for one.
 */
void sample_trailer(const struct sample_layout *l, const unsigned char *p, uint32_t size,
		    uint32_t body, struct pp_record *rec);

#endif
