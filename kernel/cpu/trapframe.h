/*
 * trapframe.h - the register frame the trap path saves: what the CPU pushes
 * on an interrupt or exception, plus what trap_common (trap/trap_entry.S)
 * pushes after it. The scheduler keeps one in every process table entry,
 * the panic dump prints one, and the trap layer builds and resumes them.
 */
#ifndef CPU_TRAPFRAME_H
#define CPU_TRAPFRAME_H

/* Where the saved cs lies in a struct trapframe, for trap_entry.S
 * (checked against the struct below). */
#define TRAPFRAME_CS 60
/* sizeof(struct trapframe), for trap_entry.S's domain gate. */
#define TRAPFRAME_SIZE 76

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "cpu/x86.h"

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
_Static_assert(sizeof(struct trapframe) == TRAPFRAME_SIZE,
	       "TRAPFRAME_SIZE must be sizeof(struct trapframe)");

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
 * every frame that is ever saved: a frame for virtual-8086 mode is never
 * saved. At the preemption point its process is killed instead
 * (trap_preempt); otherwise it runs on and faults at its next instruction
 * fetch (nothing below 1 MiB is user-accessible), and user_fault_vm86 kills
 * it. */
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

/* Pop the frame at tf and iret to it: the trap layer's return path
 * (trap_return in trap/trap_entry.S), so that every return to user mode
 * passes its check for a killed process. A hook: declared here, beside the
 * frame, because the scheduler (proc/, a lower layer than trap/) resumes
 * threads through it. */
void trap_resume(struct trapframe *tf) __attribute__((noreturn));

#endif /* __ASSEMBLER__ */

#endif
