// SPDX-License-Identifier: GPL-2.0-only
/*
 * The N biggest sub-rows and the rest summed: a partial selection, since
 * a reason can have thousands of sub-keys (guest pages) and N is ten.
 * Each row's value is taken once (a p99 is a digest's walk).
 */
#include <stdlib.h>
#include <perf-prof/subrows.h>

struct ranked {
	const struct lat_row *row;
	double val;
};

/* does @a come before @b: a bigger value, or the same and a smaller key */
static int before(const struct ranked *a, const struct ranked *b)
{
	return a->val != b->val ? a->val > b->val : a->row->key < b->row->key;
}

/* put @r into the sorted @top of *@k (at most @n): what fell out, or NULL */
static const struct lat_row *insert(struct ranked *top, uint32_t *k, uint32_t n,
				    struct ranked r)
{
	const struct lat_row *out = NULL;
	uint32_t i;

	if (*k == n) {
		if (!n || !before(&r, &top[n - 1]))
			return r.row;
		out = top[--*k].row;
	}
	for (i = *k; i > 0 && before(&r, &top[i - 1]); i--)
		top[i] = top[i - 1];
	top[i] = r;
	(*k)++;
	return out;
}

static void add_to(struct lat_row *rest, const struct lat_row *r)
{
	if (!rest->calls || r->min < rest->min)
		rest->min = r->min;
	if (r->max > rest->max)
		rest->max = r->max;
	rest->calls += r->calls;
	rest->sum += r->sum;
	rest->extra += r->extra;
	rest->sched += r->sched;
	rest->vmm_calls += r->vmm_calls;
	rest->vmm += r->vmm;
	rest->vmm_sched += r->vmm_sched;
	tdigest_merge(rest->td, r->td);
}

uint32_t lat_rows_top(const struct lat_inst *in, uint32_t n, lat_row_value value, void *arg,
		      const struct lat_row **top, struct lat_row *rest, uint32_t *nrest)
{
	struct ranked *best;
	const struct lat_row *out;
	struct ranked r;
	uint32_t i, k = 0;

	if (n > in->nrows)
		n = in->nrows;	/* --detail=1000000 */
	best = malloc(sizeof(*best) * (n ? n : 1));
	if (!best)
		abort();
	*nrest = 0;
	for (i = 0; i < in->nrows; i++) {
		if (!in->rows[i].calls)
			continue;
		r.row = &in->rows[i];
		r.val = value ? value(arg, &in->rows[i]) : (double)in->rows[i].sum;
		out = insert(best, &k, n, r);
		if (out) {
			add_to(rest, out);
			(*nrest)++;
		}
	}
	for (i = 0; i < k; i++)
		top[i] = best[i].row;
	free(best);
	return k;
}
