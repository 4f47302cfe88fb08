// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data section (or stream): records in file order, decoded into
 * pp_records.  Samples of tracepoint attrs, LOST and LOST_SAMPLES (as
 * PP_REC_LOST), THROTTLE, context switches and FINISHED_ROUND are
 * returned; the records that describe the recording (attrs, ids, tracing
 * data) update the reader; the rest is skipped.
 */
#include <stdio.h>
#include <string.h>
#include <linux/perf_event.h>
#include "decode.h"

/*
 * The identity of a LOST, THROTTLE or SWITCH record: the sample_id_all
 * trailer of the attr of sample id @id (@have_id), else of the attrs when
 * they share one layout.
 */
static void pd_trailer(struct perfdata *pd, const unsigned char *p, uint32_t size,
		       uint32_t body, int have_id, uint64_t id, struct pp_record *rec)
{
	const struct pd_attr *a = NULL;
	const struct pd_id *e = have_id ? pd_id_find(pd, id) : NULL;

	if (e) {
		a = &pd->attrs[e->slot - 1];
		rec->buf = e->cpu;
		if (e->cpu >= 0)
			rec->cpu = (uint32_t)e->cpu;
	} else if (pd->nattrs && pd->uniform) {
		a = &pd->attrs[0];
	}
	if (a)
		sample_trailer(&a->lay, p, size, body, rec);
}

/* does the last u64 of a record carry the sample id (PERF_SAMPLE_IDENTIFIER)? */
static int pd_id_last(const struct perfdata *pd)
{
	return pd->nattrs && (pd->attrs[0].lay.sample_type & PERF_SAMPLE_IDENTIFIER) &&
	       pd->attrs[0].lay.sample_id_all;
}

/* a record that is not a sample: everything unknown until its trailer says */
static void pd_other(struct pp_record *rec, uint32_t type)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->buf = -1;
	rec->cpu = rec->pid = rec->tid = UINT32_MAX;
}

/* the losses of the recording: a directory's data files count with its header file's reader */
static uint64_t pd_lost_total(const struct perfdata *pd)
{
	const struct perfdata *h = pd->head ? pd->head : pd;

	return h->lost_sum > h->lost_samples_sum ? h->lost_sum : h->lost_samples_sum;
}

/*
 * LOST, LOST_SAMPLES, THROTTLE: 1, 0 for a LOST_SAMPLES that LOST records
 * reported already, or -1 when too small
 */
static int pd_lost(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size,
		   struct pp_record *rec, char *err, size_t errlen)
{
	uint32_t body = type == PERF_RECORD_LOST ? 24 : type == PERF_RECORD_THROTTLE ? 32 : 16;

	if (size < body) {
		pd_err(pd, err, errlen, pd_off(pd), "record type %u size %u is too small",
		       type, size);
		return -1;
	}
	if (type == PERF_RECORD_LOST) {
		uint64_t before = pd_lost_total(pd);

		(pd->head ? pd->head : pd)->lost_sum += load64(p + 16);
		pd_other(rec, PP_REC_LOST);
		rec->lost = pd_lost_total(pd) - before;
		pd_trailer(pd, p, size, body, 1, load64(p + 8), rec);
	} else if (type == PERF_RECORD_LOST_SAMPLES) {
		uint64_t before = pd_lost_total(pd);
		int idf = pd_id_last(pd);

		(pd->head ? pd->head : pd)->lost_samples_sum += load64(p + 8);
		if (pd_lost_total(pd) == before) {
			pd->pos += size;
			return 0;	/* reported by LOST records already */
		}
		pd_other(rec, PP_REC_LOST);
		rec->lost = pd_lost_total(pd) - before;
		pd_trailer(pd, p, size, body, idf, idf ? load64(p + size - 8) : 0, rec);
	} else {
		pd_other(rec, PP_REC_THROTTLE);
		rec->time = load64(p + 8);
		pd_trailer(pd, p, size, body, 1, load64(p + 16), rec);
	}
	pd->pos += size;
	return 1;
}

/* perf record --switch-events: 1, or 0 without sample_id_all (it says nothing usable) */
static int pd_switch(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size,
		     struct pp_record *rec)
{
	uint32_t body = type == PERF_RECORD_SWITCH ? 8 : 16;
	int idf = pd_id_last(pd) && size >= body + 8;

	/* the trailer's tid is the task switching, in or out */
	pd_other(rec, (load16(p + 4) & PERF_RECORD_MISC_SWITCH_OUT) ? PP_REC_SWITCH_OUT
								     : PP_REC_SWITCH_IN);
	pd_trailer(pd, p, size, body, idf, idf ? load64(p + size - 8) : 0, rec);
	pd->pos += size;
	return rec->tid == UINT32_MAX || !rec->time ? 0 : 1;
}

/* AUXTRACE: the record, then its data, skipped */
static int pd_auxtrace(struct perfdata *pd, const unsigned char *p, uint32_t size, char *err,
		       size_t errlen)
{
	uint64_t asize;

	if (size < 16) {
		pd_err(pd, err, errlen, pd_off(pd), "auxtrace record size %u is too small", size);
		return -1;
	}
	asize = load64(p + 8);
	pd->pos += size;
	if (asize > pd->end - pd_off(pd)) {
		pd_err(pd, err, errlen, pd_off(pd) - size,
		       "auxtrace data size %llu runs past the data", (unsigned long long)asize);
		return -1;
	}
	return pd_take(pd, NULL, asize, "auxtrace data", err, errlen);
}

/*
 * The next whole record at buf + pos: 1 (*@type, *@size set), 0 at the
 * end of the data, 2 when decompressed data has no whole record more (the
 * file's records are read again), -1 bad or truncated.
 */
static int pd_record_head(struct perfdata *pd, uint32_t *type, uint32_t *size, char *err,
			  size_t errlen)
{
	const unsigned char *p;
	int r;

	if (pd->len - pd->pos < 8) {
		r = pd_fill(pd, 8, err, errlen);
		if (r < 0)
			return -1;
		if (!r && pd->in_z) {
			pd_z_leave(pd);	/* the rest comes with the next compressed record */
			return 2;
		}
		if (!r) {
			if (pd->len == pd->pos) {
				pd_z_end(pd);
				return 0;
			}
			pd_err(pd, err, errlen, pd_off(pd),
			       "truncated record header (%zu bytes left)",
			       pd->len - pd->pos);
			return -1;
		}
	}
	p = pd->buf + pd->pos;
	*type = load32(p);
	*size = load16(p + 6);
	if (*size < 8) {
		pd_err(pd, err, errlen, pd_off(pd), "record size %u is invalid", *size);
		return -1;
	}
	if (pd->len - pd->pos < *size) {
		r = pd_fill(pd, *size, err, errlen);
		if (r < 0)
			return -1;
		if (!r && pd->in_z) {
			pd_z_leave(pd);
			return 2;
		}
		if (!r) {
			pd_err(pd, err, errlen, pd_off(pd),
			       "truncated record: type %u size %u, only %zu bytes left",
			       *type, *size, pd->len - pd->pos);
			return -1;
		}
	}
	return 1;
}

int pd_next(struct perfdata *pd, struct pp_record *rec, char *err, size_t errlen)
{
	for (;;) {
		const unsigned char *p;
		uint32_t type = 0, size = 0;
		int r = pd_record_head(pd, &type, &size, err, errlen);

		if (r == 2)
			continue;
		if (r <= 0)
			return r;
		p = pd->buf + pd->pos;
		/* perfdata_offset()'s answer if this record is returned */
		pd->rec_off = pd_off(pd);

		switch (type) {
		case PERF_RECORD_SAMPLE:
			r = pd_decode_sample(pd, p, size, rec, err, errlen);
			if (r < 0)
				return -1;
			pd->pos += size;
			if (r)
				pd->buf_held = 1;
			break;
		case PERF_RECORD_LOST:
		case PERF_RECORD_LOST_SAMPLES:
		case PERF_RECORD_THROTTLE:
			r = pd_lost(pd, p, type, size, rec, err, errlen);
			break;
		case PERF_RECORD_SWITCH:
		case PERF_RECORD_SWITCH_CPU_WIDE:
			r = pd_switch(pd, p, type, size, rec);
			break;
		case PERF_RECORD_COMM:
		case PERF_RECORD_FORK:
			pd_comm_record(pd, p, type, size);
			pd->pos += size;
			continue;
		case PD_REC_FINISHED_ROUND:
			pd_other(rec, PP_REC_ROUND);
			pd->pos += size;
			r = 1;
			break;
		case PD_REC_ID_INDEX:
			pd_id_index(pd, p, size);
			pd->pos += size;
			r = 0;
			break;
		case PD_REC_AUXTRACE:
			r = pd_auxtrace(pd, p, size, err, errlen);
			break;
		case PD_REC_COMPRESSED:
		case PD_REC_COMPRESSED2:
			if (pd->in_z) {
				pd_err(pd, err, errlen, pd_off(pd),
				       "a compressed record inside compressed data");
				return -1;
			}
			if (pd_z_enter(pd, p, type, size, err, errlen) < 0)
				return -1;
			continue;
		default:
			r = pd_pipe_record(pd, p, type, size, err, errlen);
			if (r == 0) {
				pd->pos += size;	/* of no interest */
				continue;
			}
			r = r < 0 ? -1 : 0;
			break;
		}
		if (r)
			return r;
	}
}

/*
 * Pipe mode reads ahead at open to its first record, so that the event
 * formats are known as a file's are; that record (or the end, or an
 * error) is then pending for perfdata_next().
 */
void pd_open_pipe(struct perfdata *pd)
{
	pd->pending = pd_next(pd, &pd->pend, pd->pend_err, sizeof(pd->pend_err));
	if (pd->pending < 0 && !pd->pend_err[0])
		pd_err(pd, pd->pend_err, sizeof(pd->pend_err), pd_off(pd), "read failed");
}

int pd_pipe_pending(struct perfdata *pd, struct pp_record *rec, char *err, size_t errlen)
{
	int r = pd->pending;

	if (r > 0) {
		*rec = pd->pend;
		pd->pending = 2;
	} else if (r < 0 && err && errlen) {
		/* end or error: stays so */
		snprintf(err, errlen, "%s", pd->pend_err);
	}
	return r;
}

int perfdata_next(struct perfdata *pd, struct pp_record *rec, char *err,
		  size_t errlen)
{
	int r;

	if (pd->pipe && pd->pending != 2)
		return pd_pipe_pending(pd, rec, err, errlen);
	r = pd_next(pd, rec, err, errlen);
	if (r <= 0 && pd->pipe) {
		/* remember the end so further calls repeat it */
		pd->pending = r;
		if (r < 0 && err)
			snprintf(pd->pend_err, sizeof(pd->pend_err), "%s", err);
	}
	return r;
}

int perfdata_next_batch(struct perfdata *pd, struct pp_record *restrict recs,
			uint64_t *restrict offs, int max, char *err, size_t errlen)
{
	const unsigned char *const buf = pd->buf;
	const size_t len = pd->len;
	size_t pos = pd->pos;
	int n = 0, r;

	/*
	 * The common case, a run of samples already in the buffer, without
	 * a call per record; anything else goes through perfdata_next().
	 * pd->pos is kept in a register and written back.
	 */
	if (pd->pending != 2)
		max = 0;
	while (n < max && len - pos >= 8) {
		const unsigned char *p = buf + pos;
		uint64_t hdr = load64(p);
		uint32_t size = (uint32_t)(hdr >> 48);

		if ((uint32_t)hdr != PERF_RECORD_SAMPLE || size < 8 || size > len - pos)
			break;
		pd->pos = pos;	/* for the offset in an error message */
		r = pd_decode_sample(pd, p, size, &recs[n], err, errlen);
		if (r < 0)
			return -1;
		if (r)
			offs[n++] = pd->buf_off + pos;
		pos += size;
	}
	pd->pos = pos;
	if (n) {
		pd->buf_held = 1;
		pd->rec_off = offs[n - 1];
		return n;
	}
	r = perfdata_next(pd, &recs[0], err, errlen);
	offs[0] = pd->rec_off;
	return r;
}
