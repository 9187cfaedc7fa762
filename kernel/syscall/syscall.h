/*
 * syscall.h - system calls: `int $48` with the number in %eax (lib/abi.h).
 *
 * Each service routine sys_NAME gets the caller's trap frame, reads its
 * arguments from the saved registers (SYSCALL_ARG1..3), and returns the
 * result, which syscall_trap stores in the frame's %eax. The routines and
 * the table are generated from lib/syscall_list.h.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdint.h>
#include "trap/trap.h"
#include "abi.h"

#define SYSCALL_ARG1(tf) ((tf)->ecx)
#define SYSCALL_ARG2(tf) ((tf)->edx)
#define SYSCALL_ARG3(tf) ((tf)->ebx)

typedef int (*syscall_fn)(struct trapframe *tf) TRAP_HANDLER;

#define SYSCALL_DECLARE(num, name, nargs, ret, params) \
	int sys_##name(struct trapframe *tf) TRAP_HANDLER;
SYSCALL_LIST(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE

/* Install the system call gate's handler. */
void syscall_init(void);

#endif
