/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libmicrohttpd, loaded when --prometheus first listens, and called
 * through this table.  It links GnuTLS, whose constructor sets up its
 * crypto when the library is loaded: linked, that cost every start of
 * the tool 6 ms (`perf-prof --version`: 9.5 ms with it, 3.9 ms without,
 * medians of 30), for an exporter few runs start.
 */
#ifndef PERF_PROF_MHD_H
#define PERF_PROF_MHD_H

#include <stddef.h>
#include <microhttpd.h>

struct mhd_api {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
};

/* filled by mhd_load() */
extern struct mhd_api mhd;

/* load libmicrohttpd (once): 0, or -1 with why in @err */
int mhd_load(char *err, size_t errlen);

#endif
