// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracefs may be unmounted on a fresh machine; perf_event_open() does not
 * need it, but we need the event format files, so find it or mount it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <perf-prof/proc.h>
#include <perf-prof/tracefs.h>

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

static int is_tracefs(const char *dir)
{
	struct statfs sfs;
	char path[256];

	if (statfs(dir, &sfs) < 0)
		return 0;
	if (sfs.f_type != TRACEFS_MAGIC) {
		/* debugfs exposes tracing/ as an automount of tracefs */
		snprintf(path, sizeof(path), "%s/events", dir);
		return access(path, F_OK) == 0;
	}
	return 1;
}

const char *tracefs_dir(char *buf, size_t len, char *err, size_t errlen)
{
	static const char *const cand[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	const char *env = getenv("PERF_PROF_TRACEFS");
	size_t i;

	if (env && *env) {
		/* an explicit tree: unusual mounts, and tests of missing events */
		snprintf(buf, len, "%s", env);
		return buf;
	}
	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (is_tracefs(cand[i])) {
			snprintf(buf, len, "%s", cand[i]);
			return buf;
		}
	}
	if (mount("nodev", cand[0], "tracefs", 0, NULL) == 0 && is_tracefs(cand[0])) {
		snprintf(buf, len, "%s", cand[0]);
		return buf;
	}
	snprintf(err, errlen,
		 "tracefs is not mounted and mounting it at %s failed (%s); "
		 "run as root or: mount -t tracefs nodev %s",
		 cand[0], strerror(errno), cand[0]);
	return NULL;
}

char *tracefs_read(const char *tracefs, const char *rel, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tracefs, rel);
	return read_file(path, len);
}
