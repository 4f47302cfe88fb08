// SPDX-License-Identifier: GPL-2.0-only
/*
 * --heatmap FILE: write one "<time ns> <latency ns> <reason>\n" line per
 * paired event to FILE.lat, after a "# perf-prof PROFILER: ..." header.
 * FlameGraph's trace2heatmap.pl reads the first two columns (with ns
 * instead of us) and takes a first line with letters for a header;
 * `perf-prof heatmap` reads all three (--reason draws one reason).
 *
 * heatmap_write_key() runs once per event (millions per second), so it only
 * formats two integers and copies a cached name into a large private
 * buffer; the buffer goes to the kernel with write(2) when full.  The
 * first failed write is remembered, later data is dropped, and
 * heatmap_close() reports it.
 *
 * The data goes to a temporary file beside FILE.lat and takes the name
 * only when heatmap_close() says the run succeeded: a run that fails, at
 * its start or half way, leaves the previous FILE.lat and FILE.lat.old
 * as they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <perf-prof/errmsg.h>
#include <perf-prof/heatmap.h>
#include <perf-prof/tests-only.h>

#define HM_BUFSZ	(256 * 1024)
/* longest name of a key, and line: two 20-digit numbers, a name, two spaces, a newline */
#define HM_NAME_MAX	47
#define HM_LINE_MAX	(20 + 1 + 20 + 1 + HM_NAME_MAX + 1)
/* the names of the keys seen last, direct-mapped by key */
#define HM_NAMES	256

struct hm_name {
	uint64_t key;
	unsigned char len;	/* 0: empty slot */
	char s[HM_NAME_MAX];
};

struct heatmap {
	int fd;
	int in_place;		/* fd is the target itself (a device or FIFO) */
	int err;		/* errno of the first failed write, 0 if none */
	size_t len;		/* bytes pending in buf */
	unsigned long long lines;	/* lines handed to heatmap_write() */
	char *path, *old;	/* FILE.lat, FILE.lat.old */
	char *tmp;		/* FILE.lat.XXXXXX until heatmap_close() */
	/* heatmap_describe(): how a key is named */
	void (*name)(void *arg, uint64_t key, char *buf, size_t len);
	void *name_arg;
	struct hm_name names[HM_NAMES];
	char buf[HM_BUFSZ];
};

/*
 * Where the data goes until the run succeeded.  A regular file (or
 * nothing yet) at @path: a temporary file beside it, renamed over it by
 * heatmap_close(), so a run that fails leaves @path and its .old as they
 * were.  A character device or FIFO (a symlink to /dev/null or to a named
 * pipe): written in place, there is nothing to keep.  Returns the fd and
 * sets *in_place, or -1 with a message and errno.
 */
static int open_target(struct heatmap *hm, char *err, size_t errlen)
{
	struct stat st;
	mode_t mask;
	int fd;

	hm->in_place = 0;
	if (stat(hm->path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errmsg(err, errlen, "cannot write heatmap file '%s': %s",
				hm->path, strerror(EISDIR));
			errno = EISDIR;
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			/* O_NONBLOCK: a FIFO without a reader fails now, never hangs */
			fd = open(hm->path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
			if (fd < 0) {
				errmsg(err, errlen, "cannot write heatmap file '%s': %s%s",
					hm->path, strerror(errno),
					errno == ENXIO ? " (a FIFO with no reader)" : "");
				return -1;
			}
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			hm->in_place = 1;
			return fd;
		}
	} else if (errno != ENOENT) {
		errmsg(err, errlen, "cannot write heatmap file '%s': %s", hm->path,
			strerror(errno));
		return -1;
	}
	fd = mkostemp(hm->tmp, O_CLOEXEC);
	if (fd < 0) {
		/* name the file the user asked for, not the temporary one */
		errmsg(err, errlen, "cannot write heatmap file '%s': %s", hm->path,
			strerror(errno));
		return -1;
	}
	/* mkostemp makes it 0600: give it what open(..., 0666) would */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	return fd;
}

/* "x" and "x.lat" both name x.lat: the suffix is never doubled */
static char *lat_path(const char *base, const char *suffix)
{
	const char *name = strrchr(base, '/');
	size_t n = strlen(base);
	char *p;

	name = name ? name + 1 : base;
	if (strlen(name) > 4 && !strcmp(base + n - 4, ".lat"))
		n -= 4;
	p = malloc(n + 4 + strlen(suffix) + 1);
	if (p)
		sprintf(p, "%.*s.lat%s", (int)n, base, suffix);
	return p;
}

/*
 * A name that names no file of its own: "DIR/" (or "DIR/.") would write
 * the hidden DIR/.lat, "-" a file named -.lat where stdout was meant.
 */
static int bad_name(const char *base, char *err, size_t errlen)
{
	const char *slash = strrchr(base, '/'), *name = slash ? slash + 1 : base;

	if (!*base) {
		errmsg(err, errlen, "cannot write heatmap file: empty file name");
	} else if (!strcmp(base, "-")) {
		errmsg(err, errlen, "--heatmap '-': the heatmap is a file (standard output "
		       "carries the table): give a file name, e.g. --heatmap kvm for kvm.lat");
	} else if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		errmsg(err, errlen, "--heatmap '%s' names a directory: give a file in it "
		       "(--heatmap %.*skvm writes %.*skvm.lat)", base, (int)(name - base), base,
		       (int)(name - base), base);
	} else {
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int heatmap_open_code(int e)
{
	switch (e) {
	case EINVAL:		/* the name itself (bad_name()) */
	case ENOENT:		/* a directory that is not there */
	case ENOTDIR:
	case EISDIR:
	case ENAMETOOLONG:
	case ELOOP:
		return 2;
	default:		/* a read-only or full file system, no permission, no memory */
		return 1;
	}
}

struct heatmap *heatmap_open(const char *base, char *err, size_t errlen)
{
	struct heatmap *hm;
	int e;

	if (err && errlen)
		err[0] = '\0';
	if (bad_name(base ? base : "", err, errlen) < 0)
		return NULL;
	hm = calloc(1, sizeof(*hm));
	if (hm) {
		hm->path = lat_path(base, "");
		hm->old = lat_path(base, ".old");
		hm->tmp = lat_path(base, ".XXXXXX");
	}
	if (!hm || !hm->path || !hm->old || !hm->tmp) {
		errmsg(err, errlen, "cannot write heatmap file '%s.lat': %s",
			base, strerror(ENOMEM));
		errno = ENOMEM;
		goto fail;
	}
	hm->fd = open_target(hm, err, errlen);
	if (hm->fd < 0)
		goto fail;
	return hm;
fail:
	e = errno;	/* heatmap_open_code()'s */
	if (hm) {
		free(hm->path);
		free(hm->old);
		free(hm->tmp);
		free(hm);
	}
	errno = e;
	return NULL;
}

/* write out the buffer; on failure remember errno and drop the data */
static void hm_flush(struct heatmap *hm)
{
	const char *p = hm->buf;
	size_t left = hm->len;

	while (left && !hm->err) {
		ssize_t w = write(hm->fd, p, left);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			hm->err = errno;
		} else if (w == 0) {
			hm->err = EIO;
		} else {
			p += w;
			left -= (size_t)w;
		}
	}
	hm->len = 0;
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* decimal of @v at @p, same as printf("%llu"); returns the end */
static inline char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	char *t = tmp + sizeof(tmp);
	size_t n;

	while (v >= 100) {
		unsigned int i = (unsigned int)(v % 100) * 2;

		v /= 100;
		*--t = digit_pairs[i + 1];
		*--t = digit_pairs[i];
	}
	if (v >= 10) {
		unsigned int i = (unsigned int)v * 2;

		*--t = digit_pairs[i + 1];
		*--t = digit_pairs[i];
	} else {
		*--t = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof(tmp) - t);
	memcpy(p, t, n);
	return p + n;
}

/* room for one more line, flushing the buffer (or dropping it after a failure) */
static char *line_start(struct heatmap *hm)
{
	if (hm->len > HM_BUFSZ - HM_LINE_MAX) {
		if (hm->err)
			hm->len = 0;	/* already failed: drop */
		else
			hm_flush(hm);
	}
	return hm->buf + hm->len;
}

void heatmap_write(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns)
{
	char *p;

	if (!hm)
		return;
	hm->lines++;
	p = line_start(hm);
	p = put_u64(p, time_ns);
	*p++ = ' ';
	p = put_u64(p, lat_ns);
	*p++ = '\n';
	hm->len = (size_t)(p - hm->buf);
}

/* @s as one column: printable, no blank at either end, never empty */
static size_t clean_name(char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	while (n && s[n - 1] == ' ')
		n--;
	for (i = 0; i < n && s[i] == ' '; i++)
		;
	memmove(s, s + i, n - i);
	n -= i;
	if (!n)
		s[n++] = '?';
	s[n] = 0;
	return n;
}

static const struct hm_name *key_name(struct heatmap *hm, uint64_t key)
{
	struct hm_name *e = &hm->names[(key ^ key >> 32) % HM_NAMES];

	if (!e->len || e->key != key) {
		char buf[HM_NAME_MAX];

		buf[0] = 0;
		hm->name(hm->name_arg, key, buf, sizeof(buf));
		e->len = (unsigned char)clean_name(buf);
		memcpy(e->s, buf, e->len);
		e->key = key;
	}
	return e;
}

void heatmap_describe(struct heatmap *hm, const char *profiler, const char *key_header,
		      void (*name)(void *arg, uint64_t key, char *buf, size_t len), void *arg)
{
	if (!hm)
		return;
	hm->name = name;
	hm->name_arg = arg;
	/* before any line: the buffer has room */
	hm->len += (size_t)snprintf(hm->buf + hm->len, HM_BUFSZ - hm->len,
				    "# perf-prof %s: time_ns latency_ns %s\n", profiler, key_header);
}

void heatmap_write_key(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns, uint64_t key)
{
	const struct hm_name *n;
	char *p;

	if (!hm)
		return;
	if (!hm->name) {
		heatmap_write(hm, time_ns, lat_ns);
		return;
	}
	hm->lines++;
	n = key_name(hm, key);
	p = line_start(hm);
	p = put_u64(p, time_ns);
	*p++ = ' ';
	p = put_u64(p, lat_ns);
	*p++ = ' ';
	memcpy(p, n->s, n->len);
	p += n->len;
	*p++ = '\n';
	hm->len = (size_t)(p - hm->buf);
}

static void hm_free(struct heatmap *hm)
{
	free(hm->path);
	free(hm->old);
	free(hm->tmp);
	free(hm);
}

/*
 * The previous FILE.lat becomes FILE.lat.old and the new data FILE.lat.
 * link() then rename() leaves no moment without a FILE.lat; a file system
 * without hard links gets the two renames.
 */
static int commit(struct heatmap *hm)
{
	struct stat st;

	if (lstat(hm->path, &st) == 0) {
		unlink(hm->old);
		if (link(hm->path, hm->old) < 0 && rename(hm->path, hm->old) < 0)
			return -1;
	}
	return rename(hm->tmp, hm->path);
}

int heatmap_close(struct heatmap *hm, char *err, size_t errlen)
{
	int ret = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!hm)
		return 0;
	if (!hm->err)
		hm_flush(hm);
	/* complete on disk before it takes the name */
	if (!hm->in_place && !hm->err && fsync(hm->fd) < 0 && errno != EINVAL)
		hm->err = errno;
	if (close(hm->fd) < 0 && !hm->err && errno != EINTR)
		hm->err = errno;
	if (hm->err) {
		errmsg(err, errlen, hm->in_place ?
			"error writing heatmap file '%s': %s (%llu lines recorded, file is "
			"incomplete)" :
			"error writing heatmap file '%s': %s (%llu lines recorded, not written; "
			"the previous file is kept)",
			hm->path, strerror(hm->err), hm->lines);
		ret = -1;
	} else if (!hm->in_place && commit(hm) < 0) {
		errmsg(err, errlen, "cannot rename heatmap file '%s' to '%s': %s",
			hm->tmp, hm->path, strerror(errno));
		ret = -1;
	}
	if (ret < 0 && !hm->in_place)
		unlink(hm->tmp);
	hm_free(hm);
	return ret;
}

void heatmap_discard(struct heatmap *hm)
{
	if (!hm)
		return;
	close(hm->fd);
	if (!hm->in_place)
		unlink(hm->tmp);
	hm_free(hm);
}
