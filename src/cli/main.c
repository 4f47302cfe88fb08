// SPDX-License-Identifier: GPL-2.0-only
/* perf-prof: a command per profiler of the profiler table, and the heatmap renderer. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <perf-prof/commands.h>
#include <perf-prof/latency.h>
#include <perf-prof/reason-names.h>
#include <perf-prof/stdfds.h>
#include <perf-prof/suggest.h>
#include <perf-prof/version.h>

#define MAX_COMMANDS	16

static void usage(FILE *f)
{
	int i;

	fprintf(f, "USAGE: perf-prof COMMAND [OPTIONS]\n\nCOMMANDS:\n");
	for (i = 0; lat_profilers[i]; i++)
		fprintf(f, "    %-10s %s\n", lat_profilers[i]->name,
			lat_help_of(lat_profilers[i])->brief);
	fprintf(f, "    %-10s %s\n", "heatmap", "render a --heatmap .lat file as SVG");
	fprintf(f, "    %-10s %s\n", "help", "describe a command: perf-prof help kvm-exit");
	fprintf(f, "\nEXAMPLES:\n"
		"    perf-prof kvm-exit -p $(pidof qemu-system-x86_64) -i 1000\n"
		"    perf-prof kvm-exit -C 5-20,53-68 --perins -i 1000\n"
		"    perf-prof syscalls -p 1234 -i 1000\n"
		"\n'perf-prof COMMAND --help' or 'perf-prof help COMMAND' describes a command's\n"
		"options; man perf-prof introduces them all.\n");
}

/* what went to stdout itself (help, version) must have arrived: exit 1 if not */
static int finish(int code)
{
	if ((fflush(stdout) == 0 && !ferror(stdout)) || errno == EPIPE)
		return code;
	fprintf(stderr, "perf-prof: error writing standard output: %s\n", strerror(errno));
	return code ? code : 1;
}

/* every command's name, "help" last; returns how many */
static size_t command_names(const char **names)
{
	size_t n = 0;
	int i;

	for (i = 0; lat_profilers[i] && n < MAX_COMMANDS - 2; i++)
		names[n++] = lat_profilers[i]->name;
	names[n++] = "heatmap";
	names[n++] = "help";
	return n;
}

/* a command that is none: one line, with the one it most likely meant */
static int unknown_command(const char *typed)
{
	const char *names[MAX_COMMANDS];
	size_t n = command_names(names);
	const char *meant = suggest(typed, names, n);

	if (meant) {
		fprintf(stderr, "perf-prof: unknown command '%s'; did you mean '%s'?\n", typed, meant);
	} else {
		fprintf(stderr, "perf-prof: unknown command '%s'\n", typed);
		usage(stderr);
	}
	return 2;
}

/* run command @name with @argc, @argv (argv[0] its name); -1 if there is none */
static int run_command(const char *name, int argc, char **argv)
{
	int i;

	for (i = 0; lat_profilers[i]; i++)
		if (!strcmp(name, lat_profilers[i]->name))
			return latency_command(lat_profilers[i], argc, argv, stop_signals());
	if (!strcmp(name, "heatmap"))
		return heatmap_svg_main(argc, argv);
	return -1;
}

/* `perf-prof help [COMMAND]`: the command's --help */
static int help(int argc, char **argv)
{
	char *args[] = { argv[1], (char *)"--help", NULL };
	int code;

	if (argc < 2 || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	code = run_command(argv[1], 2, args);
	return code < 0 ? unknown_command(argv[1]) : code;
}

/*
 * The hidden listing the bash completion reads, so that it never drifts
 * from the binary: `--complete commands`, `--complete options CMD`,
 * `--complete reasons CMD`.
 */
static int complete(int argc, char **argv)
{
	const char *names[MAX_COMMANDS];
	size_t i, n = command_names(names);
	int k;

	if (argc >= 1 && !strcmp(argv[0], "commands")) {
		for (i = 0; i < n; i++)
			printf("%s\n", names[i]);
		return 0;
	}
	if (argc < 2)
		return 2;
	if (!strcmp(argv[0], "reasons"))
		return reason_names_list(argv[1], stdout) < 0 ? 2 : 0;
	if (strcmp(argv[0], "options"))
		return 2;
	if (!strcmp(argv[1], "heatmap")) {
		heatmap_list_options(stdout);
		return 0;
	}
	for (k = 0; lat_profilers[k]; k++) {
		if (!strcmp(argv[1], lat_profilers[k]->name)) {
			latency_list_options(lat_profilers[k], stdout);
			return 0;
		}
	}
	return 2;
}

int main(int argc, char **argv)
{
	int code;

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
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "help"))
		return finish(help(argc - 1, argv + 1));
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("perf-prof %s\n", PERF_PROF_VERSION);
		return finish(0);
	}
	if (!strcmp(argv[1], "--complete"))
		return finish(complete(argc - 2, argv + 2));
	code = run_command(argv[1], argc - 1, argv + 1);
	if (code >= 0)
		return finish(code);
	return unknown_command(argv[1]);
}
