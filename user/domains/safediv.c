/*
 * safediv.c - a domain that handles its own faults (lab 7): it divides,
 * and a division by zero, a divide error, is answered by its own handler,
 * registered for itself on its first call, so the caller gets an answer,
 * never -E_DEAD.
 *
 * dom_main(badge, n, seed): n divisions x / d, x and d from xorshift32
 * seeded with seed (d = the second number's low 3 bits, so 0 one time in
 * eight). A division by zero saturates: quotient 0xffffffff. r0 the sum of
 * the quotients (mod 2^32), r1 the number of divide errors handled; r0
 * -E_xxx if the handler could not be set.
 */
#include "ulib.h"
#include "lab.h"

#define T_DIVIDE_ERROR 0
#define DIVL_ECX_BYTE0 0xf7             /* divl %ecx: f7 f1, two bytes */
#define DIVL_ECX_BYTE1 0xf1
#define DIVL_ECX_LENGTH 2
#define SATURATED 0xffffffffu

static int handler_set;
static uint32_t divide_errors;

/*
 * safediv's own divide-error handler: the faulting instruction (in this
 * domain: the handler reads it) must be safediv_divide's divl %ecx by
 * zero; then the quotient (%eax) becomes SATURATED, the remainder (%edx)
 * the faulting %eax (the dividend: safediv_divide zeroed %edx), and eip
 * moves past the divl. Anything else is FAULT_KILL.
 */
#if LAB_SOLUTION(7)
static int safediv_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	if (vector != T_DIVIDE_ERROR || fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	const uint8_t *insn = (const uint8_t *)r.eip;
	if (insn[0] != DIVL_ECX_BYTE0 || insn[1] != DIVL_ECX_BYTE1 || r.ecx != 0)
		return FAULT_KILL;
	r.edx = r.eax;
	r.eax = SATURATED;
	r.eip += DIVL_ECX_LENGTH;
	divide_errors++;
	return fault_regs_resume(&r);
}
#else
static int safediv_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	printf("safediv: safediv_on_fault: not implemented (lab 7)\n");
	return FAULT_KILL;
}
#endif

static uint32_t safediv_divide(uint32_t x, uint32_t d)
{
	uint32_t q;
	asm volatile("xorl %%edx, %%edx\n\tdivl %%ecx" : "=a"(q) : "a"(x), "c"(d) : "edx", "memory");
	return q;
}

uint64_t dom_main(uint32_t badge, uint32_t n, uint32_t seed)
{
	uint32_t x = seed, sum = 0;

	if (!handler_set) {
		int err = fault_handler_set(safediv_on_fault, FAULT_VECTOR_BIT(T_DIVIDE_ERROR));
		if (err < 0)
			return dom_reply((uint32_t)err, 0);
		handler_set = 1;
	}
	uint32_t before = divide_errors;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t dividend = xorshift32(&x), divisor = xorshift32(&x) & 7;
		sum += safediv_divide(dividend, divisor);
	}
	return dom_reply(sum, divide_errors - before);
}
