/*
 * frame.h - the physical frame allocator: 4 KiB frames of RAM.
 *
 * Frames are named by their physical address, which is also their kernel
 * virtual address (the direct map, see layout.h).
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdint.h>

struct multiboot_info;

/* What a freed frame is filled with while poisoning is on: every word of
 * it, 0xEEEEEEEE, is above USER_TOP, so as a pointer it faults in every
 * address space. */
#define FRAME_POISON_BYTE 0xEEu

void frame_init(const struct multiboot_info *mbi);
/* Poison freed frames and check the poison when they are handed out again
 * (on from boot; kmain sets it from the boot key poison=, before any frame
 * is freed). Off, only double frees are still caught. */
void frame_set_poisoning(int on);
/* A free frame, or 0 when memory is exhausted. Contents undefined (the
 * poison, when it was freed with poisoning on). Panics if a frame taken
 * from the free list was written after it was freed. */
uint32_t frame_alloc(void);
/* A free frame filled with zeros, or 0. */
uint32_t frame_alloc_zeroed(void);
/* Give a frame back. Panics, naming it and the code that freed it first,
 * if it is already free. */
void frame_free(uint32_t frame);
/* How many frames are free now. */
uint32_t frame_free_count(void);
/* The low-water mark: the fewest frames that were free at any moment since
 * the last frame_low_water_reset (or since boot). With it, a leak check
 * that finds the count back at its baseline also shows that the count
 * moved meanwhile, i.e. that the frames it compares were really counted. */
void frame_low_water_reset(void);
uint32_t frame_low_water(void);
/* One past the highest physical address the allocator manages. */
uint32_t frame_phys_top(void);

#endif
