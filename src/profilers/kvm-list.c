// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit-reason names where a run finds them: this kernel's kvm_exit format
 * in tracefs (--list-reasons, a live --filter), or a recording's own
 * (--list-reasons --input).
 */
#include <stdio.h>
#include <stdlib.h>
#include <perf-prof/kvm-reasons.h>
#include <perf-prof/perfdata.h>
#include <perf-prof/tep.h>
#include <perf-prof/tracefs.h>
#include <traceevent/event-parse.h>

/* this kernel's kvm_exit format, into @r; the tep handle to free after */
static struct tep_handle *kernel_reasons(struct kvm_reasons *r, char *err, size_t errlen)
{
	static const char *const exit_event[] = { "kvm:kvm_exit" };
	struct tep_handle *tep;
	char dir[256];

	if (!tracefs_dir(dir, sizeof(dir), err, errlen))
		return NULL;
	tep = pp_tep_from_tracefs(dir, exit_event, 1, err, errlen);
	if (tep && kvm_reasons_load(r, pp_tep_find(tep, exit_event[0]), err, errlen) < 0) {
		tep_free(tep);
		return NULL;
	}
	return tep;
}

static int list_file(const char *input, FILE *out, char *err, size_t errlen)
{
	struct perfdata *pd = perfdata_open(input, NULL, err, errlen);
	struct kvm_reasons r;
	char what[512];
	struct tep_handle *tep;

	if (!pd)
		return 1;
	tep = perfdata_tep(pd);
	if (!tep || kvm_reasons_load(&r, pp_tep_find(tep, "kvm:kvm_exit"), err, errlen) < 0) {
		if (!tep)
			snprintf(err, errlen, "%s has no event formats (no tracepoints recorded)",
				 input);
		perfdata_close(pd);
		return 1;
	}
	snprintf(what, sizeof(what), "%s's format", input);
	kvm_reasons_list(&r, out, what);
	kvm_reasons_free(&r);
	perfdata_close(pd);
	return 0;
}

int kvm_list_reasons(const char *input, FILE *out, char *err, size_t errlen)
{
	struct kvm_reasons r;
	struct tep_handle *tep;

	if (input)
		return list_file(input, out, err, errlen);
	tep = kernel_reasons(&r, err, errlen);
	if (!tep)
		return 1;
	kvm_reasons_list(&r, out, "this kernel's format");
	kvm_reasons_free(&r);
	tep_free(tep);
	return 0;
}

int kvm_filter_names(struct tep_event *exit, const char *expr, char **out, char *err,
		     size_t errlen)
{
	struct tep_handle *tep = NULL;
	struct kvm_reasons r;

	if (exit && kvm_reasons_load(&r, exit, err, errlen) < 0)
		return 1;
	if (!exit && !(tep = kernel_reasons(&r, err, errlen)))
		return 1;
	*out = kvm_reasons_filter(&r, expr, err, errlen);
	kvm_reasons_free(&r);
	if (tep)
		tep_free(tep);
	return *out ? 0 : 2;
}
