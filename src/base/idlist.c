// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <perf-prof/idlist.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int id_list_push(struct id_list *l, int *cap, int v)
{
	if (l->n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		int *nid = realloc(l->id, ncap * sizeof(int));

		if (!nid)
			return -1;
		l->id = nid;
		*cap = ncap;
	}
	l->id[l->n++] = v;
	return 0;
}

void id_list_sort_uniq(struct id_list *l)
{
	int i, j = 0;

	if (!l->n)
		return;	/* an empty list may have no array: qsort(NULL) is undefined */
	qsort(l->id, l->n, sizeof(int), cmp_int);
	for (i = 0; i < l->n; i++)
		if (j == 0 || l->id[j - 1] != l->id[i])
			l->id[j++] = l->id[i];
	l->n = j;
}

int id_list_has(const struct id_list *l, int id)
{
	int lo = 0, hi = l->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (l->id[mid] == id)
			return 1;
		if (l->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

void id_list_free(struct id_list *l)
{
	free(l->id);
	l->id = NULL;
	l->n = 0;
}

int id_parse_num(const char **p, long max, long *v)
{
	const char *s = *p;
	long x = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		x = x * 10 + (*s - '0');
		if (x > max)
			return -1;
		s++;
	}
	*p = s;
	*v = x;
	return 0;
}

int id_list_parse(const char *s, int ranges, long min, long lim, struct id_list *out,
		  long *over)
{
	const char *p = s;
	long a, b, c;
	int cap = 0;

	out->n = 0;
	out->id = NULL;
	if (!s || !*s)
		return -1;
	for (;;) {
		if (id_parse_num(&p, 0x7fffffff, &a) < 0 || a < min)
			goto bad;
		b = a;
		if (ranges && *p == '-') {
			p++;
			if (id_parse_num(&p, 0x7fffffff, &b) < 0 || b < a)
				goto bad;
		}
		if (b > lim) {
			*over = b;
			id_list_free(out);
			return -2;
		}
		for (c = a; c <= b; c++)
			if (id_list_push(out, &cap, c) < 0)
				goto bad;
		if (*p == 0)
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	id_list_sort_uniq(out);
	return 0;
bad:
	id_list_free(out);
	return -1;
}
