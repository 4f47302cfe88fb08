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
