/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file:line of a guest kernel address from the DWARF line table of its
 * vmlinux (libdw, elfutils), as `addr2line -e vmlinux ADDR` prints it.
 */
#ifndef PERF_PROF_SRCLINE_H
#define PERF_PROF_SRCLINE_H

#include <stddef.h>
#include <stdint.h>

struct srcline;

/*
 * The line tables of an ELF file; NULL when it has no DWARF line
 * information (a vmlinux built without CONFIG_DEBUG_INFO), which is not
 * an error: there is then no file:line to show.
 */
struct srcline *srcline_open(const char *path);

/*
 * "FILE:LINE" for @addr (an address of the file, before any KASLR shift),
 * "??:0" when no line covers it, as addr2line.  Returns buf.
 */
const char *srcline_find(struct srcline *s, uint64_t addr, char *buf, size_t len);

/* NULL is fine */
void srcline_close(struct srcline *s);

#endif
