/*
 * highheap.c - lab 5's test of sbrk's limit (grader/test_lab5_memory.py).
 *
 *   highheap EXTRA
 *
 * Its one page of .highbss is linked 3 pages below the heap's limit
 * (user/user.ld), so its heap starts 2 pages below it, where a grow can
 * reach the limit in a few frames (from an ordinary program's heap the
 * limit is 2 GiB away). The heap grows to exactly UABI_HEAP_LIMIT, whose
 * last byte takes a write, and then EXTRA bytes (1 to 3 pages) more must
 * be refused with -E_NOMEM: that would be the exception stack's guard
 * page, the exception stack (lab 7) or the stack's guard page.
 */
#include "ulib.h"

#define PAGE 4096u
#define HEAP_ROOM (2 * PAGE)          /* from the start of the heap to the limit */

static char high_page[PAGE] __attribute__((section(".highbss"), used));

int main(int argc, char **argv)
{
	unsigned int extra = 1;
	if (argc < 2 || parse_uint(argv[1], &extra) < 0 || extra == 0) {
		printf("usage: highheap EXTRA (bytes past the heap's limit, at least 1)\n");
		return 2;
	}
	int base = sbrk(0);
	if (base != (int)(UABI_HEAP_LIMIT - HEAP_ROOM)) {
		printf("highheap: FAILED: the heap starts at 0x%08x, not 0x%08x (2 pages below "
		       "the heap's limit, after .highbss)\n", base, UABI_HEAP_LIMIT - HEAP_ROOM);
		return 1;
	}
	int r = sbrk((int)HEAP_ROOM);
	if (r != base) {
		printf("highheap: FAILED: sbrk(%u), a grow to exactly the heap's limit 0x%08x, "
		       "returned %d (%s), expected the old break 0x%08x\n", HEAP_ROOM,
		       UABI_HEAP_LIMIT, r, strerror(r), base);
		return 1;
	}
	*(volatile char *)(UABI_HEAP_LIMIT - 1) = 1;
	r = sbrk((int)extra);
	if (r != -E_NOMEM) {
		printf("highheap: FAILED: sbrk(%u) at the heap's limit 0x%08x returned %d (%s), "
		       "expected -E_NOMEM: the heap may not grow over the exception stack's guard "
		       "page, the exception stack or the stack's guard page (USER_HEAP_LIMIT, not "
		       "USER_STACK_GUARD)\n", extra, UABI_HEAP_LIMIT, r, r < 0 ? strerror(r) : "a break");
		return 1;
	}
	if (sbrk(0) != (int)UABI_HEAP_LIMIT) {
		printf("highheap: FAILED: a refused grow moved the break to 0x%08x\n", sbrk(0));
		return 1;
	}
	printf("highheap: grew to the heap's limit 0x%08x; %u bytes more refused\n",
	       UABI_HEAP_LIMIT, extra);
	(void)high_page;
	return 0;
}
