/*
 * crt0.S - where every user program starts.
 *
 * exec() enters _start in user mode with this stack, built by the kernel
 * at the top of the new address space:
 *
 *      (%esp)    argc
 *     4(%esp)    argv: a pointer to argv[0..argc-1], then a NULL pointer;
 *                the array and its strings lie higher on the same stack
 *
 * There is no return address: _start is not a function, and it must never
 * return. It clears %ebp, so that a backtrace walking saved frame pointers
 * stops at main's frame (its saved %ebp is 0). It records argv[0] in
 * `progname` (ulib.c) for messages, calls main(argc, argv), and hands
 * main's return value to exit(). exit() does not return; should it ever,
 * the program faults on ud2 rather than running off into whatever follows.
 * This is the backstop: returning from main is the same as calling exit().
 *
 * Its .cfi directives say the same to a debugger: the return address is
 * undefined here, so GDB's `bt` ends at _start instead of taking argc for
 * a return address (they go into .debug_frame, like the C code's).
 */
	.cfi_sections .debug_frame

	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined %eip             /* no caller: the outermost frame */
	.cfi_def_cfa %esp, 0            /* the CFA: where argc is */
	xorl %ebp, %ebp                 /* the outermost frame */
	movl (%esp), %eax               /* argc */
	movl 4(%esp), %edx              /* argv */
	testl %edx, %edx
	jz 1f
	movl (%edx), %ecx               /* argv[0], if there is one */
	testl %ecx, %ecx
	jz 1f
	movl %ecx, progname
1:
	pushl %edx                      /* main(argc, argv) */
	.cfi_adjust_cfa_offset 4
	pushl %eax
	.cfi_adjust_cfa_offset 4
	call main
	addl $8, %esp
	.cfi_adjust_cfa_offset -8
	pushl %eax                      /* exit(main's result) */
	.cfi_adjust_cfa_offset 4
	call exit
	ud2                             /* exit returned: fault loudly */
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
