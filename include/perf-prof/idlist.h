/* SPDX-License-Identifier: GPL-2.0-only */
/* A list of ids (CPUs, pids, tids, vCPUs), kept sorted for lookups. */
#ifndef PERF_PROF_IDLIST_H
#define PERF_PROF_IDLIST_H

struct id_list {
	int n;
	int *id;
};

/*
 * "a,b-c,...": ranges only when @ranges, values in [@min, @lim], sorted
 * and unique.  Returns 0, -1 for bad syntax, or -2 with *@over set to a
 * value above @lim.  The callers word the message (parse.h, proc.h).
 */
int id_list_parse(const char *s, int ranges, long min, long lim, struct id_list *out,
		  long *over);
/* strict decimal at *@p: digits only, no sign, at most @max; advances *@p */
int id_parse_num(const char **p, long max, long *v);
/* append @v, growing the array (*@cap tracks its size); -1 out of memory */
int id_list_push(struct id_list *l, int *cap, int v);
/* sort ascending and drop repeats */
void id_list_sort_uniq(struct id_list *l);
/* is @id in the sorted list @l? */
int id_list_has(const struct id_list *l, int id);
/* free the ids; @l is left empty and reusable */
void id_list_free(struct id_list *l);

#endif
