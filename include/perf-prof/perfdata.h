/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Streaming reader for perf.data files (file mode and pipe mode, as
 * written by `perf record` / `perf kvm stat record`).  Event formats come
 * from the file's own tracing data, so a recording from another kernel or
 * architecture decodes with its own layouts.
 */
#ifndef PERF_PROF_PERFDATA_H
#define PERF_PROF_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <perf-prof/record.h>

struct tep_handle;
struct perfdata;

/*
 * Open @path ("-" = stdin, pipe-mode stream).  On failure returns NULL and
 * writes a one-line message "PATH: offset N: what went wrong" into @err.
 * @stopping (may be NULL) is asked when a read is interrupted by a signal:
 * true ends the read with an error instead of waiting on for a pipe that
 * may never deliver more (the reader reads ahead already here).
 */
struct perfdata *perfdata_open(const char *path, bool (*stopping)(void), char *err,
			       size_t errlen);

/*
 * The event formats of the recording, parsed from its tracing data.  In
 * pipe mode the tracing data arrives in-stream: this is valid once the
 * first perfdata_next() returned (NULL before, or if the file has none).
 * (The reader reads ahead at open, so it is in fact ready right after
 * perfdata_open() in both modes.)  Owned by @pd: freed by perfdata_close().
 */
struct tep_handle *perfdata_tep(struct perfdata *pd);

/* was the recording made with context-switch records (--switch-events)? */
bool perfdata_has_switches(const struct perfdata *pd);

/*
 * Next record in file order.  Returns 1 and fills @rec (rec->raw stays
 * valid until the next call), 0 at the end of the data, -1 on a bad file
 * (message as for perfdata_open).  Only SAMPLE records of tracepoint
 * attrs, LOST (and LOST_SAMPLES, as PP_REC_LOST), THROTTLE, context
 * switches of `perf record --switch-events` (as PP_REC_SWITCH_IN/OUT, when
 * they carry sample_id_all) and FINISHED_ROUND (as PP_REC_ROUND) are
 * returned; everything else is skipped.
 *
 * File order is not time order: perf writes each CPU's buffer in turn
 * between FINISHED_ROUNDs, so records are time-ordered per rec->buf only.
 * At a ROUND, records up to the largest time seen before the previous
 * ROUND may be sorted and processed (perf's ordered_events rule).
 * Unknown values: cpu UINT32_MAX / buf -1 (no CPU in the sample nor an
 * ID_INDEX), pid/tid UINT32_MAX (no PERF_SAMPLE_TID), time 0.
 */
int perfdata_next(struct perfdata *pd, struct pp_record *rec, char *err, size_t errlen);

/*
 * Up to @max records at once, with their file offsets in @offs[]: the
 * same records as perfdata_next() would return one by one, and the same
 * return values (n >= 1 records, 0 end, -1 error).  Raw data stays valid
 * until the next call (or, in hold mode, until released).
 */
int perfdata_next_batch(struct perfdata *pd, struct pp_record *restrict recs,
			uint64_t *restrict offs, int max, char *err, size_t errlen);

/*
 * Hold mode, for a caller that queues samples to sort them: the rec->raw
 * of every sample stays valid until perfdata_release() covers its offset,
 * not only until the next call.  Call right after perfdata_open().
 */
void perfdata_hold(struct perfdata *pd);
/* file offset of the record perfdata_next() returned last */
uint64_t perfdata_offset(const struct perfdata *pd);
/* hold mode: the records before file offset @off are no longer used */
void perfdata_release(struct perfdata *pd, uint64_t off);

/* what the readers @pds (one recording's) skipped or missed, said on stderr as @name's */
void perfdata_say_skipped(struct perfdata *const *pds, int n, const char *name);

/*
 * Sorted mode, for a recording file read to its end: the data section is
 * mapped and the reader merges its buffers by time itself (perf's
 * FINISHED_ROUND rule, as the engine's queue does), handing out records
 * in (time, file offset) order, decoded in place: LOST and THROTTLE
 * records dated to the next record of their buffer (core/gaps.h's rule),
 * no FINISHED_ROUND records.  Its memory follows the buffers, never the
 * records: of the file at most about @hold bytes stay mapped.  Call right
 * after perfdata_open(); -1 when the recording cannot be read so (pipe
 * mode, compressed, a directory's data file, not mappable): read it with
 * perfdata_next_batch() then.
 */
int perfdata_sort(struct perfdata *pd, uint64_t hold);
/* sorted mode's perfdata_next_batch(): raw data stays valid until perfdata_close() */
int perfdata_next_sorted(struct perfdata *pd, struct pp_record *recs, uint64_t *offs, int max,
			 char *err, size_t errlen);
/*
 * Sorted mode: the run reads the samples of these tracepoint ids only;
 * the others are dropped (and counted) instead of handed out, but for
 * the last one before a record that is not a sample and the last of all
 * (an interval clock ticked on samples ticks the same).
 */
void perfdata_use(struct perfdata *pd, const int *ids, int n);
struct perfdata_sort_stats {
	uint64_t dropped;	/* samples perfdata_use() dropped */
	uint64_t newest;	/* the newest record time read */
	uint64_t mem_peak;	/* bytes of the merge's tables at most */
};
/* sorted mode's figures so far into @st (zeros when the file is read through the queue) */
void perfdata_sort_stats(const struct perfdata *pd, struct perfdata_sort_stats *st);

/*
 * perf record --threads writes a directory: DIR/data, a perf.data file
 * whose header (with the HEADER_DIR_FORMAT feature) describes the
 * recording and whose data section holds perf's own records, and
 * DIR/data.N, one per writing thread (one per CPU by default), records
 * only.  Is @pd the header file of such a directory?
 */
bool perfdata_is_dir_header(const struct perfdata *pd);
/*
 * A data file of the directory whose header file @head reads: its
 * records, described by @head's attrs and formats, its losses counted
 * with @head's.  @head must outlive it.  NULL + message as perfdata_open().
 */
struct perfdata *perfdata_open_data(struct perfdata *head, const char *path,
				    bool (*stopping)(void), char *err, size_t errlen);

/* the name of thread @tid as the recording's COMM (or FORK) records say, or NULL */
const char *perfdata_comm(const struct perfdata *pd, uint32_t tid);
/* close the file, free the reader and all it read (NULL: nothing) */
void perfdata_close(struct perfdata *pd);

#endif
