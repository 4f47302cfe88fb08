/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A sample decoded: its attr found by its id, its fields read by the
 * attr's layout.  Inline, for the readers' per-record loops (records.c's
 * batch, sorted.c's scan); why a sample is bad is said out of line
 * (decode.c), and the header that describes the reader (perfdata-int.h)
 * needs neither.
 */
#ifndef PP_PERFDATA_DECODE_H
#define PP_PERFDATA_DECODE_H

#include "perfdata-int.h"

/* the attr of a sample, NULL = skip it; *cpu from ID_INDEX or -1 */
static inline const struct pd_attr *pd_sample_attr(struct perfdata *pd,
						   const unsigned char *p,
						   uint32_t size, int32_t *cpu)
{
	const struct pd_id *e;
	struct pd_idc *c;
	uint64_t id;

	*cpu = -1;
	if (!pd->id_off || !pd->nids || pd->id_off + 8 > size)
		/* a single attr needs no id */
		return pd->nattrs == 1 ? &pd->attrs[0] : NULL;
	id = load64(p + pd->id_off);
	c = &pd->idc[id & pd->idc_mask];
	if (c->a && c->id == id) {
		*cpu = c->cpu;
		return c->a;
	}
	e = pd_id_find(pd, id);
	if (!e)
		return pd->nattrs == 1 ? &pd->attrs[0] : NULL;
	c->id = id;
	c->a = &pd->attrs[e->slot - 1];
	c->cpu = e->cpu;
	c->config = (uint16_t)c->a->config;
	c->tp = c->a->is_tp;
	c->used = c->a->used != 0;
	*cpu = e->cpu;
	return c->a;
}

/* why sample @a's decode (sample_decode()'s @r) failed, in @err: -1 */
int pd_sample_bad(struct perfdata *pd, const struct pd_attr *a, int r, uint32_t size,
		  uint32_t rs, char *err, size_t errlen) __attribute__((noinline, cold));

/*
 * Decode the sample at @p into @rec: 1 done, 0 not one of ours (skip it),
 * -1 bad record.  Inline: the readers' per-record loops are this and
 * little else (the batch reader's, the sorted scan's).
 */
static inline __attribute__((always_inline))
int pd_decode_sample(struct perfdata *pd, const unsigned char *p, uint32_t size,
		     struct pp_record *restrict rec, char *err, size_t errlen)
{
	const struct pd_attr *a;
	uint32_t rs = 0;
	int32_t cpu;
	int r;

	a = pd_sample_attr(pd, p, size, &cpu);
	if (!a) {
		pd->nunknown++;
		return 0;
	}
	if (!a->is_tp)
		return 0;
	r = sample_decode(&a->lay, p, size, cpu, rec, &rs);
	/* a tracepoint's payload begins with its event id: else the layout is wrong */
	if (__builtin_expect(r == 0 && rec->raw_size >= 2 &&
			     load16(rec->raw) == (uint16_t)a->config, 1))
		return 1;
	return pd_sample_bad(pd, a, r, size, rs, err, errlen);
}

#endif
