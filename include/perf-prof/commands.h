/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The commands of perf-prof (src/cli/): main() finds the profiler in the
 * profiler table (latency.h) or the heatmap renderer, and hands it its
 * arguments, argv[0] being the command's name.  Each parses its options
 * from its own table (opttable.h) and returns the process exit code: 0
 * done, 1 runtime error, 2 usage error.
 */
#ifndef PERF_PROF_COMMANDS_H
#define PERF_PROF_COMMANDS_H

#include <stdio.h>

struct lat_class;
struct pp_stop;

/* what --help says of a latency profiler (cli/latency-help.c) */
struct lat_help {
	const char *name;		/* the profiler's: "kvm-exit" */
	const char *brief;		/* its line in perf-prof --help */
	const char *summary;		/* the first line of its --help */
	const char *examples;		/* its EXAMPLES block */
	const char *filter_example;	/* a --filter expression on its begin event */
};

/* the help text of command @cls (static; empty strings for a command without one) */
const struct lat_help *lat_help_of(const struct lat_class *cls);

/* the stop of a run by SIGINT, SIGTERM, SIGHUP (cli/signals.c) */
const struct pp_stop *stop_signals(void);
/* `perf-prof kvm-exit|syscalls [options]`, ended early as @stop says */
int latency_command(const struct lat_class *cls, int argc, char **argv,
		    const struct pp_stop *stop);
/* `perf-prof heatmap FILE.lat -o OUT.svg [options]` */
int heatmap_svg_main(int argc, char **argv);

/* each command's options for shell completion (opt_list()'s lines) */
void latency_list_options(const struct lat_class *cls, FILE *f);
void heatmap_list_options(FILE *f);

#endif
