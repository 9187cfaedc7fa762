/*
 * frame.c - physical frames, handed out without touching them at boot.
 *
 * The usable RAM is the largest available region of the multiboot memory
 * map above the kernel image, capped at PHYS_MAP_LIMIT. Frames never used
 * yet are taken from the bottom of that region by moving `frontier` up;
 * frames given back go on a free list threaded through the frames
 * themselves. So initialisation costs nothing per frame (the boot
 * instruction budget matters), yet the free count stays exact:
 *     free = (region_end - frontier) / PAGE_SIZE + freelist_length
 */
#include "mm/frame.h"
#include "mm/layout.h"
#include "boot/multiboot.h"
#include "debug/panic.h"
#include "cpu/x86.h"
#include "string.h"

extern char kernel_end[];

struct free_frame {
	struct free_frame *next;
};

static uint32_t frontier;         /* first never-allocated frame */
static uint32_t region_start, region_end;
static struct free_frame *freelist;
static uint32_t freelist_length;

/* Clip the map entry to [kernel_end, PHYS_MAP_LIMIT) and keep it if it is
 * the largest seen so far. */
static void frame_consider_region(uint64_t addr, uint64_t len)
{
	uint64_t start = addr, end = addr + len;

	if (start < (uint32_t)kernel_end)
		start = (uint32_t)kernel_end;
	if (end > PHYS_MAP_LIMIT)
		end = PHYS_MAP_LIMIT;
	start = PAGE_ROUND_UP(start);
	end = PAGE_ROUND_DOWN(end);
	if (end > start && end - start > region_end - region_start) {
		region_start = (uint32_t)start;
		region_end = (uint32_t)end;
	}
}

void frame_init(const struct multiboot_info *mbi)
{
	if (mbi->flags & MULTIBOOT_INFO_MMAP) {
		uint32_t p = mbi->mmap_addr;
		while (p < mbi->mmap_addr + mbi->mmap_length) {
			const struct multiboot_mmap_entry *e = (const void *)p;
			if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
				frame_consider_region(e->addr, e->len);
			p += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		frame_consider_region(KERNEL_LOAD_ADDR, (uint64_t)mbi->mem_upper * 1024);
	}
	if (region_end == 0)
		panic("frame_init: no usable memory above the kernel");
	frontier = region_start;
}

uint32_t frame_alloc(void)
{
	uint32_t flags = irq_save();
	uint32_t frame = 0;

	if (freelist) {
		frame = (uint32_t)freelist;
		freelist = freelist->next;
		freelist_length--;
	} else if (frontier < region_end) {
		frame = frontier;
		frontier += PAGE_SIZE;
	}
	irq_restore(flags);
	return frame;
}

uint32_t frame_alloc_zeroed(void)
{
	uint32_t frame = frame_alloc();
	if (frame)
		memset((void *)frame, 0, PAGE_SIZE);
	return frame;
}

void frame_free(uint32_t frame)
{
	if (frame % PAGE_SIZE || frame < region_start || frame >= frontier)
		panic("frame_free: 0x%08x is not an allocated frame", frame);
	uint32_t flags = irq_save();
	struct free_frame *f = (struct free_frame *)frame;
	f->next = freelist;
	freelist = f;
	freelist_length++;
	irq_restore(flags);
}

uint32_t frame_free_count(void)
{
	return (region_end - frontier) / PAGE_SIZE + freelist_length;
}

uint32_t frame_phys_top(void)
{
	return region_end;
}
