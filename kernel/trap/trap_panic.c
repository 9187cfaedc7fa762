/*
 * trap_panic.c - a trap the kernel cannot handle: a fault in the kernel
 * itself (or, before lab 4, in user mode). panic_trap says in words what
 * happened, where, and, for a page fault in a kernel stack's guard page,
 * whose stack overflowed; then debug/panic.c's dump follows.
 */
#include "trap/trap.h"
#include "cpu/x86.h"
#include "debug/ksym.h"
#include "debug/panic.h"
#include "mm/kstack.h"
#include "proc/proc.h"

struct proc *trap_stack_owner(int slot)
{
	if (slot < 0 || slot >= NPROC || proc_table[slot].state == PROC_UNUSED)
		return 0;
	return &proc_table[slot];
}

/* tf with the stack pointer the interrupted code had, for the dump. */
static struct trapframe panic_complete_frame(const struct trapframe *tf)
{
	struct trapframe full = *tf;

	trapframe_fill_stack(&full, tf);
	return full;
}

/* Describe a page fault's error code in words. */
static const char *page_fault_access(uint32_t error)
{
	if (error & PF_WRITE)
		return error & PF_PRESENT ? "write to a read-only page" : "write to an unmapped page";
	return error & PF_PRESENT ? "read of a protected page" : "read of an unmapped page";
}

void panic_trap(struct trapframe *tf)
{
	struct trapframe full = panic_complete_frame(tf);
	uint32_t offset;
	const char *fn = ksym_lookup(tf->eip, &offset);
	/* Only a kernel without user_fault (lab 4) panics on a user fault. */
	const char *where = trapframe_from_user(tf) ? "user mode" : "kernel";

	if (tf->vector == T_PAGE_FAULT) {
		uint32_t addr = read_cr2();
		enum kstack_edge edge;
		struct proc *owner = trap_stack_owner(kstack_guard_slot(addr, &edge));
		if (owner && edge == KSTACK_BELOW_BOTTOM)
			panic_with_frame(&full, "kernel stack overflow in pid %d (%s): page fault at 0x%08x in its guard page",
					 owner->pid, owner->name, addr);
		if (owner)
			panic_with_frame(&full, "kernel stack of pid %d (%s) used past its top: %s at 0x%08x "
					 "(the guard page above it), eip 0x%08x %s+0x%x",
					 owner->pid, owner->name, page_fault_access(tf->error), addr, tf->eip,
					 fn ? fn : "???", fn ? offset : 0);
		panic_with_frame(&full, "page fault in %s at address 0x%08x (%s), error code 0x%x, eip 0x%08x %s+0x%x",
				 where, addr, page_fault_access(tf->error), tf->error, tf->eip,
				 fn ? fn : "???", fn ? offset : 0);
	}
	panic_with_frame(&full, "%s in %s (vector %u), error code 0x%x, eip 0x%08x %s+0x%x",
			 trap_name(tf->vector), where, tf->vector, tf->error, tf->eip, fn ? fn : "???", fn ? offset : 0);
}

