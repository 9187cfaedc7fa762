/*
 * kctx.h - kernel contexts: the kernel's setjmp/longjmp (lab 2).
 *
 * setctx(c) saves in *c what a C function call must preserve under the
 * i386 System V calling convention - the callee-saved registers ebx, esi,
 * edi and ebp - plus the stack pointer and the return address, and returns
 * 0. resctx(c, v) restores them and so "returns from setctx a second time",
 * with v as the value (1 if v is 0, so a resumed setctx never returns 0).
 *
 * eax, ecx and edx are not saved: a caller of setctx already assumes they
 * are clobbered by any call. Neither are eflags (every voluntary switch
 * happens with interrupts off, and the thread that resumes turns them on
 * again itself: sched_yield, sleep's caller) nor the segment registers
 * (they are the same flat kernel segments in every kernel context).
 *
 * Both follow the kernel's one calling convention, cdecl: arguments on
 * the stack (4(%esp) is the first on entry), the result in %eax.
 *
 * The struct layout is used by kctx.S and by tools/gdb: keep them in step.
 */
#ifndef PROC_KCTX_H
#define PROC_KCTX_H

#define KCTX_EBX 0
#define KCTX_ESI 4
#define KCTX_EDI 8
#define KCTX_EBP 12
#define KCTX_ESP 16
#define KCTX_EIP 20

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kctx {
	uint32_t ebx, esi, edi, ebp;
	uint32_t esp;           /* the caller's esp after setctx returns */
	uint32_t eip;           /* where setctx returns to */
};

/* What proc_alloc fills a new entry's kctx with (eip aside): an address
 * above USER_TOP, which no page directory maps, so a register that
 * kthread_init_context leaves out faults the first time it is used as a
 * pointer, instead of working by luck with the last occupant's value. */
#define KCTX_POISON 0xdeadbeefu

int setctx(struct kctx *c) __attribute__((returns_twice));
void resctx(struct kctx *c, int value) __attribute__((noreturn));
#endif

#endif
