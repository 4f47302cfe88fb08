// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why a sample did not decode (decode.h's pd_decode_sample() is the
 * decode itself): one line naming the event and the layout that did not fit.
 */
#include <traceevent/event-parse.h>
#include "decode.h"

/* a tracepoint sample that is not its event's: the attr's layout is wrong */
static int pd_mismatch(struct perfdata *pd, const struct pd_attr *a, char *err, size_t errlen)
{
	struct tep_event *ev = pd->tep ? tep_find_event(pd->tep, (int)a->config) : NULL;

	pd_err(pd, err, errlen, pd_off(pd), "a sample of %s%s%s (id %llu) that does not hold "
	       "that event's data where its attr's sample_type 0x%llx puts it (a damaged "
	       "header?)", ev ? ev->system : "event", ev ? ":" : "", ev ? ev->name : "",
	       (unsigned long long)a->config, (unsigned long long)a->lay.sample_type);
	return -1;
}

int pd_sample_bad(struct perfdata *pd, const struct pd_attr *a, int r, uint32_t size,
		  uint32_t rs, char *err, size_t errlen)
{
	if (r == 0)
		return pd_mismatch(pd, a, err, errlen);
	if (r == SAMPLE_SHORT)
		pd_err(pd, err, errlen, pd_off(pd),
		       "sample size %u is too short for its sample_type 0x%llx",
		       size, (unsigned long long)a->lay.sample_type);
	else
		pd_err(pd, err, errlen, pd_off(pd),
		       "sample raw data size %u runs past the record (size %u)", rs, size);
	return -1;
}
