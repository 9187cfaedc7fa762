/*
 * kstack.h - kernel stacks with guard pages.
 *
 * Process table entry i (i > 0) has stack slot i in KSTACK_REGION: an
 * unmapped guard page, then KSTACK_PAGES mapped pages. Entry 0, the boot
 * thread, runs on boot_stack (entry.S), which has a guard page too. A push
 * past the bottom of any of them faults on the guard page, and the double
 * fault handler reports "kernel stack overflow" with the owner's name. The
 * guard page of slot i also lies just above the top of slot i - 1's stack,
 * so an access past that top faults too, and is reported as slot i - 1's.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <stdint.h>

/* Map slot's stack pages; returns the stack top (initial esp) or 0 when
 * out of memory. */
uint32_t kstack_alloc(int slot);
void kstack_free(int slot);
/* Whether [addr, addr + len) lies on a kernel stack (mapped). */
int kstack_contains(uint32_t addr, uint32_t len);
struct proc;
/* Which end of its kernel stack an access on a guard page ran off. */
enum kstack_edge {
	KSTACK_BELOW_BOTTOM,    /* an overflow: the stack grew into the guard below it */
	KSTACK_ABOVE_TOP,       /* at or past the stack's top: a frame built too high, a pop too many */
};
/* The thread whose kernel stack an access at addr ran off, if addr lies on
 * a guard page (and *edge says which end), or 0. */
struct proc *kstack_guard_owner(uint32_t addr, enum kstack_edge *edge);

#endif
