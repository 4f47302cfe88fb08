/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest code attribution: turn the guest RIP/PC of a kvm:kvm_exit into
 * "symbol+0xoff" with the symbol table of the guest's vmlinux (or of any
 * ELF file), in place of `addr2line -e vmlinux -f ADDR`.
 *
 * elfsym_open() reads .symtab (.dynsym only when there is no .symtab) of
 * an ELF32 or ELF64 file once; afterwards the file is closed and lookups
 * are a binary search over a sorted array, with no allocation, so
 * elfsym_find() can be called for every exit.  A loaded table is
 * read-only: lookups from several threads need no lock.
 */
#ifndef PERF_PROF_ELFSYM_H
#define PERF_PROF_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

struct elfsym;

/*
 * Load the function and object symbols of an ELF file (a guest vmlinux, or
 * any ELF).  NULL + a one-line message in err on failure:
 *   "cannot open vmlinux 'PATH': No such file or directory"
 *   "'PATH' is not an ELF file"
 *   "'PATH' has no symbol table (stripped?): rebuild it with symbols or use the unstripped vmlinux"
 * (the last one also when the tables hold no usable symbol, as the .dynsym
 * of a stripped executable holding only imports).  err may be NULL.
 */
struct elfsym *elfsym_open(const char *path, char *err, size_t errlen);

/* number of symbols kept (one per address) */
size_t elfsym_count(const struct elfsym *es);

/* symbol @i, in address order: its address and name; 0 when @i is past the end */
int elfsym_at(const struct elfsym *es, size_t i, uint64_t *addr, const char **name);

/* the symbol covering @addr: its name and @addr's offset into it; 0 if none does */
int elfsym_find(const struct elfsym *es, uint64_t addr, const char **name, uint64_t *off);

/*
 * A table from a list of symbols without sizes (a copy of /proc/kallsyms):
 * NUL-terminated @name, @rank (higher wins at one address).  Each covers
 * up to the next symbol's address, 64 KiB at most.  @defs is reordered.
 * NULL + "'PATH': ..." in err when none is usable or memory runs out.
 */
struct elfsym_def {
	uint64_t addr;
	const char *name;
	uint32_t rank;
};
struct elfsym *elfsym_build(struct elfsym_def *defs, size_t n, const char *path,
			    char *err, size_t errlen);

/* NULL is fine */
void elfsym_close(struct elfsym *es);

#endif
