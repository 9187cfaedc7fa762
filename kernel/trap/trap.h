/*
 * trap.h - the one trap door: every exception, IRQ and system call enters
 * through trap_common (trap_entry.S), which saves a struct trapframe on the
 * kernel stack and calls trap_dispatch(), which calls the handler registered
 * for the vector.
 */
#ifndef TRAP_TRAP_H
#define TRAP_TRAP_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "cpu/x86.h"
#endif

/* CPU exception vectors (Intel SDM vol. 3, table 6-1). */
#define T_DIVIDE        0
#define T_DEBUG         1
#define T_NMI           2
#define T_BREAKPOINT    3
#define T_OVERFLOW      4
#define T_BOUND         5
#define T_INVALID_OP    6
#define T_DEVICE_NA     7
#define T_DOUBLE_FAULT  8
#define T_COPROC_SEG    9
#define T_INVALID_TSS   10
#define T_SEG_NP        11
#define T_STACK         12
#define T_GP            13
#define T_PAGE_FAULT    14
#define T_X87           16
#define T_ALIGNMENT     17
#define T_MACHINE_CHECK 18
#define T_SIMD          19
#define T_NUM_EXCEPTIONS 32

#define T_IRQ0          32      /* the PIC's IRQ 0..15 arrive as 32..47 */
#define T_NUM_IRQS      16
#define T_SYSCALL       48      /* int $48: the system call gate (DPL 3) */
#define T_DOMCALL       49      /* int $49: dom_call, the domain call gate (DPL 3) */
#define T_DOMRETURN     50      /* int $50: dom_return (DPL 3) */
#define T_IRQWAIT       51      /* int $51: irq_wait, an IRQ gate (DPL 3, lab 8) */
#define T_IRQACK        52      /* int $52: irq_ack (DPL 3, lab 8) */
#define T_FAULTRESUME   53      /* int $53: fault_resume, a fault handler's last step (DPL 3, lab 7) */
#define T_FAULTREGS     54      /* int $54: fault_regs, a fault handler's registers (DPL 3, lab 7) */
#define T_NUM_VECTORS   55      /* vectors with an entry stub */

/* Page fault error code bits. */
#define PF_PRESENT  0x1         /* the page was present (protection fault) */
#define PF_WRITE    0x2
#define PF_USER     0x4

#include "cpu/trapframe.h"

#ifndef __ASSEMBLER__
/* A trap handler gets the saved frame and returns the frame to resume:
 * normally the same one, or another thread's when it switches (the timer,
 * through sched_preempt). Like all kernel code it uses the one calling
 * convention of the book (chapter 1): plain cdecl, arguments on the stack.
 * A function of another type in trap_register() is a compile error
 * (-Werror=incompatible-pointer-types, in every build). */
typedef struct trapframe *(*trap_handler_t)(struct trapframe *tf);

void trap_init(void);
void trap_register(int vector, trap_handler_t handler);
void trap_register_irq(int irq, trap_handler_t handler);
/* The IRQ gates' handlers (T_IRQWAIT, T_IRQACK) and the fault gates'
 * (T_FAULTRESUME, T_FAULTREGS), set with trap_register: their stubs call
 * through this table directly, skipping trap_dispatch (trap_entry.S). */
extern trap_handler_t trap_handlers[T_NUM_VECTORS];
/* Deliver vector by a task switch to the TSS at tss_selector. */
void trap_set_task_gate(int vector, uint16_t tss_selector);
/* Make double faults switch to a task with its own stack (after paging). */
void double_fault_init(void);
struct trapframe *trap_dispatch(struct trapframe *tf);
/* trap_exception's: an exception's own way to trap_dispatch, with the
 * user's faults past it (trap.c). */
struct trapframe *trap_exception_dispatch(struct trapframe *tf);
/* What an exception without a handler of its own gets (the default
 * handler): from user mode, user_fault kills the process; from the kernel,
 * a panic. Handlers call it for the cases they do not handle. */
struct trapframe *trap_unexpected(struct trapframe *tf);
const char *trap_name(uint32_t vector);
/* A trap the kernel cannot handle: say what and where, dump, shut down. */
void panic_trap(struct trapframe *tf) __attribute__((noreturn));
struct proc;
/* The thread that owns kernel stack slot (kstack_guard_slot), or 0. */
struct proc *trap_stack_owner(int slot);


#endif /* __ASSEMBLER__ */

#endif
