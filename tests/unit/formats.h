/* SPDX-License-Identifier: GPL-2.0-only */
/* Loading the tracepoint format files of tests/data into a tep handle. */
#ifndef PP_TESTS_FORMATS_H
#define PP_TESTS_FORMATS_H

struct tep_handle;
struct tep_event;

/*
 * Parse tests/data/@file as an event of @system into @tep; with
 * @override_fmt, its print fmt is replaced first.  Fails the test if
 * anything goes wrong; returns the event.
 */
struct tep_event *load_format(struct tep_handle *tep, const char *file, const char *system,
			      const char *override_fmt);

#endif
