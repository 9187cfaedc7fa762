/*
 * panic.c - the kernel's last words: a reason, the registers, a backtrace,
 * then a shutdown with the failure code.
 *
 * Everything here runs with interrupts off and must not depend on the
 * scheduler, the allocator or a healthy stack chain: a panic can come from
 * anywhere. A fault inside a panic (say, a corrupt frame chain) does not
 * recurse: the nested panic prints its one line and stops.
 */
#include <stdarg.h>
#include "debug/panic.h"
#include "debug/backtrace.h"
#include "debug/ksym.h"
#include "console/console.h"
#include "cpu/power.h"
#include "cpu/x86.h"
#include "mm/kstack.h"
#include "proc/proc.h"
#include "trap/trap.h"

static int panicking;

static void panic_print_registers(const struct trapframe *tf)
{
	printf("  eax=%08x ebx=%08x ecx=%08x edx=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
	printf("  esi=%08x edi=%08x ebp=%08x esp=%08x\n", tf->esi, tf->edi, tf->ebp, tf->esp);
	printf("  eip=%08x eflags=%08x cs=%04x ds=%04x es=%04x ss=%04x\n",
	       tf->eip, tf->eflags, tf->cs & 0xFFFF, tf->ds & 0xFFFF, tf->es & 0xFFFF, tf->ss & 0xFFFF);
	printf("  cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

/* Print the reason; on a nested panic, stop right there. */
static void panic_begin(const char *fmt, va_list ap)
{
	cli();
	if (panicking++) {
		printf("panic (while panicking): ");
		vprintf(fmt, ap);
		printf("\n");
		shutdown(0);
	}
	printf("panic: ");
	vprintf(fmt, ap);
	printf("\n");
}

static void panic_finish(const struct trapframe *tf) __attribute__((noreturn));
static void panic_finish(const struct trapframe *tf)
{
	panic_print_registers(tf);
	backtrace_print(tf->eip, tf->ebp);
	shutdown(0);
}

/* tf with the stack pointer the interrupted code had, for the dump. */
static struct trapframe panic_complete_frame(const struct trapframe *tf)
{
	struct trapframe full = *tf;

	trapframe_fill_stack(&full, tf);
	return full;
}

void panic_with_frame(struct trapframe *tf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_begin(fmt, ap);
	va_end(ap);
	panic_finish(tf);
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
		struct proc *owner = kstack_guard_owner(addr, &edge);
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

/* Snapshot the registers as they are at the call site of panic(). The
 * caller-saved ones (eax, ecx, edx) may already have been changed by the
 * call itself; eip, esp and ebp are exactly the caller's. */
static void panic_capture(struct trapframe *tf, uint32_t caller_ebp, uint32_t caller_eip, uint32_t caller_esp)
{
	__asm__ volatile("movl %%eax, %0\n\t movl %%ebx, %1\n\t movl %%ecx, %2\n\t movl %%edx, %3\n\t"
			 "movl %%esi, %4\n\t movl %%edi, %5"
			 : "=m"(tf->eax), "=m"(tf->ebx), "=m"(tf->ecx), "=m"(tf->edx),
			   "=m"(tf->esi), "=m"(tf->edi));
	__asm__ volatile("movl %%cs, %0\n\t movl %%ds, %1\n\t movl %%es, %2\n\t movl %%ss, %3"
			 : "=r"(tf->cs), "=r"(tf->ds), "=r"(tf->es), "=r"(tf->ss));
	tf->eflags = read_eflags();
	tf->ebp = caller_ebp;
	tf->eip = caller_eip;
	tf->esp = caller_esp;
}

#define PANIC_FRAME_RECORD_SIZE (2 * sizeof(uint32_t))    /* saved ebp, return address */

void panic(const char *fmt, ...)
{
	struct trapframe tf;
	uint32_t frame = (uint32_t)__builtin_frame_address(0);
	va_list ap;

	/* Our frame record: [frame] = caller's ebp, [frame+4] = return address;
	 * the caller's esp was just above those two words. */
	panic_capture(&tf, *(uint32_t *)frame, (uint32_t)__builtin_return_address(0),
		      frame + PANIC_FRAME_RECORD_SIZE);
	va_start(ap, fmt);
	panic_begin(fmt, ap);
	va_end(ap);
	panic_finish(&tf);
}
