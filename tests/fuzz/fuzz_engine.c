// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for a whole offline run: the perf.data reader, the
 * merge by time and the interval clock, as `perf-prof kvm-exit --input
 * FILE -i 1` runs them (and, by the input's low bits, `--perins`, the
 * queueing merge of `--order-mem`, or `syscalls`).  Each input is written
 * to a memfd; the tables go to /dev/null.
 *
 * Besides crashes, leaks and hangs (-timeout), a run must not cost more
 * heap than a fixed base plus a small multiple of the input's size: a
 * damaged time or cpu is a number, and nothing is sized by it (issue 22).
 * The heap is measured through the sanitizer's malloc hooks.
 *
 * tests/fuzz/smoke builds it (FUZZ_ONLY=engine); its corpus is
 * tests/fuzz/corpus-engine.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sanitizer/allocator_interface.h>
#include <traceevent/event-parse.h>

#include <perf-prof/commands.h>
#include <perf-prof/latency.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the heap a run may take beyond the input's own size (formats, buffers, digests) */
#ifndef HEAP_BASE
#define HEAP_BASE	(16ull << 20)
#endif
#define HEAP_PER_BYTE	16

static int mfd = -1;
static char path[64];
static volatile size_t live, peak;
static volatile int counting;

static void on_malloc(const volatile void *p, size_t size)
{
	if (!counting)
		return;
	live += size;
	if (live > peak)
		peak = live;
}

static void on_free(const volatile void *p)
{
	if (counting && p)
		live -= __sanitizer_get_allocated_size((const void *)p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null = open("/dev/null", O_WRONLY);

	(void)argc;
	(void)argv;
	tep_set_loglevel(TEP_LOG_NONE);
	mfd = memfd_create("engine-fuzz", 0);
	if (mfd < 0 || null < 0) {
		perror("engine-fuzz");
		abort();
	}
	/* the tables go nowhere; messages stay on stderr (-close_fd_mask=2 quiets them) */
	dup2(null, 1);
	close(null);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct lat_class *cls = lat_profilers[0];	/* kvm-exit */
	char *argv[12];
	int argc = 0, code;
	size_t done = 0;

	if (ftruncate(mfd, 0))
		abort();
	while (done < size) {
		ssize_t n = pwrite(mfd, data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	/* the last byte picks the variant, so the corpus keeps each */
	if (size && (data[size - 1] & 4) && lat_profilers[1])
		cls = lat_profilers[1];	/* syscalls */
	argv[argc++] = (char *)cls->name;
	argv[argc++] = "--input";
	argv[argc++] = path;
	argv[argc++] = "-i";
	argv[argc++] = "1";
	if (size && (data[size - 1] & 1))
		argv[argc++] = "--perins";
	if (size && (data[size - 1] & 2)) {
		argv[argc++] = "--order-mem";
		argv[argc++] = "64KB";
	}
	argv[argc] = NULL;
	live = peak = 0;
	counting = 1;
	code = latency_command(cls, argc, argv, stop_signals());
	counting = 0;
	if (code < 0 || code > 2)
		abort();
	if (peak > HEAP_BASE + HEAP_PER_BYTE * (uint64_t)size) {
		fprintf(stderr, "engine-fuzz: a %zu-byte input took %zu bytes of heap\n", size,
			(size_t)peak);
		abort();
	}
	return 0;
}
