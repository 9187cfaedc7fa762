/*
 * preempt.h - preempt_disable sections: code that may be interrupted but
 * not switched away from. Every layer may need one (a line of console
 * output must not be split by a switch), so they live here, below the
 * scheduler that honours them.
 *
 * Hook: preempt_enable's slow path, sched_preempt_pending(), and the two
 * variables below belong to the scheduler, kernel/proc/sched.c, which
 * defines them. They are declared here because this layer lies below it;
 * nothing else in cpu/ uses them.
 */
#ifndef CPU_PREEMPT_H
#define CPU_PREEMPT_H

/* Nesting depth of preempt_disable(); the running thread may be switched
 * away only at depth 0. */
extern volatile int preempt_count;
/* Set by the timer when the running thread's quantum is used up; acted on
 * at the next preemption point (trap exit or preempt_enable). */
extern volatile int sched_need_resched;
/* The switch a preempt_disable section held back, done at its end
 * (defined in kernel/proc/sched.c: the hook). */
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
