// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit-reason names both ways on real formats: --filter with names
 * rewritten to the codes the kernel and libtraceevent compare, the same
 * filter evaluated on records by libtraceevent (--filter on --input), and
 * --list-reasons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <perf-prof/evfilter.h>
#include <perf-prof/kvm-reasons.h>
#include <perf-prof/tep.h>
#include <perf-prof/tests-only.h>
#include "formats.h"
#include "unit.h"

static struct tep_handle *tep;
static struct tep_event *ev_exit;
static struct kvm_reasons kr;
static char err[256];

static void load(const char *prefix, const char *override_fmt)
{
	char f[128];

	kvm_reasons_free(&kr);
	if (tep)
		tep_free(tep);
	tep = pp_tep_new();
	snprintf(f, sizeof(f), "%s-kvm_exit.format", prefix);
	ev_exit = load_format(tep, f, "kvm", override_fmt);
	ck_assert_int_eq(kvm_reasons_load(&kr, ev_exit, err, sizeof(err)), 0);
}

static void teardown(void)
{
	kvm_reasons_free(&kr);
	if (tep)
		tep_free(tep);
	tep = NULL;
}

/* the filter as the kernel gets it */
static const char *xl(const char *expr)
{
	static char buf[512];
	char *s = kvm_reasons_filter(&kr, expr, err, sizeof(err));

	if (!s)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

START_TEST(test_lookup)
{
	load("x86-6.1", NULL);
	ck_assert(!kr.arm);
	ck_assert(kr.has_isa);
	ck_assert(kr.tab[0].owned);
	ck_assert_str_eq(kvm_reasons_lookup(&kr, 0, 12), "HLT");
	ck_assert_str_eq(kvm_reasons_lookup(&kr, 1, 0x78), "hlt");
	ck_assert_str_eq(kvm_reasons_lookup(&kr, 1, 0xffffffff), "invalid_guest_state");
	ck_assert_ptr_null(kvm_reasons_lookup(&kr, 0, 99));
	/* a format without tables: the built-in ones */
	load("x86-6.1", "\"reason %d\", REC->exit_reason");
	ck_assert(!kr.tab[0].owned);
	ck_assert_str_eq(kvm_reasons_lookup(&kr, 0, 30), "IO_INSTRUCTION");
	ck_assert_str_eq(kvm_reasons_lookup(&kr, 1, 0x7b), "io");
	/* not kvm_exit */
	tep_free(tep);
	tep = pp_tep_new();
	ev_exit = load_format(tep, "x86-6.1-kvm_entry.format", "kvm", NULL);
	kvm_reasons_free(&kr);
	ck_assert_int_eq(kvm_reasons_load(&kr, ev_exit, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no kvm:kvm_exit format to take exit reasons from");
}
END_TEST

START_TEST(test_filter_x86)
{
	load("x86-6.1", NULL);
	/* HLT is 12 on VMX and 0x78 on SVM: the name is right on both */
	ck_assert_str_eq(xl("exit_reason!=hlt"),
			 "((isa!=1||exit_reason!=12)&&(isa!=2||exit_reason!=120))");
	ck_assert_str_eq(xl("exit_reason == HLT"),
			 "((isa==1&&exit_reason==12)||(isa==2&&exit_reason==120))");
	/* a name of one table alone needs no isa */
	ck_assert_str_eq(xl("exit_reason==IO_INSTRUCTION"), "exit_reason==30");
	ck_assert_str_eq(xl("exit_reason==io_instruction"), "exit_reason==30");
	ck_assert_str_eq(xl("exit_reason==io"), "exit_reason==123");
	ck_assert_str_eq(xl("exit_reason!=npf"), "exit_reason!=1024");
	/* a name with a blank, quoted or not */
	ck_assert_str_eq(xl("exit_reason==\"PF excp\""), "exit_reason==78");
	ck_assert_str_eq(xl("exit_reason=='pf EXCP' && vcpu_id==1"),
			 "exit_reason==78 && vcpu_id==1");
	ck_assert_str_eq(xl("exit_reason==PF excp||exit_reason==msr"),
			 "exit_reason==78||exit_reason==124");
	ck_assert_str_eq(xl("exit_reason==invalid_guest_state"), "exit_reason==4294967295");
	/* numbers, other fields, strings and the rest are left as they are */
	ck_assert_str_eq(xl("exit_reason!=12"), "exit_reason!=12");
	ck_assert_str_eq(xl("exit_reason == 0x7b"), "exit_reason == 0x7b");
	ck_assert_str_eq(xl("(exit_reason<HLT) && guest_rip>0x1000"),
			 "(((isa==1&&exit_reason<12)||(isa==2&&exit_reason<120))) && guest_rip>0x1000");
	ck_assert_str_eq(xl("my_exit_reason==hlt"), "my_exit_reason==hlt");
	ck_assert_str_eq(xl("comm==\"exit_reason==hlt\""), "comm==\"exit_reason==hlt\"");
	ck_assert_str_eq(xl(""), "");
	/* an unknown name is a usage error, said in one line */
	ck_assert_ptr_null(xl("exit_reason!=halt"));
	ck_assert_str_eq(err, "--filter: no exit reason 'halt' in this kvm_exit format "
			 "(--list-reasons lists them)");
	ck_assert_ptr_null(xl("vcpu_id==0 && exit_reason==\"nope nope\""));
	ck_assert_str_eq(err, "--filter: no exit reason 'nope nope' in this kvm_exit format "
			 "(--list-reasons lists them)");
	/* what is no comparison with a name is left for the kernel to refuse */
	ck_assert_str_eq(xl("exit_reason"), "exit_reason");
	ck_assert_str_eq(xl("exit_reason=="), "exit_reason==");
	/* 3.10 names 7 PENDING_INTERRUPT: names follow the kernel */
	load("x86-3.10", NULL);
	ck_assert_str_eq(xl("exit_reason==pending_interrupt"), "exit_reason==7");
	ck_assert_ptr_null(xl("exit_reason==INTERRUPT_WINDOW"));
	load("x86-6.18", NULL);
	ck_assert_str_eq(xl("exit_reason==INTERRUPT_WINDOW"), "exit_reason==7");
	/* a name with a dash, new in 6.13 */
	ck_assert_str_eq(xl("exit_reason==idle-halt"), "exit_reason==166");
	ck_assert_str_eq(xl("exit_reason!=IDLE-HALT&&exit_reason!=hlt"),
			 "exit_reason!=166&&((isa!=1||exit_reason!=12)&&(isa!=2||exit_reason!=120))");
}
END_TEST

START_TEST(test_filter_arm64)
{
	load("arm64-6.1", NULL);
	ck_assert(kr.arm);
	ck_assert_int_eq(kr.arm_trap, 2);
	/* exit_reason is the row's reason: a trap's exception class ... */
	ck_assert_str_eq(xl("exit_reason!=WFx"), "(ret!=2||esr_ec!=1)");
	ck_assert_str_eq(xl("exit_reason==dabt_low"), "(ret==2&&esr_ec==36)");
	ck_assert_str_eq(xl("exit_reason==0x24"), "(ret==2&&esr_ec==36)");
	ck_assert_str_eq(xl("exit_reason!=36"), "(ret!=2||esr_ec!=36)");
	/* ... or an exception type */
	ck_assert_str_eq(xl("exit_reason==IRQ"), "ret==0");
	ck_assert_str_eq(xl("exit_reason!=HYP_GONE"), "ret!=195938833");
	/* SERROR is both */
	ck_assert_str_eq(xl("exit_reason==SERROR"), "(ret==1||(ret==2&&esr_ec==47))");
	ck_assert_str_eq(xl("exit_reason!=SERROR"), "(ret!=1&&(ret!=2||esr_ec!=47))");
	/* 4.19 calls the fields idx and exit_reason, and TRAP is 1 there */
	load("arm64-4.19", NULL);
	ck_assert_int_eq(kr.arm_trap, 1);
	ck_assert_str_eq(xl("exit_reason!=WFx"), "(idx!=1||exit_reason!=1)");
	ck_assert_str_eq(xl("exit_reason==0x24"), "exit_reason==0x24");
}
END_TEST

/* a kvm_exit record with these fields, through libtraceevent's filter */
static bool passes(struct ev_filter *f, uint32_t reason, uint32_t isa)
{
	struct tep_format_field *fr = tep_find_field(ev_exit, "exit_reason");
	struct tep_format_field *fi = tep_find_field(ev_exit, "isa");
	unsigned char raw[128] = { 0 };
	uint16_t type = ev_exit->id;
	struct pp_record rec = { .raw = raw, .raw_size = sizeof(raw) };

	memcpy(raw, &type, 2);
	memcpy(raw + fr->offset, &reason, 4);
	memcpy(raw + fi->offset, &isa, 4);
	return ev_filter_pass(f, &rec);
}

/* --filter on --input: the rewritten expression, evaluated by libtraceevent */
START_TEST(test_evfilter)
{
	struct ev_filter *f;
	char *s;

	load("x86-6.1", NULL);
	s = kvm_reasons_filter(&kr, "exit_reason!=hlt", err, sizeof(err));
	f = ev_filter_new(tep, "kvm:kvm_exit", s, err, sizeof(err));
	free(s);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert(!passes(f, 12, 1));
	ck_assert(passes(f, 12, 2));
	ck_assert(!passes(f, 0x78, 2));
	ck_assert(passes(f, 0x78, 1));
	ck_assert(passes(f, 30, 1));
	ev_filter_free(f);
	/* by code, as the kernel reads it */
	f = ev_filter_new(tep, "kvm:kvm_exit", "exit_reason==0x7b || exit_reason==30", err,
			  sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert(passes(f, 0x7b, 2));
	ck_assert(passes(f, 30, 1));
	ck_assert(!passes(f, 0x7c, 2));
	ev_filter_free(f);
	/* what libtraceevent cannot read is said */
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "nosuch==1", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter 'nosuch==1' on kvm:kvm_exit: no field 'nosuch' in its format");
	/* malformed: said before libtraceevent (which frees twice on some) sees it */
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "exit_reason==1 && (", err,
					 sizeof(err)));
	ck_assert_str_eq(err, "--filter 'exit_reason==1 && (' on kvm:kvm_exit: a field is "
			 "wanted at its end");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "(exit_reason==1", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter '(exit_reason==1' on kvm:kvm_exit: a ')' is wanted at "
			 "its end");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "exit_reason 1", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter 'exit_reason 1' on kvm:kvm_exit: a comparison (==, !=, "
			 "<, <=, >, >=, &, ~) is wanted at '1'");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "isa==1 exit_reason==2", err,
					 sizeof(err)));
	ck_assert_str_eq(err, "--filter 'isa==1 exit_reason==2' on kvm:kvm_exit: && or || is "
			 "wanted at 'exit_reason==2'");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "isa==\"x", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter 'isa==\"x' on kvm:kvm_exit: a string without its "
			 "closing quote at '\"x'");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "isa!=-1", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter 'isa!=-1' on kvm:kvm_exit: no negative number is "
			 "compared on a recording, at '-1'");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "isa ~ 1", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter 'isa ~ 1' on kvm:kvm_exit: ~ compares strings, and this "
			 "field is a number, at '~ 1'");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_exit", "", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter '' on kvm:kvm_exit: a field is wanted at its end");
	/* what reads well goes through, negated and nested (not "!(": libtraceevent
	 * 1.7.1 leaks its "!" token there) */
	f = ev_filter_new(tep, "kvm:kvm_exit", " !isa==2 && ((exit_reason>=30)) ", err,
			  sizeof(err));
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert(passes(f, 30, 1));
	ck_assert(!passes(f, 30, 2));
	ck_assert(!passes(f, 29, 1));
	ev_filter_free(f);
	/* common fields are fields too */
	f = ev_filter_new(tep, "kvm:kvm_exit", "common_pid!=0 && exit_reason!=hlt", err, sizeof(err));
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err, "--filter 'common_pid!=0 && exit_reason!=hlt' on kvm:kvm_exit: "
			 "exit_reason is a number: 'hlt' is not");
	ck_assert_ptr_null(ev_filter_new(tep, "kvm:kvm_nope", "x==1", err, sizeof(err)));
	ck_assert_str_eq(err, "--filter: the formats have no kvm:kvm_nope");
}
END_TEST

static char *listed(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	kvm_reasons_list(&kr, f, "this kernel");
	fclose(f);
	return buf;
}

START_TEST(test_list)
{
	char *s;

	load("x86-6.1", NULL);
	s = listed();
	ck_assert_msg(strncmp(s, "# exit reasons of kvm:kvm_exit in this kernel: --filter "
			      "'exit_reason==NAME' takes the name or the code\n", 95) == 0, "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "\nVMX    12         HLT\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nVMX    30         IO_INSTRUCTION\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nSVM    0x78       hlt\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nSVM    0x4e       PF excp\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nSVM    0xffffffff invalid_guest_state\n"));
	free(s);
	load("arm64-6.1", NULL);
	s = listed();
	ck_assert_ptr_nonnull(strstr(s, "; an esr_ec is a trap's (ret TRAP)\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nret    0          IRQ\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nesr_ec 0x24       DABT_LOW\n"));
	free(s);
}
END_TEST

/* --list-reasons --input: the recording's own format */
START_TEST(test_list_recording)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_int_eq(kvm_list_reasons(TEST_DATA_DIR "/kvm-arm64-6.1-1vcpu.perf.data", f, err,
					  sizeof(err)), 0);
	fclose(f);
	ck_assert_msg(strstr(buf, "/kvm-arm64-6.1-1vcpu.perf.data's format: --filter") != NULL,
		      "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "\nesr_ec 0x1        WFx\n"));
	free(buf);
	f = open_memstream(&buf, &size);
	ck_assert_int_eq(kvm_list_reasons(TEST_DATA_DIR "/kvm-x86-6.1-svm-1vcpu.perf.data", f, err,
					  sizeof(err)), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\nSVM    0x7b       io\n"));
	free(buf);
	/* a recording of other events */
	f = open_memstream(&buf, &size);
	ck_assert_int_eq(kvm_list_reasons(TEST_DATA_DIR "/perfdata/real-sched-single.perf.data", f, err,
					  sizeof(err)), 1);
	fclose(f);
	ck_assert_str_eq(err, "no kvm:kvm_exit format to take exit reasons from");
	free(buf);
}
END_TEST

static Suite *kvm_reasons_suite(void)
{
	Suite *s = suite_create("kvm_reasons");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_filter_x86);
	tcase_add_test(tc, test_filter_arm64);
	tcase_add_test(tc, test_evfilter);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_recording);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(kvm_reasons_suite)
