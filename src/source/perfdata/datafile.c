// SPDX-License-Identifier: GPL-2.0-only
/*
 * A data file of a `perf record --threads` directory (DIR/data.N): the
 * records one of perf's writing threads took from its ring buffers, with
 * no header of its own.  The directory's header file (DIR/data) describes
 * them: its reader lends this one its attrs, sample ids and event formats,
 * and counts the losses of all files together (perf writes each ring's
 * LOST records into that ring's file, and the LOST_SAMPLES of its end
 * into the header file: one count, so that nothing is counted twice).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "perfdata-int.h"

bool perfdata_is_dir_header(const struct perfdata *pd)
{
	return pd->dir_format && !pd->pipe;
}

struct perfdata *perfdata_open_data(struct perfdata *head, const char *path,
				    bool (*stopping)(void), char *err, size_t errlen)
{
	struct perfdata *pd;
	struct stat st;

	if (err && errlen)
		err[0] = 0;
	pd = pd_new(path, stopping, &st, err, errlen);
	if (!pd)
		return NULL;
	if (!S_ISREG(st.st_mode)) {
		pd_err(pd, err, errlen, 0, "a data file of a perf.data directory must be a "
		       "regular file");
		perfdata_close(pd);
		return NULL;
	}
	pd->head = head;
	pd->attrs = head->attrs;
	pd->nattrs = head->nattrs;
	pd->ids = head->ids;
	pd->ids_cap = head->ids_cap;
	pd->nids = head->nids;
	pd->id_off = head->id_off;
	pd->uniform = head->uniform;
	pd->tep = head->tep;
	pd->comp_type = head->comp_type;
	pd->comp_mmap_len = head->comp_mmap_len;
	pd->pending = 2;	/* records from the first byte on: nothing read ahead */
	pd->end = (uint64_t)st.st_size;
	return pd;
}
