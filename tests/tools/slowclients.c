// SPDX-License-Identifier: GPL-2.0-only
/*
 * slowclients: HTTP clients that hold a server's connections, and a
 * scraper that times ordinary requests beside them (tests/prom/run and
 * the figures in docs/reliability.md).
 *
 *   slowclients PORT N [-k head|idle|noread] [-i MS]
 *	holds N connections to 127.0.0.1:PORT.  head (default): the request
 *	line and a header sent, then one more byte of a header every MS
 *	(default 2000), never its end; idle: connect, send nothing; noread:
 *	a whole request, the answer never read.  A connection the server
 *	closes is opened again.  "holding K of N" on stdout once all N were
 *	connected, or K of them after 5 s; at SIGTERM or SIGINT
 *	"slowclients: N connections, C closed by the server" and exit 0.
 *
 *   slowclients --scrape PORT COUNT [-t MS]
 *	COUNT GET /metrics one after another, each given MS (default 10000)
 *	to be answered completely; prints "scrapes COUNT ok K p50_ms X
 *	max_ms Y" and exits 0 if every one was answered with 200.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_CONNS	4096

enum kind { HEAD, IDLE, NOREAD };

struct conn {
	int fd;
	int connected;		/* the connect finished */
	uint64_t next;		/* head: when its next byte goes */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* a non-blocking connect to 127.0.0.1:port under way; -1 on failure */
static int open_conn(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *s)
{
	size_t n = strlen(s);

	return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* what a connection sends once connected */
static int greet(struct conn *c, enum kind k, uint64_t t, int interval)
{
	c->connected = 1;
	c->next = t + interval;
	if (k == HEAD)
		return send_all(c->fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
	if (k == NOREAD)
		return send_all(c->fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	return 0;
}

static int hold(int port, int n, enum kind k, int interval)
{
	static struct conn cs[MAX_CONNS];
	static struct pollfd pf[MAX_CONNS];
	unsigned long opened = 0, closed = 0;
	uint64_t start = now_ms();
	int i, up = 0, said = 0;
	char buf[4096];

	for (i = 0; i < n; i++) {
		cs[i].fd = open_conn(port);
		cs[i].connected = 0;
		opened++;
	}
	while (!stop) {
		uint64_t t = now_ms();

		for (i = 0; i < n; i++) {
			pf[i].fd = cs[i].fd;
			pf[i].events = cs[i].connected ? POLLIN | POLLRDHUP : POLLOUT;
			pf[i].revents = 0;
		}
		if (poll(pf, n, 100) < 0 && errno != EINTR)
			return 1;
		t = now_ms();
		for (i = 0; i < n; i++) {
			struct conn *c = &cs[i];
			int lost = c->fd < 0;

			if (!lost && !c->connected && (pf[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
				int e = 0;
				socklen_t el = sizeof(e);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
				if (e || greet(c, k, t, interval) < 0)
					lost = 1;
				else if (!said)
					up++;
			} else if (!lost && c->connected &&
				   (pf[i].revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))) {
				/* noread leaves the answer unread; anything else read is an end */
				if (k != NOREAD || (pf[i].revents & (POLLRDHUP | POLLHUP | POLLERR))) {
					ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

					if (r <= 0 && !(r < 0 && errno == EAGAIN))
						lost = 1;
				}
			}
			if (!lost && c->connected && k == HEAD && t >= c->next) {
				if (send_all(c->fd, "a") < 0)
					lost = 1;
				c->next = t + interval;
			}
			if (lost) {
				if (c->fd >= 0) {
					close(c->fd);
					if (c->connected)
						closed++;
				}
				c->fd = open_conn(port);
				c->connected = 0;
				opened++;
			}
		}
		if (!said && (up >= n || t >= start + 5000)) {
			for (i = up = 0; i < n; i++)
				up += cs[i].connected;
			printf("holding %d of %d\n", up, n);
			fflush(stdout);
			said = 1;
		}
	}
	printf("slowclients: %lu connections, %lu closed by the server\n", opened, closed);
	return 0;
}

/*
 * One GET /metrics answered completely (200, then the server's close)
 * within @ms: its time in us, or -1 with the reason on stderr.
 */
static long scrape(int port, int ms)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Connection: close\r\n\r\n";
	uint64_t t0 = now_ms(), deadline = t0 + ms;
	struct timespec a, b;
	int fd = open_conn(port), sent = 0, status = 0, e = 0;
	const char *why = "no answer in time";
	char buf[65536];
	struct pollfd p;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if (fd < 0) {
		perror("slowclients: socket");
		return -1;
	}
	while (now_ms() < deadline && !stop) {
		ssize_t r;

		p.fd = fd;
		p.events = sent ? POLLIN : POLLOUT;
		if (poll(&p, 1, (int)(deadline - now_ms())) <= 0)
			continue;
		if (!sent) {
			socklen_t el = sizeof(e);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e || send_all(fd, req) < 0) {
				why = "connect or send failed";
				break;
			}
			sent = 1;
			continue;
		}
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EAGAIN)
			continue;
		if (r < 0) {
			e = errno;
			why = "reset";
			break;
		}
		if (r == 0) {
			why = status == 1 ? NULL : status ? "not a 200" : "closed before an answer";
			break;
		}
		if (!status)
			status = r >= 12 && !memcmp(buf, "HTTP/1.1 200", 12) ? 1 : 2;
	}
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
	if (!why)
		return us;
	fprintf(stderr, "slowclients: a scrape failed after %.1f ms: %s%s%s\n", us / 1000.0, why,
		e ? ": " : "", e ? strerror(e) : "");
	return -1;
}

static int cmp_long(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;

	return (a > b) - (a < b);
}

static int scrapes(int port, int count, int ms)
{
	long *us = calloc(count, sizeof(*us));
	int i, ok = 0;

	if (!us)
		return 1;
	for (i = 0; i < count && !stop; i++) {
		long t = scrape(port, ms);

		if (t >= 0)
			us[ok++] = t;
	}
	qsort(us, ok, sizeof(*us), cmp_long);
	printf("scrapes %d ok %d p50_ms %.1f max_ms %.1f\n", count, ok,
	       ok ? us[ok / 2] / 1000.0 : 0.0, ok ? us[ok - 1] / 1000.0 : 0.0);
	free(us);
	return ok == count ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: slowclients PORT N [-k head|idle|noread] [-i MS]\n"
			"       slowclients --scrape PORT COUNT [-t MS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	enum kind k = HEAD;
	int interval = 2000, timeout = 10000, i, port, n;
	int scrape_mode = argc > 1 && !strcmp(argv[1], "--scrape");
	char **a = argv + 1 + scrape_mode;

	if (argc < 3 + scrape_mode)
		usage();
	port = atoi(a[0]);
	n = atoi(a[1]);
	if (port <= 0 || port > 65535 || n <= 0 || n > MAX_CONNS)
		usage();
	for (i = 3 + scrape_mode; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-i"))
			interval = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-t"))
			timeout = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-k"))
			k = !strcmp(argv[i + 1], "idle") ? IDLE :
			    !strcmp(argv[i + 1], "noread") ? NOREAD : HEAD;
		else
			usage();
	}
	if (i != argc)
		usage();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	return scrape_mode ? scrapes(port, n, timeout) : hold(port, n, k, interval);
}
