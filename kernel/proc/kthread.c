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
 * switch that started it: turn them on, call the thread's function, and
 * end the thread if that returns. */
static void kthread_bootstrap(void) __attribute__((noreturn));
#if LAB_SOLUTION(2)
static void kthread_bootstrap(void)
{
	struct proc *self = current_proc;

	sti();
	self->entry(self->arg);
	kthread_exit(0);        /* the backstop */
}
#else
static void kthread_bootstrap(void)
{
	panic("kthread_bootstrap: not implemented (lab 2)");
}
#endif

/*
 * Give p, a thread that has never run, the kctx of a thread stopped in a
 * voluntary switch, so that the first resctx(&p->kctx, ...) starts
 * kthread_bootstrap on the top of p's own kernel stack (p->kstack_top),
 * with a frame chain that ends there: a zero "return address" on top of
 * the stack, so that the bootstrap's frame record lies wholly on the
 * stack, and ebp = 0 below it.
 */
#if LAB_SOLUTION(2)
static void kthread_init_context(struct proc *p)
{
	uint32_t *top = (uint32_t *)p->kstack_top - 1;

	*top = 0;
	p->kctx = (struct kctx){
		.eip = (uint32_t)kthread_bootstrap,
		.esp = (uint32_t)top,
		.ebp = 0,
	};
}
#else
static void kthread_init_context(struct proc *p)
{
	/* Only what ps and pbt show: the thread still has no stack to run on. */
	p->kctx.eip = (uint32_t)kthread_bootstrap;
}
#endif

struct proc *kthread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct proc *p = proc_alloc(name);

	if (!p)
		return 0;
	p->entry = fn;
	p->arg = arg;
	kthread_init_context(p);
	uint32_t flags = irq_save();
	sched_make_runnable(p);
	irq_restore(flags);
	return p;
}

void kthread_exit(int status)
{
	proc_exit(status);
}
