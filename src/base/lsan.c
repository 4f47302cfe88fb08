// SPDX-License-Identifier: GPL-2.0-only
/*
 * LeakSanitizer builds (make SANITIZE=1 links this in with -u): leaks
 * that are libtraceevent's own, which no caller can free.  Its format
 * parser loses a token on some error paths inside tep_parse_event() and
 * tep_parse_format(): event_read_fields() reading "field:long;" (a field
 * with no type) jumps to its fail label with the token "long" owned by
 * nobody (libtraceevent 1.7.1, still so in 1.8.4).  A damaged format in a
 * recording or in tracefs is refused or dropped, and those bytes are lost
 * in the library.  Only allocations made beneath these two calls are
 * hidden: the tep handle itself (tep_alloc) is still ours to free.
 * Nothing calls these: the sanitizer runtime asks for them at start.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
const char *__asan_default_options(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:tep_parse_event\n"
	       "leak:tep_parse_format\n";
}

/* stderr stays the tool's: no table of the suppressions used (LSAN_OPTIONS can ask) */
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

/*
 * A suppression matches a frame of the allocation's stack as recorded:
 * libtraceevent's parser recurses three frames a level of a print fmt,
 * so 30 frames (the default) can stop short of tep_parse_event() and the
 * leak was reported (a 30-minute fuzz run: 230 bytes in 115 allocations
 * 30 frames deep).  255 is the most both gcc's and clang's runtimes take.
 */
const char *__asan_default_options(void)
{
	return "malloc_context_size=255";
}
