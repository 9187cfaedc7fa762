/*
 * faulttests.c - lab 7's tests of exception-handler domains, run as
 * `init=faulttests PART N...` (grader/test_lab7_faults.py).
 */
#include "ulib.h"
#include "domains/testsrv.h"

static volatile uint32_t divisor;
static uint32_t seed;
static int mcap;

static int on_divide(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	printf("faulttests: handler: vector %u addr 0x%x error %u dom %d\n", vector, addr, error, dom);
	divisor = seed;
	return FAULT_RESUME;
}

static int on_ud(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;
	int e = fault_regs(FAULT_REGS_GET, &r);
	printf("faulttests: ud handler: get %d eip 0x%x eax 0x%x\n", e, r.eip, r.eax);
	r.eax = seed;
	r.eip += 2;
	e = fault_regs(FAULT_REGS_SET, &r);
	printf("faulttests: set %d\n", e);
	return FAULT_RESUME;
}

static int on_pf(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	int e = dom_map(mcap, addr & ~0xfffu, DOM_MAP_WRITE);
	printf("faulttests: pager: addr 0x%x dom %d map %d\n", addr, dom, e);
	return FAULT_RESUME;
}

int main(int argc, char **argv)
{
	seed = argc > 2 ? (uint32_t)atoi(argv[2]) : 7;
	if (argc > 1 && strcmp(argv[1], "div") == 0) {
		printf("faulttests: set %d\n", fault_handler_set(on_divide, FAULT_VECTOR_BIT(0)));
		uint32_t q;
		__asm__ volatile("xorl %%edx, %%edx; divl %1" : "=a"(q) : "m"(divisor), "a"(1000u) : "edx");
		printf("faulttests: div: 1000 / %u = %u\n", divisor, q);
	} else if (argc > 1 && strcmp(argv[1], "ud") == 0) {
		printf("faulttests: set %d\n", fault_handler_set(on_ud, FAULT_VECTOR_BIT(6)));
		uint32_t v;
		__asm__ volatile("movl $5, %%eax; ud2" : "=a"(v));
		printf("faulttests: ud: eax %u\n", v);
	} else if (argc > 1 && strcmp(argv[1], "pager") == 0) {
		mcap = dom_create("testsrv", 0);
		printf("faulttests: set %d\n", fault_handler_set(on_pf, FAULT_VECTOR_BIT(14)));
		uint64_t r = dom_call(mcap, TESTSRV_TOUCH, 0x50000010, seed, 0);
		printf("faulttests: pager: r0 %d\n", dom_r0(r));
		r = dom_call(mcap, TESTSRV_TOUCH, 0x50003010, seed, 0);
		printf("faulttests: pager: r0 %d\n", dom_r0(r));
	} else if (argc > 1 && strcmp(argv[1], "loop") == 0) {
		printf("faulttests: set %d\n", fault_handler_set(on_divide, FAULT_VECTOR_BIT(0)));
		seed = 0;
		uint32_t q;
		__asm__ volatile("xorl %%edx, %%edx; divl %1" : "=a"(q) : "m"(divisor), "a"(1000u) : "edx");
		printf("faulttests: loop: survived?\n");
	}
	return 0;
}
