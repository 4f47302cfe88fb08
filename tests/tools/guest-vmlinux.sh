#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A guest "vmlinux" for the README's KASLR example, in DIR: 16 functions
# handler_00 .. handler_15 of 0x1000 bytes from 0xffffffff81000000 (where
# gen-perfdata --hot-rips puts its RIPs), one source line per 16 bytes,
# assembled with DWARF line tables (as -g; file names as DIR/g.s relative to
# the top of the tree, so the source column reads the same in any checkout),
# and DIR/kallsyms, its symbols moved by OFFSET (hex), as the guest booted
# with that KASLR offset lists them.
#
#   tests/tools/guest-vmlinux.sh DIR OFFSET
set -eu
dir=$1 offset=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
cd "$dir"
rel=$(pwd | sed "s|^$top/||")
{
	i=0
	while [ $i -lt 16 ]; do
		n=$(printf %02d $i)
		printf '.globl handler_%s\n.type handler_%s,@function\nhandler_%s:\n' $n $n $n
		k=0
		while [ $k -lt 256 ]; do
			echo "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop"
			k=$((k + 1))
		done
		printf '.size handler_%s, 0x1000\n' $n
		i=$((i + 1))
	done
	# a data symbol after the code: kallsyms lists it, it names no code
	printf '.data\n.globl guest_data\n.type guest_data,@object\nguest_data: .quad 0\n.size guest_data, 8\n'
} > g.s
as -g --debug-prefix-map "$(pwd)=$rel" -o g.o g.s
ld -Ttext=0xffffffff81000000 -e handler_00 -o vmlinux g.o
rm -f g.o
nm vmlinux | while read -r addr type name; do
	printf '%016x %s %s\n' $((0x$addr + 0x$offset)) "$type" "$name"
done > kallsyms
