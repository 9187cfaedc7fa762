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

void frame_init(const struct multiboot_info *mbi);
/* A free frame, or 0 when memory is exhausted. Contents undefined. */
uint32_t frame_alloc(void);
/* A free frame filled with zeros, or 0. */
uint32_t frame_alloc_zeroed(void);
void frame_free(uint32_t frame);
/* How many frames are free now. */
uint32_t frame_free_count(void);
/* One past the highest physical address the allocator manages. */
uint32_t frame_phys_top(void);

#endif
