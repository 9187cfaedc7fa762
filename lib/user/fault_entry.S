/*
 * fault_entry.S - where the kernel enters a domain's fault handler (lab 7),
 * the eip that ulib's fault_handler_set registers with dom_set_handler.
 *
 * The kernel enters fault_entry in user mode, on the faulting thread's
 * exception stack in this domain (empty: each fault starts at its top),
 * with (abi.h)
 *     %eax  the vector          %ecx  the faulting address (0 but for #PF)
 *     %edx  the error code      %ebx  the faulting domain's id
 *     %ebp  0, so a backtrace ends here
 * It calls int fault_handler_fn(vector, addr, error, dom), the C handler
 * fault_handler_set installed, and passes the action that returns
 * (FAULT_RESUME, FAULT_PASS or FAULT_KILL) to fault_resume through its
 * own gate (abi.h), which skips the system call dispatch: %ecx the action,
 * int $53. fault_resume does not come back here; should it (an unknown
 * action, or no fault to resume), the handler faults on ud2.
 */
#define FAULTRESUME_VECTOR 53   /* abi.h's T_FAULTRESUME_VECTOR */

	.cfi_sections .debug_frame
	.text
	.globl fault_entry
	.type fault_entry, @function
fault_entry:
	.cfi_startproc
	.cfi_undefined %eip             /* no caller: the outermost frame of the handler */
	.cfi_def_cfa %esp, 0
	pushl %ebx                      /* fault_handler_fn(vector, addr, error, dom) */
	.cfi_adjust_cfa_offset 4
	pushl %edx
	.cfi_adjust_cfa_offset 4
	pushl %ecx
	.cfi_adjust_cfa_offset 4
	pushl %eax
	.cfi_adjust_cfa_offset 4
	call *fault_handler_fn
	movl %eax, %ecx                 /* fault_resume(action) */
	int $FAULTRESUME_VECTOR
	ud2
	.cfi_endproc
	.size fault_entry, . - fault_entry

	.section .note.GNU-stack, "", @progbits
