/*
 * trap_entry.S - the entry stubs of every vector and the common trap path.
 *
 * On any vector the CPU has pushed, on the kernel stack (switching to
 * TSS.esp0 first if it came from ring 3):
 *     [ss, esp,]  eflags, cs, eip  [, error code]
 * and cleared IF (all our gates are interrupt gates).
 *
 * vector_N pushes a 0 error code where the CPU pushes none, so every frame
 * has the same shape, pushes N, and jumps to trap_common (an exception: to
 * trap_exception, which differs only in the room it keeps below the frame).
 *
 * Call frame information. Every instruction of the trap path carries .cfi
 * directives that say where the trapped code's registers are, so that a
 * debugger unwinds through a trap by itself: `bt` in a system call goes on
 * into the user code that made it, `bt` in an interrupt handler into the
 * kernel code it interrupted. The rules are kept in .debug_frame (the
 * kernel has no .eh_frame: nothing unwinds at run time), and the CFA of a
 * trap path frame is the address of the saved eip, the lowest word the CPU
 * pushed. Seen from there, the frame is struct trapframe (trap.h):
 *     CFA+16 ss, CFA+12 esp      pushed by the CPU only from ring 3 (or vm86)
 *     CFA+8 eflags, CFA+4 cs, CFA+0 eip
 *     CFA-4 error, CFA-8 vector  pushed by the stub
 *     CFA-12 ds ... CFA-24 gs    pushed by trap_common
 *     CFA-28 eax ... CFA-56 edi  pushed by pushal
 * The trapped code's esp is CFA+12 (the stack it was on goes on above the
 * frame) for a trap from ring 0, and the word at CFA+12 for one from ring
 * 3: a DWARF expression tests the saved cs and eflags to tell them apart.
 * Every FDE of the path is a signal frame (.cfi_signal_frame): the saved
 * eip is the instruction the trap stopped at, not a return address, so the
 * debugger must not look it up one byte early as it does a caller's pc.
 */
#include "trap/trap.h"
#include "cpu/gdt.h"

	.cfi_sections .debug_frame

/* DWARF numbers (i386 psABI) and operations the expressions below use. */
#define DW_CFA_expression	0x10
#define DW_CFA_val_expression	0x16
#define DW_OP_deref		0x06
#define DW_OP_constu		0x10
#define DW_OP_dup		0x12
#define DW_OP_drop		0x13
#define DW_OP_over		0x14
#define DW_OP_and		0x1a
#define DW_OP_or		0x21
#define DW_OP_plus_uconst	0x23
#define DW_OP_bra		0x28
#define DW_OP_skip		0x2f
#define DW_OP_lit3		0x33
#define DWARF_ESP		4
#define DWARF_SS		42
#define EFLAGS_VM_ULEB128	0x80, 0x80, 0x08	/* 0x20000, virtual-8086 mode */
#define CFA_TO_CS		4
#define CFA_TO_EFLAGS		8
#define CFA_TO_ESP		12
#define CFA_TO_SS		16

/*
 * Push "the trap came from user mode" - (cs & 3) | (eflags & EFLAGS_VM),
 * as trapframe_from_user() computes it - above the CFA, which stays on the
 * DWARF stack below it. 16 bytes.
 */
#define FROM_USER_TEST \
	DW_OP_dup, DW_OP_plus_uconst, CFA_TO_CS, DW_OP_deref, DW_OP_lit3, DW_OP_and, \
	DW_OP_over, DW_OP_plus_uconst, CFA_TO_EFLAGS, DW_OP_deref, \
	DW_OP_constu, EFLAGS_VM_ULEB128, DW_OP_and, DW_OP_or

/*
 * cfi_cpu_frame OFFSET: open the FDE of a piece of the trap path, where the
 * CFA (the saved eip) is OFFSET bytes above esp, and give the rules for
 * what the CPU pushed: eip, cs, eflags; esp is CFA+12 from ring 0, else
 * the word there; ss is KERNEL_DS from ring 0, else the word at CFA+16.
 */
.macro cfi_cpu_frame offset
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa %esp, \offset
	.cfi_offset %eip, 0
	.cfi_offset %cs, CFA_TO_CS
	.cfi_offset %eflags, CFA_TO_EFLAGS
	/* esp = from user ? *(CFA+12) : CFA+12 */
	.cfi_escape DW_CFA_val_expression, DWARF_ESP, 27, FROM_USER_TEST, \
		DW_OP_bra, 5, 0, \
		DW_OP_plus_uconst, CFA_TO_ESP, DW_OP_skip, 3, 0, \
		DW_OP_plus_uconst, CFA_TO_ESP, DW_OP_deref
	/* ss = from user ? *(CFA+16) : KERNEL_DS */
	.cfi_escape DW_CFA_val_expression, DWARF_SS, 28, FROM_USER_TEST, \
		DW_OP_bra, 6, 0, \
		DW_OP_drop, DW_OP_constu, KERNEL_DS, DW_OP_skip, 3, 0, \
		DW_OP_plus_uconst, CFA_TO_SS, DW_OP_deref
.endm

/* push_segment SREG: push it, and say where it is now. */
.macro push_segment sreg
	pushl	\sreg
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset \sreg, 0
.endm

/* pop_segment SREG: pop it; it holds the trapped code's value again. */
.macro pop_segment sreg
	popl	\sreg
	.cfi_adjust_cfa_offset -4
	.cfi_same_value \sreg
.endm

/* cfi_segments_saved AT, cfi_registers_saved: the rules for what
 * trap_common pushed, where esp points at a complete trapframe: the
 * segment registers from AT(%esp) up, the general registers from 0(%esp)
 * up (pushal's order). */
.macro cfi_segments_saved at
	.cfi_rel_offset %gs, \at
	.cfi_rel_offset %fs, \at + 4
	.cfi_rel_offset %es, \at + 8
	.cfi_rel_offset %ds, \at + 12
.endm

.macro cfi_registers_saved
	.cfi_rel_offset %edi, 0
	.cfi_rel_offset %esi, 4
	.cfi_rel_offset %ebp, 8
	.cfi_rel_offset %ebx, 16
	.cfi_rel_offset %edx, 20
	.cfi_rel_offset %ecx, 24
	.cfi_rel_offset %eax, 28
.endm

/* cfi_registers_restored: after popal, the general registers hold the
 * trapped code's values again. */
.macro cfi_registers_restored
	.cfi_same_value %edi
	.cfi_same_value %esi
	.cfi_same_value %ebp
	.cfi_same_value %ebx
	.cfi_same_value %edx
	.cfi_same_value %ecx
	.cfi_same_value %eax
.endm

/* Where esp points at a complete trapframe: the CFA is this far above
 * esp, and the segment registers start this far above it. */
#define TRAPFRAME_TO_CFA	56
#define TRAPFRAME_SEGMENTS	32
#define TRAPFRAME_GENERAL	32	/* what pushal stores */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17)

.macro vector n
	.align 8
vector_\n:
	.if HAS_ERROR(\n) == 0
	cfi_cpu_frame 0
	pushl	$0
	.cfi_adjust_cfa_offset 4
	.else
	cfi_cpu_frame 4
	.endif
	pushl	$\n
	.cfi_adjust_cfa_offset 4
	.if \n < T_NUM_EXCEPTIONS
	jmp	trap_exception
	.else
	jmp	trap_common
	.endif
	.cfi_endproc
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
	.long vector_49, vector_50	/* the domain gates, below */
	.long vector_51, vector_52	/* the IRQ gates, below */
	.long vector_53, vector_54	/* the fault handler gates, below */

	.text
/*
 * trap_common: completes the struct trapframe (segment registers, then the
 * general registers with pushal), loads the kernel data segments, and calls
 * trap_dispatch(tf). trap_dispatch returns the frame to resume: the same
 * one, or another thread's frame restored from the process table onto that
 * thread's own kernel stack. Expects: interrupts off, a valid kernel stack.
 *
 * trap_exception: the same for the CPU's exceptions (vectors below
 * T_NUM_EXCEPTIONS), through trap_exception_dispatch (trap.c: a user's
 * fault goes past trap_dispatch, to the fault path), with one struct
 * trapframe of room left between tf and the C code's own stack: a fault
 * delivered to a handler domain (lab 7, dom/fault.c) returns the
 * handler's first frame, built there. Interrupts and system calls never
 * enter a new level, so they pay nothing for it.
 */
/* build_trapframe: after the stub's error code and vector, push the
 * segment registers and the general registers, so that esp points at a
 * complete struct trapframe, and load the kernel's data segments. */
.macro build_trapframe
	push_segment %ds
	push_segment %es
	push_segment %fs
	push_segment %gs
	pushal
	.cfi_adjust_cfa_offset 32
	cfi_registers_saved
	cld				/* C code assumes DF = 0 (an IRQ may land inside memmove's std..cld) */
	movw	$KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
.endm

/* dispatch_trap ROOM, DISPATCH: build the frame and call DISPATCH(tf)
 * (trap_dispatch, or trap_exception_dispatch), with ROOM bytes between tf
 * and the call; esp is the frame to resume after. */
.macro dispatch_trap room, dispatch
	build_trapframe
	.if \room
	movl	%esp, %eax		/* dispatch(tf): tf is the frame just built */
	subl	$\room, %esp
	.cfi_adjust_cfa_offset \room
	pushl	%eax
	.else
	pushl	%esp			/* dispatch(tf): tf is the frame just built */
	.endif
	.cfi_adjust_cfa_offset 4
	call	\dispatch
	movl	%eax, %esp		/* the frame to resume (drops the argument too) */
	.cfi_def_cfa_offset TRAPFRAME_TO_CFA	/* the same rules hold in that frame */
.endm

	.globl trap_exception
trap_exception:
	cfi_cpu_frame 8			/* the stub pushed error and vector */
	dispatch_trap TRAPFRAME_SIZE, trap_exception_dispatch
	jmp	trap_pop_frame		/* trap_exception_dispatch made trap_return's check */
	.cfi_endproc

	.globl trap_common
trap_common:
	cfi_cpu_frame 8			/* the stub pushed error and vector */
	dispatch_trap 0, trap_dispatch
/*
 * trap_return: pops the frame %esp points at and irets to it. Entered from
 * trap_common and trap_resume (a thread's first run, a context restored
 * from the process table), on the kernel stack of the process it returns
 * to: a frame for ring 3 first goes by uproc_return_to_user, where a
 * killed process dies instead. The other ways out skip that test:
 * trap_exception (trap_exception_dispatch makes the same check in C,
 * where it knows whether one is due), the gates that cannot have
 * anything due (the domain gates, fault_regs') and the gates that make
 * the check themselves (the IRQ gates, fault_resume's). Expects:
 * interrupts off.
 */
	.globl trap_return
trap_return:
	/* To ring 3? (CPL alone: a frame back into virtual-8086 mode, whose
	 * cs is a real-mode segment, never runs for long: its first fetch
	 * faults, and one is never saved for later: trap_preempt.) */
	testl	$3, TRAPFRAME_CS(%esp)
	jz	1f
	call	uproc_return_to_user	/* returns unless the process was killed */
1:
trap_pop_frame:
	popal
	.cfi_adjust_cfa_offset -32
	cfi_registers_restored
	pop_segment %gs
	pop_segment %fs
	pop_segment %es
	pop_segment %ds
	addl	$8, %esp		/* vector and error code */
	.cfi_adjust_cfa_offset -8
	iret
	.cfi_endproc

/*
 * The domain gates, int $49 (vector_49: dom_call) and int $50 (vector_50:
 * dom_return), dom/call.c's handlers. Entered from ring 3 only (a kernel
 * thread has no domain). They build a struct trapframe as every vector
 * does, but for the segment registers (build_gate_frame), call their
 * handler directly, and pop the frame it returns themselves
 * (pop_gate_frame), skipping trap_dispatch and uproc_return_to_user:
 * there is no IRQ to acknowledge, and no preemption or kill can be
 * pending, because both are interrupt gates (interrupts stay off from the
 * int to the iret) and neither handler sleeps, kills or destroys. Whatever
 * else was pending was dealt with when the thread last returned to user
 * mode.
 *
 * The segment registers: a gate's way out always installs the user
 * selectors (USER_DS in ds, es, fs and gs), as the fault handler gates
 * do (invariant 7), whatever the thread had at its int: so the gates never
 * store them, the frames they build have no segments in them (the room
 * is left as it was), and a callee that loads junk into them cannot pass
 * it back. Anything else that resumes a gate's frame (dom_unwind, by
 * dom/call.c's dom_resume_caller) installs the same constants.
 *
 * vector_49 also starts the callee's first frame, one struct trapframe
 * below the caller's, where the callee's own traps will land (dom/call.c's
 * picture): a second pushal stores the registers as the caller left them
 * there, so the arguments in %edx, %ebx, %esi and %edi reach the callee
 * without a copy, and dom_call writes only what differs.
 */

/* build_gate_frame: after the stub's error code and vector, room for the
 * segment registers (not stored) and the general registers (pushal), so
 * that esp points at a struct trapframe; then the kernel's data segments. */
.macro build_gate_frame
	subl	$16, %esp		/* gs, fs, es, ds: the way out installs constants */
	.cfi_adjust_cfa_offset 16
	pushal
	.cfi_adjust_cfa_offset 32
	cfi_registers_saved
	cld				/* C code assumes DF = 0 */
	movw	$KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
.endm

/* pop_gate_frame: esp is the frame the handler returned: the user
 * selectors into the data segment registers, its general registers, and
 * iret past the segments' room, vector and error code. */
.macro pop_gate_frame
	movw	$USER_DS, %ax		/* %eax is popped next */
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	popal
	.cfi_adjust_cfa_offset -32
	cfi_registers_restored
	addl	$24, %esp		/* segments' room, vector and error code */
	.cfi_adjust_cfa_offset -24
	iret
.endm

	.align 8
vector_49:
	cfi_cpu_frame 0
	pushl	$0
	.cfi_adjust_cfa_offset 4
	pushl	$T_DOMCALL
	.cfi_adjust_cfa_offset 4
	build_gate_frame		/* the caller's frame */
	subl	$(TRAPFRAME_SIZE - TRAPFRAME_GENERAL), %esp	/* the callee's, from its gs up */
	.cfi_adjust_cfa_offset TRAPFRAME_SIZE - TRAPFRAME_GENERAL
	pushal				/* its general registers: the caller's (%eax is clobbered) */
	.cfi_adjust_cfa_offset TRAPFRAME_GENERAL
	pushl	%esp			/* dom_call(in): in is the callee's frame */
	.cfi_adjust_cfa_offset 4
	call	dom_call
	movl	%eax, %esp		/* the callee's frame, or the caller's if refused */
	.cfi_def_cfa_offset TRAPFRAME_TO_CFA
	pop_gate_frame
	.cfi_endproc

	.align 8
vector_50:
	cfi_cpu_frame 0
	pushl	$0
	.cfi_adjust_cfa_offset 4
	pushl	$T_DOMRETURN
	.cfi_adjust_cfa_offset 4
	build_gate_frame
	pushl	%esp			/* dom_return(tf): tf is the callee's frame */
	.cfi_adjust_cfa_offset 4
	call	dom_return
	movl	%eax, %esp		/* the caller's frame, one up (or the same) */
	.cfi_def_cfa_offset TRAPFRAME_TO_CFA
	pop_gate_frame
	.cfi_endproc

/*
 * direct_gate N, BUILD, POP: vector_N, a gate whose handler is
 * trap_handlers[N], called directly (no trap_dispatch): the stub's error
 * code and vector, the frame BUILD makes (build_trapframe, or
 * build_gate_frame without the segment registers), handler(tf), and the
 * frame it returns popped by POP (pop_by_trap_pop_frame, or
 * pop_gate_frame, which installs the user's data selectors). The IRQ
 * gates and the fault handler gates below say why each skips what it
 * skips.
 */
.macro direct_gate n, build, pop
	.align 8
vector_\n:
	cfi_cpu_frame 0
	pushl	$0
	.cfi_adjust_cfa_offset 4
	pushl	$\n
	.cfi_adjust_cfa_offset 4
	\build
	pushl	%esp			/* handler(tf): tf is the frame just built */
	.cfi_adjust_cfa_offset 4
	call	*trap_handlers + 4 * \n
	movl	%eax, %esp		/* the frame it returns */
	.cfi_def_cfa_offset TRAPFRAME_TO_CFA
	\pop
	.cfi_endproc
.endm

/* pop_by_trap_pop_frame: the whole frame esp points at, segments too. */
.macro pop_by_trap_pop_frame
	jmp	trap_pop_frame
.endm

/*
 * The IRQ gates, int $51 (vector_51: irq_wait) and int $52 (vector_52:
 * irq_ack), lab 8's kernel/irq/irq.c handlers, which irq_init puts in
 * trap_handlers[] (a vector without one is an unexpected trap, as
 * everywhere). They build the same struct trapframe as every vector,
 * call the handler directly and pop the frame it returns, skipping
 * trap_dispatch and trap_return, as the domain gates do: there is no IRQ
 * to acknowledge, and no preemption is due while interrupts stay off.
 * irq_wait may sleep, and a sleeper may be killed or its domain die
 * meanwhile: its handler makes trap_return's check itself, after it has
 * stored the result (irq.c's irq_gate_exit).
 */
.macro irq_gate n
	direct_gate \n, build_trapframe, pop_by_trap_pop_frame
.endm
	irq_gate T_IRQWAIT
	irq_gate T_IRQACK

/*
 * The fault handler gates (lab 7, kernel/syscall/sys_dom.c's handlers,
 * which syscall_init puts in trap_handlers[]): int $53 (vector_53:
 * fault_resume, the action in %ecx), a handler's last step, and int $54
 * (vector_54: fault_regs, the op in %ecx, the struct in %edx). Gates of
 * their own, like dom_return's, so that a handler's calls skip the system
 * call dispatch. Entered from ring 3 (a kernel thread has no handler).
 * Each builds the handler's frame, at its level, as the domain gates do
 * (build_gate_frame: no segment registers stored), calls its handler
 * directly, and pops the frame it returns by pop_gate_frame, which
 * installs USER_DS in ds, es, fs and gs. Interrupts stay off from the int
 * to the iret (interrupt gates), so no IRQ is to be acknowledged and no
 * preemption is due.
 *
 * Every frame they pop is a user frame whose data selectors are the
 * user's constants by invariant 7, so installing them loses nothing:
 * vector_53's handler returns the faulting level's frame, one up
 * (resumed), the next handler's entry frame (passed), or the handler's
 * own frame with -E_INVAL in %eax (refused); vector_54's, the same frame
 * with the result in %eax. Neither goes by trap_return: sys_fault_resume
 * makes uproc_return_to_user's check itself where one can be due (a kill
 * or a dead domain pending at the int, or a fault that ends in a kill),
 * and fault_regs neither sleeps nor kills nor destroys.
 */
.macro fault_gate n
	direct_gate \n, build_gate_frame, pop_gate_frame
.endm
	fault_gate T_FAULTRESUME
	fault_gate T_FAULTREGS

/* void trap_resume(struct trapframe *tf): switch to the stack tf lives on
 * and return through it. Never returns to the caller. */
	.globl trap_resume
trap_resume:
	.cfi_startproc			/* an ordinary call, until esp moves */
	movl	4(%esp), %esp
	.cfi_endproc
	cfi_cpu_frame TRAPFRAME_TO_CFA	/* from here on esp is the trapframe */
	cfi_segments_saved TRAPFRAME_SEGMENTS
	cfi_registers_saved
	jmp	trap_return
	.cfi_endproc
