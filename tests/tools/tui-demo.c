// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --tui screen alone, fed known numbers: two VMs of two vCPUs, three
 * exit reasons; each interval (every MS milliseconds, default 200) adds
 * the same exits again, so the calls shown tell which interval is on the
 * screen.  q, SIGINT or SIGTERM end it; then it prints "tui-demo: N
 * intervals" on the restored terminal.
 *
 *   tui-demo [MS]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <perf-prof/tui.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *const reasons[] = { "io", "msr", "hlt" };
static const double lat_us[] = { 20.0, 2.0, 500.0 };	/* per exit */
static const int per_vcpu[] = { 300, 1000, 10 };	/* exits per interval and vCPU */

static void fill(struct tui_row *r, const char *name, uint64_t calls, double lat)
{
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->calls = calls;
	r->total_us = (double)calls * lat;
	r->min_us = lat / 2;
	r->avg_us = lat;
	r->p99_us = lat * 3;
	r->max_us = lat * 10;
}

/* interval @n: VM v (pid 1000 + v), vCPU c of it (tid 2000 + 10 v + c) */
static struct tui_snapshot *snapshot(int n)
{
	struct tui_snapshot *s = calloc(1, sizeof(*s));
	char name[64];
	int k, v, c;

	snprintf(s->when, sizeof(s->when), "interval %d", n);
	tui_table_init(&s->view[TUI_REASONS], "kvm-exit latency", "exit_reason", 3);
	tui_table_init(&s->view[TUI_VMS], "kvm-exit latency by VM", "VM", 2);
	tui_table_init(&s->view[TUI_VCPUS], "kvm-exit latency by vCPU", "vCPU", 4);
	s->ndetails = 3 + 2 + 4;
	s->details = calloc((size_t)s->ndetails, sizeof(*s->details));
	for (k = 0; k < 3; k++) {
		struct tui_table *d = &s->details[k];

		fill(&s->view[TUI_REASONS].rows[k], reasons[k], (uint64_t)n * 4 * per_vcpu[k],
		     lat_us[k]);
		s->view[TUI_REASONS].rows[k].detail = k;
		snprintf(name, sizeof(name), "kvm-exit latency, %s by vCPU", reasons[k]);
		tui_table_init(d, name, "vCPU", 4);
		for (c = 0; c < 4; c++) {
			snprintf(name, sizeof(name), "THREAD %d VCPU %d", 2000 + 10 * (c / 2) + c % 2,
				 c % 2);
			fill(&d->rows[c], name, (uint64_t)n * per_vcpu[k] * (c + 1) / 2,
			     lat_us[k] * (c + 1));
		}
	}
	for (v = 0; v < 2; v++) {
		snprintf(name, sizeof(name), "qemu-vm%d %d", v, 1000 + v);
		fill(&s->view[TUI_VMS].rows[v], name, (uint64_t)n * 2 * 1310, 8.0 + v);
		s->view[TUI_VMS].rows[v].detail = 3 + v;
		tui_table_init(&s->details[3 + v], name, "exit_reason", 3);
		for (k = 0; k < 3; k++)
			fill(&s->details[3 + v].rows[k], reasons[k], (uint64_t)n * 2 * per_vcpu[k],
			     lat_us[k]);
	}
	for (c = 0; c < 4; c++) {
		snprintf(name, sizeof(name), "THREAD %d VCPU %d", 2000 + 10 * (c / 2) + c % 2, c % 2);
		fill(&s->view[TUI_VCPUS].rows[c], name, (uint64_t)n * 1310, 7.0 + c);
		s->view[TUI_VCPUS].rows[c].detail = 5 + c;
		tui_table_init(&s->details[5 + c], name, "exit_reason", 3);
		for (k = 0; k < 3; k++)
			fill(&s->details[5 + c].rows[k], reasons[k], (uint64_t)n * per_vcpu[k],
			     lat_us[k]);
	}
	snprintf(s->note, sizeof(s->note), "%s", n % 5 == 4 ? "lost 7 records" : "");
	return s;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, (argc > 1 ? atol(argv[1]) : 200) * 1000000L };
	char err[256];
	struct tui *t;
	int n = 0;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t = tui_open("kvm-exit latency", "exit_reason", SORT_TOTAL, err, sizeof(err));
	if (!t) {
		fprintf(stderr, "tui-demo: %s\n", err);
		return 1;
	}
	while (!stop) {
		tui_show(t, snapshot(++n));
		if (tui_input(t))
			break;
		nanosleep(&tick, NULL);
	}
	tui_close(t);
	printf("tui-demo: %d intervals\n", n);
	return 0;
}
