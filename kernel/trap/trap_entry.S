/*
 * trap_entry.S - the entry stubs of every vector and the common trap path.
 *
 * On any vector the CPU has pushed, on the kernel stack (switching to
 * TSS.esp0 first if it came from ring 3):
 *     [ss, esp,]  eflags, cs, eip  [, error code]
 * and cleared IF (all our gates are interrupt gates).
 *
 * vector_N pushes a 0 error code where the CPU pushes none, so every frame
 * has the same shape, pushes N, and jumps to trap_common.
 */
#include "trap/trap.h"
#include "cpu/gdt.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17)

.macro vector n
	.align 8
vector_\n:
	.if HAS_ERROR(\n) == 0
	pushl	$0
	.endif
	pushl	$\n
	jmp	trap_common
.endm

	.text
	.globl trap_vectors_start
trap_vectors_start:
/* Every vector from 0 to T_NUM_VECTORS - 1. */
#define ALL_VECTORS 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48
.irp n, ALL_VECTORS
	vector \n
.endr

/* trap_vector_table: the address of each stub, for trap_init() to put in
 * the IDT. */
	.section .rodata
	.align 4
	.globl trap_vector_table
trap_vector_table:
.irp n, ALL_VECTORS
	.long vector_\n
.endr

	.text
/*
 * trap_common: completes the struct trapframe (segment registers, then the
 * general registers with pushal), loads the kernel data segments, and calls
 * trap_dispatch(tf). trap_dispatch returns the frame to resume: the same
 * one, or another thread's frame restored from the process table onto that
 * thread's own kernel stack. Expects: interrupts off, a valid kernel stack.
 */
	.globl trap_common
trap_common:
	pushl	%ds
	pushl	%es
	pushl	%fs
	pushl	%gs
	pushal
	cld				/* C code assumes DF = 0 (an IRQ may land inside memmove's std..cld) */
	movw	$KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	pushl	%esp			/* trap_dispatch(tf): tf is the frame just built */
	call	trap_dispatch
	movl	%eax, %esp		/* the frame to resume (drops the argument too) */
/*
 * trap_return: pops the frame %esp points at and irets to it. Entered from
 * trap_common and from trap_resume (a thread's first run, a context
 * restored from the process table), so every return to user mode passes
 * here, on the kernel stack of the process it returns to: a frame for ring
 * 3 first goes by uproc_return_to_user, where a killed process dies
 * instead. Expects: interrupts off.
 */
	.globl trap_return
trap_return:
	/* To ring 3? (CPL alone: a frame back into virtual-8086 mode, whose
	 * cs is a real-mode segment, never runs for long: its first fetch
	 * faults, and one is never saved for later: trap_preempt.) */
	testl	$3, TRAPFRAME_CS(%esp)
	jz	1f
	call	uproc_return_to_user	/* returns unless the process was killed */
1:	popal
	popl	%gs
	popl	%fs
	popl	%es
	popl	%ds
	addl	$8, %esp		/* vector and error code */
	iret

/* void trap_resume(struct trapframe *tf): switch to the stack tf lives on
 * and return through it. Never returns to the caller. */
	.globl trap_resume
trap_resume:
	movl	4(%esp), %esp
	jmp	trap_return
