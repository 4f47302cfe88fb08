// SPDX-License-Identifier: GPL-2.0-only
/* perf-prof: a command per profiler of the profiler table, and the heatmap renderer. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <perf-prof/commands.h>
#include <perf-prof/latency.h>
#include <perf-prof/stdfds.h>
#include <perf-prof/version.h>

static void usage(FILE *f)
{
	int i;

	fprintf(f, "USAGE: perf-prof COMMAND [OPTIONS]\n\nCOMMANDS:\n");
	for (i = 0; lat_profilers[i]; i++)
		fprintf(f, "    %-10s %s\n", lat_profilers[i]->name, lat_profilers[i]->brief);
	fprintf(f, "    %-10s %s\n", "heatmap", "render a --heatmap .lat file as SVG");
	fprintf(f, "\nEXAMPLES:\n"
		"    perf-prof kvm-exit -p $(pidof qemu-system-x86_64) -i 1000\n"
		"    perf-prof kvm-exit -C 5-20,53-68 --perins -i 1000\n"
		"    perf-prof syscalls -p 1234 -i 1000\n"
		"\n'perf-prof COMMAND --help' describes a command's options.\n");
}

/* what went to stdout itself (help, version) must have arrived: exit 1 if not */
static int finish(int code)
{
	if ((fflush(stdout) == 0 && !ferror(stdout)) || errno == EPIPE)
		return code;
	fprintf(stderr, "perf-prof: error writing standard output: %s\n", strerror(errno));
	return code ? code : 1;
}

int main(int argc, char **argv)
{
	int i;

	/* before any open(): a closed stdout must not become the heatmap's file */
	stdfds_guard();
	/* past a file size limit, a write fails with EFBIG and is reported */
	signal(SIGXFSZ, SIG_IGN);
	/* a reader that leaves (| head) ends the output, not the process: a
	 * help text longer than stdio's buffer is two writes, and the second
	 * one meets EPIPE, which finish() takes as the end */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("perf-prof %s\n", PERF_PROF_VERSION);
		return finish(0);
	}
	for (i = 0; lat_profilers[i]; i++)
		if (!strcmp(argv[1], lat_profilers[i]->name))
			return finish(latency_command(lat_profilers[i], argc - 1, argv + 1));
	if (!strcmp(argv[1], "heatmap"))
		return finish(heatmap_svg_main(argc - 1, argv + 1));
	fprintf(stderr, "perf-prof: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
