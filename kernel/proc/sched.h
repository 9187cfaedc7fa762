/*
 * sched.h - the scheduler: a round-robin run queue, preemption by the timer
 * with a quantum in ticks, preempt_disable sections, sleep and wakeup.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include <stdint.h>
#include "cpu/preempt.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "proc/proc.h"
#include "lab.h"

struct proc;
struct trapframe;

#define SCHED_DEFAULT_QUANTUM 1     /* ticks */

/* Switches that a preempt_disable section deferred to its preempt_enable. */
extern uint32_t sched_deferred_switches;

void sched_init(unsigned int quantum_ticks);
/* Put p at the tail of the run queue (state RUNNABLE). */
void sched_make_runnable(struct proc *p);
/* The timer's hook, once per tick, interrupts off: wake the sleep_ticks
 * sleepers that are due, and ask for a switch when the running thread's
 * quantum is up (sched_preempt then finds out whether anyone else can run). */
void sched_tick(void);
/* Called at trap exit when sched_need_resched is set: saves the interrupted
 * context into the process table and returns the frame to resume. */
struct trapframe *sched_preempt(struct trapframe *tf);
/* Give up the CPU to the next runnable thread, if any. Interrupts must be
 * on: a thread that has turned them off must not switch away. */
void sched_yield(void);
/* Make the current thread a zombie and switch away from it for good. */
void sched_exit(void) __attribute__((noreturn));

/* Sleep on chan until a wakeup(chan). Must be called with interrupts off
 * (so the caller's test of its condition and the sleep are atomic: no
 * wakeup is lost) and preemption enabled; returns with interrupts off. */
void sleep(void *chan);
/* Make every thread sleeping on chan runnable. */
void wakeup(void *chan);
/* Make one sleeping thread runnable (interrupts off). */
void proc_wake(struct proc *p);
/* The same as a hand-off: p runs next, before the rest of the round, and
 * the running thread is asked to give way (sched_need_resched), which
 * the trap path does at its preemption point. What an interrupt does for
 * the driver thread it wakes (lab 8). Interrupts off. */
void proc_wake_first(struct proc *p);
/* Sleep for n timer ticks, or until a user process is killed. n must be at
 * most SLEEP_TICKS_MAX: wake times are compared modulo 2^32. */
#define SLEEP_TICKS_MAX 0x7FFFFFFFu
void sleep_ticks(uint32_t n);


/*
 * Preconditions, checked where a function states one (the preemption rule
 * in docs/02-contexts.md says which structure needs which). Each panics
 * naming the function whose caller broke it.
 *   assert_irqs_off()     interrupts are off (irq_save, cli, or a trap
 *                         gate that has not turned them on);
 *   assert_preempt_off()  the thread cannot be switched away: interrupts
 *                         off, or inside a preempt_disable section.
 */
#define assert_irqs_off() do {                                          \
		if (read_eflags() & EFLAGS_IF)                          \
			panic("%s: interrupts enabled", __func__);      \
	} while (0)
#define assert_preempt_off() do {                                       \
		if (preempt_count == 0 && (read_eflags() & EFLAGS_IF))  \
			panic("%s: preemption enabled", __func__);      \
	} while (0)

#endif
