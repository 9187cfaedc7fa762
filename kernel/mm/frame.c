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
 *
 * Mistakes with frames are caught where they happen, not later:
 *   - a bitmap says which frames are on the free list, so freeing one
 *     that is already free panics at once, naming the frame and the code
 *     that freed it first (kept in the free frame itself);
 *   - with poisoning on (the default; boot key poison=0 turns it off, see
 *     frame_set_poisoning), a freed frame is filled with FRAME_POISON_BYTE,
 *     so that a use after free reads junk that faults as a pointer, and the
 *     fill is checked when the frame is handed out again, so that a write
 *     after free panics, naming the frame.
 */
#include "mm/frame.h"
#include "mm/layout.h"
#include "cpu/multiboot.h"
#include "debug/ksym.h"
#include "debug/panic.h"
#include "cpu/x86.h"
#include "format.h"
#include "string.h"

extern char kernel_end[];

/* A frame on the free list. The rest of it holds the poison (if on). */
struct free_frame {
	struct free_frame *next;
	uint32_t freed_by;              /* the return address of its frame_free */
};

#define FRAME_POISON_WORD  (FRAME_POISON_BYTE * 0x01010101u)
#define FRAME_HEADER_WORDS (sizeof(struct free_frame) / sizeof(uint32_t))
#define FRAME_WORDS        (PAGE_SIZE / sizeof(uint32_t))
/* Frames the allocator can manage at most: all of [1 MiB, PHYS_MAP_LIMIT). */
#define FRAME_MAX          ((PHYS_MAP_LIMIT - KERNEL_LOAD_ADDR) / PAGE_SIZE)
#define BITS_PER_WORD      32u
#define FRAME_CODE_NAME_MAX 64   /* "function+0xoffset" in a panic message */

static uint32_t frontier;         /* first never-allocated frame */
static uint32_t region_start, region_end;
static struct free_frame *freelist;
static uint32_t freelist_length;
/* The fewest frames free at once since frame_low_water_reset (or boot). */
static uint32_t lowest_free;
static int poisoning = 1;
/* Bit i: frame region_start + i * PAGE_SIZE is on the free list. */
static uint32_t free_bitmap[FRAME_MAX / BITS_PER_WORD];

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
		frame_consider_region(KERNEL_LOAD_ADDR, (uint64_t)mbi->mem_upper * MULTIBOOT_MEM_UNIT);
	}
	if (region_end == 0)
		panic("frame_init: no usable memory above the kernel");
	frontier = region_start;
	lowest_free = frame_free_count();
}

void frame_set_poisoning(int on)
{
	poisoning = on;
}

/* Where frame's bit is in free_bitmap. */
static uint32_t *frame_bit_word(uint32_t frame, uint32_t *mask)
{
	uint32_t i = (frame - region_start) / PAGE_SIZE;

	*mask = 1u << (i % BITS_PER_WORD);
	return &free_bitmap[i / BITS_PER_WORD];
}

/* "FUNCTION+0xOFF" for a kernel text address (the raw address if it is
 * not text), in buf: who freed a frame, for a panic message. */
static const char *frame_code_name(uint32_t addr, char *buf, uint32_t size)
{
	uint32_t offset;
	const char *fn = ksym_lookup(addr, &offset);

	if (fn)
		snprintf(buf, size, "%s+0x%x", fn, offset);
	else
		snprintf(buf, size, "0x%08x", addr);
	return buf;
}

/* The poison of a frame taken off the free list must be whole: if not,
 * someone wrote to it after freeing it. */
/* The index of the first of n words at w that is not value, or n: one
 * `repe scasl`, a single instruction a word (a C loop takes five, and this
 * runs for every reused frame). */
static uint32_t words_first_not(const uint32_t *w, uint32_t value, uint32_t n)
{
	uint32_t left = n;

	if (n == 0)
		return 0;
	/* The direction flag is clear, as the ABI requires (lib/string.c). */
	__asm__ volatile("repe scasl" : "+D"(w), "+c"(left) : "a"(value) : "cc", "memory");
	/* Stopped on a mismatch (then w is one past it), or ran out. */
	return w[-1] != value ? n - left - 1 : n;
}

static void frame_check_poison(const struct free_frame *f)
{
	const uint32_t *word = (const uint32_t *)f;
	char freer[FRAME_CODE_NAME_MAX];
	uint32_t i = FRAME_HEADER_WORDS +
		     words_first_not(word + FRAME_HEADER_WORDS, FRAME_POISON_WORD,
				     FRAME_WORDS - FRAME_HEADER_WORDS);

	if (i < FRAME_WORDS)
		panic("frame_alloc: frame 0x%08x was written after it was freed (by %s): "
		      "word %u is 0x%08x, not the poison 0x%08x", (uint32_t)f,
		      frame_code_name(f->freed_by, freer, sizeof(freer)), i, word[i],
		      FRAME_POISON_WORD);
}

uint32_t frame_alloc(void)
{
	uint32_t flags = irq_save();
	struct free_frame *reused = freelist;
	uint32_t frame = 0, mask;

	if (reused) {
		freelist = reused->next;
		freelist_length--;
		*frame_bit_word((uint32_t)reused, &mask) &= ~mask;
		frame = (uint32_t)reused;
	} else if (frontier < region_end) {
		frame = frontier;       /* never used: nothing to check */
		frontier += PAGE_SIZE;
	}
	if (frame_free_count() < lowest_free)
		lowest_free = frame_free_count();
	irq_restore(flags);
	/* The frame is ours now: check it outside the section. */
	if (reused && poisoning)
		frame_check_poison(reused);
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
	uint32_t freed_by = (uint32_t)__builtin_return_address(0), mask;
	struct free_frame *f = (struct free_frame *)frame;

	if (frame % PAGE_SIZE || frame < region_start || frame >= frontier)
		panic("frame_free: 0x%08x is not an allocated frame", frame);
	uint32_t flags = irq_save();
	uint32_t *bits = frame_bit_word(frame, &mask);
	if (*bits & mask) {
		char freer[FRAME_CODE_NAME_MAX];
		panic("frame_free: double free of frame 0x%08x (first freed by %s)", frame,
		      frame_code_name(f->freed_by, freer, sizeof(freer)));
	}
	*bits |= mask;
	irq_restore(flags);
	/* Ours until it is on the list: poison it outside the section. */
	if (poisoning)
		memset(f, FRAME_POISON_BYTE, PAGE_SIZE);
	f->freed_by = freed_by;
	flags = irq_save();
	f->next = freelist;
	freelist = f;
	freelist_length++;
	irq_restore(flags);
}

uint32_t frame_free_count(void)
{
	return (region_end - frontier) / PAGE_SIZE + freelist_length;
}

void frame_low_water_reset(void)
{
	uint32_t flags = irq_save();

	lowest_free = frame_free_count();
	irq_restore(flags);
}

uint32_t frame_low_water(void)
{
	return lowest_free;
}

uint32_t frame_phys_top(void)
{
	return region_end;
}
