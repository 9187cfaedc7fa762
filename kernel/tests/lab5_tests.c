/*
 * lab5_tests.c - kernel tests for the memory that lab 5 builds on: the
 * frame allocator's checks (double free, poison) and where paging_walk may
 * make page tables. They call the kernel's own functions with addresses
 * and frames that follow from seed=, so the grader can tell an answer
 * computed now from one printed from memory.
 */
#include <stdint.h>
#include "boot/ktest.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/vm.h"
#include "string.h"

#define DOUBLEFREE_MAX_FRAMES 5
#define FRAME_WORDS           (PAGE_SIZE / sizeof(uint32_t))
#define POISON_HEADER_WORDS   2    /* the free list's link and the freer */
#define POISON_WORD           (FRAME_POISON_BYTE * 0x01010101u)

/* The first free of the victim, from a function of its own, so that the
 * panic can be checked to name it. */
static void doublefree_release(uint32_t frame) __attribute__((noinline));
static void doublefree_release(uint32_t frame)
{
	frame_free(frame);
	__asm__ volatile("" ::: "memory");      /* keep the call a call */
}

KTEST(doublefree, "freeing a frame twice panics, naming it and its first free")
{
	uint32_t frames[DOUBLEFREE_MAX_FRAMES];
	unsigned int state = boot_config.seed;
	int n = 1 + (int)(ktest_random(&state) % DOUBLEFREE_MAX_FRAMES);
	int victim = (int)(ktest_random(&state) % (unsigned int)n);

	for (int i = 0; i < n; i++)
		if (!(frames[i] = frame_alloc()))
			ktest_fail("frame_alloc returned 0");
	for (int i = 0; i < n; i++)
		doublefree_release(frames[i]);
	printf("doublefree: %d frames freed; freeing frame 0x%08x (number %d) again\n", n,
	       frames[victim], victim);
	frame_free(frames[victim]);
	ktest_fail("the second frame_free of 0x%08x returned", frames[victim]);
}

/* Words of frame, after its free list header, that hold the poison. */
static uint32_t poison_words(const uint32_t *frame)
{
	uint32_t n = 0;

	for (uint32_t i = POISON_HEADER_WORDS; i < FRAME_WORDS; i++)
		n += frame[i] == POISON_WORD;
	return n;
}

/* With argument "write", also writes to the frame after freeing it. */
KTEST(poison, "freed frames hold poison; with 'write', a write after free panics")
{
	unsigned int state = boot_config.seed;
	int write_after_free = boot_config.argc > 1 && strcmp(boot_config.argv[1], "write") == 0;
	uint32_t *frame = (uint32_t *)frame_alloc();

	if (!frame)
		ktest_fail("frame_alloc returned 0");
	for (uint32_t i = 0; i < FRAME_WORDS; i++)
		frame[i] = ktest_random(&state);
	frame_free((uint32_t)frame);
	printf("poison: frame 0x%08x after frame_free: %u of %u words hold 0x%08x\n",
	       (uint32_t)frame, poison_words(frame), (uint32_t)(FRAME_WORDS - POISON_HEADER_WORDS),
	       POISON_WORD);
	if (write_after_free) {
		uint32_t word = POISON_HEADER_WORDS +
				ktest_random(&state) % (FRAME_WORDS - POISON_HEADER_WORDS);
		uint32_t value = ktest_random(&state) | 1;  /* never the poison */
		if (value == POISON_WORD)
			value ^= 2;
		frame[word] = value;
		printf("poison: wrote 0x%08x to word %u of the freed frame\n", value, word);
	}
	uint32_t again = frame_alloc();
	printf("poison: frame_alloc gave 0x%08x %s\n", again,
	       again == (uint32_t)frame ? "(the same frame) without complaint" : "(another frame)");
	if (again)
		frame_free(again);
}

/* Whether paging_walk(pgdir, va, create) gives an entry, and how many
 * frames that took. */
static void walk_report(uint32_t *pgdir, uint32_t va)
{
	uint32_t before = frame_free_count();
	uint32_t *pte = paging_walk(pgdir, va, 1);

	printf("walk: 0x%08x %s, %u frames taken\n", va, pte ? "mapped a table" : "refused",
	       before - frame_free_count());
}

KTEST(walk, "paging_walk(create) makes page tables only inside user space")
{
	unsigned int state = boot_config.seed;
	uint32_t free_before = frame_free_count();
	uint32_t *pgdir = vm_create();
	uint32_t user_span = (USER_TOP - USER_BASE) / PAGE_SIZE;
	uint32_t above_span = (0u - USER_TOP) / PAGE_SIZE;

	if (!pgdir)
		ktest_fail("vm_create returned 0");
	walk_report(pgdir, USER_BASE + (ktest_random(&state) % user_span) * PAGE_SIZE);
	walk_report(pgdir, USER_TOP - PAGE_SIZE);
	walk_report(pgdir, USER_TOP);
	walk_report(pgdir, USER_TOP + (ktest_random(&state) % above_span) * PAGE_SIZE);
	walk_report(pgdir, 0xFFFFF000u);
	vm_free(pgdir);
	uint32_t lost = free_before - frame_free_count();
	printf("walk: after vm_free, %u frames not given back\n", lost);
}
