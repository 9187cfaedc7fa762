/*
 * uproc.c - creating, copying, ending and reaping user processes.
 *
 * A user process is a process table entry with an address space (pgdir),
 * a descriptor table and the ramdisk program it runs. It starts life, and
 * every fork child starts too, as a SAVED_TRAPFRAME entry whose frame
 * points at user code: the scheduler's first switch to it irets straight
 * into ring 3, with no kernel code of its own to run first.
 *
 * Exit frees everything but the table entry and the kernel stack, which
 * the parent's wait frees (proc_reap): so a zombie costs two frames, and
 * once it is reaped the free frame count is back where it was.
 */
#include "uproc/uproc.h"
#include "uproc/exec.h"
#include "dom/dom.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/proc_fpu.h"
#include "fs/file.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/vm.h"
#include "cpu/x86.h"
#include "console/console.h"
#include "debug/panic.h"
#include "abi.h"
#include "lab.h"
#include "string.h"


struct proc *uproc_start_init(const struct exec_args *args, int *err)
{
	struct proc *p = proc_alloc("init");
	struct file *console = file_alloc(FILE_CONSOLE, 1, 1);

	*err = !p ? -E_AGAIN : !console ? -E_MFILE : 0;
	if (*err == 0)
		*err = exec(p, &p->tf, "init", args);
	if (*err < 0) {
		if (console)
			file_close(console);
		if (p) {
			p->state = PROC_ZOMBIE;
			proc_reap(p);
		}
		return 0;
	}
	p->files[STDIN_FILENO] = console;
	p->files[STDOUT_FILENO] = file_dup(console);
	p->files[STDERR_FILENO] = file_dup(console);
	p->saved = SAVED_TRAPFRAME;
	init_proc = p;
	dom_grant_root_authority(p);
	uint32_t flags = irq_save();
	sched_make_runnable(p);
	irq_restore(flags);
	return p;
}

/* Undo a fork that failed after proc_alloc. */
static void uproc_fork_undo(struct proc *child)
{
	if (child->pgdir)
		vm_free(child->pgdir);
	child->pgdir = 0;
	child->state = PROC_ZOMBIE;
	proc_reap(child);
}

/* Why proc_alloc failed: a full table, or no memory for a kernel stack. */
static int uproc_alloc_error(void)
{
	for (struct proc *p = &proc_table[1]; p < &proc_table[NPROC]; p++)
		if (p->state == PROC_UNUSED)
			return -E_NOMEM;
	return -E_AGAIN;
}

int uproc_fork(const struct trapframe *tf)
{
	struct proc *parent = current_proc;
	struct proc *child = proc_alloc(parent->name);

	if (!child)
		return uproc_alloc_error();
	if (!(child->pgdir = vm_create()) || vm_copy(child->pgdir, parent->pgdir) < 0) {
		uproc_fork_undo(child);
		return -E_NOMEM;
	}
	if (dom_home_create(child, child->pgdir, parent->program) < 0) {
		uproc_fork_undo(child);
		return -E_AGAIN;        /* the domain table is full: like the process table */
	}
	dom_home_fork(child, parent);
	child->program = parent->program;
	child->brk_base = parent->brk_base;
	child->brk = parent->brk;
	for (int fd = 0; fd < NOFILE; fd++)
		if (parent->files[fd])
			child->files[fd] = file_dup(parent->files[fd]);
	proc_fpu_copy(child, parent);
	child->tf = *tf;
	child->tf.eax = 0;              /* fork returns 0 in the child */
	child->saved = SAVED_TRAPFRAME;
	uint32_t flags = irq_save();
	sched_make_runnable(child);
	irq_restore(flags);
	return child->pid;
}

/* Release what the process owns, preemptibly (freeing a big address
 * space takes long, and no tick may be lost meanwhile); then, with
 * interrupts off, hand its children on and become a zombie. Until then
 * it is an ordinary running thread without an address space of its own:
 * pgdir is 0 first, so no switch loads the directory being freed. */
void uproc_exit(int status)
{
	struct proc *cur = current_proc;

	sti();                          /* callers may come from the trap path */
	for (int fd = 0; fd < NOFILE; fd++) {
		if (cur->files[fd]) {
			file_close(cur->files[fd]);
			cur->files[fd] = 0;
		}
	}
	dom_exit(cur);                  /* frees its address space, and its domains' */
	cli();
	proc_fpu_release(cur);
	proc_exit(status);              /* which gives the children to init */
}

/* A zombie child of parent, or 0; *any says whether it has children. */
static struct proc *uproc_find_zombie_child(struct proc *parent, int *any)
{
	*any = 0;
	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
		if (p->state == PROC_UNUSED || p->parent != parent)
			continue;
		*any = 1;
		if (p->state == PROC_ZOMBIE)
			return p;
	}
	return 0;
}

int uproc_wait(uint32_t ustatus)
{
	struct proc *cur = current_proc;
	struct proc *child;
	int any;

	if (ustatus && !uaccess_ok(cur->pgdir, ustatus, sizeof(int), 1))
		return -E_FAULT;
	/* Interrupts off from the scan to the sleep: a child's exit between
	 * them would wake nobody. */
	uint32_t flags = irq_save();
	while (!(child = uproc_find_zombie_child(cur, &any))) {
		if (!any || proc_interrupted(cur)) {
			irq_restore(flags);
			return !any ? -E_CHILD : -E_INTR;
		}
		sleep(cur);
	}
	int pid = child->pid, status = child->exit_status;
	proc_reap(child);
	irq_restore(flags);
	if (ustatus)
		copyout(cur->pgdir, ustatus, &status, sizeof(status));
	return pid;
}

/* The slow path of the way out: a killed process dies; a thread with a
 * dead domain on its invocation stack unwinds (dom_unwind) and resumes
 * its caller, in the frame trap_return pops: the one at the top of the
 * kernel stack, as every frame back to user mode is. Out of line
 * (noinline): every return to user mode pays only for the test. */
static __attribute__((noinline)) void uproc_return_slow(struct proc *cur)
{
	/* Freeing a dead domain turns interrupts on for a while (dom_leave),
	 * so a kill may arrive during the unwind: look again until neither
	 * is pending. */
	while (uproc_return_due(cur)) {
		if (cur->killed)
			uproc_exit(cur->killed);
		dom_unwind(cur, dom_user_frame(cur));
	}
}

void uproc_return_to_user(void)
{
	struct proc *cur = current_proc;

	if (__builtin_expect(uproc_return_due(cur), 0))
		uproc_return_slow(cur);
}

static int uproc_kill_locked(int pid)
{
	struct proc *p = proc_find(pid);

	if (!p || p->state == PROC_ZOMBIE || p->state == PROC_EMBRYO)
		return -E_SRCH;
	if (!proc_is_user(p) || p == init_proc)
		return -E_PERM;
	if (!p->killed)
		p->killed = WAIT_KILLED | KILL_CAUSE_KILL;
	if (p->state == PROC_SLEEPING)
		proc_wake(p);           /* its sleep loop sees killed */
	/* Wherever it is, it dies on its way back to user mode
	 * (uproc_return_to_user): at the end of the system call it is in, or
	 * when it is next switched to, if it was stopped in user mode. */
	return 0;
}

/* Interrupts off throughout: the target's state must not change between
 * the checks and the wakeup. */
int uproc_kill(int pid)
{
	uint32_t flags = irq_save();
	int err = uproc_kill_locked(pid);

	irq_restore(flags);
	return err;
}

#if LAB_SOLUTION(5)
int uproc_sbrk(int increment)
{
	struct proc *cur = current_proc;
	uint32_t old = cur->brk;
	uint32_t new = old + (uint32_t)increment;

	if (increment > 0) {
		if ((uint32_t)increment > USER_HEAP_LIMIT - old)
			return -E_NOMEM;
		if (vm_map_zeroed(cur->pgdir, PAGE_ROUND_UP(old), PAGE_ROUND_UP(new), PTE_W) < 0) {
			vm_unmap(cur->pgdir, PAGE_ROUND_UP(old), PAGE_ROUND_UP(new));
			return -E_NOMEM;
		}
	} else if (increment < 0) {
		if ((uint32_t)-(int64_t)increment > old - cur->brk_base)
			return -E_INVAL;
		vm_unmap(cur->pgdir, PAGE_ROUND_UP(new), PAGE_ROUND_UP(old));
	}
	cur->brk = new;
	return (int)old;
}
#else
int uproc_sbrk(int increment)
{
	printf("sbrk: not implemented (lab 5)\n");
	return -E_NOMEM;
}
#endif
