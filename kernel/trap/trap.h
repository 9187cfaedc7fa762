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
#define T_NUM_VECTORS   49      /* vectors with an entry stub */

/* Page fault error code bits. */
#define PF_PRESENT  0x1         /* the page was present (protection fault) */
#define PF_WRITE    0x2
#define PF_USER     0x4

/* Where the saved cs lies in a struct trapframe, for trap_entry.S
 * (checked against the struct below). */
#define TRAPFRAME_CS 60

#ifndef __ASSEMBLER__
/*
 * The saved register context, in the order trap_common builds it on the
 * stack (lowest address first). The CPU pushes eip..eflags (and esp, ss when
 * it came from ring 3); the stub pushes the error code (or 0) and vector;
 * trap_common pushes the segment registers and then `pushal`.
 */
struct trapframe {
	uint32_t edi, esi, ebp;
	uint32_t esp_pushal;    /* esp as pushal saw it: ignored by popal */
	uint32_t ebx, edx, ecx, eax;
	uint32_t gs, fs, es, ds;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
	/* Pushed by the CPU only on entry from ring 3. For a ring 0 frame
	 * saved into the process table, the saver fills esp with the value
	 * the interrupted code had, and ss with the kernel data selector. */
	uint32_t esp, ss;
};

_Static_assert(__builtin_offsetof(struct trapframe, cs) == TRAPFRAME_CS,
	       "TRAPFRAME_CS must be the offset of cs in struct trapframe");

/* Bytes of a frame that entered from ring 0 (no esp, ss pushed). */
#define TRAPFRAME_KERNEL_SIZE ((uint32_t)__builtin_offsetof(struct trapframe, esp))

/* Whether the trap interrupted virtual-8086 mode. A user program can get
 * there: QEMU's TCG obeys EFLAGS.VM in an iret even at CPL 3 (hardware
 * ignores it there). Such a frame's cs is a real-mode segment, so its low
 * bits say nothing about the privilege level, and the CPU pushed es, ds, fs
 * and gs after ss: four words more than struct trapframe. */
static inline int trapframe_in_vm86(const struct trapframe *tf)
{
	return (tf->eflags & EFLAGS_VM) != 0;
}

/* The one rule for "did the trap come from user mode": CPL 3, or
 * virtual-8086 mode (which only a user program can have entered). Every
 * decision between killing a process and blaming the kernel uses it. */
static inline int trapframe_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) != 0 || trapframe_in_vm86(tf);
}

/* The frame's shape, for the code that copies frames (sched.c) and nothing
 * else: whether the CPU changed stacks and pushed esp and ss, which it does
 * on entry from ring 3. Cheaper than trapframe_from_user, and the same for
 * every frame that is ever restored: a frame from virtual-8086 mode may be
 * saved into the process table by a preemption, but never restored from
 * it (uproc_switch_in kills its process first). */
static inline int trapframe_has_user_stack(const struct trapframe *tf)
{
	return (tf->cs & 3) != 0;
}

/* Give copy, a copy of frame tf, the esp and ss the interrupted code had.
 * A frame from ring 3 carries them; for a ring-0 frame the CPU pushed
 * neither, so the interrupted esp is just above the frame, and ss is the
 * kernel data segment, as ds is. Used by sched_save_trapframe and the
 * panic dump, so that a saved or printed frame is always complete. */
static inline void trapframe_fill_stack(struct trapframe *copy, const struct trapframe *tf)
{
	if (!trapframe_has_user_stack(tf)) {
		copy->esp = (uint32_t)tf + TRAPFRAME_KERNEL_SIZE;
		copy->ss = tf->ds;
	}
}

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
/* Deliver vector by a task switch to the TSS at tss_selector. */
void trap_set_task_gate(int vector, uint16_t tss_selector);
/* Make double faults switch to a task with its own stack (after paging). */
void double_fault_init(void);
struct trapframe *trap_dispatch(struct trapframe *tf);
/* What an exception without a handler of its own gets (the default
 * handler): from user mode, user_fault kills the process; from the kernel,
 * a panic. Handlers call it for the cases they do not handle. */
struct trapframe *trap_unexpected(struct trapframe *tf);
const char *trap_name(uint32_t vector);

/* Defined in trap_entry.S: pop the frame at tf and iret to it. */
void trap_resume(struct trapframe *tf) __attribute__((noreturn));

#endif /* __ASSEMBLER__ */

#endif
