// SPDX-License-Identifier: GPL-2.0-only
/* The profiler table: main() dispatches through it, --help lists it. */
#include <stddef.h>
#include <perf-prof/latency.h>

const struct lat_class *const lat_profilers[] = {
	&kvm_exit_class,
	&syscalls_class,
	NULL,
};
