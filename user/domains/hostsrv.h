/*
 * hostsrv.h - what user/domains/hostsrv.c does, shared with user/hostile.c
 * (the hostile tests of labs 6 and 7): a domain whose fault handler
 * attacks the kernel from inside itself, in the way HSRV_HANDLE chose.
 */
#ifndef USER_DOMAINS_HOSTSRV_H
#define USER_DOMAINS_HOSTSRV_H

#include <stdint.h>

#define HSRV_HANDLE   1   /* fault_handler_set for mask a1 (0: remove), attack a2, argument a3: r0 its result */
#define HSRV_CREATE   2   /* dom_create("hostsrv") here: r0 the management cap's slot here */
#define HSRV_CALL     3   /* dom_call(slot a1, op a2, a3, 0, 0): r0, r1 as they come */
#define HSRV_UD       4   /* ud2 with %eax = a1: r0 %eax after it */
#define HSRV_INT3     5   /* int3 with %eax = a1: r0 %eax after it */
#define HSRV_INTO     6   /* into with OF set and %eax = a1: r0 %eax after it */
#define HSRV_ENTRY    7   /* dom_set_handler(a1, a2) itself, with a raw eip: r0 its result */
#define HSRV_STATS    8   /* r0 faults its handler took, r1 the first probe that went wrong (0: none) */
#define HSRV_ID       9   /* r0 this domain's id */
#define HSRV_AFTER    10  /* ud2, and after the resume fault_resume(FAULT_RESUME) and (FAULT_KILL) again:
			   * r0 %eax after the ud2, r1 the two results, r0 ^ r1 << 8 */

/* What the handler does with a fault (HSRV_HANDLE's a2). Every attack that
 * comes back resumes like a skip: eip past the fault site (not for the
 * traps int3 and into), %eax xored with hsrv_skip_eax(tag, vector); the
 * tag is the argument but where the argument means something else (then
 * it is 0). */
#define HSRV_A_SKIP        0
#define HSRV_A_PROBE       1   /* every call a handler must be refused or allowed (hostsrv.c's probes);
				* argument: the faulting domain's slot here to call back (0: the handler's own) */
#define HSRV_A_DESTROY     2   /* dom_destroy(slot argument) (the faulting domain, or its own through a
				* management cap given to it), then resume */
#define HSRV_A_EXIT        3   /* exit(argument) from the handler */
#define HSRV_A_RECURSE     4   /* recurse until the exception stack's guard page */
#define HSRV_A_RESUME_RAW  5   /* fault_resume(FAULT_RESUME) itself, after a SET: the next word is never run */

#define HSRV_SITE_LEN 2        /* ud2 */

static inline uint32_t hsrv_skip_eax(uint32_t tag, uint32_t vector)
{
	return tag ^ (vector << 24) ^ 0x3c3c00u;
}

#endif
