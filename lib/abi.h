/*
 * abi.h - what the kernel and user programs agree on: how a system call is
 * made, error codes, wait statuses, the process listing, and limits.
 * Shared by kernel/ and user/ (the kernel includes it as "abi.h").
 *
 * A system call: `int $48` (T_SYSCALL) with the number (syscall_list.h) in
 * %eax and arguments 1, 2, 3 in %ecx, %edx, %ebx; the result comes back in
 * %eax and every other register is preserved. A result in [-E_MAX, -1] is
 * an error, -E_xxx; an unknown number returns -E_NOSYS.
 */
#ifndef LIB_ABI_H
#define LIB_ABI_H

#include "syscall_list.h"

#define T_SYSCALL_VECTOR 48     /* the DPL 3 gate; trap.h's T_SYSCALL */

/* Error codes: system calls return their negation. */
#define E_INVAL   1     /* an argument is out of range */
#define E_FAULT   2     /* a pointer names memory the process may not use */
#define E_BADF    3     /* not an open descriptor, or opened the other way */
#define E_NOMEM   4     /* out of physical memory or address space */
#define E_SRCH    5     /* no process with that pid */
#define E_CHILD   6     /* wait: no children */
#define E_NOENT   7     /* exec: no such program in the ramdisk */
#define E_PIPE    8     /* write to a pipe nobody can read */
#define E_MFILE   9     /* descriptor table or file table full */
#define E_AGAIN   10    /* process table full */
#define E_NOSYS   11    /* unknown system call number */
#define E_PERM    12    /* not allowed (killing init) */
#define E_2BIG    13    /* exec: too many or too long arguments */
#define E_NOEXEC  14    /* exec: not a valid beta86 program */
#define E_INTR    15    /* interrupted by kill */
#define E_MAX     15

/* wait() status: exit(code) gives (code & 0xff) << 8; a process killed by
 * the kernel gives WAIT_KILLED | cause, where cause is the trap vector that
 * killed it (0..31) or KILL_CAUSE_KILL for kill(). */
#define WAIT_KILLED          0x80
#define KILL_CAUSE_KILL      0x40
#define WAIT_EXITED_STATUS(code) (((code) & 0xff) << 8)
#define WIFEXITED(s)         (((s) & 0xff) == 0)
#define WEXITSTATUS(s)       (((s) >> 8) & 0xff)
#define WIFKILLED(s)         (((s) & WAIT_KILLED) != 0)
#define WKILLCAUSE(s)        ((s) & 0x7f)

/* Limits. */
#define NOFILE        16        /* descriptors per process */
#define MAXARG        32        /* exec: at most this many arguments ... */
#define MAXARG_BYTES  2048      /* ... with at most this many bytes of strings */
#define PROC_NAME_MAX 16        /* a process name, NUL included */

/* Standard descriptors, set up by the kernel for the first process. */
#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#ifndef __ASSEMBLER__
/* ps(): one entry per used process table slot. */
enum procinfo_state {
	PS_EMBRYO = 1,
	PS_RUNNABLE,
	PS_RUNNING,
	PS_SLEEPING,
	PS_ZOMBIE,
};

struct procinfo {
	int pid;
	int ppid;               /* 0 for kernel threads' and init's parent */
	int state;              /* enum procinfo_state */
	int user;               /* 1 for a user process, 0 for a kernel thread */
	unsigned int pages;     /* user memory, in 4 KiB pages */
	char name[PROC_NAME_MAX];
};
#endif

/* User address space (mm/layout.h is the kernel's view of the same). */
#define UABI_USER_BASE   0x40000000u   /* programs are linked here */
#define UABI_USER_TOP    0xC0000000u   /* the stack's top */
#define UABI_STACK_PAGES 2             /* 8 KiB of user stack, guard below */

#endif
