// SPDX-License-Identifier: GPL-2.0-only
/* Command line of the latency profilers: defaults, parsing, help. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/latency.h>
#include <perf-prof/proc.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/table.h>

enum {
	OPT_ORDER = 256, OPT_ORDER_MEM, OPT_PERINS, OPT_THAN, OPT_THAN_HLT, OPT_HEATMAP,
	OPT_FILTER, OPT_INPUT, OPT_PCT, OPT_JSON, OPT_VCPU, OPT_OFFCPU, OPT_TOP_RIP, OPT_VMLINUX,
	OPT_PROM, OPT_PROM_TEXTFILE,
	OPT_KALLSYMS, OPT_KASLR,
};

static const struct option long_opts[] = {
	{ "cpu",         required_argument, NULL, 'C' },
	{ "cpus",        required_argument, NULL, 'C' },
	{ "pids",        required_argument, NULL, 'p' },
	{ "pid",         required_argument, NULL, 'p' },
	{ "tids",        required_argument, NULL, 't' },
	{ "tid",         required_argument, NULL, 't' },
	{ "interval",    required_argument, NULL, 'i' },
	{ "mmap-pages",  required_argument, NULL, 'm' },
	{ "order",       no_argument,       NULL, OPT_ORDER },
	{ "order-mem",   required_argument, NULL, OPT_ORDER_MEM },
	{ "perins",      no_argument,       NULL, OPT_PERINS },
	{ "than",        required_argument, NULL, OPT_THAN },
	{ "than-hlt",    no_argument,       NULL, OPT_THAN_HLT },
	{ "heatmap",     required_argument, NULL, OPT_HEATMAP },
	{ "filter",      required_argument, NULL, OPT_FILTER },
	{ "input",       required_argument, NULL, OPT_INPUT },
	{ "percentiles", required_argument, NULL, OPT_PCT },
	{ "json",        no_argument,       NULL, OPT_JSON },
	{ "vcpu",        required_argument, NULL, OPT_VCPU },
	{ "offcpu",      no_argument,       NULL, OPT_OFFCPU },
	{ "top-rip",     required_argument, NULL, OPT_TOP_RIP },
	{ "vmlinux",     required_argument, NULL, OPT_VMLINUX },
	{ "prometheus",  required_argument, NULL, OPT_PROM },
	{ "prometheus-textfile", required_argument, NULL, OPT_PROM_TEXTFILE },
	{ "kallsyms",    required_argument, NULL, OPT_KALLSYMS },
	{ "kaslr-offset", required_argument, NULL, OPT_KASLR },
	{ "realtime",    required_argument, NULL, 'r' },
	{ "verbose",     no_argument,       NULL, 'v' },
	{ "help",        no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void lat_usage(const struct lat_class *cls, FILE *f)
{
	fprintf(f,
"perf-prof %s: %s\n"
"\n"
"USAGE: perf-prof %s [-h] [-C CPUS | -p PIDS | -t TIDS | --input FILE] [-i MS]\n"
"       [--perins] [--than TIME] [--heatmap FILE] [--filter EXPR] [-m PAGES] [-v]\n"
"\n"
"EXAMPLES:\n%s"
"\n"
"OPTIONS:\n"
"  -C, --cpu=CPU[-CPU],...    Monitor these CPUs (default: every online CPU)\n"
"  -p, --pids=PID,...         Attach to every thread of these processes\n"
"  -t, --tids=TID,...         Attach to these threads\n"
"  -i, --interval=MS          Print a table every MS milliseconds (default: one\n"
"                             table at Ctrl-C, SIGTERM, or when the targets exit)\n"
"  -m, --mmap-pages=PAGES     Data pages per ring buffer, a power of two (default 64)\n"
"  -r, --realtime=PRIO        Read the buffers at SCHED_FIFO priority PRIO (1-99), so a\n"
"                             busy CPU cannot starve the reader into losing records\n"
"      --order                Merge buffers by timestamp (always on with -C)\n"
"      --order-mem=BYTES      Memory bound of the merge, unit GB/MB/KB/B (default 64MB)\n"
"      --perins               One table per thread (-p, -t, --input) or per CPU (-C)\n"
"      --than=TIME            Print both raw events of every pair of at least TIME,\n"
"                             unit s/ms/us/ns (a bare number is ns; 0: every pair)\n"
"      --than-hlt             With --than, also print idle exits (HLT, WFx)\n"
"      --heatmap=FILE         Write \"<time ns> <latency ns>\" per pair to FILE.lat when\n"
"                             the run succeeds (the previous one becomes FILE.lat.old)\n"
"      --filter=EXPR          Kernel-side filter on %s, e.g. '%s'\n"
"      --input=FILE           Analyse a perf.data recording instead (\"-\" = stdin)\n"
"      --percentiles=LIST     Percentile columns, e.g. 50,99,99.9 (default 99)\n"
"      --offcpu               Split each latency into on-CPU and scheduled-out time\n"
"                             (columns oncpu(us), sched(us), %%sched)\n"
"      --json                 One JSON object per interval and instance, per line\n"
"      --prometheus=HOST:PORT Serve /metrics while tracing: latency histograms per\n"
"                             %s (1us..10s), cumulative since start; per-%s\n"
"                             labels only with --perins\n"
"      --prometheus-textfile=FILE  Write the same metrics to FILE at each interval\n"
"                             (every second without -i), for node_exporter\n"
"%s"
"  -v, --verbose              What was opened, lost and dropped, on stderr\n"
"  -h, --help                 Show this help\n"
"\n"
"COLUMNS: %s calls total(us) min(us) avg(us) p99(us) max(us) %s\n"
"\n"
"EXIT STATUS: 0 done (also stopped by SIGINT, SIGTERM or SIGHUP, after the final\n"
"table), 1 runtime error, 2 usage error\n",
		cls->name, cls->summary, cls->name, cls->examples, cls->begin_event,
		strcmp(cls->name, "kvm-exit") == 0 ? "exit_reason!=12" : "id==39",
		cls->key_header, cls->aux_is_rip ? "vCPU" : "thread",
		cls->aux_is_rip ?
"      --vcpu=N,...           Only these vCPUs (by the events' vcpu_id; x86 only)\n"
"      --top-rip=N            Per exit reason, the N guest RIPs that exited most\n"
"      --vmlinux=FILE         Name guest RIPs as symbol+0xoff from a guest kernel ELF,\n"
"                             and file:line from its DWARF line tables if it has them\n"
"      --kallsyms=FILE        Name guest RIPs from a copy of the guest's /proc/kallsyms\n"
"                             (runtime addresses); with --vmlinux, find its KASLR offset\n"
"      --kaslr-offset=HEX     The guest kernel's KASLR offset, added to --vmlinux's\n"
"                             addresses (runtime minus link address of _text)\n"
		: "",
		cls->key_header, cls->extra_header);
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

int lat_parse_args(const struct lat_class *cls, struct lat_env *env, int argc, char **argv,
		   bool *help)
{
	struct id_list online;
	char err[256];
	unsigned long v;
	int c, i, targets = 0;

	memset(env, 0, sizeof(*env));
	env->pages = 64;
	env->order_mem = 64ull << 20;
	env->npct = 1;
	env->pct[0] = 99;
	*help = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":C:p:t:i:m:r:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (online_cpus(&online, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			id_list_free(&env->cpus);
			if (parse_cpu_list(optarg, 1 << 20, &env->cpus, err, sizeof(err)) < 0) {
				id_list_free(&online);
				return usage_error(cls, err);
			}
			for (i = 0; i < env->cpus.n; i++) {
				if (!id_list_has(&online, env->cpus.id[i])) {
					snprintf(err, sizeof(err), "CPU %d in '%s' is not online",
						 env->cpus.id[i], optarg);
					id_list_free(&online);
					return usage_error(cls, err);
				}
			}
			id_list_free(&online);
			env->have_cpus = true;
			targets |= 1;
			break;
		case 'p':
			id_list_free(&env->pids);
			if (parse_id_list(optarg, "PID", &env->pids, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			targets |= 2;
			break;
		case 't':
			id_list_free(&env->tids);
			if (parse_id_list(optarg, "TID", &env->tids, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			targets |= 4;
			break;
		case 'i':
			if (parse_ulong(optarg, "interval (ms)", 1, 86400000, &v, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			env->interval_ns = v * 1000000ull;
			break;
		case 'm':
			if (parse_ulong(optarg, "mmap pages", 1, 1 << 20, &v, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			if (v & (v - 1)) {
				snprintf(err, sizeof(err),
					 "mmap pages must be a power of two, not %lu", v);
				return usage_error(cls, err);
			}
			env->pages = v;
			break;
		case 'r':
			if (parse_ulong(optarg, "realtime priority", 1, 99, &v, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			env->rt_prio = v;
			break;
		case OPT_ORDER:
			env->order = true;
			break;
		case OPT_ORDER_MEM:
			if (parse_size(optarg, &env->order_mem, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			if (env->order_mem < 65536)
				return usage_error(cls, "--order-mem must be at least 64KB");
			break;
		case OPT_PERINS:
			env->perins = true;
			break;
		case OPT_THAN:
			if (parse_time_ns(optarg, &env->than_ns, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			env->than = true;	/* --than 0 is every pair */
			break;
		case OPT_THAN_HLT:
			env->than_idle = true;
			break;
		case OPT_HEATMAP:
			if (!*optarg)
				return usage_error(cls, "--heatmap needs a file name");
			env->heatmap = optarg;
			break;
		case OPT_FILTER:
			env->filter = optarg;
			break;
		case OPT_INPUT:
			env->input = optarg;
			break;
		case OPT_PCT:
			if (parse_pct(optarg, env, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			env->pct_given = true;
			break;
		case OPT_JSON:
			env->json = true;
			break;
		case OPT_OFFCPU:
			env->sched = true;
			break;
		case OPT_VCPU:
			id_list_free(&env->vcpus);
			/* vCPU ids start at 0: parse as a CPU-style list */
			if (parse_cpu_list(optarg, 1 << 20, &env->vcpus, err, sizeof(err)) < 0) {
				snprintf(err, sizeof(err), "invalid vCPU list '%s' (expected e.g. 0,2-3)",
					 optarg);
				return usage_error(cls, err);
			}
			break;
		case OPT_TOP_RIP:
			if (parse_ulong(optarg, "--top-rip count", 1, 1000, &v, err, sizeof(err)) < 0)
				return usage_error(cls, err);
			env->top_rips = v;
			break;
		case OPT_VMLINUX:
			env->vmlinux = optarg;
			break;
		case OPT_PROM: {
			char host[256], port[16];

			if (prom_parse_listen(optarg, host, sizeof(host), port, sizeof(port), err,
					      sizeof(err)) < 0)
				return usage_error(cls, err);
			env->prometheus = optarg;
			break;
		}
		case OPT_PROM_TEXTFILE:
			if (!*optarg)
				return usage_error(cls, "--prometheus-textfile needs a file name");
			env->prom_textfile = optarg;
			break;
		case OPT_KALLSYMS:
			env->kallsyms = optarg;
			break;
		case OPT_KASLR:
			if (parse_hex(optarg, &env->kaslr_offset) < 0) {
				snprintf(err, sizeof(err), "invalid --kaslr-offset '%s' (a hex number, "
					 "e.g. 0x1e200000)", optarg);
				return usage_error(cls, err);
			}
			env->have_kaslr = true;
			break;
		case 'v':
			env->verbose++;
			break;
		case 'h':
			*help = true;
			return 0;
		case ':':
			snprintf(err, sizeof(err), "option '%s' needs a value", argv[optind - 1]);
			return usage_error(cls, err);
		default:
			if (optopt && optopt < 256)
				snprintf(err, sizeof(err), "unknown option '-%c'", optopt);
			else
				snprintf(err, sizeof(err), "unknown option '%s'", argv[optind - 1]);
			return usage_error(cls, err);
		}
	}
	if (optind < argc) {
		snprintf(err, sizeof(err), "unexpected argument '%s'", argv[optind]);
		return usage_error(cls, err);
	}
	if (targets & (targets - 1))
		return usage_error(cls, "-C, -p and -t cannot be combined");
	if (env->input && targets)
		return usage_error(cls, "--input reads a recording: -C, -p and -t do not apply");
	if (env->input && env->filter)
		return usage_error(cls, "--filter runs in the kernel: it does not apply to --input");
	if (!cls->aux_is_rip && (env->vcpus.n || env->top_rips || env->vmlinux)) {
		snprintf(err, sizeof(err), "--vcpu, --top-rip and --vmlinux apply to kvm-exit only");
		return usage_error(cls, err);
	}
	if (env->input && env->prometheus)
		return usage_error(cls, "--prometheus serves while tracing live: it does not apply "
				   "to --input (--prometheus-textfile does)");
	if (!cls->aux_is_rip && (env->kallsyms || env->have_kaslr))
		return usage_error(cls, "--kallsyms and --kaslr-offset apply to kvm-exit only");
	if (env->have_kaslr && !env->vmlinux)
		return usage_error(cls, "--kaslr-offset shifts the addresses of --vmlinux, "
				   "which is missing");
	if ((env->vmlinux || env->kallsyms) && !env->top_rips)
		env->top_rips = 5;
	if (env->than_idle && !env->than)
		return usage_error(cls, "--than-hlt needs --than");
	if (env->json && (env->than || env->top_rips))
		return usage_error(cls, "--json cannot be combined with --than or --top-rip");
	if (!env->have_cpus && !env->pids.n && !env->tids.n && !env->input) {
		if (online_cpus(&env->cpus, err, sizeof(err)) < 0)
			return usage_error(cls, err);
	}
	return 0;
}

void lat_env_free(struct lat_env *env)
{
	id_list_free(&env->cpus);
	id_list_free(&env->pids);
	id_list_free(&env->tids);
	id_list_free(&env->vcpus);
}
