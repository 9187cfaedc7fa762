/*
 * trap.c - the interrupt descriptor table and trap_dispatch, the C half of
 * the one trap door.
 *
 * trap_handlers[] maps every vector to its handler (the Beta's dispatch by
 * cause). Hardware IRQs are acknowledged at the PIC before their handler
 * runs, because a handler may switch to another thread and not come back
 * for a long time. After the handler, trap_dispatch is the kernel's
 * preemption point: if the timer asked for a switch and preemption is
 * enabled, sched_preempt() saves this frame into the process table and
 * returns the next thread's frame instead.
 */
#include "trap/trap.h"
#include "trap/pic.h"
#include "cpu/cpu.h"
#include "cpu/gdt.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "proc/proc_fpu.h"
#include "proc/sched.h"
#include "trap/user_fault.h"
#include "uproc/uproc.h"
#include "dom/dom.h"

_Static_assert(T_IRQ0 == PIC_VECTOR_BASE, "pic.h and trap.h disagree on IRQ 0's vector");

#define IDT_ENTRIES        256
#define GATE_INTERRUPT_32  0x8E   /* present, DPL 0, 32-bit interrupt gate */
#define GATE_DPL3          0x60   /* callable from ring 3 with `int` */
#define GATE_TASK          0x85   /* present, DPL 0, task gate */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_hi;
} __attribute__((packed));

struct idt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static struct idt_gate idt[IDT_ENTRIES];
trap_handler_t trap_handlers[T_NUM_VECTORS];
extern const uint32_t trap_vector_table[T_NUM_VECTORS];

static const char *const exception_names[T_NUM_EXCEPTIONS] = {
	[T_DIVIDE] = "divide error",
	[T_DEBUG] = "debug exception",
	[T_NMI] = "non-maskable interrupt",
	[T_BREAKPOINT] = "breakpoint",
	[T_OVERFLOW] = "overflow",
	[T_BOUND] = "bound range exceeded",
	[T_INVALID_OP] = "invalid opcode",
	[T_DEVICE_NA] = "device not available",
	[T_DOUBLE_FAULT] = "double fault",
	[T_COPROC_SEG] = "coprocessor segment overrun",
	[T_INVALID_TSS] = "invalid TSS",
	[T_SEG_NP] = "segment not present",
	[T_STACK] = "stack-segment fault",
	[T_GP] = "general protection fault",
	[T_PAGE_FAULT] = "page fault",
	[T_X87] = "x87 floating-point exception",
	[T_ALIGNMENT] = "alignment check",
	[T_MACHINE_CHECK] = "machine check",
	[T_SIMD] = "SIMD floating-point exception",
};

const char *trap_name(uint32_t vector)
{
	if (vector < T_NUM_EXCEPTIONS)
		return exception_names[vector] ? exception_names[vector] : "reserved exception";
	if (vector < T_IRQ0 + T_NUM_IRQS)
		return "hardware interrupt";
	if (vector == T_SYSCALL)
		return "system call";
	if (vector == T_IRQWAIT || vector == T_IRQACK)
		return "IRQ gate";
	if (vector == T_FAULTRESUME || vector == T_FAULTREGS)
		return "fault handler gate";
	return "unknown vector";
}

static void idt_set_gate(int vector, uint32_t handler, uint8_t type_attr)
{
	idt[vector] = (struct idt_gate){
		.offset_lo = handler & 0xFFFF,
		.selector = KERNEL_CS,
		.type_attr = type_attr,
		.offset_hi = handler >> 16,
	};
}

/* An exception from user mode (not virtual-8086 mode) that no handler of
 * its own claims, to a fault handler domain (lab 7): the handler's first
 * frame, or 0 and how the fault ends (the domain or the process that
 * raised it dies) in *end. */
static inline struct trapframe *trap_user_fault(struct trapframe *tf, struct fault_outcome *end)
{
	struct proc *p = current_proc;

	p->fault_addr = tf->vector == T_PAGE_FAULT ? read_cr2() : 0;
	return dom_fault_deliver(tf, dom_current(p), end);
}

/* The default handler: an exception nobody claimed. From user mode it
 * goes to a fault handler domain (lab 7), or kills the domain or the
 * process that raised it; in the kernel it is a bug, so panic with
 * everything known about it. */
struct trapframe *trap_unexpected(struct trapframe *tf)
{
	if (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + T_NUM_IRQS)
		return tf;      /* an IRQ line with no driver: already acknowledged */
	if (trapframe_in_vm86(tf))
		user_fault_vm86(tf);
	if (trapframe_from_user(tf)) {
		struct fault_outcome end;
		return user_fault_settle(trap_user_fault(tf, &end), &end);
	}
	panic_trap(tf);
}

/* #NM: a process used the FPU while CR0.TS was set (the lazy hand-over of
 * proc/proc_fpu.c). From the kernel (which has no business with the FPU),
 * from virtual-8086 mode, or on a CPU without an FPU, it is an ordinary
 * exception. */
static struct trapframe *trap_fpu_unavailable(struct trapframe *tf)
{
	if (!cpu_features.fpu || !trapframe_from_user(tf) || trapframe_in_vm86(tf))
		return trap_unexpected(tf);
	proc_fpu_claim();
	return tf;
}

/* The gates a user program may `int` to: system calls, the domain gates,
 * the IRQ gates, the fault handler gates, and int3 and into, which exist to
 * raise their exceptions (a debugger's breakpoint, an overflow check) for
 * a fault handler to take (lab 7). */
static int trap_user_gate(int vector)
{
	return vector == T_SYSCALL || vector == T_DOMCALL || vector == T_DOMRETURN ||
	       vector == T_IRQWAIT || vector == T_IRQACK ||
	       vector == T_FAULTRESUME || vector == T_FAULTREGS ||
	       vector == T_BREAKPOINT || vector == T_OVERFLOW;
}

void trap_init(void)
{
	struct idt_pointer p = { sizeof(idt) - 1, (uint32_t)idt };

	for (int v = 0; v < T_NUM_VECTORS; v++) {
		uint8_t attr = GATE_INTERRUPT_32 | (trap_user_gate(v) ? GATE_DPL3 : 0);
		idt_set_gate(v, trap_vector_table[v], attr);
		trap_handlers[v] = trap_unexpected;
	}
	trap_handlers[T_DEVICE_NA] = trap_fpu_unavailable;
	__asm__ volatile("lidt %0" : : "m"(p));
	pic_init();
}

void trap_set_task_gate(int vector, uint16_t tss_selector)
{
	idt[vector] = (struct idt_gate){ .selector = tss_selector, .type_attr = GATE_TASK };
}

void trap_register(int vector, trap_handler_t handler)
{
	if (vector < 0 || vector >= T_NUM_VECTORS)
		panic("trap_register: vector %d has no entry stub", vector);
	trap_handlers[vector] = handler;
}

void trap_register_irq(int irq, trap_handler_t handler)
{
	trap_register(T_IRQ0 + irq, handler);
	pic_unmask(irq);
}

/* The preemption point. A frame for virtual-8086 mode is never saved into
 * the process table (it is larger than struct trapframe): its process dies
 * here, with the interrupt named as what caught it. */
static struct trapframe *trap_preempt(struct trapframe *tf)
{
	if (trapframe_in_vm86(tf))
		user_fault_vm86(tf);
	return sched_preempt(tf);
}

/* trap_exception's C half (trap_entry.S): the CPU's exceptions. One from
 * user mode (not virtual-8086 mode) that no handler of its own claims
 * (all but #NM, lab 5's lazy FPU) goes straight to the fault path, the
 * hot path of lab 7's handlers, past trap_dispatch: there is no IRQ to
 * acknowledge, and no preemption is due: an exception is no timer tick,
 * and a switch asked for before it was made on the thread's way out to
 * user mode (trap_dispatch's preemption point), or, if it was left for
 * later, is made at the next trap that passes one, the next tick at
 * worst. Everything else takes the one door, trap_dispatch.
 *
 * trap_exception pops the frame this returns without trap_return: the
 * way out's check (uproc_return_to_user, for a frame to ring 3) is made
 * here, where it is known whether one is due. After a delivery none is:
 * the thread came from user mode, where nothing is pending (a kill or a
 * dead domain is acted on before a thread returns to user mode), and a
 * delivery kills nothing and destroys nothing. */
struct trapframe *trap_exception_dispatch(struct trapframe *tf)
{
	if (trapframe_from_user(tf) && !trapframe_in_vm86(tf) && trap_handlers[tf->vector] == trap_unexpected) {
		struct fault_outcome end;
		struct trapframe *handler = trap_user_fault(tf, &end);
		if (handler)
			return handler;
		tf = user_fault_end(&end);
	} else {
		tf = trap_dispatch(tf);
	}
	if (tf->cs & 3)         /* trap_return's test: CPL alone */
		uproc_return_to_user();
	return tf;
}

/* Acknowledge an IRQ at the PIC first (its handler may switch to another
 * thread and not come back for a long time), run the vector's handler,
 * then the preemption point: if the timer asked for a switch, sched_preempt
 * decides whether one happens and returns the frame to resume. */
struct trapframe *trap_dispatch(struct trapframe *tf)
{
	uint32_t vector = tf->vector;

	if (vector >= T_IRQ0 && vector < T_IRQ0 + T_NUM_IRQS &&
	    !pic_acknowledge((int)(vector - T_IRQ0)))
		return tf;      /* spurious: no handler */
	tf = trap_handlers[vector](tf);
	if (sched_need_resched)
		tf = trap_preempt(tf);
	return tf;
}
