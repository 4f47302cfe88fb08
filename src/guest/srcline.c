// SPDX-License-Identifier: GPL-2.0-only
/*
 * file:line through libdw: the compile unit covering the address
 * (dwarf_addrdie, by .debug_aranges or the units' own ranges), then the
 * last line-table row at or before it (dwarf_getsrc_die), named with the
 * unit's directory as addr2line does.  Lookups happen only for the few
 * addresses a table prints, so nothing is cached.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elfutils/libdw.h>
#include <perf-prof/srcline.h>

struct srcline {
	int fd;
	Dwarf *dw;
};

struct srcline *srcline_open(const char *path)
{
	struct srcline *s;
	struct stat st;
	Dwarf_Off off = 0, next;
	size_t hsize;
	int fd, lines = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return NULL;
	}
	s->fd = fd;
	s->dw = dwarf_begin(fd, DWARF_C_READ);
	if (!s->dw)
		goto none;
	/* is there a line table at all? (DWARF with types only has none) */
	while (!lines && dwarf_nextcu(s->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Lines *l;
		size_t n;

		if (dwarf_offdie(s->dw, off + hsize, &cu) &&
		    dwarf_getsrclines(&cu, &l, &n) == 0 && n)
			lines = 1;
		off = next;
	}
	if (lines)
		return s;
none:
	srcline_close(s);
	return NULL;
}

const char *srcline_find(struct srcline *s, uint64_t addr, char *buf, size_t len)
{
	Dwarf_Die cu;
	Dwarf_Line *line;
	const char *file;
	int no;

	if (!buf || !len)
		return buf;
	if (s && dwarf_addrdie(s->dw, addr, &cu) && (line = dwarf_getsrc_die(&cu, addr)) &&
	    (file = dwarf_linesrc(line, NULL, NULL)) && dwarf_lineno(line, &no) == 0) {
		snprintf(buf, len, "%s:%d", file, no);
		return buf;
	}
	snprintf(buf, len, "??:0");
	return buf;
}

void srcline_close(struct srcline *s)
{
	if (!s)
		return;
	if (s->dw)
		dwarf_end(s->dw);
	close(s->fd);
	free(s);
}
