/*
 * entry.S - the first instructions of beta86.
 *
 * QEMU's -kernel loader (a multiboot v1 loader) finds the header below, loads
 * the ELF's segments at their physical addresses and jumps to _start in
 * 32-bit protected mode with paging off, interrupts off, %eax = the multiboot
 * magic 0x2BADB002 and %ebx = the physical address of the multiboot info.
 * The loader's GDT and stack must not be trusted: we set up a stack here and
 * kmain() installs our own GDT straight away.
 */
#include "cpu/multiboot.h"
#include "mm/layout.h"

	.section .multiboot, "a"
	.align 4
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

	.text
/*
 * _start: entered by the boot loader as described above.
 * Sets %esp to the top of boot_stack, clears %ebp so that backtraces end
 * here, and calls kmain(magic, info). kmain never returns.
 */
	.globl _start
_start:
	cli
	movl	$boot_stack_top, %esp
	xorl	%ebp, %ebp
	pushl	%ebx			/* struct multiboot_info * */
	pushl	%eax			/* MULTIBOOT_BOOTLOADER_MAGIC */
	call	kmain
1:	hlt
	jmp	1b

/*
 * The boot stack: the kernel stack of the boot thread (pid 0). The page
 * below it, boot_stack_guard, is unmapped by paging_init so that an
 * overflow faults instead of overwriting .bss.
 */
	.bss
	.align PAGE_SIZE
	.globl boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
	.space PAGE_SIZE
boot_stack:
	.space KSTACK_SIZE
boot_stack_top:
