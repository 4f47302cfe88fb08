// SPDX-License-Identifier: GPL-2.0-only
/* perf-prof: subcommand dispatch. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/version.h>

int kvm_exit_main(int argc, char **argv);
int syscalls_main(int argc, char **argv);

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "kvm-exit", kvm_exit_main, "KVM VM-exit latency per exit reason" },
	{ "syscalls", syscalls_main, "system call latency per syscall" },
	{ "heatmap",  heatmap_svg_main, "render a --heatmap .lat file as SVG" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "USAGE: perf-prof COMMAND [OPTIONS]\n\nCOMMANDS:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "    %-10s %s\n", cmds[i].name, cmds[i].help);
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
	size_t i;

	/* past a file size limit, a write fails with EFBIG and is reported */
	signal(SIGXFSZ, SIG_IGN);
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
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return finish(cmds[i].main(argc - 1, argv + 1));
	fprintf(stderr, "perf-prof: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
