// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen-perfdata: write a realistic `perf kvm stat record` style perf.data
 * (file mode or pipe mode) from real kvm_exit/kvm_entry format files, with
 * simulated vCPU threads, host CPUs with migration, a mix of exit reasons
 * with log-normal latencies, optional LOST records, per-CPU chunks
 * separated by FINISHED_ROUND.  Deterministic for a given seed.  Prints
 * the exact per-reason statistics it generated (or writes them to the
 * --expect file) so tests can assert exact numbers.
 *
 * The output is accepted by perf itself: `perf script -i FILE` and
 * `perf kvm -i FILE stat report --event=vmexit` (x86).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <traceevent/event-parse.h>

#ifndef DEFAULT_DATA_DIR
#define DEFAULT_DATA_DIR "tests/data"
#endif

/* perf_event_attr.sample_type bits */
#define S_IP		(1ULL << 0)
#define S_TID		(1ULL << 1)
#define S_TIME		(1ULL << 2)
#define S_ADDR		(1ULL << 3)
#define S_READ		(1ULL << 4)
#define S_CALLCHAIN	(1ULL << 5)
#define S_ID		(1ULL << 6)
#define S_CPU		(1ULL << 7)
#define S_PERIOD	(1ULL << 8)
#define S_STREAM_ID	(1ULL << 9)
#define S_RAW		(1ULL << 10)
#define S_WEIGHT	(1ULL << 14)
#define S_DATA_SRC	(1ULL << 15)
#define S_IDENTIFIER	(1ULL << 16)
#define S_PHYS_ADDR	(1ULL << 19)

#define F_ID		(1ULL << 2)	/* read_format */
#define F_LOST		(1ULL << 4)

#define REC_MMAP	1
#define REC_LOST	2
#define REC_COMM	3
#define REC_EXIT	4
#define REC_FORK	7
#define REC_SAMPLE	9
#define REC_HEADER_ATTR	64
#define REC_TRACING	66
#define REC_ROUND	68
#define REC_ID_INDEX	69
#define REC_THREAD_MAP	73
#define REC_CPU_MAP	74
#define REC_FEATURE	80
#define REC_FINISHED_INIT 82

enum { FEAT_TRACING = 1, FEAT_HOSTNAME = 3, FEAT_OSRELEASE, FEAT_VERSION,
       FEAT_ARCH, FEAT_NRCPUS, FEAT_CPUDESC, FEAT_CPUID, FEAT_TOTAL_MEM,
       FEAT_CMDLINE, FEAT_EVENT_DESC, FEAT_SAMPLE_TIME = 21, FEAT_LAST = 32 };

#define ATTR_SIZE	128
#define T0		1000000000000ULL	/* 1000 s after boot */

/* ---- growable byte buffer ---------------------------------------------- */

struct bb {
	unsigned char *p;
	size_t len, cap;
};

static void bb_put(struct bb *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 4096;

		while (nc < b->len + n)
			nc *= 2;
		b->p = realloc(b->p, nc);
		if (!b->p) {
			perror("realloc");
			exit(1);
		}
		b->cap = nc;
	}
	if (d)
		memcpy(b->p + b->len, d, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

static void bb_u64(struct bb *b, uint64_t v) { bb_put(b, &v, 8); }
static void bb_u32(struct bb *b, uint32_t v) { bb_put(b, &v, 4); }
static void bb_hdr(struct bb *b, uint32_t type, uint16_t misc, uint16_t size)
{
	bb_u32(b, type);
	bb_put(b, &misc, 2);
	bb_put(b, &size, 2);
}

/* perf's header string: u32 length (NUL included, aligned to 64), bytes */
static void bb_pstr(struct bb *b, const char *s)
{
	uint32_t len = strlen(s) + 1, olen = (len + 63) & ~63u;

	bb_u32(b, olen);
	bb_put(b, s, len);
	bb_put(b, NULL, olen - len);
}

/* ---- deterministic random numbers -------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rnd01(void)	/* (0, 1) */
{
	return ((rnd() >> 11) + 0.5) / 9007199254740992.0;
}

static double rnd_normal(void)
{
	return sqrt(-2.0 * log(rnd01())) * cos(2 * M_PI * rnd01());
}

static uint64_t rnd_lognormal(double median, double sigma)
{
	double v = median * exp(sigma * rnd_normal());

	if (v < 1)
		v = 1;
	if (v > 1e12)
		v = 1e12;
	return (uint64_t)v;
}

/* ---- exit reasons ------------------------------------------------------ */

struct reason {
	uint32_t code;
	const char *name;
	int weight;
	double median, sigma;	/* ns */
	int insn_len;		/* guest RIP advance on entry */
	/* statistics of what was written */
	uint64_t calls, total, min, max;
	uint64_t *lat;			/* every latency, with --quantiles */
	uint64_t nlat, caplat;
	uint64_t hot_calls[16], hot_total[16];	/* per hot RIP, with --hot-rips */
	uint64_t exits, kexits;	/* exits written, those from guest kernel mode */
};

static struct reason x86_reasons[] = {
	{ 1,  "EXTERNAL_INTERRUPT", 180, 1500,   0.5, 0, 0, 0, 0, 0 },
	{ 12, "HLT",                100, 250000, 1.2, 1, 0, 0, 0, 0 },
	{ 32, "MSR_WRITE",          220, 900,    0.3, 2, 0, 0, 0, 0 },
	{ 49, "EPT_MISCONFIG",      90,  2500,   0.4, 3, 0, 0, 0, 0 },
	{ 30, "IO_INSTRUCTION",     50,  6000,   0.5, 1, 0, 0, 0, 0 },
	{ 48, "EPT_VIOLATION",      80,  3000,   0.8, 0, 0, 0, 0, 0 },
	{ 40, "PAUSE_INSTRUCTION",  40,  1200,   0.4, 2, 0, 0, 0, 0 },
	{ 10, "CPUID",              30,  700,    0.2, 2, 0, 0, 0, 0 },
	{ 52, "PREEMPTION_TIMER",   80,  1000,   0.3, 0, 0, 0, 0, 0 },
	{ 31, "MSR_READ",           40,  800,    0.3, 2, 0, 0, 0, 0 },
	{ 45, "EOI_INDUCED",        30,  900,    0.3, 0, 0, 0, 0, 0 },
	{ 7,  "INTERRUPT_WINDOW",   20,  600,    0.3, 0, 0, 0, 0, 0 },
};

/* arm64: the exception class (esr_ec); ret is 0 (IRQ) for UNKNOWN, else 2 */
static struct reason arm64_reasons[] = {
	{ 0x00, "IRQ",      250, 2000,   0.5, 0, 0, 0, 0, 0 },
	{ 0x01, "WFx",      150, 300000, 1.2, 4, 0, 0, 0, 0 },
	{ 0x16, "HVC64",    60,  1500,   0.3, 0, 0, 0, 0, 0 },
	{ 0x18, "SYS64",    200, 1000,   0.3, 4, 0, 0, 0, 0 },
	{ 0x24, "DABT_LOW", 250, 4000,   0.5, 4, 0, 0, 0, 0 },
	{ 0x20, "IABT_LOW", 60,  3500,   0.8, 0, 0, 0, 0, 0 },
};

/* ---- formats ----------------------------------------------------------- */

struct fmt {
	char *text;
	size_t len;
	struct tep_event *ev;
	uint32_t entry_size;	/* tracepoint entry bytes */
	uint32_t raw_size;	/* the u32 size in samples (padded) */
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap + 1);
			if (!p)
				exit(1);
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

static void load_fmt(struct tep_handle *tep, const char *path, const char *name,
		     struct fmt *f)
{
	struct tep_format_field **fields;
	int i;

	f->text = slurp(path, &f->len);
	if (!f->text) {
		fprintf(stderr, "gen-perfdata: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (tep_parse_event(tep, f->text, f->len, "kvm")) {
		fprintf(stderr, "gen-perfdata: %s: format does not parse\n", path);
		exit(2);
	}
	f->ev = tep_find_event_by_name(tep, "kvm", name);
	if (!f->ev) {
		fprintf(stderr, "gen-perfdata: %s: not a kvm:%s format\n", path, name);
		exit(2);
	}
	f->entry_size = 0;
	fields = tep_event_fields(f->ev);
	for (i = 0; fields && fields[i]; i++)
		if ((uint32_t)(fields[i]->offset + fields[i]->size) > f->entry_size)
			f->entry_size = fields[i]->offset + fields[i]->size;
	free(fields);
	fields = tep_event_common_fields(f->ev);
	for (i = 0; fields && fields[i]; i++)
		if ((uint32_t)(fields[i]->offset + fields[i]->size) > f->entry_size)
			f->entry_size = fields[i]->offset + fields[i]->size;
	free(fields);
	/* the kernel pads the entry so that u32 size + entry is u64-aligned,
	 * and aligns the entry struct itself to 8 (long) */
	f->entry_size = (f->entry_size + 7) & ~7u;
	f->raw_size = ((f->entry_size + 4 + 7) & ~7u) - 4;
}

static void set_field(struct tep_event *ev, unsigned char *raw,
		      const char *name, uint64_t v)
{
	struct tep_format_field *fl = tep_find_any_field(ev, name);

	if (!fl || fl->size > 8 || fl->size <= 0)
		return;
	memcpy(raw + fl->offset, &v, fl->size);	/* little-endian */
}

/* ---- simulation -------------------------------------------------------- */

struct vcpu {
	uint32_t pid, tid, vcpu_id, cpu;
	uint64_t next;		/* time of the next event */
	int in_guest;		/* next event is an exit */
	int reason;		/* pending exit's reason (index) */
	uint64_t latency, rip;
	int dropping;		/* pairs left to drop in a LOST burst */
	uint64_t dropped;	/* samples dropped in the current burst */
	int drop_this;		/* the pending pair is dropped */
	unsigned hot;		/* which hot RIP the pending exit uses */
	int extra;		/* --kvm-stat: an mmio/pio/msr sample is due (its kind) */
	uint64_t exit_time;	/* of the pending exit, when an extra sample is due */
};

struct opts {
	const char *out, *expect, *formats, *arch;
	uint64_t count;
	unsigned threads, cpus, lost, round;
	uint64_t seed;
	int pipe, rich;
	unsigned hot;		/* hot guest RIPs per reason, 0 = random RIPs */
	int quantiles;		/* print exact p50/p99/p99.9 per reason */
	int kvmstat;		/* the layout of `perf kvm stat record` (x86) */
	int exit_only;		/* `perf record -e kvm:kvm_exit`: no entries written */
	uint64_t kaslr;		/* added to guest kernel RIPs: a randomized guest */
	unsigned vms;		/* VMs the vCPU threads belong to */
};

/*
 * The events of a recording.  The default layout has kvm_exit and
 * kvm_entry; --kvm-stat has what `perf kvm stat record` opens on x86
 * (entry, exit, mmio, pio, msr, in that order) and perf's dummy:HG.
 */
enum { K_EXIT, K_ENTRY, K_MMIO, K_PIO, K_MSR, K_DUMMY, NKIND };

static const int kvmstat_order[] = { K_ENTRY, K_EXIT, K_MMIO, K_PIO, K_MSR, K_DUMMY };
#define KVMSTAT_NATTR	6
#define KVMSTAT_ID0	1511	/* ids as the kernel numbered them in one real run */

struct gen {
	struct opts o;
	int arm;
	struct fmt fexit, fentry;
	struct fmt fmmio, fpio, fmsr;	/* --kvm-stat */
	char *header_page;
	size_t header_page_len;
	struct reason *reasons;
	unsigned nreasons;
	int total_weight;
	uint64_t sample_type;
	uint64_t ids[NKIND][1024];	/* [kind][cpu] */
	uint32_t pid;
	struct vcpu *v;
	struct bb *cpubuf;	/* per-CPU chunk of the current round */
	unsigned in_round;
	FILE *f;
	uint64_t written;	/* bytes of data section */
	/* statistics */
	uint64_t samples, exits, entries, lost_recs, lost_samples, rounds;
	uint64_t extra[NKIND];		/* --kvm-stat: mmio, pio, msr samples */
	uint64_t sideband;		/* --kvm-stat: FORK/COMM/EXIT records in the stream */
	uint64_t sideband_next;		/* at this many samples, the next ones */
	uint64_t first_time, last_time;
	struct vm_row { uint64_t calls, total, min, max; } *vm_rows;	/* [vm][reason] */
};

static uint32_t trailer_size(const struct gen *g)
{
	uint64_t st = g->sample_type;

	return 8 * __builtin_popcountll(st & (S_TID | S_TIME | S_ID |
					      S_STREAM_ID | S_CPU | S_IDENTIFIER));
}

static void put_trailer(const struct gen *g, struct bb *b, uint32_t pid,
			uint32_t tid, uint64_t time, uint32_t cpu, uint64_t id)
{
	uint64_t st = g->sample_type;

	if (st & S_TID) {
		bb_u32(b, pid);
		bb_u32(b, tid);
	}
	if (st & S_TIME)
		bb_u64(b, time);
	if (st & S_ID)
		bb_u64(b, id);
	if (st & S_STREAM_ID)
		bb_u64(b, id);
	if (st & S_CPU) {
		bb_u32(b, cpu);
		bb_u32(b, 0);
	}
	if (st & S_IDENTIFIER)
		bb_u64(b, id);
}

static uint32_t sample_size(const struct gen *g, const struct fmt *f)
{
	uint64_t st = g->sample_type;
	uint32_t n = 8;

	n += 8 * __builtin_popcountll(st & (S_IDENTIFIER | S_IP | S_TID |
		S_TIME | S_ADDR | S_ID | S_STREAM_ID | S_CPU | S_PERIOD |
		S_WEIGHT | S_DATA_SRC | S_PHYS_ADDR));
	if (st & S_READ)
		n += 24;	/* value, id, lost */
	if (st & S_CALLCHAIN)
		n += 8 + 3 * 8;
	if (st & S_RAW)
		n += 4 + f->raw_size;
	return n;
}

static const struct fmt *fmt_of(const struct gen *g, int kind)
{
	switch (kind) {
	case K_EXIT: return &g->fexit;
	case K_ENTRY: return &g->fentry;
	case K_MMIO: return &g->fmmio;
	case K_PIO: return &g->fpio;
	default: return &g->fmsr;
	}
}

/* the tracepoint's own fields of an mmio, pio or msr event of exit reason @r */
static void fill_extra(const struct gen *g, int kind, const struct fmt *f,
		       unsigned char *raw, const struct reason *r, const struct vcpu *v)
{
	switch (kind) {
	case K_MMIO:	/* a virtio notify write, or a read of a device register */
		set_field(f->ev, raw, "type", v->rip & 0x10 ? 2 : 1);
		set_field(f->ev, raw, "len", 4);
		set_field(f->ev, raw, "gpa", 0xfebf1000ULL + (v->vcpu_id & 7) * 0x1000);
		set_field(f->ev, raw, "val", v->rip & 0xffff);
		break;
	case K_PIO:	/* the serial port and the PCI config window */
		set_field(f->ev, raw, "rw", v->rip & 0x10 ? 1 : 0);
		set_field(f->ev, raw, "port", v->rip & 0x20 ? 0xcfc : 0x3f8);
		set_field(f->ev, raw, "size", v->rip & 0x20 ? 4 : 1);
		set_field(f->ev, raw, "count", 1);
		set_field(f->ev, raw, "val", (uint32_t)(v->rip >> 4) & 0xff);
		break;
	case K_MSR:	/* TSC deadline writes, APIC base reads */
		set_field(f->ev, raw, "write", r->code == 32);
		set_field(f->ev, raw, "ecx", r->code == 32 ? 0x6e0 : 0x1b);
		set_field(f->ev, raw, "data", r->code == 32 ? g->last_time * 3 : 0xfee00d00ULL);
		set_field(f->ev, raw, "exception", 0);
		break;
	}
}

/* a sample of @kind (exit, entry, or with --kvm-stat mmio, pio, msr) */
static void put_sample(struct gen *g, int kind, struct vcpu *v, uint64_t time)
{
	const int is_exit = kind == K_EXIT;
	const struct fmt *f = fmt_of(g, kind);
	struct bb *b = &g->cpubuf[v->cpu];
	uint64_t st = g->sample_type, id = g->ids[kind][v->cpu];
	uint64_t ip = is_exit ? 0xffffffffc0a41e5bULL :
		      kind == K_ENTRY ? 0xffffffffc0a42c10ULL : 0xffffffffc0a3d2e7ULL;
	unsigned char raw[4096];
	const struct reason *r = &g->reasons[v->reason];

	bb_hdr(b, REC_SAMPLE, 1 /* PERF_RECORD_MISC_KERNEL */,
	       sample_size(g, f));
	if (st & S_IDENTIFIER)
		bb_u64(b, id);
	if (st & S_IP)
		bb_u64(b, ip);
	if (st & S_TID) {
		bb_u32(b, v->pid);
		bb_u32(b, v->tid);
	}
	if (st & S_TIME)
		bb_u64(b, time);
	if (st & S_ADDR)
		bb_u64(b, 0);
	if (st & S_ID)
		bb_u64(b, id);
	if (st & S_STREAM_ID)
		bb_u64(b, id);
	if (st & S_CPU) {
		bb_u32(b, v->cpu);
		bb_u32(b, 0);
	}
	if (st & S_PERIOD)
		bb_u64(b, 1);
	if (st & S_READ) {
		bb_u64(b, g->samples + 1);
		bb_u64(b, id);
		bb_u64(b, 0);
	}
	if (st & S_CALLCHAIN) {
		bb_u64(b, 3);
		bb_u64(b, 0xfffffffffffffe00ULL);	/* PERF_CONTEXT_KERNEL */
		bb_u64(b, ip);
		bb_u64(b, 0xffffffffc0a0f3a1ULL);
	}
	if (st & S_RAW) {
		memset(raw, 0, f->raw_size);
		set_field(f->ev, raw, "common_type", (uint64_t)f->ev->id);
		set_field(f->ev, raw, "common_pid", v->tid);
		set_field(f->ev, raw, "common_flags", 0);
		set_field(f->ev, raw, "common_preempt_count", 0);
		set_field(f->ev, raw, "vcpu_id", v->vcpu_id);
		if (kind >= K_MMIO) {
			fill_extra(g, kind, f, raw, r, v);
		} else if (is_exit) {
			if (g->arm) {
				set_field(f->ev, raw, "ret", r->code ? 2 : 0);
				set_field(f->ev, raw, "idx", r->code ? 2 : 0);
				set_field(f->ev, raw, "esr_ec", r->code);
				if (!tep_find_any_field(f->ev, "esr_ec"))
					set_field(f->ev, raw, "exit_reason", r->code);
				set_field(f->ev, raw, "vcpu_pc", v->rip);
			} else {
				set_field(f->ev, raw, "exit_reason", r->code);
				set_field(f->ev, raw, "guest_rip", v->rip);
				set_field(f->ev, raw, "isa", 1);	/* VMX */
				set_field(f->ev, raw, "info1", r->code == 48 || r->code == 49 ?
					  0x181 : 0);
				set_field(f->ev, raw, "info2", 0);
			}
		} else {
			uint64_t pc = v->rip + r->insn_len;

			set_field(f->ev, raw, "rip", pc);
			set_field(f->ev, raw, "vcpu_pc", pc);
		}
		bb_u32(b, f->raw_size);
		bb_put(b, raw, f->raw_size);
	}
	if (st & S_WEIGHT)
		bb_u64(b, 0);
	if (st & S_DATA_SRC)
		bb_u64(b, 0);
	if (st & S_PHYS_ADDR)
		bb_u64(b, 0);
	g->samples++;
	if (!g->first_time)
		g->first_time = time;
	g->last_time = time;
}

static void put_lost(struct gen *g, struct vcpu *v, uint64_t time)
{
	struct bb *b = &g->cpubuf[v->cpu];
	uint64_t id = g->ids[0][v->cpu];

	bb_hdr(b, REC_LOST, 0, 24 + trailer_size(g));
	bb_u64(b, id);
	bb_u64(b, v->dropped);
	put_trailer(g, b, UINT32_MAX, UINT32_MAX, time, v->cpu, id);
	g->lost_recs++;
	g->lost_samples += v->dropped;
	v->dropped = 0;
}

static void out(struct gen *g, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, g->f) != n) {
		fprintf(stderr, "gen-perfdata: %s: write failed: %s\n", g->o.out,
			strerror(errno));
		exit(1);
	}
	g->written += n;
}

static void flush_round(struct gen *g)
{
	unsigned c;
	int any = 0;
	struct bb r = { 0 };

	for (c = 0; c < g->o.cpus; c++) {
		if (g->cpubuf[c].len)
			any = 1;
		out(g, g->cpubuf[c].p, g->cpubuf[c].len);
		g->cpubuf[c].len = 0;
	}
	if (!any)
		return;
	bb_hdr(&r, REC_ROUND, 0, 8);
	out(g, r.p, r.len);
	free(r.p);
	g->rounds++;
	g->in_round = 0;
}

/* min-heap of vcpus by next event time (ties: lower tid first) */
static int before(const struct vcpu *a, const struct vcpu *b)
{
	return a->next < b->next || (a->next == b->next && a->tid < b->tid);
}

static void heap_down(struct vcpu **h, unsigned n, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, m = i;
		struct vcpu *t;

		if (l < n && before(h[l], h[m]))
			m = l;
		if (l + 1 < n && before(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static uint64_t guest_rip(const struct gen *g)
{
	uint64_t r = rnd();

	if ((r & 0xff) < 180)	/* mostly the guest kernel */
		return (g->arm ? 0xffff800080000000ULL : 0xffffffff81000000ULL) +
		       ((r >> 8) & 0xfffff0) + g->o.kaslr;
	return (g->arm ? 0x0000aaaad0000000ULL : 0x00007f3a40000000ULL) +
	       ((r >> 8) & 0xfffff0);
}

/*
 * --hot-rips N: reason i exits at one of N addresses HOT_BASE + i*0x1000 +
 * k*0x10, address k drawn with weight N-k, so attribution has an answer.
 */
#define HOT_BASE 0xffffffff81000000ULL

static unsigned hot_pick(const struct gen *g)
{
	unsigned n = g->o.hot, w = (unsigned)(rnd() % (n * (n + 1) / 2)), k;

	for (k = 0; k < n; k++) {
		if (w < n - k)
			return k;
		w -= n - k;
	}
	return 0;
}

static int pick_reason(const struct gen *g)
{
	int w = (int)(rnd() % (uint64_t)g->total_weight);
	unsigned i;

	for (i = 0; i < g->nreasons; i++) {
		w -= g->reasons[i].weight;
		if (w < 0)
			return (int)i;
	}
	return 0;
}

/* VM @vm's qemu process (one VM: the historic pid) */
static uint32_t vm_pid(const struct gen *g, unsigned vm)
{
	return g->pid + vm * (g->o.threads + 16);
}

/* the VM process of vCPU thread @i, its pid, and the thread's tid and vcpu id */
static void vcpu_place(const struct gen *g, unsigned i, struct vcpu *v)
{
	unsigned vm = i % g->o.vms;

	v->pid = vm_pid(g, vm);
	v->vcpu_id = i / g->o.vms;
	v->tid = v->pid + 2 + v->vcpu_id;
}

/* a pair of vCPU @v under reason @r, in its VM's statistics (--vms) */
static void vm_count(struct gen *g, const struct vcpu *v, unsigned r)
{
	unsigned vm = (v->pid - g->pid) / (g->o.threads + 16);
	struct vm_row *row;

	if (!g->vm_rows && !(g->vm_rows = calloc((size_t)g->o.vms * g->nreasons,
						 sizeof(*g->vm_rows))))
		abort();
	row = &g->vm_rows[vm * g->nreasons + r];
	row->calls++;
	row->total += v->latency;
	if (!row->min || v->latency < row->min)
		row->min = v->latency;
	if (v->latency > row->max)
		row->max = v->latency;
}

/* PERF_RECORD_FORK and PERF_RECORD_EXIT share one layout */
static void put_task(struct gen *g, struct bb *b, uint32_t type, uint32_t pid, uint32_t ppid,
		     uint64_t time, uint32_t cpu, uint64_t id)
{
	bb_hdr(b, type, 0, 8 + 24 + trailer_size(g));
	bb_u32(b, pid);
	bb_u32(b, ppid);
	bb_u32(b, pid);
	bb_u32(b, ppid);
	bb_u64(b, time);
	put_trailer(g, b, pid, pid, time, cpu, id);
}

/*
 * --kvm-stat: what perf's dummy:HG event adds to the stream while it
 * records, a short-lived host process (fork, comm, exit), each with the
 * sample_id_all trailer.  Readers skip these; perf tracks threads with them.
 */
static void put_sideband(struct gen *g, uint32_t cpu, uint64_t time)
{
	struct bb *b = &g->cpubuf[cpu];
	uint64_t id = g->ids[K_DUMMY][cpu];
	uint32_t pid = 60000 + (uint32_t)(g->sideband % 5000), ppid = 1;
	char comm[16] = "sh";

	put_task(g, b, REC_FORK, pid, ppid, time, cpu, id);
	bb_hdr(b, REC_COMM, 0x2000 /* PERF_RECORD_MISC_COMM_EXEC */, 8 + 8 + 16 + trailer_size(g));
	bb_u32(b, pid);
	bb_u32(b, pid);
	bb_put(b, comm, 16);
	put_trailer(g, b, pid, pid, time, cpu, id);
	put_task(g, b, REC_EXIT, pid, ppid, time, cpu, id);
	g->sideband += 3;
}

/* --kvm-stat: the event an exit of reason @r emits before its entry, or 0 */
static int extra_kind(const struct gen *g, const struct reason *r)
{
	if (!g->o.kvmstat)
		return 0;
	switch (r->code) {
	case 30: return K_PIO;		/* IO_INSTRUCTION */
	case 49: return K_MMIO;		/* EPT_MISCONFIG: emulated MMIO */
	case 31: case 32: return K_MSR;	/* MSR_READ, MSR_WRITE */
	default: return 0;
	}
}

#define SIDEBAND_EVERY	40000	/* samples between two sideband bursts */

static void simulate(struct gen *g)
{
	unsigned n = g->o.threads, i, hn = n;
	struct vcpu **h = calloc(n, sizeof(*h));
	uint64_t budget = g->o.count, lost_every = 0, next_lost = UINT64_MAX;
	uint64_t events = 0;
	unsigned bursts = 0;

	if (g->o.lost) {
		lost_every = g->o.count / (g->o.lost + 1);
		next_lost = lost_every;
	}
	g->v = calloc(n, sizeof(*g->v));
	for (i = 0; i < n; i++) {
		struct vcpu *v = &g->v[i];

		vcpu_place(g, i, v);
		v->cpu = i % g->o.cpus;
		v->next = T0 + i * 1000 + rnd() % 10000;
		v->in_guest = 0;	/* start with an entry */
		v->reason = 0;
		v->latency = 0;
		v->rip = guest_rip(g);
		h[i] = v;
		budget--;
	}
	for (i = n / 2 + 1; i-- > 0;)
		heap_down(h, hn, i);

	while (hn) {
		struct vcpu *v = h[0];
		uint64_t t = v->next;

		if (v->extra) {
			/* between an exit and its entry: the exit's own event */
			put_sample(g, v->extra, v, t);
			g->extra[v->extra]++;
			v->extra = 0;
			v->next = v->exit_time + v->latency;
		} else if (v->in_guest) {
			/* a VM exit */
			struct reason *r;

			v->reason = pick_reason(g);
			r = &g->reasons[v->reason];
			if (g->o.hot) {
				v->hot = hot_pick(g);
				v->rip = HOT_BASE + g->o.kaslr + ((uint64_t)v->reason << 12) +
					 (v->hot << 4);
			}
			v->latency = rnd_lognormal(r->median, r->sigma);
			if (rnd() % 2000 == 0)	/* host preemption outlier */
				v->latency = v->latency * (20 + rnd() % 500) + 100000;
			v->drop_this = 0;
			if (v->dropping) {
				v->drop_this = 1;
				v->dropping--;
				v->dropped += g->o.exit_only ? 1 : 2;
			}
			if (!v->drop_this) {
				put_sample(g, K_EXIT, v, t);
				g->exits++;
				events++;
				r->exits++;
				r->kexits += v->rip >> 63;
			}
			v->in_guest = 0;
			v->next = t + v->latency;
			/* migrations happen while the thread is in the host */
			if (g->o.cpus > 1 && (v->latency > 200000 ?
					      rnd() % 4 == 0 : rnd() % 500 == 0))
				v->cpu = (v->cpu + 1 + rnd() % (g->o.cpus - 1)) % g->o.cpus;
			/* --kvm-stat: kvm_pio, kvm_mmio or kvm_msr a third of the way in */
			if (!v->drop_this && extra_kind(g, r) && budget >= 1) {
				budget--;
				v->extra = extra_kind(g, r);
				v->exit_time = t;
				v->next = t + v->latency / 3;
			}
		} else {
			/* a VM entry */
			struct reason *r = &g->reasons[v->reason];

			if (v->drop_this) {
				v->drop_this = 0;
				if (!v->dropping)
					put_lost(g, v, t);
			} else {
				if (!g->o.exit_only) {
					put_sample(g, K_ENTRY, v, t);
					g->entries++;
				}
				events++;
				if (v->latency) {
					if (g->o.hot) {
						r->hot_calls[v->hot]++;
						r->hot_total[v->hot] += v->latency;
					}
					if (g->o.quantiles) {
						if (r->nlat == r->caplat) {
							r->caplat = r->caplat ? r->caplat * 2 : 1024;
							r->lat = realloc(r->lat, r->caplat * sizeof(*r->lat));
							if (!r->lat)
								abort();
						}
						r->lat[r->nlat++] = v->latency;
					}
					r->calls++;
					r->total += v->latency;
					if (!r->min || v->latency < r->min)
						r->min = v->latency;
					if (v->latency > r->max)
						r->max = v->latency;
					vm_count(g, v, (unsigned)(r - g->reasons));
				}
			}
			v->rip = guest_rip(g);
			/* a LOST burst: the next pairs of this thread are not
			 * written and need no budget */
			if (events >= next_lost && !v->dropping &&
			    bursts < g->o.lost) {
				v->dropping = 1 + (int)(rnd() % 40);
				next_lost += lost_every;
				bursts++;
			}
			if (!v->dropping) {
				if (budget < 2) {
					/* this vCPU is done */
					if (v->dropped)
						put_lost(g, v, t);
					h[0] = h[--hn];
					heap_down(h, hn, 0);
					goto round;
				}
				budget -= 2;
			}
			v->in_guest = 1;
			v->next = t + rnd_lognormal(r->code == 12 ? 5000 : 20000, 1.0);
		}
		heap_down(h, hn, 0);
round:
		if (g->o.kvmstat && g->samples >= g->sideband_next) {
			put_sideband(g, v->cpu, t);
			g->sideband_next += SIDEBAND_EVERY;
		}
		if (++g->in_round >= g->o.round)
			flush_round(g);
	}
	flush_round(g);
	free(h);
}

/* ---- file pieces ------------------------------------------------------- */

static const char header_event[] =
	"# compressed entry header\n"
	"\ttype_len    :    5 bits\n"
	"\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n"
	"\n"
	"\tpadding     : type == 29\n"
	"\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n"
	"\tdata max type_len  == 28\n";

static void tracing_data(struct gen *g, struct bb *b)
{
	static const char magic[] = { 23, 8, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char e[2] = { 0, 8 };
	struct bb cl = { 0 };
	char line[64];
	unsigned i;

	bb_put(b, magic, 10);
	bb_put(b, "0.6", 4);
	bb_put(b, e, 2);
	bb_u32(b, 4096);
	bb_put(b, "header_page", 12);
	bb_u64(b, g->header_page_len);
	bb_put(b, g->header_page, g->header_page_len);
	bb_put(b, "header_event", 13);
	bb_u64(b, sizeof(header_event) - 1);
	bb_put(b, header_event, sizeof(header_event) - 1);
	bb_u32(b, 0);			/* ftrace formats */
	bb_u32(b, 1);			/* systems */
	bb_put(b, "kvm", 4);
	if (g->o.kvmstat) {
		/* in the order of the attrs, as perf writes them */
		bb_u32(b, KVMSTAT_NATTR - 1);
		for (i = 0; i < KVMSTAT_NATTR - 1; i++) {
			const struct fmt *f = fmt_of(g, kvmstat_order[i]);

			bb_u64(b, f->len);
			bb_put(b, f->text, f->len);
		}
	} else {
		bb_u32(b, g->o.exit_only ? 1 : 2);
		bb_u64(b, g->fexit.len);
		bb_put(b, g->fexit.text, g->fexit.len);
		if (!g->o.exit_only) {
			bb_u64(b, g->fentry.len);
			bb_put(b, g->fentry.text, g->fentry.len);
		}
	}
	bb_u32(b, 0);			/* kallsyms */
	bb_u32(b, 0);			/* printk formats */
	for (i = 0; i < g->o.threads; i++) {
		struct vcpu v;

		vcpu_place(g, i, &v);
		snprintf(line, sizeof(line), "%u CPU %u/KVM\n", v.tid, v.vcpu_id);
		bb_put(&cl, line, strlen(line));
	}
	bb_u64(b, cl.len);
	bb_put(b, cl.p, cl.len);
	free(cl.p);
}

/* the attr of the event of @kind, as `perf evlist -v` shows perf kvm stat's */
static void put_attr(const struct gen *g, struct bb *b, int kind)
{
	unsigned char a[ATTR_SIZE];
	uint64_t v;
	uint32_t u;

	memset(a, 0, sizeof(a));
	u = kind == K_DUMMY ? 1 : 2;	/* PERF_TYPE_SOFTWARE, PERF_TYPE_TRACEPOINT */
	memcpy(a, &u, 4);
	u = ATTR_SIZE;
	memcpy(a + 4, &u, 4);
	v = kind == K_DUMMY ? 9 /* PERF_COUNT_SW_DUMMY */ : (uint64_t)fmt_of(g, kind)->ev->id;
	memcpy(a + 8, &v, 8);
	v = 1;				/* sample_period */
	memcpy(a + 16, &v, 8);
	v = kind == K_DUMMY ? g->sample_type & ~S_PERIOD : g->sample_type;
	memcpy(a + 24, &v, 8);
	v = F_ID | F_LOST;
	memcpy(a + 32, &v, 8);
	/* disabled, inherit, sample_id_all, exclude_host: as perf kvm stat record */
	v = 1 | 2 | (1ULL << 18) | (1ULL << 19);
	/* dummy:HG: inherit, mmap, comm, task, sample_id_all, mmap2, comm_exec,
	 * ksymbol, bpf_event */
	if (kind == K_DUMMY)
		v = 2 | (1ULL << 8) | (1ULL << 9) | (1ULL << 13) | (1ULL << 18) |
		    (1ULL << 23) | (1ULL << 24) | (1ULL << 29) | (1ULL << 30);
	memcpy(a + 40, &v, 8);
	bb_put(b, a, ATTR_SIZE);
}

static const char *ev_name(int kind)
{
	static const char *const names[NKIND] = {
		"kvm:kvm_exit", "kvm:kvm_entry", "kvm:kvm_mmio", "kvm:kvm_pio",
		"kvm:kvm_msr", "dummy:HG",
	};

	return names[kind];
}

/* the attrs in file order, and how many */
static unsigned attr_order(const struct gen *g, const int **order)
{
	static const int plain[] = { K_EXIT, K_ENTRY };

	if (g->o.exit_only) {
		*order = plain;
		return 1;
	}
	if (g->o.kvmstat) {
		*order = kvmstat_order;
		return KVMSTAT_NATTR;
	}
	*order = plain;
	return 2;
}

/* one feature's payload */
static void feature(struct gen *g, int feat, struct bb *b, const char *cmdline)
{
	unsigned c;

	switch (feat) {
	case FEAT_TRACING:
		tracing_data(g, b);
		break;
	case FEAT_HOSTNAME:
		bb_pstr(b, "gen-perfdata");
		break;
	case FEAT_OSRELEASE:
		bb_pstr(b, g->arm ? "6.18.0-gen-arm64" : "6.18.0-gen");
		break;
	case FEAT_VERSION:
		bb_pstr(b, "6.1.192");
		break;
	case FEAT_ARCH:
		bb_pstr(b, g->arm ? "aarch64" : "x86_64");
		break;
	case FEAT_NRCPUS:
		bb_u32(b, g->o.cpus);
		bb_u32(b, g->o.cpus);
		break;
	case FEAT_CPUDESC:
		bb_pstr(b, g->arm ? "Neoverse-N1" :
			"Intel(R) Xeon(R) Platinum 8260 CPU @ 2.40GHz");
		break;
	case FEAT_CPUID:
		bb_pstr(b, g->arm ? "0x00000000413fd0c1" : "GenuineIntel,6,85,7");
		break;
	case FEAT_TOTAL_MEM:
		bb_u64(b, 64ULL << 20);
		break;
	case FEAT_CMDLINE:
		bb_u32(b, 1);
		bb_pstr(b, cmdline);
		break;
	case FEAT_EVENT_DESC: {
		const int *order;
		unsigned na = attr_order(g, &order), k;

		bb_u32(b, na);
		bb_u32(b, ATTR_SIZE);
		for (k = 0; k < na; k++) {
			put_attr(g, b, order[k]);
			bb_u32(b, g->o.cpus);
			bb_pstr(b, ev_name(order[k]));
			for (c = 0; c < g->o.cpus; c++)
				bb_u64(b, g->ids[order[k]][c]);
		}
		break;
	}
	case FEAT_SAMPLE_TIME:
		bb_u64(b, g->first_time);
		bb_u64(b, g->last_time);
		break;
	}
}

static const int feats_file[] = {
	FEAT_TRACING, FEAT_HOSTNAME, FEAT_OSRELEASE, FEAT_VERSION, FEAT_ARCH,
	FEAT_NRCPUS, FEAT_CPUDESC, FEAT_CPUID, FEAT_TOTAL_MEM, FEAT_CMDLINE,
	FEAT_EVENT_DESC, FEAT_SAMPLE_TIME,
};

/* what perf kvm stat record writes before the first sample (perf 6.1) */
static void data_prologue_kvmstat(struct gen *g)
{
	static const char ktext[] = "[kernel.kallsyms]_text";
	struct bb b = { 0 };
	uint32_t ts = trailer_size(g), nl;
	unsigned c, k, vm, i;
	char comm[32], name[64];

	/* ID_INDEX: every attr's id on every CPU */
	bb_hdr(&b, REC_ID_INDEX, 0, 16 + 32 * KVMSTAT_NATTR * g->o.cpus);
	bb_u64(&b, KVMSTAT_NATTR * g->o.cpus);
	for (k = 0; k < KVMSTAT_NATTR; k++)
		for (c = 0; c < g->o.cpus; c++) {
			bb_u64(&b, g->ids[kvmstat_order[k]][c]);
			bb_u64(&b, c);
			bb_u64(&b, c);
			bb_u64(&b, UINT64_MAX);
		}
	/* the kernel's map, then the thread and CPU maps of -a */
	nl = (sizeof(ktext) + 7) & ~7u;
	bb_hdr(&b, REC_MMAP, 1 /* PERF_RECORD_MISC_KERNEL */, 8 + 32 + nl + ts);
	bb_u32(&b, UINT32_MAX);
	bb_u32(&b, 0);
	bb_u64(&b, 0xffffffff81000000ULL);
	bb_u64(&b, 0x1276f48);
	bb_u64(&b, 0xffffffff81000000ULL);
	bb_put(&b, ktext, sizeof(ktext));
	bb_put(&b, NULL, nl - sizeof(ktext) + ts);
	bb_hdr(&b, REC_THREAD_MAP, 0, 8 + 8 + 24);
	bb_u64(&b, 1);
	bb_u64(&b, UINT64_MAX);
	bb_put(&b, NULL, 16);
	bb_hdr(&b, REC_CPU_MAP, 0, 16);
	bb_put(&b, "\x02\x00\x00\x00\x00\x00", 6);	/* RANGE_CPUS, from CPU 0 */
	bb_put(&b, (uint16_t[]){ (uint16_t)(g->o.cpus - 1) }, 2);
	/* each VM process, its vCPU threads and two of its maps, synthesized:
	 * zero trailers, as perf writes them */
	for (vm = 0; vm < g->o.vms; vm++) {
		uint32_t pid = vm_pid(g, vm);

		for (i = 0; i <= g->o.threads; i++) {
			struct vcpu v = { .pid = pid, .tid = pid };

			if (i && (vcpu_place(g, i - 1, &v), v.pid != pid))
				continue;
			memset(comm, 0, sizeof(comm));	/* perf keeps 16 bytes of it */
			if (i)
				snprintf(comm, sizeof(comm), "CPU %u/KVM", v.vcpu_id);
			else
				snprintf(comm, sizeof(comm), "qemu-system-x86");
			bb_hdr(&b, REC_FORK, 0x2000, 8 + 24 + ts);
			bb_u32(&b, pid);
			bb_u32(&b, i ? pid : 1);
			bb_u32(&b, v.tid);
			bb_u32(&b, i ? pid : 1);
			bb_u64(&b, 0);
			bb_put(&b, NULL, ts);
			bb_hdr(&b, REC_COMM, 0, 8 + 8 + 16 + ts);
			bb_u32(&b, pid);
			bb_u32(&b, v.tid);
			bb_put(&b, comm, 16);
			bb_put(&b, NULL, ts);
			if (i)
				continue;
			for (k = 0; k < 2; k++) {
				memset(name, 0, sizeof(name));
				snprintf(name, sizeof(name), "%s", k ? "/usr/lib/x86_64-linux-gnu/libc.so.6" :
					 "/usr/bin/qemu-system-x86_64");
				nl = (strlen(name) + 1 + 7) & ~7u;
				bb_hdr(&b, 10 /* MMAP2 */, 2 /* USER */, 8 + 64 + nl + ts);
				bb_u32(&b, pid);
				bb_u32(&b, pid);
				bb_u64(&b, k ? 0x7f6b890ec000ULL : 0x55d0c8a00000ULL);
				bb_u64(&b, k ? 0x156000 : 0x6a0000);
				bb_u64(&b, k ? 0x26000 : 0x1b4000);
				bb_u32(&b, 0xfe);	/* maj, min, ino, ino_generation */
				bb_u32(&b, 0);
				bb_u64(&b, k ? 332835 : 401122);
				bb_u64(&b, 0);
				bb_u32(&b, 5);		/* PROT_READ | PROT_EXEC */
				bb_u32(&b, 2);		/* MAP_PRIVATE */
				bb_put(&b, name, nl);
				bb_put(&b, NULL, ts);
			}
		}
	}
	bb_hdr(&b, REC_FINISHED_INIT, 0, 8);
	out(g, b.p, b.len);
	free(b.p);
}

static void data_prologue(struct gen *g)
{
	struct bb b = { 0 };
	unsigned c, i, vm;
	int a;
	char comm[32];

	if (g->o.kvmstat) {
		data_prologue_kvmstat(g);
		return;
	}

	/* ID_INDEX: which CPU each id reads */
	a = g->o.exit_only ? 1 : 2;
	bb_hdr(&b, REC_ID_INDEX, 0, 16 + 32 * a * g->o.cpus);
	bb_u64(&b, a * g->o.cpus);
	for (a = g->o.exit_only ? 0 : 1; a >= 0; a--)
		for (c = 0; c < g->o.cpus; c++) {
			bb_u64(&b, g->ids[a][c]);
			bb_u64(&b, c);
			bb_u64(&b, c);
			bb_u64(&b, UINT64_MAX);
		}
	/* COMM of each VM process and its vCPU threads, as perf synthesizes */
	for (vm = 0; vm < g->o.vms; vm++)
		for (i = 0; i <= g->o.threads; i++) {
			struct vcpu v = { .pid = vm_pid(g, vm), .tid = vm_pid(g, vm) };

			if (i && (vcpu_place(g, i - 1, &v), v.pid != vm_pid(g, vm)))
				continue;	/* a vCPU of another VM */
			if (i)
				snprintf(comm, sizeof(comm), "CPU %u/KVM", v.vcpu_id);
			else
				snprintf(comm, sizeof(comm), "qemu-system-%s",
					 g->arm ? "aar" : "x86");
			bb_hdr(&b, REC_COMM, 0, 8 + 8 + 16 + trailer_size(g));
			bb_u32(&b, v.pid);
			bb_u32(&b, v.tid);
			bb_put(&b, comm, 16);
			bb_put(&b, NULL, trailer_size(g));
		}
	out(g, b.p, b.len);
	free(b.p);
}

static void write_file(struct gen *g, const char *cmdline)
{
	struct bb h = { 0 }, ft = { 0 }, fp = { 0 };
	uint64_t ids_off = 104, attrs_off, data_off, feat_off, bits[4] = { 0 };
	unsigned c, i, nf = sizeof(feats_file) / sizeof(feats_file[0]);
	const int *order;
	unsigned na = attr_order(g, &order), a;

	attrs_off = ids_off + na * 8 * g->o.cpus;
	data_off = attrs_off + na * (ATTR_SIZE + 16);
	bb_put(&h, NULL, 104);
	/* ids, then attrs; the default layout has the exit attr first (the
	 * order of the evlist is irrelevant to perf), --kvm-stat perf's */
	for (a = 0; a < na; a++)
		for (c = 0; c < g->o.cpus; c++)
			bb_u64(&h, g->ids[order[a]][c]);
	for (a = 0; a < na; a++) {
		put_attr(g, &h, order[a]);
		bb_u64(&h, ids_off + 8 * g->o.cpus * a);
		bb_u64(&h, 8 * g->o.cpus);
	}
	out(g, h.p, h.len);
	g->written = 0;
	data_prologue(g);
	simulate(g);
	feat_off = data_off + g->written;

	/* feature table, then payloads */
	for (i = 0; i < nf; i++) {
		uint64_t off = feat_off + 16 * nf + fp.len;

		feature(g, feats_file[i], &fp, cmdline);
		bb_u64(&ft, off);
		bb_u64(&ft, feat_off + 16 * nf + fp.len - off);
		bits[feats_file[i] / 64] |= 1ULL << (feats_file[i] % 64);
	}
	out(g, ft.p, ft.len);
	out(g, fp.p, fp.len);

	/* the header, now that sizes are known */
	h.len = 0;
	bb_put(&h, "PERFILE2", 8);
	bb_u64(&h, 104);
	bb_u64(&h, ATTR_SIZE + 16);
	bb_u64(&h, attrs_off);
	bb_u64(&h, na * (ATTR_SIZE + 16));
	bb_u64(&h, data_off);
	bb_u64(&h, feat_off - data_off);
	bb_u64(&h, 0);			/* event_types */
	bb_u64(&h, 0);
	bb_put(&h, bits, 32);
	if (fflush(g->f) || fseek(g->f, 0, SEEK_SET) ||
	    fwrite(h.p, 1, h.len, g->f) != h.len) {
		fprintf(stderr, "gen-perfdata: %s: %s\n", g->o.out, strerror(errno));
		exit(1);
	}
	free(h.p);
	free(ft.p);
	free(fp.p);
}

static void write_pipe(struct gen *g, const char *cmdline)
{
	struct bb b = { 0 }, p = { 0 };
	unsigned c, i, nf = sizeof(feats_file) / sizeof(feats_file[0]);
	uint64_t aligned;
	const int *order;
	unsigned na = attr_order(g, &order), a;

	bb_put(&b, "PERFILE2", 8);
	bb_u64(&b, 16);
	for (a = 0; a < na; a++) {
		bb_hdr(&b, REC_HEADER_ATTR, 0, 8 + ATTR_SIZE + 8 * g->o.cpus);
		put_attr(g, &b, order[a]);
		for (c = 0; c < g->o.cpus; c++)
			bb_u64(&b, g->ids[order[a]][c]);
	}
	/* features (not tracing data, event desc, sample time: as perf) */
	for (i = 0; i < nf; i++) {
		int f = feats_file[i];

		if (f == FEAT_TRACING || f == FEAT_EVENT_DESC ||
		    f == FEAT_SAMPLE_TIME)
			continue;
		p.len = 0;
		feature(g, f, &p, cmdline);
		bb_hdr(&b, REC_FEATURE, 0, 16 + p.len);
		bb_u64(&b, f);
		bb_put(&b, p.p, p.len);
	}
	bb_hdr(&b, REC_FEATURE, 0, 16);
	bb_u64(&b, FEAT_LAST);
	/* tracing data: a 16-byte record, then the blob padded to 8 */
	p.len = 0;
	tracing_data(g, &p);
	aligned = (p.len + 7) & ~7ULL;
	bb_hdr(&b, REC_TRACING, 0, 16);
	bb_u32(&b, (uint32_t)aligned);
	bb_u32(&b, 0);
	bb_put(&b, p.p, p.len);
	bb_put(&b, NULL, aligned - p.len);
	out(g, b.p, b.len);
	free(b.p);
	free(p.p);
	data_prologue(g);
	simulate(g);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* nearest rank: the smallest value with at least q of the data at or below it */
static uint64_t rank(uint64_t n, double q)
{
	uint64_t r = (uint64_t)ceil(q * n);

	return r ? r - 1 : 0;
}

/* --vms N > 1: each VM's rows, by its process id */
static void write_expect_vms(struct gen *g, FILE *f)
{
	unsigned vm, i;

	if (g->o.vms < 2 || !g->vm_rows)
		return;
	fprintf(f, "# vm PID reason NAME calls total_ns min_ns max_ns\n");
	for (vm = 0; vm < g->o.vms; vm++)
		for (i = 0; i < g->nreasons; i++) {
			const struct vm_row *r = &g->vm_rows[vm * g->nreasons + i];

			if (r->calls)
				fprintf(f, "vm %u reason %s %llu %llu %llu %llu\n", vm_pid(g, vm),
					g->reasons[i].name, (unsigned long long)r->calls,
					(unsigned long long)r->total, (unsigned long long)r->min,
					(unsigned long long)r->max);
		}
}

static void write_expect(struct gen *g, FILE *f)
{
	unsigned i;
	uint64_t calls = 0, total = 0, min = 0, max = 0;

	fprintf(f, "# gen-perfdata expected statistics (times in ns)\n");
	fprintf(f, "arch %s\n", g->arm ? "arm64" : "x86");
	fprintf(f, "mode %s\n", g->o.pipe ? "pipe" : "file");
	fprintf(f, "seed %llu\n", (unsigned long long)g->o.seed);
	fprintf(f, "threads %u\ncpus %u\n", g->o.threads, g->o.cpus);
	fprintf(f, "samples %llu\n", (unsigned long long)g->samples);
	fprintf(f, "exits %llu\n", (unsigned long long)g->exits);
	fprintf(f, "entries %llu\n", (unsigned long long)g->entries);
	fprintf(f, "lost_records %llu\n", (unsigned long long)g->lost_recs);
	fprintf(f, "lost_samples %llu\n", (unsigned long long)g->lost_samples);
	fprintf(f, "rounds %llu\n", (unsigned long long)g->rounds);
	fprintf(f, "first_time %llu\n", (unsigned long long)g->first_time);
	fprintf(f, "last_time %llu\n", (unsigned long long)g->last_time);
	fprintf(f, "exit_id %d\nentry_id %d\n", g->fexit.ev->id, g->fentry.ev->id);
	if (g->o.kvmstat) {
		fprintf(f, "layout kvm-stat\nvms %u\n", g->o.vms);
		fprintf(f, "mmio_samples %llu\npio_samples %llu\nmsr_samples %llu\n",
			(unsigned long long)g->extra[K_MMIO],
			(unsigned long long)g->extra[K_PIO],
			(unsigned long long)g->extra[K_MSR]);
		fprintf(f, "sideband_records %llu\n", (unsigned long long)g->sideband);
	}
	fprintf(f, "# reason CODE NAME calls total_ns min_ns max_ns avg_ns\n");
	for (i = 0; i < g->nreasons; i++) {
		const struct reason *r = &g->reasons[i];

		if (!r->calls)
			continue;
		fprintf(f, "reason %u %s %llu %llu %llu %llu %.3f\n", r->code,
			r->name, (unsigned long long)r->calls,
			(unsigned long long)r->total,
			(unsigned long long)r->min,
			(unsigned long long)r->max,
			(double)r->total / r->calls);
		calls += r->calls;
		total += r->total;
		if (!min || r->min < min)
			min = r->min;
		if (r->max > max)
			max = r->max;
	}
	if (g->o.exit_only) {
		fprintf(f, "exit_only 1\n# exits CODE NAME calls from_guest_kernel\n");
		for (i = 0; i < g->nreasons; i++)
			if (g->reasons[i].exits)
				fprintf(f, "exits %u %s %llu %llu\n", g->reasons[i].code,
					g->reasons[i].name,
					(unsigned long long)g->reasons[i].exits,
					(unsigned long long)g->reasons[i].kexits);
	}
	write_expect_vms(g, f);
	fprintf(f, "total %llu %llu %llu %llu %.3f\n", (unsigned long long)calls,
		(unsigned long long)total, (unsigned long long)min,
		(unsigned long long)max, calls ? (double)total / calls : 0.0);
	if (g->o.hot) {
		unsigned k;

		fprintf(f, "# rip NAME ADDRESS calls total_ns\n");
		for (i = 0; i < g->nreasons; i++)
			for (k = 0; k < g->o.hot; k++)
				if (g->reasons[i].hot_calls[k])
					fprintf(f, "rip %s %#llx %llu %llu\n", g->reasons[i].name,
						(unsigned long long)(HOT_BASE + g->o.kaslr + ((uint64_t)i << 12) +
								     (k << 4)),
						(unsigned long long)g->reasons[i].hot_calls[k],
						(unsigned long long)g->reasons[i].hot_total[k]);
	}
	if (g->o.quantiles) {
		fprintf(f, "# quantile NAME p50_ns p99_ns p99.9_ns (nearest rank)\n");
		for (i = 0; i < g->nreasons; i++) {
			struct reason *r = &g->reasons[i];

			if (!r->nlat)
				continue;
			qsort(r->lat, r->nlat, sizeof(*r->lat), cmp_u64);
			fprintf(f, "quantile %s %llu %llu %llu\n", r->name,
				(unsigned long long)r->lat[rank(r->nlat, 0.50)],
				(unsigned long long)r->lat[rank(r->nlat, 0.99)],
				(unsigned long long)r->lat[rank(r->nlat, 0.999)]);
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: gen-perfdata [options] -o FILE\n"
"  -o, --output FILE     perf.data to write (\"-\": stdout, pipe mode only)\n"
"  -n, --count N         kvm samples to write, exits + entries (default 100000)\n"
"  -t, --threads N       vCPU threads (default 4)\n"
"  -c, --cpus N          host CPUs, vCPUs migrate between them (default 4)\n"
"  -s, --seed N          random seed (default 1)\n"
"  -a, --arch x86|arm64  exit reasons and formats (default x86)\n"
"  -f, --formats PREFIX  PREFIX-kvm_exit.format, PREFIX-kvm_entry.format\n"
"                        [, PREFIX-header_page.format]\n"
"                        (default " DEFAULT_DATA_DIR "/x86-6.18 or arm64-6.18)\n"
"  -p, --pipe            write pipe mode (perf record -o -)\n"
"  -l, --lost N          N bursts of dropped exit/entry pairs, each reported\n"
"                        by a LOST record (default 0)\n"
"  -r, --round N         samples per FINISHED_ROUND (default 4096)\n"
"  -x, --rich            samples carry extra fields (ADDR, ID, STREAM_ID,\n"
"                        READ, CALLCHAIN, WEIGHT, DATA_SRC, PHYS_ADDR), and\n"
"                        no IDENTIFIER\n"
"  -e, --expect FILE     write the expected statistics to FILE, not stdout\n"
"  -R, --hot-rips N      each exit reason exits at N fixed guest RIPs (weights N..1);\n"
"                        the statistics list calls and total per RIP\n"
"  -q, --quantiles       also print each reason's exact p50, p99 and p99.9\n"
"  -K, --kvm-stat        the layout of `perf kvm stat record` (perf 6.1, x86):\n"
"                        attrs kvm_entry, kvm_exit, kvm_mmio, kvm_pio, kvm_msr and\n"
"                        dummy:HG; IO_INSTRUCTION, EPT_MISCONFIG and MSR exits\n"
"                        emit kvm_pio, kvm_mmio and kvm_msr before their entry;\n"
"                        perf's side-band records; FINISHED_ROUND every 65536\n"
"                        samples unless -r says otherwise.  -n counts all samples\n"
"  -E, --exit-only       only kvm:kvm_exit, as `perf record -e kvm:kvm_exit -a`:\n"
"                        entries are simulated but not written; the statistics\n"
"                        add 'exits CODE NAME calls from_guest_kernel' lines\n"
"  -k, --kaslr HEX       add HEX to every guest kernel RIP (hot ones included), as\n"
"                        a guest kernel randomized by KASLR runs (default 0)\n"
"  -V, --vms N           the vCPU threads belong to N VM processes, round robin;\n"
"                        each VM's rows too (vm PID reason NAME calls total min max)\n"
"                        (default 1)\n"
"Each vCPU thread starts with an entry and ends with one, so every exit\n"
"written has its entry; 'samples' in the statistics is exact.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", 1, 0, 'o' }, { "count", 1, 0, 'n' },
		{ "threads", 1, 0, 't' }, { "cpus", 1, 0, 'c' },
		{ "seed", 1, 0, 's' }, { "arch", 1, 0, 'a' },
		{ "formats", 1, 0, 'f' }, { "pipe", 0, 0, 'p' },
		{ "lost", 1, 0, 'l' }, { "round", 1, 0, 'r' },
		{ "rich", 0, 0, 'x' }, { "expect", 1, 0, 'e' },
		{ "hot-rips", 1, 0, 'R' }, { "quantiles", 0, 0, 'q' },
		{ "kvm-stat", 0, 0, 'K' }, { "vms", 1, 0, 'V' },
		{ "exit-only", 0, 0, 'E' }, { "kaslr", 1, 0, 'k' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	struct gen g;
	struct tep_handle *tep;
	char path[4096], cmdline[4096];
	unsigned c, i;
	size_t cl = 0;
	int opt, round_set = 0;
	FILE *ef;
	static char obuf[1 << 20];

	memset(&g, 0, sizeof(g));
	g.o.count = 100000;
	g.o.threads = 4;
	g.o.cpus = 4;
	g.o.seed = 1;
	g.o.arch = "x86";
	g.o.round = 4096;
	g.o.vms = 1;
	while ((opt = getopt_long(argc, argv, "o:n:t:c:s:a:f:pl:r:xe:R:qKV:Ek:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'o': g.o.out = optarg; break;
		case 'n': g.o.count = strtoull(optarg, NULL, 0); break;
		case 't': g.o.threads = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'c': g.o.cpus = (unsigned)strtoul(optarg, NULL, 0); break;
		case 's': g.o.seed = strtoull(optarg, NULL, 0); break;
		case 'a': g.o.arch = optarg; break;
		case 'f': g.o.formats = optarg; break;
		case 'p': g.o.pipe = 1; break;
		case 'l': g.o.lost = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'r': g.o.round = (unsigned)strtoul(optarg, NULL, 0); round_set = 1; break;
		case 'x': g.o.rich = 1; break;
		case 'e': g.o.expect = optarg; break;
		case 'R': g.o.hot = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'q': g.o.quantiles = 1; break;
		case 'K': g.o.kvmstat = 1; break;
		case 'E': g.o.exit_only = 1; break;
		case 'k': g.o.kaslr = strtoull(optarg, NULL, 16); break;
		case 'V': g.o.vms = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!g.o.out || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (g.o.hot > 16) {
		fprintf(stderr, "gen-perfdata: --hot-rips takes 1..16\n");
		return 2;
	}
	if (strcmp(g.o.arch, "x86") && strcmp(g.o.arch, "arm64")) {
		fprintf(stderr, "gen-perfdata: --arch must be x86 or arm64\n");
		return 2;
	}
	if (!g.o.threads || g.o.threads > 4096 || !g.o.cpus || g.o.cpus > 1024 ||
	    g.o.count < g.o.threads || !g.o.round) {
		fprintf(stderr, "gen-perfdata: need 1..4096 threads, 1..1024 cpus, count >= threads, round >= 1\n");
		return 2;
	}
	if (!g.o.vms || g.o.vms > g.o.threads) {
		fprintf(stderr, "gen-perfdata: --vms takes 1..threads\n");
		return 2;
	}
	if (g.o.kvmstat && (strcmp(g.o.arch, "x86") || g.o.rich)) {
		fprintf(stderr, "gen-perfdata: --kvm-stat is the x86 layout, without --rich\n");
		return 2;
	}
	if (g.o.kvmstat && g.o.exit_only) {
		fprintf(stderr, "gen-perfdata: --kvm-stat and --exit-only are two layouts\n");
		return 2;
	}
	if (g.o.kvmstat && !round_set)
		g.o.round = 65536;
	if (!strcmp(g.o.out, "-") && !g.o.pipe) {
		fprintf(stderr, "gen-perfdata: stdout output needs --pipe\n");
		return 2;
	}
	g.arm = !strcmp(g.o.arch, "arm64");
	if (!g.o.formats)
		g.o.formats = g.arm ? DEFAULT_DATA_DIR "/arm64-6.18" :
			      DEFAULT_DATA_DIR "/x86-6.18";
	rng_state = g.o.seed * 0x2545f4914f6cdd1dULL + 1;
	g.pid = 4000 + (uint32_t)(rnd() % 50000);
	g.reasons = g.arm ? arm64_reasons : x86_reasons;
	g.nreasons = g.arm ? sizeof(arm64_reasons) / sizeof(arm64_reasons[0]) :
			     sizeof(x86_reasons) / sizeof(x86_reasons[0]);
	for (i = 0; i < g.nreasons; i++)
		g.total_weight += g.reasons[i].weight;
	g.sample_type = g.o.rich ?
		S_IP | S_TID | S_TIME | S_ADDR | S_READ | S_CALLCHAIN | S_ID |
		S_CPU | S_PERIOD | S_STREAM_ID | S_RAW | S_WEIGHT | S_DATA_SRC |
		S_PHYS_ADDR :
		S_IP | S_TID | S_TIME | S_CPU | S_PERIOD | S_RAW | S_IDENTIFIER;

	tep = tep_alloc();
	tep_set_long_size(tep, 8);
	snprintf(path, sizeof(path), "%s-kvm_exit.format", g.o.formats);
	load_fmt(tep, path, "kvm_exit", &g.fexit);
	snprintf(path, sizeof(path), "%s-kvm_entry.format", g.o.formats);
	load_fmt(tep, path, "kvm_entry", &g.fentry);
	if (g.o.kvmstat) {
		snprintf(path, sizeof(path), "%s-kvm_mmio.format", g.o.formats);
		load_fmt(tep, path, "kvm_mmio", &g.fmmio);
		snprintf(path, sizeof(path), "%s-kvm_pio.format", g.o.formats);
		load_fmt(tep, path, "kvm_pio", &g.fpio);
		snprintf(path, sizeof(path), "%s-kvm_msr.format", g.o.formats);
		load_fmt(tep, path, "kvm_msr", &g.fmsr);
	}
	snprintf(path, sizeof(path), "%s-header_page.format", g.o.formats);
	g.header_page = slurp(path, &g.header_page_len);
	if (!g.header_page) {
		/* the header_page layout has not changed since 2.6 on 64-bit */
		static const char hp[] =
			"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
			"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
			"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
			"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";
		g.header_page = strdup(hp);
		g.header_page_len = strlen(hp);
	}
	/* sample ids: one per (event, cpu), sequential like the kernel's */
	for (c = 0; c < g.o.cpus; c++) {
		g.ids[0][c] = 17 + c;
		g.ids[1][c] = 17 + g.o.cpus + c;
	}
	if (g.o.kvmstat)	/* per attr, in perf's order, per CPU */
		for (i = 0; i < KVMSTAT_NATTR; i++)
			for (c = 0; c < g.o.cpus; c++)
				g.ids[kvmstat_order[i]][c] = KVMSTAT_ID0 + i * g.o.cpus + c;
	g.cpubuf = calloc(g.o.cpus, sizeof(*g.cpubuf));

	cl = (size_t)snprintf(cmdline, sizeof(cmdline), "/usr/bin/perf kvm stat record");
	for (i = 1; i < (unsigned)argc && cl < sizeof(cmdline) - 1; i++)
		cl += (size_t)snprintf(cmdline + cl, sizeof(cmdline) - cl, " %s", argv[i]);

	if (!strcmp(g.o.out, "-"))
		g.f = stdout;
	else
		g.f = fopen(g.o.out, "w+b");
	if (!g.f) {
		fprintf(stderr, "gen-perfdata: %s: %s\n", g.o.out, strerror(errno));
		return 1;
	}
	setvbuf(g.f, obuf, _IOFBF, sizeof(obuf));
	if (g.o.pipe)
		write_pipe(&g, cmdline);
	else
		write_file(&g, cmdline);
	if (fflush(g.f) || (g.f != stdout && fclose(g.f))) {
		fprintf(stderr, "gen-perfdata: %s: %s\n", g.o.out, strerror(errno));
		return 1;
	}
	if (g.o.expect) {
		ef = fopen(g.o.expect, "w");
		if (!ef) {
			fprintf(stderr, "gen-perfdata: %s: %s\n", g.o.expect,
				strerror(errno));
			return 1;
		}
		write_expect(&g, ef);
		fclose(ef);
	} else {
		write_expect(&g, g.f == stdout ? stderr : stdout);
	}
	tep_free(tep);
	return 0;
}
