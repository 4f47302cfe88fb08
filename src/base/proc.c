// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/proc.h>

/*
 * Whole small files: formats, /proc and /sys entries.  Bounded, so that
 * a path that is no such file (/dev/zero behind PERF_PROF_TRACEFS) ends
 * in an error, not in all of memory.
 */
#define READ_FILE_MAX	((size_t)16 << 20)

char *read_file(const char *path, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf, *nb;
	ssize_t r;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);	/* a FIFO must not hang */
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		if (n + 1 >= cap) {
			if (cap >= READ_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

long read_file_long(const char *path, long def)
{
	char *p = read_file(path, NULL);
	long v = p ? strtol(p, NULL, 10) : def;

	free(p);
	return v;
}

int proc_threads(int pid, struct id_list *tids, char *err, size_t errlen)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int cap = tids->n;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		snprintf(err, errlen, "process %d does not exist", pid);
		return -1;
	}
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);

		if (tid <= 0)
			continue;
		if (id_list_push(tids, &cap, tid) < 0) {
			closedir(d);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int proc_tgid(int tid)
{
	char path[64], *st, *p;
	int tgid = tid;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	st = read_file(path, NULL);
	p = st ? strstr(st, "\nTgid:") : NULL;
	if (p)
		tgid = atoi(p + 6);
	free(st);
	return tgid > 0 ? tgid : tid;
}

bool proc_comm(int pid, char *buf, size_t len)
{
	char path[64], *comm;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm = read_file(path, NULL);
	if (!comm || !*comm) {
		free(comm);
		snprintf(buf, len, "<...>");
		return false;
	}
	/* the kernel ends it with a newline; a name may hold one of its own */
	n = strlen(comm);
	snprintf(buf, len, "%.*s", (int)(n && comm[n - 1] == '\n' ? n - 1 : n), comm);
	free(comm);
	return true;
}

int online_cpus(struct id_list *out, char *err, size_t errlen)
{
	char *buf = read_file("/sys/devices/system/cpu/online", NULL);
	long over;
	int r;

	if (!buf) {
		snprintf(err, errlen, "cannot read /sys/devices/system/cpu/online: %s",
			 strerror(errno));
		return -1;
	}
	buf[strcspn(buf, "\n")] = 0;
	r = id_list_parse(buf, 1, 0, 1 << 20, out, &over);
	if (r < 0)
		snprintf(err, errlen, "invalid CPU list '%s' (expected e.g. 0-3,8)", buf);
	free(buf);
	return r < 0 ? -1 : 0;
}

int proc_holds_kvm(int pid)
{
	char path[64], link[64];
	struct dirent *de;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (!found && (de = readdir(d))) {
		char fd[64 + 256];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(fd, sizeof(fd), "%s/%s", path, de->d_name);
		n = readlink(fd, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		/* a VMM may close /dev/kvm once it has its VM's descriptor */
		found = !strcmp(link, "/dev/kvm") || !strcmp(link, "anon_inode:kvm-vm");
	}
	closedir(d);
	return found;
}
