// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the perf.data reader: each input is written to a
 * memfd and read through perfdata_open("/proc/self/fd/N") to the end,
 * touching every returned record and the tep handle.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *     $(pkg-config --cflags libtraceevent) tests/fuzz/fuzz_perfdata.c \
 *     src/source/perfdata.c src/format/fmtcheck.c $(pkg-config --libs libtraceevent) -o fuzz_perfdata
 *   ./fuzz_perfdata -max_len=200000 tests/fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <traceevent/event-parse.h>

#include <perf-prof/perfdata.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tep_set_loglevel(TEP_LOG_NONE);
	mfd = memfd_create("perfdata-fuzz", 0);
	if (mfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	return 0;
}

/* read every returned record, the whole payload included */
static void touch(struct perfdata *pd, const struct pp_record *rec, volatile uint64_t *sink)
{
	struct tep_handle *tep = perfdata_tep(pd);

	*sink += rec->type + rec->cpu + rec->tid + rec->time + rec->lost;
	if (rec->type == PP_REC_SAMPLE && rec->raw_size) {
		const volatile uint8_t *p = rec->raw;

		*sink += p[0] + p[rec->raw_size - 1];
		if (tep && rec->raw_size >= 2) {
			struct tep_event *ev = tep_find_event(tep,
				(int)tep_read_number(tep, rec->raw, 2));

			*sink += ev ? (uint64_t)ev->id : 0;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct perfdata *pd;
	struct pp_record rec;
	volatile uint64_t sink = 0;
	size_t done = 0;
	int r;

	if (ftruncate(mfd, 0))
		abort();
	while (done < size) {
		ssize_t n = pwrite(mfd, data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	pd = perfdata_open(path, NULL, err, sizeof(err));
	if (!pd) {
		if (!err[0] || strlen(err) >= sizeof(err))
			abort();	/* a failure always says why */
		return 0;
	}
	if (size & 1) {
		/* the engine's way: batches, held until released at each round */
		struct pp_record batch[8];
		uint64_t offs[8];
		int i;

		perfdata_hold(pd);
		while ((r = perfdata_next_batch(pd, batch, offs, 8, err, sizeof(err))) > 0)
			for (i = 0; i < r; i++) {
				touch(pd, &batch[i], &sink);
				if (batch[i].type == PP_REC_ROUND)
					perfdata_release(pd, offs[i]);
			}
	} else {
		while ((r = perfdata_next(pd, &rec, err, sizeof(err))) > 0)
			touch(pd, &rec, &sink);
	}
	if (r < 0 && !err[0])
		abort();
	perfdata_close(pd);
	return 0;
}
