// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include <perf-prof/dump.h>
#include <perf-prof/proc.h>
#include <perf-prof/table.h>

void dump_when(FILE *f, uint64_t time, const struct pp_clock *clock, bool header)
{
	if (clock->wall)
		table_print_time_inline(f, pp_clock_realtime(clock, time));
	else
		fprintf(f, "%lu.%06lu", (unsigned long)(time / 1000000000ull),
			(unsigned long)(time % 1000000000ull / 1000));
	if (header)
		fputs(" \n", f);
}

/* "d..." as ftrace prints irqs-off, need-resched, hard/softirq, preempt depth */
static void lat_flags(const unsigned char *raw, uint32_t size, char out[5])
{
	unsigned flags = size > 2 ? raw[2] : 0, pc = size > 3 ? raw[3] : 0;

	out[0] = (flags & 0x01) ? 'd' : '.';
	out[1] = (flags & 0x04) ? 'N' : '.';
	out[2] = (flags & 0x08) && (flags & 0x10) ? 'H' :
		 (flags & 0x08) ? 'h' : (flags & 0x10) ? 's' : '.';
	out[3] = (pc & 0xf) ? "0123456789abcdef"[pc & 0xf] : '.';
	out[4] = 0;
}

void dump_event(FILE *f, struct tep_handle *tep, const void *raw, uint32_t size,
		uint32_t tid, uint32_t cpu, uint64_t time, const struct pp_clock *clock,
		const char *name)
{
	struct tep_record rec;
	struct tep_event *ev;
	struct trace_seq s;
	char comm[32], flags[5];
	uint16_t type;

	if (size < 8)
		return;
	memcpy(&type, raw, sizeof(type));
	ev = tep_find_event(tep, type);
	memset(&rec, 0, sizeof(rec));
	rec.ts = time;
	rec.size = size;
	rec.data = (void *)raw;
	rec.cpu = cpu;
	trace_seq_init(&s);
	if (ev)
		tep_print_event(tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	/* a recording's threads are not ours to look up in /proc */
	if (name)
		snprintf(comm, sizeof(comm), "%s", name);
	else if (clock->wall)
		proc_comm((int)tid, comm, sizeof(comm));
	else
		snprintf(comm, sizeof(comm), "<...>");
	lat_flags(raw, size, flags);
	dump_when(f, time, clock, false);
	fprintf(f, " %16s %6u %s [%03u] %6lu.%06lu: %s:%s: %s\n", comm, tid, flags, cpu,
		(unsigned long)(time / 1000000000ull),
		(unsigned long)(time % 1000000000ull / 1000),
		ev ? ev->system : "?", ev ? ev->name : "?", s.buffer);
	trace_seq_destroy(&s);
}
