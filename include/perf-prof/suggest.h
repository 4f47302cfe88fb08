/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "Did you mean": the known word closest to a mistyped one, as git and
 * perf suggest a command (kvm-exti -> kvm-exit, --intervall -> --interval).
 */
#ifndef PERF_PROF_SUGGEST_H
#define PERF_PROF_SUGGEST_H

#include <stddef.h>

/*
 * Of the @n words @cands (NULL entries skipped), the one @typed most
 * likely meant: the nearest within a third of its length (at least one
 * edit, at most three), else the only word @typed begins; NULL if none,
 * or if two are equally near.
 */
const char *suggest(const char *typed, const char *const *cands, size_t n);

#endif
