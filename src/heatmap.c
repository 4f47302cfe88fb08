// SPDX-License-Identifier: GPL-2.0-only
/*
 * --heatmap FILE: write one "<time ns> <latency ns>\n" line per paired
 * event to FILE.lat, the input format of FlameGraph's trace2heatmap.pl
 * (with ns instead of us) and of `perf-prof heatmap`.
 *
 * heatmap_write() runs once per event (millions per second), so it only
 * formats two integers into a large private buffer; the buffer goes to
 * the kernel with write(2) when full.  The first failed write is
 * remembered, later data is dropped, and heatmap_close() reports it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "perf-prof/heatmap.h"

#define HM_BUFSZ	(256 * 1024)
/* longest line: two 20-digit numbers, a space and a newline */
#define HM_LINE_MAX	42

struct heatmap {
	int fd;
	int err;		/* errno of the first failed write, 0 if none */
	size_t len;		/* bytes pending in buf */
	unsigned long long lines;	/* lines handed to heatmap_write() */
	char *path;
	char buf[HM_BUFSZ];
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Open @path for writing without ever truncating an existing regular
 * file: a regular file (or a symlink to one) is renamed to @old first;
 * a character device or FIFO (e.g. a symlink to /dev/null or to a named
 * pipe) is written in place.  Returns the fd, or -1 with a message.
 */
static int open_rotated(const char *path, const char *old, char *err, size_t errlen)
{
	struct stat st;
	int tries, fd;

	for (tries = 0; tries < 4; tries++) {
		if (stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				set_err(err, errlen, "cannot write heatmap file '%s': %s",
					path, strerror(EISDIR));
				return -1;
			}
			if (!S_ISREG(st.st_mode)) {
				fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
				if (fd < 0)
					goto fail_open;
				return fd;
			}
			if (rename(path, old) < 0) {
				set_err(err, errlen, "cannot rename heatmap file '%s' to '%s': %s",
					path, old, strerror(errno));
				return -1;
			}
		} else if (errno != ENOENT) {
			/*
			 * ENOENT may be a dangling symlink or a missing
			 * directory; open() below tells them apart.
			 */
			goto fail_open;
		} else if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			/* dangling symlink: move it aside like a file */
			if (rename(path, old) < 0) {
				set_err(err, errlen, "cannot rename heatmap file '%s' to '%s': %s",
					path, old, strerror(errno));
				return -1;
			}
		}
		/* O_EXCL: never write over a file that appeared meanwhile */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			goto fail_open;
	}
	errno = EEXIST;
fail_open:
	set_err(err, errlen, "cannot write heatmap file '%s': %s", path, strerror(errno));
	return -1;
}

struct heatmap *heatmap_open(const char *base, char *err, size_t errlen)
{
	struct heatmap *hm;
	size_t n;
	char *path, *old;

	if (err && errlen)
		err[0] = '\0';
	if (!base || !*base) {
		set_err(err, errlen, "cannot write heatmap file: empty file name");
		return NULL;
	}
	n = strlen(base);
	hm = malloc(sizeof(*hm));
	path = malloc(n + sizeof(".lat"));
	old = malloc(n + sizeof(".lat.old"));
	if (!hm || !path || !old) {
		set_err(err, errlen, "cannot write heatmap file '%s.lat': %s",
			base, strerror(ENOMEM));
		free(hm);
		free(path);
		free(old);
		return NULL;
	}
	hm->path = path;
	memcpy(hm->path, base, n);
	memcpy(hm->path + n, ".lat", sizeof(".lat"));
	memcpy(old, base, n);
	memcpy(old + n, ".lat.old", sizeof(".lat.old"));

	hm->fd = open_rotated(hm->path, old, err, errlen);
	free(old);
	if (hm->fd < 0) {
		free(hm->path);
		free(hm);
		return NULL;
	}
	hm->err = 0;
	hm->len = 0;
	hm->lines = 0;
	return hm;
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

void heatmap_write(struct heatmap *hm, uint64_t time_ns, uint64_t lat_ns)
{
	char *p;

	if (!hm)
		return;
	hm->lines++;
	if (hm->len > HM_BUFSZ - HM_LINE_MAX) {
		if (hm->err) {
			hm->len = 0;	/* already failed: drop */
			return;
		}
		hm_flush(hm);
	}
	p = hm->buf + hm->len;
	p = put_u64(p, time_ns);
	*p++ = ' ';
	p = put_u64(p, lat_ns);
	*p++ = '\n';
	hm->len = (size_t)(p - hm->buf);
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
	if (close(hm->fd) < 0 && !hm->err && errno != EINTR)
		hm->err = errno;
	if (hm->err) {
		set_err(err, errlen,
			"error writing heatmap file '%s': %s (%llu lines recorded, file is incomplete)",
			hm->path, strerror(hm->err), hm->lines);
		ret = -1;
	}
	free(hm->path);
	free(hm);
	return ret;
}
