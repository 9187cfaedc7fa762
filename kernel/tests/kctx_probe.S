/*
 * kctx_probe.S - an assembly probe for the setctx/resctx test (lab 2).
 * C cannot say "this value is in %ebx across the call", so this does.
 *
 * uint32_t kctx_probe(struct kctx *c, uint32_t value)
 *   Puts value, value + 1 and ~value in the callee-saved ebx, esi and edi,
 *   calls setctx(c), and on its first return (0) checks that setctx left
 *   the three registers alone, wipes them and calls resctx(c, value). When
 *   setctx returns the second time, checks that %esp is where the first
 *   return left it and that the three registers came back. (C callers
 *   cannot see a setctx that changes a callee-saved register on its first
 *   return: returns_twice makes the compiler keep nothing in registers
 *   across the call.) Returns setctx's second return value if they
 *   did, KCTX_PROBE_ESP_OFF if %esp was not (the saved esp is wrong: its
 *   own %esp put back, the probe still returns), KCTX_PROBE_CLOBBERED if
 *   a register was not (on either return).
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
	call	probe_registers_intact	/* first return: kept, */
	jne	2f
	xorl	%ebx, %ebx		/* then wiped, then resumed */
	xorl	%esi, %esi
	xorl	%edi, %edi
	pushl	12(%ebp)		/* resctx(c, value) */
	pushl	8(%ebp)
	call	resctx			/* does not return */
1:	leal	-PROBE_SAVES(%ebp), %ecx	/* second return: eax = the value */
	cmpl	%ecx, %esp		/* esp as the first return left it? */
	jne	4f
	call	probe_registers_intact
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

/* ZF set iff ebx, esi and edi hold value, value + 1 and ~value, with value
 * at 12(%ebp) (kctx_probe's frame: this has none of its own). Clobbers ecx. */
probe_registers_intact:
	cmpl	12(%ebp), %ebx
	jne	1f
	leal	1(%ebx), %ecx
	cmpl	%ecx, %esi
	jne	1f
	movl	%ebx, %ecx
	notl	%ecx
	cmpl	%ecx, %edi
1:	ret
