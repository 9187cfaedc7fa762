/*
 * kctx_probe.S - an assembly probe for the setctx/resctx test (lab 2).
 * C cannot say "this value is in %ebx across the call", so this does.
 *
 * uint32_t kctx_probe(struct kctx *c, uint32_t value)
 *   Puts value, value + 1 and ~value in the callee-saved ebx, esi and edi,
 *   calls setctx(c), and on its first return (0) wipes those registers and
 *   calls resctx(c, value). When setctx returns the second time, checks
 *   that %esp is where the first return left it and that the three
 *   registers came back. Returns setctx's second return value if they
 *   did, KCTX_PROBE_ESP_OFF if %esp was not (the saved esp is wrong: its
 *   own %esp put back, the probe still returns), KCTX_PROBE_CLOBBERED if
 *   a register was not.
 *   Preserves ebx, esi, edi, ebp for its own caller (cdecl).
 */
#define KCTX_PROBE_CLOBBERED 0xBADC0DE
#define KCTX_PROBE_ESP_OFF   0xE5B0FF
#define PROBE_SAVES          12         /* ebx, esi, edi below the frame pointer */

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
1:	leal	-PROBE_SAVES(%ebp), %ecx	/* second return: eax = the value */
	cmpl	%ecx, %esp		/* esp as the first return left it? */
	jne	4f
	cmpl	12(%ebp), %ebx
	jne	2f
	leal	1(%ebx), %ecx
	cmpl	%ecx, %esi
	jne	2f
	notl	%ecx
	incl	%ecx			/* ~(value + 1) + 1 == ~value */
	cmpl	%ecx, %edi
	je	3f
2:	movl	$KCTX_PROBE_CLOBBERED, %eax
	jmp	3f
4:	movl	%ecx, %esp		/* back to the saves, so the pops find them */
	movl	$KCTX_PROBE_ESP_OFF, %eax
3:	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
