/*
 * proc.c - the process table: allocating entries, ending threads, reaping
 * them, and printing the table (Ctrl-P, the kernel monitor's `ps`).
 */
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/trace.h"
#include "mm/kstack.h"
#include "console/console.h"
#include "debug/panic.h"
#include "cpu/x86.h"
#include "string.h"

extern char boot_stack_top[];

_Static_assert(NPROC <= KSTACK_SLOTS, "the kernel stack region has too few slots for NPROC");

struct proc proc_table[NPROC];
struct proc *current_proc;
struct proc *init_proc;
static int next_pid = 1;

static const char *const state_names[] = {
	[PROC_UNUSED] = "unused",
	[PROC_EMBRYO] = "embryo",
	[PROC_RUNNABLE] = "runnable",
	[PROC_SLEEPING] = "sleeping",
	[PROC_ZOMBIE] = "zombie",
};

const char *proc_state_name(const struct proc *p)
{
	if (p == current_proc && p->state == PROC_RUNNABLE)
		return "running";
	return p->state <= PROC_ZOMBIE ? state_names[p->state] : "corrupt";
}

void proc_init(void)
{
	struct proc *p = &proc_table[0];

	p->pid = 0;
	strlcpy(p->name, "kmain", sizeof(p->name));
	p->irq_line = PS_NO_IRQ;        /* as proc_alloc: ps said kmain waited on irq 0 */
	p->kstack_top = p->kstack_end = (uint32_t)boot_stack_top;
	current_proc = p;
}

struct proc *proc_alloc(const char *name)
{
	uint32_t flags = irq_save();
	struct proc *p = 0;

	for (struct proc *q = &proc_table[1]; q < &proc_table[NPROC]; q++) {
		if (q->state == PROC_UNUSED) {
			p = q;
			p->state = PROC_EMBRYO;   /* claimed: no one else takes it */
			p->pid = next_pid++;
			break;
		}
	}
	irq_restore(flags);
	if (!p)
		return 0;
	p->kstack_top = kstack_alloc((int)(p - proc_table));
	if (!p->kstack_top) {
		p->state = PROC_UNUSED;
		return 0;
	}
	p->kstack_end = p->kstack_top;
	/* Nothing of the slot's last occupant survives in kctx: a thread's
	 * first context is kthread_init_context's alone, and a register it
	 * leaves out (ebp, whose 0 ends the frame chain) holds a poison that
	 * faults when used, not a stale pointer into a freed stack that works
	 * by luck. */
	p->kctx = (struct kctx){ .ebx = KCTX_POISON, .esi = KCTX_POISON, .edi = KCTX_POISON,
				 .ebp = KCTX_POISON, .esp = KCTX_POISON, .eip = 0 };
	p->slot = (int)(p - proc_table);
	strlcpy(p->name, name, sizeof(p->name));
	trace_name(p);
	p->parent = current_proc;
	p->saved = SAVED_NOT_STARTED;
	p->exit_status = 0;
	p->chan = 0;
	p->program = 0;
	p->pgdir = 0;
	p->brk_base = p->brk = 0;
	memset(p->files, 0, sizeof(p->files));
	p->killed = 0;
	memset(p->inv, 0, sizeof(p->inv));
	p->inv_top = 0;
	p->unwind = 0;
	p->fault_addr = 0;
	memset(&p->fault_watch, 0, sizeof(p->fault_watch));
	p->irq_line = PS_NO_IRQ;
	return p;
}

/* Give the children of dying, which is exiting, a parent that outlives
 * it: init; or, for init itself and while there is no init (kernel tests),
 * dying's own parent (the boot thread in the end, which never exits). So a
 * parent pointer never outlives the entry it points at: once dying is
 * reaped, its slot is reused, and the orphans must not be the new
 * occupant's children. Wakes the heir if one of them is a zombie already.
 * Interrupts off. */
static void proc_reparent_children(struct proc *dying)
{
	struct proc *heir = init_proc && dying != init_proc ? init_proc : dying->parent;

	assert_irqs_off();
	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
		if (p->state == PROC_UNUSED || p->parent != dying)
			continue;
		p->parent = heir;
		if (p->state == PROC_ZOMBIE)
			wakeup(heir);
	}
}

void proc_exit(int status)
{
	struct proc *cur = current_proc;

	if (cur == &proc_table[0])
		panic("proc_exit: the boot thread (pid 0) must not exit");
	cli();
	cur->exit_status = status;
	proc_reparent_children(cur);
	wakeup(cur->parent);    /* it runs only after sched_exit made us a zombie */
	sched_exit();
}

int proc_join(struct proc *p)
{
	if (p->parent != current_proc)
		panic("proc_join: pid %d is not a child of pid %d", p->pid, current_proc->pid);
	uint32_t flags = irq_save();
	while (p->state != PROC_ZOMBIE)
		sleep(current_proc);    /* proc_exit wakes the parent */
	irq_restore(flags);
	int status = p->exit_status;
	proc_reap(p);
	return status;
}

int proc_slots_used(void)
{
	uint32_t flags = irq_save();
	int used = 0;

	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
		used += p->state != PROC_UNUSED;
	irq_restore(flags);
	return used;
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
		if (p->state != PROC_UNUSED && p->pid == pid)
			return p;
	return 0;
}

void proc_reap(struct proc *p)
{
	if (p->state != PROC_ZOMBIE)
		panic("proc_reap: pid %d is %s, not a zombie", p->pid, proc_state_name(p));
	kstack_free((int)(p - proc_table));
	p->state = PROC_UNUSED;
	p->pid = 0;
	p->parent = 0;
	p->program = 0;
}
