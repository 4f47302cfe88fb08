// SPDX-License-Identifier: GPL-2.0-only
/*
 * libmicrohttpd on demand (see include/perf-prof/mhd.h for why).  Its
 * soname has been libmicrohttpd.so.12 since 2014; the unversioned name is
 * a development install's.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <perf-prof/mhd.h>

struct mhd_api mhd;

static const char *const sonames[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };

static int loaded;	/* 1 done, -1 failed (said once more each call) */
static char why[256];

/* dlsym(@h, @name) into *@slot: 0, or -1 with why */
static int resolve(void *h, const char *name, void *slot)
{
	void *f = dlsym(h, name);

	if (!f) {
		snprintf(why, sizeof(why), "libmicrohttpd has no %s", name);
		return -1;
	}
	*(void **)slot = f;
	return 0;
}

static int load(void)
{
	void *h = dlopen(sonames[0], RTLD_NOW | RTLD_LOCAL);
	size_t i;

	/* why the soname failed is what a user needs to read, not the fallback's */
	if (!h)
		snprintf(why, sizeof(why), "cannot load libmicrohttpd: %s", dlerror());
	for (i = 1; i < sizeof(sonames) / sizeof(sonames[0]) && !h; i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -1;
	if (resolve(h, "MHD_start_daemon", &mhd.start_daemon) ||
	    resolve(h, "MHD_stop_daemon", &mhd.stop_daemon) ||
	    resolve(h, "MHD_create_response_from_buffer", &mhd.create_response_from_buffer) ||
	    resolve(h, "MHD_add_response_header", &mhd.add_response_header) ||
	    resolve(h, "MHD_queue_response", &mhd.queue_response) ||
	    resolve(h, "MHD_destroy_response", &mhd.destroy_response) ||
	    resolve(h, "MHD_get_connection_info", &mhd.get_connection_info) ||
	    resolve(h, "MHD_lookup_connection_value", &mhd.lookup_connection_value)) {
		dlclose(h);
		return -1;
	}
	return 0;	/* never closed: the exporter may run until exit */
}

int mhd_load(char *err, size_t errlen)
{
	/* the exporter starts from the main thread, once a run: no lock */
	if (!loaded)
		loaded = load() == 0 ? 1 : -1;
	if (loaded < 0) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	return 0;
}
