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
#define TESTSRV_RELAY   11      /* call slot TESTSRV_NEXT_SLOT with op a1, a2, a3: its r0, and its r1 ^ TESTSRV_RELAY_MARK */
#define TESTSRV_CALLSLOT 12     /* call slot a1 with op a2 and a3: its r0 and r1 as they are */
#define TESTSRV_GRANT   13      /* cap_grant(a1, a2, TESTSRV_RIGHTS(a3), TESTSRV_BADGE(a3)) here: r0 its result */
#define TESTSRV_INFO    14      /* cap_info(a1) here: r0 -E_xxx or testsrv_info_word(), r1 the badge */
#define TESTSRV_EXEC    15      /* r0 exec("echo", ...): refused, -E_BUSY */
#define TESTSRV_READ    16      /* read a2 bytes from descriptor a1 into this domain's memory: r0 the count, r1 their fnv1a */
#define TESTSRV_CREATE  17      /* dom_create("testsrv") here: r0 the management cap's slot in this domain */
#define TESTSRV_DESTROY 18      /* dom_destroy(a1) here (its own management cap: from inside): r0 its result */

#define TESTSRV_NEXT_SLOT 1

/* TESTSRV_SPIN's answer: n steps of xorshift32 from seed (1 if 0). */
static inline uint32_t testsrv_spin_answer(uint32_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 1;
	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	return x;
}     /* where a chained testsrv finds the next one */
#define TESTSRV_RELAY_MARK 0x5e1a0000u   /* RELAY's r1: proof that the relaying domain ran after its call */
#define TESTSRV_READ_MAX  512   /* the most READ reads */

/* GRANT's a3: rights in the low byte, the badge above. */
#define TESTSRV_GRANT_ARG(rights, badge) ((uint32_t)(rights) | (uint32_t)(badge) << 8)
#define TESTSRV_RIGHTS(a3) ((a3) & 0xffu)
#define TESTSRV_BADGE(a3)  ((a3) >> 8)

/* INFO's r0 for a slot it could read: type, rights, live and derived. */
static inline uint32_t testsrv_info_word(int type, uint32_t rights, int live, int derived)
{
	return (uint32_t)type | rights << 8 | (uint32_t)(live != 0) << 16 | (uint32_t)(derived != 0) << 17;
}

/* READ's r1 (and grader/userprog.py's fnv1a). */
static inline uint32_t testsrv_fnv1a(const unsigned char *data, int n)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < n; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

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
