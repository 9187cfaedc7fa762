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
#define E_INTR    15    /* interrupted by kill, or by the death of a domain it is in */
#define E_BADCAP  16    /* no capability of the needed type in that slot (out of range, empty, another type) */
#define E_DEAD    17    /* the capability's object has died (its generation moved on) */
#define E_DEEP    18    /* the invocation stack is full (INV_MAX_CALLS calls deep) */
#define E_BUSY    19    /* taken already (an IRQ line's owner or its waiter), or not allowed inside a domain call (fork, exec, sbrk) */
#define E_DEADLK  20    /* would deadlock: the domain is already on this thread's invocation stack */
#define E_NOSLOT  21    /* no free slot: the capability table or the domain table is full */
#define E_MAX     21

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
	unsigned int pages;     /* user memory of its home domain, in 4 KiB pages */
	char name[PROC_NAME_MAX];
	/* The domain it runs in now (lab 6): its id, its name, and how many
	 * domain calls deep it is (0: at home). A kernel thread is in none:
	 * domain is PS_NO_DOMAIN. */
	int domain;
	int depth;
	char domain_name[PROC_NAME_MAX];    /* DOM_NAME_MAX, below */
	/* 1 while the thread runs a fault handler (lab 7): its top frame is
	 * a fault frame, and domain is the handler's. */
	int in_handler;
	/* The IRQ line it sleeps in irq_wait on (lab 8), else PS_NO_IRQ. */
	int irq_line;
};
#define PS_NO_DOMAIN (-1)
#define PS_NO_IRQ    (-1)
#endif

/* Domains and capabilities (lab 6, docs/05-domains.md).
 *
 * dom_call and dom_return are not numbered system calls but gates of their
 * own, so that the call path skips the system call dispatch:
 *   int $49 (dom_call):   %ecx cap slot, %edx, %ebx, %esi, %edi a0..a3;
 *                         r0 comes back in %eax, r1 in %edx, every other
 *                         general register and eflags are the caller's
 *                         own again.
 *   int $50 (dom_return): %ecx r0, %edx r1. Returns (with -E_INVAL in %eax)
 *                         only when there is no call to return from.
 * After either gate %ds, %es, %fs and %gs hold the user data selector,
 * whatever they held at the int (user space is flat: nothing else in them
 * is of use), and a callee is entered with them so too.
 * A callee is entered at its ELF entry with %eax the capability's badge,
 * %edx, %ebx, %esi, %edi the four arguments, %ebp 0, and %esp the top of a
 * stack of the calling thread's own in the callee (lib/user/dom_crt0.S). */
#define T_DOMCALL_VECTOR   49
#define T_DOMRETURN_VECTOR 50

#define NCAP           32       /* capability slots per domain; slot 0 names the domain itself */
#define INV_MAX_CALLS  8        /* levels above home one thread can be in at once: calls and handled faults */
#define DOM_NAME_MAX   PROC_NAME_MAX
/* Domains dom_create can make, all processes together: the domain table
 * keeps a home for every process slot besides (E_NOSLOT beyond), so that
 * no program can fill it and stop everyone's fork. */
#define NDOM_CREATED   64

/* Capability types. A management capability can do all a call capability
 * can, and more. IRQ control, IRQ and I/O-port capabilities are lab 8's. */
#define CAP_EMPTY        0
#define CAP_CALL         1      /* names a domain */
#define CAP_MANAGE       2      /* names a domain its holder may destroy */
#define CAP_IRQ_CONTROL  3      /* may take the IRQ lines first..last (irq_get) */
#define CAP_IRQ          4      /* names the IRQ line first, owned by its object domain */
#define CAP_IOPORT       5      /* may use the I/O ports first..last (io_in, io_out) */
#define CAP_NUM_TYPES    6

/* Rights: a grant only narrows them. */
#define CAP_RIGHT_CALL    0x1   /* dom_call through it */
#define CAP_RIGHT_GRANT   0x2   /* copy it (cap_grant's src) */
#define CAP_RIGHT_GIVE    0x4   /* put capabilities into the domain it names (cap_grant's to) */
#define CAP_RIGHT_MANAGE  0x8   /* destroy the domain (a CAP_MANAGE only) */
#define CAP_RIGHTS_ALL    0xf

#ifndef __ASSEMBLER__
/* cap_info(): one slot of the current domain's table. */
struct cap_info {
	int type;               /* CAP_xxx; CAP_EMPTY for an empty slot */
	unsigned int rights;    /* CAP_RIGHT_xxx */
	unsigned int badge;     /* what a callee receives in %eax; 0: none */
	int object;             /* the domain's id (its domain table index); for
				 * an IRQ cap the line's owner, for IRQ control
				 * and I/O ports the domain they came from */
	unsigned int generation;   /* the object's generation when the cap was made */
	int live;               /* 1 while that generation is the object's own */
	int derived;            /* 1 if made by cap_grant (revoking its source removes it) */
	char name[DOM_NAME_MAX];   /* the domain's name (its program) */
	/* The range an IRQ-control cap (lines), an I/O-port cap (ports) or an
	 * IRQ cap (first == last: its line) covers; 0, 0 for the others. */
	unsigned int first, last;
};
#endif

/*
 * Exception-handler domains (lab 7). dom_set_handler(eip, trap_mask): the
 * current domain handles the vectors in trap_mask (FAULT_VECTOR_BIT(v) for
 * each; FAULT_VECTORS_HANDLED are the ones a handler may take) for itself
 * and for every domain it manages; mask 0 removes the handler.
 *
 * A handler is entered at eip in user mode, on an exception stack of the
 * faulting thread's own in the handler's domain, with
 *     %eax  the vector             %ecx  the faulting address (CR2; 0 but for a page fault)
 *     %edx  the error code         %ebx  the faulting domain's id
 *     %esi, %edi, %ebp  0
 * It reads and writes the faulting registers with fault_regs() and ends
 * with fault_resume(action), which does not return (but with -E_INVAL, when
 * the thread is not in a handler or the action is unknown). Both are gates
 * of their own, like dom_return, so that a handler's calls skip the
 * system call dispatch:
 *   int $54 (fault_regs):   %ecx the op, %edx the struct; %eax 0 or -E_xxx.
 *   int $53 (fault_resume): %ecx the action; %eax -E_INVAL if it returns.
 * Every other general register is preserved; %ds, %es, %fs and %gs hold
 * the user data selector (USER_DS) after either, as after the domain
 * gates, whatever the handler had loaded. lib/user/fault_entry.S ends
 * every handler with int $53.
 */
#define T_FAULTRESUME_VECTOR 53
#define T_FAULTREGS_VECTOR   54
#define FAULT_VECTOR_BIT(v)   (1u << (v))
#define FAULT_VECTORS_HANDLED (FAULT_VECTOR_BIT(0) | FAULT_VECTOR_BIT(1) | FAULT_VECTOR_BIT(3) | \
			       FAULT_VECTOR_BIT(4) | FAULT_VECTOR_BIT(5) | FAULT_VECTOR_BIT(6) | \
			       FAULT_VECTOR_BIT(11) | FAULT_VECTOR_BIT(12) | FAULT_VECTOR_BIT(13) | \
			       FAULT_VECTOR_BIT(14) | FAULT_VECTOR_BIT(16) | FAULT_VECTOR_BIT(17) | \
			       FAULT_VECTOR_BIT(19))   /* every fault user code can raise, but #NM (the kernel's lazy FPU) */
#define FAULT_REGS_GET  0       /* fault_regs: copy the faulting registers out */
#define FAULT_REGS_SET  1       /* fault_regs: replace them (checked: eip, esp; eflags masked) */
#define FAULT_RESUME    0       /* fault_resume: go on from the (edited) faulting registers */
#define FAULT_PASS      1       /* fault_resume: hand the fault, as edited, to the next handler up the chain */
#define FAULT_KILL      2       /* fault_resume: the faulting domain dies (a home: its process) */
#define FAULT_LOOP_LIMIT 8      /* the same fault from the same registers this often in a row: "fault loop" */
#define DOM_MAP_WRITE   0x1     /* dom_map: the page is writable */

#ifndef __ASSEMBLER__
/* fault_regs(): the faulting registers, without segment selectors (a
 * resume installs the user's own, constants: a handler cannot choose a
 * kernel segment). SET writes the first ten and ignores the rest. */
struct fault_regs {
	unsigned int eax, ecx, edx, ebx, esp, ebp, esi, edi;
	unsigned int eip, eflags;
	unsigned int vector, error, addr;       /* what the handler was entered with */
	int dom;                                /* the faulting domain's id */
};
#endif

/*
 * Interrupt forwarding (lab 8, docs/07-interrupts.md). init's home domain
 * starts with the root authority: an IRQ-control cap for every line
 * (slot ROOT_IRQ_CONTROL_SLOT) and an I/O-port cap for every port (slot
 * ROOT_IOPORT_SLOT); fork copies them like every cap, cap_narrow makes
 * narrower copies to grant. No cap reaches the reserved ports: the
 * kernel's devices and the machine's reset, power, firmware, PCI
 * configuration and DMA controls (-E_PERM; kernel/irq/ioport.c).
 *
 * irq_get(ctl, line, mode) makes the current domain the owner of line
 * (an IRQ cap's slot). The timer and the cascade are never forwarded
 * (-E_PERM); a line the kernel drives itself (keyboard, COM1) is -E_BUSY,
 * like one owned already. IRQ_VTIMER is a virtual line the kernel raises
 * every `vtimer=K` ticks (the command line's, default 10).
 *
 * irq_wait and irq_ack are gates of their own, like dom_call:
 *   int $51 (irq_wait): %ecx the IRQ cap. %eax: the deliveries since the
 *                       last wait (>= 1), sleeping until there is one; or
 *                       -E_xxx. Only a thread in the owner domain waits,
 *                       one at a time (a second waiter: -E_BUSY).
 *   int $52 (irq_ack):  %ecx the IRQ cap. Unmasks a line that delivery
 *                       masked (IRQ_MODE_MASK); %eax 0 or -E_xxx.
 * Every other register is preserved.
 */
#define T_IRQWAIT_VECTOR 51
#define T_IRQACK_VECTOR  52
#define IRQ_MODE_MASK    0      /* masked at each delivery until irq_ack (the default) */
#define IRQ_MODE_COUNT   1      /* never masked: every edge counts */
#define IRQ_VTIMER       16     /* the virtual timer line */
#define IRQ_NLINES       17     /* lines 0..15 of the two PICs, and IRQ_VTIMER */
#define IO_PORTS         0x10000
#define ROOT_IRQ_CONTROL_SLOT (NCAP - 1)
#define ROOT_IOPORT_SLOT      (NCAP - 2)

#ifndef __ASSEMBLER__
/* irq_info(cap, *info): the line an IRQ cap names, as it is now. */
struct irq_info {
	int line;
	int mode;               /* IRQ_MODE_xxx */
	int owner;              /* the owner domain's id */
	int waiter;             /* the pid asleep in irq_wait, or 0 */
	unsigned int pending;   /* deliveries since the last irq_wait */
	int masked;             /* 1 from a delivery (IRQ_MODE_MASK) to its irq_ack */
	int latched;            /* 1 if an edge came while masked (the 8259's request latch) */
	unsigned int delivered; /* deliveries since irq_get */
	unsigned int acked;     /* irq_acks that unmasked it */
	unsigned int edge_tsc;  /* rdtsc when the last edge arrived (low 32 bits) */
};
#endif

/* User address space (mm/layout.h is the kernel's view of the same). */
#define UABI_USER_BASE   0x40000000u   /* programs are linked here */
#define UABI_USER_TOP    0xC0000000u   /* the stack's top */
#define UABI_STACK_PAGES 2             /* 8 KiB of user stack, guard below */
/* The heap's limit: below the stack, its guard page, the exception stack
 * (as big as the stack, lab 7) and its guard page. */
#define UABI_HEAP_LIMIT  (UABI_USER_TOP - (2 * UABI_STACK_PAGES + 2) * 4096u)

#endif
