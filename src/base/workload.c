// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <perf-prof/workload.h>

struct workload {
	pid_t pid;
	int go;		/* write end: a byte lets it exec, closing it ends it */
	int failed;	/* read end: exec's errno, or end of file once it exec'ed */
	bool done;
	int status;
	char name[64];
};

/* is @name a file execvp would run?  (A name without '/' is looked for in PATH.) */
static bool runnable(const char *name)
{
	const char *path = getenv("PATH"), *p;
	char buf[4096];
	struct stat st;

	if (strchr(name, '/'))
		return stat(name, &st) == 0 && S_ISREG(st.st_mode) && access(name, X_OK) == 0;
	for (p = path ? path : "/usr/bin:/bin"; p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL) {
		size_t len = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, len ? p : ".", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

/* the child: wait for the go byte, exec; its errno to @failed if exec fails */
static void child(char *const *argv, int go, int failed)
{
	char c;
	int e;

	/* what perf-prof ignores, the command must not inherit */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (read(go, &c, 1) != 1)
		_exit(127);	/* perf-prof gave up before it started */
	close(go);
	execvp(argv[0], argv);
	e = errno;
	if (write(failed, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

struct workload *workload_prepare(char *const *argv, char *err, size_t errlen)
{
	struct workload *w;
	int go[2], failed[2];

	if (!argv || !argv[0]) {
		snprintf(err, errlen, "-- needs a command to run");
		return NULL;
	}
	if (!runnable(argv[0])) {
		snprintf(err, errlen, "cannot run '%s': %s", argv[0],
			 strchr(argv[0], '/') && access(argv[0], F_OK) == 0 ? strerror(EACCES) :
			 strerror(ENOENT));
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w || pipe2(go, O_CLOEXEC) < 0 || pipe2(failed, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(errno));
		free(w);
		return NULL;
	}
	w->pid = fork();
	if (w->pid == 0) {
		close(go[1]);
		close(failed[0]);
		child(argv, go[0], failed[1]);
	}
	close(go[0]);
	close(failed[1]);
	w->go = go[1];
	w->failed = failed[0];
	snprintf(w->name, sizeof(w->name), "%s", argv[0]);
	if (w->pid < 0) {
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(errno));
		close(w->go);
		close(w->failed);
		free(w);
		return NULL;
	}
	return w;
}

int workload_start(struct workload *w, char *err, size_t errlen)
{
	ssize_t sent, n = -1;
	int e = EIO;

	sent = write(w->go, "g", 1);
	close(w->go);
	w->go = -1;
	/* end of file: exec closed it; an errno: exec failed */
	if (sent == 1)
		while ((n = read(w->failed, &e, sizeof(e))) < 0 && errno == EINTR)
			;
	close(w->failed);
	w->failed = -1;
	if (sent == 1 && n == 0)
		return 0;
	snprintf(err, errlen, "cannot run '%s': %s", w->name,
		 strerror(n == (ssize_t)sizeof(e) ? e : EIO));
	return -1;
}

bool workload_done(struct workload *w, int *status)
{
	if (!w->done && waitpid(w->pid, &w->status, WNOHANG) == w->pid)
		w->done = true;
	if (w->done && status)
		*status = w->status;
	return w->done;
}

void workload_free(struct workload *w)
{
	if (!w)
		return;
	if (w->go >= 0)
		close(w->go);	/* never started: it exits */
	if (w->failed >= 0)
		close(w->failed);
	if (!workload_done(w, NULL)) {
		kill(w->pid, SIGTERM);
		waitpid(w->pid, &w->status, 0);
	}
	free(w);
}
