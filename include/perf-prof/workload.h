/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `perf-prof kvm-exit -- COMMAND [ARGS]`: the command a run lasts for, as
 * perf stat runs its workload.  It is forked before tracing starts and
 * waits; workload_start() lets it exec once the events are enabled, so
 * nothing it does is missed.
 */
#ifndef PERF_PROF_WORKLOAD_H
#define PERF_PROF_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>

struct workload;

/*
 * @argv (NULL-terminated; argv[0] found in PATH as execvp finds it) forked
 * and held before exec.  NULL + message ("cannot run 'x': No such file or
 * directory") when it cannot be run.
 */
struct workload *workload_prepare(char *const *argv, char *err, size_t errlen);
/* let it exec: 0, or -1 + message when exec failed */
int workload_start(struct workload *w, char *err, size_t errlen);
/* has it ended?  (Reaps it: its exit status is then in *@status when not NULL) */
bool workload_done(struct workload *w, int *status);
/* a command still running (the run ended first) gets SIGTERM and is reaped; frees @w */
void workload_free(struct workload *w);

#endif
