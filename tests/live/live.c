// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "live.h"
#include <perf-prof/proc.h>
#include <perf-prof/tracefs.h>

#ifndef PERF_PROF_BIN
#define PERF_PROF_BIN "./perf-prof"
#endif
#ifndef TOOLS_DIR
#define TOOLS_DIR "build/tests/tools"
#endif

static char *slurp(const char *path)
{
	char *s = read_file(path, NULL);

	return s ? s : strdup("");
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* waitpid with a deadline; SIGKILL after it */
static int wait_exit(pid_t pid, int timeout_ms)
{
	int status, waited = 0;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (waited >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 137;
		}
		msleep(10);
		waited += 10;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static pid_t spawn(const char *bin, const char *const *args, int in_fd, const char *out,
		   const char *err)
{
	const char *argv[64];
	pid_t pid;
	int i = 0;

	argv[i++] = bin;
	while (args && *args && i < 62)
		argv[i++] = *args++;
	argv[i] = NULL;
	pid = fork();
	if (pid == 0) {
		if (in_fd >= 0)
			dup2(in_fd, 0);
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 1);
			close(fd);
		}
		if (err) {
			int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 2);
			close(fd);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void tmpnames(char *out, char *err, size_t len)
{
	static int seq;

	snprintf(out, len, "/tmp/pp-live-%d-%d.out", getpid(), seq);
	snprintf(err, len, "/tmp/pp-live-%d-%d.err", getpid(), seq++);
}

/* a thread of @pid other than its leader, waiting up to 5 s for one; 0 if none */
static int other_thread(pid_t pid)
{
	char path[64];
	int waited, tid = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	for (waited = 0; waited < 5000 && !tid; waited += 10) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (atoi(de->d_name) > 0 && atoi(de->d_name) != pid)
				tid = atoi(de->d_name);
		if (d)
			closedir(d);
		if (!tid)
			msleep(10);
	}
	return tid;
}

/* @arg with every {PID} and {TID} replaced */
static void substitute(const char *arg, char *buf, size_t len, pid_t pid, int tid)
{
	size_t n = 0;

	while (*arg && n + 1 < len) {
		if (!strncmp(arg, "{PID}", 5) || !strncmp(arg, "{TID}", 5)) {
			n += snprintf(buf + n, len - n, "%d", arg[1] == 'P' ? pid : tid);
			arg += 5;
		} else {
			buf[n++] = *arg++;
		}
	}
	buf[n < len ? n : len - 1] = 0;
}

/*
 * until @pid sleeps in read() on its standard input (the go pipe), up to
 * 5 s: a tracer started earlier would count the workload's own start-up
 * (the loader's mmap and read calls) on top of what it was asked to do
 */
#ifdef __aarch64__
#define READ_FD0 "63 0x0 "
#else
#define READ_FD0 "0 0x0 "	/* x86_64 */
#endif

static void wait_blocked_on_go(pid_t pid)
{
	char path[64];
	int waited;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (waited = 0; waited < 5000; waited += 5) {
		char *s = slurp(path);
		/* "NR 0x0 ...": read of fd 0, asleep */
		int ready = !strncmp(s, READ_FD0, strlen(READ_FD0)) || !*s;

		free(s);
		if (ready)
			return;
		msleep(5);
	}
}

int live_run(const char *const *pp_args, const char *const *wl_args, int flags,
	     struct run_result *res)
{
	char out[128], err[128], *text, subst[64][128];
	const char *args[64];
	int go[2], i, waited, tid = 0;
	pid_t wl, pp;

	memset(res, 0, sizeof(*res));
	tmpnames(out, err, sizeof(out));
	if (pipe(go) < 0)
		return -1;
	wl = spawn(TOOLS_DIR "/workload", wl_args, go[0], "/dev/null", NULL);
	close(go[0]);
	for (i = 0; pp_args[i] && i < 62; i++)
		if (strstr(pp_args[i], "{TID}") && !tid)
			tid = other_thread(wl);
	for (i = 0; pp_args[i] && i < 62; i++) {
		substitute(pp_args[i], subst[i], sizeof(subst[i]), wl, tid);
		args[i] = subst[i];
	}
	args[i] = NULL;
	wait_blocked_on_go(wl);
	pp = spawn(pp_bin(), args, -1, out, err);
	for (waited = 0; waited < 20000; waited += 20) {
		text = slurp(err);
		if (strstr(text, "Tracing")) {
			free(text);
			break;
		}
		free(text);
		if (waitpid(pp, NULL, WNOHANG) == pp) {
			pp = -1;
			break;
		}
		msleep(20);
	}
	if (pp > 0 && (flags & LIVE_STOP_READER))
		kill(pp, SIGSTOP);
	if (write(go[1], "g", 1) != 1)
		perror("write go");
	close(go[1]);
	wait_exit(wl, 120000);
	if (pp > 0 && (flags & LIVE_STOP_READER))
		kill(pp, SIGCONT);
	if (pp > 0) {
		if (flags & (LIVE_SIGINT | LIVE_SIGTERM | LIVE_SIGHUP)) {
			msleep(50);
			kill(pp, flags & LIVE_SIGTERM ? SIGTERM : flags & LIVE_SIGHUP ? SIGHUP : SIGINT);
		}
		res->code = wait_exit(pp, 60000);
	} else {
		res->code = -1;
	}
	res->out = slurp(out);
	res->err = slurp(err);
	unlink(out);
	unlink(err);
	return 0;
}

int pp_run(const char *const *args, struct run_result *res)
{
	char out[128], err[128];
	pid_t pp;

	memset(res, 0, sizeof(*res));
	tmpnames(out, err, sizeof(out));
	pp = spawn(pp_bin(), args, -1, out, err);
	res->code = wait_exit(pp, 60000);
	res->out = slurp(out);
	res->err = slurp(err);
	unlink(out);
	unlink(err);
	return 0;
}

void run_result_free(struct run_result *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof(*res));
}
