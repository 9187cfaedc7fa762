/*
 * faultsrv.h - what user/domains/faultsrv.c does, shared with the program
 * that calls it (user/faulttests.c, lab 7's tests): the operations
 * (dom_call's a0), the ways its fault handler can behave, and the fault
 * sites both use.
 *
 * A faultsrv can create faultsrvs of its own and call them, so that a test
 * builds a manager chain home -> middle -> child of any shape, each with
 * a handler of its own (or none) for the vectors it chooses.
 */
#ifndef USER_DOMAINS_FAULTSRV_H
#define USER_DOMAINS_FAULTSRV_H

#include <stdint.h>

#include "ulib.h"

#define FSRV_HANDLE   1   /* fault_handler_set for mask a1 (0: remove), mode a2, tag a3: r0 its result */
#define FSRV_CREATE   2   /* dom_create("faultsrv") here: r0 the management cap's slot here */
#define FSRV_CALL     3   /* dom_call(slot a1, op a2, a3, FSRV_ARGS' two words): r0, r1 as they come */
#define FSRV_ARGS     4   /* the two more words FSRV_CALL passes next (a1, a2) */
#define FSRV_DIV      5   /* a1 / 0 at a fault site: r0 %eax after it */
#define FSRV_UD       6   /* ud2 with %eax = a1: r0 %eax after it */
#define FSRV_INT3     7   /* int3 with %eax = a1: r0 %eax after it */
#define FSRV_READ     8   /* r0 the word at address a1 (a fault site) */
#define FSRV_WRITE    9   /* write a2 at address a1 (a fault site); r0 the word read back */
#define FSRV_STATS    10  /* r0 faults its handler took, r1 FSRV_STATS_R1 of the last one */
#define FSRV_LAST     11  /* r0 the last fault's eip (fault_regs), r1 its extra word (per mode) */
#define FSRV_ID       12  /* r0 this domain's id (cap_info of slot 0) */
#define FSRV_DESTROY  13  /* dom_destroy(slot a1) here: r0 its result */
#define FSRV_REGS     14  /* fault_regs(GET) and fault_resume(RESUME) outside a handler: r0, r1 their results */
#define FSRV_DEPTH    15  /* a1 more calls down a chain of faultsrvs (slot FSRV_CHILD_SLOT each), then ud2:
			   * r0 the depth reached, r1 %eax after the ud2 */
#define FSRV_GROW     16  /* make the chain FSRV_DEPTH walks a1 faultsrvs long below this one: r0 how many made */
#define FSRV_GRANT    17  /* cap_grant(a1, a2, rights a3, badge 0) here: r0 its result */

/* What the handler does with a fault (FSRV_HANDLE's a2). Every mode but
 * PASS, KILL, LOOP and FAULT_PASS ends like SKIP: eip moves past the
 * 2-byte fault site (not for int3, a trap, whose eip is past it already)
 * and %eax becomes fsrv_skip_eax(tag, vector). */
#define FSRV_MODE_SKIP    0
#define FSRV_MODE_PASS    1   /* fault_resume(FAULT_PASS) */
#define FSRV_MODE_KILL    2   /* fault_resume(FAULT_KILL) */
#define FSRV_MODE_FAULT   3   /* a ud2 in the handler itself first (its manager's handler must skip it);
			       * the extra word: %eax after that ud2 */
#define FSRV_MODE_LOOP    4   /* resume with nothing fixed */
#define FSRV_MODE_SLEEP   5   /* sleep(tag) ticks first (a test destroys a domain meanwhile) */
#define FSRV_MODE_NESTED  6   /* first call this domain's slot tag with FSRV_DIV (a fault inside the
			       * handler's callee); the extra word: that call's r0 */
#define FSRV_MODE_CALLREGS 7  /* first call slot tag with FSRV_REGS (fault_regs and fault_resume from a
			       * call made by a handler); the extra word: r0 ^ r1 << 8 of it */
#define FSRV_MODE_FAULT_PASS 8 /* a ud2 in the handler first, as FSRV_MODE_FAULT, then
				* fault_resume(FAULT_PASS); the extra word: %eax after that ud2 */

#define FSRV_CHILD_SLOT 1     /* a faultsrv's first dom_create lands here */
#define FAULT_SITE_LEN  2     /* every faulting instruction below is two bytes long */

/* The answer to an ID op (FSRV_ID, hostsrv.h's HSRV_ID): this domain's
 * id, from cap_info of its slot 0 (itself); -E_INVAL if that fails. */
static inline uint64_t reply_own_id(void)
{
	struct cap_info self;

	if (cap_info(0, &self) < 0)
		return dom_reply((uint32_t)-E_INVAL, 0);
	return dom_reply((uint32_t)self.object, 0);
}

/* The %eax a skip leaves (faulttests.c's home handler leaves the same). */
static inline uint32_t fsrv_skip_eax(uint32_t tag, uint32_t vector)
{
	return tag ^ (vector << 24) ^ 0x5a5a00u;
}

/* FSRV_STATS's r1: the last fault's vector and faulting domain's id. */
static inline uint32_t fsrv_stats_r1(uint32_t vector, int dom)
{
	return vector << 16 | ((uint32_t)dom & 0xffffu);
}

/* The fault sites: each faulting instruction is FAULT_SITE_LEN bytes
 * (divl %ecx is f7 f1, ud2 0f 0b, movl (%ecx),%eax 8b 01, movl %edx,(%ecx)
 * 89 11), so that a handler skips one by moving eip on by that much. */
static inline uint32_t fault_site_div(uint32_t dividend)
{
	uint32_t q;
	__asm__ volatile("xorl %%edx, %%edx\n\txorl %%ecx, %%ecx\n\tdivl %%ecx"
			 : "=a"(q) : "a"(dividend) : "ecx", "edx", "memory");
	return q;
}

static inline uint32_t fault_site_ud2(uint32_t eax)
{
	__asm__ volatile("ud2" : "+a"(eax) : : "memory");
	return eax;
}

static inline uint32_t fault_site_int3(uint32_t eax)
{
	__asm__ volatile("int3" : "+a"(eax) : : "memory");
	return eax;
}

static inline uint32_t fault_site_read(uint32_t addr)
{
	uint32_t v;
	__asm__ volatile("movl (%%ecx), %%eax" : "=a"(v) : "c"(addr) : "memory");
	return v;
}

static inline void fault_site_write(uint32_t addr, uint32_t v)
{
	__asm__ volatile("movl %%edx, (%%ecx)" : : "c"(addr), "d"(v) : "memory");
}

#endif
