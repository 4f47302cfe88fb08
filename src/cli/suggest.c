// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <perf-prof/suggest.h>
#include <perf-prof/tests-only.h>

/* words longer than this are never near anything */
#define WORD_MAX	64

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

int edit_distance(const char *a, const char *b)
{
	int d[WORD_MAX + 1][WORD_MAX + 1];
	int la = (int)strlen(a), lb = (int)strlen(b), i, j;

	if (la > WORD_MAX || lb > WORD_MAX)
		return WORD_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* the only candidate @typed begins, or NULL */
static const char *unique_prefix(const char *typed, const char *const *cands, size_t n)
{
	const char *found = NULL;
	size_t i, len = strlen(typed);

	for (i = 0; i < n; i++) {
		if (!cands[i] || strncmp(cands[i], typed, len))
			continue;
		if (found && strcmp(found, cands[i]))
			return NULL;
		found = cands[i];
	}
	return found;
}

const char *suggest(const char *typed, const char *const *cands, size_t n)
{
	int best = WORD_MAX + 1, limit, len = (int)strlen(typed);
	const char *found = NULL;
	bool tie = false;
	size_t i;

	limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;
	for (i = 0; i < n; i++) {
		int dist;

		if (!cands[i])
			continue;
		dist = edit_distance(typed, cands[i]);
		if (dist < best) {
			best = dist;
			found = cands[i];
			tie = false;
		} else if (dist == best && strcmp(found, cands[i])) {
			tie = true;
		}
	}
	if (found && best <= limit && best > 0 && !tie)
		return found;
	return len ? unique_prefix(typed, cands, n) : NULL;
}
