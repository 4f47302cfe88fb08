/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest of tests/tools/vmm-arm64.c: AArch64 code at EL1 with the MMU
 * off, linked at 0x1000 (its ELF keeps the symbols, so --top-rip/--vmlinux
 * name the exits' guest PCs).  The VMM enters at start with x20 = N and
 * x21 = an address no memory slot covers.  Each label is one kind of exit:
 *
 *	mmio_store	N x  str	DABT_LOW, an MMIO exit to userspace
 *	hvc_call	N x  hvc #0	HVC64, SMCCC_VERSION answered in the kernel
 *	slow_store	1 x  str	DABT_LOW, the VMM sleeps before re-entering
 *	halt		1 x  wfi	WFx, until the VMM raises the vCPU's IRQ line
 *				(a WFI that ends without it is run again)
 *	done_store	1 x  str	DABT_LOW, the VMM stops this vCPU (no entry follows)
 *
 * The counters live in x19 and x22: an SMCCC call returns in x0-x3.
 * slow_store writes how many hypercalls returned, done_store what the last
 * one answered, so the VMM can check what it cannot see.
 */
	.text
	.globl start
start:
	mov	x19, x20
	.globl mmio_store
mmio_store:
	str	w19, [x21]
	subs	x19, x19, #1
	b.ne	mmio_store

	mov	x19, x20
	mov	x22, #0
hvc_loop:
	mov	x0, #0x80000000		/* SMCCC_VERSION */
	.globl hvc_call
hvc_call:
	hvc	#0
	add	x22, x22, #1
	subs	x19, x19, #1
	b.ne	hvc_loop

	.globl slow_store
slow_store:
	str	x22, [x21, #8]
	.globl halt
halt:
	wfi
	/*
	 * A WFI also completes, untrapped, when an interrupt of the host is
	 * pending as it runs (allowed by the architecture; seen under TCG):
	 * wait again until ISR_EL1.I shows the VMM's IRQ line.  x0 keeps the
	 * last SMCCC answer for done_store.
	 */
	mrs	x1, isr_el1
	tbz	x1, #7, halt
	.globl done_store
done_store:
	str	x0, [x21, #16]
	b	done_store
