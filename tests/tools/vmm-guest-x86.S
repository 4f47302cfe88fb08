/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest of tests/tools/vmm.c: 16-bit real-mode code, linked at
 * 0x1000 (its ELF keeps the symbols, so --top-rip/--vmlinux name the exits'
 * guest RIPs).  The VMM enters at start with EDI = N and FS based on an
 * address no memory slot covers.  Each label is one kind of exit:
 *
 *	io_out		N x  out 0x10	IO exits to userspace
 *	cpuid_insn	N x  cpuid	handled in the kernel
 *	rdmsr_insn	N x  rdmsr	MSR 0x1b (APIC base), in the kernel
 *	wrmsr_insn	N x  wrmsr	the value just read, back
 *	mmio_store	N x  store	MMIO exits to userspace
 *	slow_out	1 x  out 0x11	the VMM sleeps before re-entering
 *	halt		1 x  hlt	the VMM sleeps before re-entering
 *	done_out	1 x  out 0x12	the VMM stops this vCPU (no entry follows)
 *
 * Entered at kernel_only instead (vmm -K), the guest makes only exits the
 * kernel handles, all in one KVM_RUN: N x (cpuid at kcpuid_insn, rdmsr at
 * krdmsr_insn), then done_out.  It comes after the code above, so that
 * code's addresses are those the recordings in tests/data were made with.
 *
 * ESI counts (cpuid and rdmsr clobber EAX, EBX, ECX and EDX).
 */
	.code16
	.text
	.globl start
start:
	movl	%edi, %esi
	.globl io_out
io_out:
	outb	%al, $0x10
	decl	%esi
	jnz	io_out

	movl	%edi, %esi
cpuid_loop:
	xorl	%eax, %eax
	.globl cpuid_insn
cpuid_insn:
	cpuid
	decl	%esi
	jnz	cpuid_loop

	movl	%edi, %esi
msr_loop:
	movl	$0x1b, %ecx
	.globl rdmsr_insn
rdmsr_insn:
	rdmsr
	.globl wrmsr_insn
wrmsr_insn:
	wrmsr
	decl	%esi
	jnz	msr_loop

	movl	%edi, %esi
	.globl mmio_store
mmio_store:
	movb	%al, %fs:0
	decl	%esi
	jnz	mmio_store

	.globl slow_out
slow_out:
	outb	%al, $0x11
	.globl halt
halt:
	hlt
	.globl done_out
done_out:
	outb	%al, $0x12
	jmp	done_out

	.globl kernel_only
kernel_only:
	movl	%edi, %esi
kernel_loop:
	xorl	%eax, %eax
	.globl kcpuid_insn
kcpuid_insn:
	cpuid
	movl	$0x1b, %ecx
	.globl krdmsr_insn
krdmsr_insn:
	rdmsr
	decl	%esi
	jnz	kernel_loop
	jmp	done_out
