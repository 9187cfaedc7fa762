/*
 * sched.h - the scheduler: a round-robin run queue, preemption by the timer
 * with a quantum in ticks, preempt_disable sections, sleep and wakeup.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include <stdint.h>
#include "cpu/x86.h"

struct proc;
struct trapframe;

#define SCHED_DEFAULT_QUANTUM 1     /* ticks */

/* Set by the timer when the running thread's quantum is used up; acted on
 * at the next preemption point (trap exit or preempt_enable). */
extern volatile int sched_need_resched;
/* Nesting depth of preempt_disable(); the running thread may be switched
 * away only at depth 0. */
extern volatile int preempt_count;
/* Switches that a preempt_disable section deferred to its preempt_enable. */
extern uint32_t sched_deferred_switches;

void sched_init(unsigned int quantum_ticks);
/* Put p at the tail of the run queue (state RUNNABLE). */
void sched_make_runnable(struct proc *p);
/* The timer's hook, once per tick, interrupts off. */
void sched_tick(void);
/* Called at trap exit when sched_need_resched is set: saves the interrupted
 * context into the process table and returns the frame to resume. */
struct trapframe *sched_preempt(struct trapframe *tf);
/* Give up the CPU to the next runnable thread, if any. */
void sched_yield(void);
/* Switch away from the current thread for good (it has exited). */
void sched_exit(void) __attribute__((noreturn));

/* Sleep on chan until a wakeup(chan). Must be called with interrupts off
 * (so the caller's test of its condition and the sleep are atomic: no
 * wakeup is lost) and preemption enabled; returns with interrupts off. */
void sleep(void *chan);
/* Make every thread sleeping on chan runnable. */
void wakeup(void *chan);
/* Make one sleeping thread runnable (interrupts off). */
void proc_wake(struct proc *p);
/* Sleep for n timer ticks. */
void sleep_ticks(uint32_t n);

/* preempt_enable's slow path: a switch was requested meanwhile. */
void sched_preempt_pending(void);

/* A preempt_disable section may be interrupted, but the interrupted thread
 * is not switched away until the matching preempt_enable. */
static inline void preempt_disable(void)
{
	preempt_count++;
	__asm__ volatile("" ::: "memory");
}

static inline void preempt_enable(void)
{
	__asm__ volatile("" ::: "memory");
	if (--preempt_count == 0 && sched_need_resched)
		sched_preempt_pending();
}

#endif
