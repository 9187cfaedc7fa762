/*
 * kthread.h - kernel threads (lab 2): a function running on its own kernel
 * stack, switched cooperatively with kthread_yield and, from lab 3, also
 * preempted by the timer.
 */
#ifndef PROC_KTHREAD_H
#define PROC_KTHREAD_H

#include "proc/sched.h"

struct proc;

/* Start fn(arg) in a new thread; 0 if the process table or memory is full.
 * The thread is a child of the caller, who must proc_join it. */
struct proc *kthread_create(const char *name, void (*fn)(void *), void *arg);
/* Let the next runnable thread run (inline: the switch is on the path
 * `make bench` counts, and a wrapper call would only add to it). */
static inline void kthread_yield(void)
{
	sched_yield();
}
/* End the calling thread with status (returning from fn is the same as
 * kthread_exit(0)). */
void kthread_exit(int status) __attribute__((noreturn));

#endif
