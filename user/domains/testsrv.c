/*
 * testsrv.c - the domain that lab 6's tests (user/domtests.c) call. a0
 * names what to do (TESTSRV_xxx, testsrv.h), a1..a3 are its arguments;
 * each answer is computed from the arguments, so the caller can check it.
 */
#include "ulib.h"
#include "testsrv.h"

/* A chain of calls: slot 1 of this domain names the next one (the test
 * grants it); depth more calls from here, each one level deeper. */
static uint64_t testsrv_nest(uint32_t depth, uint32_t tag)
{
	if (depth == 0)
		return dom_reply(0, tag);
	uint64_t r = dom_call(TESTSRV_NEXT_SLOT, TESTSRV_NEST, depth - 1, tag + 1, 0);
	if (dom_r0(r) < 0)
		return r;
	return dom_reply((uint32_t)dom_r0(r) + 1, dom_r1(r));
}

/* Spin for n steps of xorshift: preemption inside a callee. */
static uint64_t testsrv_spin(uint32_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 1;
	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	return dom_reply(x, n);
}

/* Every register junk, then dom_return by hand: the caller must get r0
 * and r1 and nothing else of this. */
static void __attribute__((noreturn)) testsrv_trash(uint32_t r0, uint32_t r1)
{
	asm volatile("movl %0, %%ecx\n\t"
		     "movl %1, %%edx\n\t"
		     "xorl %%eax, %%eax\n\t"
		     "movw %%ax, %%ds\n\t"        /* null data segments too */
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%fs\n\t"
		     "movw %%ax, %%gs\n\t"
		     "movl $0xdead0001, %%eax\n\t"
		     "movl $0xdead0002, %%ebx\n\t"
		     "movl $0xdead0003, %%esi\n\t"
		     "movl $0xdead0004, %%edi\n\t"
		     "movl $0xdead0005, %%ebp\n\t"
		     "movl $0xdead0006, %%esp\n\t"
		     "int $50\n\t"              /* dom_return(r0, r1) */
		     : : "r"(r0), "r"(r1));
	__builtin_unreachable();
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	switch (op) {
	case TESTSRV_ECHO:
		return dom_reply(testsrv_echo_r0(badge, a1, a2, a3), testsrv_echo_r1(badge, a1, a2, a3));
	case TESTSRV_NEST:
		return testsrv_nest(a1, a2);
	case TESTSRV_TOUCH:
		*(volatile uint32_t *)a1 = a2;
		return dom_reply(0, 0);
	case TESTSRV_SPIN:
		return testsrv_spin(a1, a2);
	case TESTSRV_SLEEP:
		sleep(a1);
		return dom_reply((uint32_t)uptime(), a1);
	case TESTSRV_GETPID:
		return dom_reply((uint32_t)getpid(), (uint32_t)getppid());
	case TESTSRV_FORK:
		return dom_reply((uint32_t)fork(), 0);
	case TESTSRV_SBRK:
		return dom_reply((uint32_t)sbrk((int)a1), 0);
	case TESTSRV_WRITE:
		return dom_reply((uint32_t)printf("testsrv: %u written from the callee's memory\n", a1), 0);
	case TESTSRV_TRASH:
		testsrv_trash(a1, a2);
	default:
		return dom_reply((uint32_t)-E_INVAL, op);
	}
}
