// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why an exit is slow, on real recordings (tests/data): --detail's keys
 * and counts against perf kvm stat report --event=ioport, --event=msr and
 * --event=mmio of the same file, key for key; --vmm's share; --filter by
 * name on --input equal to the filter by code; --list-reasons.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/kvm-detail.h>
#include "textutil.h"
#include "unit.h"

#define DETAIL_REC TEST_DATA_DIR "/kvm-x86-6.1-svm-detail"

/*
 * The sub-row @key under reason @reason of the first table in @out: its
 * line, NULL if none.  Sub-rows follow their reason's row, indented by two.
 */
static const char *sub_row(const char *out, const char *reason, const char *key)
{
	const char *row = table_row(out, reason), *l;
	size_t kl = strlen(key);

	if (!row)
		return NULL;
	for (l = strchr(row, '\n'); l && l[1] == ' ' && l[2] == ' '; l = strchr(l + 1, '\n'))
		if (!strncmp(l + 3, key, kl) && l[3 + kl] == ' ' && l[4 + kl] == ' ')
			return l + 1;
	return NULL;
}

/* column @col of that sub-row (1 = calls, as table_col()), NAN if absent */
static double sub_col(const char *out, const char *reason, const char *key, int col)
{
	const char *l = sub_row(out, reason, key), *p;
	char *end;
	int c;

	if (!l)
		return NAN;
	p = l + 2 + strlen(key);
	for (c = 1; c < col; c++)
		strtod(p, (char **)&p);
	return strtod(p, &end);
}

/* how many sub-rows reason @reason has */
static int sub_rows(const char *out, const char *reason)
{
	const char *row = table_row(out, reason), *l;
	int n = 0;

	for (l = row ? strchr(row, '\n') : NULL; l && l[1] == ' ' && l[2] == ' ';
	     l = strchr(l + 1, '\n'))
		n++;
	return n;
}

/*
 * Every key of perf kvm stat's --event=@event table in @perf_file is a
 * sub-row of one of @reasons in @out with the same count, and every
 * sub-row of that kind there is one of perf's.  Returns the keys compared.
 */
static int same_keys(const char *out, const char *perf_file, const char *const *reasons,
		     unsigned tag)
{
	char *perf = slurp_file(perf_file), key[64], rw[16], name[80];
	unsigned long long v;
	const char *l;
	long samples, got;
	int n = 0, ours = 0, r;

	ck_assert_msg(perf != NULL, "%s", perf_file);
	for (l = perf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
		if (sscanf(line, " %63s %ld", key, &samples) != 2 || strncmp(key, "0x", 2) ||
		    sscanf(key, "%llx:%15s", &v, rw) != 2)
			continue;
		/* perf: port:PIN/POUT, index:R/W, gpa:R/W */
		kvm_detail_name(kvm_sub(tag, !strcmp(rw, "POUT") || !strcmp(rw, "W"), v), name,
				sizeof(name));
		for (got = -1, r = 0; reasons[r] && got < 0; r++)
			if (sub_row(out, reasons[r], name))
				got = (long)sub_col(out, reasons[r], name, 1);
		ck_assert_msg(got == samples, "%s: perf kvm stat %s %ld, perf-prof '%s' %ld\n%.3000s",
			      perf_file, key, samples, name, got, out);
		n++;
	}
	/* and no sub-row of that kind perf has not */
	for (r = 0; reasons[r]; r++) {
		const char *row = table_row(out, reasons[r]);

		for (l = row ? strchr(row, '\n') : NULL; l && l[1] == ' ' && l[2] == ' ';
		     l = strchr(l + 1, '\n')) {
			bool mmio = tag == KVM_SUB_MMIO;
			char line[256];

			snprintf(line, sizeof(line), "%.*s", (int)strcspn(l + 1, "\n"), l + 1);
			if (mmio && !strstr(line, " read ") && !strstr(line, " write "))
				continue;	/* a page fault's page: perf's mmio has none */
			ours++;
		}
	}
	ck_assert_msg(ours == n, "%s: %d keys in perf kvm stat, %d sub-rows\n%.3000s", perf_file, n,
		      ours, out);
	free(perf);
	return n;
}

static char *detail_run(const char *args)
{
	return sh("%s kvm-exit --input %s.perf.data %s 2>&1", pp_bin(), DETAIL_REC, args);
}

/* the tiny VMM's keys: perf kvm stat's, exactly */
START_TEST(test_detail_vs_perf_kvm_stat)
{
	static const char *const io[] = { "io", NULL }, *const msr[] = { "msr", NULL },
			  *const mem[] = { "PF_excp", "PF excp", "npf", NULL };
	char *out = detail_run("--detail=1000");

	ck_assert_int_eq(same_keys(out, DETAIL_REC ".ioport", io, KVM_SUB_PORT), 2);
	ck_assert_int_eq(same_keys(out, DETAIL_REC ".msr", msr, KVM_SUB_MSR), 2);
	ck_assert_int_eq(same_keys(out, DETAIL_REC ".mmio", mem, KVM_SUB_MMIO), 1);
	/* what the guest was written to do (tests/tools/vmm-guest-x86.S), 2 vCPUs x 300 */
	ck_assert_int_eq((int)sub_col(out, "io", "0x10 out", 1), 600);
	ck_assert_int_eq((int)sub_col(out, "io", "0x11 out", 1), 2);
	ck_assert_int_eq((int)sub_col(out, "msr", "0x1b APIC_BASE read", 1), 600);
	ck_assert_int_eq((int)sub_col(out, "msr", "0x1b APIC_BASE write", 1), 600);
	ck_assert_int_eq((int)sub_col(out, "PF excp", "0x100000 write", 1), 600);
	ck_assert_int_eq((int)sub_col(out, "PF excp", "0x1000 page", 1), 1);
	ck_assert_int_eq((int)sub_col(out, "cpuid", "0x0", 1), 600);
	/* sub-rows add up to their reason; the reasons without keys have none */
	ck_assert_int_eq(sub_rows(out, "io"), 2);
	ck_assert_int_eq(sub_rows(out, "hlt"), 0);
	ck_assert_int_eq(sub_rows(out, "interrupt"), 0);
	ck_assert(fabs(sub_col(out, "io", "0x10 out", 2) + sub_col(out, "io", "0x11 out", 2) -
		       table_col(out, "io", 2)) < 0.002);
	free(out);
}
END_TEST

/* --detail=N: the N biggest by total, the rest in one row */
START_TEST(test_detail_top)
{
	char *out = detail_run("--detail");	/* 10 */

	ck_assert_int_eq(sub_rows(out, "msr"), 2);
	free(out);
	out = detail_run("--detail=1");
	ck_assert_msg(sub_col(out, "msr", "0x1b APIC_BASE write", 1) == 600, "%s", out);
	ck_assert_msg(sub_col(out, "msr", "(1 more)", 1) == 600, "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x10 out", 1) == 600, "%s", out);
	ck_assert_msg(sub_col(out, "io", "(1 more)", 1) == 2, "%s", out);
	ck_assert_msg(sub_col(out, "io", "(1 more)", 4) == table_col(out, "io", 4) ||
		      sub_col(out, "io", "(1 more)", 4) > 20000, "%s", out);
	ck_assert_int_eq(sub_rows(out, "cpuid"), 1);
	free(out);
	/* -i: each interval's sub-rows cover that interval; together the whole */
	out = sh("%s kvm-exit --input %s.perf.data --detail --perins -i 200 | "
		 "awk '$1 == \"0x10\" && $2 == \"out\" { s += $3 } END { print s }'", pp_bin(),
		 DETAIL_REC);
	ck_assert_str_eq(out, "600\n");
	free(out);
}
END_TEST

/*
 * --vmm: every I/O and MMIO exit of the tiny VMM went to it, no CPUID or
 * MSR exit did, and its slow I/O exits (20 ms asleep in the VMM) show at
 * least 20 ms each there.  Columns: ... %gsys(7) vmm(8) vmm(us)(9) %vmm(10).
 */
START_TEST(test_vmm)
{
	char *out = detail_run("--detail --vmm");

	ck_assert_msg(table_col(out, "io", 8) == 602 && table_col(out, "io", 1) == 602, "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x10 out", 8) == 600, "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x11 out", 8) == 2, "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x11 out", 9) >= 2 * 20000.0, "%s", out);
	ck_assert_msg(sub_col(out, "PF excp", "0x100000 write", 8) == 600, "%s", out);
	ck_assert_msg(table_col(out, "msr", 8) == 0 && table_col(out, "msr", 9) == 0, "%s", out);
	ck_assert_msg(table_col(out, "cpuid", 8) == 0, "%s", out);
	ck_assert_msg(sub_col(out, "msr", "0x1b APIC_BASE write", 8) == 0, "%s", out);
	/* the VMM's time never exceeds the latency it is part of */
	ck_assert_msg(table_col(out, "io", 9) <= table_col(out, "io", 2), "%s", out);
	ck_assert_msg(table_col(out, "io", 10) > 0 && table_col(out, "io", 10) <= 100, "%s", out);
	free(out);
	/* without kvm_userspace_exit in the recording, --vmm cannot say */
	out = sh("%s kvm-exit --input %s/kvm-x86-6.1-svm-1vcpu.perf.data --vmm 2>&1; echo rc=$?",
		 pp_bin(), TEST_DATA_DIR);
	ck_assert_msg(strstr(out, "--vmm needs kvm:kvm_userspace_exit events in the recording") &&
		      strstr(out, "rc=1"), "%s", out);
	free(out);
}
END_TEST

/*
 * A companion event with no pending exit of its thread is counted under -v,
 * never given to another exit.  With io's exits filtered out (as a live
 * --filter leaves the kernel's kvm_pio and kvm_userspace_exit events
 * firing), every kvm_pio is one: 600 of port 0x10, 2 of 0x11, and the 2 of
 * 0x12, the exits that ended the VMM (no entry: never a pair); with --vmm
 * also their 604 KVM_EXIT_IO hand-overs (perf script of the recording).
 * The other reasons' rows are what they were.
 */
START_TEST(test_orphans)
{
	char *all = detail_run("--detail --vmm"), *out;

	out = detail_run("--detail --filter exit_reason!=io -v");
	ck_assert_msg(strstr(out, "perf-prof: 604 companion events (--detail, --vmm) came without "
			     "a pending exit of their thread, and were not counted\n"), "%s", out);
	ck_assert_msg(table_calls(out, "io") == -1 && sub_rows(out, "msr") == 2, "%s", out);
	free(out);
	out = detail_run("--detail --vmm --filter exit_reason!=io -v");
	ck_assert_msg(strstr(out, "perf-prof: 1208 companion events"), "%s", out);
	ck_assert_msg(sub_col(out, "PF excp", "0x100000 write", 8) == 600 &&
		      sub_col(out, "PF excp", "0x100000 write", 9) ==
		      sub_col(all, "PF excp", "0x100000 write", 9) &&
		      table_col(out, "hlt", 8) == table_col(all, "hlt", 8) &&
		      table_col(out, "msr", 8) == 0, "%s\n%s", out, all);
	free(out);
	/* and none without the filter: each belongs to its exit */
	out = detail_run("--detail --vmm -v");
	ck_assert_msg(strstr(out, "perf-prof: 0 companion events"), "%s", out);
	free(out);
	free(all);
}
END_TEST

/* JSON carries the sub-rows and the VMM's columns */
START_TEST(test_detail_json)
{
	char *out = detail_run("--detail=1 --vmm --json");

	ck_assert_msg(strstr(out, "{\"exit_reason\":\"io\",\"calls\":602,") != NULL, "%s", out);
	ck_assert_msg(strstr(out, ",\"vmm_calls\":602,\"vmm_us\":") != NULL, "%s", out);
	ck_assert_msg(strstr(out, ",\"detail\":[{\"key\":\"0x10 out\",\"calls\":600,") != NULL,
		      "%s", out);
	ck_assert_msg(strstr(out, "{\"key\":\"(1 more)\",\"keys\":1,\"calls\":2,") != NULL,
		      "%s", out);
	ck_assert_int_eq(count_substr(out, "\n"), 1);
	free(out);
}
END_TEST

/* a recording without kvm_pio: I/O exits keyed by their own qualification */
START_TEST(test_io_from_qualification)
{
	char *out = sh("%s kvm-exit --input %s/kvm-x86-6.1-svm-2vcpu.perf.data --detail 2>&1",
		       pp_bin(), TEST_DATA_DIR);

	ck_assert_msg(sub_col(out, "io", "0x10 out", 1) == 600, "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x11 out", 1) == 2, "%s", out);
	ck_assert_int_eq(sub_rows(out, "io"), 2);
	ck_assert_int_eq(sub_rows(out, "msr"), 0);
	ck_assert_msg(strstr(out, "has none of the events --detail reads (kvm:kvm_pio kvm:kvm_msr "
			     "kvm:kvm_mmio kvm:kvm_fast_mmio kvm:kvm_page_fault kvm:kvm_cpuid "
			     "kvm:kvm_hypercall): I/O exits are keyed by their exit qualification, "
			     "no other reason\n") != NULL, "%s", out);
	free(out);
	/* a recording of exits alone has no pairs to key */
	out = sh("%s kvm-exit --input %s/perfdata/real-kvm-exit-only.perf.data --detail 2>&1; "
		 "echo rc=$?", pp_bin(), TEST_DATA_DIR);
	ck_assert_msg(strstr(out, "--detail needs latencies") && strstr(out, "rc=2"), "%s", out);
	free(out);
}
END_TEST

/* --filter on --input: by name (any case) the same table as by code */
START_TEST(test_filter_names_input)
{
	static const char *const same[][2] = {
		{ "exit_reason!=hlt", "exit_reason!=0x78" },
		{ "exit_reason==IO", "exit_reason==123" },
		{ "exit_reason=='PF excp' || exit_reason==cpuid", "exit_reason==78||exit_reason==114" },
		{ "exit_reason!=MSR && exit_reason!=Interrupt", "exit_reason!=124&&exit_reason!=96" },
	};
	char *a, *b;
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		a = sh("%s kvm-exit --input %s.perf.data --detail --filter \"%s\" 2>&1", pp_bin(),
		       DETAIL_REC, same[i][0]);
		b = sh("%s kvm-exit --input %s.perf.data --detail --filter \"%s\" 2>&1", pp_bin(),
		       DETAIL_REC, same[i][1]);
		ck_assert_msg(!strcmp(a, b), "%s:\n%s\n%s:\n%s", same[i][0], a, same[i][1], b);
		free(a);
		free(b);
	}
	a = detail_run("--filter exit_reason!=hlt");
	ck_assert_msg(table_calls(a, "hlt") == -1 && table_calls(a, "io") == 602, "%s", a);
	free(a);
	a = detail_run("--filter exit_reason==io");
	ck_assert_msg(table_calls(a, "io") == 602 && table_calls(a, "msr") == -1, "%s", a);
	free(a);
	/* an ARM64 recording, by its own names */
	a = sh("%s kvm-exit --input %s/kvm-arm64-6.1-2vcpu.perf.data --filter exit_reason!=wfx "
	       "2>&1", pp_bin(), TEST_DATA_DIR);
	ck_assert_msg(table_calls(a, "WFx") == -1 && table_calls(a, "HVC64") == 80, "%s", a);
	free(a);
	/* a name no reason has is a usage error */
	a = sh("%s kvm-exit --input %s.perf.data --filter exit_reason==halt 2>&1; echo rc=$?",
	       pp_bin(), DETAIL_REC);
	ck_assert_msg(strstr(a, "--filter: no exit reason 'halt' in this kvm_exit format "
			     "(--list-reasons lists them)") && strstr(a, "rc=2"), "%s", a);
	free(a);
	a = sh("%s kvm-exit --input %s.perf.data --filter nosuch==1 2>&1; echo rc=$?", pp_bin(),
	       DETAIL_REC);
	ck_assert_msg(strstr(a, "--filter 'nosuch==1' on kvm:kvm_exit: no field 'nosuch' in its "
			     "format") && strstr(a, "rc=2"), "%s", a);
	free(a);
}
END_TEST

START_TEST(test_list_reasons)
{
	char *out = sh("%s kvm-exit --input %s.perf.data --list-reasons 2>&1; echo rc=$?",
		       pp_bin(), DETAIL_REC);

	ck_assert_msg(strstr(out, "\nSVM    0x7b       io\n") && strstr(out, "\nVMX    12         HLT\n")
		      && strstr(out, "rc=0"), "%s", out);
	free(out);
	out = sh("%s syscalls --list-reasons 2>&1; echo rc=$?", pp_bin());
	ck_assert_msg(strstr(out, "--detail, --vmm and --list-reasons apply to kvm-exit only") &&
		      strstr(out, "rc=2"), "%s", out);
	free(out);
}
END_TEST

#define LINUX_REC TEST_DATA_DIR "/linux-guest-x86-6.1-svm"

/*
 * A real Linux guest's exits (tests/data/linux-guest-*): --detail's keys
 * and counts are perf kvm stat's, key for key; its serial port goes to
 * QEMU, its x2APIC writes stay in the kernel
 */
START_TEST(test_linux_guest)
{
	static const char *const io[] = { "io", NULL }, *const msr[] = { "msr", NULL },
			  *const mem[] = { "PF excp", "npf", NULL };
	char *out = sh("%s kvm-exit --input %s.perf.data --detail=1000 --vmm 2>&1", pp_bin(),
		       LINUX_REC);

	ck_assert_int_eq(same_keys(out, LINUX_REC ".kvmstat-ioport", io, KVM_SUB_PORT), 7);
	ck_assert_int_eq(same_keys(out, LINUX_REC ".kvmstat-msr", msr, KVM_SUB_MSR), 3);
	ck_assert_int_eq(same_keys(out, LINUX_REC ".kvmstat-mmio", mem, KVM_SUB_MMIO), 2);
	ck_assert_int_eq((int)sub_col(out, "io", "0x3f8 out", 1), 1280);
	ck_assert_int_eq((int)sub_col(out, "msr", "0x838 x2APIC_TMICT write", 1), 1981);
	/* every io exit went to QEMU, the serial port's with most of its time */
	ck_assert_msg(table_col(out, "io", 8) == table_col(out, "io", 1), "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x3f8 out", 8) == 1280, "%s", out);
	ck_assert_msg(sub_col(out, "io", "0x3f8 out", 10) > 50, "%s", out);
	/* the x2APIC writes never did, nor the virtio notify (an ioeventfd) */
	ck_assert_msg(table_col(out, "msr", 8) == 0, "%s", out);
	ck_assert_msg(sub_col(out, "msr", "0x830 x2APIC_ICR write", 8) == 0, "%s", out);
	ck_assert_msg(sub_col(out, "msr", "0x80b x2APIC_EOI write", 8) == 0, "%s", out);
	ck_assert_msg(sub_col(out, "PF excp", "0xfebf7004 write", 8) == 0, "%s", out);
	free(out);
}
END_TEST

static Suite *why_suite(void)
{
	Suite *s = suite_create("why");
	TCase *tc = tcase_create("recordings");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_detail_vs_perf_kvm_stat);
	tcase_add_test(tc, test_detail_top);
	tcase_add_test(tc, test_vmm);
	tcase_add_test(tc, test_orphans);
	tcase_add_test(tc, test_detail_json);
	tcase_add_test(tc, test_io_from_qualification);
	tcase_add_test(tc, test_filter_names_input);
	tcase_add_test(tc, test_list_reasons);
	tcase_add_test(tc, test_linux_guest);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(why_suite)
