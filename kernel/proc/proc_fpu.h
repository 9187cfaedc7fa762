/*
 * proc_fpu.h - each user process has FPU registers of its own (x87, MMX,
 * SSE), handed over lazily: the registers hold the state of one process,
 * fpu_owner, and every other process's state is in its proc entry (fpu).
 *
 *   switch to a user process (sched_switch_to):
 *       nobody owns the FPU  ->  nothing to do: one load and one test
 *       it is the owner      ->  clts: its FPU instructions just run
 *       someone else is      ->  stts: its first FPU instruction traps (#NM)
 *   #NM (proc_fpu_claim, from trap_fpu_unavailable): save the owner's registers into its entry, load the
 *       running process's, make it the owner, clts, and run the instruction
 *       again
 *   fork: the child gets a copy of the parent's state (saved first, if the
 *       parent owns the registers); exec: a clean state; exit: a process
 *       that owned the FPU leaves it to nobody (TS set)
 *
 * Invariant: CR0.TS is clear only while fpu_owner runs (or a kernel thread
 * after it, which never uses the FPU). So a process whose state is not in
 * the registers never executes an FPU instruction without the #NM first,
 * and kernel threads and processes that never touch the FPU switch as
 * cheaply as if it did not exist.
 */
#ifndef PROC_PROC_FPU_H
#define PROC_PROC_FPU_H

#include "proc/proc.h"

/* The process whose state is in the FPU's registers, or 0. */
extern struct proc *fpu_owner;

/* #NM from user mode: the running process used the FPU while CR0.TS was
 * set. Give it its registers (saving the owner's first); it then retries
 * the instruction. Called by the trap layer's #NM handler. */
void proc_fpu_claim(void);
/* Set CR0.TS for next, a user process about to run, while someone owns
 * the FPU: clear if next is the owner, set otherwise. */
void proc_fpu_switch_in_owned(struct proc *next);
/* A clean FPU state for p (exec); p no longer owns the registers. */
void proc_fpu_reset(struct proc *p);
/* The child starts with the parent's FPU state (fork). */
void proc_fpu_copy(struct proc *child, struct proc *parent);
/* p is exiting: if it owns the FPU, nobody does any more. */
void proc_fpu_release(struct proc *p);

/* On every switch to a user process: inline, and only a load and a test
 * while nobody owns the FPU. */
static inline void proc_fpu_switch_in(struct proc *next)
{
	if (__builtin_expect(fpu_owner != 0, 0))
		proc_fpu_switch_in_owned(next);
}

#endif
