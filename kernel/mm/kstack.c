/*
 * kstack.c - mapping and unmapping kernel stacks in KSTACK_REGION, and
 * answering "is this address on a kernel stack, or on a guard page?" for
 * backtraces and fault reports.
 */
#include "mm/kstack.h"
#include "debug/backtrace.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/frame.h"
#include "debug/panic.h"



extern char boot_stack_guard[], boot_stack[], boot_stack_top[];

/* The lowest stack address of a slot (just above its guard page). */
static uint32_t kstack_bottom(int slot)
{
	return KSTACK_REGION + (uint32_t)slot * KSTACK_SLOT_SIZE + PAGE_SIZE;
}

uint32_t kstack_alloc(int slot)
{
	if (slot <= 0 || slot >= KSTACK_SLOTS)
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

/* Where in a guard page the two halves meet: a stack that overflows runs
 * into the top of its guard page, an access past a stack's top into the
 * bottom of the next slot's. */
#define KSTACK_GUARD_HALF (PAGE_SIZE / 2)

int kstack_guard_slot(uint32_t addr, enum kstack_edge *edge)
{
	*edge = KSTACK_BELOW_BOTTOM;
	if (addr >= (uint32_t)boot_stack_guard && addr < (uint32_t)boot_stack)
		return 0;
	if (addr < KSTACK_REGION || addr >= KSTACK_REGION_END)
		return -1;
	uint32_t offset = addr - KSTACK_REGION;
	int slot = (int)(offset / KSTACK_SLOT_SIZE);
	uint32_t into_guard = offset % KSTACK_SLOT_SIZE;

	if (into_guard >= PAGE_SIZE)
		return -1;              /* on a stack slot's pages, not its guard */
	/* Slot i's guard page is also the page just above slot i - 1's top:
	 * its lower half is what an access past that top reaches first. */
	if (into_guard < KSTACK_GUARD_HALF && slot > 1) {
		*edge = KSTACK_ABOVE_TOP;
		slot--;
	}
	return slot >= 1 && slot < KSTACK_SLOTS ? slot : -1;
}
