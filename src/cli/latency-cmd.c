// SPDX-License-Identifier: GPL-2.0-only
/*
 * `perf-prof kvm-exit|syscalls [options]`: the latency profilers' option
 * table, the parsing of argv into a struct lat_env, and --help made from
 * the table; then the profiler runs (profilers/latency.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/commands.h>
#include <perf-prof/latency.h>
#include <perf-prof/opttable.h>
#include <perf-prof/parse.h>
#include <perf-prof/proc.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/sortkey.h>
#include <perf-prof/table.h>

/* groups of options named together when they do not apply (see not_for()) */
enum { GROUP_GUEST = 0, GROUP_KASLR = 1, GROUP_WHY = 2 };

/* the headings of --help, and which options each holds */
enum { SEC_TRACE, SEC_PRINT, SEC_WHY, SEC_GUEST, SEC_EXPORT, SEC_N };
static const char *const sections[SEC_N] = {
	"WHAT TO TRACE", "WHAT TO PRINT", "WHY IT IS SLOW", "GUEST CODE", "EXPORT",
};

static int opt_cpus(const struct opt_spec *o, const char *arg, void *dst, char *err,
		    size_t errlen);
static int opt_pids(const struct opt_spec *o, const char *arg, void *dst, char *err,
		    size_t errlen);
static int opt_pages(const struct opt_spec *o, const char *arg, void *dst, char *err,
		     size_t errlen);
static int opt_pct(const struct opt_spec *o, const char *arg, void *dst, char *err,
		   size_t errlen);
static int opt_vcpus(const struct opt_spec *o, const char *arg, void *dst, char *err,
		     size_t errlen);
static int opt_listen(const struct opt_spec *o, const char *arg, void *dst, char *err,
		      size_t errlen);
static int opt_cgroups(const struct opt_spec *o, const char *arg, void *dst, char *err,
		       size_t errlen);
static int opt_sort(const struct opt_spec *o, const char *arg, void *dst, char *err,
		    size_t errlen);
static int opt_duration(const struct opt_spec *o, const char *arg, void *dst, char *err,
			size_t errlen);

#define E(field)	offsetof(struct lat_env, field)

/*
 * In --help order; .only: the profilers an option applies to (enum
 * lat_profiler); .group: the options named together when one of them is
 * given to a profiler it does not apply to.
 */
static const struct opt_spec lat_opts[] = {
	{ OPT_CALLBACK('C', "cpu", "CPU[-CPU],...", E(cpus), opt_cpus,
		       "Monitor these CPUs (default: every online CPU)"), OPT_SEEN(E(have_cpus)),
	  .section = SEC_TRACE },
	{ OPT_ALIAS('C', "cpus") },
	{ OPT_CALLBACK('p', "pids", "PID,...", E(pids), opt_pids,
		       "Attach to every thread of these processes"), .section = SEC_TRACE },
	{ OPT_ALIAS('p', "pid") },
	{ OPT_CALLBACK('t', "tids", "TID,...", E(tids), opt_pids, "Attach to these threads"),
	  .section = SEC_TRACE },
	{ OPT_ALIAS('t', "tid") },
	{ OPT_CALLBACK('G', "cgroup", "PATH,...", E(cgroups), opt_cgroups,
		       "Attach to every task of these cgroup v2 directories and\n"
		       "their descendants (relative to the cgroup root, or\n"
		       "absolute), one table each"), .section = SEC_TRACE },
	{ OPT_ALIAS('G', "cgroups") },
	{ OPT_PATH(0, "input", "FILE", E(input),
		   "Analyse a recording instead: perf.data (\"-\" = stdin),\n"
		   "perf record -z or --threads, trace-cmd's trace.dat"),
	  .section = SEC_TRACE },
	{ OPT_STRING(0, "filter", "EXPR", E(filter),
		     "Filter on {event}, in the kernel (live) or as the\n"
		     "recording is read (--input), e.g. '{example}'"), .section = SEC_TRACE },
	{ OPT_CALLBACK(0, "vcpu", "N,...", E(vcpus), opt_vcpus,
		       "Only these vCPUs (by the events' vcpu_id; x86 only)"),
	  .only = LAT_KVM_EXIT, .group = GROUP_GUEST, .section = SEC_TRACE },
	{ OPT_BOOLEAN(0, "replay", E(replay),
		      "With --input: the recording at its own pace, so -i's\n"
		      "tables (and --tui) come as they came when it was made"),
	  .section = SEC_TRACE },
	{ OPT_CALLBACK(0, "duration", "TIME", E(duration_ns), opt_duration,
		       "Trace for TIME, then print the final table and exit\n"
		       "(unit s/ms/us/ns; a bare number is seconds)"), .section = SEC_TRACE },
	{ OPT_CALLBACK('m', "mmap-pages", "PAGES", E(pages), opt_pages,
		       "Data pages per ring buffer, a power of two (default 64)"),
	  .section = SEC_TRACE },
	{ OPT_COUNT('r', "realtime", "PRIO", E(rt_prio), 1, 99, "realtime priority",
		    "Read the buffers at SCHED_FIFO priority PRIO (1-99), so a\n"
		    "busy CPU cannot starve the reader into losing records"),
	  .section = SEC_TRACE },
	{ OPT_BOOLEAN(0, "order", E(order), "Merge buffers by timestamp (always on with -C)"),
	  .section = SEC_TRACE },
	{ OPT_SIZE(0, "order-mem", "BYTES", E(order_mem), 65536,
		   "Memory bound of the merge, unit GB/MB/KB/B (default 64MB)"),
	  .section = SEC_TRACE },
	{ OPT_TIME_RANGE('i', "interval", "MS", E(interval_ns), 1000000, 1000000,
			 86400000000000ull, "interval",
			 "Print a table every MS milliseconds (or 500ms, 2s;\n"
			 "default: one table at Ctrl-C, SIGTERM, or when the\n"
			 "targets exit)"), .section = SEC_PRINT },
	{ OPT_BOOLEAN(0, "perins", E(perins),
		      "One table per thread (-p, -t, -G, --input) or per CPU (-C)"),
	  .section = SEC_PRINT },
	{ OPT_BOOLEAN(0, "pervm", E(pervm),
		      "One table per VM (process) in any run (-C, -G, --input),\n"
		      "named by qemu's -name guest=, else comm, and pid"),
	  .section = SEC_PRINT },
	{ OPT_CALLBACK(0, "percentiles", "LIST", E(pct), opt_pct,
		       "Percentile columns, e.g. 50,99,99.9 (default 99)"), OPT_SEEN(E(pct_given)),
	  .section = SEC_PRINT },
	{ OPT_BOOLEAN(0, "tui", E(tui),
		      "One screen refreshed in place (every second without -i):\n"
		      "keys r v c (by {key}, VM, vCPU), Enter (a row's detail),\n"
		      "Esc (back), s (order), q (quit; the last tables print)"),
	  .section = SEC_PRINT },
	{ OPT_CALLBACK(0, "sort", "KEY", E(sort), opt_sort,
		       "Order rows by calls, total, avg, p99 or max (largest\n"
		       "first), or by name (default: total)"), .section = SEC_PRINT },
	{ OPT_INCR('v', "verbose", E(verbose), "What was opened, lost and dropped, on stderr"),
	  .section = SEC_PRINT },
	{ OPT_BOOLEAN('h', "help", 0, "Show this help"), .section = SEC_PRINT },
	{ OPT_TIME(0, "than", "TIME", E(than_ns), 1,
		       "Print both raw events of every pair of at least TIME,\n"
		       "unit s/ms/us/ns (a bare number is ns; 0: every pair)"), OPT_SEEN(E(than)),
	  .section = SEC_WHY },
	{ OPT_BOOLEAN(0, "than-hlt", E(than_idle), "With --than, also print idle exits (HLT, WFx)"),
	  .section = SEC_WHY },
	{ OPT_BOOLEAN(0, "offcpu", E(sched),
		      "Split each latency into on-CPU and scheduled-out time\n"
		      "(columns oncpu(us), sched(us), %sched)"), .section = SEC_WHY },
	{ OPT_COUNT(0, "detail", "N", E(detail), 1, 1000000, "--detail count",
		    "Under each exit reason, what its exits were about (port,\n"
		    "MSR, MMIO address or guest page, CPUID leaf, hypercall):\n"
		    "the N biggest (default 10) in --sort's order, the rest in one row"),
	  OPT_OPTARG("10"), .only = LAT_KVM_EXIT, .group = GROUP_WHY, .section = SEC_WHY },
	{ OPT_BOOLEAN(0, "vmm", E(vmm),
		      "The part of each exit the VMM (QEMU) took, from KVM's\n"
		      "hand-over (kvm_userspace_exit) to the entry: columns vmm,\n"
		      "vmm(us), %vmm; with --offcpu, oncpu and sched the kernel's"),
	  .only = LAT_KVM_EXIT, .group = GROUP_WHY, .section = SEC_WHY },
	{ OPT_BOOLEAN(0, "list-reasons", E(list_keys),
		      "Print this kernel's exit reasons (or --input's), code\n"
		      "and name, for --filter, and exit"),
	  .only = LAT_KVM_EXIT, .group = GROUP_WHY, .section = SEC_WHY },
	{ OPT_PATH(0, "heatmap", "FILE", E(heatmap),
		   "Write \"<time ns> <latency ns> <{key}>\" per pair to\n"
		   "FILE.lat when the run succeeds (the previous one becomes\n"
		   "FILE.lat.old); perf-prof heatmap draws it"),
	  .section = SEC_WHY },
	{ OPT_COUNT(0, "top-rip", "N", E(top_rips), 1, 1000, "--top-rip count",
		    "Per exit reason, the N guest RIPs that exited most"),
	  .only = LAT_KVM_EXIT, .group = GROUP_GUEST, .section = SEC_GUEST },
	{ OPT_PATH(0, "vmlinux", "FILE", E(vmlinux),
		   "Name guest RIPs as symbol+0xoff from a guest kernel ELF,\n"
		   "and file:line from its DWARF line tables if it has them"),
	  .only = LAT_KVM_EXIT, .group = GROUP_GUEST, .section = SEC_GUEST },
	{ OPT_PATH(0, "kallsyms", "FILE", E(kallsyms),
		   "Name guest RIPs from a copy of the guest's /proc/kallsyms\n"
		   "(runtime addresses); with --vmlinux, find its KASLR offset"),
	  .only = LAT_KVM_EXIT, .group = GROUP_KASLR, .section = SEC_GUEST },
	{ OPT_HEX(0, "kaslr-offset", "HEX", E(kaslr_offset),
		  "The guest kernel's KASLR offset, added to --vmlinux's\n"
		  "addresses (runtime minus link address of _text)"), OPT_SEEN(E(have_kaslr)),
	  .only = LAT_KVM_EXIT, .group = GROUP_KASLR, .section = SEC_GUEST },
	{ OPT_BOOLEAN(0, "json", E(json), "One JSON object per interval and instance, per line"),
	  .section = SEC_EXPORT },
	{ OPT_CALLBACK(0, "prometheus", "HOST:PORT", E(prometheus), opt_listen,
		       "Serve /metrics while tracing: latency histograms per\n"
		       "{key} (1us..10s), cumulative since start; per-{unit}\n"
		       "labels only with --perins"), .section = SEC_EXPORT },
	{ OPT_PATH(0, "prometheus-textfile", "FILE", E(prom_textfile),
		   "Write the same metrics to FILE at each interval\n"
		   "(every second without -i), for node_exporter"), .section = SEC_EXPORT },
};

#define NOPTS ((int)(sizeof(lat_opts) / sizeof(lat_opts[0])))

static void lat_usage(const struct lat_class *cls, FILE *f)
{
	const struct lat_help *h = lat_help_of(cls);
	const char *const vars[] = { "event", cls->begin_event, "example", h->filter_example,
				     "key", cls->key_header,
				     "unit", cls->aux_is_rip ? "vCPU" : "thread", NULL };

	fprintf(f, "perf-prof %s: %s\n"
		"\n"
		"USAGE: perf-prof %s [-h] [-C CPUS | -p PIDS | -t TIDS | -G CGROUPS | --input FILE]\n"
		"       [-i MS] [--perins | --pervm] [--sort KEY] [--than TIME] [--heatmap FILE]\n"
		"       [--filter EXPR] [-m PAGES] [-v] [--duration TIME] [-- COMMAND [ARGS]]\n"
		"\n"
		"EXAMPLES:\n%s", cls->name, h->summary, cls->name, h->examples);
	opt_help_sections(f, lat_opts, NOPTS, cls->bit, vars, sections, SEC_N);
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

/* --percentiles: up to 8, each once, between 0 and 100 */
static int opt_pct(const struct opt_spec *o, const char *s, void *dst, char *err, size_t errlen)
{
	struct lat_pcts *pct = dst;
	int i, j;

	if (parse_number_list(s, pct->v, 8, &pct->n) < 0) {
		snprintf(err, errlen, "invalid percentile list '%s' "
			 "(up to 8 numbers between 0 and 100, e.g. 50,99,99.9)", s);
		return -1;
	}
	for (i = 0; i < pct->n; i++) {
		if (!(pct->v[i] > 0 && pct->v[i] < 100)) {
			snprintf(err, errlen, "invalid percentile list '%s' "
				 "(up to 8 numbers between 0 and 100, e.g. 50,99,99.9)", s);
			return -1;
		}
		/* two columns of one name would be one key twice in the JSON */
		for (j = 0; j < i; j++) {
			if (pct->v[j] == pct->v[i]) {
				char name[32];

				table_pct_name(pct->v[i], name, sizeof(name));
				snprintf(err, errlen, "percentile %s is listed twice in '%s'",
					 name, s);
				return -1;
			}
		}
	}
	return 0;
}

/* -C: a CPU list, every CPU of it online */
static int opt_cpus(const struct opt_spec *o, const char *arg, void *dst, char *err,
		    size_t errlen)
{
	struct id_list online, *cpus = dst;
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

/* -p, -t: positive ids */
static int opt_pids(const struct opt_spec *o, const char *arg, void *dst, char *err,
		    size_t errlen)
{
	id_list_free(dst);
	return parse_id_list(arg, o->key == 'p' ? "PID" : "TID", dst, err, errlen);
}

/* -G: cgroup v2 paths that exist, each once, none inside another */
static int opt_cgroups(const struct opt_spec *o, const char *arg, void *dst, char *err,
		       size_t errlen)
{
	return cgroup_list_parse(arg, dst, err, errlen);
}

/* --prometheus: HOST:PORT that can be listened on */
static int opt_listen(const struct opt_spec *o, const char *arg, void *dst, char *err,
		      size_t errlen)
{
	char host[256], port[16];

	if (prom_parse_listen(arg, host, sizeof(host), port, sizeof(port), err, errlen) < 0)
		return -1;
	*(const char **)dst = arg;
	return 0;
}

/* --sort: one of sortkey.h's names */
static int opt_sort(const struct opt_spec *o, const char *arg, void *dst, char *err,
		    size_t errlen)
{
	int k = sort_key_parse(arg);

	if (k < 0) {
		snprintf(err, errlen, "invalid --sort '%s' (expected calls, total, avg, p99, max "
			 "or name)", arg);
		return -1;
	}
	*(int *)dst = k;
	return 0;
}

/* --duration: a time above 0, a bare number in seconds (as bcc's kvmexit takes it) */
static int opt_duration(const struct opt_spec *o, const char *arg, void *dst, char *err,
			size_t errlen)
{
	uint64_t ns;

	if (parse_time(arg, 1000000000ull, &ns, err, errlen) < 0 || !ns) {
		snprintf(err, errlen, "invalid --duration '%s' (expected a time above 0, e.g. 10, "
			 "10s or 500ms; a bare number is seconds)", arg);
		return -1;
	}
	*(uint64_t *)dst = ns;
	return 0;
}

/* -m: a power of two */
static int opt_pages(const struct opt_spec *o, const char *arg, void *dst, char *err,
		     size_t errlen)
{
	uint64_t *pages = dst;
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
static int opt_vcpus(const struct opt_spec *o, const char *arg, void *dst, char *err,
		     size_t errlen)
{
	struct id_list *vcpus = dst;

	id_list_free(vcpus);
	if (parse_cpu_list(arg, 1 << 20, vcpus, err, errlen) < 0) {
		snprintf(err, errlen, "invalid vCPU list '%s' (expected e.g. 0,2-3)", arg);
		return -1;
	}
	return 0;
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

/* --tui and --replay with the rest: 0, or -1 + message */
static int tui_check(const struct lat_env *env, char *err, size_t errlen)
{
	const char *msg = NULL;

	if (env->replay && !env->input)
		msg = "--replay paces a recording: it needs --input";
	else if (env->tui && (env->json || env->than || env->perins || env->pervm ||
			      env->top_rips))
		msg = "--tui shows its own views: --json, --perins, --pervm, --than and --top-rip "
		      "do not apply";
	else if (env->tui && (!isatty(0) || !isatty(1)))
		msg = "--tui needs a terminal on standard input and output";
	if (msg) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	return 0;
}

/* what the options say together: 0, or -1 + message */
static int lat_check(const struct lat_class *cls, struct lat_env *env, const bool *given,
		     char *err, size_t errlen)
{
	int targets = env->have_cpus + (env->pids.n > 0) + (env->tids.n > 0);
	const char *msg = NULL;

	/* -G's cgroups may be traced on some CPUs (-C) */
	if (env->cgroups.n && (env->pids.n || env->tids.n))
		msg = "-p, -t and -G cannot be combined";
	else if (targets > 1)
		msg = "-C, -p and -t cannot be combined";
	else if (env->input && (env->duration_ns || env->cmd))
		msg = "--duration and -- COMMAND limit a live run: they do not apply to --input";
	else if (env->input && (targets || env->cgroups.n))
		msg = "--input reads a recording: -C, -p, -t and -G do not apply";
	else if (env->pervm && env->perins)
		msg = "--perins and --pervm cannot be combined";
	if (msg) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	if (not_for(cls, given, GROUP_GUEST, err, errlen) < 0 ||
	    not_for(cls, given, GROUP_WHY, err, errlen) < 0)
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
	if (tui_check(env, err, errlen) < 0)
		return -1;
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

/* argv into @env, with its defaults; -1 after printing a usage error */
static int lat_parse_args(const struct lat_class *cls, struct lat_env *env, int argc,
			  char **argv, bool *help)
{
	bool given[NOPTS];
	char err[256];
	int r, next, dashes;

	*help = false;
	memset(env, 0, sizeof(*env));
	env->pages = 64;
	env->order_mem = 64ull << 20;
	env->pct.n = 1;
	env->pct.v[0] = 99;
	memset(given, 0, sizeof(given));
	/* -- COMMAND [ARGS]: the rest is the command the run lasts for */
	dashes = opt_command_at(lat_opts, NOPTS, argc, argv);
	if (dashes < argc) {
		env->cmd = argv + dashes + 1;
		if (!env->cmd[0])
			return usage_error(cls, "-- needs a command to run (-- COMMAND [ARGS])");
	}
	r = opt_parse(lat_opts, NOPTS, dashes, argv, env, given, &next, err, sizeof(err));
	*help = r > 0;
	if (r)
		return r > 0 ? 0 : usage_error(cls, err);
	if (next < dashes) {
		snprintf(err, sizeof(err), "unexpected argument '%s'", argv[next]);
		return usage_error(cls, err);
	}
	if (lat_check(cls, env, given, err, sizeof(err)) < 0)
		return usage_error(cls, err);
	return 0;
}

static void lat_env_free(struct lat_env *env)
{
	id_list_free(&env->cpus);
	id_list_free(&env->pids);
	id_list_free(&env->tids);
	id_list_free(&env->vcpus);
	cgroup_list_free(&env->cgroups);
}

int latency_command(const struct lat_class *cls, int argc, char **argv,
		    const struct pp_stop *stop)
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
	if (env.list_keys) {
		char err[512];

		code = cls->list_keys(env.input, stdout, err, sizeof(err));
		if (code)
			fprintf(stderr, "perf-prof: %s\n", err);
	} else {
		code = latency_run(cls, &env, stop);
	}
	lat_env_free(&env);
	return code;
}

void latency_list_options(const struct lat_class *cls, FILE *f)
{
	opt_list(f, lat_opts, NOPTS, cls->bit);
}
