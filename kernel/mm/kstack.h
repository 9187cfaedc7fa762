/*
 * kstack.h - kernel stacks with guard pages.
 *
 * Process table entry i (i > 0) has stack slot i in KSTACK_REGION: an
 * unmapped guard page, then KSTACK_PAGES mapped pages. Entry 0, the boot
 * thread, runs on boot_stack (entry.S), which has a guard page too. A push
 * past the bottom of any of them faults on the guard page, and the double
 * fault handler reports "kernel stack overflow" with the owner's name.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <stdint.h>
#include "mm/layout.h"

/* Map slot's stack pages; returns the stack top (initial esp) or 0 when
 * out of memory. */
uint32_t kstack_alloc(int slot);
void kstack_free(int slot);
/* Stacks the region holds: one per process table slot (proc.c checks
 * that NPROC fits). */
#define KSTACK_SLOTS ((int)((KSTACK_REGION_END - KSTACK_REGION) / KSTACK_SLOT_SIZE))

/* kstack_contains(addr, len), whether a range lies on a kernel stack, is
 * declared in debug/backtrace.h, whose walker needs it. */
/* Which end of its kernel stack an access on a guard page ran off. */
enum kstack_edge {
	KSTACK_BELOW_BOTTOM,    /* an overflow: the stack grew into the guard below it */
	KSTACK_ABOVE_TOP,       /* at or past the stack's top: a frame built too high, a pop too many */
};
/* The slot (process table index) whose kernel stack an access at addr ran
 * off, if addr lies on a guard page (*edge says which end): 0 for the boot
 * stack, -1 for an address on no guard page. The guard page of slot i also
 * lies just above the top of slot i - 1's stack: its lower half counts as
 * slot i - 1's top, its upper half as slot i's bottom. */
int kstack_guard_slot(uint32_t addr, enum kstack_edge *edge);

#endif
