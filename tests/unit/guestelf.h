/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest "vmlinux" built at test time, for the symbol tests: 16 functions
 * handler_00 .. handler_15 of 0x1000 bytes each from GUESTELF_BASE (where
 * gen-perfdata --hot-rips puts its RIPs), written in assembler with one
 * source line per 16 bytes and assembled with DWARF line tables (as -g),
 * so every hot RIP has its own file:line.  What is expected of it comes
 * from binutils (nm, addr2line), not from the code under test.
 */
#ifndef PP_TESTS_GUESTELF_H
#define PP_TESTS_GUESTELF_H

#include <stddef.h>
#include <stdint.h>

#define GUESTELF_BASE	0xffffffff81000000ULL

/*
 * In @dir: g.s, vmlinux (symbols and DWARF), vmlinux.nodebug (symbols
 * only: strip --strip-debug).  0, or -1 with a message in @err.
 */
int guestelf_build(const char *dir, char *err, size_t errlen);

/*
 * @dir/@name: a kallsyms copy of @dir/vmlinux's symbols ("%016llx T name"
 * lines, nm's types) with every address moved by @offset, as the guest
 * booted with that KASLR offset would list them.  0 or -1.
 */
int guestelf_kallsyms(const char *dir, const char *name, uint64_t offset, char *err,
		      size_t errlen);

/* what `addr2line -e @dir/vmlinux @addr` prints (no newline), malloc'd; NULL on failure */
char *guestelf_addr2line(const char *dir, uint64_t addr);

#endif
