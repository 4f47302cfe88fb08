// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus exporter: histograms owned by the reader, snapshots
 * swapped under a lock the reader only try-locks, /metrics served by
 * libmicrohttpd from its own thread, the textfile written by a thread of
 * its own.  See prometheus.h for who touches what.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <perf-prof/mhd.h>
#include <perf-prof/promconn.h>
#include <perf-prof/prometheus.h>
#include <perf-prof/tracefs.h>
#include <perf-prof/version.h>

struct prom {
	struct prom_cfg cfg;	/* its strings are our own copies */
	char profiler[96];	/* profiler="..." */
	char build[320];	/* version="...",kernel_release="..." */
	struct prom_info info;

	/* the reader's */
	struct promseries series;
	struct prom_snap snaps[2];
	struct prom_snap *back;		/* filled by the reader, then swapped */
	uint64_t published, skipped, publish_ns, publish_max_ns;

	/* shared with the server and the writer */
	pthread_mutex_t lock;
	struct prom_snap *front;	/* under lock */
	uint64_t scrapes, hold_max_ns;	/* under lock */

	struct MHD_Daemon *mhd;
	int listen_fd;
	struct promconn conns;		/* the server thread's */

	char *textfile, *tmpl;		/* FILE and dir/.name.XXXXXX */
	mode_t mode;
	bool writer_on;
	pthread_t writer;
	sem_t kick;
	volatile int stop;
	int write_errno;		/* the writer's last failure, said once */
};

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* the reader's CPU time: what publishing costs it, not its time off the CPU */
static uint64_t cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* ---------------------------------------------------------------- address */

int prom_parse_listen(const char *s, char *host, size_t hostlen, char *port, size_t portlen,
		      char *err, size_t errlen)
{
	const char *colon, *h = s;
	size_t hl;
	char *end;
	unsigned long p;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			snprintf(err, errlen, "--prometheus '%s': expected [IPV6]:PORT", s);
			return -1;
		}
		h = s + 1;
		hl = close - h;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', colon - s)) {
			snprintf(err, errlen, "--prometheus '%s': expected HOST:PORT "
				 "(e.g. 127.0.0.1:9101, [::1]:9101)", s);
			return -1;
		}
		hl = colon - s;
	}
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || p > 65535 || colon[1] == '-' || colon[1] == '+') {
		snprintf(err, errlen, "--prometheus '%s': port must be a number from 0 to 65535", s);
		return -1;
	}
	if (hl >= hostlen) {
		snprintf(err, errlen, "--prometheus '%s': host name too long", s);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = 0;
	snprintf(port, portlen, "%lu", p);
	return 0;
}

/* a listening socket on @listen, or -1 with a message */
static int bind_listen(const char *listen_on, char *url, size_t urllen, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[16], addr[INET6_ADDRSTRLEN];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = -1, one = 1, rc, e = 0;

	if (prom_parse_listen(listen_on, host, sizeof(host), port, sizeof(port), err, errlen) < 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "--prometheus %s: cannot resolve '%s': %s", listen_on, host,
			 gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		/* a restart binds at once despite old connections in TIME_WAIT */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, PROM_BACKLOG) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "--prometheus %s: cannot listen: %s%s", listen_on,
			 strerror(e),
			 e == EADDRINUSE ? " (another program serves that port)" :
			 e == EADDRNOTAVAIL ? " (no such address on this host)" :
			 e == EACCES ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : "");
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof(addr));
			snprintf(url, urllen, "http://[%s]:%u/metrics", addr, ntohs(a->sin6_port));
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &a->sin_addr, addr, sizeof(addr));
			snprintf(url, urllen, "http://%s:%u/metrics", addr, ntohs(a->sin_port));
		}
	}
	return fd;
}

/* ---------------------------------------------------------------- snapshots */

static int snap_reserve(struct prom_snap *s, uint32_t n)
{
	struct prom_row *r;
	uint32_t cap;

	if (n <= s->cap)
		return 0;
	cap = s->cap ? s->cap : 16;
	while (cap < n)
		cap *= 2;
	r = realloc(s->rows, cap * sizeof(*r));
	if (!r)
		return -1;
	s->rows = r;
	s->cap = cap;
	return 0;
}

bool prom_publish(struct prom *x, uint64_t lost, uint64_t dropped)
{
	struct prom_snap *b = x->back, *t;
	uint64_t t0 = cpu_ns(), dt;
	uint32_t i, n;

	promseries_names(&x->series, now_ns());
	n = promseries_count(&x->series);
	if (snap_reserve(b, n) < 0) {
		x->skipped++;
		return false;	/* the last snapshot stays; counts are kept */
	}
	for (i = 0; i < n; i++)
		promseries_row(&x->series, i, &b->rows[i]);
	b->n = n;
	b->lost = lost;
	b->dropped = dropped;
	/* a scrape copying the front snapshot: publish next time instead of waiting */
	if (pthread_mutex_trylock(&x->lock) == 0) {
		t = x->front;
		x->front = b;
		x->back = t;
		pthread_mutex_unlock(&x->lock);
		x->published++;
	} else {
		x->skipped++;
	}
	dt = cpu_ns() - t0;
	x->publish_ns += dt;
	if (dt > x->publish_max_ns)
		x->publish_max_ns = dt;
	return x->front == b;
}

/* a private copy of the front snapshot, for rendering; -1 out of memory */
static int snap_copy(struct prom *x, struct prom_snap *out, bool scrape)
{
	uint64_t t0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&x->lock);
	t0 = now_ns();
	if (snap_reserve(out, x->front->n) == 0) {
		if (x->front->n)	/* rows may still be NULL: memcpy's are never */
			memcpy(out->rows, x->front->rows, x->front->n * sizeof(*out->rows));
		out->n = x->front->n;
		out->lost = x->front->lost;
		out->dropped = x->front->dropped;
	} else {
		rc = -1;
	}
	if (scrape) {
		uint64_t dt = now_ns() - t0;

		x->scrapes++;
		if (dt > x->hold_max_ns)
			x->hold_max_ns = dt;
	}
	pthread_mutex_unlock(&x->lock);
	return rc;
}

static char *render(struct prom *x, enum prom_format f, size_t *len, bool scrape)
{
	struct prom_snap s;
	char *text = NULL;

	if (snap_copy(x, &s, scrape) == 0)
		text = prom_render(&s, &x->info, f, len);
	free(s.rows);
	return text;
}

/* ---------------------------------------------------------------- series */

struct prom_hist *prom_hist_of(struct prom *x, const char *reason, const struct prom_inst *in)
{
	return promseries_hist(&x->series, reason, in);
}

void prom_add_process(struct prom *x, int pid, const char *comm)
{
	promseries_add_process(&x->series, pid, comm);
}

void prom_add_recorded(struct prom *x, int pid, const char *name)
{
	promseries_add_recorded(&x->series, pid, name);
}

/* ---------------------------------------------------------------- HTTP */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
			     char *body, size_t len, bool must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = mhd.create_response_from_buffer(len, body, must_free ? MHD_RESPMEM_MUST_FREE
								   : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(conn, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result serve(void *arg, struct MHD_Connection *conn, const char *url,
			     const char *method, const char *version, const char *upload,
			     size_t *upload_size, void **req)
{
	static char not_found[] = "not found: perf-prof serves /metrics\n";
	static char no_method[] = "method not allowed: GET /metrics\n";
	static char no_memory[] = "out of memory\n";
	struct prom *x = arg;
	enum prom_format f;
	size_t len = 0;
	char *text;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", no_method,
			     strlen(no_method), false);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     strlen(not_found), false);
	promconn_answering(conn);
	f = prom_negotiate(mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_ACCEPT));
	text = render(x, f, &len, true);
	if (!text)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", no_memory,
			     strlen(no_memory), false);
	return reply(conn, MHD_HTTP_OK, prom_content_type(f), text, len, true);
}

/* ---------------------------------------------------------------- textfile */

/* the last snapshot to FILE, atomically: 0, or -1 with errno */
static int textfile_write(struct prom *x)
{
	size_t len = 0, off = 0;
	char *text = render(x, PROM_TEXT, &len, false), *tmp;
	int fd, e;

	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	tmp = strdup(x->tmpl);
	fd = tmp ? mkostemp(tmp, O_CLOEXEC) : -1;
	if (fd < 0) {
		e = tmp ? errno : ENOMEM;
		goto fail;
	}
	/* mkostemp makes it 0600: the collector (user prometheus) must read it */
	fchmod(fd, x->mode);
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EIO;
			close(fd);
			unlink(tmp);
			goto fail;
		}
		off += w;
	}
	if (close(fd) < 0 || rename(tmp, x->textfile) < 0) {
		e = errno;
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	free(text);
	return 0;
fail:
	free(tmp);
	free(text);
	errno = e;
	return -1;
}

static void *writer_main(void *arg)
{
	struct prom *x = arg;

	for (;;) {
		while (sem_wait(&x->kick) < 0 && errno == EINTR)
			;
		if (x->stop)
			break;
		while (sem_trywait(&x->kick) == 0)	/* kicks while busy: one write */
			;
		if (textfile_write(x) < 0) {
			if (errno != x->write_errno)
				fprintf(stderr, "perf-prof: --prometheus-textfile %s: %s\n",
					x->textfile, strerror(errno));
			x->write_errno = errno;
		} else if (x->write_errno) {
			fprintf(stderr, "perf-prof: --prometheus-textfile %s: written again\n",
				x->textfile);
			x->write_errno = 0;
		}
	}
	return NULL;
}

void prom_textfile_kick(struct prom *x)
{
	if (x->writer_on)
		sem_post(&x->kick);	/* never blocks */
}

bool prom_has_textfile(const struct prom *x)
{
	return x->textfile != NULL;
}

/* the temporary file beside FILE: hidden, and not *.prom for the collector */
static char *textfile_tmpl(const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	char *t;

	if (asprintf(&t, "%.*s.%s.XXXXXX", dirlen, path, path + dirlen) < 0)
		return NULL;
	return t;
}

/* ---------------------------------------------------------------- life */

static void prom_free(struct prom *x)
{
	promseries_free(&x->series);
	free(x->snaps[0].rows);
	free(x->snaps[1].rows);
	free(x->textfile);
	free(x->tmpl);
	promconn_free(&x->conns);
	free((char *)x->cfg.profiler);
	free((char *)x->cfg.proc_label);
	free((char *)x->cfg.listen);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

/*
 * The server's and writer's threads take no signals: SIGINT must reach
 * the reader, whose poll it interrupts.  They are also created before
 * -r makes the reader SCHED_FIFO, so they do not inherit it.
 */
static int start_threads(struct prom *x, char *err, size_t errlen)
{
	sigset_t block, old;
	char why[256];
	int rc = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (x->listen_fd >= 0 && mhd_load(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "--prometheus %s: %s", x->cfg.listen, why);
		rc = -1;
	} else if (x->listen_fd >= 0) {
		/* one thread, every callback on it (promconn.h relies on that) */
		x->mhd = mhd.start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, serve, x,
					  MHD_OPTION_LISTEN_SOCKET, x->listen_fd,
					  /* one above: the newcomer makes room (promconn.c) */
					  MHD_OPTION_CONNECTION_LIMIT, PROM_MAX_CONNS + 1u,
					  /* a client that sends nothing is dropped */
					  MHD_OPTION_CONNECTION_TIMEOUT, PROM_CONN_TIMEOUT_S,
					  MHD_OPTION_NOTIFY_CONNECTION, promconn_notify, &x->conns,
					  MHD_OPTION_NOTIFY_COMPLETED, promconn_completed, &x->conns,
					  MHD_OPTION_END);
		if (!x->mhd) {
			snprintf(err, errlen, "--prometheus %s: libmicrohttpd could not start",
				 x->cfg.listen);
			rc = -1;
		}
	}
	if (rc == 0 && x->textfile) {
		if (sem_init(&x->kick, 0, 0) < 0 ||
		    pthread_create(&x->writer, NULL, writer_main, x) != 0) {
			snprintf(err, errlen, "--prometheus-textfile: cannot start its thread");
			rc = -1;
		} else {
			x->writer_on = true;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void stop_threads(struct prom *x)
{
	if (x->mhd)
		mhd.stop_daemon(x->mhd);	/* closes the listening socket too */
	else if (x->listen_fd >= 0)
		close(x->listen_fd);
	x->mhd = NULL;
	x->listen_fd = -1;
	if (x->writer_on) {
		x->stop = 1;
		sem_post(&x->kick);
		pthread_join(x->writer, NULL);
		sem_destroy(&x->kick);
		x->writer_on = false;
	}
}

/* a struct prom with copies of @cfg's strings and the constant labels; NULL out of memory */
static struct prom *prom_new(const struct prom_cfg *cfg)
{
	struct prom *x = calloc(1, sizeof(*x));
	struct utsname u;
	size_t pos = 0;

	if (!x)
		return NULL;
	x->listen_fd = -1;
	pthread_mutex_init(&x->lock, NULL);
	/* the caller's strings may not outlive this call */
	x->cfg.profiler = strdup(cfg->profiler);
	x->cfg.proc_label = strdup(cfg->proc_label);
	x->cfg.qemu_names = cfg->qemu_names;
	x->cfg.verbose = cfg->verbose;
	x->cfg.listen = cfg->listen ? strdup(cfg->listen) : NULL;
	x->series.profiler = x->cfg.profiler;
	x->series.proc_label = x->cfg.proc_label;
	x->series.qemu_names = cfg->qemu_names;
	x->series.verbose = cfg->verbose;
	if (promconn_init(&x->conns) < 0 || !x->cfg.profiler || !x->cfg.proc_label ||
	    (cfg->listen && !x->cfg.listen)) {
		prom_free(x);
		return NULL;
	}
	x->front = &x->snaps[0];
	x->back = &x->snaps[1];
	prom_label(x->profiler, sizeof(x->profiler), &pos, "profiler", cfg->profiler);
	pos = 0;
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	prom_label(x->build, sizeof(x->build), &pos, "version", PERF_PROF_VERSION);
	prom_label(x->build, sizeof(x->build), &pos, "kernel_release", u.release);
	x->info.profiler = x->profiler;
	x->info.build = x->build;
	return x;
}

struct prom *prom_open(const struct prom_cfg *cfg, char *err, size_t errlen)
{
	struct prom *x = prom_new(cfg);
	char url[128] = "";
	mode_t mask;

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cfg->textfile) {
		struct stat st;

		x->textfile = strdup(cfg->textfile);
		x->tmpl = textfile_tmpl(cfg->textfile);
		if (!x->textfile || !x->tmpl) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		mask = umask(0);
		umask(mask);
		x->mode = 0666 & ~mask;
		/* rename() would replace a directory's entry only if empty: say it plainly */
		if (stat(cfg->textfile, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "--prometheus-textfile %s: %s", cfg->textfile,
				 strerror(EISDIR));
			goto fail;
		}
		/* the first write, all zero: a file that cannot be written stops us now */
		if (textfile_write(x) < 0) {
			snprintf(err, errlen, "--prometheus-textfile %s: cannot write: %s",
				 cfg->textfile, strerror(errno));
			goto fail;
		}
	}
	if (cfg->listen) {
		x->listen_fd = bind_listen(cfg->listen, url, sizeof(url), err, errlen);
		if (x->listen_fd < 0)
			goto fail;
	}
	if (start_threads(x, err, errlen) < 0)
		goto fail;
	if (cfg->listen)
		fprintf(stderr, "perf-prof: serving Prometheus metrics on %s\n", url);
	return x;
fail:
	stop_threads(x);
	prom_free(x);
	return NULL;
}

int prom_close(struct prom *x, uint64_t lost, uint64_t dropped, bool verbose)
{
	int rc = 0;

	/* the final counts, for a last scrape; once the server is gone, surely */
	bool done = prom_publish(x, lost, dropped);

	stop_threads(x);
	if (!done)
		prom_publish(x, lost, dropped);
	if (x->textfile && textfile_write(x) < 0) {
		fprintf(stderr, "perf-prof: --prometheus-textfile %s: %s\n", x->textfile,
			strerror(errno));
		rc = -1;
	}
	if (verbose)
		fprintf(stderr, "perf-prof: prometheus: %u label sets, %lu snapshots published "
			"(%lu skipped while a scrape copied one), each took the reader %.1f us of "
			"CPU on average, %.1f us at most; %lu scrapes held the lock %.1f us at most; "
			"%lu connections, %lu of them closed to make room for others\n",
			promseries_count(&x->series), (unsigned long)x->published,
			(unsigned long)x->skipped,
			x->published + x->skipped ?
			x->publish_ns / 1e3 / (x->published + x->skipped) : 0.0,
			x->publish_max_ns / 1e3, (unsigned long)x->scrapes, x->hold_max_ns / 1e3,
			(unsigned long)x->conns.opened, (unsigned long)x->conns.evicted);
	prom_free(x);
	return rc;
}
