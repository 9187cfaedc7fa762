/*
 * kstack.c - mapping and unmapping kernel stacks in KSTACK_REGION, and
 * answering "is this address on a kernel stack, or on a guard page?" for
 * backtraces and fault reports.
 */
#include "mm/kstack.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/frame.h"
#include "proc/proc.h"
#include "debug/panic.h"

#define KSTACK_SLOTS ((KSTACK_REGION_END - KSTACK_REGION) / KSTACK_SLOT_SIZE)

_Static_assert(NPROC <= KSTACK_SLOTS, "kernel stack region too small for NPROC");

extern char boot_stack_guard[], boot_stack[], boot_stack_top[];

/* The lowest stack address of a slot (just above its guard page). */
static uint32_t kstack_bottom(int slot)
{
	return KSTACK_REGION + (uint32_t)slot * KSTACK_SLOT_SIZE + PAGE_SIZE;
}

uint32_t kstack_alloc(int slot)
{
	if (slot <= 0 || slot >= NPROC)
		panic("kstack_alloc: slot %d out of range", slot);
	for (uint32_t i = 0; i < KSTACK_PAGES; i++) {
		uint32_t frame = frame_alloc();
		if (!frame || paging_map(kernel_pgdir, kstack_bottom(slot) + i * PAGE_SIZE, frame, PTE_W) < 0) {
			if (frame)
				frame_free(frame);
			kstack_free(slot);
			return 0;
		}
	}
	return kstack_bottom(slot) + KSTACK_SIZE;
}

void kstack_free(int slot)
{
	for (uint32_t i = 0; i < KSTACK_PAGES; i++) {
		uint32_t frame = paging_unmap(kernel_pgdir, kstack_bottom(slot) + i * PAGE_SIZE);
		if (frame)
			frame_free(frame);
	}
}

int kstack_contains(uint32_t addr, uint32_t len)
{
	uint32_t end = addr + len;

	if (end < addr)
		return 0;
	if (addr >= (uint32_t)boot_stack && end <= (uint32_t)boot_stack_top)
		return 1;
	if (addr < KSTACK_REGION || end > KSTACK_REGION_END)
		return 0;
	/* Both ends mapped: a record never straddles more than two pages. */
	return paging_is_mapped(kernel_pgdir, addr) && paging_is_mapped(kernel_pgdir, end - 1);
}

/*
 * Slot s's guard page lies between two stacks: below slot s's and just
 * above the top of slot s - 1's. A stack grows down, so its overflow
 * faults in the upper part of the guard page below it, within a frame of
 * its bottom; an access past the top of slot s - 1's stack faults in the
 * lower part, within a few words of that top. Half a page is far more than
 * any kernel frame, so the half of the page tells the two apart. Slot 0 of
 * the region has no stack (the boot thread runs on boot_stack), so all of
 * slot 1's guard page is slot 1's.
 */
#define KSTACK_GUARD_HALF (PAGE_SIZE / 2)

struct proc *kstack_guard_owner(uint32_t addr, enum kstack_edge *edge)
{
	*edge = KSTACK_BELOW_BOTTOM;
	if (addr >= (uint32_t)boot_stack_guard && addr < (uint32_t)boot_stack)
		return &proc_table[0];
	if (addr < KSTACK_REGION || addr >= KSTACK_REGION_END)
		return 0;
	uint32_t offset = addr - KSTACK_REGION;
	uint32_t slot = offset / KSTACK_SLOT_SIZE;
	uint32_t into_guard = offset % KSTACK_SLOT_SIZE;

	if (into_guard >= PAGE_SIZE)
		return 0;               /* on a stack slot's pages, not its guard */
	if (into_guard < KSTACK_GUARD_HALF && slot > 1) {
		*edge = KSTACK_ABOVE_TOP;
		slot--;
	}
	if (slot < 1 || slot >= NPROC || proc_table[slot].state == PROC_UNUSED)
		return 0;
	return &proc_table[slot];
}
