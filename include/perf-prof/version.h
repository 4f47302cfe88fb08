/* SPDX-License-Identifier: GPL-2.0-only */
/* The version --version prints and perf_prof_build_info exports. */
#ifndef PERF_PROF_VERSION_H
#define PERF_PROF_VERSION_H

#define PERF_PROF_VERSION "0.1.0"

#endif
