/*
 * syscall.c - the system call handler of the one trap door, and the table
 * that maps numbers to service routines (generated from
 * lib/syscall_list.h, like the user stubs, so they always agree).
 *
 * System calls run with interrupts off, as the interrupt gate left them:
 * the kernel is never preempted inside one, only where it sleeps or
 * yields. That keeps the process table, the file table and pipes free of
 * races on this single CPU without locks; the price is that a long call
 * (fork of a big process, a big sbrk) delays the next timer tick.
 */
#include "syscall/syscall.h"
#include "console/console.h"
#include "proc/proc.h"
#include "proc/uproc.h"
#include "lab.h"

TRAP_HANDLER static int sys_nosys(struct trapframe *tf)
{
	(void)tf;
	return -E_NOSYS;
}

#define SYSCALL_ENTRY(num, name, nargs, ret, params) [num] = sys_##name,
static const syscall_fn syscall_table[SYSCALL_MAX + 1] = {
	[0] = sys_nosys,
	SYSCALL_LIST(SYSCALL_ENTRY)
};
#undef SYSCALL_ENTRY

/* Dispatch by the number in %eax; every number outside the table, negative
 * ones included (they are huge unsigned), gets -E_NOSYS. A process killed
 * meanwhile dies here, on its way back to user mode. */
TRAP_HANDLER static void syscall_trap(struct trapframe *tf)
{
#if LAB_SOLUTION(4)
	uint32_t number = tf->eax;

	tf->eax = (uint32_t)(number <= SYSCALL_MAX ? syscall_table[number] : sys_nosys)(tf);
#else
	printf("pid %d (%s): system call %d not dispatched (lab 4: syscall_trap)\n",
	       current_proc->pid, current_proc->name, (int)tf->eax);
	current_proc->killed = WAIT_KILLED | T_SYSCALL;
#endif
	if (current_proc->killed)
		uproc_exit(current_proc->killed);
}

void syscall_init(void)
{
	trap_register(T_SYSCALL, syscall_trap);
}
