/*
 * sched.c - choosing who runs, and switching to it.
 *
 * The run queue is a circular doubly linked list threaded through the
 * RUNNABLE entries of proc_table: appending at the tail and taking the head
 * are O(1), so the pick costs the same with 2 or 60 runnable threads.
 * The running thread is never on the queue.
 *
 * Two ways out of a thread, two ways back in:
 *   - voluntarily (sched_yield, sleep): setctx saves its callee-saved
 *     registers in its kctx;
 *   - preempted by the timer (sched_preempt): the trap path's frame is
 *     copied into its process table entry, tf.
 * sched_switch_to resumes the next thread the way it was stopped.
 *
 * Every function here runs with interrupts off: the run queue is shared
 * with interrupt handlers (wakeups, the timer).
 *
 * When nothing is runnable, the thread that wants to give up the CPU idles
 * in place (sched_pick_or_idle): interrupts on, hlt, until a wakeup makes
 * someone runnable. No idle thread is needed, and the boot thread can wait
 * for console input before any other thread exists.
 */
#include "proc/sched.h"
#include "proc/proc.h"
#include "cpu/gdt.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "trap/timer.h"
#include "string.h"
#include "lab.h"

volatile int sched_need_resched;
volatile int preempt_count;
uint32_t sched_deferred_switches;

static struct proc *runq_head;      /* next to run; 0 when empty */
static int sched_quantum = SCHED_DEFAULT_QUANTUM;
static int sched_idling;            /* in sched_pick_or_idle's hlt */
static struct proc *timer_sleepers; /* sorted by wake_tick */

void sched_init(unsigned int quantum_ticks)
{
	sched_quantum = (int)quantum_ticks;
	current_proc->quantum_left = sched_quantum;
}

static void runq_push_tail(struct proc *p)
{
	if (!runq_head) {
		p->rq_next = p->rq_prev = p;
		runq_head = p;
		return;
	}
	p->rq_next = runq_head;
	p->rq_prev = runq_head->rq_prev;
	runq_head->rq_prev->rq_next = p;
	runq_head->rq_prev = p;
}

static struct proc *runq_pop_head(void)
{
	struct proc *p = runq_head;

	if (!p)
		return 0;
	if (p->rq_next == p) {
		runq_head = 0;
	} else {
		p->rq_prev->rq_next = p->rq_next;
		p->rq_next->rq_prev = p->rq_prev;
		runq_head = p->rq_next;
	}
	return p;
}

void sched_make_runnable(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	runq_push_tail(p);
}

/* The next thread to run, or 0 if none is runnable. */
static struct proc *sched_pick_next(void)
{
	return runq_pop_head();
}

/* Wait, interrupts on, until some thread is runnable; return it. The
 * caller's thread is not running meanwhile: sched_idling keeps the timer
 * from trying to preempt it. */
static struct proc *sched_pick_or_idle(void)
{
	struct proc *next;

	while (!(next = sched_pick_next())) {
		sched_idling = 1;
		sti_hlt();
		cli();
		sched_idling = 0;
	}
	return next;
}

/* A frame saved by sched_save_trapframe, copied back to where it came
 * from: onto the thread's own kernel stack, just below the stack pointer
 * it had (ring 0), or at the top of its kernel stack (ring 3). */
static struct trapframe *sched_restore_trapframe(struct proc *p)
{
#if LAB_SOLUTION(3)
	struct trapframe *frame;
	uint32_t size;

	if (trapframe_from_user(&p->tf)) {
		size = sizeof(struct trapframe);
		frame = (struct trapframe *)(p->kstack_top - size);
	} else {
		size = TRAPFRAME_KERNEL_SIZE;
		frame = (struct trapframe *)(p->tf.esp - size);
	}
	memcpy(frame, &p->tf, size);
	return frame;
#else
	(void)p;
	panic("sched_restore_trapframe: not implemented (lab 3)");
#endif
}

/* Make next the running thread and jump into it the way it was stopped.
 * Interrupts are off; the caller has already saved the old thread. */
/* noinline: tools/gdb breaks here to catch every context switch. */
static void sched_switch_to(struct proc *next) __attribute__((noreturn, noinline));
static void sched_switch_to(struct proc *next)
{
	current_proc = next;
	next->state = PROC_RUNNING;
	next->quantum_left = sched_quantum;
	tss_set_kernel_stack(next->kstack_top);
	if (next->saved == SAVED_TRAPFRAME) {
		next->saved = SAVED_NONE;
		trap_resume(sched_restore_trapframe(next));
	}
	next->saved = SAVED_NONE;
	resctx(&next->kctx, 1);
}

/* Stop the current thread voluntarily (it has already been given its new
 * state) and run next. Returns when someone switches back to it. */
static void sched_switch_from(struct proc *cur, struct proc *next)
{
	if (preempt_count != 0)
		panic("sched: switching away from pid %d with preemption disabled", cur->pid);
	if (next == cur) {
		cur->state = PROC_RUNNING;
		return;
	}
	cur->saved = SAVED_KCTX;
	if (setctx(&cur->kctx) == 0)
		sched_switch_to(next);
}

void sched_yield(void)
{
	uint32_t flags = irq_save();
	struct proc *cur = current_proc;
	struct proc *next = sched_pick_next();

	sched_need_resched = 0;
	if (next) {
		sched_make_runnable(cur);
		sched_switch_from(cur, next);
	}
	irq_restore(flags);
}

void sched_exit(void)
{
	if (preempt_count != 0)
		panic("sched_exit: pid %d exits with preemption disabled", current_proc->pid);
	sched_switch_to(sched_pick_or_idle());
}

void sched_preempt_pending(void)
{
	if (read_eflags() & EFLAGS_IF) {
		sched_deferred_switches++;
		sched_yield();
	}
}

/* Copy the interrupted context into the running thread's table entry. A
 * ring-0 frame has no esp/ss: record the esp the thread had when it was
 * interrupted (just above the frame) so the entry is complete. */
static void sched_save_trapframe(struct proc *p, const struct trapframe *tf)
{
#if LAB_SOLUTION(3)
	if (trapframe_from_user(tf)) {
		p->tf = *tf;
	} else {
		memcpy(&p->tf, tf, TRAPFRAME_KERNEL_SIZE);
		p->tf.esp = (uint32_t)tf + TRAPFRAME_KERNEL_SIZE;
		p->tf.ss = tf->ds;
	}
	p->saved = SAVED_TRAPFRAME;
#else
	(void)p, (void)tf;
	panic("sched_save_trapframe: not implemented (lab 3)");
#endif
}

struct trapframe *sched_preempt(struct trapframe *tf)
{
	if (preempt_count != 0 || sched_idling)
		return tf;              /* preempt_enable or the idle loop will see the flag */
	sched_need_resched = 0;
	struct proc *cur = current_proc;
	struct proc *next = sched_pick_next();
	if (!next)
		return tf;
	sched_save_trapframe(cur, tf);
	sched_make_runnable(cur);
	sched_switch_to(next);
}

/* Wake the sleep_ticks sleepers whose time has come. */
static void sched_wake_timer_sleepers(void)
{
	while (timer_sleepers && (int32_t)(timer_ticks - timer_sleepers->wake_tick) >= 0) {
		struct proc *p = timer_sleepers;
		timer_sleepers = p->timer_next;
		proc_wake(p);
	}
}

void sched_tick(void)
{
	if (timer_sleepers)
		sched_wake_timer_sleepers();
#if LAB_SOLUTION(3)
	if (--current_proc->quantum_left <= 0 && runq_head)
		sched_need_resched = 1;
#endif
}

void sleep(void *chan)
{
	struct proc *cur = current_proc;

	if (read_eflags() & EFLAGS_IF)
		panic("sleep: interrupts enabled (a wakeup could be lost)");
	cur->chan = chan;
	cur->state = PROC_SLEEPING;
	sched_switch_from(cur, sched_pick_or_idle());
	cur->chan = 0;
}

void proc_wake(struct proc *p)
{
	if (p->state != PROC_SLEEPING)
		return;
	p->chan = 0;
	sched_make_runnable(p);
}

void wakeup(void *chan)
{
	uint32_t flags = irq_save();

	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
		if (p->state == PROC_SLEEPING && p->chan == chan)
			proc_wake(p);
	irq_restore(flags);
}

/* Insert the current thread into timer_sleepers, keeping it sorted. */
static void sched_add_timer_sleeper(struct proc *p)
{
	struct proc **link = &timer_sleepers;

	while (*link && (int32_t)((*link)->wake_tick - p->wake_tick) <= 0)
		link = &(*link)->timer_next;
	p->timer_next = *link;
	*link = p;
}

void sleep_ticks(uint32_t n)
{
	uint32_t flags = irq_save();
	struct proc *cur = current_proc;

	cur->wake_tick = timer_ticks + n;
	if (n > 0) {
		sched_add_timer_sleeper(cur);
		while ((int32_t)(timer_ticks - cur->wake_tick) < 0)
			sleep(&cur->wake_tick);
	}
	irq_restore(flags);
}
