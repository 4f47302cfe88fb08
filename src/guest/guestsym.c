// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest symbols under KASLR.  A guest kernel runs at its link address
 * plus a random offset chosen at boot, so its vmlinux names nothing until
 * the offset is known.  The guest's /proc/kallsyms holds the runtime
 * addresses: on its own it names text symbols; next to the vmlinux it
 * gives the offset (the difference most symbols both hold agree on), and
 * the vmlinux then gives exact sizes and, from its DWARF, file:line.
 *
 * Lookup: the vmlinux at rip - offset first, then kallsyms (which also
 * holds the modules' symbols).  Every guest kernel address named (upper
 * canonical half) is remembered as found or not, so that a run where none
 * was found can say why (guestsym_report()).
 */
#include <stdlib.h>
#include <string.h>
#include <perf-prof/elfsym.h>
#include <perf-prof/errmsg.h>
#include <perf-prof/guestsym.h>
#include <perf-prof/kallsyms.h>
#include <perf-prof/srcline.h>
#include <perf-prof/tests-only.h>
#include <perf-prof/u64map.h>

struct guestsym {
	struct elfsym *vm, *ks;
	struct srcline *lines;
	uint64_t offset;
	bool have_offset, detected;
	char *vmlinux, *kallsyms;
	struct u64map seen;	/* guest kernel addresses named → found (1) or not (0) */
	uint64_t found, missed;	/* distinct ones */
};

struct named {
	const char *name;
	uint64_t addr;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The symbols of @es sorted by name, those whose name occurs once only
 * (static functions of one name in several files say nothing), and no
 * module symbol of kallsyms (not in the vmlinux).  Returns the count.
 */
static size_t unique_names(const struct elfsym *es, struct named **out)
{
	size_t n = elfsym_count(es), i, k = 0, j;
	struct named *v = malloc((n ? n : 1) * sizeof(*v));

	*out = v;
	if (!v)
		return 0;
	for (i = 0; i < n; i++) {
		elfsym_at(es, i, &v[k].addr, &v[k].name);
		if (!strchr(v[k].name, '\t'))
			k++;
	}
	qsort(v, k, sizeof(*v), cmp_named);
	for (i = 0, n = 0; i < k; i = j) {
		for (j = i + 1; j < k && !strcmp(v[j].name, v[i].name); j++)
			;
		if (j == i + 1)
			v[n++] = v[i];
	}
	return n;
}

/*
 * The KASLR offset: kallsyms address - vmlinux address over the names
 * both hold once; the most common difference, if a majority agrees.
 */
static int detect_offset(struct guestsym *g, int verbose, char *err, size_t errlen)
{
	struct named *a = NULL, *b = NULL;
	uint64_t *d = NULL, best = 0;
	size_t na, nb, i = 0, j = 0, n = 0, run, agree = 0;
	int ret = -1;

	na = unique_names(g->vm, &a);
	nb = unique_names(g->ks, &b);
	d = malloc((na < nb ? na : nb) * sizeof(*d) + 1);
	if (!a || !b || !d) {
		errmsg(err, errlen, "out of memory comparing '%s' with '%s'", g->vmlinux,
		       g->kallsyms);
		goto out;
	}
	while (i < na && j < nb) {
		int c = strcmp(a[i].name, b[j].name);

		if (c == 0)
			d[n++] = b[j].addr - a[i].addr;
		i += c <= 0;
		j += c >= 0;
	}
	if (!n) {
		errmsg(err, errlen, "'%s' and '%s' have no symbol in common: not the same "
		       "kernel build", g->vmlinux, g->kallsyms);
		goto out;
	}
	qsort(d, n, sizeof(*d), cmp_u64);
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && d[i + run] == d[i]; run++)
			;
		if (run > agree) {
			agree = run;
			best = d[i];
		}
	}
	if (agree < 2 || 2 * agree <= n) {
		errmsg(err, errlen, "cannot find the KASLR offset: of the %zu symbols '%s' and "
		       "'%s' both hold, at most %zu agree on one offset: not the same kernel "
		       "build", n, g->vmlinux, g->kallsyms, agree);
		goto out;
	}
	if (g->have_offset && best != g->offset) {
		errmsg(err, errlen, "--kaslr-offset %#llx disagrees with '%s', which puts '%s' "
		       "at offset %#llx (%zu of %zu symbols agree)", (unsigned long long)g->offset,
		       g->kallsyms, g->vmlinux, (unsigned long long)best, agree, n);
		goto out;
	}
	g->offset = best;
	g->detected = true;
	if (verbose)
		fprintf(stderr, "perf-prof: KASLR offset %#llx: '%s' against '%s', %zu of %zu "
			"symbols agree\n", (unsigned long long)best, g->kallsyms, g->vmlinux,
			agree, n);
	ret = 0;
out:
	free(a);
	free(b);
	free(d);
	return ret;
}

struct guestsym *guestsym_open(const struct guestsym_opts *o, char *err, size_t errlen)
{
	struct guestsym *g = calloc(1, sizeof(*g));

	if (err && errlen)
		err[0] = '\0';
	if (!g) {
		errmsg(err, errlen, "out of memory");
		return NULL;
	}
	g->offset = o->have_offset ? o->offset : 0;
	g->have_offset = o->have_offset;
	if (o->vmlinux) {
		g->vmlinux = strdup(o->vmlinux);
		g->vm = elfsym_open(o->vmlinux, err, errlen);
		if (!g->vmlinux || !g->vm)
			goto fail;
		g->lines = srcline_open(o->vmlinux);
	}
	if (o->kallsyms) {
		g->kallsyms = strdup(o->kallsyms);
		g->ks = kallsyms_open(o->kallsyms, err, errlen);
		if (!g->kallsyms || !g->ks)
			goto fail;
	}
	if (g->vm && g->ks && detect_offset(g, o->verbose, err, errlen) < 0)
		goto fail;
	return g;
fail:
	if (err && errlen && !err[0])
		errmsg(err, errlen, "out of memory");
	guestsym_close(g);
	return NULL;
}

/* hex digits of @v after "0x" at @p; returns the end */
static char *hex(char *p, uint64_t v)
{
	return p + sprintf(p, "%#llx", (unsigned long long)v);
}

const char *guestsym_name(struct guestsym *g, uint64_t rip, char *buf, size_t len)
{
	const char *name = NULL, *mod;
	uint64_t off = 0;
	char num[24];
	int found;

	if (!buf || !len)
		return buf;
	found = (g->vm && elfsym_find(g->vm, rip - g->offset, &name, &off)) ||
		(g->ks && elfsym_find(g->ks, rip, &name, &off));
	if (rip >> 63) {
		uint32_t *slot = u64map_slot(&g->seen, rip);

		if (*slot == UINT32_MAX) {
			*slot = found;
			if (found)
				g->found++;
			else
				g->missed++;
		}
	}
	if (!found) {
		hex(num, rip);
		snprintf(buf, len, "%s", num);
		return buf;
	}
	/* kallsyms keeps a module's name after a tab: "sym\t[mod]" */
	mod = strchr(name, '\t');
	num[0] = '\0';
	if (off) {
		num[0] = '+';
		hex(num + 1, off);
	}
	if (mod)
		snprintf(buf, len, "%.*s%s %s", (int)(mod - name), name, num, mod + 1);
	else
		snprintf(buf, len, "%s%s", name, num);
	return buf;
}

bool guestsym_has_lines(const struct guestsym *g)
{
	return g && g->lines;
}

const char *guestsym_line(struct guestsym *g, uint64_t rip, char *buf, size_t len)
{
	return srcline_find(g ? g->lines : NULL, rip - (g ? g->offset : 0), buf, len);
}

uint64_t guestsym_offset(const struct guestsym *g)
{
	return g && g->vm ? g->offset : 0;
}

void guestsym_report(const struct guestsym *g, FILE *f)
{
	if (!g || g->found || !g->missed)
		return;
	fprintf(f, "perf-prof: none of the %llu guest kernel addresses shown lies inside a "
		"symbol of ", (unsigned long long)g->missed);
	if (g->vm && g->detected)
		fprintf(f, "'%s' (at offset %#llx, found with '%s') or '%s': are they from the "
			"guest that was recorded, and its current boot?\n", g->vmlinux,
			(unsigned long long)g->offset, g->kallsyms, g->kallsyms);
	else if (g->vm && g->have_offset)
		fprintf(f, "'%s' shifted by %#llx: is --kaslr-offset right? (--kallsyms with a "
			"copy of the guest's /proc/kallsyms finds it)\n", g->vmlinux,
			(unsigned long long)g->offset);
	else if (g->vm)
		fprintf(f, "'%s': the guest kernel is probably randomized (KASLR); give "
			"--kallsyms (a copy of the guest's /proc/kallsyms) or --kaslr-offset HEX\n",
			g->vmlinux);
	else
		fprintf(f, "'%s': is it a copy of the recorded guest's /proc/kallsyms, from the "
			"same boot?\n", g->kallsyms);
}

void guestsym_close(struct guestsym *g)
{
	if (!g)
		return;
	elfsym_close(g->vm);
	elfsym_close(g->ks);
	srcline_close(g->lines);
	u64map_free(&g->seen);
	free(g->vmlinux);
	free(g->kallsyms);
	free(g);
}
