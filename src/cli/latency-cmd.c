// SPDX-License-Identifier: GPL-2.0-only
/*
 * `perf-prof kvm-exit|syscalls [options]`: the latency profilers' option
 * table, the parsing of argv into a struct lat_env, and --help made from
 * the table; then the profiler runs (profilers/latency.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/commands.h>
#include <perf-prof/latency.h>
#include <perf-prof/opttable.h>
#include <perf-prof/parse.h>
#include <perf-prof/proc.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/table.h>

enum {
	OPT_ORDER = 256, OPT_ORDER_MEM, OPT_PERINS, OPT_THAN, OPT_THAN_HLT, OPT_HEATMAP,
	OPT_FILTER, OPT_INPUT, OPT_PCT, OPT_JSON, OPT_VCPU, OPT_OFFCPU, OPT_TOP_RIP, OPT_VMLINUX,
	OPT_PROM, OPT_PROM_TEXTFILE, OPT_KALLSYMS, OPT_KASLR,
};

/* groups of options named together when they do not apply (see not_for()) */
enum { GROUP_GUEST = 0, GROUP_KASLR = 1 };

/*
 * In --help order; .only: the profilers an option applies to (enum
 * lat_profiler); .group: the options named together when one of them is
 * given to a profiler it does not apply to.
 */
static const struct opt_spec lat_opts[] = {
	{ 'C', "cpu", "CPU[-CPU],...", "Monitor these CPUs (default: every online CPU)", 0, 0 },
	{ 'C', "cpus", "CPU[-CPU],...", NULL, 0, 0 },
	{ 'p', "pids", "PID,...", "Attach to every thread of these processes", 0, 0 },
	{ 'p', "pid", "PID,...", NULL, 0, 0 },
	{ 't', "tids", "TID,...", "Attach to these threads", 0, 0 },
	{ 't', "tid", "TID,...", NULL, 0, 0 },
	{ 'i', "interval", "MS", "Print a table every MS milliseconds (default: one\n"
				 "table at Ctrl-C, SIGTERM, or when the targets exit)", 0, 0 },
	{ 'm', "mmap-pages", "PAGES", "Data pages per ring buffer, a power of two (default 64)", 0, 0 },
	{ 'r', "realtime", "PRIO", "Read the buffers at SCHED_FIFO priority PRIO (1-99), so a\n"
				   "busy CPU cannot starve the reader into losing records", 0, 0 },
	{ OPT_ORDER, "order", NULL, "Merge buffers by timestamp (always on with -C)", 0, 0 },
	{ OPT_ORDER_MEM, "order-mem", "BYTES",
	  "Memory bound of the merge, unit GB/MB/KB/B (default 64MB)", 0, 0 },
	{ OPT_PERINS, "perins", NULL, "One table per thread (-p, -t, --input) or per CPU (-C)", 0, 0 },
	{ OPT_THAN, "than", "TIME", "Print both raw events of every pair of at least TIME,\n"
				    "unit s/ms/us/ns (a bare number is ns; 0: every pair)", 0, 0 },
	{ OPT_THAN_HLT, "than-hlt", NULL, "With --than, also print idle exits (HLT, WFx)", 0, 0 },
	{ OPT_HEATMAP, "heatmap", "FILE",
	  "Write \"<time ns> <latency ns>\" per pair to FILE.lat when\n"
	  "the run succeeds (the previous one becomes FILE.lat.old)", 0, 0 },
	{ OPT_FILTER, "filter", "EXPR", "Kernel-side filter on {event}, e.g. '{example}'", 0, 0 },
	{ OPT_INPUT, "input", "FILE", "Analyse a perf.data recording instead (\"-\" = stdin)", 0, 0 },
	{ OPT_PCT, "percentiles", "LIST", "Percentile columns, e.g. 50,99,99.9 (default 99)", 0, 0 },
	{ OPT_OFFCPU, "offcpu", NULL, "Split each latency into on-CPU and scheduled-out time\n"
				      "(columns oncpu(us), sched(us), %sched)", 0, 0 },
	{ OPT_JSON, "json", NULL, "One JSON object per interval and instance, per line", 0, 0 },
	{ OPT_PROM, "prometheus", "HOST:PORT",
	  "Serve /metrics while tracing: latency histograms per\n"
	  "{key} (1us..10s), cumulative since start; per-{unit}\n"
	  "labels only with --perins", 0, 0 },
	{ OPT_PROM_TEXTFILE, "prometheus-textfile", "FILE",
	  "Write the same metrics to FILE at each interval\n"
	  "(every second without -i), for node_exporter", 0, 0 },
	{ OPT_VCPU, "vcpu", "N,...", "Only these vCPUs (by the events' vcpu_id; x86 only)",
	  LAT_KVM_EXIT, GROUP_GUEST },
	{ OPT_TOP_RIP, "top-rip", "N", "Per exit reason, the N guest RIPs that exited most",
	  LAT_KVM_EXIT, GROUP_GUEST },
	{ OPT_VMLINUX, "vmlinux", "FILE", "Name guest RIPs as symbol+0xoff from a guest kernel ELF,\n"
					  "and file:line from its DWARF line tables if it has them",
	  LAT_KVM_EXIT, GROUP_GUEST },
	{ OPT_KALLSYMS, "kallsyms", "FILE",
	  "Name guest RIPs from a copy of the guest's /proc/kallsyms\n"
	  "(runtime addresses); with --vmlinux, find its KASLR offset", LAT_KVM_EXIT, GROUP_KASLR },
	{ OPT_KASLR, "kaslr-offset", "HEX", "The guest kernel's KASLR offset, added to --vmlinux's\n"
					    "addresses (runtime minus link address of _text)",
	  LAT_KVM_EXIT, GROUP_KASLR },
	{ 'v', "verbose", NULL, "What was opened, lost and dropped, on stderr", 0, 0 },
	{ 'h', "help", NULL, "Show this help", 0, 0 },
};

#define NOPTS ((int)(sizeof(lat_opts) / sizeof(lat_opts[0])))

static void lat_usage(const struct lat_class *cls, FILE *f)
{
	const char *const vars[] = { "event", cls->begin_event, "example", cls->filter_example,
				     "key", cls->key_header,
				     "unit", cls->aux_is_rip ? "vCPU" : "thread", NULL };

	fprintf(f, "perf-prof %s: %s\n"
		"\n"
		"USAGE: perf-prof %s [-h] [-C CPUS | -p PIDS | -t TIDS | --input FILE] [-i MS]\n"
		"       [--perins] [--than TIME] [--heatmap FILE] [--filter EXPR] [-m PAGES] [-v]\n"
		"\n"
		"EXAMPLES:\n%s"
		"\n"
		"OPTIONS:\n", cls->name, cls->summary, cls->name, cls->examples);
	opt_help(f, lat_opts, NOPTS, cls->bit, vars);
	fprintf(f, "\n"
		"COLUMNS: %s calls total(us) min(us) avg(us) p99(us) max(us) %s\n"
		"\n"
		"EXIT STATUS: 0 done (also stopped by SIGINT, SIGTERM or SIGHUP, after the final\n"
		"table), 1 runtime error, 2 usage error\n", cls->key_header, cls->extra_header);
}

static int usage_error(const struct lat_class *cls, const char *msg)
{
	fprintf(stderr, "perf-prof %s: %s\n", cls->name, msg);
	fprintf(stderr, "Try 'perf-prof %s --help' for more information.\n", cls->name);
	return -1;
}

/* "0x1e200000" or "1e200000": the whole string, at most 64 bits */
static int parse_hex(const char *s, uint64_t *v)
{
	const char *p = s;
	uint64_t x = 0;
	int n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; *p; p++, n++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

		if (d < 0 || n == 16)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (!n)
		return -1;
	*v = x;
	return 0;
}

static int parse_pct(const char *s, struct lat_env *env, char *err, size_t errlen)
{
	char *dup = strdup(s), *tok, *save = NULL, *end;
	int i;

	env->npct = 0;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		double v = strtod(tok, &end);

		if (end == tok || *end || !(v > 0 && v < 100) || env->npct == 8) {
			snprintf(err, errlen, "invalid percentile list '%s' "
				 "(up to 8 numbers between 0 and 100, e.g. 50,99,99.9)", s);
			free(dup);
			return -1;
		}
		/* two columns of one name would be one key twice in the JSON */
		for (i = 0; i < env->npct; i++) {
			if (env->pct[i] == v) {
				char name[32];

				table_pct_name(v, name, sizeof(name));
				snprintf(err, errlen, "percentile %s is listed twice in '%s'",
					 name, s);
				free(dup);
				return -1;
			}
		}
		env->pct[env->npct++] = v;
	}
	free(dup);
	if (!env->npct) {
		snprintf(err, errlen, "invalid percentile list '%s'", s);
		return -1;
	}
	return 0;
}

/* -C: a CPU list, every CPU of it online */
static int parse_cpus(const char *arg, struct id_list *cpus, char *err, size_t errlen)
{
	struct id_list online;
	int i, r = 0;

	if (online_cpus(&online, err, errlen) < 0)
		return -1;
	id_list_free(cpus);
	if (parse_cpu_list(arg, 1 << 20, cpus, err, errlen) < 0) {
		id_list_free(&online);
		return -1;
	}
	for (i = 0; i < cpus->n && !r; i++) {
		if (!id_list_has(&online, cpus->id[i])) {
			snprintf(err, errlen, "CPU %d in '%s' is not online", cpus->id[i], arg);
			r = -1;
		}
	}
	id_list_free(&online);
	return r;
}

/* -m: a power of two */
static int parse_pages(const char *arg, unsigned long *pages, char *err, size_t errlen)
{
	unsigned long v;

	if (parse_ulong(arg, "mmap pages", 1, 1 << 20, &v, err, errlen) < 0)
		return -1;
	if (v & (v - 1)) {
		snprintf(err, errlen, "mmap pages must be a power of two, not %lu", v);
		return -1;
	}
	*pages = v;
	return 0;
}

/* --vcpu: vCPU ids start at 0, a CPU-style list */
static int parse_vcpus(const char *arg, struct id_list *vcpus, char *err, size_t errlen)
{
	id_list_free(vcpus);
	if (parse_cpu_list(arg, 1 << 20, vcpus, err, errlen) < 0) {
		snprintf(err, errlen, "invalid vCPU list '%s' (expected e.g. 0,2-3)", arg);
		return -1;
	}
	return 0;
}

/*
 * One option of getopt_long: into @env (*@targets: which of -C, -p, -t
 * were given, bits 1, 2, 4).  0, or -1 + message.
 */
static int lat_option(struct lat_env *env, int key, const char *arg, int *targets, char *err,
		      size_t errlen)
{
	unsigned long v;

	switch (key) {
	case 'C':
		*targets |= 1;
		env->have_cpus = true;
		return parse_cpus(arg, &env->cpus, err, errlen);
	case 'p':
		*targets |= 2;
		id_list_free(&env->pids);
		return parse_id_list(arg, "PID", &env->pids, err, errlen);
	case 't':
		*targets |= 4;
		id_list_free(&env->tids);
		return parse_id_list(arg, "TID", &env->tids, err, errlen);
	case 'i':
		if (parse_ulong(arg, "interval (ms)", 1, 86400000, &v, err, errlen) < 0)
			return -1;
		env->interval_ns = v * 1000000ull;
		return 0;
	case 'm':
		return parse_pages(arg, &env->pages, err, errlen);
	case 'r':
		if (parse_ulong(arg, "realtime priority", 1, 99, &v, err, errlen) < 0)
			return -1;
		env->rt_prio = v;
		return 0;
	case OPT_ORDER:
		env->order = true;
		return 0;
	case OPT_ORDER_MEM:
		if (parse_size(arg, &env->order_mem, err, errlen) < 0)
			return -1;
		if (env->order_mem < 65536) {
			snprintf(err, errlen, "--order-mem must be at least 64KB");
			return -1;
		}
		return 0;
	case OPT_PERINS:
		env->perins = true;
		return 0;
	case OPT_THAN:
		env->than = true;	/* --than 0 is every pair */
		return parse_time_ns(arg, &env->than_ns, err, errlen);
	case OPT_THAN_HLT:
		env->than_idle = true;
		return 0;
	case OPT_HEATMAP:
		if (!*arg) {
			snprintf(err, errlen, "--heatmap needs a file name");
			return -1;
		}
		env->heatmap = arg;
		return 0;
	case OPT_FILTER:
		env->filter = arg;
		return 0;
	case OPT_INPUT:
		env->input = arg;
		return 0;
	case OPT_PCT:
		env->pct_given = true;
		return parse_pct(arg, env, err, errlen);
	case OPT_JSON:
		env->json = true;
		return 0;
	case OPT_OFFCPU:
		env->sched = true;
		return 0;
	case OPT_VCPU:
		return parse_vcpus(arg, &env->vcpus, err, errlen);
	case OPT_TOP_RIP:
		if (parse_ulong(arg, "--top-rip count", 1, 1000, &v, err, errlen) < 0)
			return -1;
		env->top_rips = v;
		return 0;
	case OPT_VMLINUX:
		env->vmlinux = arg;
		return 0;
	case OPT_PROM: {
		char host[256], port[16];

		if (prom_parse_listen(arg, host, sizeof(host), port, sizeof(port), err, errlen) < 0)
			return -1;
		env->prometheus = arg;
		return 0;
	}
	case OPT_PROM_TEXTFILE:
		if (!*arg) {
			snprintf(err, errlen, "--prometheus-textfile needs a file name");
			return -1;
		}
		env->prom_textfile = arg;
		return 0;
	case OPT_KALLSYMS:
		env->kallsyms = arg;
		return 0;
	case OPT_KASLR:
		if (parse_hex(arg, &env->kaslr_offset) < 0) {
			snprintf(err, errlen, "invalid --kaslr-offset '%s' (a hex number, "
				 "e.g. 0x1e200000)", arg);
			return -1;
		}
		env->have_kaslr = true;
		return 0;
	case 'v':
		env->verbose++;
		return 0;
	default:
		return 0;
	}
}

/*
 * The options of @group given that do not apply to @cls: "--a, --b and
 * --c apply to kvm-exit only" (every such option of the group is named).
 * 0 if none was given.
 */
static int not_for(const struct lat_class *cls, const bool *given, int group, char *err,
		   size_t errlen)
{
	const char *names[OPT_MAX];
	unsigned only = 0;
	int i, n = 0, any = 0, k;
	size_t len = 0;

	for (i = 0; i < NOPTS; i++) {
		if (!lat_opts[i].help || !lat_opts[i].only || (lat_opts[i].only & cls->bit) ||
		    lat_opts[i].group != group)
			continue;
		names[n++] = lat_opts[i].name;
		only |= lat_opts[i].only;
		any |= given[i];
	}
	if (!any)
		return 0;
	err[0] = 0;
	for (k = 0; k < n && len < errlen; k++)
		len += snprintf(err + len, errlen - len, "%s--%s", !k ? "" : k == n - 1 ? " and " :
				", ", names[k]);
	for (k = 0; lat_profilers[k] && len < errlen; k++)
		if (only & lat_profilers[k]->bit)
			len += snprintf(err + len, errlen - len, " %s %s", k ? "or" : "apply to",
					lat_profilers[k]->name);
	if (len < errlen)
		snprintf(err + len, errlen - len, " only");
	return -1;
}

/* what the options say together: 0, or -1 + message */
static int lat_check(const struct lat_class *cls, struct lat_env *env, int targets,
		     const bool *given, char *err, size_t errlen)
{
	const char *msg = NULL;

	if (targets & (targets - 1))
		msg = "-C, -p and -t cannot be combined";
	else if (env->input && targets)
		msg = "--input reads a recording: -C, -p and -t do not apply";
	else if (env->input && env->filter)
		msg = "--filter runs in the kernel: it does not apply to --input";
	if (msg) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	if (not_for(cls, given, GROUP_GUEST, err, errlen) < 0)
		return -1;
	if (env->input && env->prometheus)
		msg = "--prometheus serves while tracing live: it does not apply to --input "
		      "(--prometheus-textfile does)";
	else if (not_for(cls, given, GROUP_KASLR, err, errlen) < 0)
		return -1;
	else if (env->have_kaslr && !env->vmlinux)
		msg = "--kaslr-offset shifts the addresses of --vmlinux, which is missing";
	if (msg) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	if ((env->vmlinux || env->kallsyms) && !env->top_rips)
		env->top_rips = 5;
	if (env->than_idle && !env->than)
		msg = "--than-hlt needs --than";
	else if (env->json && (env->than || env->top_rips))
		msg = "--json cannot be combined with --than or --top-rip";
	if (msg) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	/* no target: every online CPU */
	if (!env->have_cpus && !env->pids.n && !env->tids.n && !env->input)
		return online_cpus(&env->cpus, err, errlen);
	return 0;
}

/* getopt_long's word for a bad option */
static void bad_option(char **argv, int key, char *err, size_t errlen)
{
	if (key == ':')
		snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
	else if (optopt && optopt < 256)
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else
		snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
}

/* argv into @env, with its defaults; -1 after printing a usage error */
static int lat_parse_args(const struct lat_class *cls, struct lat_env *env, int argc,
			  char **argv, bool *help)
{
	bool given[NOPTS];
	struct opt_tables t;
	char err[256];
	int key, idx, targets = 0;

	memset(env, 0, sizeof(*env));
	env->pages = 64;
	env->order_mem = 64ull << 20;
	env->npct = 1;
	env->pct[0] = 99;
	memset(given, 0, sizeof(given));
	*help = false;
	opt_tables(lat_opts, NOPTS, &t);
	optind = 1;
	opterr = 0;
	while (idx = -1, (key = getopt_long(argc, argv, t.shortopts, t.longopts, &idx)) != -1) {
		const struct opt_spec *o = idx >= 0 ? &lat_opts[idx] : opt_find(lat_opts, NOPTS, key);

		if (key == 'h') {
			*help = true;
			return 0;
		}
		if (key == ':' || key == '?') {
			bad_option(argv, key, err, sizeof(err));
			return usage_error(cls, err);
		}
		given[o - lat_opts] = true;
		if (lat_option(env, key, optarg, &targets, err, sizeof(err)) < 0)
			return usage_error(cls, err);
	}
	if (optind < argc) {
		snprintf(err, sizeof(err), "unexpected argument '%s'", argv[optind]);
		return usage_error(cls, err);
	}
	if (lat_check(cls, env, targets, given, err, sizeof(err)) < 0)
		return usage_error(cls, err);
	return 0;
}

static void lat_env_free(struct lat_env *env)
{
	id_list_free(&env->cpus);
	id_list_free(&env->pids);
	id_list_free(&env->tids);
	id_list_free(&env->vcpus);
}

int latency_command(const struct lat_class *cls, int argc, char **argv)
{
	struct lat_env env;
	bool help;
	int code;

	if (lat_parse_args(cls, &env, argc, argv, &help) < 0 || help) {
		lat_env_free(&env);
		if (!help)
			return 2;
		lat_usage(cls, stdout);
		return 0;
	}
	code = latency_run(cls, &env);
	lat_env_free(&env);
	return code;
}

void latency_list_options(const struct lat_class *cls, FILE *f)
{
	opt_list(f, lat_opts, NOPTS, cls->bit);
}
