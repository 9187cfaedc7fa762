/*
 * proc_fpu.c - handing the FPU to user processes lazily (see proc_fpu.h).
 *
 * Everything here runs with interrupts off: proc_fpu_claim from an
 * interrupt gate, the rest from the switch path and from fork, exec and
 * exit with interrupts off around them (an interrupt between saving the
 * owner's registers and changing fpu_owner would let a switch see a
 * half-made change).
 */
#include "proc/proc_fpu.h"
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/x86.h"
#include "cpu/trapframe.h"
#include "debug/panic.h"

struct proc *fpu_owner;

/* Store the owner's registers into its entry; nobody owns them after. */
static void proc_fpu_unload(void)
{
	clts();
	fpu_save(&fpu_owner->fpu);
	fpu_owner = 0;
	stts();
}

void proc_fpu_claim(void)
{
	struct proc *cur = current_proc;

	if (fpu_owner == cur)
		panic("proc_fpu_claim: pid %d owns the FPU but CR0.TS was set", cur->pid);
	clts();
	if (fpu_owner)
		fpu_save(&fpu_owner->fpu);
	fpu_restore(&cur->fpu);
	fpu_owner = cur;
}

/* p's registers, if it has them, are given up without being saved. */
static void proc_fpu_forget(struct proc *p)
{
	if (fpu_owner == p) {
		fpu_owner = 0;
		stts();
	}
}

void proc_fpu_switch_in_owned(struct proc *next)
{
	if (next == fpu_owner)
		clts();
	else
		stts();
}

void proc_fpu_reset(struct proc *p)
{
	uint32_t flags = irq_save();

	proc_fpu_forget(p);
	fpu_state_init(&p->fpu);
	irq_restore(flags);
}

void proc_fpu_copy(struct proc *child, struct proc *parent)
{
	uint32_t flags = irq_save();

	if (fpu_owner == parent)
		proc_fpu_unload();
	child->fpu = parent->fpu;
	irq_restore(flags);
}

void proc_fpu_release(struct proc *p)
{
	uint32_t flags = irq_save();

	proc_fpu_forget(p);
	irq_restore(flags);
}
