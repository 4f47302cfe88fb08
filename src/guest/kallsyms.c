// SPDX-License-Identifier: GPL-2.0-only
/*
 * A copy of a guest's /proc/kallsyms, read into the symbol table elfsym.c
 * keeps for a vmlinux.  kallsyms has no sizes: a symbol covers up to the
 * next one (elfsym_build()).  Only text symbols are kept, since what is
 * looked up are instruction addresses; of several at one address the
 * global one (T) wins over a local (t), then weak ones (W, w).
 *
 * The file is read whole (bounded) and parsed in place: names stay in
 * that buffer until the table has copied them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <perf-prof/elfsym.h>
#include <perf-prof/errmsg.h>
#include <perf-prof/kallsyms.h>

#define KS_MAX_BYTES	((size_t)256 << 20)	/* a distro kernel's is ~15 MB */

/* the whole file, NUL-terminated; a FIFO or a device is refused, never waited on */
static char *ks_read(const char *path, size_t *len, char *err, size_t errlen)
{
	size_t cap = 1 << 16, n = 0;
	struct stat st;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		errmsg(err, errlen, "cannot open kallsyms '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errmsg(err, errlen, "cannot open kallsyms '%s': %s", path,
		       S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
		goto fail;
	}
	for (;;) {
		if (n + 1 >= cap || !buf) {
			if (buf && cap >= KS_MAX_BYTES) {
				errmsg(err, errlen, "'%s' is larger than %zu MB: not a kallsyms copy",
				       path, KS_MAX_BYTES >> 20);
				goto fail;
			}
			nb = realloc(buf, buf ? cap * 2 : cap);
			if (!nb) {
				errmsg(err, errlen, "'%s': out of memory", path);
				goto fail;
			}
			if (buf)
				cap *= 2;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errmsg(err, errlen, "cannot read kallsyms '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static int ks_hex(const char *s, const char **end, uint64_t *v)
{
	uint64_t x = 0;
	int n = 0;

	for (;; s++, n++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (n == 16)
			return -1;
		x = x << 4 | d;
	}
	*end = s;
	*v = x;
	return n ? 0 : -1;
}

/* T beats t beats W beats w at one address; anything else is not text */
static int ks_rank(char type)
{
	switch (type) {
	case 'T': return 3;
	case 't': return 2;
	case 'W': return 1;
	case 'w': return 0;
	default: return -1;
	}
}

struct elfsym *kallsyms_open(const char *path, char *err, size_t errlen)
{
	struct elfsym_def *defs = NULL;
	struct elfsym *es = NULL;
	size_t len, n = 0, cap = 0, lineno = 0, nonzero = 0;
	char *buf, *line, *next;

	if (err && errlen)
		err[0] = '\0';
	buf = ks_read(path, &len, err, errlen);
	if (!buf)
		return NULL;
	if (memchr(buf, '\0', len)) {
		errmsg(err, errlen, "'%s' is not a kallsyms copy: it holds binary data", path);
		goto out;
	}
	for (line = buf; line < buf + len; line = next) {
		const char *p;
		char *name, *eol = strchr(line, '\n');
		uint64_t addr;
		int rank;

		next = eol ? eol + 1 : buf + len;
		if (eol)
			*eol = '\0';
		lineno++;
		if (!*line)
			continue;
		/* ADDRESS ' ' TYPE ' ' NAME [ '\t' '[' MODULE ']' ] */
		if (ks_hex(line, &p, &addr) < 0 || p[0] != ' ' || !p[1] || p[2] != ' ' || !p[3]) {
			errmsg(err, errlen, "'%s' is not a kallsyms copy: line %zu is not "
			       "'ADDRESS TYPE NAME'", path, lineno);
			goto out;
		}
		rank = ks_rank(p[1]);
		name = (char *)p + 3;
		if (addr)
			nonzero++;
		/* mapping symbols ($x, $d of arm64) and local labels name no code */
		if (rank < 0 || name[0] == '$' || (name[0] == '.' && name[1] == 'L'))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct elfsym_def *nd = realloc(defs, ncap * sizeof(*nd));

			if (!nd) {
				errmsg(err, errlen, "'%s': out of memory", path);
				goto out;
			}
			defs = nd;
			cap = ncap;
		}
		defs[n].addr = addr;
		defs[n].name = name;
		defs[n].rank = (uint32_t)rank;
		n++;
	}
	if (lineno && !nonzero) {
		errmsg(err, errlen, "'%s': every address is 0: it was read without the right to "
		       "see them (kptr_restrict); copy the guest's /proc/kallsyms as root", path);
		goto out;
	}
	if (!n) {
		errmsg(err, errlen, "'%s' has no text symbol (types t, T, w, W)", path);
		goto out;
	}
	es = elfsym_build(defs, n, path, err, errlen);
out:
	free(defs);
	free(buf);
	return es;
}
