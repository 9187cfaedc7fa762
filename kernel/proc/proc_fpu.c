/*
 * proc_fpu.c - handing the FPU to user processes lazily (see proc_fpu.h).
 *
 * Everything here runs with interrupts off: proc_fpu_trap from an
 * interrupt gate, the rest from the switch path and from fork, exec and
 * exit with interrupts off around them (an interrupt between saving the
 * owner's registers and changing fpu_owner would let a switch see a
 * half-made change).
 */
#include "proc/proc_fpu.h"
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/x86.h"
#include "trap/trap.h"
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

/* #NM: the running process used the FPU while CR0.TS was set. Give it the
 * registers and let it retry the instruction. From the kernel (which has
 * no business with the FPU), from virtual-8086 mode, or on a CPU without
 * an FPU, it is an ordinary exception. */
static struct trapframe *proc_fpu_trap(struct trapframe *tf)
{
	struct proc *cur = current_proc;

	if (!cpu_features.fpu || !trapframe_from_user(tf) || trapframe_in_vm86(tf))
		return trap_unexpected(tf);
	if (fpu_owner == cur)
		panic("proc_fpu_trap: pid %d owns the FPU but CR0.TS was set", cur->pid);
	clts();
	if (fpu_owner)
		fpu_save(&fpu_owner->fpu);
	fpu_restore(&cur->fpu);
	fpu_owner = cur;
	return tf;
}

void proc_fpu_init(void)
{
	trap_register(T_DEVICE_NA, proc_fpu_trap);
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
