/*
 * testsrv.h - what user/domains/testsrv.c does, shared with the program
 * that calls it (user/domtests.c): the operations (dom_call's a0) and the
 * answers the caller checks.
 */
#ifndef USER_DOMAINS_TESTSRV_H
#define USER_DOMAINS_TESTSRV_H

#include <stdint.h>

#define TESTSRV_ECHO    1       /* r0, r1: testsrv_echo_r0/r1 of the badge and a1..a3 */
#define TESTSRV_NEST    2       /* a1 more calls down the chain (slot TESTSRV_NEXT_SLOT); r0 the depth reached */
#define TESTSRV_TOUCH   3       /* write a2 at address a1 (the caller's memory faults here) */
#define TESTSRV_SPIN    4       /* a1 steps of xorshift from seed a2: r0 the result */
#define TESTSRV_SLEEP   5       /* sleep(a1) inside the callee; r0 uptime() after */
#define TESTSRV_GETPID  6       /* r0 getpid(), r1 getppid(): the borrowed thread's process */
#define TESTSRV_FORK    7       /* r0 fork(): refused, -E_BUSY */
#define TESTSRV_SBRK    8       /* r0 sbrk(a1): refused, -E_BUSY */
#define TESTSRV_WRITE   9       /* printf a line with a1 from the callee's memory; r0 its length */
#define TESTSRV_TRASH   10      /* every register and data segment junk, then int $50 with r0 a1, r1 a2 */

#define TESTSRV_NEXT_SLOT 1     /* where a chained testsrv finds the next one */

/* The answers to TESTSRV_ECHO: each depends on every input. */
static inline uint32_t testsrv_echo_r0(uint32_t badge, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return (a1 ^ (a2 * 31u) ^ (a3 * 131u)) + badge;
}

static inline uint32_t testsrv_echo_r1(uint32_t badge, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return a1 + a2 + a3 + badge * 7u;
}

#endif
