/*
 * user_fault.h - what happens when a user process causes an exception:
 * it alone dies, with one line on the console saying why.
 */
#ifndef TRAP_USER_FAULT_H
#define TRAP_USER_FAULT_H

struct trapframe;

/* Report the fault in tf (a frame from ring 3) and end the current
 * process with status WAIT_KILLED | vector. */
void user_fault(struct trapframe *tf) __attribute__((noreturn));

#endif
