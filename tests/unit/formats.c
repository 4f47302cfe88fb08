// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/tep.h>
#include <perf-prof/tests-only.h>
#include <perf-prof/proc.h>
#include <perf-prof/tracefs.h>
#include "formats.h"
#include "unit.h"

struct tep_event *load_format(struct tep_handle *tep, const char *file, const char *system,
			      const char *override_fmt)
{
	char path[512], err[256];
	struct tep_event *ev;
	size_t len;
	char *buf;
	int id;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, file);
	buf = read_file(path, &len);
	ck_assert_msg(buf != NULL, "cannot read %s", path);
	if (override_fmt) {
		char *pf = strstr(buf, "print fmt:");
		char *nb;

		ck_assert_ptr_nonnull(pf);
		*pf = 0;
		ck_assert_int_ne(asprintf(&nb, "%sprint fmt: %s\n", buf, override_fmt), -1);
		free(buf);
		buf = nb;
		len = strlen(buf);
	}
	ck_assert_int_eq(pp_tep_parse_format(tep, buf, len, system, err, sizeof(err)), 0);
	ck_assert_int_eq(sscanf(strstr(buf, "ID: "), "ID: %d", &id), 1);
	free(buf);
	ev = tep_find_event(tep, id);
	ck_assert_ptr_nonnull(ev);
	return ev;
}
