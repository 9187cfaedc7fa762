/*
 * backtrace.h - walking the chain of saved frame pointers, and naming the
 * return addresses found there.
 *
 * Every function compiled with frame pointers starts with
 *     push %ebp; mov %esp, %ebp
 * so at any point %ebp points at a two-word record:
 *     [ebp + 0]  the caller's saved %ebp  (the next record up the chain)
 *     [ebp + 4]  the return address into the caller
 * _start and every new thread's bootstrap set %ebp = 0, which ends the chain.
 */
#ifndef DEBUG_BACKTRACE_H
#define DEBUG_BACKTRACE_H

#include <stdint.h>

#define BACKTRACE_MAX_FRAMES 32

/* Store in pcs[] the return address of each frame, starting with the record
 * at ebp, at most max of them; return how many were stored. */
int backtrace_walk(uint32_t ebp, uint32_t *pcs, int max);
/* Whether a frame record at ebp can be read safely (it lies on a kernel
 * stack), so a corrupt chain ends the walk instead of faulting. */
int backtrace_frame_ok(uint32_t ebp);
/* Print "  #N 0xADDR name+0xOFF" lines: eip first (if nonzero), then the
 * return addresses of the chain at ebp. */
void backtrace_print(uint32_t eip, uint32_t ebp);

/* Whether [addr, addr + len) lies on a kernel stack (and is mapped). A
 * hook: defined by mm/kstack.c, which knows where the stacks are, a layer
 * above this one; declared here because backtrace_frame_ok needs it, and
 * kstack.c includes this header so the two agree. */
int kstack_contains(uint32_t addr, uint32_t len);

#endif
