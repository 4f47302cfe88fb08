/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One option table per command: each option's names, its argument, its
 * help line and the commands it applies to.  getopt_long's tables and the
 * option lines of --help are both made from it, so the help cannot drift
 * from what is parsed.
 */
#ifndef PERF_PROF_OPTTABLE_H
#define PERF_PROF_OPTTABLE_H

#include <getopt.h>
#include <stdio.h>

#define OPT_MAX		48	/* entries of one table */
#define OPT_HELP_COL	29	/* where the help text starts */

struct opt_spec {
	int key;		/* what getopt_long returns: a letter is also the short option */
	const char *name;	/* long name */
	const char *arg;	/* its argument's placeholder; NULL: takes none */
	/*
	 * The help text, lines split by '\n'; "{NAME}" takes the value the
	 * caller gives for NAME.  NULL: an alias (parsed, not listed).
	 */
	const char *help;
	unsigned only;		/* the commands it applies to, a mask; 0: all */
	int group;		/* the command's own grouping of its options (0 by default) */
};

struct opt_tables {
	struct option longopts[OPT_MAX + 1];
	char shortopts[3 * OPT_MAX + 2];
};

/* getopt_long's tables for @n entries of @spec: missing values return ':' */
void opt_tables(const struct opt_spec *spec, int n, struct opt_tables *t);
/* the entry of @key (the first, for an option with aliases), NULL if none */
const struct opt_spec *opt_find(const struct opt_spec *spec, int n, int key);
/*
 * The --help lines of the options that apply to command @cmd ("  -C,
 * --cpu=CPU[-CPU],..." then the help at OPT_HELP_COL), "{NAME}" replaced
 * by the value after NAME in @vars (NAME, value, ..., NULL).
 */
void opt_help(FILE *f, const struct opt_spec *spec, int n, unsigned cmd,
	      const char *const *vars);
/*
 * For shell completion: the options that apply to command @cmd, one a
 * line, "--name" or "--name=" when it takes a value, then "-X" or "-X="
 * for each short one (aliases, which have no help, left out).
 */
void opt_list(FILE *f, const struct opt_spec *spec, int n, unsigned cmd);

#endif
