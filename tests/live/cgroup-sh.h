/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live tests' cgroup scripts begin here: $root, the mounted cgroup v2
 * hierarchy (one is mounted, saying so, where none is).
 */
#ifndef PP_TESTS_CGROUP_SH_H
#define PP_TESTS_CGROUP_SH_H

#define CGROUP_ROOT_SH \
	"root=$(awk '{ for (i = 7; i < NF; i++) if ($i == \"-\") { if ($(i + 1) == \"cgroup2\" &&" \
	" $4 == \"/\") { print $5; exit } break } }' /proc/self/mountinfo)\n" \
	"if [ -z \"$root\" ]; then\n" \
	"	root=$(mktemp -d /tmp/pp-cgroup2.XXXXXX) && mount -t cgroup2 none \"$root\" || exit 9\n" \
	"	echo \"no cgroup v2 hierarchy was mounted: mounted one at $root\" >&2\n" \
	"fi\n"

#endif
