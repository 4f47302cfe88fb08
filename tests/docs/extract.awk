# SPDX-License-Identifier: GPL-2.0-only
# The examples of a README (markdown), a man page (roff) or a --help text,
# one record a line, tab-separated, for tests/docs/run:
#
#   C <where> <command>      run it (a block of commands runs in order)
#   O <text>                 a line of the output the last command shows
#   B                        a new block: its commands share a directory
#
# A README example shows its output: "    # perf-prof ..." then the lines
# until the next such line or the end of the indented block.  Commands
# without output are the lines of an indented block (README), of a
# .nf/.fi block under .SH EXAMPLES (man page) or under EXAMPLES: (--help)
# that start with "perf-prof " or "perf " (a trailing "# comment" dropped).
# Run with -v kind=readme|man|help -v name=FILE.
function cmd(where, text) {
	sub(/[ \t]+#[^'"]*$/, "", text)		# a comment after the command
	printf "C\t%s\t%s\n", where, text
}
function is_command(text) {
	return text ~ /^(perf-prof|perf) /
}
kind == "readme" {
	if ($0 !~ /^    / || $0 ~ /^    ```/) {
		if (inblock)
			inblock = 0
		next
	}
	line = substr($0, 5)
	if (!inblock) {
		print "B"
		inblock = 1
		shown = 0
	}
	if (line ~ /^# perf-prof /) {
		cmd(name ":" NR, substr(line, 3))
		shown = 1
	} else if (shown) {
		printf "O\t%s\n", line
	} else if (is_command(line)) {
		cmd(name ":" NR, line)
	}
	next
}
kind == "man" {
	if (/^\.SH /) {
		examples = ($0 ~ /^\.SH EXAMPLES/)
		next
	}
	if (!examples)
		next
	if (/^\.nf/) {
		print "B"
		nf = 1
		next
	}
	if (/^\.fi/) {
		nf = 0
		next
	}
	if (nf) {
		line = $0
		gsub(/\\-/, "-", line)
		gsub(/\\\(aq/, "'", line)
		gsub(/\\\(dq/, "\"", line)
		if (is_command(line))
			cmd(name ":" NR, line)
	}
	next
}
kind == "help" {
	if (/^EXAMPLES:/) {
		print "B"
		examples = 1
		next
	}
	if (examples && /^$/)
		examples = 0
	if (examples) {
		line = $0
		sub(/^ +/, "", line)
		if (is_command(line))
			cmd(name ":" NR, line)
	}
}
