/*
 * syscall.h - system calls: `int $48` with the number in %eax (lib/abi.h).
 *
 * Each service routine sys_NAME is a trap handler like any other: it gets
 * the caller's trap frame, reads its arguments from the saved registers
 * (SYSCALL_ARG1..3), stores its result in the saved %eax (syscall_return)
 * and returns the frame to resume. The declarations and the table are
 * generated from lib/syscall_list.h.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdint.h>
#include "trap/trap.h"
#include "abi.h"

#define SYSCALL_ARG1(tf) ((tf)->ecx)
#define SYSCALL_ARG2(tf) ((tf)->edx)
#define SYSCALL_ARG3(tf) ((tf)->ebx)
#define SYSCALL_ARG4(tf) ((tf)->esi)

/* Give the caller result (a value, or -E_xxx) and resume it. */
static inline struct trapframe *syscall_return(struct trapframe *tf, int result)
{
	tf->eax = (uint32_t)result;
	return tf;
}

#define SYSCALL_DECLARE(num, name, nargs, ret, params) \
	struct trapframe *sys_##name(struct trapframe *tf);
SYSCALL_LIST(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE

/* The fault resume gate's handler (lab 7, sys_dom.c: int $53, with
 * interrupts off; abi.h). */
struct trapframe *sys_fault_resume(struct trapframe *tf);

/* Install the system call gate's handler, and the fault handler gates'. */
void syscall_init(void);

#endif
