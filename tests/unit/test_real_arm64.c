// SPDX-License-Identifier: GPL-2.0-only
/*
 * perf-prof kvm-exit --input on real ARM64 recordings: `perf record` of the
 * kvm events while tests/tools/vmm-arm64 ran in the ARM64 test VM (Debian
 * 6.1 at EL2 under QEMU TCG, tests/vm/arm64), shipped in tests/data with
 * what perf made of them:
 *
 *   NAME.perf.data   the recording
 *   NAME.pairs       perf script's events paired per thread by
 *                    tests/vm/arm64/pairs.awk: the exact numbers
 *   NAME.kvmstat     `perf kvm -i NAME.perf.data stat report`, in the VM
 *
 * The guest makes per vCPU N+1 re-entered DABT_LOW exits, N HVC64 and one
 * WFx, whatever the noise around them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "textutil.h"
#include "unit.h"

#define FIX TEST_DATA_DIR "/"
#define GUEST_ELF FIX "vmm-guest-arm64.elf"

static const struct fixture {
	const char *name;
	int vcpus, n;
} fixtures[] = {
	{ "kvm-arm64-6.1-1vcpu", 1, 40 },
	{ "kvm-arm64-6.1-2vcpu", 2, 40 },
	{ "kvm-arm64-6.1-migrate", 2, 40 },
};
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

#define MAXR 16
struct pairs {
	int nexit, nguest;
	struct row {
		char name[32];
		unsigned long calls;
		double total, min, max;	/* ns */
	} exit[MAXR], guest[MAXR];
	unsigned long unpaired[MAXR];	/* per exit[] row */
	long crossed, crossed_wfx;	/* pairs on two CPUs: all, WFx */
};

static void read_pairs(const struct fixture *f, struct pairs *p)
{
	char path[512], line[256], kind[16], name[32];
	unsigned long calls;
	double total, min, max;
	FILE *in;
	int i;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), FIX "%s.pairs", f->name);
	in = fopen(path, "r");
	ck_assert_msg(in != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, "crossed %31s %lu", name, &calls) == 2) {
			p->crossed += calls;
			if (!strcmp(name, "WFx"))
				p->crossed_wfx = calls;
			continue;
		}
		if (sscanf(line, "unpaired %31s %lu", name, &calls) == 2) {
			for (i = 0; i < p->nexit; i++)
				if (!strcmp(p->exit[i].name, name))
					p->unpaired[i] = calls;
			continue;
		}
		ck_assert_msg(sscanf(line, "%15s %31s %lu %lf %lf %lf", kind, name, &calls, &total,
				     &min, &max) == 6, "%s: bad line %s", path, line);
		struct row *r = !strcmp(kind, "exit") ? &p->exit[p->nexit++] : &p->guest[p->nguest++];

		ck_assert(p->nexit <= MAXR && p->nguest <= MAXR);
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->calls = calls;
		r->total = total;
		r->min = min;
		r->max = max;
	}
	fclose(in);
	ck_assert_int_gt(p->nexit, 3);
}

static const struct row *find(const struct row *rows, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* rows of the first table in @out */
static int count_rows(const char *out)
{
	const char *p = strstr(out, "------\n");
	int n = 0;

	ck_assert_ptr_nonnull(p);
	for (p += 7; *p && *p != '\n'; p = strchr(p, '\n') + 1)
		n++;
	return n;
}

/* the guest program's own counts, in a table or a thread's table */
static void assert_program(const char *table, int vcpus, int n)
{
	ck_assert_int_eq(table_calls(table, "DABT_LOW"), vcpus * (n + 1));
	ck_assert_int_eq(table_calls(table, "HVC64"), vcpus * n);
	ck_assert_int_eq(table_calls(table, "WFx"), vcpus);
}

/* every row: calls, total, min, avg and max as the independent pairing has them */
START_TEST(test_rows_equal_independent_pairs)
{
	const struct fixture *f = &fixtures[_i];
	struct pairs p;
	char *out, want[256];
	int i;

	read_pairs(f, &p);
	out = sh("%s kvm-exit --input " FIX "%s.perf.data 2>&1", pp_bin(), f->name);
	assert_program(out, f->vcpus, f->n);
	ck_assert_int_eq(count_rows(out), p.nexit);
	for (i = 0; i < p.nexit; i++) {
		const struct row *r = &p.exit[i];
		const char *line = table_row(out, r->name);

		ck_assert_msg(line != NULL, "%s: no row %s in:\n%s", f->name, r->name, out);
		snprintf(want, sizeof(want), "%-20s %8lu %16.3f %12.3f %12.3f", r->name, r->calls,
			 r->total / 1000, r->min / 1000, r->total / r->calls / 1000);
		ck_assert_msg(!strncmp(line, want, strlen(want)), "%s:\n got: %.100s\nwant: %s",
			      f->name, line, want);
		snprintf(want, sizeof(want), " %12.3f ", r->max / 1000);
		ck_assert_msg(strstr(line, want) && strstr(line, want) < strchr(line, '\n'),
			      "%s: max of %s: %.120s want%s", f->name, r->name, line, want);
		/* guest PCs in the low half: no guest kernel time */
		ck_assert_ptr_nonnull(strstr(line, "   0.00\n"));
	}
	free(out);
}
END_TEST

/*
 * perf kvm stat on ARM64 times kvm_entry -> kvm_exit, the guest's run up to
 * the exit, and counts every exit an entry came before: its samples are our
 * calls plus each vCPU's last exit, which is never re-entered, and its
 * times are the independent entry -> exit pairs'.
 */
START_TEST(test_perf_kvm_stat_counts_the_same_exits)
{
	const struct fixture *f = &fixtures[_i];
	char path[512], *perf, *line, *save = NULL;
	struct pairs p;
	int i, checked = 0;

	read_pairs(f, &p);
	snprintf(path, sizeof(path), FIX "%s.kvmstat", f->name);
	perf = slurp_file(path);
	ck_assert_msg(perf != NULL, "cannot read %s", path);
	for (line = strtok_r(perf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		unsigned long samples, unpaired = 0;
		double spct, tpct, mn, mx, avg;
		const struct row *g, *e;

		if (sscanf(line, " %31s %lu %lf%% %lf%% %lfus %lfus %lfus", name, &samples, &spct,
			   &tpct, &mn, &mx, &avg) != 7)
			continue;
		e = find(p.exit, p.nexit, name);
		g = find(p.guest, p.nguest, name);
		ck_assert_msg(e && g, "%s: perf's %s is not in the pairs", f->name, name);
		for (i = 0; i < p.nexit; i++)
			if (&p.exit[i] == e)
				unpaired = p.unpaired[i];
		ck_assert_uint_eq(samples, e->calls + unpaired);
		ck_assert_uint_eq(samples, g->calls);
		ck_assert_double_eq_tol(mn, g->min / 1000, 0.0051);
		ck_assert_double_eq_tol(mx, g->max / 1000, 0.0051);
		ck_assert_double_eq_tol(avg, g->total / g->calls / 1000, 0.0051);
		checked++;
	}
	ck_assert_int_eq(checked, p.nexit);
	/* the one exit of each vCPU that no entry follows: the last MMIO store */
	ck_assert_uint_eq(p.unpaired[find(p.exit, p.nexit, "DABT_LOW") - p.exit], f->vcpus);
	free(perf);
}
END_TEST

/* --perins: one table per vCPU thread, each with one vCPU's program */
START_TEST(test_perins_one_table_per_vcpu_thread)
{
	const struct fixture *f = &fixtures[_i];
	char *out, *t, *next;
	int tables = 0;

	out = sh("%s kvm-exit --input " FIX "%s.perf.data --perins 2>&1", pp_bin(), f->name);
	for (t = strstr(out, "kvm-exit latency THREAD "); t; t = next) {
		next = strstr(t + 1, "kvm-exit latency THREAD ");
		if (next)
			next[-1] = 0;
		/* ARM64 events carry no vcpu id: the title names the thread only */
		ck_assert_int_eq(strcspn(t, "\n"), strspn(t + 24, "0123456789") + 24);
		assert_program(t, 1, f->n);
		tables++;
	}
	ck_assert_int_eq(tables, f->vcpus);
	free(out);
}
END_TEST

static int count_crossed(const char *out, int *pairs)
{
	const char *p = out, *exit_cpu = NULL;
	int crossed = 0;

	*pairs = 0;
	for (; *p; p = strchr(p, '\n') + 1) {
		const char *cpu = strstr(p, " [0");

		if (strstr(p, "kvm:kvm_exit: ") && strstr(p, "kvm:kvm_exit: ") < strchr(p, '\n')) {
			exit_cpu = cpu;
		} else if (exit_cpu && strstr(p, "kvm:kvm_entry: ") &&
			   strstr(p, "kvm:kvm_entry: ") < strchr(p, '\n')) {
			crossed += strncmp(exit_cpu, cpu, 6) != 0;
			(*pairs)++;
			exit_cpu = NULL;
		}
		if (!strchr(p, '\n'))
			break;
	}
	return crossed;
}

/*
 * --than 0 prints every pair but the WFx ones, --than-hlt those too; the
 * pairs whose exit and entry were on different CPUs are those the
 * independent pairing found (the migrating vCPUs cross CPUs, and a vCPU
 * asleep in WFI is often woken on the other CPU)
 */
START_TEST(test_than_every_pair_and_the_crossings)
{
	const struct fixture *f = &fixtures[_i];
	struct pairs p;
	unsigned long all = 0;
	int i, pairs, crossed;
	char *out;

	read_pairs(f, &p);
	for (i = 0; i < p.nexit; i++)
		all += p.exit[i].calls;
	out = sh("%s kvm-exit --input " FIX "%s.perf.data --than 0 2>&1", pp_bin(), f->name);
	crossed = count_crossed(out, &pairs);
	ck_assert_int_eq(pairs, all - f->vcpus);
	ck_assert_int_eq(crossed, p.crossed - p.crossed_wfx);
	ck_assert_ptr_null(strstr(out, "(WFx)"));
	free(out);
	out = sh("%s kvm-exit --input " FIX "%s.perf.data --than 0 --than-hlt 2>&1", pp_bin(),
		 f->name);
	crossed = count_crossed(out, &pairs);
	ck_assert_int_eq(pairs, all);
	ck_assert_int_eq(crossed, p.crossed);
	ck_assert_int_eq(count_substr(out, "kvm:kvm_exit: TRAP: HSR_EC: 0x0001 (WFx), PC: "
				     "0x0000000000001030\n"), f->vcpus);
	free(out);
	if (!strcmp(f->name, "kvm-arm64-6.1-migrate"))
		ck_assert_int_gt(p.crossed, 0);
}
END_TEST

/* --top-rip with the guest's ELF names each exit's instruction */
START_TEST(test_top_rip_names_the_guest_code)
{
	const struct fixture *f = &fixtures[_i];
	static const struct {
		const char *reason, *sym;
		int per_n;	/* calls: per_n ? vcpus * n : vcpus */
	} want[] = {
		{ "DABT_LOW", "mmio_store", 1 },
		{ "", "slow_store", 0 },
		/* an HVC exits with the PC after it, its preferred return address */
		{ "HVC64", "hvc_call+0x4", 1 },
		{ "WFx", "halt", 0 },
	};
	char *out, line[256];
	size_t i;

	out = sh("%s kvm-exit --input " FIX "%s.perf.data --top-rip 8 --vmlinux " GUEST_ELF
		 " 2>&1", pp_bin(), f->name);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(line, sizeof(line), "\n%-20s %-40s %8d ", want[i].reason, want[i].sym,
			 want[i].per_n ? f->vcpus * f->n : f->vcpus);
		ck_assert_msg(strstr(out, line) != NULL, "%s: no '%s' in:\n%s", f->name, line + 1,
			      out);
	}
	free(out);
}
END_TEST

static Suite *real_arm64_suite(void)
{
	Suite *s = suite_create("real-arm64");
	TCase *tc = tcase_create("recordings");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_rows_equal_independent_pairs, 0, NFIX);
	tcase_add_loop_test(tc, test_perf_kvm_stat_counts_the_same_exits, 0, NFIX);
	tcase_add_loop_test(tc, test_perins_one_table_per_vcpu_thread, 0, NFIX);
	tcase_add_loop_test(tc, test_than_every_pair_and_the_crossings, 0, NFIX);
	tcase_add_loop_test(tc, test_top_rip_names_the_guest_code, 0, NFIX);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(real_arm64_suite)
