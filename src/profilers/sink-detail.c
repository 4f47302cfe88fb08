// SPDX-License-Identifier: GPL-2.0-only
/*
 * --detail and --vmm: what each exit was about, and how much of it the
 * VMM took.  The companion events (kvm-detail.h) fire between a kvm_exit
 * and the next kvm_entry of the same vCPU thread; each one leaves what it
 * says in its pending exit's side words: the sub-key (kvm_pio's port,
 * kvm_msr's index, ...) and when kvm_userspace_exit handed the exit to
 * the VMM.  A pair then counts in its reason's sub-row, and the time from
 * the hand-over to the entry is the VMM's.  A companion without a pending
 * exit of its thread is counted (-v), never attributed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <perf-prof/kvm-detail.h>
#include <perf-prof/tracefs.h>
#include "sinks.h"

/* side words: the sub-key, handed to the VMM at, --offcpu's count then */
enum { SUB, VMM_SINCE, VMM_SCHED0, NSIDE };

struct sink_detail {
	struct kvm_detail kd;
	struct sink_detail_cfg cfg;
	uint32_t side;
	struct lat_stats sub;	/* sub-rows: instance row->sub - 1, keyed by sub-key */
	uint32_t nsub;
	uint64_t orphans;	/* companions without a pending exit of their thread */
};

/* a recording without the events --detail reads: what it gets instead */
static void no_detail_events(const struct sink_detail *d)
{
	const char *names[KVM_DETAIL_MAX_EVENTS];
	int i, n = kvm_detail_events(d->kd.arm, KVM_WANT_DETAIL, names);

	fprintf(stderr, "perf-prof: %s has none of the events --detail reads (", d->cfg.input);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i ? " " : "", names[i]);
	fprintf(stderr, ")%s\n", d->kd.io_from_exit ?
		": I/O exits are keyed by their exit qualification, no other reason" :
		": no sub-rows");
}

static int detail_setup(struct lat_sink *sk, const struct engine_info *info, char *err,
			size_t errlen)
{
	struct sink_detail *d = sk->self;
	struct tep_event *exit = pp_tep_find(info->tep, "kvm:kvm_exit");
	int j;

	d->side = sk->side;
	kvm_detail_bind(&d->kd, info->tep, exit, exit && tep_find_field(exit, "vcpu_pc"),
			d->cfg.want);
	/* what is not bound (another architecture's, a layout it cannot read) stays unread */
	for (j = 0; j < sk->nevents; j++)
		if (sk->ids[j] >= 0 && !kvm_detail_has(&d->kd, info->tep, sk->events[j]))
			sk->ids[j] = -1;
	if ((d->cfg.want & KVM_WANT_VMM) &&
	    !kvm_detail_has(&d->kd, info->tep, "kvm:kvm_userspace_exit")) {
		snprintf(err, errlen, "--vmm needs kvm:kvm_userspace_exit events%s",
			 d->cfg.recording ? " in the recording (perf record -e "
			 "kvm:kvm_userspace_exit ...)" : "");
		return 1;
	}
	if ((d->cfg.want & KVM_WANT_DETAIL) &&
	    d->kd.n == !!(d->cfg.want & KVM_WANT_VMM) && d->cfg.recording)
		no_detail_events(d);
	return 0;
}

static void detail_record(void *self, struct pair_table *pairs, const struct pp_record *rec)
{
	struct sink_detail *d = self;
	struct pair_pending *p;
	enum kvm_companion what;
	uint64_t sub = 0, *side;

	what = kvm_detail_decode(&d->kd, rec, &sub);
	if (what == KVM_COMP_NONE)
		return;
	p = pair_pending_at(pairs, rec->tid, rec->time);
	if (!p) {
		d->orphans++;
		return;
	}
	side = p->side + d->side;
	if (what == KVM_COMP_KEY) {
		side[SUB] = kvm_detail_merge(kvm_detail_kind_of(d->kd.arm, p->key), side[SUB],
					     sub);
	} else if (!side[VMM_SINCE]) {
		/* the first hand-over: the VMM may return to KVM_RUN and leave again */
		side[VMM_SINCE] = rec->time;
		if (d->cfg.offcpu_side >= 0)
			side[VMM_SCHED0] = sink_offcpu_sched(p, d->cfg.offcpu_side, rec->time);
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* the scheduled-out ns of pair @p (--offcpu's view), clamped to its latency */
static uint64_t sched_of(const struct sink_detail *d, const struct lat_pair *p)
{
	if (d->cfg.offcpu_side < 0)
		return 0;
	return min_u64(sink_offcpu_sched(p->begin, d->cfg.offcpu_side, p->end->time), p->lat);
}

/* what the VMM took of pair @p into @r: its time there, and of that scheduled out */
static void add_vmm(const struct sink_detail *d, const struct lat_pair *p, struct lat_row *r)
{
	const uint64_t *side = p->begin->side + d->side;
	uint64_t vmm, sched;

	if (!side[VMM_SINCE] || side[VMM_SINCE] > p->end->time)
		return;
	vmm = min_u64(p->end->time - side[VMM_SINCE], p->lat);
	r->vmm_calls++;
	r->vmm += vmm;
	if (d->cfg.offcpu_side < 0)
		return;
	sched = sched_of(d, p);
	sched = sched > side[VMM_SCHED0] ? sched - side[VMM_SCHED0] : 0;
	r->vmm_sched += min_u64(sched, vmm);
}

/* the sub-key of pair @p: its companions', else what its exit record says */
static uint64_t sub_key_of(const struct sink_detail *d, const struct lat_pair *p)
{
	uint64_t sub = p->begin->side[d->side + SUB];
	struct pp_record exit;

	if (sub || !d->kd.io_from_exit || !p->begin->raw)
		return sub;
	memset(&exit, 0, sizeof(exit));
	exit.raw = p->begin->raw;
	exit.raw_size = p->begin->raw_size;
	return kvm_detail_exit_key(&d->kd, &exit, p->begin->key);
}

static void detail_pair(void *self, struct lat_pair *p)
{
	struct sink_detail *d = self;
	struct lat_row *row = p->row, *sr;

	if (d->cfg.want & KVM_WANT_VMM)
		add_vmm(d, p, row);
	if (!(d->cfg.want & KVM_WANT_DETAIL) ||
	    kvm_detail_kind_of(d->kd.arm, p->begin->key) == KVM_DETAIL_NONE)
		return;
	if (!row->sub)
		row->sub = ++d->nsub;
	sr = lat_stats_row(&d->sub, row->sub - 1, sub_key_of(d, p));
	lat_row_add(sr, p->lat, p->extra);
	sr->sched += sched_of(d, p);
	if (d->cfg.want & KVM_WANT_VMM)
		add_vmm(d, p, sr);
}

static void detail_interval(void *self, uint64_t time, bool final, const struct lat_totals *t)
{
	struct sink_detail *d = self;

	lat_stats_reset(&d->sub);
}

static int detail_close(void *self, int code, const struct lat_totals *t)
{
	struct sink_detail *d = self;

	if (d->cfg.verbose && code == 0)
		fprintf(stderr, "perf-prof: %lu companion events (--detail, --vmm) came without a "
			"pending exit of their thread, and were not counted\n",
			(unsigned long)d->orphans);
	lat_stats_free(&d->sub);
	free(d);
	return code;
}

static const struct lat_sink_ops detail_ops = {
	.name = "detail",
	.setup = detail_setup,
	.pair = detail_pair,
	.record = detail_record,
	.interval = detail_interval,
	.close = detail_close,
};

const struct lat_inst *sink_detail_subrows(void *self, const struct lat_row *r)
{
	struct sink_detail *d = self;
	const struct lat_inst *in;
	uint32_t i;

	if (!r->sub)
		return NULL;
	in = lat_stats_inst(&d->sub, r->sub - 1);
	/* a reason none of whose exits had a key (an NMI among #PF exits) has none */
	for (i = 0; i < in->nrows; i++)
		if (in->rows[i].calls && in->rows[i].key)
			return in;
	return NULL;
}

void sink_detail_name(void *self, uint64_t key, char *buf, size_t len)
{
	kvm_detail_name(key, buf, len);
}

/* does this kernel have event "kvm:NAME"? */
static bool kernel_has(const char *tracefs, const char *event)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/events/kvm/%s", tracefs, event + 4);
	return access(path, F_OK) == 0;
}

/*
 * The events to read: live, this architecture's that this kernel has; a
 * recording may come from either architecture.
 */
static void choose_events(struct lat_sink *k, const struct sink_detail_cfg *cfg)
{
	const char *names[2 * KVM_DETAIL_MAX_EVENTS];
	char tracefs[256], err[256];
	bool live_arm = false, have_fs;
	int n = 0, i, j;

#ifdef __aarch64__
	live_arm = true;
#endif
	if (cfg->recording || !live_arm)
		n = kvm_detail_events(false, cfg->want, names);
	if (cfg->recording || live_arm)
		n += kvm_detail_events(true, cfg->want, names + n);
	have_fs = !cfg->recording && tracefs_dir(tracefs, sizeof(tracefs), err, sizeof(err));
	for (i = 0; i < n && k->nevents < LAT_SINK_EVENTS; i++) {
		for (j = 0; j < k->nevents && strcmp(k->events[j], names[i]); j++)
			;
		if (j == k->nevents && (!have_fs || kernel_has(tracefs, names[i])))
			k->events[k->nevents++] = names[i];
	}
}

struct sink_detail *sink_detail_add(struct lat_sinks *s, const struct sink_detail_cfg *cfg)
{
	struct sink_detail *d = calloc(1, sizeof(*d));
	struct lat_sink *k;

	if (!d)
		abort();
	d->cfg = *cfg;
	lat_stats_init(&d->sub);
	k = lat_sinks_add(s, &detail_ops, d, NSIDE);
	choose_events(k, cfg);
	/* a recording without kvm_pio keys I/O exits from the exit record itself */
	k->keep_begin = cfg->recording && (cfg->want & KVM_WANT_DETAIL);
	return d;
}
