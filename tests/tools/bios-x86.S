/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 64 KiB BIOS image for a real qemu under KVM (the VM suite's qemu
 * case): from the reset vector, LOOPS IO exits (out 0x80) and LOOPS CPUID
 * exits, then isa-debug-exit (port 0xf4) ends qemu.  LOOPS is set when it
 * is built (-DLOOPS=N); qemu maps the image's last 64 KiB at 0xf0000.
 */
	.code16
	.text
	.globl start
start:
	movl	$LOOPS, %esi
io_loop:
	outb	%al, $0x80
	decl	%esi
	jnz	io_loop
	movl	$LOOPS, %esi
cpuid_loop:
	xorl	%eax, %eax
	cpuid
	decl	%esi
	jnz	cpuid_loop
	xorb	%al, %al
	outb	%al, $0xf4
1:	hlt
	jmp	1b

	/* the reset vector, 16 bytes below the end: far jump to start */
	.org	0xfff0
	ljmp	$0xf000, $start
	.org	0x10000
