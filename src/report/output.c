// SPDX-License-Identifier: GPL-2.0-only
/*
 * stdio retries nothing and remembers little: after a failed write(2) it
 * sets the error flag and the next fwrite() tries, and blocks, again.
 * A cookie stream decides instead: the first error is kept, stops the
 * run, and every later write is dropped at once.  EINTR is retried
 * unless a stop was asked for, which is how a stop ends a write that a
 * stalled reader keeps blocked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/output.h>

struct output {
	FILE *f;
	int err;	/* errno of the first failed write; EINTR: blocked at a stop */
	bool (*stopping)(void);
	void (*stop)(void);
};

static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	struct output *o = cookie;
	size_t done = 0;

	if (o->err)
		return -1;	/* already failed: the rest is lost, said at the end */
	while (done < n) {
		ssize_t w = write(STDOUT_FILENO, buf + done, n - done);

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR && !o->stopping())
			continue;
		o->err = w < 0 ? errno : EIO;
		o->stop();
		errno = o->err;
		return -1;
	}
	return (ssize_t)n;
}

struct output *output_open(bool (*stopping)(void), void (*stop)(void))
{
	cookie_io_functions_t io = { .write = out_write };
	struct output *o = calloc(1, sizeof(*o));

	fflush(stdout);
	if (!o)
		return NULL;
	o->stopping = stopping;
	o->stop = stop;
	o->f = fopencookie(o, "w", io);
	if (!o->f) {
		free(o);
		return NULL;
	}
	/* as stdio buffers stdout: by line on a terminal (--than lines as they come) */
	setvbuf(o->f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	return o;
}

FILE *output_stream(struct output *o)
{
	return o ? o->f : stdout;
}

int output_close(struct output *o, int code)
{
	int err;

	if (!o) {
		if (fflush(stdout) == 0 && !ferror(stdout))
			return code;
		err = errno;
	} else {
		fflush(o->f);
		fclose(o->f);
		err = o->err;
		free(o);
	}
	if (!err || err == EPIPE)
		return code;	/* | head: the reader has what it wanted */
	if (err == EINTR)
		fprintf(stderr, "perf-prof: standard output did not drain: stopped without "
			"writing the rest\n");
	else
		fprintf(stderr, "perf-prof: error writing standard output: %s\n", strerror(err));
	return 1;
}
