// SPDX-License-Identifier: GPL-2.0-only
/*
 * elfsym: symbolize addresses of ELF files built here, at test time, from
 * a small C source with functions and assembler labels at known places;
 * the expected addresses and sizes come from nm, not from our own reader.
 *
 * Built once per run (an unchecked fixture) into a mkdtemp directory:
 *	prog			gcc -O0, with .symtab
 *	prog.stripped		strip prog: the "stripped" error
 *	prog.dyn.stripped	gcc -rdynamic, stripped: .dynsym fallback
 *	prog32			gcc -m32 -nostdlib: ELF32 (skipped if no -m32)
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/elfsym.h>
#include <perf-prof/tests-only.h>
#include "unit.h"

/*
 * es_add, es_loop: C functions, sizes from nm.
 * es_label: no .type/.size, 4 bytes of nop, then es_sized (1 byte), then
 *	4 bytes no symbol covers.
 * aa_notype_alias / es_func_same: NOTYPE and FUNC at one address, both
 *	global and sized (FUNC wins though the other sorts first by name).
 * aa_local_same / es_glob_same: local and global FUNC at one address.
 * es_big: a label followed by 128 KiB without symbol: covers 64 KiB only.
 */
static const char prog_src[] =
	"__attribute__((noinline, used)) int es_add(int a, int b)\n"
	"{\n"
	"	return a + b;\n"
	"}\n"
	"\n"
	"__attribute__((noinline, used)) int es_loop(int n)\n"
	"{\n"
	"	int s = 0;\n"
	"\n"
	"	for (int i = 0; i < n; i++)\n"
	"		s += es_add(s, i * 3);\n"
	"	return s;\n"
	"}\n"
	"\n"
	"__asm__(\n"
	"	\".text\\n\"\n"
	"	\".globl es_label\\n\"\n"
	"	\"es_label:\\n\"\n"
	"	\"nop\\n nop\\n nop\\n nop\\n\"\n"
	"	\".globl es_sized\\n\"\n"
	"	\".type es_sized, @function\\n\"\n"
	"	\"es_sized:\\n\"\n"
	"	\"ret\\n\"\n"
	"	\".size es_sized, 1\\n\"\n"
	"	\"nop\\n nop\\n nop\\n nop\\n\"\n"
	"	\".globl aa_notype_alias\\n\"\n"
	"	\"aa_notype_alias:\\n\"\n"
	"	\".globl es_func_same\\n\"\n"
	"	\".type es_func_same, @function\\n\"\n"
	"	\"es_func_same:\\n\"\n"
	"	\"nop\\n ret\\n\"\n"
	"	\".size es_func_same, 2\\n\"\n"
	"	\".size aa_notype_alias, 2\\n\"\n"
	"	\".type aa_local_same, @function\\n\"\n"
	"	\"aa_local_same:\\n\"\n"
	"	\".globl es_glob_same\\n\"\n"
	"	\".type es_glob_same, @function\\n\"\n"
	"	\"es_glob_same:\\n\"\n"
	"	\"nop\\n ret\\n\"\n"
	"	\".size aa_local_same, 2\\n\"\n"
	"	\".size es_glob_same, 2\\n\"\n"
	"	\".globl es_big\\n\"\n"
	"	\"es_big:\\n\"\n"
	"	\".skip 0x20000, 0xcc\\n\"\n"
	"	\".globl es_after\\n\"\n"
	"	\".type es_after, @function\\n\"\n"
	"	\"es_after:\\n\"\n"
	"	\"ret\\n\"\n"
	"	\".size es_after, 1\\n\"\n"
	");\n"
	"\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	(void)argv;\n"
	"	return es_loop(argc);\n"
	"}\n"
	"\n"
	"void _start32(void);\n"
	"void _start32(void)\n"
	"{\n"
	"	for (;;)\n"
	"		es_loop(3);\n"
	"}\n";

#define STRIPPED_TAIL \
	"' has no symbol table (stripped?): rebuild it with symbols or use the unstripped vmlinux"

/* nm output of one file: "ADDR [SIZE] TYPE NAME" lines */
struct nm_out {
	char *text;
};

static char dir[] = "/tmp/pp-elfsym-XXXXXX";
static char setup_err[512];	/* why the fixture could not build */
static int have_dir, have_prog, have_dyn, have_32;
static struct nm_out nm_prog, nm_dyn, nm_32;

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* run a shell command; 0 when it exited 0 */
static int __attribute__((format(printf, 1, 2))) run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

static int read_cmd(const char *cmd, struct nm_out *out)
{
	FILE *f = popen(cmd, "r");
	size_t cap = 4096, n = 0, r;

	if (!f)
		return -1;
	out->text = malloc(cap);
	while (out->text && (r = fread(out->text + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			char *t = realloc(out->text, cap * 2);

			if (!t) {
				free(out->text);
				out->text = NULL;
				break;
			}
			out->text = t;
			cap *= 2;
		}
	}
	if (pclose(f) != 0 || !out->text) {
		free(out->text);
		out->text = NULL;
		return -1;
	}
	out->text[n] = '\0';
	return 0;
}

static int run_nm(const char *opts, const char *file, struct nm_out *out)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "nm %s '%s/%s' 2>/dev/null", opts, dir, file);
	return read_cmd(cmd, out);
}

/* address (and size, 0 if nm printed none) of symbol name, or -1 */
static int nm_find(const struct nm_out *nm, const char *name, uint64_t *addr,
		   uint64_t *size)
{
	const char *line = nm->text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		char f[4][256];
		int k = sscanf(line, "%255s %255s %255s %255s", f[0], f[1], f[2], f[3]);

		if (k == 4 && !strcmp(f[3], name)) {
			*addr = strtoull(f[0], NULL, 16);
			*size = strtoull(f[1], NULL, 16);
			return 0;
		}
		if (k >= 3 && !strcmp(f[2], name)) {
			*addr = strtoull(f[0], NULL, 16);
			*size = 0;
			return 0;
		}
		line = eol ? eol + 1 : NULL;
	}
	return -1;
}

static void fixture_up(void)
{
	char path[512];
	FILE *f;

	if (!mkdtemp(dir)) {
		snprintf(setup_err, sizeof(setup_err), "mkdtemp failed");
		return;
	}
	have_dir = 1;
	path_of(path, sizeof(path), "prog.c");
	f = fopen(path, "w");
	if (!f || fputs(prog_src, f) == EOF || fclose(f) != 0) {
		snprintf(setup_err, sizeof(setup_err), "cannot write prog.c in %s", dir);
		return;
	}
	path_of(path, sizeof(path), "notelf.txt");
	f = fopen(path, "w");
	if (f) {
		fputs("this is not an ELF file\n", f);
		fclose(f);
	}
	path_of(path, sizeof(path), "empty");
	f = fopen(path, "w");
	if (f)
		fclose(f);

	if (run("{ command -v gcc && command -v nm && command -v strip; } >/dev/null 2>&1")) {
		snprintf(setup_err, sizeof(setup_err),
			 "gcc, nm or strip not found");
		return;
	}
	if (run("cd '%s' && gcc -O0 -o prog prog.c && strip prog -o prog.stripped "
		"&& head -c 64 prog > prog.trunc", dir) ||
	    run_nm("-S", "prog", &nm_prog)) {
		snprintf(setup_err, sizeof(setup_err), "cannot build %s/prog", dir);
		return;
	}
	have_prog = 1;
	if (!run("cd '%s' && gcc -O0 -rdynamic -o prog.dyn prog.c "
		 "&& strip prog.dyn -o prog.dyn.stripped", dir) &&
	    !run_nm("-D -S --defined-only", "prog.dyn.stripped", &nm_dyn))
		have_dyn = 1;
	/* needs only the compiler's -m32 support: no libc is linked */
	if (!run("cd '%s' && gcc -m32 -O0 -nostdlib -no-pie -fno-pic "
		 "-Wl,-e,_start32 -o prog32 prog.c 2>/dev/null", dir) &&
	    !run_nm("-S", "prog32", &nm_32))
		have_32 = 1;
}

static void fixture_down(void)
{
	free(nm_prog.text);
	free(nm_dyn.text);
	free(nm_32.text);
	if (have_dir)
		run("rm -rf '%s'", dir);
}

#define NEED(cond, what)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "elfsym: %s skipped: %s\n", what, \
				setup_err[0] ? setup_err : "not available"); \
			return;						\
		}							\
	} while (0)

static struct elfsym *open_ok(const char *name)
{
	char path[512], err[512] = "";
	struct elfsym *es;

	path_of(path, sizeof(path), name);
	es = elfsym_open(path, err, sizeof(err));
	ck_assert_msg(es != NULL, "elfsym_open(%s): %s", path, err);
	ck_assert_uint_gt(elfsym_count(es), 0);
	return es;
}

static uint64_t sym_addr(const struct nm_out *nm, const char *name, uint64_t *size)
{
	uint64_t addr = 0, sz = 0;

	ck_assert_msg(nm_find(nm, name, &addr, &sz) == 0, "nm lists no %s", name);
	if (size)
		*size = sz;
	return addr;
}

static void expect(const struct elfsym *es, uint64_t addr, const char *want)
{
	char buf[256];

	ck_assert_str_eq(elfsym_name(es, addr, buf, sizeof(buf)), want);
}

static void expect_hex(const struct elfsym *es, uint64_t addr)
{
	char want[32];

	snprintf(want, sizeof(want), "0x%" PRIx64, addr);
	expect(es, addr, want);
}

/* the checks every build of prog.c must pass */
static void check_prog(const struct elfsym *es, const struct nm_out *nm)
{
	static const char *const funcs[] = { "es_add", "es_loop" };
	char want[64];
	uint64_t a, size;
	size_t i;

	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		a = sym_addr(nm, funcs[i], &size);
		ck_assert_uint_gt(size, 4);
		expect(es, a, funcs[i]);
		snprintf(want, sizeof(want), "%s+0x1", funcs[i]);
		expect(es, a + 1, want);
		snprintf(want, sizeof(want), "%s+0x%" PRIx64, funcs[i], size - 1);
		expect(es, a + size - 1, want);
	}

	/* unsized label: covers up to the next symbol */
	a = sym_addr(nm, "es_label", NULL);
	expect(es, a, "es_label");
	expect(es, a + 3, "es_label+0x3");
	ck_assert_uint_eq(sym_addr(nm, "es_sized", NULL), a + 4);
	expect(es, a + 4, "es_sized");
	/* es_sized is one byte: the 4 nops after it are nobody's */
	expect_hex(es, a + 5);
	expect_hex(es, a + 8);

	/* FUNC over NOTYPE, global over local, at the same address */
	ck_assert_uint_eq(sym_addr(nm, "es_func_same", NULL), a + 9);
	expect(es, a + 9, "es_func_same");
	expect(es, a + 10, "es_func_same+0x1");
	expect(es, a + 11, "es_glob_same");
	expect(es, a + 12, "es_glob_same+0x1");

	/* an unsized label covers 64 KiB at most */
	a = sym_addr(nm, "es_big", NULL);
	ck_assert_uint_eq(sym_addr(nm, "es_after", NULL), a + 0x20000);
	expect(es, a + 0x1234, "es_big+0x1234");
	expect(es, a + 0xffff, "es_big+0xffff");
	expect_hex(es, a + 0x10000);
	expect_hex(es, a + 0x1ffff);
	expect(es, a + 0x20000, "es_after");

	/* far from everything */
	expect_hex(es, 0xffffffff81000000ULL);
	expect_hex(es, UINT64_MAX);
}

START_TEST(test_symtab_names)
{
	struct elfsym *es;

	NEED(have_prog, "symtab");
	es = open_ok("prog");
	check_prog(es, &nm_prog);
	/* main is there too, and more symbols than ours */
	expect(es, sym_addr(&nm_prog, "main", NULL), "main");
	ck_assert_uint_ge(elfsym_count(es), 10);
	elfsym_close(es);
}
END_TEST

START_TEST(test_dynsym_fallback)
{
	struct elfsym *es;
	uint64_t a, size;
	char want[64];

	NEED(have_dyn, "dynsym");
	es = open_ok("prog.dyn.stripped");
	a = sym_addr(&nm_dyn, "es_loop", &size);
	expect(es, a, "es_loop");
	snprintf(want, sizeof(want), "es_loop+0x%" PRIx64, size - 1);
	expect(es, a + size - 1, want);
	a = sym_addr(&nm_dyn, "es_label", NULL);
	expect(es, a + 2, "es_label+0x2");
	expect(es, a + 4, "es_sized");
	elfsym_close(es);
}
END_TEST

START_TEST(test_elf32)
{
	struct elfsym *es;
	char path[512], cls[8] = "";
	FILE *f;

	NEED(have_32, "ELF32 (gcc -m32)");
	path_of(path, sizeof(path), "prog32");
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(cls, 1, 5, f), 5);
	fclose(f);
	ck_assert_int_eq(cls[4], 1);	/* EI_CLASS == ELFCLASS32 */
	es = open_ok("prog32");
	check_prog(es, &nm_32);
	elfsym_close(es);
}
END_TEST

static void expect_err(const char *name, const char *prefix, const char *suffix)
{
	char path[512], err[512], want[1100];
	struct elfsym *es;

	path_of(path, sizeof(path), name);
	memset(err, 'x', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	es = elfsym_open(path, err, sizeof(err));
	ck_assert_ptr_null(es);
	snprintf(want, sizeof(want), "%s%s%s", prefix, path, suffix);
	ck_assert_str_eq(err, want);
}

START_TEST(test_stripped)
{
	NEED(have_prog, "stripped");
	expect_err("prog.stripped", "'", STRIPPED_TAIL);
}
END_TEST

START_TEST(test_missing)
{
	NEED(have_dir, "missing");
	expect_err("no-such-vmlinux", "cannot open vmlinux '",
		   "': No such file or directory");
	expect_err("", "cannot open vmlinux '", "': Is a directory");
}
END_TEST

START_TEST(test_not_elf)
{
	NEED(have_dir, "not ELF");
	expect_err("notelf.txt", "'", "' is not an ELF file");
	expect_err("empty", "'", "' is not an ELF file");
}
END_TEST

START_TEST(test_truncated)
{
	char path[512], err[512] = "";

	NEED(have_prog, "truncated");
	path_of(path, sizeof(path), "prog.trunc");
	ck_assert_ptr_null(elfsym_open(path, err, sizeof(err)));
	ck_assert_uint_gt(strlen(err), strlen(path));
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_null(strchr(err, '\n'));
	/* no err buffer at all is fine */
	ck_assert_ptr_null(elfsym_open(path, NULL, 0));
}
END_TEST

START_TEST(test_buffer_edges)
{
	struct elfsym *es;
	char buf[32];
	uint64_t a;

	/* no table: always hex */
	ck_assert_str_eq(elfsym_name(NULL, 0x1234, buf, sizeof(buf)), "0x1234");
	ck_assert_str_eq(elfsym_name(NULL, 0, buf, sizeof(buf)), "0x0");
	ck_assert_uint_eq(elfsym_count(NULL), 0);
	elfsym_close(NULL);

	NEED(have_prog, "buffer edges");
	es = open_ok("prog");
	a = sym_addr(&nm_prog, "es_label", NULL);
	/* truncated to len - 1, always terminated */
	ck_assert_str_eq(elfsym_name(es, a + 3, buf, 8), "es_labe");
	ck_assert_str_eq(elfsym_name(es, a + 3, buf, 12), "es_label+0x");
	ck_assert_str_eq(elfsym_name(es, a + 3, buf, 1), "");
	buf[0] = 'z';
	ck_assert_ptr_eq(elfsym_name(es, a + 3, buf, 0), buf);
	ck_assert_int_eq(buf[0], 'z');
	ck_assert_str_eq(elfsym_name(es, 0xffffffffffffULL, buf, 6), "0xfff");
	elfsym_close(es);
}
END_TEST

static Suite *elfsym_suite(void)
{
	Suite *s = suite_create("elfsym");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_symtab_names);
	tcase_add_test(tc, test_dynsym_fallback);
	tcase_add_test(tc, test_elf32);
	tcase_add_test(tc, test_stripped);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_not_elf);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_buffer_edges);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(elfsym_suite)
