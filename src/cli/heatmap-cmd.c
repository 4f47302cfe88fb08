// SPDX-License-Identifier: GPL-2.0-only
/*
 * `perf-prof heatmap FILE.lat -o OUT.svg [options]`: its option table, the
 * parsing of argv (getopt_long, durations read as --than reads them), and
 * --help made from the table; the rendering is report/heatmap-svg.c's.
 */
#include <stdio.h>
#include <string.h>
#include <perf-prof/commands.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/opttable.h>
#include <perf-prof/parse.h>

/* the options without a letter: above every letter, below getopt's OPT_LONG values */
enum { OPT_STEP_MS = 200, OPT_REASON };

static const struct opt_spec hm_opts[] = {
	{ .key = 'o', .name = "output", .arg = "FILE",
	  .help = "write the SVG to FILE (\"-\" for standard output);\nrequired" },
	{ .key = 't', .name = "title", .arg = "TEXT",
	  .help = "title (default: the profiler, the reason and FILE.lat)" },
	{ .key = OPT_REASON, .name = "reason", .arg = "NAME",
	  .help = "draw only the events of this reason (the third\n"
		  "column, e.g. io, MSR_WRITE, read)" },
	{ .key = 's', .name = "step", .arg = "DURATION",
	  .help = "column width in time, with a unit: ns, us, ms or s\n"
		  "(e.g. 500us, 10ms, 1s; a bare number is ns);\n"
		  "default: chosen for about 100-200 columns" },
	{ .key = OPT_STEP_MS, .name = "step-ms", .arg = "MS", .help = "same as --step MSms" },
	{ .key = 'h', .name = "help", .help = "show this help and exit" },
};

#define NOPTS ((int)(sizeof(hm_opts) / sizeof(hm_opts[0])))

static const char try_help[] = " (see 'perf-prof heatmap --help')";

static void usage(FILE *f)
{
	fputs("perf-prof heatmap: a latency heat map as SVG.\n"
	      "\n"
	      "Render a latency heat map from FILE.lat, written by the --heatmap option of\n"
	      "the latency profilers (one \"<time ns> <latency ns> <reason>\" line per\n"
	      "event), as a self-contained SVG: time on x, latency on a log scale on y,\n"
	      "each cell coloured by the number of events in it.  Hover a cell in a\n"
	      "browser to see its time range, latency range and count.\n"
	      "\n"
	      "USAGE: perf-prof heatmap [-h] [--reason NAME] [--title TEXT] [--step STEP]\n"
	      "       -o OUT.svg FILE.lat\n"
	      "\n"
	      "EXAMPLES:\n"
	      "    perf-prof kvm-exit --heatmap kvm                    # write kvm.lat\n"
	      "    perf-prof heatmap kvm.lat -o kvm.svg                # 100-200 columns\n"
	      "    perf-prof heatmap kvm.lat -o kvm.svg --step 10ms    # 10 ms per column\n"
	      "    perf-prof heatmap kvm.lat -o io.svg --reason io     # the io exits only\n"
	      "    perf-prof heatmap kvm.lat -o kvm.svg --title 'vm1'  # custom title\n"
	      "    perf-prof heatmap kvm.lat -o - | gzip > kvm.svgz    # SVG to stdout\n"
	      "    perf-prof heatmap - -o kvm.svg < kvm.lat            # read stdin\n"
	      "\n", f);
	opt_help(f, hm_opts, NOPTS, 0, NULL);
	fputs("\n"
	      "Exit status: 0 on success, 1 on a runtime error (unreadable or malformed\n"
	      "input, failed write), 2 on a usage error.\n", f);
}

/* the option as typed: "-o", "--output=x", "-ox" */
static const char *typed(char **argv)
{
	/* a value in the next argument leaves the option two back */
	return optind >= 2 && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
}

/*
 * --step DURATION (a unit, or ns as --than) or --step-ms MS (a number of
 * milliseconds) into o->step_ns: 0, or -1 after the message.
 */
static int parse_step(struct heatmap_svg_opts *o, int key, const char *val)
{
	const char *name = key == OPT_STEP_MS ? "--step-ms" : "--step";
	char ms[64], err[128];
	int r;

	if (key == OPT_STEP_MS && strspn(val, "0123456789.") == strlen(val)) {
		snprintf(ms, sizeof(ms), "%sms", val);
		r = parse_time(ms, 1, &o->step_ns, err, sizeof(err));
	} else {
		r = parse_time(val, 1, &o->step_ns, err, sizeof(err));
		if (r == 0 && o->step_ns && key == OPT_STEP_MS) {
			heatmap_msg("invalid --step-ms '%s': expected a number of milliseconds%s",
				    val, try_help);
			return -1;
		}
	}
	if (r < 0 || !o->step_ns) {
		heatmap_msg("invalid %s '%s': expected a duration like 500us, 10ms or 1s%s",
			    name, val, try_help);
		return -1;
	}
	o->step_arg = val;
	return 0;
}

/* one option: 0, 1 after --help, or -1 after a message */
static int option(struct heatmap_svg_opts *o, int key, char **argv)
{
	switch (key) {
	case 'h':
		usage(stdout);
		fflush(stdout);
		return 1;
	case 'o':
		if (!*optarg) {
			heatmap_msg("option '%s' needs a file name%s", typed(argv), try_help);
			return -1;
		}
		o->out = optarg;
		return 0;
	case 't':
		o->title = optarg;
		return 0;
	case OPT_REASON:
		o->reason = optarg;
		return 0;
	case 's':
	case OPT_STEP_MS:
		return parse_step(o, key, optarg);
	case ':':
		heatmap_msg("option '%s' needs an argument%s", argv[optind - 1], try_help);
		return -1;
	default:
		if (optopt == '?')	/* -? */
			return option(o, 'h', argv);
		if (optopt)
			heatmap_msg("unknown option '-%c'%s", optopt, try_help);
		else if (!strncmp(argv[optind - 1], "--", 2)) {
			char err[256];

			opt_unknown(hm_opts, NOPTS, argv[optind - 1], err, sizeof(err));
			heatmap_msg("%s%s", err, try_help);
		} else {
			heatmap_msg("unknown option '%s'%s", argv[optind - 1], try_help);
		}
		return -1;
	}
}

/* returns -1 to go on, or an exit code (0 after --help) */
static int parse_args(int argc, char **argv, struct heatmap_svg_opts *o)
{
	bool given[NOPTS] = { false };
	struct opt_tables t;
	int key, r;

	memset(o, 0, sizeof(*o));
	opt_tables(hm_opts, NOPTS, &t);
	optind = 0;	/* a fresh scan: this may run more than once in a process */
	opterr = 0;
	while ((key = getopt_long(argc, argv, t.shortopts, t.longopts, NULL)) != -1) {
		const struct opt_spec *spec = opt_find(hm_opts, NOPTS, key);

		if (spec && spec->arg && given[spec - hm_opts]) {
			char name[64];

			opt_name(spec, name, sizeof(name));
			heatmap_msg("%s given twice (it takes one value)%s", name, try_help);
			return 2;
		}
		if (spec) {
			given[spec - hm_opts] = true;
			key = spec->key;	/* a long option: its letter, or its key */
		}
		r = option(o, key, argv);
		if (r)
			return r > 0 ? 0 : 2;
	}
	if (optind < argc)
		o->in = argv[optind++];
	if (optind < argc) {
		heatmap_msg("unexpected argument '%s': only one input file%s", argv[optind],
			    try_help);
		return 2;
	}
	if (!o->in) {
		heatmap_msg("missing input FILE.lat%s", try_help);
		return 2;
	}
	if (!o->out) {
		heatmap_msg("missing -o OUT.svg%s", try_help);
		return 2;
	}
	return -1;
}

int heatmap_svg_main(int argc, char **argv)
{
	struct heatmap_svg_opts o;
	int r = parse_args(argc, argv, &o);

	return r >= 0 ? r : heatmap_svg_render(&o);
}

void heatmap_list_options(FILE *f)
{
	opt_list(f, hm_opts, NOPTS, 0);
}
