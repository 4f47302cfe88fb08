// SPDX-License-Identifier: GPL-2.0-only
/*
 * --tui's screen: the latest snapshot's table, sorted, one row chosen;
 * keys switch the view, the order and into a row's detail.  Nothing here
 * knows where the numbers come from (report/tui-feed.c makes them).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perf-prof/tui.h>

#define ROW_FMT_NAME	20	/* the name column, as the tables print it */
#define LINE_MAX_W	512

static const char *const view_names[TUI_NVIEWS] = { "by reason", "by VM", "by vCPU" };

struct tui {
	SCREEN *scr;
	char title[64], key_header[32];
	enum sort_key sort;
	enum tui_view view;
	struct tui_snapshot *snap;
	char detail_of[TUI_NAME_MAX];	/* the row whose detail is shown, "" for none */
	char chosen[TUI_NAME_MAX];	/* the chosen row, by name across refreshes */
	int top;			/* the first row on the screen */
	struct tui_row **order;		/* the shown table's rows, sorted */
	int norder;
};

int tui_table_init(struct tui_table *tb, const char *title, const char *key, int n)
{
	int i;

	memset(tb, 0, sizeof(*tb));
	snprintf(tb->title, sizeof(tb->title), "%s", title);
	snprintf(tb->key, sizeof(tb->key), "%s", key);
	tb->rows = calloc(n > 0 ? (size_t)n : 1, sizeof(*tb->rows));
	if (!tb->rows)
		return -1;
	tb->nrows = n;
	for (i = 0; i < n; i++)
		tb->rows[i].detail = -1;
	return 0;
}

void tui_snapshot_free(struct tui_snapshot *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < TUI_NVIEWS; i++)
		free(s->view[i].rows);
	for (i = 0; i < s->ndetails; i++)
		free(s->details[i].rows);
	free(s->details);
	free(s);
}

struct tui *tui_open(const char *title, const char *key_header, enum sort_key sort,
		     char *err, size_t errlen)
{
	struct tui *t;

	if (!isatty(0) || !isatty(1)) {
		snprintf(err, errlen, "--tui needs a terminal on standard input and output");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->scr = newterm(NULL, stdout, stdin);
	if (!t->scr) {
		snprintf(err, errlen, "--tui: cannot use the terminal (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "");
		free(t);
		return NULL;
	}
	/* cbreak, not raw: Ctrl-C still stops the run, as without --tui */
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	snprintf(t->title, sizeof(t->title), "%s", title);
	snprintf(t->key_header, sizeof(t->key_header), "%s", key_header);
	t->sort = sort;
	return t;
}

void tui_close(struct tui *t)
{
	if (!t)
		return;
	endwin();
	delscreen(t->scr);
	tui_snapshot_free(t->snap);
	free(t->order);
	free(t);
}

/* the table on the screen: the view's, or the detail of one of its rows */
static const struct tui_table *shown(const struct tui *t, bool *gone)
{
	const struct tui_table *v;
	int i;

	*gone = false;
	if (!t->snap)
		return NULL;
	v = &t->snap->view[t->view];
	if (!t->detail_of[0])
		return v;
	for (i = 0; i < v->nrows; i++)
		if (!strcmp(v->rows[i].name, t->detail_of) && v->rows[i].detail >= 0 &&
		    v->rows[i].detail < t->snap->ndetails)
			return &t->snap->details[v->rows[i].detail];
	*gone = true;	/* no exit of it in this interval */
	return NULL;
}

static double sort_value(const struct tui_row *r, enum sort_key sort_by)
{
	switch (sort_by) {
	case SORT_CALLS: return (double)r->calls;
	case SORT_AVG: return r->avg_us;
	case SORT_P99: return r->p99_us;
	case SORT_MAX: return r->max_us;
	default: return r->total_us;
	}
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct tui_row *x = *(struct tui_row *const *)a, *y = *(struct tui_row *const *)b;
	enum sort_key sort_by = *(const enum sort_key *)arg;
	double vx = sort_value(x, sort_by), vy = sort_value(y, sort_by);

	if (sort_by != SORT_NAME && vx != vy)
		return vx > vy ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* t->order: the shown table's rows in the chosen order; the chosen row's index */
static int sort_shown(struct tui *t, const struct tui_table *tb)
{
	int i, at = 0;

	free(t->order);
	t->order = NULL;
	t->norder = 0;
	if (!tb || !tb->nrows || !(t->order = calloc((size_t)tb->nrows, sizeof(*t->order))))
		return 0;
	for (i = 0; i < tb->nrows; i++)
		t->order[i] = &tb->rows[i];
	t->norder = tb->nrows;
	qsort_r(t->order, (size_t)t->norder, sizeof(*t->order), cmp_rows, &t->sort);
	for (i = 0; i < t->norder; i++)
		if (!strcmp(t->order[i]->name, t->chosen))
			at = i;
	snprintf(t->chosen, sizeof(t->chosen), "%s", t->norder ? t->order[at]->name : "");
	return at;
}

/* one row as the tables print it, its name @w wide */
static void row_text(char *buf, size_t len, const struct tui_row *r, int w)
{
	snprintf(buf, len, "%-*.*s %8llu %16.3f %12.3f %12.3f %12.3f %12.3f", w, w, r->name,
		 (unsigned long long)r->calls, r->total_us, r->min_us, r->avg_us, r->p99_us,
		 r->max_us);
}

static int name_width(const struct tui *t)
{
	int i, w = ROW_FMT_NAME;

	for (i = 0; i < t->norder; i++)
		if ((int)strlen(t->order[i]->name) > w)
			w = (int)strlen(t->order[i]->name);
	return w < TUI_NAME_MAX ? w : TUI_NAME_MAX - 1;
}

/* the first lines: what is shown, in which order, when; the table's title and header */
static void draw_head(struct tui *t, const struct tui_table *tb, bool gone, int w)
{
	char line[LINE_MAX_W];

	attron(A_BOLD);
	snprintf(line, sizeof(line), "perf-prof %s, %s%s%s, sort: %s", t->title,
		 view_names[t->view], t->detail_of[0] ? ", detail of " : "", t->detail_of,
		 sort_key_names[t->sort]);
	mvaddnstr(0, 0, line, COLS);
	if (t->snap && (int)(strlen(line) + strlen(t->snap->when) + 2) < COLS)
		mvaddstr(0, COLS - (int)strlen(t->snap->when), t->snap->when);
	attroff(A_BOLD);
	if (!t->snap)
		snprintf(line, sizeof(line), "waiting for the first interval...");
	else if (gone)
		snprintf(line, sizeof(line), "%s: no exits in this interval", t->detail_of);
	else
		snprintf(line, sizeof(line), "%s", tb->title);
	mvaddnstr(1, 0, line, COLS);
	snprintf(line, sizeof(line), "%-*s %8s %16s %12s %12s %12s %12s", w,
		 tb && tb->key[0] ? tb->key : t->key_header, "calls", "total(us)", "min(us)",
		 "avg(us)", "p99(us)", "max(us)");
	attron(A_UNDERLINE);
	mvaddnstr(2, 0, line, COLS);
	attroff(A_UNDERLINE);
}

static void draw(struct tui *t)
{
	bool gone;
	const struct tui_table *tb = shown(t, &gone);
	int at = sort_shown(t, tb), rows = LINES - 4, w, i;
	char line[LINE_MAX_W];

	erase();
	w = name_width(t);
	draw_head(t, tb, gone, w);
	if (rows < 1)
		rows = 1;
	if (at < t->top)
		t->top = at;
	if (at >= t->top + rows)
		t->top = at - rows + 1;
	for (i = t->top; i < t->norder && i < t->top + rows; i++) {
		row_text(line, sizeof(line), t->order[i], w);
		if (i == at)
			attron(A_REVERSE);
		mvaddnstr(3 + i - t->top, 0, line, COLS);
		if (i == at)
			attroff(A_REVERSE);
	}
	snprintf(line, sizeof(line), "%s", t->snap && t->snap->note[0] ? t->snap->note :
		 "r reasons  v VMs  c vCPUs  Enter detail  Esc back  s sort  q quit");
	mvaddnstr(LINES - 1, 0, line, COLS);
	refresh();
}

void tui_show(struct tui *t, struct tui_snapshot *s)
{
	tui_snapshot_free(t->snap);
	t->snap = s;
	draw(t);
}

/* the chosen row @step rows down (up when negative), within the table */
static void move_by(struct tui *t, int step)
{
	int i, at = 0;

	for (i = 0; i < t->norder; i++)
		if (!strcmp(t->order[i]->name, t->chosen))
			at = i;
	at += step;
	if (at >= t->norder)
		at = t->norder - 1;
	if (at < 0)
		at = 0;
	if (t->norder)
		snprintf(t->chosen, sizeof(t->chosen), "%s", t->order[at]->name);
}

/* into the chosen row's detail, or back out of it */
static void enter(struct tui *t, bool in)
{
	if (in && !t->detail_of[0] && t->chosen[0]) {
		snprintf(t->detail_of, sizeof(t->detail_of), "%s", t->chosen);
		t->chosen[0] = 0;
	} else if (!in && t->detail_of[0]) {
		snprintf(t->chosen, sizeof(t->chosen), "%s", t->detail_of);
		t->detail_of[0] = 0;
	}
	t->top = 0;
}

static void set_view(struct tui *t, enum tui_view v)
{
	t->view = v;
	t->detail_of[0] = 0;
	t->chosen[0] = 0;
	t->top = 0;
}

/* one key: true when q */
static bool key(struct tui *t, int c)
{
	switch (c) {
	case 'q': case 'Q': return true;
	case 'r': set_view(t, TUI_REASONS); break;
	case 'v': set_view(t, TUI_VMS); break;
	case 'c': set_view(t, TUI_VCPUS); break;
	case 's': t->sort = (t->sort + 1) % SORT_NKEYS; break;
	case KEY_UP: case 'k': move_by(t, -1); break;
	case KEY_DOWN: case 'j': move_by(t, 1); break;
	case KEY_PPAGE: move_by(t, -(LINES - 4)); break;
	case KEY_NPAGE: move_by(t, LINES - 4); break;
	case KEY_HOME: move_by(t, -t->norder); break;
	case KEY_END: move_by(t, t->norder); break;
	case KEY_ENTER: case '\n': case '\r': case KEY_RIGHT: enter(t, true); break;
	case KEY_BACKSPACE: case 127: case 8: case 27: case KEY_LEFT: enter(t, false); break;
	default: break;	/* KEY_RESIZE among them: ncurses has the new size */
	}
	return false;
}

bool tui_input(struct tui *t)
{
	int c;

	/* drawn after each key: the next one (Enter after c) acts on the rows it shows */
	while ((c = getch()) != ERR) {
		if (key(t, c))
			return true;
		draw(t);
	}
	return false;
}
