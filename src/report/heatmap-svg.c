// SPDX-License-Identifier: GPL-2.0-only
/*
 * `perf-prof heatmap FILE.lat -o FILE.svg`: render a latency heat map,
 * in the manner of Brendan Gregg's trace2heatmap.pl, as a self-contained
 * SVG.
 *
 * Input: one "<time ns> <latency ns> [<reason>]" line per event, as
 * written by --heatmap (blank lines and lines starting with '#' are
 * ignored, but for the header "# perf-prof PROFILER: time_ns latency_ns
 * KEY", which names the profiler and the reason's column in the title).
 * The reason is the rest of the line; --reason keeps one reason's lines.
 *
 * Output: time since the first event on x, in columns of one step;
 * latency on y, on a log scale, in rows of 1/rpo of a power of two
 * ("rows per octave"); each non-empty cell is a <rect> coloured by its
 * event count (log colour scale, light yellow -> dark red) that carries
 * data-count="N" and a <title> tooltip.
 *
 * The input is read twice: pass 1 validates it and finds the time and
 * latency ranges, pass 2 counts events into the cells.  A non-seekable
 * input (a pipe) is spooled to a temporary file in pass 1.  Memory is
 * proportional to the number of cells, not to the number of lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <perf-prof/heatmap.h>

#define PROG		"perf-prof heatmap"
#define EXIT_USAGE	2
#define EXIT_RUNTIME	1

#define AUTO_MAX_COLS	200	/* default step: the smallest nice step with <= this */
#define MAX_COLS	5000	/* --step may not make more columns than this */
#define MAX_ROWS	120	/* rows per octave chosen so rows stay below this */
#define MIN_ROWS	16	/* narrow latency ranges are padded to this many rows */
#define LINE_MAX_LEN	256	/* longer input lines are malformed */

struct hm_stats {
	unsigned long long n;
	uint64_t tmin, tmax, lmin, lmax;
};

struct hm_grid {
	uint64_t tmin, step;
	uint64_t cols;
	int rows, rpo, kmin;	/* row r covers latency [2^((kmin+r)/rpo), 2^((kmin+r+1)/rpo)) */
	uint64_t *cell;		/* cols * rows counts, column-major */
	uint64_t max;
};

void heatmap_msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------- input */

/*
 * Read one line (without its '\n') into @buf.  Returns its length, or -1
 * at end of file.  A line longer than @cap - 1 is cut, *trunc set and
 * reading stops there: it is an error anyway, and an endless "line"
 * (/dev/zero) must not keep the reader busy forever.
 */
static long read_line(FILE *f, char *buf, size_t cap, int *trunc)
{
	size_t n = 0;
	int c;

	*trunc = 0;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n + 1 >= cap) {
			*trunc = 1;
			break;
		}
		buf[n++] = (char)c;
	}
	if (c == EOF && n == 0 && !*trunc)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

static const char *parse_u64(const char *p, uint64_t *v, int *range)
{
	uint64_t x = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (x > (UINT64_MAX - d) / 10)
			*range = 1;
		x = x * 10 + d;
	}
	*v = x;
	return p;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* a data line: its time, latency and reason (rlen 0: none) */
struct hm_line {
	uint64_t t, l;
	const char *reason;
	size_t rlen;
};

/* 1: data line, 0: blank or comment, -1: malformed (*why set) */
static int parse_line(const char *s, size_t len, struct hm_line *d, const char **why)
{
	const char *p = s;
	int range = 0;

	if (strlen(s) != len) {
		*why = "malformed line (NUL byte)";
		return -1;
	}
	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	*why = "malformed line";
	p = parse_u64(p, &d->t, &range);
	if (!p || !is_blank(*p))
		return -1;
	while (is_blank(*p))
		p++;
	p = parse_u64(p, &d->l, &range);
	if (!p || (*p && !is_blank(*p)))
		return -1;
	while (is_blank(*p))
		p++;
	/* the reason: the rest of the line ("PF excp" has a space) */
	d->reason = p;
	d->rlen = strlen(p);
	while (d->rlen && is_blank(p[d->rlen - 1]))
		d->rlen--;
	if (range) {
		*why = "number out of range in line";
		return -1;
	}
	return 1;
}

/* a printable, single-line excerpt of @s for error messages */
static void excerpt(char *dst, size_t cap, const char *s, size_t len, int trunc)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < len || trunc) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

#define MAX_REASONS	12	/* named in the message of a --reason not found */

struct hm_input {
	const char *name;	/* for messages */
	FILE *f;
	int own;		/* fclose f */
	FILE *spool;		/* copy of the data lines when f cannot seek */
	const char *reason;	/* --reason: only its lines */
	/* from the header: "# perf-prof kvm-exit: time_ns latency_ns exit_reason" */
	char profiler[32], key_header[32];
	/* the reasons of the lines left out, for the message when none is left */
	unsigned long long with_reason;
	int nreasons;
	char reasons[MAX_REASONS][48];
};

/* the header's profiler and reason column, if @line is that header */
static void parse_header(struct hm_input *in, const char *line)
{
	char prof[32], key[32];

	if (!in->profiler[0] &&
	    sscanf(line, "# perf-prof %31[^: ]: time_ns latency_ns %31s", prof, key) == 2) {
		strcpy(in->profiler, prof);
		strcpy(in->key_header, key);
	}
}

/* is the line of @d one of --reason's (or is there no --reason)? */
static int is_reason(const struct hm_input *in, const struct hm_line *d)
{
	return !in->reason ||
	       (d->rlen == strlen(in->reason) && !memcmp(d->reason, in->reason, d->rlen));
}

/* is the line of @d drawn? Notes the reasons left out */
static int wanted(struct hm_input *in, const struct hm_line *d)
{
	int i;

	if (d->rlen)
		in->with_reason++;
	if (is_reason(in, d))
		return 1;
	if (!d->rlen || d->rlen >= sizeof(in->reasons[0]))
		return 0;
	for (i = 0; i < in->nreasons; i++)
		if (!strncmp(in->reasons[i], d->reason, d->rlen) && !in->reasons[i][d->rlen])
			return 0;
	if (in->nreasons < MAX_REASONS)
		snprintf(in->reasons[in->nreasons++], sizeof(in->reasons[0]), "%.*s",
			 (int)d->rlen, d->reason);
	return 0;
}

static int input_open(struct hm_input *in, const char *path)
{
	struct stat st;

	memset(in, 0, sizeof(*in));
	if (!strcmp(path, "-")) {
		in->name = "<stdin>";
		in->f = stdin;
	} else {
		in->name = path;
		in->f = fopen(path, "r");
		if (!in->f) {
			heatmap_msg("cannot read '%s': %s", path, strerror(errno));
			return -1;
		}
		in->own = 1;
	}
	if (fstat(fileno(in->f), &st) < 0) {
		heatmap_msg("cannot read '%s': %s", in->name, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		heatmap_msg("cannot read '%s': %s", in->name, strerror(EISDIR));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || fseeko(in->f, 0, SEEK_CUR) < 0) {
		in->spool = tmpfile();
		if (!in->spool) {
			heatmap_msg("cannot create a temporary file to buffer '%s': %s",
			    in->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void input_close(struct hm_input *in)
{
	if (in->own && in->f)
		fclose(in->f);
	if (in->spool)
		fclose(in->spool);
	memset(in, 0, sizeof(*in));
}

/* pass 1: validate every line, find the ranges */
static int pass1(struct hm_input *in, struct hm_stats *st)
{
	char line[LINE_MAX_LEN];
	unsigned long long lineno = 0;
	long len;
	int trunc;

	memset(st, 0, sizeof(*st));
	while ((len = read_line(in->f, line, sizeof(line), &trunc)) >= 0) {
		struct hm_line d;
		uint64_t t, l;
		const char *why = NULL;
		int r;

		lineno++;
		r = trunc ? -1 : parse_line(line, (size_t)len, &d, &why);
		if (r < 0) {
			char ex[80];

			excerpt(ex, sizeof(ex), line, (size_t)len, trunc);
			heatmap_msg("%s:%llu: %s '%s' (expected \"<time ns> <latency ns> [<reason>]\")",
			    in->name, lineno, trunc ? "line too long" : why, ex);
			return -1;
		}
		if (r == 0)
			parse_header(in, line);
		if (r == 0 || !wanted(in, &d))
			continue;
		t = d.t;
		l = d.l;
		if (!st->n) {
			st->tmin = st->tmax = t;
			st->lmin = st->lmax = l;
		}
		if (t < st->tmin)
			st->tmin = t;
		if (t > st->tmax)
			st->tmax = t;
		if (l < st->lmin)
			st->lmin = l;
		if (l > st->lmax)
			st->lmax = l;
		st->n++;
		if (in->spool)
			fprintf(in->spool, "%llu %llu\n",
				(unsigned long long)t, (unsigned long long)l);
	}
	if (ferror(in->f)) {
		heatmap_msg("error reading '%s': %s", in->name, strerror(errno ? errno : EIO));
		return -1;
	}
	if (in->spool && (fflush(in->spool) || ferror(in->spool))) {
		heatmap_msg("cannot buffer '%s' in a temporary file: %s", in->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------- cells */

static int lat_key(uint64_t lat, int rpo)
{
	return (int)floor(log2((double)(lat ? lat : 1)) * rpo);
}

/* smallest step in 1, 2, 2.5, 5 x 10^k ns giving <= AUTO_MAX_COLS columns */
static uint64_t auto_step(uint64_t span)
{
	uint64_t p;

	for (p = 1; ; p *= 10) {
		uint64_t cand[4] = { p, 0, 0, 0 };
		int i;

		if (p <= UINT64_MAX / 5) {
			cand[1] = p * 2;
			cand[2] = p >= 10 ? p / 2 * 5 : 0;	/* 2.5 x 10^k */
			cand[3] = p * 5;
		}
		for (i = 0; i < 4; i++)
			if (cand[i] && span / cand[i] < AUTO_MAX_COLS)
				return cand[i];
		if (p > UINT64_MAX / 10)
			return p;
	}
}

/* returns 0, or an exit code */
static int grid_init(struct hm_grid *g, const struct hm_stats *st, const struct heatmap_svg_opts *o)
{
	static const int rpos[] = { 32, 16, 8, 4, 2, 1 };
	uint64_t span = st->tmax - st->tmin, q;
	size_t i;
	int kmax = 0;

	memset(g, 0, sizeof(*g));
	g->tmin = st->tmin;
	g->step = o->step_ns ? o->step_ns : auto_step(span);
	q = span / g->step;
	if (q >= MAX_COLS) {
		heatmap_msg("--step %s makes %llu columns (at most %d); choose a larger step",
		    o->step_arg, (unsigned long long)q + 1, MAX_COLS);
		return EXIT_USAGE;
	}
	g->cols = q + 1;

	for (i = 0; i < sizeof(rpos) / sizeof(rpos[0]); i++) {
		g->rpo = rpos[i];
		g->kmin = lat_key(st->lmin, g->rpo);
		kmax = lat_key(st->lmax, g->rpo);
		if (kmax - g->kmin + 1 <= MAX_ROWS)
			break;
	}
	if (kmax - g->kmin + 1 < MIN_ROWS) {
		int extra = MIN_ROWS - (kmax - g->kmin + 1);

		g->kmin -= extra / 2;
		kmax += extra - extra / 2;
		if (g->kmin < 0) {
			kmax -= g->kmin;
			g->kmin = 0;
		}
	}
	g->rows = kmax - g->kmin + 1;
	g->cell = calloc(g->cols * (uint64_t)g->rows, sizeof(*g->cell));
	if (!g->cell) {
		heatmap_msg("out of memory for %llu x %d cells", (unsigned long long)g->cols, g->rows);
		return EXIT_RUNTIME;
	}
	return 0;
}

static void grid_add(struct hm_grid *g, uint64_t t, uint64_t l)
{
	uint64_t c = t < g->tmin ? 0 : (t - g->tmin) / g->step;
	int r = lat_key(l, g->rpo) - g->kmin;
	uint64_t *p;

	if (c >= g->cols)
		c = g->cols - 1;
	if (r < 0)
		r = 0;
	if (r >= g->rows)
		r = g->rows - 1;
	p = &g->cell[c * (uint64_t)g->rows + (uint64_t)r];
	if (++*p > g->max)
		g->max = *p;
}

/* pass 2: count the @n data lines of pass 1 into the cells */
static int pass2(struct hm_input *in, struct hm_grid *g, unsigned long long n)
{
	FILE *f = in->spool ? in->spool : in->f;
	char line[LINE_MAX_LEN];
	unsigned long long seen = 0;
	long len;
	int trunc;

	if (fseeko(f, 0, SEEK_SET) < 0) {
		heatmap_msg("cannot rewind '%s': %s", in->name, strerror(errno));
		return -1;
	}
	clearerr(f);
	while (seen < n && (len = read_line(f, line, sizeof(line), &trunc)) >= 0) {
		struct hm_line d;
		const char *why;
		int r = trunc ? -1 : parse_line(line, (size_t)len, &d, &why);

		if (r < 0) {
			heatmap_msg("'%s' changed while it was read", in->name);
			return -1;
		}
		/* the spool holds the wanted lines only */
		if (r == 0 || (f != in->spool && !is_reason(in, &d)))
			continue;
		grid_add(g, d.t, d.l);
		seen++;
	}
	if (ferror(f)) {
		heatmap_msg("error reading '%s': %s", in->name, strerror(errno ? errno : EIO));
		return -1;
	}
	if (seen < n) {
		heatmap_msg("'%s' changed while it was read (%llu of %llu lines left)",
		    in->name, seen, n);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- formats */

/* strip trailing zeros of a "%.Nf" number */
static void trim_zeros(char *s)
{
	char *dot = strchr(s, '.'), *e;

	if (!dot)
		return;
	e = s + strlen(s) - 1;
	while (e > dot && *e == '0')
		*e-- = '\0';
	if (e == dot)
		*e = '\0';
}

static const char *unit_of(double ns, double *div)
{
	if (ns < 1e3) {
		*div = 1;
		return "ns";
	}
	if (ns < 1e6) {
		*div = 1e3;
		return "us";
	}
	if (ns < 1e9) {
		*div = 1e6;
		return "ms";
	}
	*div = 1e9;
	return "s";
}

/* a duration with its unit chosen by magnitude, ~4 significant digits */
static void fmt_dur(char *buf, size_t cap, double ns)
{
	double div, x;
	const char *u = unit_of(ns, &div);
	int dec;

	x = ns / div;
	dec = x < 10 ? 3 : x < 100 ? 2 : 1;
	if (ns < 1e3 && x >= 100)
		dec = 0;
	snprintf(buf, cap, "%.*f", dec, x);
	trim_zeros(buf);
	strncat(buf, u, cap - strlen(buf) - 1);
}

/* a value in a fixed unit with @dec decimals */
static void fmt_fixed(char *buf, size_t cap, double ns, double div, const char *u, int dec)
{
	snprintf(buf, cap, "%.*f", dec, ns / div);
	trim_zeros(buf);
	if (!strcmp(buf, "-0"))
		strcpy(buf, "0");
	strncat(buf, u, cap - strlen(buf) - 1);
}

/* decimals needed to show multiples of @step in units of @div */
static int decimals_for(double step, double div)
{
	double x = step / div;
	int d = 0;

	while (d < 9 && fabs(x * pow(10, d) - floor(x * pow(10, d) + 0.5)) > 1e-6)
		d++;
	return d;
}

static double nice_num(double x)
{
	double e = floor(log10(x)), f = x / pow(10, e);

	f = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return f * pow(10, e);
}

/* tick values in [lo, hi] for a log axis; returns the count */
static int log_ticks(double lo, double hi, double *out, int max)
{
	double decades = log10(hi / lo);
	int n = 0;

	if (decades >= 1) {
		static const double m125[] = { 1, 2, 5 }, m1[] = { 1 };
		const double *m = decades <= 2.5 ? m125 : m1;
		int nm = decades <= 2.5 ? 3 : 1;
		int every = decades > 12 ? (int)ceil(decades / 12) : 1;
		int e, i;

		for (e = (int)floor(log10(lo)); e <= (int)ceil(log10(hi)); e++) {
			if (e % every)
				continue;
			for (i = 0; i < nm; i++) {
				double v = m[i] * pow(10, e);

				if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && n < max)
					out[n++] = v;
			}
		}
		if (n >= 3)
			return n;
	}
	/* less than a decade: linear nice ticks */
	{
		double step = nice_num((hi - lo) / 4);
		double first = ceil(lo / step - 1e-9);
		int i;

		n = 0;
		for (i = 0; n < max; i++) {
			double v = (first + i) * step;

			if (v > hi * (1 + 1e-9))
				break;
			out[n++] = v;
		}
	}
	return n;
}

/*
 * Write @s as XML character data: escape markup, replace control
 * characters and invalid UTF-8 so that the document stays well-formed.
 */
static void xml_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		int len, i;
		unsigned cp;

		if (c < 0x80) {
			switch (c) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&apos;", f); break;
			default:
				fputc(c < 0x20 || c == 0x7f ? '?' : (int)c, f);
			}
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			goto bad;
		}
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
			goto bad;
		fwrite(p, 1, (size_t)len, f);
		p += len;
		continue;
bad:
		fputs("\xef\xbf\xbd", f);	/* U+FFFD */
		p++;
	}
}

/* ----------------------------------------------------------------- colours */

struct rgb { double r, g, b; };

/* YlOrRd: light yellow -> orange -> dark red, t in [0, 1] */
static void ramp(double t, char *buf, size_t cap)
{
	static const struct rgb stops[] = {
		{ 255, 255, 178 }, { 254, 204, 92 }, { 253, 141, 60 },
		{ 240, 59, 32 }, { 189, 0, 38 }, { 110, 0, 20 },
	};
	const int n = sizeof(stops) / sizeof(stops[0]) - 1;
	double x;
	int i;

	if (!(t > 0))
		t = 0;
	if (t > 1)
		t = 1;
	x = t * n;
	i = (int)x;
	if (i >= n)
		i = n - 1;
	x -= i;
	snprintf(buf, cap, "#%02x%02x%02x",
		 (int)lround(stops[i].r + (stops[i + 1].r - stops[i].r) * x),
		 (int)lround(stops[i].g + (stops[i + 1].g - stops[i].g) * x),
		 (int)lround(stops[i].b + (stops[i + 1].b - stops[i].b) * x));
}

static double count_t(uint64_t c, uint64_t max)
{
	if (max <= 1)
		return c ? 1 : 0;
	return log((double)c) / log((double)max);
}

/* --------------------------------------------------------------------- svg */

#define FONT	"Verdana, Helvetica, Arial, sans-serif"

static void svg_head(FILE *f, double w, double h)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"%s\"", w, h, w, h, FONT);
}

static void svg_title(FILE *f, double cx, const char *title, const char *subtitle)
{
	fprintf(f, "<title>");
	xml_text(f, title);
	fprintf(f, "</title>\n");
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(f, "<text class=\"title\" x=\"%.1f\" y=\"26\" text-anchor=\"middle\" "
		"font-size=\"18\" font-weight=\"bold\">", cx);
	xml_text(f, title);
	fprintf(f, "</text>\n");
	if (subtitle) {
		fprintf(f, "<text class=\"subtitle\" x=\"%.1f\" y=\"46\" text-anchor=\"middle\" "
			"font-size=\"12\" fill=\"#555555\">", cx);
		xml_text(f, subtitle);
		fprintf(f, "</text>\n");
	}
}

static void svg_empty(FILE *f, const char *title, const char *in)
{
	svg_head(f, 600, 240);
	fprintf(f, " data-lines=\"0\">\n");
	svg_title(f, 300, title, NULL);
	fprintf(f, "<rect x=\"50\" y=\"60\" width=\"500\" height=\"140\" fill=\"none\" "
		"stroke=\"#999999\"/>\n");
	fprintf(f, "<text class=\"nodata\" x=\"300\" y=\"136\" text-anchor=\"middle\" "
		"font-size=\"16\" fill=\"#555555\">no data in ");
	xml_text(f, in);
	fprintf(f, "</text>\n</svg>\n");
}

/* layout */
#define M_LEFT		90
#define M_TOP		64
#define M_BOTTOM	64
#define LEGEND_W	110

/* where the plot goes, and the units of its time axis */
struct svg_frame {
	double plot_w, plot_h;	/* the plot area */
	double cw, rh;		/* a cell */
	double x0, y0, y1;	/* the plot's left, top and bottom */
	double total;		/* ns the columns span */
	double tdiv;		/* the time unit in ns */
	const char *tunit;
};

static void svg_frame(struct svg_frame *fr, const struct hm_grid *g)
{
	fr->plot_w = g->cols > 1000 ? (double)g->cols : (double)g->cols * 8;
	if (fr->plot_w < 400)
		fr->plot_w = 400;
	if (fr->plot_w > 1000 && g->cols <= 1000)
		fr->plot_w = 1000;
	fr->plot_h = g->rows * 8.0;
	if (fr->plot_h < 320)
		fr->plot_h = 320;
	if (fr->plot_h > 600)
		fr->plot_h = 600;
	fr->cw = fr->plot_w / (double)g->cols;
	fr->rh = fr->plot_h / g->rows;
	fr->x0 = M_LEFT;
	fr->y0 = M_TOP;
	fr->y1 = fr->y0 + fr->plot_h;
	fr->total = (double)g->step * (double)g->cols;
	fr->tunit = unit_of(fr->total, &fr->tdiv);
}

/* the root element, title and subtitle (what is in there), the plot area */
static void svg_open(FILE *f, const struct svg_frame *fr, const struct hm_grid *g,
		     const struct hm_stats *st, const char *title)
{
	char sub[256], a[40], b[40], c[40], d[40];

	fmt_dur(a, sizeof(a), (double)(st->tmax - st->tmin));
	fmt_dur(b, sizeof(b), (double)st->lmin);
	fmt_dur(c, sizeof(c), (double)st->lmax);
	fmt_dur(d, sizeof(d), (double)g->step);
	snprintf(sub, sizeof(sub),
		 "%llu events over %s, latency %s to %s; columns of %s, %d row%s per power of 2",
		 st->n, a, b, c, d, g->rpo, g->rpo > 1 ? "s" : "");

	svg_head(f, M_LEFT + fr->plot_w + LEGEND_W, M_TOP + fr->plot_h + M_BOTTOM);
	fprintf(f, " data-lines=\"%llu\" data-columns=\"%llu\" data-rows=\"%d\" "
		"data-step-ns=\"%llu\" data-rows-per-octave=\"%d\">\n",
		st->n, (unsigned long long)g->cols, g->rows,
		(unsigned long long)g->step, g->rpo);
	fprintf(f, "<style>rect.cell:hover { stroke: #000000; stroke-width: 1; }</style>\n");
	svg_title(f, fr->x0 + fr->plot_w / 2, title, sub);
	fprintf(f, "<rect class=\"plot\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
		"fill=\"#ffffff\" stroke=\"#bbbbbb\"/>\n", fr->x0, fr->y0, fr->plot_w, fr->plot_h);
}

/* every non-empty cell: a rect coloured by its count, with a tooltip */
static void svg_cells(FILE *f, const struct svg_frame *fr, const struct hm_grid *g)
{
	int sdec = decimals_for((double)g->step, fr->tdiv), r;
	char a[40], b[40], c[40], d[40], col[16];
	uint64_t ci;

	fprintf(f, "<g class=\"cells\" shape-rendering=\"crispEdges\">\n");
	for (ci = 0; ci < g->cols; ci++) {
		const uint64_t *colp = &g->cell[ci * (uint64_t)g->rows];

		fmt_fixed(a, sizeof(a), (double)ci * (double)g->step, fr->tdiv, fr->tunit, sdec);
		fmt_fixed(b, sizeof(b), (double)(ci + 1) * (double)g->step, fr->tdiv, fr->tunit,
			  sdec);
		for (r = 0; r < g->rows; r++) {
			uint64_t n = colp[r];
			int k = g->kmin + r;

			if (!n)
				continue;
			ramp(count_t(n, g->max), col, sizeof(col));
			fmt_dur(c, sizeof(c), exp2((double)k / g->rpo));
			fmt_dur(d, sizeof(d), exp2((double)(k + 1) / g->rpo));
			fprintf(f, "<rect class=\"cell\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
				"height=\"%.2f\" fill=\"%s\" data-count=\"%llu\">"
				"<title>time %s to %s, latency %s to %s, count %llu</title></rect>\n",
				fr->x0 + (double)ci * fr->cw, fr->y1 - (r + 1) * fr->rh, fr->cw,
				fr->rh, col, (unsigned long long)n, a, b, c, d,
				(unsigned long long)n);
		}
	}
	fprintf(f, "</g>\n");
}

/* x axis: time since the first event */
static void svg_xaxis(FILE *f, const struct svg_frame *fr)
{
	double ticks[64], step = nice_num(fr->total / 8);
	int nt = 0, i, tdec;
	char a[40];

	if (step < 1)
		step = 1;
	for (i = 0; i < 64 && step * i <= fr->total * (1 + 1e-9); i++)
		ticks[nt++] = step * i;
	tdec = nt > 1 ? decimals_for(ticks[1], fr->tdiv) : 0;
	fprintf(f, "<g class=\"xaxis\" font-size=\"11\" text-anchor=\"middle\">\n");
	for (i = 0; i < nt; i++) {
		double x = fr->x0 + ticks[i] / fr->total * fr->plot_w;

		fmt_fixed(a, sizeof(a), ticks[i], fr->tdiv, fr->tunit, tdec);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>"
			"<text class=\"xtick\" x=\"%.2f\" y=\"%.2f\">%s</text>\n",
			x, fr->y1, x, fr->y1 + 5, x, fr->y1 + 18, a);
	}
	fprintf(f, "</g>\n");
	fprintf(f, "<text class=\"xlabel\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
		"font-size=\"13\">Time since first event (%s)</text>\n",
		fr->x0 + fr->plot_w / 2, fr->y1 + 42, fr->tunit);
}

/* y axis: latency, log scale */
static void svg_yaxis(FILE *f, const struct svg_frame *fr, const struct hm_grid *g)
{
	double lo = exp2((double)g->kmin / g->rpo);
	double hi = exp2((double)(g->kmin + g->rows) / g->rpo);
	double ticks[64];
	int nt = log_ticks(lo, hi, ticks, 64), i;
	char a[40];

	fprintf(f, "<g class=\"yaxis\" font-size=\"11\" text-anchor=\"end\">\n");
	for (i = 0; i < nt; i++) {
		double y = fr->y1 - (log2(ticks[i]) * g->rpo - g->kmin) * fr->rh;

		if (y < fr->y0 - 0.5 || y > fr->y1 + 0.5)
			continue;
		fmt_dur(a, sizeof(a), ticks[i]);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>"
			"<text class=\"ytick\" x=\"%.2f\" y=\"%.2f\">%s</text>\n",
			fr->x0 - 5, y, fr->x0, y, fr->x0 - 8, y + 4, a);
	}
	fprintf(f, "</g>\n");
	fprintf(f, "<text class=\"ylabel\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
		"font-size=\"13\" transform=\"rotate(-90 %.2f %.2f)\">Latency (log scale)</text>\n",
		20.0, fr->y0 + fr->plot_h / 2, 20.0, fr->y0 + fr->plot_h / 2);
}

/* the legend's labels: max at the top, 1 at the bottom, powers of ten between */
static void svg_legend_ticks(FILE *f, uint64_t max, double lx, double lw, double ly, double lh)
{
	uint64_t vals[24], p = 1;
	double last_y = -1e9;
	int nv = 0, i;

	vals[nv++] = max;
	while (p <= UINT64_MAX / 10 && p * 10 < max)
		p *= 10;
	for (; p >= 1 && nv < 23; p /= 10) {
		if (p < max)
			vals[nv++] = p;
	}
	for (i = 0; i < nv; i++) {
		double y = ly + lh - count_t(vals[i], max) * lh;
		double bottom = ly + lh;

		/* keep labels 14px apart; 1 (the last) always wins over its neighbour */
		if (i > 0 && y - last_y < 14)
			continue;
		if (i > 0 && i < nv - 1 && bottom - y < 14)
			continue;
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
			"stroke=\"#333333\"/><text class=\"ltick\" x=\"%.2f\" y=\"%.2f\">%llu</text>\n",
			lx + lw, y, lx + lw + 4, y, lx + lw + 7, y + 4, (unsigned long long)vals[i]);
		last_y = y;
	}
}

/* legend: colour by count, log scale */
static void svg_legend(FILE *f, const struct svg_frame *fr, const struct hm_grid *g)
{
	double lx = fr->x0 + fr->plot_w + 24, lw = 16;
	double lh = fr->plot_h < 300 ? fr->plot_h : 300, ly = fr->y0 + 16;
	char col[16];
	int i;

	fprintf(f, "<defs><linearGradient id=\"hm-legend\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n");
	for (i = 0; i <= 10; i++) {
		ramp(i / 10.0, col, sizeof(col));
		fprintf(f, "<stop offset=\"%.1f\" stop-color=\"%s\"/>\n", i / 10.0, col);
	}
	fprintf(f, "</linearGradient></defs>\n");
	fprintf(f, "<g class=\"legend\" font-size=\"11\">\n");
	fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\">count</text>\n", lx, fr->y0 + 6);
	fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
		"fill=\"url(#hm-legend)\" stroke=\"#999999\"/>\n", lx, ly, lw, lh);
	svg_legend_ticks(f, g->max, lx, lw, ly, lh);
	fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" fill=\"#555555\">"
		"(log scale)</text>\n", lx, ly + lh + 16);
	fprintf(f, "</g>\n");
}

static void svg_heatmap(FILE *f, const struct hm_grid *g, const struct hm_stats *st,
			const char *title)
{
	struct svg_frame fr;

	svg_frame(&fr, g);
	svg_open(f, &fr, g, st, title);
	svg_cells(f, &fr, g);
	svg_xaxis(f, &fr);
	svg_yaxis(f, &fr, g);
	svg_legend(f, &fr, g);
	fprintf(f, "</svg>\n");
}

/* -------------------------------------------------------------------- main */

/*
 * The SVG is written to OUT.svg.XXXXXX beside @path and renamed over it
 * once complete, so a failed run never leaves a truncated OUT.svg; a
 * device or FIFO (-o /dev/null) is written in place (*tmp NULL).
 */
static FILE *open_output(const char *path, char **tmp)
{
	struct stat st;
	mode_t mask;
	FILE *f;
	int fd;

	*tmp = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		heatmap_msg("cannot write '%s': %s", path, strerror(EISDIR));
		return NULL;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	} else {
		if (asprintf(tmp, "%s.XXXXXX", path) < 0) {
			*tmp = NULL;
			heatmap_msg("out of memory");
			return NULL;
		}
		fd = mkostemp(*tmp, O_CLOEXEC);
		if (fd >= 0) {
			mask = umask(0);
			umask(mask);
			fchmod(fd, 0666 & ~mask);
		}
	}
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		int e = errno;

		heatmap_msg("cannot write '%s': %s%s", path, strerror(e),
		    e == ENXIO ? " (a FIFO with no reader)" : "");
		if (fd >= 0)
			close(fd);
		if (*tmp) {
			if (fd >= 0)
				unlink(*tmp);
			free(*tmp);
			*tmp = NULL;
		}
		return NULL;
	}
	return f;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s && s[1])
		return s + 1;
	return path;
}

/* -o naming the input file would destroy it */
static int is_input(const struct heatmap_svg_opts *o, const struct hm_input *in)
{
	struct stat si, so;

	return strcmp(o->out, "-") && in->own && fstat(fileno(in->f), &si) == 0 &&
	       stat(o->out, &so) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino;
}

/* --reason named none of the input's reasons: say which there are */
static int reason_missing(const struct hm_input *in)
{
	char list[MAX_REASONS * 50 + 8];
	size_t n = 0;
	int i;

	if (!in->with_reason) {
		heatmap_msg("--reason: '%s' has no reason column (\"<time ns> <latency ns> "
			    "<reason>\", as --heatmap writes it)", in->name);
		return EXIT_USAGE;
	}
	list[0] = 0;
	for (i = 0; i < in->nreasons; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s'%s'", i ? ", " : "",
				      in->reasons[i]);
	if (in->nreasons == MAX_REASONS)
		snprintf(list + n, sizeof(list) - n, ", ...");
	heatmap_msg("--reason: no line of '%s' has the reason '%s' (it has %s)", in->name,
		    in->reason, list);
	return EXIT_USAGE;
}

/* the default title: what the header names, the reason, the file */
static char *default_title(const struct hm_input *in, const char *file)
{
	char *t = NULL;
	int r;

	if (in->profiler[0] && in->reason)
		r = asprintf(&t, "%s latency heat map: %s %s (%s)", in->profiler, in->key_header,
			     in->reason, file);
	else if (in->profiler[0])
		r = asprintf(&t, "%s latency heat map: every %s (%s)", in->profiler,
			     in->key_header, file);
	else if (in->reason)
		r = asprintf(&t, "Latency Heat Map: %s (%s)", in->reason, file);
	else
		r = asprintf(&t, "Latency Heat Map: %s", file);
	return r < 0 ? NULL : t;
}

/* both passes over the input: its ranges into @st, its events into @g; 0 or an exit code */
static int read_input(struct hm_input *in, const struct heatmap_svg_opts *o,
		      struct hm_stats *st, struct hm_grid *g)
{
	int r;

	if (pass1(in, st) < 0)
		return EXIT_RUNTIME;
	if (!st->n && in->reason)
		return reason_missing(in);
	if (!st->n)
		return 0;
	r = grid_init(g, st, o);
	if (r)
		return r;
	return pass2(in, g, st->n) < 0 ? EXIT_RUNTIME : 0;
}

/* the SVG to -o: drawn, flushed, and (a file) renamed into place; 0 or -1 */
static int write_svg(const struct heatmap_svg_opts *o, const struct hm_grid *g,
		     const struct hm_stats *st, const char *title)
{
	char *tmp = NULL;
	FILE *out = stdout;
	int bad, e;

	if (strcmp(o->out, "-") && !(out = open_output(o->out, &tmp)))
		return -1;
	if (st->n)
		svg_heatmap(out, g, st, title);
	else
		svg_empty(out, title, strcmp(o->in, "-") ? o->in : "stdin");
	if (out == stdout) {
		if (!fflush(out) && !ferror(out))
			return 0;
		heatmap_msg("error writing the SVG to standard output: %s", strerror(errno));
		return -1;
	}
	bad = ferror(out) || fflush(out) || (tmp && fsync(fileno(out)) < 0);
	e = errno;
	if (fclose(out) || bad) {
		heatmap_msg("error writing '%s': %s", o->out,
			    strerror(bad && e ? e : errno ? errno : EIO));
	} else if (tmp && rename(tmp, o->out) < 0) {
		heatmap_msg("cannot rename '%s' to '%s': %s", tmp, o->out, strerror(errno));
	} else {
		free(tmp);
		return 0;
	}
	if (tmp) {
		unlink(tmp);	/* a failed run leaves the previous OUT.svg as it was */
		free(tmp);
	}
	return -1;
}

int heatmap_svg_render(const struct heatmap_svg_opts *o)
{
	struct hm_input in;
	struct hm_stats st;
	struct hm_grid g;
	char *title_buf = NULL;
	const char *title = o->title;
	int ret = EXIT_RUNTIME;

	memset(&g, 0, sizeof(g));
	if (input_open(&in, o->in) < 0)
		goto out;
	in.reason = o->reason;
	if (is_input(o, &in)) {
		heatmap_msg("output '%s' is the input file", o->out);
		ret = EXIT_USAGE;
		goto out;
	}
	ret = read_input(&in, o, &st, &g);
	if (ret)
		goto out;
	ret = EXIT_RUNTIME;
	if (!title && !(title_buf = default_title(&in, strcmp(o->in, "-") ?
						     base_name(o->in) : "stdin"))) {
		heatmap_msg("out of memory");
		goto out;
	}
	if (!title)
		title = title_buf;
	if (write_svg(o, &g, &st, title) == 0)
		ret = 0;
out:
	input_close(&in);
	free(g.cell);
	free(title_buf);
	return ret;
}
