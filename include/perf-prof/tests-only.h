/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What only the unit tests call: inner steps of a module that a test
 * checks directly.  Not API: in src/, only the module that defines each
 * includes this header (so its definition is checked against it).
 */
#ifndef PERF_PROF_TESTS_ONLY_H
#define PERF_PROF_TESTS_ONLY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct elfsym;
struct guestsym;
struct heatmap;
struct perfdata;
struct tep_handle;

/* cli/suggest.c:
 * edits from @a to @b: insertions, deletions, substitutions and swaps of
 * two neighbours, one each (the optimal string alignment distance)
 */
int edit_distance(const char *a, const char *b);

/* guest/elfsym.c:
 * "name+0xoff" (or "name" at offset 0) for addr, or "0x<addr>" when no
 * symbol covers it; truncated to len - 1 characters.  Returns buf.
 * es may be NULL (always the hex form).
 */
const char *elfsym_name(const struct elfsym *es, uint64_t addr, char *buf, size_t len);

/* guest/guestsym.c: the offset in use (0 without a vmlinux) */
uint64_t guestsym_offset(const struct guestsym *g);

/* report/heatmap.c: heatmap_write_key() of the two columns, without a key */
void heatmap_write(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns);

/* format/tep.c: parse one format file's text into @tep (the fixtures' formats) */
int pp_tep_parse_format(struct tep_handle *tep, const char *buf, size_t len,
			const char *sys, char *err, size_t errlen);

/* format/tep.c: a tep handle configured like this machine (little endian, 8-byte long) */
struct tep_handle *pp_tep_new(void);

/* report/table.c: "2022-04-22 17:34:13.858975 \n", an interval's header line */
void table_print_time(FILE *f, uint64_t realtime_ns);

/* report/promtext.c: the le label value of bucket @i: "1e-06" ... "10", "+Inf" */
const char *prom_le_str(unsigned i);

/* source/perfdata/input.c: bytes of read buffers allocated, held records included */
uint64_t perfdata_held_bytes(const struct perfdata *pd);

#endif
