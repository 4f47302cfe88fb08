/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names a profiler's rows can have on this machine's architecture,
 * for shell completion: kvm-exit's exit reasons (VMX and SVM on x86, the
 * exception types and classes on ARM64, as the built-in tables name
 * them), syscalls' system calls (libseccomp's table).
 */
#ifndef PERF_PROF_REASON_NAMES_H
#define PERF_PROF_REASON_NAMES_H

#include <stdio.h>

/* one name a line, each once; 0, or -1 for a profiler of no known names */
int reason_names_list(const char *profiler, FILE *f);

#endif
