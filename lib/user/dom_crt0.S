/*
 * dom_crt0.S - where every call into a domain starts: the entry point of
 * the programs in user/domains/, which dom_create loads (instead of
 * crt0.S, which starts a process).
 *
 * dom_call enters _start in user mode, on a stack of the calling thread's
 * own in this domain (empty: each call starts at its top), with
 *     %eax  the badge of the capability the caller used (0: none)
 *     %edx, %ebx, %esi, %edi  the caller's arguments a0..a3
 *     %ebp  0, so a backtrace ends here
 * It calls uint64_t dom_main(badge, a0, a1, a2, a3) and passes what that
 * returns, r0 in %eax and r1 in %edx (ulib.h's dom_reply), to dom_return:
 * %ecx r0, %edx r1, int $50. dom_return does not come back here; should it
 * (there being no call to return from), the domain faults on ud2.
 */
#define DOMRETURN_VECTOR 50     /* abi.h's T_DOMRETURN_VECTOR */

	.cfi_sections .debug_frame
	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined %eip             /* no caller in this domain: the outermost frame */
	.cfi_def_cfa %esp, 0
	pushl %edi                      /* dom_main(badge, a0, a1, a2, a3) */
	.cfi_adjust_cfa_offset 4
	pushl %esi
	.cfi_adjust_cfa_offset 4
	pushl %ebx
	.cfi_adjust_cfa_offset 4
	pushl %edx
	.cfi_adjust_cfa_offset 4
	pushl %eax
	.cfi_adjust_cfa_offset 4
	call dom_main
	movl %eax, %ecx                 /* dom_return(r0, r1): r1 is in %edx already */
	int $DOMRETURN_VECTOR
	ud2
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
