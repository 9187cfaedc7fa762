/*
 * uproc.h - the life of a user process: the first one (init), fork, exit,
 * wait, kill, and growing its heap. System calls (syscall/) check their
 * arguments and call these.
 */
#ifndef UPROC_UPROC_H
#define UPROC_UPROC_H

#include <stdint.h>
#include "proc/proc.h"
#include "proc/proc_fpu.h"

struct trapframe;
struct exec_args;

/* The first user process, pid 1: ramdisk program "init" with args, given
 * the console as descriptors 0, 1 and 2. Its parent is the caller, which
 * must wait for it (proc_join). Returns it, or 0 with *err set. */
struct proc *uproc_start_init(const struct exec_args *args, int *err);
/* A copy of the current process, returning 0 in the child. tf is the
 * parent's user frame. Returns the child's pid or -E_AGAIN / -E_NOMEM. */
int uproc_fork(const struct trapframe *tf);
/* Close every descriptor, free the address space, give the children to
 * init, and become a zombie with status (a wait status, abi.h). */
void uproc_exit(int status) __attribute__((noreturn));
/* Wait for a child to exit; its pid, with its status stored at ustatus
 * (if non-zero); -E_CHILD, -E_FAULT or -E_INTR. */
int uproc_wait(uint32_t ustatus);
/* Ask process pid to die (status WAIT_KILLED | KILL_CAUSE_KILL). */
int uproc_kill(int pid);
/* Move the current process's break by increment bytes; the old break, or
 * -E_NOMEM / -E_INVAL. */
int uproc_sbrk(int increment);

/* Called by trap_return (trap_entry.S) for every frame about to return
 * to ring 3, on the kernel stack of the process it belongs to, interrupts
 * off: a process that kill() has marked exits here instead. This one
 * check covers every way back to user mode: the end of a system call, of
 * an interrupt or exception, and a switch into a process that was stopped
 * in user mode (or has never run). */
void uproc_return_to_user(void);
/* Whether uproc_return_to_user has anything to do for p (a kill or a
 * dead domain on its invocation stack pending): for a gate that leaves
 * without trap_return when nothing is (sys_fault_resume). */
static inline int uproc_return_due(const struct proc *p)
{
	return p->killed | p->unwind;
}

#endif
