// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exporter's connection places: see promconn.h.  A slot per open
 * connection, found from the connection by its socket context; the
 * connection to close is found by a scan of 65 slots, once per
 * connection opened past the limit.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <perf-prof/mhd.h>
#include <perf-prof/promconn.h>

/* in the order a connection is closed to make room: the cheapest loss first */
enum conn_state {
	KEPT,		/* answered, kept alive for the next request: the client reconnects */
	FRESH,		/* no whole request yet: a scrape's comes at once, a stall's never */
	ANSWERING,	/* its answer is being sent */
};

struct promconn_slot {
	bool used, shut;
	enum conn_state state;
	int fd;
	uint64_t since;		/* when it entered its state */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int promconn_init(struct promconn *pc)
{
	pc->slots = calloc(PROM_MAX_CONNS + 1, sizeof(*pc->slots));
	pc->open = 0;
	pc->opened = pc->evicted = 0;
	return pc->slots ? 0 : -1;
}

void promconn_free(struct promconn *pc)
{
	free(pc->slots);
	pc->slots = NULL;
}

static struct promconn_slot *slot_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/*
 * Past the limit: shut down a kept-alive connection, else the one that
 * has waited longest for its request, else the oldest answer.  Fresh
 * ones go in the order they came: the newcomer's request, sent with its
 * connect, is read long before 64 others came after it.  The fd stays
 * libmicrohttpd's: the shutdown makes its next read see the end and it
 * closes the connection the usual way (so this never closes an fd that
 * another connection reuses).
 */
static void make_room(struct promconn *pc, const struct promconn_slot *newcomer)
{
	struct promconn_slot *s, *pick = NULL;
	int i;

	for (i = 0; i <= PROM_MAX_CONNS; i++) {
		s = &pc->slots[i];
		if (!s->used || s->shut || s == newcomer)
			continue;
		if (!pick || s->state < pick->state ||
		    (s->state == pick->state && s->since < pick->since))
			pick = s;
	}
	if (pick) {
		shutdown(pick->fd, SHUT_RDWR);
		pick->shut = true;
		pc->evicted++;
	}
}

void promconn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe)
{
	struct promconn *pc = cls;
	struct promconn_slot *s = *socket_context;
	const union MHD_ConnectionInfo *ci;
	int i;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (s) {
			s->used = false;
			pc->open--;
		}
		*socket_context = NULL;
		return;
	}
	for (i = 0; i <= PROM_MAX_CONNS && pc->slots[i].used; i++)
		;
	ci = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (i > PROM_MAX_CONNS || !ci)
		return;		/* not tracked: libmicrohttpd's limit is one above */
	s = &pc->slots[i];
	s->used = true;
	s->shut = false;
	s->state = FRESH;
	s->fd = ci->connect_fd;
	s->since = mono_ns();
	*socket_context = s;
	pc->opened++;
	if (++pc->open > PROM_MAX_CONNS)
		make_room(pc, s);
}

void promconn_answering(struct MHD_Connection *conn)
{
	struct promconn_slot *s = slot_of(conn);

	if (s && s->state != ANSWERING) {
		s->state = ANSWERING;
		s->since = mono_ns();
	}
}

void promconn_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe)
{
	struct promconn_slot *s = slot_of(conn);

	if (s) {
		s->state = KEPT;
		s->since = mono_ns();
	}
}
