// SPDX-License-Identifier: GPL-2.0-only
/*
 * stdio retries nothing and remembers little: after a failed write(2) it
 * sets the error flag and the next fwrite() tries, and blocks, again.
 * A cookie stream decides instead: the first error is kept, stops the
 * engine, and every later write is dropped at once.  EINTR is retried
 * unless a stop signal came, which is how a stop ends a write that a
 * stalled reader keeps blocked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/engine.h>
#include <perf-prof/output.h>

static struct {
	int err;	/* errno of the first failed write; EINTR: blocked at a stop */
} out;

static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;

	if (out.err)
		return -1;	/* already failed: the rest is lost, said at the end */
	while (done < n) {
		ssize_t w = write(STDOUT_FILENO, buf + done, n - done);

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR && !engine_stop)
			continue;
		out.err = w < 0 ? errno : EIO;
		engine_stop = 1;
		errno = out.err;
		return -1;
	}
	return (ssize_t)n;
}

FILE *output_open(void)
{
	cookie_io_functions_t io = { .write = out_write };
	FILE *f;

	fflush(stdout);
	out.err = 0;
	f = fopencookie(NULL, "w", io);
	/* as stdio buffers stdout: by line on a terminal (--than lines as they come) */
	if (f)
		setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	return f;
}

int output_close(FILE *f, int code)
{
	int err;

	if (!f)
		return code;
	if (f == stdout) {
		if (fflush(f) == 0 && !ferror(f))
			return code;
		err = errno;
	} else {
		fflush(f);
		fclose(f);
		err = out.err;
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
