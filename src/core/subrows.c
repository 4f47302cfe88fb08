// SPDX-License-Identifier: GPL-2.0-only
/*
 * The N biggest sub-rows and the rest summed: a partial selection, since
 * a reason can have thousands of sub-keys (guest pages) and N is ten.
 */
#include <perf-prof/subrows.h>

/* does @a come before @b: a bigger total, or the same and a smaller key */
static int before(const struct lat_row *a, const struct lat_row *b)
{
	return a->sum != b->sum ? a->sum > b->sum : a->key < b->key;
}

/* put @r into the sorted @top of *@k (at most @n): what fell out, or NULL */
static const struct lat_row *insert(const struct lat_row **top, uint32_t *k, uint32_t n,
				    const struct lat_row *r)
{
	const struct lat_row *out = NULL;
	uint32_t i;

	if (*k == n) {
		if (!n || !before(r, top[n - 1]))
			return r;
		out = top[--*k];
	}
	for (i = *k; i > 0 && before(r, top[i - 1]); i--)
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
	td_merge(rest->td, r->td);
}

uint32_t lat_rows_top(const struct lat_inst *in, uint32_t n, const struct lat_row **top,
		      struct lat_row *rest, uint32_t *nrest)
{
	const struct lat_row *out;
	uint32_t i, k = 0;

	*nrest = 0;
	for (i = 0; i < in->nrows; i++) {
		if (!in->rows[i].calls)
			continue;
		out = insert(top, &k, n, &in->rows[i]);
		if (out) {
			add_to(rest, out);
			(*nrest)++;
		}
	}
	return k;
}
