/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A copy of a guest's /proc/kallsyms as a symbol table.  Its addresses are
 * the running kernel's, KASLR offset included, so it names guest RIPs
 * where the vmlinux alone cannot.
 */
#ifndef PERF_PROF_KALLSYMS_H
#define PERF_PROF_KALLSYMS_H

#include <stddef.h>

struct elfsym;

/*
 * The text symbols (types t, T, w, W) of a kallsyms copy: lines
 * "ADDRESS TYPE NAME" or "ADDRESS TYPE NAME\t[MODULE]" (the module is kept
 * in the name after a tab).  NULL + one line in err:
 *   "cannot open kallsyms 'PATH': ..."
 *   "'PATH' is not a kallsyms copy: line N is not 'ADDRESS TYPE NAME'"
 *   "'PATH': every address is 0: it was read without the right to see them
 *    (kptr_restrict); copy the guest's /proc/kallsyms as root"
 *   "'PATH' has no text symbol"
 */
struct elfsym *kallsyms_open(const char *path, char *err, size_t errlen);

#endif
