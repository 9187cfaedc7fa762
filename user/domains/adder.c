/*
 * adder.c - the smallest useful domain: what the domain-call benchmark
 * (ubench domcall) calls, and the first example of a callee.
 *
 * dom_main(badge, a0, a1, a2, a3) answers r0 = a0 + a1 + a2 + a3 + badge and
 * r1 = a0 ^ a3: both results depend on every argument, so a call that lost
 * or swapped one gives another answer.
 */
#include "ulib.h"

uint64_t dom_main(uint32_t badge, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return dom_reply(a0 + a1 + a2 + a3 + badge, a0 ^ a3);
}
