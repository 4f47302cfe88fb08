/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --prometheus HOST:PORT and --prometheus-textfile FILE: the latency
 * histograms, cumulative since start, for a Prometheus server to scrape.
 *
 * Threads: the ring-buffer reader owns the histograms and adds to them
 * with no lock; now and then it copies them into a snapshot and swaps it
 * in under a lock it only ever try-locks, so a scrape never makes it
 * wait.  libmicrohttpd serves /metrics from its own thread, rendering a
 * copy of the snapshot taken under that lock; a writer thread renders the
 * textfile the same way.
 */
#ifndef PERF_PROF_PROMETHEUS_H
#define PERF_PROF_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <perf-prof/promseries.h>
#include <perf-prof/promtext.h>

struct prom;

struct prom_cfg {
	const char *profiler;	/* "kvm-exit" */
	const char *proc_label;	/* label of a -p process's name: "vm", "process" */
	bool qemu_names;	/* name a -p process by its qemu -name, else by comm */
	const char *listen;	/* HOST:PORT, or NULL */
	const char *textfile;	/* or NULL */
	bool verbose;		/* -v: say when a process is renamed */
};

/* HOST:PORT, [V6]:PORT or :PORT; 0, or -1 with a message (a usage error) */
int prom_parse_listen(const char *s, char *host, size_t hostlen, char *port, size_t portlen,
		      char *err, size_t errlen);

/*
 * Bind and serve, write the first textfile: before tracing, so that a
 * port in use or a file that cannot be written stops the run (exit 2).
 * NULL with a message on error.
 */
struct prom *prom_open(const struct prom_cfg *cfg, char *err, size_t errlen);

/*
 * A -p process (or one --pervm saw; once each), for its pid and vm/process labels.  Its name is read
 * again once a second (at prom_publish()): after an exec, what it counts
 * is labelled by the new name, and the old series keeps what it counted.
 */
void prom_add_process(struct prom *x, int pid, const char *comm);
/* a process a recording names (--pervm --input): its labels, never renamed */
void prom_add_recorded(struct prom *x, int pid, const char *name);

/* reader: the histogram of (@reason, @in), created on first use */
struct prom_hist *prom_hist_of(struct prom *x, const char *reason, const struct prom_inst *in);

/*
 * reader: snapshot the histograms and counters for scrapes; never waits.
 * false when a scrape held the lock (the next call publishes).
 */
bool prom_publish(struct prom *x, uint64_t lost, uint64_t dropped);

/* reader: have the writer thread write the textfile from the last snapshot */
void prom_textfile_kick(struct prom *x);

/* with --prometheus-textfile and no -i, how often it is written */
#define PROM_TEXTFILE_EVERY_NS	1000000000ull
/* how often the reader publishes a snapshot */
#define PROM_PUBLISH_EVERY_NS	100000000ull

/* is @x writing a node_exporter textfile (--prom-textfile)? */
bool prom_has_textfile(const struct prom *x);

/*
 * The end: publish the final counts, stop serving, write the textfile a
 * last time; with @verbose, what publishing and serving cost.  0, or -1
 * after printing why the last textfile could not be written.
 */
int prom_close(struct prom *x, uint64_t lost, uint64_t dropped, bool verbose);

#endif
