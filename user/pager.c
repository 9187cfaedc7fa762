/*
 * pager.c - a pager in user space (lab 7): `pager LIMIT...` creates the
 * sieve domain (user/domains/sieve.c), whose working memory is not in its
 * image, and handles its page faults: each first touch of a page in the
 * sieve's region is mapped with dom_map, as a zeroed writable page, and
 * counted. For each LIMIT it asks the sieve for the primes below it and
 * prints
 *     pager: primes below LIMIT: COUNT, sum SUM, PAGES page faults
 * where PAGES is the number of pages of the region that call touched for
 * the first time: the grader recomputes all three.
 */
#include "ulib.h"
#include "lab.h"
#include "domains/sieve.h"

#define T_PAGE_FAULT 14
#define PF_PRESENT 0x1          /* the error code's bit: the page was present (a protection fault) */

static int sieve_cap = -1, sieve_id = -1;
static unsigned int page_faults;

/*
 * The sieve's page fault handler: a fault of the sieve on a page of its
 * region that is not mapped yet gets that page (dom_map into the sieve,
 * writable) and is resumed, to run the faulting instruction again; it
 * counts in page_faults. Any other fault is not the pager's to answer:
 * FAULT_PASS (with no handler above, the sieve dies with the usual line).
 */
#if LAB_SOLUTION(7)
static int pager_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	if (vector != T_PAGE_FAULT || dom != sieve_id || (error & PF_PRESENT) ||
	    addr < SIEVE_BASE || addr >= SIEVE_BASE + SIEVE_MAX_LIMIT)
		return FAULT_PASS;
	int err = dom_map(sieve_cap, addr & ~(SIEVE_PAGE - 1), DOM_MAP_WRITE);
	if (err < 0) {
		printf("pager: dom_map(0x%08x) failed: %s\n", addr & ~(SIEVE_PAGE - 1), strerror(err));
		return FAULT_KILL;
	}
	page_faults++;
	return FAULT_RESUME;
}
#else
static int pager_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	printf("pager: pager_on_fault: not implemented (lab 7)\n");
	return FAULT_KILL;
}
#endif

int main(int argc, char **argv)
{
	struct cap_info info;

	if (argc < 2)
		die("usage: pager LIMIT...");
	if ((sieve_cap = dom_create("sieve", 0)) < 0)
		die("dom_create(\"sieve\"): %s", strerror(sieve_cap));
	if (cap_info(sieve_cap, &info) < 0)
		die("cap_info");
	sieve_id = info.object;
	int err = fault_handler_set(pager_on_fault, FAULT_VECTOR_BIT(T_PAGE_FAULT));
	if (err < 0)
		die("fault_handler_set: %s", strerror(err));
	for (int i = 1; i < argc; i++) {
		unsigned int limit, before = page_faults;
		if (parse_uint(argv[i], &limit) < 0)
			die("%s is not a number", argv[i]);
		uint64_t r = dom_call(sieve_cap, limit, 0, 0, 0);
		if (dom_r0(r) < 0)
			die("the sieve below %u: %s", limit, strerror(dom_r0(r)));
		printf("pager: primes below %u: %d, sum %u, %u page faults\n", limit, dom_r0(r), dom_r1(r),
		       page_faults - before);
	}
	err = dom_destroy(sieve_cap);
	if (err < 0)
		die("dom_destroy: %s", strerror(err));
	printf("pager: done\n");
	return 0;
}
