// SPDX-License-Identifier: GPL-2.0-only
/*
 * A source over another (source.h, struct source_wrap): every call goes on
 * to the inner source, which the wrapper's own calls replace where it
 * differs (paced.c: when records come; runlen.c: when the run ends).  The
 * facts the engine reads from a source are the inner one's, copied after
 * each call that may change them.
 */
#include <stdlib.h>
#include <perf-prof/source.h>

static struct source *inner(struct source *s)
{
	return ((struct source_wrap *)s)->in;
}

void source_wrap_mirror(struct source_wrap *w)
{
	struct source *s = &w->s, *in = w->in;

	s->name = in->name;
	s->live = in->live;
	s->merge = in->merge;
	s->by_ref = in->by_ref;
	s->switches = in->switches;
	s->clock = in->clock;
	s->nbuf = in->nbuf;
	s->pages = in->pages;
}

static struct tep_handle *w_formats(struct source *s, char *err, size_t errlen)
{
	struct tep_handle *tep = inner(s)->ops->formats(inner(s), err, errlen);

	source_wrap_mirror((struct source_wrap *)s);
	return tep;
}

static int w_start(struct source *s, char *err, size_t errlen)
{
	int r = inner(s)->ops->start(inner(s), err, errlen);

	source_wrap_mirror((struct source_wrap *)s);
	return r;
}

static int w_next(struct source *s, struct source_batch *b, char *err, size_t errlen)
{
	int n = inner(s)->ops->next(inner(s), b, err, errlen);

	source_wrap_mirror((struct source_wrap *)s);
	return n;
}

static bool w_exhausted(struct source *s)
{
	return inner(s)->ops->exhausted(inner(s));
}

static int w_wait(struct source *s, int timeout_ms)
{
	return inner(s)->ops->wait(inner(s), timeout_ms);
}

static void w_stop(struct source *s)
{
	inner(s)->ops->stop(inner(s));
}

static void w_release(struct source *s, uint64_t seq)
{
	inner(s)->ops->release(inner(s), seq);
}

static void w_buffer(struct source *s, int i, struct source_buffer *out)
{
	inner(s)->ops->buffer(inner(s), i, out);
}

static void w_summary(struct source *s)
{
	inner(s)->ops->summary(inner(s));
}

static const char *w_comm(struct source *s, uint32_t tid)
{
	return inner(s)->ops->comm(inner(s), tid);
}

/* the inner source closed, then the wrapper (its own struct begins with the wrap) */
static void w_close(struct source *s)
{
	inner(s)->ops->close(inner(s));
	free(s);
}

void source_wrap_init(struct source_wrap *w, struct source *in)
{
	const struct source_ops *o = in->ops;

	w->in = in;
	/* what the inner source lacks, the wrapper lacks too */
	w->ops = (struct source_ops){
		.formats = w_formats,
		.start = o->start ? w_start : NULL,
		.next = w_next,
		.exhausted = w_exhausted,
		.wait = o->wait ? w_wait : NULL,
		.stop = o->stop ? w_stop : NULL,
		.release = o->release ? w_release : NULL,
		.buffer = o->buffer ? w_buffer : NULL,
		.summary = o->summary ? w_summary : NULL,
		.comm = o->comm ? w_comm : NULL,
		.close = w_close,
	};
	w->s.ops = &w->ops;
	source_wrap_mirror(w);
}
