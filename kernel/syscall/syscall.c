/*
 * syscall.c - the system call handler of the one trap door, and the table
 * that maps numbers to service routines (generated from
 * lib/syscall_list.h, like the user stubs, so they always agree).
 *
 * System calls run with interrupts on and can be preempted like any kernel
 * code: syscall_trap turns interrupts on before the service routine and
 * off again after it, for the exit path (the preemption point and the
 * iret). So a long call (a fork of a big process, a big sbrk) loses no
 * timer tick and shares the CPU by the quantum. What service routines
 * share with other threads is protected as docs/02-contexts.md's
 * "Preemption rule" says: interrupts off where an interrupt handler also
 * touches it or a sleep must not miss its wakeup, preemption off (a
 * preempt_disable section or a NOPREEMPT function) where only threads do.
 */
#include "syscall/syscall.h"
#include "console/console.h"
#include "cpu/x86.h"
#include "proc/proc.h"
#include "uproc/uproc.h"
#include "dom/dom.h"
#include "lab.h"

static struct trapframe *sys_nosys(struct trapframe *tf)
{
	return syscall_return(tf, -E_NOSYS);
}

#define SYSCALL_ENTRY(num, name, nargs, ret, params) [num] = sys_##name,
#define SYSCALL_RETIRED_ENTRY(num, was) [num] = sys_nosys,
static LAB_GIVEN const trap_handler_t syscall_table[SYSCALL_MAX + 1] = {
	[0] = sys_nosys,
	SYSCALL_LIST(SYSCALL_ENTRY)
	SYSCALL_RETIRED(SYSCALL_RETIRED_ENTRY)
};
#undef SYSCALL_ENTRY
#undef SYSCALL_RETIRED_ENTRY

/* Numbers 1..SYSCALL_MAX, each once, in use or retired: then no table
 * entry is left null. */
#define SYSCALL_COUNT_ONE(num, ...) + 1
_Static_assert(0 SYSCALL_LIST(SYSCALL_COUNT_ONE) SYSCALL_RETIRED(SYSCALL_COUNT_ONE) == SYSCALL_MAX,
	       "lib/syscall_list.h must number its calls 1..SYSCALL_MAX without gaps");
#undef SYSCALL_COUNT_ONE

/*
 * Run the service routine that the number in %eax names, and return the
 * frame it returns (the caller's, with the result in %eax, or another
 * one to resume). Every number outside the table, negative ones included
 * (they are huge unsigned), gets -E_NOSYS. Interrupts are on.
 */
#if LAB_SOLUTION(4)
static struct trapframe *syscall_dispatch(struct trapframe *tf)
{
	uint32_t number = tf->eax;

	if (__builtin_expect(number <= SYSCALL_MAX, 1))
		return syscall_table[number](tf);
	return sys_nosys(tf);
}
#else
static struct trapframe *syscall_dispatch(struct trapframe *tf)
{
	printf("pid %d (%s): system call %d not dispatched (lab 4: syscall_dispatch)\n",
	       current_proc->pid, current_proc->name, (int)tf->eax);
	uproc_exit(WAIT_KILLED | T_SYSCALL);
}
#endif

/* The handler of the system call vector: the service routine runs with
 * interrupts on. A process killed meanwhile dies on its way back to user
 * mode (trap_return, uproc_return_to_user). */
static struct trapframe *syscall_trap(struct trapframe *tf)
{
	sti();
	tf = syscall_dispatch(tf);
	cli();          /* the way out (preemption point, iret) is atomic */
	return tf;
}

/* The domain gates (T_DOMCALL, T_DOMRETURN) need no registration: their
 * entry stubs call dom_call and dom_return directly (trap_entry.S). The
 * fault handler gates' stubs call their handlers through trap_handlers[]:
 * fault_resume's (here: it settles how the fault ends) and fault_regs'
 * (dom/fault.c's). */
void syscall_init(void)
{
	trap_register(T_SYSCALL, syscall_trap);
	trap_register(T_FAULTRESUME, sys_fault_resume);
	trap_register(T_FAULTREGS, dom_fault_regs);
}
