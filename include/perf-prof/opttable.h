/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One option table per command, as perf's parse-options: each entry holds
 * the option's names, its argument, its help, the commands it applies
 * to, and where its value goes and how it is parsed.  getopt_long's
 * tables, the parsing of argv and the option lines of --help are all made
 * from it, so neither the help nor a switch can drift from the table.
 *
 * Destinations are offsets into the command's options struct (struct
 * lat_env), which opt_parse() is given.  An entry is written as
 *
 *	{ OPT_TIME('i', "interval", "MS", E(interval_ns), 1000000, "help...") },
 *	{ OPT_COUNT(0, "top-rip", "N", E(top_rips), 1, 1000, "--top-rip count", "help"),
 *	  .only = LAT_KVM_EXIT },
 *
 * (E(field): offsetof(struct lat_env, field)).
 */
#ifndef PERF_PROF_OPTTABLE_H
#define PERF_PROF_OPTTABLE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define OPT_MAX		48	/* entries of one table */
#define OPT_HELP_COL	29	/* where the help text starts */

struct opt_spec;

/*
 * Parse @arg into @dst, the option's destination: 0, or -1 with a
 * one-line message in @err that names the option and the text.
 */
typedef int (*opt_parse_fn)(const struct opt_spec *o, const char *arg, void *dst, char *err,
			    size_t errlen);

struct opt_spec {
	int key;		/* its short option letter, 0 if none */
	const char *name;	/* long name */
	const char *arg;	/* its argument's placeholder; NULL: takes none */
	/*
	 * The help text, lines split by '\n'; "{NAME}" takes the value the
	 * caller gives for NAME.  NULL: an alias of the entry with the same
	 * key (parsed as it, not listed).
	 */
	const char *help;
	unsigned only;		/* the commands it applies to, a mask; 0: all */
	int group;		/* the command's own grouping of its options (0 by default) */
	int section;		/* its heading in opt_help_sections() (0 by default) */
	/* how its value is read; NULL: a flag (a bool set, or with .incr an int counted) */
	opt_parse_fn parse;
	size_t dst;		/* its destination: an offset into the options struct */
	size_t seen;		/* 1 + offset of a bool set when it is given; 0: none */
	bool incr;		/* a flag that counts (-v -v) */
	/* its argument may be left out (--detail, --detail=N): the value then */
	const char *defval;
	/* what the value parsers read: */
	unsigned long min, max;	/* a count's range; a time's, in ns (max 0: none) */
	unsigned long unit;	/* a time: the ns of a bare number */
	const char *what;	/* the value's name in messages ("realtime priority") */
};

/* the value parsers, one per kind of value (parse.h has the rules) */
int opt_string(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen);
int opt_path(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen);
int opt_count(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen);
int opt_time(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen);
int opt_size(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen);
int opt_hex(const struct opt_spec *o, const char *arg, void *dst, char *err, size_t errlen);

/* a flag: *(bool *)dst = true */
#define OPT_BOOLEAN(s, l, d, h) \
	.key = (s), .name = (l), .help = (h), .dst = (d)
/* a flag that counts its repeats into an int */
#define OPT_INCR(s, l, d, h) \
	.key = (s), .name = (l), .help = (h), .dst = (d), .incr = true
/* any text (const char *) */
#define OPT_STRING(s, l, a, d, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = opt_string
/* a file name, not empty (const char *) */
#define OPT_PATH(s, l, a, d, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = opt_path
/* a decimal count in [lo, hi] (uint64_t) */
#define OPT_COUNT(s, l, a, d, lo, hi, w, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = opt_count, \
	.min = (lo), .max = (hi), .what = (w)
/* a time with a unit, a bare number counting @bare ns (uint64_t ns) */
#define OPT_TIME(s, l, a, d, bare, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = opt_time, \
	.unit = (bare)
/* the same, from @lo to @hi ns (named @w in messages) */
#define OPT_TIME_RANGE(s, l, a, d, bare, lo, hi, w, h) \
	OPT_TIME(s, l, a, d, bare, h), .min = (lo), .max = (hi), .what = (w)
/* a size with a unit GB/MB/KB/B, at least @lo bytes (uint64_t) */
#define OPT_SIZE(s, l, a, d, lo, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = opt_size, \
	.min = (lo)
/* a hexadecimal number, "0x" optional (uint64_t) */
#define OPT_HEX(s, l, a, d, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = opt_hex
/* a value of its own kind, parsed by @fn */
#define OPT_CALLBACK(s, l, a, d, fn, h) \
	.key = (s), .name = (l), .arg = (a), .help = (h), .dst = (d), .parse = (fn)
/* another long name of the entry with short option @s */
#define OPT_ALIAS(s, l) \
	.key = (s), .name = (l)
/* the argument may be left out ("--detail" or "--detail=N"): then it is @v */
#define OPT_OPTARG(v)	.defval = (v)
/* also set the bool at offset @d when the option is given */
#define OPT_SEEN(d)	.seen = (d) + 1

struct opt_tables {
	struct option longopts[OPT_MAX + 1];
	char shortopts[3 * OPT_MAX + 2];
};

/*
 * getopt_long's tables for @n entries of @spec: a long option returns
 * OPT_LONG + its index, a short one its letter, a missing value ':'.
 */
#define OPT_LONG	256
void opt_tables(const struct opt_spec *spec, int n, struct opt_tables *t);
/*
 * Where "--" stands in @argv (an option's value aside: "-o --" keeps
 * it), the end of the options and the start of a command; @argc if
 * nowhere.
 */
int opt_command_at(const struct opt_spec *spec, int n, int argc, char **argv);
/*
 * The message for an unknown long option @typed ("--intervall=5"): "option
 * '--per' is ambiguous: --perins --percentiles" when it begins several,
 * else "unknown option '--intervall'", with "; did you mean '--interval'?"
 * when one is near (suggest.h).
 */
void opt_unknown(const struct opt_spec *spec, int n, const char *typed, char *err,
		 size_t errlen);
/* the entry getopt_long's @key names (an alias: the entry it stands for), NULL if none */
const struct opt_spec *opt_find(const struct opt_spec *spec, int n, int key);

/*
 * argv's options into @base (the options struct) as @spec says, from
 * argv[1]; @given[i] is set for each entry given.  An option that takes
 * a value takes one: given twice, it is an error.  0, and *@optind_out
 * at the first argument that is not an option; 1 when -h/--help was
 * given (an entry named "help"); -1 with a message.
 */
int opt_parse(const struct opt_spec *spec, int n, int argc, char **argv, void *base,
	      bool *given, int *optind_out, char *err, size_t errlen);
/* "-i (--interval)" or "--input": an option as --help names it */
void opt_name(const struct opt_spec *o, char *buf, size_t len);
/*
 * The --help lines of the options that apply to command @cmd ("  -C,
 * --cpu=CPU[-CPU],..." then the help at OPT_HELP_COL), "{NAME}" replaced
 * by the value after NAME in @vars (NAME, value, ..., NULL).
 */
void opt_help(FILE *f, const struct opt_spec *spec, int n, unsigned cmd,
	      const char *const *vars);
/*
 * The same, under headings: for each of the @nsec @titles, "\nTITLE:\n"
 * then the options of that .section, in the table's order (a heading
 * without an option for @cmd is left out).
 */
void opt_help_sections(FILE *f, const struct opt_spec *spec, int n, unsigned cmd,
		       const char *const *vars, const char *const *titles, int nsec);
/*
 * For shell completion: the options that apply to command @cmd, one a
 * line, "--name" or "--name=" when it takes a value, then "-X" or "-X="
 * for each short one (aliases, which have no help, left out).
 */
void opt_list(FILE *f, const struct opt_spec *spec, int n, unsigned cmd);

#endif
