/*
 * double_fault.c - surviving a double fault long enough to explain it.
 *
 * The usual double fault is a kernel stack overflow: the thread's esp has
 * run into its guard page, the page fault that follows cannot push its
 * frame, and the CPU raises #DF - which could not push a frame either, and
 * the machine would reset. So #DF is a task gate: the CPU switches to
 * df_tss with a stack of its own (df_stack), saving the faulting state in
 * kernel_tss. double_fault_task reads that state back and panics naming the
 * thread whose stack overflowed.
 */
#include "trap/trap.h"
#include "cpu/gdt.h"
#include "mm/kstack.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "debug/panic.h"
#include "proc/proc.h"

static uint8_t df_stack[PAGE_SIZE] __attribute__((aligned(16)));

/* The faulting thread's registers, as the task switch saved them. */
static struct trapframe double_fault_frame(void)
{
	const struct tss *t = &kernel_tss;

	return (struct trapframe){
		.eax = t->eax, .ebx = t->ebx, .ecx = t->ecx, .edx = t->edx,
		.esi = t->esi, .edi = t->edi, .ebp = t->ebp, .esp = t->esp,
		.eip = t->eip, .eflags = t->eflags,
		.cs = t->cs, .ds = t->ds, .es = t->es, .ss = t->ss, .fs = t->fs, .gs = t->gs,
		.vector = T_DOUBLE_FAULT,
	};
}

static void double_fault_task(void) __attribute__((noreturn));
static void double_fault_task(void)
{
	struct trapframe tf = double_fault_frame();
	/* The failed push was at esp - 4 or below: look a little under esp. */
	enum kstack_edge edge;
	struct proc *owner = trap_stack_owner(kstack_guard_slot(tf.esp - sizeof(uint32_t), &edge));

	if (owner && edge == KSTACK_BELOW_BOTTOM)
		panic_with_frame(&tf, "kernel stack overflow in pid %d (%s): esp 0x%08x ran into its guard page",
				 owner->pid, owner->name, tf.esp);
	if (owner)
		panic_with_frame(&tf, "kernel stack of pid %d (%s) used past its top: esp 0x%08x is in "
				 "the guard page above it", owner->pid, owner->name, tf.esp);
	panic_with_frame(&tf, "double fault in kernel at eip 0x%08x, esp 0x%08x", tf.eip, tf.esp);
}

void double_fault_init(void)
{
	gdt_init_double_fault_task((uint32_t)kernel_pgdir, (uint32_t)df_stack + sizeof(df_stack),
				   double_fault_task);
	trap_set_task_gate(T_DOUBLE_FAULT, DF_TSS_SEL);
}
