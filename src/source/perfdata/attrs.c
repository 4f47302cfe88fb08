// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event attrs of a recording and the sample ids that name them: a
 * sample's id (at the position every attr's layout agrees on) finds its
 * attr, hence its layout and whether it is a tracepoint; an ID_INDEX adds
 * the CPU each id was recorded on.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include "perfdata-int.h"

void pd_idc_clear(struct perfdata *pd)
{
	memset(pd->idc, 0, (pd->idc_mask + 1) * sizeof(*pd->idc));
}

/* the cache big enough for the ids there are (a failed growth keeps the one there is) */
static void idc_fit(struct perfdata *pd)
{
	uint32_t n = pd->idc_mask + 1;
	struct pd_idc *c;

	if (pd->nids * 2 <= n || n >= PD_IDC_MAX)
		return;
	while (n < pd->nids * 2 && n < PD_IDC_MAX)
		n *= 2;
	c = calloc(n, sizeof(*c));
	if (!c)
		return;
	if (pd->idc != pd->idc_min)
		free(pd->idc);
	pd->idc = c;
	pd->idc_mask = n - 1;
}

int pd_id_add(struct perfdata *pd, uint64_t id, unsigned attr, uint64_t off, char *err,
	      size_t errlen)
{
	struct pd_id *e;
	unsigned mask, h;

	/* what the cache may hold of this id is stale now; the others are not */
	memset(&pd->idc[id & pd->idc_mask], 0, sizeof(*pd->idc));
	e = pd_id_find(pd, id);
	if (e) {
		e->slot = attr + 1;
		return 0;
	}
	if (pd->nids >= PD_MAX_IDS) {
		pd_err(pd, err, errlen, off, "more than %u sample ids",
		       PD_MAX_IDS);
		return -1;
	}
	if ((pd->nids + 1) * 2 > pd->ids_cap) {
		unsigned ncap = pd->ids_cap ? pd->ids_cap * 2 : 64, i;
		struct pd_id *n = calloc(ncap, sizeof(*n));

		if (!n) {
			pd_err(pd, err, errlen, off, "out of memory");
			return -1;
		}
		for (i = 0; i < pd->ids_cap; i++) {
			struct pd_id *o = &pd->ids[i];

			if (!o->slot)
				continue;
			for (h = pd_hash(o->id, ncap - 1); n[h].slot;
			     h = (h + 1) & (ncap - 1))
				;
			n[h] = *o;
		}
		free(pd->ids);
		pd->ids = n;
		pd->ids_cap = ncap;
	}
	mask = pd->ids_cap - 1;
	for (h = pd_hash(id, mask); pd->ids[h].slot; h = (h + 1) & mask)
		;
	pd->ids[h].id = id;
	pd->ids[h].slot = attr + 1;
	pd->ids[h].cpu = -1;
	pd->nids++;
	idc_fit(pd);
	return 0;
}

/* where samples keep their id: the same place in every attr, or nowhere */
static void pd_check_id_pos(struct perfdata *pd)
{
	unsigned i;

	pd->id_off = pd->nattrs ? pd->attrs[0].lay.id_off : 0;
	pd->id_bad = 0;
	pd->uniform = 1;
	for (i = 1; i < pd->nattrs; i++) {
		const struct pd_attr *a = &pd->attrs[i];

		if (!a->lay.id_off || a->lay.id_off != pd->id_off)
			pd->id_bad = 1;
		if (a->lay.sample_type != pd->attrs[0].lay.sample_type ||
		    a->lay.sample_id_all != pd->attrs[0].lay.sample_id_all)
			pd->uniform = 0;
	}
	if (pd->nattrs > 1 && !pd->id_off)
		pd->id_bad = 1;
}

int pd_check_ids(struct perfdata *pd, uint64_t off, char *err, size_t errlen)
{
	if (!pd->id_bad)
		return 0;
	pd_err(pd, err, errlen, off,
	       "%s", pd->id_off ?
	       "event attrs disagree on where samples keep their id" :
	       "several event attrs, but samples carry no id");
	return -1;
}

int pd_attr_add(struct perfdata *pd, const unsigned char *p, uint64_t off, char *err,
		size_t errlen)
{
	struct pd_attr *a, *n;
	uint64_t flags = load64(p + 40);

	if (pd->nattrs >= PD_MAX_ATTRS) {
		pd_err(pd, err, errlen, off, "more than %u event attrs",
		       PD_MAX_ATTRS);
		return -1;
	}
	n = realloc(pd->attrs, (pd->nattrs + 1) * sizeof(*n));
	if (!n) {
		pd_err(pd, err, errlen, off, "out of memory");
		return -1;
	}
	pd->attrs = n;
	a = &pd->attrs[pd->nattrs];
	memset(a, 0, sizeof(*a));
	a->type = load32(p);
	a->context_switch = (flags >> 26) & 1;
	a->is_tp = a->type == PERF_TYPE_TRACEPOINT;
	a->used = 1;
	a->config = load64(p + 8);
	sample_layout_init(&a->lay, load64(p + 24), load64(p + 32), (flags >> 18) & 1);
	pd_idc_clear(pd);	/* the attrs may have moved */
	pd->nattrs++;
	pd_check_id_pos(pd);
	return (int)pd->nattrs - 1;
}

int pd_header_attr(struct perfdata *pd, const unsigned char *p, uint32_t size, char *err,
		   size_t errlen)
{
	uint64_t off = pd_off(pd);
	uint32_t asz, nids, i;
	int idx;

	if (size < 8 + PD_ATTR_VER0) {
		pd_err(pd, err, errlen, off, "attr record size %u is too small",
		       size);
		return -1;
	}
	asz = load32(p + 8 + 4);
	if (!asz)
		asz = PD_ATTR_VER0;
	if (asz < PD_ATTR_VER0 || asz > size - 8u) {
		pd_err(pd, err, errlen, off,
		       "attr size %u does not fit its record (size %u)", asz, size);
		return -1;
	}
	idx = pd_attr_add(pd, p + 8, off, err, errlen);
	if (idx < 0)
		return -1;
	nids = (size - 8 - asz) / 8;
	for (i = 0; i < nids; i++)
		if (pd_id_add(pd, load64(p + 8 + asz + 8 * i), (unsigned)idx, off,
			      err, errlen))
			return -1;
	return pd_check_ids(pd, off, err, errlen);
}

void pd_id_index(struct perfdata *pd, const unsigned char *p, uint32_t size)
{
	uint64_t nr, i;

	if (size < 16)
		return;
	nr = load64(p + 8);
	if (nr > (size - 16) / 32)
		nr = (size - 16) / 32;
	for (i = 0; i < nr; i++) {
		const unsigned char *q = p + 16 + 32 * i;
		struct pd_id *e = pd_id_find(pd, load64(q));
		uint64_t cpu = load64(q + 16);

		if (e && cpu < INT32_MAX)
			e->cpu = (int32_t)cpu;
	}
	pd_idc_clear(pd);
}

bool perfdata_has_switches(const struct perfdata *pd)
{
	uint32_t i;

	for (i = 0; i < (uint32_t)pd->nattrs; i++)
		if (pd->attrs[i].context_switch && pd->attrs[i].lay.sample_id_all)
			return true;
	return false;
}
