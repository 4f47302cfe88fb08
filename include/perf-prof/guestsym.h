/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest symbols for --top-rip: a guest vmlinux (--vmlinux), shifted by
 * the guest kernel's KASLR offset (--kaslr-offset, or found by comparing
 * it with --kallsyms), and/or a copy of the guest's /proc/kallsyms, whose
 * addresses are the running kernel's.  Names are "symbol+0xoff"; a
 * vmlinux with DWARF line tables also gives "file:line".
 */
#ifndef PERF_PROF_GUESTSYM_H
#define PERF_PROF_GUESTSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct guestsym;

struct guestsym_opts {
	const char *vmlinux;	/* or NULL */
	const char *kallsyms;	/* or NULL */
	bool have_offset;	/* --kaslr-offset given */
	uint64_t offset;	/* runtime address = vmlinux address + offset */
	int verbose;		/* say the offset found on stderr */
};

/*
 * Load what @o names.  With a vmlinux and a kallsyms copy the offset is
 * the one most of the symbols both hold agree on, and must agree with an
 * explicit one.  NULL + one line in err (every failure is a file that
 * cannot serve: exit status 2).
 */
struct guestsym *guestsym_open(const struct guestsym_opts *o, char *err, size_t errlen);

/* "symbol+0xoff" ("symbol+0xoff [module]" from kallsyms), or "0x<rip>" */
const char *guestsym_name(struct guestsym *g, uint64_t rip, char *buf, size_t len);

/* does guestsym_line() know lines (a vmlinux with DWARF line tables)? */
bool guestsym_has_lines(const struct guestsym *g);
/* "file:line" of @rip as addr2line prints it, "??:0" if none */
const char *guestsym_line(struct guestsym *g, uint64_t rip, char *buf, size_t len);


/*
 * At the end of a run: when no guest kernel address that was named fell
 * inside a symbol (a randomized guest named from its vmlinux alone, a
 * wrong offset, another guest's kallsyms), one line on @f saying so and
 * what to give instead.  Prints nothing otherwise.
 */
void guestsym_report(const struct guestsym *g, FILE *f);

/* NULL is fine */
void guestsym_close(struct guestsym *g);

#endif
