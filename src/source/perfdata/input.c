// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reader's input.  The data is read with read() into a buffer of
 * PD_BUFSZ, never mapped whole, so memory stays bounded whatever the file
 * size.  In hold mode (perfdata_hold) a buffer that holds returned samples
 * is not reused when more data is needed: it is retired, and the next read
 * goes into another one, until perfdata_release() says its records are
 * done.  The engine's merge then queues samples by reference instead of
 * copying them.  Records are at most 64 KiB (u16 size), so a record always
 * fits in the buffer; the payloads that follow some pipe-mode records
 * (tracing data, aux data) are consumed in pieces.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/tests-only.h>
#include "perfdata-int.h"

/*
 * Hold mode: keep buf (it holds returned samples) and continue in another
 * buffer, starting with the unread bytes buf[pos, len).
 */
static int pd_retire(struct perfdata *pd, char *err, size_t errlen)
{
	unsigned char *nb = pd->npool ? pd->pool[--pd->npool] : malloc(PD_BUFSZ);
	size_t have = pd->len - pd->pos;

	if (nb && pd->nretired == pd->retired_cap) {
		unsigned ncap = pd->retired_cap ? 2 * pd->retired_cap : 16;
		struct pd_chunk *nr = realloc(pd->retired, ncap * sizeof(*nr));

		if (!nr) {
			free(nb);
			nb = NULL;
		} else {
			pd->retired = nr;
			pd->retired_cap = ncap;
		}
	}
	if (!nb) {
		pd_err(pd, err, errlen, pd_off(pd), "out of memory holding records");
		return -1;
	}
	memcpy(nb, pd->buf + pd->pos, have);
	pd->buf_off += pd->pos;
	pd->retired[pd->nretired].mem = pd->buf;
	pd->retired[pd->nretired].end = pd->buf_off;
	pd->nretired++;
	pd->buf = nb;
	pd->pos = 0;
	pd->len = have;
	pd->buf_held = 0;
	return 0;
}

int pd_seek(struct perfdata *pd, uint64_t off, uint64_t end, char *err, size_t errlen)
{
	if (pd->hold && pd->buf_held) {
		pd->pos = pd->len;
		if (pd_retire(pd, err, errlen) < 0)
			return -1;
	}
	if (lseek(pd->fd, (off_t)off, SEEK_SET) == (off_t)-1) {
		pd_err(pd, err, errlen, off, "cannot seek: %s", strerror(errno));
		return -1;
	}
	pd->buf_off = off;
	pd->pos = pd->len = 0;
	pd->end = end;
	pd->eof = 0;
	return 0;
}

/* the unread bytes to the front of the buffer (or to a new one, in hold mode) */
static int pd_compact(struct perfdata *pd, char *err, size_t errlen)
{
	size_t have = pd->len - pd->pos;

	if (!pd->pos)
		return 0;
	if (pd->hold && pd->buf_held)
		return pd_retire(pd, err, errlen);
	memmove(pd->buf, pd->buf + pd->pos, have);
	pd->buf_off += pd->pos;
	pd->pos = 0;
	pd->len = have;
	return 0;
}

int pd_fill(struct perfdata *pd, size_t need, char *err, size_t errlen)
{
	if (pd->len - pd->pos >= need)
		return 1;
	if (pd->mapped)
		return 0;	/* sorted mode: buf is the whole data section */
	if (pd_compact(pd, err, errlen) < 0)
		return -1;
	if (pd->in_z)
		return pd_z_fill(pd, need, err, errlen);
	while (pd->len < need && !pd->eof) {
		uint64_t at = pd->buf_off + pd->len;
		size_t want = PD_BUFSZ - pd->len;
		ssize_t n;

		if (at >= pd->end) {
			pd->eof = 1;
			break;
		}
		if ((uint64_t)want > pd->end - at)
			want = (size_t)(pd->end - at);
		n = read(pd->fd, pd->buf + pd->len, want);
		if (n < 0) {
			if (errno == EINTR && !(pd->stopping && pd->stopping()))
				continue;
			pd_err(pd, err, errlen, at, "read error: %s",
			       strerror(errno));
			return -1;
		}
		if (n == 0) {
			pd->eof = 1;
			break;
		}
		pd->len += (size_t)n;
	}
	return pd->len >= need;
}

int pd_take(struct perfdata *pd, void *dst, uint64_t n, const char *what, char *err,
	    size_t errlen)
{
	unsigned char *d = dst;
	uint64_t start = pd_off(pd);

	while (n) {
		size_t chunk = n > PD_BUFSZ ? PD_BUFSZ : (size_t)n;
		size_t have;
		int r = pd_fill(pd, 1, err, errlen);

		if (r < 0)
			return -1;
		if (r == 0) {
			pd_err(pd, err, errlen, start,
			       "truncated %s: %llu more bytes expected at offset %llu",
			       what, (unsigned long long)n,
			       (unsigned long long)pd_off(pd));
			return -1;
		}
		have = pd->len - pd->pos;
		if (chunk > have)
			chunk = have;
		if (d) {
			memcpy(d, pd->buf + pd->pos, chunk);
			d += chunk;
		}
		pd->pos += chunk;
		n -= chunk;
	}
	return 0;
}

void perfdata_hold(struct perfdata *pd)
{
	pd->hold = 1;
}

uint64_t perfdata_offset(const struct perfdata *pd)
{
	return pd->rec_off;
}

uint64_t perfdata_held_bytes(const struct perfdata *pd)
{
	return (uint64_t)(1 + pd->nretired + pd->npool) * PD_BUFSZ + pd->z_held;
}

void perfdata_release(struct perfdata *pd, uint64_t off)
{
	unsigned n = 0, i;

	while (n < pd->nretired && pd->retired[n].end <= off) {
		unsigned char *m = pd->retired[n++].mem;

		if (pd->npool < PD_POOL)
			pd->pool[pd->npool++] = m;
		else
			free(m);
	}
	if (!n)
		return;
	for (i = n; i < pd->nretired; i++)
		pd->retired[i - n] = pd->retired[i];
	pd->nretired -= n;
}
