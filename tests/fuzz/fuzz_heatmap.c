// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the `perf-prof heatmap` reader: each input is a
 * FILE.lat written to a memfd and rendered by heatmap_svg_main() to
 * /dev/null, so both passes over the input, the grid and every SVG
 * formatter run.  The first byte picks the --step option (none, a tiny
 * one that must be refused for long spans, and two ordinary ones) and,
 * with bit 2, --reason io (a reason the input may not have: refused).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *     tests/fuzz/fuzz_heatmap.c src/report/heatmap-svg.c -lm -o fuzz_heatmap
 *   ./fuzz_heatmap -max_len=65536 tests/fuzz/corpus-heatmap
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <perf-prof/commands.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/*
 * Each run allocates its grid (up to 4.8 MB) and frees it: ASan's default
 * 256 MB quarantine of freed memory alone would approach -rss_limit_mb.
 */
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}

static int mfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mfd = memfd_create("heatmap-fuzz", 0);
	if (mfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	/*
	 * The reader's one-line errors go to the stdio stream stderr: quiet
	 * them; the sanitizers and libFuzzer write to fd 2 directly.
	 */
	stderr = fopen("/dev/null", "w");
	if (!stderr)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const steps[] = { NULL, "1ns", "1ms", "250us" };
	char *argv[12];
	size_t done = 0;
	int argc = 0, rc;
	const char *step;
	int reason;

	if (size < 1)
		return 0;
	step = steps[data[0] & 3];
	reason = data[0] & 4;
	data++;
	size--;
	if (ftruncate(mfd, 0) || lseek(mfd, 0, SEEK_SET) < 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(mfd, data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	argv[argc++] = (char *)"heatmap";
	argv[argc++] = path;
	argv[argc++] = (char *)"-o";
	argv[argc++] = (char *)"/dev/null";
	if (step) {
		argv[argc++] = (char *)"--step";
		argv[argc++] = (char *)step;
	}
	if (reason) {
		argv[argc++] = (char *)"--reason";
		argv[argc++] = (char *)"io";
	}
	argv[argc] = NULL;
	rc = heatmap_svg_main(argc, argv);
	/* 0, 1 (bad input) or 2 (too many columns, or no line of that reason) */
	if (rc < 0 || rc > 2 || (rc == 2 && !step && !reason))
		abort();
	return 0;
}
