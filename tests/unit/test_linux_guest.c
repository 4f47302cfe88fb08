// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real Linux-guest recording (tests/data/linux-guest-x86-6.1-svm.*,
 * made by tests/vm/run --record-linux, see tests/data/README.md): Debian's
 * 6.1 kernel running a workload of its own under a real qemu -accel kvm
 * in the VM suite's guest.  The numbers below are what perf kvm stat
 * report (perf 6.1.192) printed for that file; perf-prof --input must print
 * the same, and --top-rip with the guest's kallsyms must name the guest
 * kernel functions that made the exits, in the counts perf kvm stat
 * --event=ioport / --event=msr give for their ports and MSRs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "textutil.h"
#include "unit.h"

#define LG TEST_DATA_DIR "/linux-guest-x86-6.1-svm"

struct kvmstat_row {
	const char *name;
	unsigned long calls;
	double min, max, avg;	/* us, as perf prints them (0.01 us) */
};

/* perf kvm -i linux-guest-x86-6.1-svm.perf.data stat report (the .kvmstat beside it) */
static const struct kvmstat_row whole[] = {
	{ "PF excp", 2973, 28.29, 106193.38, 1102.26 },
	{ "msr", 2468, 48.28, 79052.72, 1203.43 },
	{ "io", 2412, 93.84, 119423.42, 1847.12 },
	{ "interrupt", 1100, 15.59, 62217.33, 2798.21 },
	{ "vintr", 838, 20.69, 85764.04, 396.99 },
	{ "hlt", 566, 45.12, 282636.73, 14856.47 },
	{ "write_cr3", 430, 51.41, 40697.12, 1393.50 },
	{ "cpuid", 230, 33.90, 92593.71, 1595.10 },
	{ "invlpg", 203, 63.56, 65935.50, 1728.90 },
	{ "read_cr3", 23, 46.05, 8391.91, 468.79 },
};

/*
 * perf kvm ... stat report --vcpu 0 and --vcpu 1 (vCPU 0 is thread 217,
 * vCPU 1 thread 218).  perf 6.1 prints a min of 0.00us for every row under
 * --vcpu (its per-vCPU minimum starts at 0), so min is not held here; the
 * whole file's rows above hold it.
 */
static const struct kvmstat_row vcpu0[] = {
	{ "PF excp", 1707, NAN, 75086.32, 1103.31 },
	{ "msr", 1243, NAN, 79052.72, 1253.72 },
	{ "io", 780, NAN, 119423.42, 2464.79 },
	{ "interrupt", 650, NAN, 62217.33, 2453.47 },
	{ "vintr", 445, NAN, 85764.04, 423.49 },
	{ "write_cr3", 269, NAN, 40697.12, 1431.41 },
	{ "hlt", 248, NAN, 168018.53, 12282.22 },
	{ "cpuid", 148, NAN, 92593.71, 1927.78 },
	{ "invlpg", 108, NAN, 65935.50, 2184.48 },
	{ "read_cr3", 15, NAN, 8391.91, 677.27 },
};

static const struct kvmstat_row vcpu1[] = {
	{ "io", 1632, NAN, 97419.09, 1551.91 },
	{ "PF excp", 1266, NAN, 106193.38, 1100.84 },
	{ "msr", 1225, NAN, 77270.11, 1152.40 },
	{ "interrupt", 450, NAN, 59408.68, 3296.16 },
	{ "vintr", 393, NAN, 71015.98, 366.99 },
	{ "hlt", 318, NAN, 282636.73, 16864.06 },
	{ "write_cr3", 161, NAN, 28683.20, 1330.15 },
	{ "invlpg", 95, NAN, 29666.66, 1210.97 },
	{ "cpuid", 82, NAN, 30868.28, 994.67 },
	{ "read_cr3", 8, NAN, 95.67, 77.91 },
};

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* perf prints 0.01 us, rounded; perf-prof 0.001 us */
static int same_us(double pp, double perf)
{
	return isnan(perf) || fabs(pp - perf) <= 0.0051;
}

/* the rows of the first table in TEXT equal WANT, and it has no others */
static void table_is(const char *text, const struct kvmstat_row *want, size_t n, const char *what)
{
	const char *rule = strstr(text, "\n-----"), *line;
	size_t i, rows = 0;

	ck_assert_msg(rule, "%s: no table in:\n%s", what, text);
	for (line = strchr(rule + 1, '\n') + 1; *line && *line != '\n' && *line != ' ';
	     line = strchr(line, '\n') + 1) {
		if (!strncmp(line, "kvm-exit latency", 16))
			break;
		rows++;
	}
	ck_assert_msg(rows == n, "%s: %zu rows, perf kvm stat %zu:\n%s", what, rows, n, text);
	for (i = 0; i < n; i++) {
		const char *row = table_row(rule, want[i].name);
		unsigned long calls;
		double total, min, avg, p99, max;

		ck_assert_msg(row, "%s: no row '%s':\n%s", what, want[i].name, text);
		ck_assert_int_eq(sscanf(row + strlen(want[i].name), " %lu %lf %lf %lf %lf %lf",
					&calls, &total, &min, &avg, &p99, &max), 6);
		ck_assert_msg(calls == want[i].calls && same_us(min, want[i].min) &&
			      same_us(max, want[i].max) && same_us(avg, want[i].avg),
			      "%s %s: calls/min/max/avg %lu/%.3f/%.3f/%.3f, perf kvm stat "
			      "%lu/%.2f/%.2f/%.2f", what, want[i].name, calls, min, max, avg,
			      want[i].calls, want[i].min, want[i].max, want[i].avg);
	}
}

START_TEST(test_every_reason_is_perf_kvm_stat)
{
	char *out = sh("%s kvm-exit --input " LG ".perf.data 2>&1", pp_bin());

	table_is(out, whole, NROWS(whole), "whole");
	/* 11,245 kvm_exit samples: the first entry and the last exits of the
	 * recorded window have no partner; perf kvm stat counts 11,243 too */
	ck_assert_msg(!strstr(out, "lost"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_per_vcpu_is_perf_kvm_stat_vcpu)
{
	char *out = sh("%s kvm-exit --input " LG ".perf.data --perins 2>&1", pp_bin());
	const char *t0 = strstr(out, "kvm-exit latency THREAD 217 VCPU 0\n");
	const char *t1 = strstr(out, "kvm-exit latency THREAD 218 VCPU 1\n");

	ck_assert_msg(t0 && t1, "no table per vCPU thread:\n%s", out);
	ck_assert_int_eq(count_substr(out, "kvm-exit latency THREAD"), 2);
	table_is(t0, vcpu0, NROWS(vcpu0), "vCPU 0");
	table_is(t1, vcpu1, NROWS(vcpu1), "vCPU 1");
	free(out);
}
END_TEST

/* the --top-rip rows of REASON (its first row names it, the others are indented) */
static char *top_rip_rows(const char *out, const char *reason)
{
	const char *head = strstr(out, "\nexit_reason          guest_rip"), *p, *end;
	char first[32];

	ck_assert_msg(head, "no --top-rip table:\n%.2000s", out);
	snprintf(first, sizeof(first), "\n%-20s ", reason);
	p = strstr(head, first);
	ck_assert_msg(p, "no --top-rip rows for %s:\n%.2000s", reason, head);
	for (end = strchr(p + 1, '\n'); end && end[1] == ' '; end = strchr(end + 1, '\n'))
		;
	return strndup(p + 1 + 21, end ? (size_t)(end - p - 1 - 21) : strlen(p + 22));
}

/* CALLS exits at SYM among ROWS (the guest_rip column, then calls) */
static long calls_at(const char *rows, const char *sym)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "%-40s ", sym);
	for (p = rows; (p = strstr(p, pat)); p++)
		if (p == rows || p[-1] == ' ')
			return strtol(p + strlen(pat), NULL, 10);
	return -1;
}

/*
 * The io exits at their guest functions, in the counts perf kvm stat
 * --event=ioport gives their ports (the .kvmstat-ioport beside the file):
 *   io_serial_out+0x16 (the out)  = 0x3f8:POUT 1280 + 0x3f9:POUT 44 = 1324
 *   io_serial_in+0x14 (the in)    = 0x3fa:PIN 136 + 0x3fd:PIN 92 + 0x3fe:PIN 92 = 320
 *   pci_conf1_read+0x7c           = 0xcf8:POUT 384 (the address)
 *   pci_conf1_read+0xda           = 0xcfc:PIN 384 (the data)
 * 2412 in all: every io exit named.  And the msr exits, by --event=msr:
 *   native_write_msr+0x4          = 0x838:W 1981 (TMICT) + 0x830:W 223 (ICR) = 2204
 *   native_apic_msr_eoi_write+0x9 = 0x80b:W 264 (EOI)
 */
START_TEST(test_top_rip_kallsyms_names_the_guest_kernel)
{
	static const struct {
		const char *reason, *sym;
		long calls;
	} want[] = {
		{ "io", "io_serial_out+0x16", 1324 },
		{ "io", "io_serial_in+0x14", 320 },
		{ "io", "pci_conf1_read+0x7c", 384 },
		{ "io", "pci_conf1_read+0xda", 384 },
		{ "msr", "native_write_msr+0x4", 2204 },
		{ "msr", "native_apic_msr_eoi_write+0x9", 264 },
		{ "hlt", "native_safe_halt+0xa", 566 },
	};
	char *out = sh("%s kvm-exit --input " LG ".perf.data --top-rip 10 --kallsyms " LG
		       ".kallsyms 2>&1", pp_bin());
	size_t i;

	for (i = 0; i < NROWS(want); i++) {
		char *rows = top_rip_rows(out, want[i].reason);

		ck_assert_msg(calls_at(rows, want[i].sym) == want[i].calls,
			      "%s at %s: %ld, want %ld; its rows:\n%s", want[i].reason, want[i].sym,
			      calls_at(rows, want[i].sym), want[i].calls, rows);
		free(rows);
	}
	free(out);
}
END_TEST

/*
 * The names come from this boot's kallsyms (KASLR moved the kernel): the
 * raw RIP of PCI config's address write is pci_conf1_read's address there
 * plus 0x7c, and without --kallsyms it stays a number.
 */
START_TEST(test_top_rip_is_the_kallsyms_address)
{
	char *addr = sh("awk '$3 == \"pci_conf1_read\" { print $1 }' " LG ".kallsyms");
	char *text = sh("awk '$3 == \"_text\" { print $1 }' " LG ".kallsyms");
	char *out = sh("%s kvm-exit --input " LG ".perf.data --top-rip 10 2>&1", pp_bin());
	char rip[40], *rows;

	ck_assert_uint_eq(strlen(addr), 17);	/* 16 hex digits and the newline */
	snprintf(rip, sizeof(rip), "%#llx", strtoull(addr, NULL, 16) + 0x7c);
	/* the kernel's link address: KASLR put it elsewhere */
	ck_assert_str_ne(text, "ffffffff81000000\n");
	ck_assert_uint_eq(strlen(text), 17);
	rows = top_rip_rows(out, "io");
	ck_assert_msg(calls_at(rows, rip) == 384, "no %s with 384 calls; io's rows:\n%s", rip, rows);
	ck_assert_ptr_null(strstr(out, "pci_conf1_read"));
	free(rows);
	free(out);
	free(text);
	free(addr);
}
END_TEST

static Suite *linux_guest_suite(void)
{
	Suite *s = suite_create("linux-guest");
	TCase *tc = tcase_create("recording");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_reason_is_perf_kvm_stat);
	tcase_add_test(tc, test_per_vcpu_is_perf_kvm_stat_vcpu);
	tcase_add_test(tc, test_top_rip_kallsyms_names_the_guest_kernel);
	tcase_add_test(tc, test_top_rip_is_the_kallsyms_address);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(linux_guest_suite)
