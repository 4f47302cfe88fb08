/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The begin/end latency profiler shared by kvm-exit (kvm_exit → kvm_entry)
 * and syscalls (sys_enter → sys_exit).  A lat_class says what differs:
 * the events, how a begin record is keyed and named, what the extra
 * column counts.  Everything else (pairing, statistics, printers, options)
 * lives here once.
 */
#ifndef PERF_PROF_LATENCY_H
#define PERF_PROF_LATENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <perf-prof/cgroup.h>
#include <perf-prof/idlist.h>
#include <perf-prof/record.h>
#include <perf-prof/stop.h>

struct tep_handle;
struct tep_event;

/* the latency profilers, as masks (an option table's "applies to") */
enum lat_profiler {
	LAT_KVM_EXIT	= 1 << 0,
	LAT_SYSCALLS	= 1 << 1,
};

struct lat_class {
	const char *name;		/* subcommand: "kvm-exit" */
	unsigned bit;			/* enum lat_profiler */
	const char *title;		/* "kvm-exit latency" */
	const char *key_header;		/* "exit_reason" */
	const char *extra_header;	/* "%gsys" */
	const char *proc_label;		/* a -p process's table: "VM" */
	/* a -p process is a qemu: the exporter names it by its -name */
	bool qemu_procs;
	bool extra_percent;		/* extra is ns, printed as % of total */
	const char *begin_event;	/* "kvm:kvm_exit" */
	const char *end_event;		/* "kvm:kvm_entry" */
	const char *quiet_hint;		/* why a live run may see no event */

	/*
	 * Every callback below gets the class's state for the run (@st: the
	 * bound fields, caches), made by state_new() and freed by
	 * state_free(); NULL from state_new() is out of memory.
	 */
	void *(*state_new)(void);
	void (*state_free)(void *st);
	/* resolve fields of the two events; 0, or -1 + message */
	int (*bind)(void *st, struct tep_event *begin, struct tep_event *end, char *err,
		    size_t errlen);
	/* the key of a begin record; *aux keeps begin-side data for extra() */
	uint64_t (*key)(const void *st, const struct pp_record *begin, uint64_t *aux);
	/* what a pair adds to the extra column */
	uint64_t (*extra)(const void *st, const struct pp_record *end, uint64_t aux, uint64_t lat);
	/* the name of a key, for the printers (may cache it in @st) */
	void (*key_name)(void *st, uint64_t key, char *buf, size_t len);
	/* keys whose latency is idle time (HLT): left out of --than */
	bool (*idle_key)(const void *st, uint64_t key);
	/* vCPU id of an end record, -1 when the event has none */
	int64_t (*vcpu)(const void *st, const struct pp_record *rec);
	/* do the bound events carry a vCPU id at all? */
	bool (*has_vcpu)(const void *st);
	/* aux of key() is the guest instruction address (--top-rip) */
	bool aux_is_rip;
	/*
	 * A recording of the begin event alone (perf record -e kvm:kvm_exit)
	 * is counted per key under this title; NULL: it is refused.
	 */
	const char *count_title;
	/* what the count table's share column counts (aux >> 63) */
	const char *count_extra_header;
	const char *count_noun;		/* what is counted: "exits" */
	/*
	 * Keys by name in --filter: @expr with the names rewritten as the
	 * kernel or libtraceevent reads them, from begin event @begin's
	 * format (NULL: this kernel's) into *@out (malloc'd).  0, or the exit
	 * code (1 environment, 2 usage) with a message.  NULL: names are
	 * the kernel's business.
	 */
	int (*filter_names)(struct tep_event *begin, const char *expr, char **out, char *err,
			    size_t errlen);
	/* --list-reasons: the keys this kernel (or recording @input) names; an exit code */
	int (*list_keys)(const char *input, FILE *out, char *err, size_t errlen);
};

/* options of a latency profiler, with their defaults in cli/latency-cmd.c */
struct lat_env {
	struct id_list cpus, pids, tids;
	bool have_cpus;
	struct cgroup_list cgroups;	/* -G */
	uint64_t interval_ns;
	uint64_t pages;			/* -m */
	uint64_t rt_prio;		/* -r: SCHED_FIFO priority, 0 = none */
	bool order;
	uint64_t order_mem;
	int verbose;
	bool perins;
	bool pervm;			/* --pervm: one table per VM (process) */
	bool than;			/* --than given (0 is a threshold too) */
	uint64_t than_ns;
	bool than_idle;
	const char *heatmap;
	const char *filter;
	const char *input;
	struct lat_pcts {		/* --percentiles */
		int n;
		double v[8];
	} pct;
	bool json;
	bool sched;			/* --offcpu */
	struct id_list vcpus;		/* --vcpu */
	uint64_t top_rips;		/* --top-rip */
	const char *vmlinux;
	const char *prometheus;		/* --prometheus HOST:PORT */
	const char *prom_textfile;	/* --prometheus-textfile FILE */
	const char *kallsyms;		/* --kallsyms */
	bool have_kaslr;		/* --kaslr-offset given */
	uint64_t kaslr_offset;
	bool pct_given;			/* --percentiles was on the command line */
	uint64_t detail;		/* --detail[=N]: sub-rows per reason, 0 = none */
	bool vmm;			/* --vmm */
	bool list_keys;			/* --list-reasons */
	int sort;			/* --sort: enum sort_key, SORT_TOTAL by default */
	uint64_t duration_ns;		/* --duration: the run's length, 0 = until stopped */
	char **cmd;			/* -- COMMAND [ARGS]: the run lasts while it runs */
	bool tui;			/* --tui: one screen, refreshed in place */
	bool replay;			/* --replay: a recording at its own pace */
};

/*
 * Run profiler @cls as @env says (parsed by cli/latency-cmd.c), until the
 * source ends or @stop says so; returns the exit code.
 */
int latency_run(const struct lat_class *cls, struct lat_env *env, const struct pp_stop *stop);

extern const struct lat_class kvm_exit_class;
extern const struct lat_class syscalls_class;
/* the profiler table: every latency profiler, NULL-terminated */
extern const struct lat_class *const lat_profilers[];

#endif
