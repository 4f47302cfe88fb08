// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipe mode, the stream `perf record -o -` writes: a 16-byte header, then
 * records only.  What file mode keeps in header sections comes in-stream:
 * HEADER_ATTR records (attrs and their ids) and a HEADER_TRACING_DATA
 * record followed by the tracing data.  The reader reads up to the first
 * record at open, so the event formats are known as a file's are; that
 * record (or the end, or an error) is then pending for perfdata_next().
 */
#include <stdio.h>
#include "perfdata-int.h"

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

int pd_pipe_record(struct perfdata *pd, const unsigned char *p, uint32_t type, uint32_t size,
		   char *err, size_t errlen)
{
	uint32_t tsize;

	switch (type) {
	case PD_REC_HEADER_ATTR:
		if (pd_header_attr(pd, p, size, err, errlen))
			return -1;
		pd->pos += size;
		return 1;
	case PD_REC_HEADER_TRACING_DATA:
		if (size < 16) {
			pd_err(pd, err, errlen, pd_off(pd),
			       "tracing data record size %u is too small", size);
			return -1;
		}
		tsize = load32(p + 8);
		pd->pos += size;
		return pd_parse_tracing(pd, tsize, err, errlen) ? -1 : 1;
	default:
		return 0;
	}
}
