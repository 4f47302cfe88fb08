// SPDX-License-Identifier: GPL-2.0-only
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <perf-prof/cgroup.h>
#include <perf-prof/proc.h>

/* a mountinfo field, its \040-style escapes undone, into @out */
static void unescape_field(const char *s, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3') {
			out[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = 0;
}

/*
 * The mount point of the cgroup v2 hierarchy, the root -G paths are
 * relative to (/sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified
 * on a hybrid one); false if none is mounted.
 */
static bool cgroup2_root(char *buf, size_t len)
{
	char *info = read_file("/proc/self/mountinfo", NULL), *line, *save = NULL;
	bool found = false;

	for (line = info ? strtok_r(info, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE ... */
		const char *f[5], *p = line, *dash = strstr(line, " - ");
		int i;

		if (!dash || strncmp(dash + 3, "cgroup2 ", 8))
			continue;
		for (i = 0; i < 5 && p; i++) {
			f[i] = p;
			p = strchr(p, ' ');
			p = p ? p + 1 : NULL;
		}
		/* the whole hierarchy, not a bind mount of a part of it */
		if (i < 5 || !p || strncmp(f[3], "/ ", 2))
			continue;
		unescape_field(f[4], (size_t)(p - 1 - f[4]), buf, len);
		found = true;
	}
	free(info);
	return found;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* a cgroup's directory has a cgroup.procs */
static bool cgroup_file(const char *dir)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return access(path, F_OK) == 0;
}

/* @path with its trailing slashes (but a lone "/") cut */
static void cut_slashes(char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = 0;
}

/*
 * -G's PATH, relative to that root or absolute: the cgroup's directory in
 * @abs, its path from the root in @rel ("/" for the root itself).  0, or
 * -1 + message (it does not exist, or is no cgroup).
 */
static int cgroup_resolve(const char *arg, char *abs, size_t abslen, char *rel, size_t rellen,
			  char *err, size_t errlen)
{
	char root[PATH_MAX], real[PATH_MAX], want[PATH_MAX + 256];
	size_t n;

	if (!cgroup2_root(root, sizeof(root)) || !realpath(root, real)) {
		snprintf(err, errlen, "-G needs the cgroup v2 hierarchy, and none is mounted "
			 "(mount -t cgroup2 none /sys/fs/cgroup)");
		return -1;
	}
	snprintf(root, sizeof(root), "%s", real);
	n = strlen(root);
	/* absolute: a path in the hierarchy; else relative to its root */
	if (!strncmp(arg, root, n) && (arg[n] == '/' || !arg[n]))
		snprintf(want, sizeof(want), "%s", arg);
	else
		snprintf(want, sizeof(want), "%s/%s", root, arg + strspn(arg, "/"));
	if (!realpath(want, real) || strncmp(real, root, n) || (real[n] && real[n] != '/')) {
		snprintf(err, errlen, "cgroup '%s' does not exist (no directory %s)", arg, want);
		return -1;
	}
	if (!is_dir(real) || !cgroup_file(real)) {
		snprintf(err, errlen, "'%s' is not a cgroup (%s has no cgroup.procs)", arg, real);
		return -1;
	}
	snprintf(abs, abslen, "%s", real);
	snprintf(rel, rellen, "%s", real[n] ? real + n + 1 : "/");
	cut_slashes(rel);
	return 0;
}

/* is @in (a path from the root) @outer itself or inside it? */
static bool within(const char *in, const char *outer)
{
	size_t n = strlen(outer);

	if (!strcmp(outer, "/"))
		return true;
	return !strncmp(in, outer, n) && (in[n] == '/' || !in[n]);
}

/* @path, named @name, into @l unless it is there; -1 + message if nested */
static int cgroup_add(struct cgroup_list *l, const char *path, const char *name, char *err,
		      size_t errlen)
{
	char **p, **q;
	int i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->name[i], name))
			return 0;	/* named twice: traced once */
		if (within(name, l->name[i]) || within(l->name[i], name)) {
			snprintf(err, errlen, "cgroup '%s' is inside '%s': their tasks would be "
				 "counted twice; name one of them", within(name, l->name[i]) ?
				 name : l->name[i], within(name, l->name[i]) ? l->name[i] : name);
			return -1;
		}
	}
	p = realloc(l->path, sizeof(char *) * (l->n + 1));
	if (p)
		l->path = p;
	q = p ? realloc(l->name, sizeof(char *) * (l->n + 1)) : NULL;
	if (q)
		l->name = q;
	if (!p || !q || !(l->path[l->n] = strdup(path)))
		goto oom;
	if (!(l->name[l->n] = strdup(name))) {
		free(l->path[l->n]);
		goto oom;
	}
	l->n++;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int cgroup_list_parse(const char *arg, struct cgroup_list *l, char *err, size_t errlen)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	char abs[PATH_MAX], rel[PATH_MAX];
	int r = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!*arg) {
		snprintf(err, errlen, "-G needs a cgroup path, e.g. machine.slice");
		r = -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save))
		if (cgroup_resolve(tok, abs, sizeof(abs), rel, sizeof(rel), err, errlen) < 0 ||
		    cgroup_add(l, abs, rel, err, errlen) < 0)
			r = -1;
	free(copy);
	return r;
}

void cgroup_list_free(struct cgroup_list *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(l->path[i]);
		free(l->name[i]);
	}
	free(l->path);
	free(l->name);
	memset(l, 0, sizeof(*l));
}
