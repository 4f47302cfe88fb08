// SPDX-License-Identifier: GPL-2.0-only
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#define MAX_SUITES 128
static Suite *(*suites[MAX_SUITES])(void);
static int nsuites;

void unit_register(Suite *(*fn)(void))
{
	if (nsuites < MAX_SUITES)
		suites[nsuites++] = fn;
}

int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(NULL);
	const char *base = strrchr(argv[0], '/');
	int i, run, failed, len;

	/*
	 * The tests that send SIGHUP check what a closed terminal does.  A
	 * suite started under nohup (as a CI job may be) would hand its
	 * ignored SIGHUP to every tool it runs, and the tool rightly keeps
	 * ignoring it; the nohup case has a test of its own that says nohup.
	 */
	signal(SIGHUP, SIG_DFL);
	for (i = 0; i < nsuites; i++)
		srunner_add_suite(sr, suites[i]());
	if (argc > 1)
		srunner_set_xml(sr, argv[1]);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* "unit-runner" → "unit: ...", "live-runner" → "live: ..." */
	base = base ? base + 1 : argv[0];
	len = strcspn(base, "-");
	printf("%.*s: %d passed, %d failed\n", len, base, run - failed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
