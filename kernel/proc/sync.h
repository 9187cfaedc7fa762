/*
 * sync.h - blocking synchronisation built on sleep and wakeup: a counting
 * semaphore and a mutex (a lock whose waiters sleep instead of spinning).
 */
#ifndef PROC_SYNC_H
#define PROC_SYNC_H

struct proc;

struct semaphore {
	int count;              /* never negative */
	const char *name;
};

struct mutex {
	int locked;
	struct proc *owner;     /* meaningful while locked */
	const char *name;
};

void sem_init(struct semaphore *s, int count, const char *name);
/* P: wait until count > 0, then take one. */
void sem_down(struct semaphore *s);
/* V: give one back and wake the waiters. */
void sem_up(struct semaphore *s);

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
int mutex_held(const struct mutex *m);

#endif
