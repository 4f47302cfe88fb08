// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest symbols under KASLR: kallsyms copies with and without an offset,
 * the offset found from a vmlinux and a kallsyms copy, file:line from the
 * vmlinux's DWARF (checked against binutils' addr2line), and the message
 * when no address falls inside a symbol.  The ELF file is built here
 * (guestelf.c); the kallsyms copies are made from nm's view of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/elfsym.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/kallsyms.h>
#include <perf-prof/tests-only.h>
#include "guestelf.h"
#include "unit.h"

#define OFF	0x1e200000ULL	/* a KASLR offset: a multiple of 2 MiB */

static char dir[] = "/tmp/pp-guestsym-XXXXXX";
static char setup_err[512];
static int ready;

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int write_text(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* another build of the same functions: their order reversed */
static int write_other_build(void)
{
	char path[512];
	FILE *f;
	int i;

	path_of(path, sizeof(path), "ks.other");
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (i = 0; i < 16; i++)
		fprintf(f, "%016llx T handler_%02d\n",
			(unsigned long long)(GUESTELF_BASE + OFF + (15 - i) * 0x1000ULL), i);
	return fclose(f);
}

static void fixture_up(void)
{
	if (!mkdtemp(dir)) {
		snprintf(setup_err, sizeof(setup_err), "mkdtemp failed");
		return;
	}
	if (guestelf_build(dir, setup_err, sizeof(setup_err)) ||
	    guestelf_kallsyms(dir, "ks.plain", 0, setup_err, sizeof(setup_err)) ||
	    guestelf_kallsyms(dir, "ks.shifted", OFF, setup_err, sizeof(setup_err)) ||
	    write_other_build() ||
	    write_text("ks.zero", "0000000000000000 T _text\n0000000000000000 T handler_00\n"
		       "0000000000000000 t vmx_vmexit\t[kvm_intel]\n") ||
	    write_text("ks.garbage", "this is not\na kallsyms file\n") ||
	    write_text("ks.data", "ffffffff82000000 D some_data\nffffffff82000100 b bss_thing\n") ||
	    write_text("ks.module", "ffffffffc0a40000 t vmx_vmenter\t[kvm_intel]\n"
		       "ffffffffc0a41000 t vmx_vmexit\t[kvm_intel]\n"
		       "ffffffffc0a41100 T kvm_other\t[kvm]\n")) {
		if (!setup_err[0])
			snprintf(setup_err, sizeof(setup_err), "cannot write the fixtures in %s", dir);
		return;
	}
	ready = 1;
}

static void fixture_down(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

static struct guestsym *open_gs(const char *vm, const char *ks, int have_off, uint64_t off,
				char *err, size_t errlen)
{
	char pv[512], pk[512];
	struct guestsym_opts o = { .have_offset = have_off, .offset = off };

	ck_assert_msg(ready, "fixture: %s", setup_err);
	if (vm) {
		path_of(pv, sizeof(pv), vm);
		o.vmlinux = pv;
	}
	if (ks) {
		path_of(pk, sizeof(pk), ks);
		o.kallsyms = pk;
	}
	return guestsym_open(&o, err, errlen);
}

static void assert_name(struct guestsym *g, uint64_t rip, const char *want)
{
	char buf[128];

	guestsym_name(g, rip, buf, sizeof(buf));
	ck_assert_msg(!strcmp(buf, want), "%#llx: got '%s', want '%s'", (unsigned long long)rip,
		      buf, want);
}

/* every handler at a few offsets, as a guest booted at @off runs it */
static void assert_handlers(struct guestsym *g, uint64_t off)
{
	char want[64];
	int i, k;

	for (i = 0; i < 16; i++)
		for (k = 0; k < 0x1000; k += 0x3f0) {
			if (k)
				snprintf(want, sizeof(want), "handler_%02d+%#x", i, k);
			else
				snprintf(want, sizeof(want), "handler_%02d", i);
			assert_name(g, GUESTELF_BASE + off + i * 0x1000ULL + k, want);
		}
}

START_TEST(test_kallsyms_names)
{
	char err[512];
	struct guestsym *g;

	/* a kallsyms copy alone: its addresses are the runtime ones */
	g = open_gs(NULL, "ks.shifted", 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	assert_handlers(g, OFF);
	assert_name(g, GUESTELF_BASE + OFF - 1, "0xffffffff9f1fffff");
	ck_assert(!guestsym_has_lines(g));
	ck_assert_uint_eq(guestsym_offset(g), 0);
	guestsym_close(g);
	g = open_gs(NULL, "ks.plain", 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	assert_handlers(g, 0);
	guestsym_close(g);

	/* module symbols keep their module */
	g = open_gs(NULL, "ks.module", 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	assert_name(g, 0xffffffffc0a41012ULL, "vmx_vmexit+0x12 [kvm_intel]");
	assert_name(g, 0xffffffffc0a40000ULL, "vmx_vmenter [kvm_intel]");
	assert_name(g, 0xffffffffc0a41100ULL, "kvm_other [kvm]");
	guestsym_close(g);
}
END_TEST

START_TEST(test_kallsyms_errors)
{
	char err[512], want[768], path[512];
	struct elfsym *es;

	ck_assert_msg(ready, "fixture: %s", setup_err);
	path_of(path, sizeof(path), "ks.zero");
	ck_assert_ptr_null(kallsyms_open(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s': every address is 0: it was read without the right to "
		 "see them (kptr_restrict); copy the guest's /proc/kallsyms as root", path);
	ck_assert_str_eq(err, want);

	path_of(path, sizeof(path), "ks.garbage");
	ck_assert_ptr_null(kallsyms_open(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s' is not a kallsyms copy: line 1 is not 'ADDRESS TYPE "
		 "NAME'", path);
	ck_assert_str_eq(err, want);

	path_of(path, sizeof(path), "ks.data");
	ck_assert_ptr_null(kallsyms_open(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s' has no text symbol (types t, T, w, W)", path);
	ck_assert_str_eq(err, want);

	path_of(path, sizeof(path), "no-such-file");
	ck_assert_ptr_null(kallsyms_open(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot open kallsyms '%s': No such file or directory", path);
	ck_assert_str_eq(err, want);

	ck_assert_ptr_null(kallsyms_open(dir, err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot open kallsyms '%s': Is a directory", dir);
	ck_assert_str_eq(err, want);

	/* a vmlinux is not a kallsyms copy */
	path_of(path, sizeof(path), "vmlinux");
	es = kallsyms_open(path, err, sizeof(err));
	ck_assert_ptr_null(es);
	ck_assert_msg(strstr(err, "is not a kallsyms copy"), "%s", err);
}
END_TEST

/* the offset from the two files, and file:line as addr2line gives it */
START_TEST(test_offset_found)
{
	char err[512], buf[4096];
	struct guestsym *g;
	int i, k, lines = 0;

	g = open_gs("vmlinux", "ks.shifted", 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_uint_eq(guestsym_offset(g), OFF);
	assert_handlers(g, OFF);
	ck_assert(guestsym_has_lines(g));
	for (i = 0; i < 16; i += 5)
		for (k = 0; k < 0x1000; k += 0x450) {
			uint64_t link = GUESTELF_BASE + i * 0x1000ULL + k;
			char *want = guestelf_addr2line(dir, link);

			ck_assert_ptr_nonnull(want);
			ck_assert_ptr_null(strstr(want, "??"));
			guestsym_line(g, link + OFF, buf, sizeof(buf));
			ck_assert_msg(!strcmp(buf, want), "%#llx: got %s, addr2line says %s",
				      (unsigned long long)link, buf, want);
			free(want);
			lines++;
		}
	ck_assert_int_eq(lines, 16);
	/* outside every line table, as addr2line */
	guestsym_line(g, 0xffffffff80000000ULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "??:0");
	guestsym_close(g);

	/* an unrandomized guest: offset 0 */
	g = open_gs("vmlinux", "ks.plain", 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_uint_eq(guestsym_offset(g), 0);
	assert_handlers(g, 0);
	guestsym_close(g);

	/* the explicit offset agrees */
	g = open_gs("vmlinux", "ks.shifted", 1, OFF, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	guestsym_close(g);
}
END_TEST

START_TEST(test_offset_given)
{
	char err[512], want[1024];
	struct guestsym *g;

	g = open_gs("vmlinux", NULL, 1, OFF, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_uint_eq(guestsym_offset(g), OFF);
	assert_handlers(g, OFF);
	ck_assert(guestsym_has_lines(g));
	guestsym_close(g);

	/* symbols but no DWARF: names, no lines */
	g = open_gs("vmlinux.nodebug", NULL, 1, OFF, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	assert_handlers(g, OFF);
	ck_assert(!guestsym_has_lines(g));
	guestsym_close(g);

	/* an offset the kallsyms copy contradicts */
	g = open_gs("vmlinux", "ks.shifted", 1, 0x200000, err, sizeof(err));
	ck_assert_ptr_null(g);
	snprintf(want, sizeof(want), "--kaslr-offset 0x200000 disagrees with '%s/ks.shifted', "
		 "which puts '%s/vmlinux' at offset 0x1e200000 (16 of 16 symbols agree)", dir, dir);
	ck_assert_str_eq(err, want);

	/* kallsyms of another build: no offset fits */
	g = open_gs("vmlinux", "ks.other", 0, 0, err, sizeof(err));
	ck_assert_ptr_null(g);
	snprintf(want, sizeof(want), "cannot find the KASLR offset: of the 16 symbols '%s/vmlinux' "
		 "and '%s/ks.other' both hold, at most 1 agree on one offset: not the same kernel "
		 "build", dir, dir);
	ck_assert_str_eq(err, want);

	/* nothing in common */
	g = open_gs("vmlinux", "ks.module", 0, 0, err, sizeof(err));
	ck_assert_ptr_null(g);
	snprintf(want, sizeof(want), "'%s/vmlinux' and '%s/ks.module' have no symbol in common: "
		 "not the same kernel build", dir, dir);
	ck_assert_str_eq(err, want);
}
END_TEST

static char *report(struct guestsym *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	guestsym_report(g, m);
	fclose(m);
	return buf;
}

/* a randomized guest named from its vmlinux alone says so */
START_TEST(test_outside_every_symbol)
{
	char err[512], want[1024], buf[64], *r;
	struct guestsym *g;
	int i;

	g = open_gs("vmlinux", NULL, 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	for (i = 0; i < 3; i++)		/* three addresses, one of them twice */
		guestsym_name(g, GUESTELF_BASE + OFF + i * 0x1000ULL, buf, sizeof(buf));
	guestsym_name(g, GUESTELF_BASE + OFF, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0xffffffff9f200000");
	guestsym_name(g, 0x7f3a40001000ULL, buf, sizeof(buf));	/* user space: not counted */
	r = report(g);
	snprintf(want, sizeof(want), "perf-prof: none of the 3 guest kernel addresses shown lies "
		 "inside a symbol of '%s/vmlinux': the guest kernel is probably randomized (KASLR); "
		 "give --kallsyms (a copy of the guest's /proc/kallsyms) or --kaslr-offset HEX\n", dir);
	ck_assert_str_eq(r, want);
	free(r);
	/* once one is found, the names are trusted: no message */
	guestsym_name(g, GUESTELF_BASE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "handler_00");
	r = report(g);
	ck_assert_str_eq(r, "");
	free(r);
	guestsym_close(g);

	/* a wrong explicit offset */
	g = open_gs("vmlinux", NULL, 1, 0x400000, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	guestsym_name(g, GUESTELF_BASE + OFF, buf, sizeof(buf));
	r = report(g);
	snprintf(want, sizeof(want), "perf-prof: none of the 1 guest kernel addresses shown lies "
		 "inside a symbol of '%s/vmlinux' shifted by 0x400000: is --kaslr-offset right? "
		 "(--kallsyms with a copy of the guest's /proc/kallsyms finds it)\n", dir);
	ck_assert_str_eq(r, want);
	free(r);
	guestsym_close(g);

	/* another boot's kallsyms */
	g = open_gs(NULL, "ks.plain", 0, 0, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	guestsym_name(g, GUESTELF_BASE + OFF, buf, sizeof(buf));
	r = report(g);
	snprintf(want, sizeof(want), "perf-prof: none of the 1 guest kernel addresses shown lies "
		 "inside a symbol of '%s/ks.plain': is it a copy of the recorded guest's "
		 "/proc/kallsyms, from the same boot?\n", dir);
	ck_assert_str_eq(r, want);
	free(r);
	guestsym_close(g);
}
END_TEST

static Suite *guestsym_suite(void)
{
	Suite *s = suite_create("guestsym");
	TCase *tc = tcase_create("kaslr");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
	tcase_add_test(tc, test_kallsyms_names);
	tcase_add_test(tc, test_kallsyms_errors);
	tcase_add_test(tc, test_offset_found);
	tcase_add_test(tc, test_offset_given);
	tcase_add_test(tc, test_outside_every_symbol);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(guestsym_suite)
