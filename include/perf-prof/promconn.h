/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exporter's connections, so that no client holds another back.
 * libmicrohttpd drops a connection idle for PROM_CONN_TIMEOUT_S and
 * opens at most PROM_MAX_CONNS + 1; a client that trickles a request
 * byte by byte is never idle, though, and 64 of them would hold every
 * place while scrapes wait in the kernel's backlog.  So when the
 * connection past PROM_MAX_CONNS arrives, one is shut down to make room:
 * a kept-alive one (its client reconnects when it asks again), else the
 * one that has waited longest for its request to arrive, else the oldest
 * answer not yet collected.  A scrape sends its request with its connect
 * and is answered at once: it is never the one that waited longest.
 *
 * Everything here runs on libmicrohttpd's one thread (its callbacks).
 */
#ifndef PERF_PROF_PROMCONN_H
#define PERF_PROF_PROMCONN_H

#include <stdint.h>
#include <microhttpd.h>

#define PROM_MAX_CONNS		64
#define PROM_CONN_TIMEOUT_S	10u
/* the kernel's queue of connections not yet accepted: a scrape's SYN
 * dropped on a full queue waits a second for its retransmission */
#define PROM_BACKLOG		1024

struct promconn_slot;

struct promconn {
	struct promconn_slot *slots;	/* PROM_MAX_CONNS + 1 */
	unsigned open;			/* connections open now */
	uint64_t opened, evicted;	/* since start, for -v */
};

/* 0, or -1 out of memory */
int promconn_init(struct promconn *pc);
/* free the slots (after the server stopped: none is in use) */
void promconn_free(struct promconn *pc);

/* MHD_OPTION_NOTIFY_CONNECTION's callback, @cls the struct promconn */
void promconn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe);
/* MHD_OPTION_NOTIFY_COMPLETED's callback: the answer was sent (or failed) */
void promconn_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe);
/* the access handler got a whole request: it is being answered */
void promconn_answering(struct MHD_Connection *conn);

#endif
