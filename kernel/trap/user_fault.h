/*
 * user_fault.h - what happens when a user process causes an exception:
 * it alone dies, with one line on the console saying why.
 */
#ifndef TRAP_USER_FAULT_H
#define TRAP_USER_FAULT_H

#include "dom/dom.h"

struct trapframe;

/* Report the fault in tf (a frame from ring 3) and end the current
 * process with status WAIT_KILLED | vector. */
void user_fault(struct trapframe *tf) __attribute__((noreturn));
/* A fault in a domain the thread entered by dom_call, which has no fault
 * handler (lab 6): the domain dies with one line saying why, and the
 * thread unwinds to its caller, whose dom_call returns -E_DEAD. Returns
 * tf, which the way out to user mode rewrites (dom_unwind). */
struct trapframe *user_fault_in_domain(struct trapframe *tf);
/* Act on what became of a fault (lab 7: dom_fault_deliver, and
 * fault_resume): the frame to resume, or the one-line death of whoever
 * dies of it (the faulting domain, a looping handler's domain, or the
 * process) and the frame the way out then rewrites. */
struct trapframe *user_fault_end(const struct fault_outcome *end);
/* resume, if there is a frame to resume (the common case, inline: on the
 * fault's budget), else user_fault_end(end). */
static inline struct trapframe *user_fault_settle(struct trapframe *resume, const struct fault_outcome *end)
{
	return resume ? resume : user_fault_end(end);
}
/* The same for a process found in virtual-8086 mode, which the kernel
 * does not support: whichever trap brought it back (tf->vector), it dies
 * with one line and status WAIT_KILLED | T_GP, a protection violation. */
void user_fault_vm86(const struct trapframe *tf) __attribute__((noreturn));

#endif
