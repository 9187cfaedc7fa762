/*
 * sync.c - semaphores and mutexes.
 *
 * Each operation tests its condition and sleeps with interrupts off, as
 * sleep() requires, so a sem_up or mutex_unlock that happens in between
 * (even from an interrupt handler) cannot be lost. Waiters sleep on the
 * object's address; every release wakes them all and they compete again,
 * which is simple and, with round-robin scheduling, fair enough.
 */
#include "proc/sync.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "debug/panic.h"
#include "cpu/x86.h"

void sem_init(struct semaphore *s, int count, const char *name)
{
	if (count < 0)
		panic("sem_init: %s: negative count %d", name, count);
	s->count = count;
	s->name = name;
}

void sem_down(struct semaphore *s)
{
	uint32_t flags = irq_save();
	while (s->count == 0)
		sleep(s);
	s->count--;
	irq_restore(flags);
}

void sem_up(struct semaphore *s)
{
	uint32_t flags = irq_save();
	s->count++;
	wakeup(s);
	irq_restore(flags);
}

void mutex_init(struct mutex *m, const char *name)
{
	m->locked = 0;
	m->owner = 0;
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	uint32_t flags = irq_save();
	if (m->locked && m->owner == current_proc)
		panic("mutex_lock: %s: pid %d already holds it", m->name, current_proc->pid);
	while (m->locked)
		sleep(m);
	m->locked = 1;
	m->owner = current_proc;
	irq_restore(flags);
}

void mutex_unlock(struct mutex *m)
{
	uint32_t flags = irq_save();
	if (!m->locked || m->owner != current_proc)
		panic("mutex_unlock: %s: pid %d does not hold it", m->name, current_proc->pid);
	m->locked = 0;
	m->owner = 0;
	wakeup(m);
	irq_restore(flags);
}

int mutex_held(const struct mutex *m)
{
	return m->locked && m->owner == current_proc;
}
