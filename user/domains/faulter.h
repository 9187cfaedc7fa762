/*
 * faulter.h - the domain that raises the fault it is asked for (lab 7),
 * with its registers loaded from a seed first, so that whoever handles it
 * can be checked against values chosen at run time: the fuzzer's created
 * domains (user/fuzz.c -f) and the lab 7 tools' scenes (user/domscene.c
 * fault, grader/test_lab7_tools.py).
 *
 * dom_call(cap, FAULTER_RAISE, kind, seed, addr): eax, ecx, edx, ebx, esi,
 * edi, ebp become faulter_seeded_regs(seed) (ecx = addr for FAULTER_PF,
 * which writes eax to (ecx)), then the instruction of `kind` runs. If a
 * handler resumes it, r0 is eax after the instruction and r1 the mask of
 * the registers (FAULTER_REG_xxx bits) that came back different.
 *
 * dom_call(cap, FAULTER_HANDLER, policy, mask, eip): dom_set_handler in
 * this domain, r0 its result. policy FAULTER_RAW registers eip itself (any
 * number: a kernel address, garbage in the image); the others register
 * faulter's own handler, which does what the policy says with every fault.
 */
#ifndef USER_DOMAINS_FAULTER_H
#define USER_DOMAINS_FAULTER_H

#define FAULTER_RAISE   1
#define FAULTER_HANDLER 2

/* Kinds of fault, by the instruction that raises it. */
#define FAULTER_DIV  0          /* divl of a zero word in memory: #DE, 6 bytes */
#define FAULTER_UD   1          /* ud2: #UD, 2 bytes */
#define FAULTER_BP   2          /* int3: #BP, a trap (eip already after it) */
#define FAULTER_OF   3          /* into with OF set: #OF, a trap */
#define FAULTER_GP   4          /* cli: #GP, 1 byte */
#define FAULTER_PF   5          /* movl %eax, (%ecx): #PF at ecx, 2 bytes */
#define FAULTER_KINDS 6

/* The vector each kind raises, and how far a handler moves eip to skip
 * the instruction (0 for a trap: eip is already past it). */
static const uint32_t faulter_vector[FAULTER_KINDS] = { 0, 6, 3, 4, 13, 14 };
static const uint32_t faulter_skip[FAULTER_KINDS] = { 6, 2, 0, 0, 1, 2 };
#define FAULTER_PF_VECTOR 14

/* Handler policies (FAULTER_HANDLER's a1). */
#define FAULTER_RAW     0       /* dom_set_handler(eip, mask) as given */
#define FAULTER_SKIP    1       /* skip the site's instruction (faulter_skip) and resume;
				 * a fault that no site raised goes up (FAULT_PASS) */
#define FAULTER_PASSUP  2       /* fault_resume(FAULT_PASS) */
#define FAULTER_KILLIT  3       /* fault_resume(FAULT_KILL) */
#define FAULTER_AGAIN   4       /* resume unchanged: the same fault again, a loop */
#define FAULTER_BOGUS   5       /* fault_resume(an unknown action): -E_INVAL, then skip */
#define FAULTER_CRASH   6       /* fault inside the handler (ud2): its manager's turn */
#define FAULTER_POLICIES 7

/* The registers FAULTER_RAISE loads, in this order; r1's bits. */
#define FAULTER_NREGS 7         /* eax ecx edx ebx esi edi ebp */
#define FAULTER_REG_ECX 1

/* The registers FAULTER_RAISE loads from seed: seven xorshift32 steps
 * (ulib's, which grader/userprog.py computes too). */
static inline void faulter_seeded_regs(uint32_t seed, uint32_t regs[FAULTER_NREGS])
{
	for (int i = 0; i < FAULTER_NREGS; i++)
		regs[i] = xorshift32(&seed);
}

#endif
