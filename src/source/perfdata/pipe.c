// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipe mode, the stream `perf record -o -` writes: a 16-byte header, then
 * records only.  What file mode keeps in header sections comes in-stream:
 * HEADER_ATTR records (attrs and their ids) and a HEADER_TRACING_DATA
 * record followed by the tracing data: this file reads them as the
 * record loop (records.c) meets them.  The read-ahead to the first record
 * at open, which makes the formats known as a file's are, and the record
 * then pending are records.c's (pd_open_pipe(), pd_pipe_pending()).
 */
#include <stdio.h>
#include "perfdata-int.h"

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
