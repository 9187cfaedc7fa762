/*
 * kthread.c - creating, running and ending kernel threads.
 *
 * A new thread is made to look as if it had stopped in a voluntary switch:
 * its kctx says "resume in kthread_bootstrap on the top of your own kernel
 * stack". The first resctx into it therefore starts the bootstrap, which
 * calls fn(arg); if fn returns, the backstop, kthread_exit(0), ends the
 * thread cleanly instead of letting it return into nowhere.
 */
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "debug/panic.h"
#include "cpu/x86.h"
#include "lab.h"

/* The first code a new thread runs, with interrupts still off from the
 * switch that started it. */
static void kthread_bootstrap(void) __attribute__((noreturn));
static void kthread_bootstrap(void)
{
#if LAB_SOLUTION(2)
	struct proc *self = current_proc;

	sti();
	self->entry(self->arg);
	kthread_exit(0);        /* the backstop */
#else
	panic("kthread_bootstrap: not implemented (lab 2)");
#endif
}

struct proc *kthread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct proc *p = proc_alloc(name);

	if (!p)
		return 0;
	p->entry = fn;
	p->arg = arg;
#if LAB_SOLUTION(2)
	/* A zero "return address" on top of the stack, so the bootstrap's
	 * frame record lies wholly on the stack, and ebp = 0 below it: the
	 * backtrace chain ends here. */
	uint32_t *top = (uint32_t *)p->kstack_top - 1;
	*top = 0;
	p->kctx = (struct kctx){
		.eip = (uint32_t)kthread_bootstrap,
		.esp = (uint32_t)top,
		.ebp = 0,
	};
#else
	p->kctx.eip = (uint32_t)kthread_bootstrap;
#endif
	uint32_t flags = irq_save();
	sched_make_runnable(p);
	irq_restore(flags);
	return p;
}

void kthread_exit(int status)
{
	proc_exit(status);
}
