/*
 * kctx.S - setctx and resctx (see kctx.h for what they keep and why).
 * They follow the kernel's calling convention, cdecl: the arguments are on
 * the stack above the return address, the result is in %eax, and eax, ecx
 * and edx are the caller's to lose.
 */
#include "proc/kctx.h"
#include "lab.h"

	.text
/*
 * int setctx(struct kctx *c)
 * On entry: 0(%esp) = the return address, 4(%esp) = c.
 * Saves ebx, esi, edi, ebp; esp as it will be after the return (%esp + 4);
 * eip = the return address. Returns 0. Clobbers eax, edx.
 */
#if LAB_SOLUTION(2)
	.globl setctx
setctx:
	movl	4(%esp), %eax		/* c */
	movl	%ebx, KCTX_EBX(%eax)
	movl	%esi, KCTX_ESI(%eax)
	movl	%edi, KCTX_EDI(%eax)
	movl	%ebp, KCTX_EBP(%eax)
	leal	4(%esp), %edx
	movl	%edx, KCTX_ESP(%eax)
	movl	(%esp), %edx
	movl	%edx, KCTX_EIP(%eax)
	xorl	%eax, %eax
	ret
#else
	.globl setctx
setctx:
	pushl	$2f
	call	panic
	ud2				/* panic never returns; keeps the return address in setctx */
	.section .rodata
2:	.asciz "setctx: not implemented (lab 2)"
	.text
#endif

/*
 * void resctx(struct kctx *c, int value)
 * On entry: 4(%esp) = c, 8(%esp) = value.
 * Loads ebx, esi, edi, ebp and esp from c and jumps to c->eip with
 * %eax = value (or 1 if value is 0): the matching setctx returns again.
 * Never returns to its caller.
 */
#if LAB_SOLUTION(2)
	.globl resctx
resctx:
	movl	4(%esp), %edx		/* c */
	movl	8(%esp), %eax		/* value */
	testl	%eax, %eax
	jnz	1f
	incl	%eax
1:	movl	KCTX_EBX(%edx), %ebx
	movl	KCTX_ESI(%edx), %esi
	movl	KCTX_EDI(%edx), %edi
	movl	KCTX_EBP(%edx), %ebp
	movl	KCTX_ESP(%edx), %esp
	jmp	*KCTX_EIP(%edx)
#else
	.globl resctx
resctx:
	pushl	$2f
	call	panic
	ud2
	.section .rodata
2:	.asciz "resctx: not implemented (lab 2)"
	.text
#endif
