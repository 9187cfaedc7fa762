/*
 * proc.h - the process table: one entry per thread or process, holding
 * everything the kernel knows about it, including its saved registers.
 *
 * States and their transitions (each made with interrupts off):
 *
 *   UNUSED --proc_alloc--> EMBRYO --sched_make_runnable--> RUNNABLE
 *   RUNNABLE --sleep--> SLEEPING --wakeup/proc_wake--> RUNNABLE
 *   RUNNABLE --proc_exit--> ZOMBIE --proc_reap (by the parent)--> UNUSED
 *
 * The running thread is the one current_proc points at; it is RUNNABLE
 * like every other thread on the run queue's ring (sched.c), so a switch
 * changes no state at all. A RUNNABLE entry is on the ring and nowhere
 * else; a SLEEPING one has a non-null chan and is on the sleepers list
 * (sleep_next, sleep_prev).
 *
 * Where a stopped thread's registers are (`saved`; while a thread runs, it
 * says how it stopped last):
 *   SAVED_NOT_STARTED  it has never run: a kernel thread's kctx points at
 *                      kthread_bootstrap (a user process starts as
 *                      SAVED_TRAPFRAME, with a frame that enters ring 3);
 *   SAVED_KCTX         it stopped in sched_yield or sleep: callee-saved
 *                      registers in kctx, resumed with resctx;
 *   SAVED_TRAPFRAME    an interrupt preempted it: every register in tf,
 *                      written by the trap path and restored by it. This
 *                      is the design of MIT's Beta teaching machine, which
 *                      beta86 is named after: the interrupted context is
 *                      saved into the process table, not left on a stack.
 */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stdint.h>
#include "proc/kctx.h"
#include "cpu/fpu.h"
#include "cpu/trapframe.h"
#include "abi.h"

struct file;
struct ramdisk_file;
struct domain;

#define NPROC         64
#define PROC_NAME_LEN 16

enum proc_state {
	PROC_UNUSED,
	PROC_EMBRYO,
	PROC_RUNNABLE,
	PROC_SLEEPING,
	PROC_ZOMBIE,
};

enum proc_saved {
	SAVED_NOT_STARTED,
	SAVED_KCTX,
	SAVED_TRAPFRAME,
};

/* A thread's invocation stack (lab 6, dom/): the domains it has entered,
 * one frame each. inv[0] is a user process's home domain; each dom_call
 * pushes a frame and dom_return pops it. The caller's registers are not
 * here: they stay in its trap frame on the kernel stack, one struct
 * trapframe above the callee's (see kstack_top, and dom/call.c). */
enum inv_kind {
	INV_HOME,       /* the process's own domain, inv[0] */
	INV_CALL,       /* entered by dom_call */
	INV_FAULT,      /* entered to handle a fault (lab 7) */
};

struct inv_frame {
	struct domain *dom;           /* the domain entered */
	uint32_t gen;                 /* its generation then: another one now means it died */
	enum inv_kind kind;
	uint32_t fault_addr;          /* INV_FAULT: the faulting address (CR2) it handles */
};

#define INV_FRAMES (INV_MAX_CALLS + 1)    /* the home frame and the levels above */

/* The loop detector of fault delivery (lab 7, dom/fault.c): the state of
 * the last fault delivered on this thread, and how many deliveries in a
 * row found exactly that state again. The state is a copy of the whole
 * faulting trap frame (one struct copy: every fault that differs from the
 * last one is saved, and most do), of which the detector compares the
 * registers, eip, esp, eflags, vector and error code. */
struct fault_watch {
	struct trapframe frame;       /* the faulting frame, as delivered */
	uint32_t addr;                /* its faulting address */
	struct domain *dom;           /* the faulting domain */
	int repeats;
};

struct proc {
	struct trapframe tf;          /* registers at preemption (SAVED_TRAPFRAME) */
	struct kctx kctx;             /* registers at a voluntary switch (SAVED_KCTX) */
	enum proc_saved saved;
	enum proc_state state;
	int slot;                     /* its index in proc_table, for per-thread tables above */
	int pid;
	char name[PROC_NAME_LEN];
	struct proc *parent;
	int exit_status;
	/* Where a trap from ring 3 builds its frame: TSS.esp0 while it runs.
	 * The top of the kernel stack (kstack_end), less one struct trapframe
	 * for each domain call it is in: a callee's traps land below the
	 * frame of the call that entered it, which waits there for dom_return. */
	uint32_t kstack_top;
	uint32_t kstack_end;          /* the top of its kernel stack: its initial esp */
	void *chan;                   /* what it sleeps on, when SLEEPING (until sleep
	                               * returns: the trace reads it at the wakeup) */
	uint32_t wake_tick;           /* for sleep_ticks */
	struct proc *rq_next, *rq_prev;   /* the run queue ring, when RUNNABLE */
	struct proc *sleep_next, *sleep_prev; /* the sleepers list, when SLEEPING */
	struct proc *timer_next;      /* sleep_ticks list, sorted by wake_tick */
	void (*entry)(void *);        /* a kernel thread's function ... */
	void *arg;                    /* ... and its argument */

	/* A user process (lab 4 on). All zero for a kernel thread. */
	const struct ramdisk_file *program;   /* what it runs; non-zero = a user process */
	uint32_t *pgdir;              /* its address space (0 once it has exited) */
	uint32_t brk_base, brk;       /* its heap: [brk_base, brk), see sbrk */
	struct file *files[NOFILE];   /* its descriptors */
	int killed;                   /* 0, or the wait status it is to die with */
	struct fpu_state fpu;         /* its FPU registers, unless it is fpu_owner (proc_fpu.h) */

	/* Domains (lab 6): all zero for a kernel thread. */
	struct inv_frame inv[INV_FRAMES];   /* its invocation stack */
	int inv_top;                  /* inv[inv_top] is the domain it runs in */
	int unwind;                   /* a domain on inv[] died: unwind on the way to user mode */
	uint32_t call_stack_top;      /* its call stack's top in every created domain (fixed by
	                               * slot: dom/dom.h's dom_slot_call_stack_top) */
	/* Faults (lab 7): the address (CR2) of the fault this thread is
	 * delivering or reporting, and the loop detector. */
	uint32_t fault_addr;
	struct fault_watch fault_watch;
	/* Interrupts (lab 8): the line it sleeps on in irq_wait, or
	 * PS_NO_IRQ (abi.h), for ps and Ctrl-P. */
	int irq_line;
};

extern struct proc proc_table[NPROC];
extern struct proc *current_proc;
/* The first user process (uproc_start_init sets it), which adopts the
 * children of every thread or process that exits; 0 until it starts. */
extern struct proc *init_proc;

/* Make the boot thread entry 0 ("kmain") and current_proc. */
void proc_init(void);
/* A free entry in EMBRYO state with a pid, a name and a kernel stack;
 * 0 if the table or memory is full. */
struct proc *proc_alloc(const char *name);
/* End the calling thread: ZOMBIE with status; its children go to init
 * (see proc_reparent_children); its parent is woken. */
void proc_exit(int status) __attribute__((noreturn));
/* Free a ZOMBIE's kernel stack and table entry. */
void proc_reap(struct proc *p);
/* Wait for p, a child of the caller (a kernel thread or a user process),
 * to exit; reap it and return its exit status. */
int proc_join(struct proc *p);
/* Whether p is a user process rather than a kernel thread. */
static inline int proc_is_user(const struct proc *p)
{
	return p->program != 0;
}
/* Whether p must leave the system call it is in: killed, or a domain it
 * is inside died. Every sleep that a system call can wait in for long
 * ends early when this holds, and returns -E_INTR. */
static inline int proc_interrupted(const struct proc *p)
{
	return p->killed || p->unwind;
}
/* How many entries are not UNUSED (the boot thread's included). */
int proc_slots_used(void);
/* The entry with this pid that is not UNUSED, or 0. */
struct proc *proc_find(int pid);
/* The state in words; "running" for current_proc. */
const char *proc_state_name(const struct proc *p);

#endif
