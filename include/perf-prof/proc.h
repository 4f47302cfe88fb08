/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the running system says about itself in /proc and /sys: small
 * files read whole, the threads and name of a process, the online CPUs.
 * Every read is bounded and never waits (a FIFO or /dev/zero behind a
 * path is an error, not a hang).
 */
#ifndef PERF_PROF_PROC_H
#define PERF_PROF_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <perf-prof/idlist.h>

/*
 * A whole small file at @path into a malloc'ed NUL-terminated buffer
 * (*@len its length when not NULL).  NULL with errno set on failure,
 * EFBIG past 16 MiB.
 */
char *read_file(const char *path, size_t *len);
/* an integer from a /proc/sys or /sys file, @def if it cannot be read */
long read_file_long(const char *path, long def);

/* every thread of process @pid appended to @tids; -1 + message if no such pid */
int proc_threads(int pid, struct id_list *tids, char *err, size_t errlen);
/* the process (thread group) thread @tid belongs to; @tid itself if unknown */
int proc_tgid(int tid);
/* the name of task @pid (its first line, cut to @len - 1); "<...>" and false if unknown */
bool proc_comm(int pid, char *buf, size_t len);

/*
 * Is process @pid a VM, by its descriptors: 1 if it holds /dev/kvm (or a
 * KVM VM's descriptor) open, 0 if not, -1 if /proc/PID/fd cannot be read.
 */
int proc_holds_kvm(int pid);

/* online CPUs from /sys/devices/system/cpu/online */
int online_cpus(struct id_list *out, char *err, size_t errlen);

#endif
