# SPDX-License-Identifier: GPL-2.0-only
# Does the output (file 2) read as the documentation shows it (file 1)?
# A line "..." stands for any lines (none included), a line ending in
# "..." for any line that begins with the rest; blank lines at the end
# (the one that ends an interval's output) do not count.  With -v mask=1 (a live
# run), every number reads as N and runs of blanks as one, on both sides.
# Prints nothing and exits 0 when it does; else the first line that
# differs, and exits 1.
function norm(s) {
	if (mask) {
		gsub(/[0-9]+(\.[0-9]+)?/, "N", s)
		gsub(/[ \t]+/, " ", s)
	}
	return s
}
function same(e, a,   p) {
	if (e ~ /\.\.\.$/ && e != "...") {
		p = substr(e, 1, length(e) - 3)
		return substr(a, 1, length(p)) == p
	}
	return e == a
}
# can doc lines i.. match output lines j..?
function fits(i, j,   k) {
	if (i > ne)
		return j > na
	if (exp_[i] == "...") {
		for (k = j; k <= na + 1; k++)
			if (fits(i + 1, k))
				return 1
		return 0
	}
	if (j > na || !same(exp_[i], out[j])) {
		if (j > far_j || (j == far_j && i > far_i)) {
			far_i = i
			far_j = j
		}
		return 0
	}
	return fits(i + 1, j + 1)
}
FNR == NR { exp_[++ne] = norm($0); next }
{ out[++na] = norm($0) }
END {
	while (ne && exp_[ne] == "")
		ne--
	while (na && out[na] == "")
		na--
	if (fits(1, 1))
		exit 0
	if (!far_i)
		printf "the output goes on past the documented end (%d lines, %d documented)\n",
		       na, ne
	else
		printf "documented line %d '%s', got line %d '%s'\n", far_i, exp_[far_i], far_j,
		       far_j <= na ? out[far_j] : "(end)"
	exit 1
}
