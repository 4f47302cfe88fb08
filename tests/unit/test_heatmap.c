// SPDX-License-Identifier: GPL-2.0-only
/*
 * --heatmap writer (heatmap_open/write/close) and the `perf-prof heatmap`
 * SVG renderer (heatmap_svg_main).  The SVG is parsed back: it must be
 * well-formed XML and the data-count of its cells must add up to the
 * number of input lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/resource.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "unit.h"
#include "textutil.h"
#include <perf-prof/commands.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/tests-only.h>

static char tmpdir[32];	/* /tmp/pp-heatmap-XXXXXX */

static void setup(void)
{
	strcpy(tmpdir, "/tmp/pp-heatmap-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	chmod(p, 0700);
	return remove(p);
}

static void teardown(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

static char *tpath(const char *name)
{
	static char buf[8][256];
	static int i;
	char *p = buf[i++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%.200s", tmpdir, name);
	return p;
}

/* whole file as a NUL-terminated string (NULL if it cannot be read) */
static char *slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			ck_assert_ptr_nonnull(buf);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

static void spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* ------------------------------------------------------------- the writer */

START_TEST(test_write_exact)
{
	char err[256] = "junk", *s;
	struct heatmap *hm = heatmap_open(tpath("a"), err, sizeof(err));

	ck_assert_msg(hm, "heatmap_open: %s", err);
	ck_assert_str_eq(err, "");
	/* the file takes its name only at heatmap_close() */
	ck_assert_int_ne(access(tpath("a.lat"), F_OK), 0);

	heatmap_write(hm, 0, 0);
	heatmap_write(hm, 1, 2);
	heatmap_write(hm, 9, 10);
	heatmap_write(hm, 99, 100);
	heatmap_write(hm, 1000000000123ULL, 4567);
	heatmap_write(hm, UINT64_MAX, UINT64_MAX - 1);
	heatmap_write(hm, 10000000000000000000ULL, 12345678901234567890ULL);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");

	s = slurp(tpath("a.lat"), NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s,
		"0 0\n"
		"1 2\n"
		"9 10\n"
		"99 100\n"
		"1000000000123 4567\n"
		"18446744073709551615 18446744073709551614\n"
		"10000000000000000000 12345678901234567890\n");
	free(s);
	/* nothing to rotate: no .old */
	ck_assert_int_ne(access(tpath("a.lat.old"), F_OK), 0);
}
END_TEST

/* many buffer flushes: same bytes as printf("%llu %llu\n") */
START_TEST(test_write_many)
{
	char err[256], line[64];
	struct heatmap *hm = heatmap_open(tpath("many"), err, sizeof(err));
	unsigned long long t = 123456789012345ULL, l = 1;
	size_t len, off = 0;
	char *s;
	int i, n;

	ck_assert_msg(hm, "heatmap_open: %s", err);
	for (i = 0; i < 200000; i++) {
		heatmap_write(hm, t + (unsigned long long)i * 997, l);
		l = l * 7 + (unsigned long long)i;	/* all digit counts */
	}
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);

	s = slurp(tpath("many.lat"), &len);
	ck_assert_ptr_nonnull(s);
	l = 1;
	for (i = 0; i < 200000; i++) {
		n = snprintf(line, sizeof(line), "%llu %llu\n", t + (unsigned long long)i * 997, l);
		ck_assert_msg(off + (size_t)n <= len && !memcmp(s + off, line, (size_t)n),
			      "line %d differs: expected %s", i + 1, line);
		off += (size_t)n;
		l = l * 7 + (unsigned long long)i;
	}
	ck_assert_uint_eq(off, len);
	free(s);
}
END_TEST

START_TEST(test_rotate_old)
{
	char err[256], *s;
	struct heatmap *hm;

	spit(tpath("r.lat"), "1 2\n3 4\n");
	spit(tpath("r.lat.old"), "older\n");

	hm = heatmap_open(tpath("r"), err, sizeof(err));
	ck_assert_msg(hm, "heatmap_open: %s", err);
	/* until the run is done, both files are as they were */
	s = slurp(tpath("r.lat.old"), NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "older\n");
	free(s);
	s = slurp(tpath("r.lat"), NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "1 2\n3 4\n");
	free(s);

	heatmap_write(hm, 5, 6);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	s = slurp(tpath("r.lat"), NULL);
	ck_assert_str_eq(s, "5 6\n");
	free(s);
	s = slurp(tpath("r.lat.old"), NULL);
	ck_assert_str_eq(s, "1 2\n3 4\n");
	free(s);

	/* and once more: "5 6" becomes the .old */
	hm = heatmap_open(tpath("r"), err, sizeof(err));
	ck_assert_msg(hm, "heatmap_open: %s", err);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	s = slurp(tpath("r.lat.old"), NULL);
	ck_assert_str_eq(s, "5 6\n");
	free(s);
}
END_TEST

START_TEST(test_open_missing_dir)
{
	char err[512], want[512];

	ck_assert_ptr_null(heatmap_open(tpath("nodir/y"), err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "cannot write heatmap file '%s/nodir/y.lat': No such file or directory", tmpdir);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/*
 * Names that name no file: "DIR/" wrote the hidden DIR/.lat and "-" a file
 * named -.lat.  Refused before anything is created, as usage errors (2);
 * a missing directory is a wrong name (2), a read-only or unwritable one
 * the system's refusal (1).
 */
START_TEST(test_open_names_no_file)
{
	static const char *const names[] = { "sub/", "sub/.", "sub/..", "-" };
	char err[512], want[512];
	size_t i;

	ck_assert_int_eq(mkdir(tpath("sub"), 0755), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *n = strcmp(names[i], "-") ? tpath(names[i]) : "-";

		errno = 0;
		ck_assert_ptr_null(heatmap_open(n, err, sizeof(err)));
		ck_assert_int_eq(heatmap_open_code(errno), 2);
		ck_assert_ptr_null(strchr(err, '\n'));
	}
	snprintf(want, sizeof(want), "--heatmap '%s/sub/' names a directory: give a file in it "
		 "(--heatmap %s/sub/kvm writes %s/sub/kvm.lat)", tmpdir, tmpdir, tmpdir);
	ck_assert_ptr_null(heatmap_open(tpath("sub/"), err, sizeof(err)));
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(heatmap_open("-", err, sizeof(err)));
	ck_assert_str_eq(err, "--heatmap '-': the heatmap is a file (standard output carries "
			 "the table): give a file name, e.g. --heatmap kvm for kvm.lat");
	/* nothing was created: not sub/.lat, not -.lat */
	ck_assert_int_eq(rmdir(tpath("sub")), 0);
	ck_assert_int_eq(access("-.lat", F_OK), -1);
	/* a missing directory: the name is wrong */
	errno = 0;
	ck_assert_ptr_null(heatmap_open(tpath("nodir/y"), err, sizeof(err)));
	ck_assert_int_eq(heatmap_open_code(errno), 2);
	/* what the file system refuses is a runtime error */
	ck_assert_int_eq(heatmap_open_code(EROFS), 1);
	ck_assert_int_eq(heatmap_open_code(EACCES), 1);
	ck_assert_int_eq(heatmap_open_code(ENOSPC), 1);
}
END_TEST

START_TEST(test_open_not_writable)
{
	char err[512], want[512];

	/* FILE.lat is a directory: not renamed away, an error */
	ck_assert_int_eq(mkdir(tpath("d.lat"), 0755), 0);
	ck_assert_ptr_null(heatmap_open(tpath("d"), err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot write heatmap file '%s/d.lat': Is a directory", tmpdir);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(access(tpath("d.lat.old"), F_OK), -1);

	/* a regular file used as a directory */
	spit(tpath("plain"), "x");
	ck_assert_ptr_null(heatmap_open(tpath("plain/z"), err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot write heatmap file '%s/plain/z.lat': Not a directory",
		 tmpdir);
	ck_assert_str_eq(err, want);

	/* empty name */
	ck_assert_ptr_null(heatmap_open("", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot write heatmap file"));

	/* a NULL or tiny error buffer is fine */
	ck_assert_ptr_null(heatmap_open(tpath("nodir/y"), NULL, 0));
	ck_assert_ptr_null(heatmap_open(tpath("nodir/y"), err, 8));
	ck_assert_uint_eq(strlen(err), 7);

	/* permissions do not stop root */
	if (geteuid() != 0) {
		ck_assert_int_eq(mkdir(tpath("ro"), 0555), 0);
		ck_assert_ptr_null(heatmap_open(tpath("ro/w"), err, sizeof(err)));
		snprintf(want, sizeof(want),
			 "cannot write heatmap file '%s/ro/w.lat': Permission denied", tmpdir);
		ck_assert_str_eq(err, want);
	}
}
END_TEST

/* a failed write (ENOSPC) is reported by heatmap_close */
START_TEST(test_close_enospc)
{
	char err[512];
	struct heatmap *hm;
	int i;

	if (access("/dev/full", W_OK) != 0)
		return;		/* no /dev/full here */
	ck_assert_int_eq(symlink("/dev/full", tpath("full.lat")), 0);
	hm = heatmap_open(tpath("full"), err, sizeof(err));
	ck_assert_msg(hm, "heatmap_open: %s", err);
	for (i = 0; i < 100000; i++)	/* several buffers' worth */
		heatmap_write(hm, 1000000000ULL + (unsigned)i, 1234);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "No space left on device"), "message: %s", err);
	ck_assert_msg(strstr(err, "full.lat"), "message: %s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	/* the device is written in place: the symlink was not moved away */
	ck_assert_int_ne(access(tpath("full.lat.old"), F_OK), 0);

	/* a single line, failing only at close */
	hm = heatmap_open(tpath("full"), err, sizeof(err));
	ck_assert_ptr_nonnull(hm);
	heatmap_write(hm, 1, 2);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "No space left on device"), "message: %s", err);
}
END_TEST

/* no temporary file left beside the target */
static int leftovers(const char *prefix)
{
	char cmd[512];
	FILE *p;
	int n = 0;
	char line[512];

	snprintf(cmd, sizeof(cmd), "ls -a %s | grep -c '^%s\\.lat\\.[A-Za-z0-9]\\{6\\}$'",
		 tmpdir, prefix);
	p = popen(cmd, "r");
	if (p && fgets(line, sizeof(line), p))
		n = atoi(line);
	if (p)
		pclose(p);
	return n;
}

/* a run that fails keeps the previous FILE.lat and FILE.lat.old as they were */
START_TEST(test_discard_keeps_previous)
{
	char err[256], *s;
	struct heatmap *hm;

	spit(tpath("k.lat"), "1 2\n");
	spit(tpath("k.lat.old"), "3 4\n");
	hm = heatmap_open(tpath("k"), err, sizeof(err));
	ck_assert_msg(hm, "heatmap_open: %s", err);
	heatmap_write(hm, 5, 6);
	heatmap_discard(hm);
	s = slurp(tpath("k.lat"), NULL);
	ck_assert_str_eq(s, "1 2\n");
	free(s);
	s = slurp(tpath("k.lat.old"), NULL);
	ck_assert_str_eq(s, "3 4\n");
	free(s);
	ck_assert_int_eq(leftovers("k"), 0);
	heatmap_discard(NULL);
}
END_TEST

/* "--heatmap x.lat" writes x.lat, not x.lat.lat */
START_TEST(test_lat_suffix_not_doubled)
{
	char err[256], *s;
	struct heatmap *hm = heatmap_open(tpath("s.lat"), err, sizeof(err));

	ck_assert_msg(hm, "heatmap_open: %s", err);
	heatmap_write(hm, 7, 8);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	s = slurp(tpath("s.lat"), NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "7 8\n");
	free(s);
	ck_assert_int_ne(access(tpath("s.lat.lat"), F_OK), 0);
	/* ".lat" alone is a name, not a suffix */
	hm = heatmap_open(tpath(".lat"), err, sizeof(err));
	ck_assert_msg(hm, "heatmap_open: %s", err);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	ck_assert_int_eq(access(tpath(".lat.lat"), F_OK), 0);
}
END_TEST

/*
 * A write that fails half way (here the file size limit, as a full disk
 * would): reported, and the previous file is still the one in place.
 */
START_TEST(test_write_error_keeps_previous)
{
	struct rlimit rl = { 65536, 65536 };
	char err[512], *s;
	struct heatmap *hm;
	int i;

	signal(SIGXFSZ, SIG_IGN);
	spit(tpath("e.lat"), "1 2\n");
	hm = heatmap_open(tpath("e"), err, sizeof(err));
	ck_assert_msg(hm, "heatmap_open: %s", err);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	for (i = 0; i < 100000; i++)
		heatmap_write(hm, 1000000000ULL + (unsigned)i, 1234);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "File too large") && strstr(err, "the previous file is kept"),
		      "%s", err);
	s = slurp(tpath("e.lat"), NULL);
	ck_assert_str_eq(s, "1 2\n");
	free(s);
	ck_assert_int_ne(access(tpath("e.lat.old"), F_OK), 0);
	ck_assert_int_eq(leftovers("e"), 0);
}
END_TEST

/* a FIFO nobody reads: an error at once, not a hang */
START_TEST(test_fifo_without_reader)
{
	char err[512], want[512];

	ck_assert_int_eq(mkfifo(tpath("f.lat"), 0600), 0);
	ck_assert_ptr_null(heatmap_open(tpath("f"), err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot write heatmap file '%s/f.lat': No such device or "
		 "address (a FIFO with no reader)", tmpdir);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_null_handle)
{
	char err[64] = "junk";

	heatmap_write(NULL, 1, 2);
	ck_assert_int_eq(heatmap_close(NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

/* ------------------------------------------------------------ SVG helpers */

struct run {
	int rc;
	char *out;	/* captured stdout */
	char *err;	/* captured stderr */
};

/* heatmap_svg_main with stdout and stderr captured; NULL-terminated args */
static struct run run_svg(const char *arg0, ...)
{
	char *argv[32];
	int argc = 0, o1, o2, f1, f2;
	struct run r;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)arg0;
	va_start(ap, arg0);
	while ((a = va_arg(ap, const char *)) && argc < 31)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	f1 = open(tpath("stdout.cap"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	f2 = open(tpath("stderr.cap"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert(f1 >= 0 && f2 >= 0);
	o1 = dup(1);
	o2 = dup(2);
	dup2(f1, 1);
	dup2(f2, 2);
	close(f1);
	close(f2);
	r.rc = heatmap_svg_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1);
	close(o2);
	r.out = slurp(tpath("stdout.cap"), NULL);
	r.err = slurp(tpath("stderr.cap"), NULL);
	ck_assert(r.out && r.err);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* "&amp;" etc. at @p; returns its length or 0 */
static size_t entity_len(const char *p)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (!strncmp(p, ents[i], strlen(ents[i])))
			return strlen(ents[i]);
	if (p[1] == '#') {
		const char *q = p + 2;

		if (*q == 'x')
			q++;
		while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))
			q++;
		if (*q == ';' && q > p + 2)
			return (size_t)(q - p + 1);
	}
	return 0;
}

/*
 * A small well-formedness check of the subset of XML the renderer
 * writes: an XML declaration, one <svg> root, every element closed in
 * order, quoted attributes, no stray '<' or '&' in text or attribute
 * values.  Returns NULL if fine, else what is wrong (static buffer).
 */
static const char *xml_wellformed(const char *doc)
{
	static char why[200];
	char stack[64][64];
	int depth = 0, seen_root = 0;
	const char *p = doc;

#define FAIL(...) do { snprintf(why, sizeof(why), __VA_ARGS__); return why; } while (0)
	if (strncmp(p, "<?xml version=\"1.0\"", 19))
		FAIL("no XML declaration at the start");
	p = strstr(p, "?>");
	if (!p)
		FAIL("unterminated XML declaration");
	p += 2;
	while (*p) {
		if (*p == '&') {
			size_t n = entity_len(p);

			if (!n)
				FAIL("stray '&' at offset %ld", (long)(p - doc));
			p += n;
			continue;
		}
		if (*p != '<') {
			if (!depth && !(*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
				FAIL("text outside the root at offset %ld", (long)(p - doc));
			p++;
			continue;
		}
		p++;
		if (*p == '/') {			/* end tag */
			const char *n = ++p;

			while (name_char(*p))
				p++;
			if (!depth)
				FAIL("end tag </%.*s> without start tag", (int)(p - n), n);
			if (strlen(stack[depth - 1]) != (size_t)(p - n) ||
			    strncmp(stack[depth - 1], n, (size_t)(p - n)))
				FAIL("</%.*s> closes <%.63s>", (int)(p - n > 63 ? 63 : p - n), n,
				     stack[depth - 1]);
			while (*p == ' ' || *p == '\n')
				p++;
			if (*p != '>')
				FAIL("bad end tag </%.63s", stack[depth - 1]);
			p++;
			depth--;
			continue;
		}
		if (!name_start(*p))
			FAIL("stray '<' at offset %ld", (long)(p - 1 - doc));
		{
			const char *n = p;

			while (name_char(*p))
				p++;
			if (p - n >= 64 || depth >= 64)
				FAIL("name too long or nesting too deep");
			if (!depth && seen_root)
				FAIL("second root element");
			if (!depth && (p - n != 3 || strncmp(n, "svg", 3)))
				FAIL("root element is not <svg>");
			seen_root = 1;
			memcpy(stack[depth], n, (size_t)(p - n));
			stack[depth][p - n] = '\0';
		}
		for (;;) {				/* attributes */
			int sp = 0;
			char q;

			while (*p == ' ' || *p == '\n' || *p == '\t') {
				p++;
				sp = 1;
			}
			if (*p == '>') {
				p++;
				depth++;
				break;
			}
			if (p[0] == '/' && p[1] == '>') {
				p += 2;
				break;
			}
			if (!sp || !name_start(*p))
				FAIL("bad attribute in <%s> at offset %ld", stack[depth], (long)(p - doc));
			while (name_char(*p))
				p++;
			if (*p++ != '=' || (*p != '"' && *p != '\''))
				FAIL("unquoted attribute in <%s>", stack[depth]);
			q = *p++;
			while (*p && *p != q) {
				if (*p == '<')
					FAIL("'<' in an attribute of <%s>", stack[depth]);
				if (*p == '&') {
					size_t n = entity_len(p);

					if (!n)
						FAIL("stray '&' in an attribute of <%s>", stack[depth]);
					p += n;
					continue;
				}
				p++;
			}
			if (!*p)
				FAIL("unterminated attribute in <%s>", stack[depth]);
			p++;
		}
	}
	if (depth)
		FAIL("<%s> not closed", stack[depth - 1]);
	if (!seen_root)
		FAIL("no root element");
	return NULL;
#undef FAIL
}

/* sum and number of data-count="N" attributes */
static unsigned long long sum_counts(const char *svg, int *cells)
{
	unsigned long long sum = 0;
	const char *p = svg;

	*cells = 0;
	while ((p = strstr(p, " data-count=\""))) {
		p += strlen(" data-count=\"");
		sum += strtoull(p, NULL, 10);
		(*cells)++;
	}
	return sum;
}

/* number of <text class="CLS"> elements whose content ends in a unit */
static int count_unit_labels(const char *svg, const char *cls)
{
	char pat[64];
	const char *p = svg;
	int n = 0;

	snprintf(pat, sizeof(pat), "<text class=\"%s\"", cls);
	while ((p = strstr(p, pat))) {
		const char *b = strchr(p, '>'), *e;

		if (!b)
			break;
		e = strstr(b, "</text>");
		if (!e)
			break;
		if ((e - b > 2 && (!strncmp(e - 2, "ns", 2) || !strncmp(e - 2, "us", 2) ||
				   !strncmp(e - 2, "ms", 2))) ||
		    (e - b > 1 && e[-1] == 's' && e[-2] >= '0' && e[-2] <= '9'))
			n++;
		p = e;
	}
	return n;
}

/* the value of attribute @name in the <svg> root, or -1 */
static long long root_attr(const char *svg, const char *name)
{
	char pat[64];
	const char *root = strstr(svg, "<svg "), *end, *p;

	if (!root)
		return -1;
	end = strchr(root, '>');
	snprintf(pat, sizeof(pat), " %s=\"", name);
	p = strstr(root, pat);
	if (!p || p > end)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

/* the checker itself rejects what it should */
START_TEST(test_xml_checker)
{
	static const char *const bad[] = {
		"<svg></svg>",					/* no declaration */
		"<?xml version=\"1.0\"?>\n<svg><g></svg>",	/* unclosed */
		"<?xml version=\"1.0\"?>\n<svg><g></rect></svg>",	/* crossed */
		"<?xml version=\"1.0\"?>\n<svg><text>a < b</text></svg>",
		"<?xml version=\"1.0\"?>\n<svg><text>a & b</text></svg>",
		"<?xml version=\"1.0\"?>\n<svg x=\"a<b\"></svg>",
		"<?xml version=\"1.0\"?>\n<svg x=1></svg>",
		"<?xml version=\"1.0\"?>\n<html></html>",
		"<?xml version=\"1.0\"?>\n<svg></svg><svg></svg>",
		"<?xml version=\"1.0\"?>\n<svg></svg>junk",
		"<?xml version=\"1.0\"?>\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(xml_wellformed(bad[i]), "accepted: %s", bad[i]);
	ck_assert_ptr_null(xml_wellformed("<?xml version=\"1.0\"?>\n<svg a=\"1 &amp; 2\">"
					  "<g><rect x=\"1\"/><text>a &lt; b &#233;</text></g></svg>\n"));
}
END_TEST

static unsigned long long lcg(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/*
 * @n lines over 5 s starting at an uptime-like timestamp, latencies
 * log-uniform between 500 ns and 50 ms.
 */
static void make_lat(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	unsigned long long seed = 42, t0 = 86400ULL * 1000000000ULL;
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n; i++) {
		unsigned long long t = t0 + (unsigned long long)i * (5000000000ULL / (unsigned)n)
				       + lcg(&seed) % 1000;
		unsigned long long lat = 500;
		int doublings = (int)(lcg(&seed) % 17);	/* 500ns .. 32ms */

		lat <<= doublings;
		lat += lcg(&seed) % lat;
		fprintf(f, "%llu %llu\n", t, lat);
	}
	ck_assert_int_eq(fclose(f), 0);
}

static char *check_svg_file(const char *path, unsigned long long lines)
{
	char *svg = slurp(path, NULL);
	const char *why;
	int cells;

	ck_assert_msg(svg, "no SVG written to %s", path);
	why = xml_wellformed(svg);
	ck_assert_msg(!why, "SVG not well-formed: %s", why);
	ck_assert_uint_eq(sum_counts(svg, &cells), lines);
	ck_assert_int_eq(root_attr(svg, "data-lines"), (long long)lines);
	return svg;
}

/* ---------------------------------------------------------------- the SVG */

START_TEST(test_svg_1000_lines)
{
	struct run r;
	char *svg;
	int cells;
	long long cols, rows;

	make_lat(tpath("k.lat"), 1000);
	r = run_svg("heatmap", tpath("k.lat"), "-o", tpath("k.svg"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(r.out, "");
	run_free(&r);

	svg = check_svg_file(tpath("k.svg"), 1000);
	ck_assert_uint_eq(sum_counts(svg, &cells), 1000);
	ck_assert_int_gt(cells, 100);
	/* default step: 100-200 columns over 5 s */
	cols = root_attr(svg, "data-columns");
	rows = root_attr(svg, "data-rows");
	ck_assert_int_ge(cols, 100);
	ck_assert_int_le(cols, 200);
	ck_assert_int_ge(rows, 16);
	ck_assert_int_le(rows, 120);
	ck_assert_int_eq(root_attr(svg, "data-step-ns") * (cols - 1) <= 5000000000LL, 1);
	/* axes, labels with units, legend, default title with the file name */
	ck_assert_ptr_nonnull(strstr(svg, "<text class=\"xlabel\""));
	ck_assert_ptr_nonnull(strstr(svg, "<text class=\"ylabel\""));
	ck_assert_ptr_nonnull(strstr(svg, "Time since first event"));
	ck_assert_ptr_nonnull(strstr(svg, "Latency"));
	ck_assert_int_ge(count_unit_labels(svg, "xtick"), 3);
	ck_assert_int_ge(count_unit_labels(svg, "ytick"), 3);
	ck_assert_ptr_nonnull(strstr(svg, ">1us</text>"));
	ck_assert_ptr_nonnull(strstr(svg, ">1ms</text>"));
	ck_assert_ptr_nonnull(strstr(svg, ">1s</text>"));
	ck_assert_ptr_nonnull(strstr(svg, "<g class=\"legend\""));
	ck_assert_ptr_nonnull(strstr(svg, "<title>Latency Heat Map: k.lat</title>"));
	/* cells carry a tooltip */
	ck_assert_ptr_nonnull(strstr(svg, "<title>time "));
	ck_assert_ptr_nonnull(strstr(svg, ", count "));
	free(svg);
}
END_TEST

START_TEST(test_svg_roundtrip_writer)
{
	char err[256];
	struct heatmap *hm = heatmap_open(tpath("rt"), err, sizeof(err));
	struct run r;
	char *svg;
	int i;

	ck_assert_ptr_nonnull(hm);
	for (i = 0; i < 5000; i++)
		heatmap_write(hm, 1000000ULL * (unsigned)i, 1000 + (unsigned)(i % 97) * 1000);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	r = run_svg("heatmap", "-o", tpath("rt.svg"), tpath("rt.lat"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("rt.svg"), 5000);
	free(svg);
}
END_TEST

START_TEST(test_svg_title_escaped)
{
	struct run r;
	char *svg;

	make_lat(tpath("t.lat"), 50);
	r = run_svg("heatmap", tpath("t.lat"), "-o", tpath("t.svg"),
		    "--title", "a<b> & \"c\" 'd' \x01 \xff caf\xc3\xa9", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("t.svg"), 50);
	ck_assert_ptr_nonnull(strstr(svg, "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"));
	ck_assert_ptr_nonnull(strstr(svg, "caf\xc3\xa9"));
	ck_assert_ptr_null(strstr(svg, "\xff"));
	ck_assert_ptr_null(strstr(svg, "\x01"));
	free(svg);

	/* --title=TEXT and a file name needing escapes in the default title */
	make_lat(tpath("x&y<z.lat"), 10);
	r = run_svg("heatmap", tpath("x&y<z.lat"), "--output=-", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	ck_assert_msg(!xml_wellformed(r.out), "%s", xml_wellformed(r.out));
	ck_assert_ptr_nonnull(strstr(r.out, "Latency Heat Map: x&amp;y&lt;z.lat"));
	run_free(&r);
}
END_TEST

START_TEST(test_svg_step)
{
	FILE *f = fopen(tpath("s.lat"), "w");
	struct run r;
	char *svg;
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 1000; i++)	/* 0 .. 999 ms */
		fprintf(f, "%llu %d\n", 5000000000ULL + (unsigned long long)i * 1000000, 100 + i);
	fclose(f);

	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s.svg"), "--step", "100ms", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("s.svg"), 1000);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 10);
	ck_assert_int_eq(root_attr(svg, "data-step-ns"), 100000000);
	free(svg);

	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s.svg"), "--step-ms", "250", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("s.svg"), 1000);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 4);
	free(svg);

	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s.svg"), "--step=1s", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("s.svg"), 1000);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 1);
	free(svg);

	/* a bare number is ns, as --than reads it */
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s.svg"), "--step", "100000000", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("s.svg"), 1000);
	ck_assert_int_eq(root_attr(svg, "data-step-ns"), 100000000);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 10);
	free(svg);

	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s.svg"), "-s", "500us", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("s.svg"), 1000);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 1999);
	free(svg);

	/* default: 999 ms -> 5 ms steps, 200 columns */
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s.svg"), NULL);
	ck_assert_int_eq(r.rc, 0);
	run_free(&r);
	svg = check_svg_file(tpath("s.svg"), 1000);
	ck_assert_int_eq(root_attr(svg, "data-step-ns"), 5000000);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 200);
	free(svg);

	/* bad values are usage errors */
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s2.svg"), "--step", "abc", NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "--step 'abc'"));
	run_free(&r);
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s2.svg"), "--step", "10parsecs", NULL);
	ck_assert_int_eq(r.rc, 2);
	run_free(&r);
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s2.svg"), "--step", "0", NULL);
	ck_assert_int_eq(r.rc, 2);
	run_free(&r);
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s2.svg"), "--step-ms", "5us", NULL);
	ck_assert_int_eq(r.rc, 2);
	run_free(&r);
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s2.svg"), "--step", NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "needs an argument"));
	run_free(&r);
	/* too many columns */
	r = run_svg("heatmap", tpath("s.lat"), "-o", tpath("s2.svg"), "--step", "1ns", NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "larger step"));
	run_free(&r);
	ck_assert_int_ne(access(tpath("s2.svg"), F_OK), 0);
}
END_TEST

START_TEST(test_svg_empty)
{
	struct run r;
	char *svg;

	spit(tpath("e.lat"), "");
	r = run_svg("heatmap", tpath("e.lat"), "-o", tpath("e.svg"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("e.svg"), 0);
	ck_assert_ptr_nonnull(strstr(svg, "no data"));
	free(svg);

	/* only blank and comment lines */
	spit(tpath("e2.lat"), "\n# nothing\n  \n");
	r = run_svg("heatmap", tpath("e2.lat"), "-o", tpath("e2.svg"), NULL);
	ck_assert_int_eq(r.rc, 0);
	run_free(&r);
	svg = check_svg_file(tpath("e2.svg"), 0);
	ck_assert_ptr_nonnull(strstr(svg, "no data"));
	free(svg);
}
END_TEST

START_TEST(test_svg_tolerant_input)
{
	struct run r;
	char *svg;

	/* comments, blank lines, tabs, CRLF, no final newline */
	spit(tpath("tol.lat"), "# time latency\n1000 2000\n\n 2000\t3000 \r\n3000 4000");
	r = run_svg("heatmap", tpath("tol.lat"), "-o", tpath("tol.svg"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("tol.svg"), 3);
	free(svg);

	/* one line; zero and huge values */
	spit(tpath("one.lat"), "5 0\n");
	r = run_svg("heatmap", tpath("one.lat"), "-o", tpath("one.svg"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("one.svg"), 1);
	ck_assert_int_eq(root_attr(svg, "data-columns"), 1);
	free(svg);

	spit(tpath("ext.lat"), "0 0\n18446744073709551615 18446744073709551615\n1 1\n");
	r = run_svg("heatmap", tpath("ext.lat"), "-o", tpath("ext.svg"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("ext.svg"), 3);
	ck_assert_int_le(root_attr(svg, "data-columns"), 200);
	free(svg);
}
END_TEST

START_TEST(test_svg_malformed)
{
	struct run r;
	char want[512];
	static char longline[2000];

	spit(tpath("m.lat"), "1 2\n3 4\n5 x\n7 8\n");
	r = run_svg("heatmap", tpath("m.lat"), "-o", tpath("m.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	snprintf(want, sizeof(want), "%s:3: ", tpath("m.lat"));
	ck_assert_msg(strstr(r.err, want), "stderr: %s", r.err);
	ck_assert_msg(strstr(r.err, "'5 x'"), "stderr: %s", r.err);
	ck_assert_msg(strstr(r.err, "malformed"), "stderr: %s", r.err);
	/* one line */
	ck_assert_ptr_nonnull(strchr(r.err, '\n'));
	ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
	run_free(&r);
	/* no (partial) output left behind */
	ck_assert_int_ne(access(tpath("m.svg"), F_OK), 0);

	/* a latency run into a reason, negative, out of range, non-printable */
	spit(tpath("m2.lat"), "1 2x 3\n");
	r = run_svg("heatmap", tpath("m2.lat"), "-o", tpath("m.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "m2.lat:1: ") && strstr(r.err, "'1 2x 3'"), "%s", r.err);
	run_free(&r);

	spit(tpath("m3.lat"), "\n\n-1 2\n");
	r = run_svg("heatmap", tpath("m3.lat"), "-o", tpath("m.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "m3.lat:3: "), "%s", r.err);
	run_free(&r);

	spit(tpath("m4.lat"), "1 18446744073709551616\n");
	r = run_svg("heatmap", tpath("m4.lat"), "-o", tpath("m.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "m4.lat:1: ") && strstr(r.err, "out of range"), "%s", r.err);
	run_free(&r);

	spit(tpath("m5.lat"), "1 2\n1\x1b[31m 2\n");
	r = run_svg("heatmap", tpath("m5.lat"), "-o", tpath("m.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "m5.lat:2: ") && !strchr(r.err, '\x1b'), "%s", r.err);
	run_free(&r);

	memset(longline, '7', sizeof(longline) - 1);
	spit(tpath("m6.lat"), longline);
	r = run_svg("heatmap", tpath("m6.lat"), "-o", tpath("m.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "m6.lat:1: line too long"), "%s", r.err);
	ck_assert_int_lt(strlen(r.err), 400);
	run_free(&r);
	ck_assert_int_ne(access(tpath("m.svg"), F_OK), 0);
}
END_TEST

START_TEST(test_svg_usage)
{
	struct run r;

	make_lat(tpath("u.lat"), 20);

	r = run_svg("heatmap", "-h", NULL);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "USAGE:"));
	ck_assert_ptr_nonnull(strstr(r.out, "EXAMPLES:"));
	ck_assert_ptr_nonnull(strstr(r.out, "--step"));
	ck_assert_ptr_nonnull(strstr(r.out, "--title"));
	ck_assert_str_eq(r.err, "");
	run_free(&r);

	r = run_svg("heatmap", "--help", NULL);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "USAGE:"));
	run_free(&r);

	/* usage errors: 2, one line on stderr, nothing on stdout */
	r = run_svg("heatmap", NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "missing input"));
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
	run_free(&r);

	r = run_svg("heatmap", tpath("u.lat"), NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "missing -o"));
	ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
	run_free(&r);

	r = run_svg("heatmap", tpath("u.lat"), "-o", NULL);
	ck_assert_int_eq(r.rc, 2);
	run_free(&r);

	r = run_svg("heatmap", tpath("u.lat"), "-o", tpath("u.svg"), "--bogus", NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "unknown option '--bogus'"));
	run_free(&r);

	r = run_svg("heatmap", tpath("u.lat"), "-x", "-o", tpath("u.svg"), NULL);
	ck_assert_int_eq(r.rc, 2);
	run_free(&r);

	r = run_svg("heatmap", tpath("u.lat"), tpath("u.lat"), "-o", tpath("u.svg"), NULL);
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "only one input"));
	run_free(&r);

	/* -o the input itself: refused, input intact */
	r = run_svg("heatmap", tpath("u.lat"), "-o", tpath("u.lat"), NULL);
	ck_assert_int_eq(r.rc, 2);
	run_free(&r);
	ck_assert_int_eq(access(tpath("u.lat"), R_OK), 0);

	/* runtime errors: 1 */
	r = run_svg("heatmap", tpath("missing.lat"), "-o", tpath("u.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "cannot read") && strstr(r.err, "missing.lat") &&
		      strstr(r.err, "No such file or directory"), "%s", r.err);
	run_free(&r);

	r = run_svg("heatmap", tmpdir, "-o", tpath("u.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "Is a directory"));
	run_free(&r);

	r = run_svg("heatmap", tpath("u.lat"), "-o", tpath("nodir/u.svg"), NULL);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "cannot write") && strstr(r.err, "nodir/u.svg"), "%s", r.err);
	run_free(&r);

	if (access("/dev/full", W_OK) == 0) {
		r = run_svg("heatmap", tpath("u.lat"), "-o", "/dev/full", NULL);
		ck_assert_int_eq(r.rc, 1);
		ck_assert_msg(strstr(r.err, "No space left on device"), "%s", r.err);
		run_free(&r);
	}

	/* "--" ends the options; -oFILE form */
	r = run_svg("heatmap", "-o", tpath("u.svg"), "--", tpath("u.lat"), NULL);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	run_free(&r);
	free(check_svg_file(tpath("u.svg"), 20));
}
END_TEST

START_TEST(test_svg_stdio)
{
	struct run r;
	int p[2], o0;
	const char *data = "1000 500\n2000 1500\n3000 2500\n4000 100000\n";

	/* -o - writes the SVG to stdout */
	make_lat(tpath("io.lat"), 300);
	r = run_svg("heatmap", tpath("io.lat"), "-o", "-", NULL);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	ck_assert_msg(!xml_wellformed(r.out), "%s", xml_wellformed(r.out));
	{
		int cells;

		ck_assert_uint_eq(sum_counts(r.out, &cells), 300);
	}
	run_free(&r);

	/* "-" reads a (non-seekable) pipe */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], data, strlen(data)), (ssize_t)strlen(data));
	close(p[1]);
	o0 = dup(0);
	dup2(p[0], 0);
	close(p[0]);
	r = run_svg("heatmap", "-", "-o", tpath("io.svg"), NULL);
	dup2(o0, 0);
	close(o0);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	run_free(&r);
	{
		char *svg = check_svg_file(tpath("io.svg"), 4);

		ck_assert_ptr_nonnull(strstr(svg, "Latency Heat Map: stdin"));
		free(svg);
	}
}
END_TEST

/* --------------------------------------------------------- by exit reason */

static int name_calls;

static void name_key(void *arg, uint64_t key, char *buf, size_t len)
{
	static const char *const names[] = { "", "io", "PF excp", " \tbad\nname ", "" };

	name_calls++;
	ck_assert_str_eq((const char *)arg, "state");
	snprintf(buf, len, "%s", key < 5 ? names[key] : key == 257 ? "io2" : "wide");
}

START_TEST(test_write_reason)
{
	char err[256], *s;
	struct heatmap *hm = heatmap_open(tpath("r"), err, sizeof(err));

	ck_assert_msg(hm, "heatmap_open: %s", err);
	heatmap_describe(hm, "kvm-exit", "exit_reason", name_key, "state");
	name_calls = 0;
	heatmap_write_key(hm, 10, 1, 1);
	heatmap_write_key(hm, 20, 2, 2);
	heatmap_write_key(hm, 30, 3, 1);
	heatmap_write_key(hm, 40, 4, 3);
	heatmap_write_key(hm, 50, 5, 4);
	heatmap_write_key(hm, 60, 6, 257);	/* the cache slot of key 1 */
	heatmap_write_key(hm, 70, 7, 1);
	heatmap_write_key(hm, UINT64_MAX, UINT64_MAX, 99);
	ck_assert_int_eq(heatmap_close(hm, err, sizeof(err)), 0);
	/* named once per key while it keeps its cache slot */
	ck_assert_int_eq(name_calls, 7);
	s = slurp(tpath("r.lat"), NULL);
	ck_assert_str_eq(s,
		"# perf-prof kvm-exit: time_ns latency_ns exit_reason\n"
		"10 1 io\n"
		"20 2 PF excp\n"
		"30 3 io\n"
		"40 4 ?bad?name\n"
		"50 5 ?\n"
		"60 6 io2\n"
		"70 7 io\n"
		"18446744073709551615 18446744073709551615 wide\n");
	free(s);
}
END_TEST

/*
 * FlameGraph's trace2heatmap.pl drops a first line with letters in it (a
 * header) and reads the first two blank-separated fields of the others.
 */
START_TEST(test_lat_reads_as_trace2heatmap)
{
	char *out = sh("%s kvm-exit --input %s/kvm-x86-6.1-svm-2vcpu.perf.data --heatmap %s "
		       ">/dev/null && awk 'NR == 1 && /[a-zA-Z]/ { next } "
		       "$1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/ { bad++ } { n++ } "
		       "END { print n, bad + 0 }' %s", pp_bin(), TEST_DATA_DIR, tpath("t"),
		       tpath("t.lat"));

	ck_assert_str_eq(out, "3033 0\n");
	free(out);
	/* the header, then one line per pair, its reason as the table names it */
	out = sh("head -1 %s; awk 'NR > 1 { $1 = $2 = \"\"; sub(/^  /, \"\"); n[$0]++ } "
		 "END { for (r in n) print r, n[r] }' %s | sort", tpath("t.lat"), tpath("t.lat"));
	ck_assert_str_eq(out, "# perf-prof kvm-exit: time_ns latency_ns exit_reason\n"
			      "PF excp 601\ncpuid 600\nhlt 2\ninterrupt 28\nio 602\nmsr 1200\n");
	free(out);
}
END_TEST

static const char reason_lat[] =
	"# perf-prof kvm-exit: time_ns latency_ns exit_reason\n"
	"1000 10 io\n"
	"2000 20 PF excp\n"
	"3000 30 io \n"
	"4000 40 msr\n"
	"5000 50\n";

START_TEST(test_svg_reason)
{
	struct run r;
	char *svg, want[512];
	FILE *in;
	int fd;

	spit(tpath("r.lat"), reason_lat);
	/* every reason (and the line without one) */
	r = run_svg("heatmap", tpath("r.lat"), "-o", tpath("all.svg"), NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("all.svg"), 5);
	ck_assert_ptr_nonnull(strstr(svg, "<title>kvm-exit latency heat map: every exit_reason "
					  "(r.lat)</title>"));
	free(svg);
	/* one reason: its lines, named in the title */
	r = run_svg("heatmap", tpath("r.lat"), "-o", tpath("io.svg"), "--reason", "io", NULL);
	ck_assert_msg(r.rc == 0 && !*r.err, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("io.svg"), 2);
	ck_assert_ptr_nonnull(strstr(svg, "<title>kvm-exit latency heat map: exit_reason io "
					  "(r.lat)</title>"));
	free(svg);
	r = run_svg("heatmap", tpath("r.lat"), "-o", tpath("pf.svg"), "--reason=PF excp", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	free(check_svg_file(tpath("pf.svg"), 1));
	/* from a pipe (spooled): the same lines */
	in = fopen(tpath("r.lat"), "r");
	ck_assert_ptr_nonnull(in);
	fd = dup(0);
	dup2(fileno(in), 0);
	r = run_svg("heatmap", "-", "-o", tpath("msr.svg"), "--reason", "msr", NULL);
	dup2(fd, 0);
	close(fd);
	fclose(in);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	free(check_svg_file(tpath("msr.svg"), 1));
	/* a reason the file does not have: which it has, exit 2, no SVG */
	r = run_svg("heatmap", tpath("r.lat"), "-o", tpath("x.svg"), "--reason", "IO", NULL);
	ck_assert_int_eq(r.rc, 2);
	snprintf(want, sizeof(want), "perf-prof heatmap: --reason: no line of '%s' has the "
		 "reason 'IO' (it has 'io', 'PF excp', 'msr')\n", tpath("r.lat"));
	ck_assert_str_eq(r.err, want);
	run_free(&r);
	ck_assert_int_ne(access(tpath("x.svg"), F_OK), 0);
	/* a file of two columns has no reason to choose */
	spit(tpath("two.lat"), "1 2\n3 4\n");
	r = run_svg("heatmap", tpath("two.lat"), "-o", tpath("x.svg"), "--reason", "io", NULL);
	ck_assert_int_eq(r.rc, 2);
	snprintf(want, sizeof(want), "perf-prof heatmap: --reason: '%s' has no reason column "
		 "(\"<time ns> <latency ns> <reason>\", as --heatmap writes it)\n", tpath("two.lat"));
	ck_assert_str_eq(r.err, want);
	run_free(&r);
	/* reasons without the header: the title names the reason */
	spit(tpath("nohdr.lat"), "1 2 read\n3 4 write\n");
	r = run_svg("heatmap", tpath("nohdr.lat"), "-o", tpath("rd.svg"), "--reason", "read", NULL);
	ck_assert_msg(r.rc == 0, "rc %d: %s", r.rc, r.err);
	run_free(&r);
	svg = check_svg_file(tpath("rd.svg"), 1);
	ck_assert_ptr_nonnull(strstr(svg, "<title>Latency Heat Map: read (nohdr.lat)</title>"));
	free(svg);
}
END_TEST

static Suite *heatmap_suite(void)
{
	Suite *s = suite_create("heatmap");
	TCase *w = tcase_create("writer");
	TCase *v = tcase_create("svg");

	tcase_add_checked_fixture(w, setup, teardown);
	/* fsync of megabytes: seconds on a loaded machine (Check's default is 4) */
	tcase_set_timeout(w, 30);
	tcase_add_test(w, test_write_exact);
	tcase_add_test(w, test_write_many);
	tcase_add_test(w, test_rotate_old);
	tcase_add_test(w, test_open_missing_dir);
	tcase_add_test(w, test_open_not_writable);
	tcase_add_test(w, test_open_names_no_file);
	tcase_add_test(w, test_close_enospc);
	tcase_add_test(w, test_null_handle);
	tcase_add_test(w, test_discard_keeps_previous);
	tcase_add_test(w, test_lat_suffix_not_doubled);
	tcase_add_test(w, test_write_error_keeps_previous);
	tcase_add_test(w, test_fifo_without_reader);
	tcase_add_test(w, test_write_reason);
	tcase_add_test(w, test_lat_reads_as_trace2heatmap);
	suite_add_tcase(s, w);

	tcase_add_checked_fixture(v, setup, teardown);
	tcase_set_timeout(v, 30);
	tcase_add_test(v, test_xml_checker);
	tcase_add_test(v, test_svg_1000_lines);
	tcase_add_test(v, test_svg_roundtrip_writer);
	tcase_add_test(v, test_svg_title_escaped);
	tcase_add_test(v, test_svg_step);
	tcase_add_test(v, test_svg_empty);
	tcase_add_test(v, test_svg_tolerant_input);
	tcase_add_test(v, test_svg_malformed);
	tcase_add_test(v, test_svg_usage);
	tcase_add_test(v, test_svg_stdio);
	tcase_add_test(v, test_svg_reason);
	suite_add_tcase(s, v);
	return s;
}

UNIT_SUITE(heatmap_suite)
