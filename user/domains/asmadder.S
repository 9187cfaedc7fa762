/*
 * asmadder.S - adder's answers in assembly, with no runtime: what the
 * domain-call benchmark (ubench domcall) calls to time the kernel's part
 * of a round trip, as IPC benchmarks time a null call. adder.c is the
 * same domain in C, through dom_crt0.S (ubench domcallc times that).
 *
 * dom_call enters _start (this image is linked alone: no dom_crt0.S, no
 * ulib) with %eax the badge and %edx, %ebx, %esi, %edi the arguments
 * a0..a3 (abi.h). It answers at once, from those registers, without
 * touching its stack or memory: r0 = a0 + a1 + a2 + a3 + badge in %ecx and
 * r1 = a0 ^ a3 in %edx, and dom_return (int $50). dom_return does not
 * come back here; should it (there being no call to return from), the
 * domain faults on ud2.
 */
#define DOMRETURN_VECTOR 50     /* abi.h's T_DOMRETURN_VECTOR */

	.text
	.globl _start
	.type _start, @function
_start:
	leal	(%eax,%edx), %ecx       /* r0 = badge + a0 ... */
	addl	%ebx, %ecx              /* ... + a1 */
	addl	%esi, %ecx              /* ... + a2 */
	addl	%edi, %ecx              /* ... + a3 */
	xorl	%edi, %edx              /* r1 = a0 ^ a3 */
	int	$DOMRETURN_VECTOR     /* dom_return(r0, r1) */
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
