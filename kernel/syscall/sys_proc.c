/*
 * sys_proc.c - the system calls about processes, memory and time: each
 * checks its arguments and calls into proc/ (uproc.c, exec.c, sched.c).
 */
#include "syscall/syscall.h"
#include "uproc/exec.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "uproc/uproc.h"
#include "dom/dom.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "proc/timer.h"
#include "string.h"

_Static_assert(T_SYSCALL == T_SYSCALL_VECTOR, "lib/abi.h and trap.h disagree on the gate");
_Static_assert(T_FAULTRESUME == T_FAULTRESUME_VECTOR && T_FAULTREGS == T_FAULTREGS_VECTOR,
	       "lib/abi.h and trap.h disagree on the fault handler gates");

struct trapframe *sys_exit(struct trapframe *tf)
{
	uproc_exit(WAIT_EXITED_STATUS((int)SYSCALL_ARG1(tf)));
}

/* fork, exec and sbrk act on the process's home domain, its memory and
 * its heap: inside a domain call (a borrowed thread in another domain's
 * space) they are refused with -E_BUSY. */
struct trapframe *sys_fork(struct trapframe *tf)
{
	if (dom_in_call(current_proc))
		return syscall_return(tf, -E_BUSY);
	return syscall_return(tf, uproc_fork(tf));
}

/* Copy argv (a user array of user strings, ending with 0) into args. */
static int sys_exec_copy_args(struct exec_args *args, uint32_t uargv)
{
	uint32_t *pgdir = current_proc->pgdir;

	args->argc = 0;
	args->used = 0;
	for (;; uargv += sizeof(uint32_t)) {
		uint32_t uarg;
		if (copyin(pgdir, &uarg, uargv, sizeof(uarg)) < 0)
			return -E_FAULT;
		if (uarg == 0)
			return 0;
		if (args->argc == MAXARG)
			return -E_2BIG;
		int len = copyinstr(pgdir, &args->strings[args->used], uarg, MAXARG_BYTES - args->used);
		if (len < 0)
			return len;
		args->argv[args->argc++] = &args->strings[args->used];
		args->argv[args->argc] = 0;
		args->used += (uint32_t)len + 1;
	}
}

/* exec(path, argv): the arguments are copied into a frame of their own
 * first (they live in the address space being replaced). */
struct trapframe *sys_exec(struct trapframe *tf)
{
	char path[PROC_NAME_MAX];
	struct exec_args *args = (struct exec_args *)frame_alloc();
	int err;

	_Static_assert(sizeof(struct exec_args) <= PAGE_SIZE, "exec_args must fit in a frame");
	if (dom_in_call(current_proc)) {
		if (args)
			frame_free((uint32_t)args);
		return syscall_return(tf, -E_BUSY);
	}
	if (!args)
		return syscall_return(tf, -E_NOMEM);
	err = copyinstr(current_proc->pgdir, path, SYSCALL_ARG1(tf), sizeof(path));
	if (err == -E_2BIG)
		err = -E_NOENT;         /* longer than any program's name */
	if (err >= 0)
		err = sys_exec_copy_args(args, SYSCALL_ARG2(tf));
	if (err >= 0)
		err = exec(current_proc, tf, path, args);
	frame_free((uint32_t)args);
	return syscall_return(tf, err < 0 ? err : 0);
}

struct trapframe *sys_wait(struct trapframe *tf)
{
	return syscall_return(tf, uproc_wait(SYSCALL_ARG1(tf)));
}

struct trapframe *sys_kill(struct trapframe *tf)
{
	return syscall_return(tf, uproc_kill((int)SYSCALL_ARG1(tf)));
}

struct trapframe *sys_getpid(struct trapframe *tf)
{
	return syscall_return(tf, current_proc->pid);
}

struct trapframe *sys_getppid(struct trapframe *tf)
{
	struct proc *parent = current_proc->parent;
	return syscall_return(tf, parent && proc_is_user(parent) ? parent->pid : 0);
}

struct trapframe *sys_yield(struct trapframe *tf)
{
	sched_yield();
	return syscall_return(tf, 0);
}

struct trapframe *sys_sleep(struct trapframe *tf)
{
	if (SYSCALL_ARG1(tf) > SLEEP_TICKS_MAX)
		return syscall_return(tf, -E_INVAL);
	sleep_ticks(SYSCALL_ARG1(tf));
	return syscall_return(tf, proc_interrupted(current_proc) ? -E_INTR : 0);
}

struct trapframe *sys_uptime(struct trapframe *tf)
{
	return syscall_return(tf, (int)timer_ticks);
}

struct trapframe *sys_sbrk(struct trapframe *tf)
{
	if (dom_in_call(current_proc))
		return syscall_return(tf, -E_BUSY);
	return syscall_return(tf, uproc_sbrk((int)SYSCALL_ARG1(tf)));
}

static const int procinfo_states[] = {
	[PROC_EMBRYO] = PS_EMBRYO,
	[PROC_RUNNABLE] = PS_RUNNABLE,
	[PROC_SLEEPING] = PS_SLEEPING,
	[PROC_ZOMBIE] = PS_ZOMBIE,
};

/* The address space ps counts for p: its home domain's, even while p runs
 * inside a call (then p->pgdir is the callee's, which is not p's memory);
 * 0 for a kernel thread or a process that has exited. */
static uint32_t *sys_ps_home_pgdir(const struct proc *p)
{
	return p->inv[0].dom ? p->inv[0].dom->pgdir : p->pgdir;
}

/* Which domain p runs in now, or PS_NO_DOMAIN. */
static void sys_ps_fill_domain(struct procinfo *info, const struct proc *p)
{
	const struct domain *d = p->inv[0].dom ? dom_current(p) : 0;

	info->domain = d ? dom_id(d) : PS_NO_DOMAIN;
	info->depth = d ? p->inv_top : 0;
	info->in_handler = d && p->inv[p->inv_top].kind == INV_FAULT;
	info->irq_line = p->irq_line;
	if (d)
		strlcpy(info->domain_name, d->name, sizeof(info->domain_name));
}

static void sys_ps_fill(struct procinfo *info, const struct proc *p)
{
	uint32_t *home = sys_ps_home_pgdir(p);

	memset(info, 0, sizeof(*info));
	info->pid = p->pid;
	info->ppid = p->parent && proc_is_user(p->parent) ? p->parent->pid : 0;
	info->state = p == current_proc ? PS_RUNNING : procinfo_states[p->state];
	info->user = proc_is_user(p);
	info->pages = home ? vm_user_pages(home) : 0;
	strlcpy(info->name, p->name, sizeof(info->name));
	sys_ps_fill_domain(info, p);
}

/* ps(table, max): one procinfo per used slot, at most max; the count. */
struct trapframe *sys_ps(struct trapframe *tf)
{
	uint32_t utable = SYSCALL_ARG1(tf);
	int max = (int)SYSCALL_ARG2(tf);
	struct procinfo info;
	int n = 0;

	if (max < 0)
		return syscall_return(tf, -E_INVAL);
	if (max > NPROC)
		max = NPROC;
	if (!uaccess_ok(current_proc->pgdir, utable, (uint32_t)max * sizeof(info), 1))
		return syscall_return(tf, -E_FAULT);
	/* One consistent picture: no other thread runs (and exits, freeing
	 * the page tables counted here) while the table is read. */
	preempt_disable();
	for (struct proc *p = proc_table; p < &proc_table[NPROC] && n < max; p++) {
		if (p->state == PROC_UNUSED)
			continue;
		sys_ps_fill(&info, p);
		copyout(current_proc->pgdir, utable + (uint32_t)n++ * sizeof(info), &info, sizeof(info));
	}
	preempt_enable();
	return syscall_return(tf, n);
}

struct trapframe *sys_memfree(struct trapframe *tf)
{
	return syscall_return(tf, (int)frame_free_count());
}
