/*
 * kctx_probe.S - an assembly probe for the setctx/resctx test (lab 2).
 * C cannot say "this value is in %ebx across the call", so this does.
 *
 * uint32_t kctx_probe(struct kctx *c, uint32_t value)
 *   Puts value, value + 1 and ~value in the callee-saved ebx, esi and edi,
 *   calls setctx(c), and on its first return (0) wipes those registers and
 *   calls resctx(c, value). When setctx returns the second time, checks
 *   that the three registers came back. Returns setctx's second return
 *   value if they did, KCTX_PROBE_CLOBBERED if any did not.
 *   Preserves ebx, esi, edi, ebp for its own caller (cdecl).
 */
#define KCTX_PROBE_CLOBBERED 0xBADC0DE

	.text
	.globl kctx_probe
kctx_probe:
	pushl	%ebp
	movl	%esp, %ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	12(%ebp), %ebx
	leal	1(%ebx), %esi
	movl	%ebx, %edi
	notl	%edi
	pushl	8(%ebp)			/* setctx(c) */
	call	setctx
	addl	$4, %esp
	testl	%eax, %eax
	jnz	1f
	xorl	%ebx, %ebx		/* first return: wipe, then resume */
	xorl	%esi, %esi
	xorl	%edi, %edi
	pushl	12(%ebp)		/* resctx(c, value) */
	pushl	8(%ebp)
	call	resctx			/* does not return */
1:	cmpl	12(%ebp), %ebx		/* second return: eax = the value */
	jne	2f
	leal	1(%ebx), %ecx
	cmpl	%ecx, %esi
	jne	2f
	notl	%ecx
	incl	%ecx			/* ~(value + 1) + 1 == ~value */
	cmpl	%ecx, %edi
	je	3f
2:	movl	$KCTX_PROBE_CLOBBERED, %eax
3:	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
