/*
 * dom.h - protection domains (lab 6): an address space, a capability table
 * and a manager, entered by threads that migrate into them with dom_call.
 *
 * A domain has no threads of its own. Every user process runs first in its
 * home domain (what exec builds: domain.c's dom_home_*); a domain created
 * with dom_create is entered only by a call, on a borrowed thread, and runs
 * on a stack of that thread's own in its address space (the call stacks,
 * below). docs/05-domains.md tells the whole story.
 *
 * States:  FREE --dom_alloc--> LIVE --dom_destroy--> DYING --last thread out--> FREE
 * A DYING domain's generation has already moved on, so every capability and
 * every invocation frame naming it is stale; its memory is freed when no
 * thread runs in it any more, because a thread inside it may be in a
 * system call that is still copying to or from that memory. Who is inside
 * is counted when it dies (threads), not on every call: a live domain's
 * count means nothing, and the call path stays without it.
 */
#ifndef DOM_DOM_H
#define DOM_DOM_H

#include <stdint.h>
#include "dom/cap.h"
#include "mm/layout.h"
#include "proc/proc.h"
#include "proc/trace.h"
#include "cpu/gdt.h"
#include "cpu/x86.h"
#include "cpu/trapframe.h"
#include "console/console.h"
#include "abi.h"
#include "lab.h"

#define NDOM (NPROC + NDOM_CREATED)     /* a home per process slot, and the created ones */

/* A created domain's user space: its image from USER_BASE up, below
 * DOM_IMAGE_LIMIT; then, per process table slot, an exception stack
 * (where its fault handler runs on that thread, lab 7) and, at the top,
 * a call stack; each DOM_STACK_PAGES with an unmapped guard page below,
 * both mapped the first time that slot's thread calls in (call.c's
 * dom_map_call_stack). */
#define DOM_STACK_PAGES   2u
#define DOM_STACK_STRIDE  ((DOM_STACK_PAGES + 1) * PAGE_SIZE)
#define DOM_STACKS_BOTTOM (USER_TOP - NPROC * DOM_STACK_STRIDE)
#define DOM_XSTACKS_BOTTOM (DOM_STACKS_BOTTOM - NPROC * DOM_STACK_STRIDE)
#define DOM_IMAGE_LIMIT   DOM_XSTACKS_BOTTOM

/* The top of the call stack of process table slot `slot`, the same in
 * every created domain: computed once, when the thread gets its home
 * (dom_home_create keeps it in the thread's call_stack_top), so that
 * dom_call loads it and does not multiply. */
static inline uint32_t dom_slot_call_stack_top(int slot)
{
	return USER_TOP - (uint32_t)slot * DOM_STACK_STRIDE;
}

/* What a domain knows of each thread (struct domain's per_thread, by
 * process table slot), so that dom_call's and fault delivery's checks are
 * O(1), not a search. */
#define DOM_ENTERED       0x1   /* on that thread's invocation stack as a call (or its home): a call would deadlock */
#define DOM_STACK_MAPPED  0x2   /* that thread's call stack here is mapped */
#define DOM_HANDLING      0x4   /* on that thread's stack as a fault handler (lab 7) */
#define DOM_XSTACK_MAPPED 0x8   /* that thread's exception stack here is mapped: a handler here can run on it */

enum dom_state {
	DOM_FREE,
	DOM_LIVE,
	DOM_DYING,
};

struct domain {
	enum dom_state state;
	uint32_t gen;                 /* moves on when the domain dies */
	char name[DOM_NAME_MAX];      /* its program */
	const struct ramdisk_file *program;   /* for symbols in fault reports */
	uint32_t *pgdir;              /* its address space */
	struct domain *manager;       /* who created it; 0 for a home domain */
	struct proc *home_of;         /* the process whose home it is, or 0 */
	uint32_t entry;               /* where dom_call enters (0: a home domain) */
	uint32_t handler_eip;         /* its fault handler (lab 7), for the vectors ... */
	uint32_t handler_mask;        /* ... in this mask (FAULT_VECTOR_BIT); 0: none */
	uint8_t per_thread[NPROC];    /* DOM_ENTERED, DOM_HANDLING, DOM_*STACK_MAPPED, by proc slot */
	int threads;                  /* DYING: threads still running in it (top frame here) */
	struct cap caps[NCAP];        /* its capability table; caps[0] names itself */
};

extern struct domain dom_table[NDOM];

/* Whether cap c's object is still the generation c was made for, and so
 * live: one compare, because every way out of DOM_LIVE moves the object's
 * gen on (domain.c: dom_kill_one as it starts dying, dom_adopt when it
 * gives a new domain up), and gen never comes back (dom_alloc counts on
 * from it). A DYING or FREE domain's gen is one that no cap was made with
 * while it was live. */
static inline int cap_live(const struct cap *c)
{
	return c->dom->gen == c->gen;
}

/*
 * The cap in d's slot if it is one of types, has every right in rights
 * and names a live object: 0 and *out, or -E_BADCAP (slot out of range,
 * empty, another type), -E_PERM (a right missing) or -E_DEAD (stale).
 * Checked in that order, so a stale cap of the wrong type is a bad cap.
 * The slot comes from the user: a negative one is huge as unsigned.
 * Every capability system call and the domain call gate start with it,
 * so it is here in the header, where the gate's code takes it in (it
 * is cap.h's, but needs struct domain).
 */
#if LAB_SOLUTION(6)
static inline int cap_lookup(struct domain *d, int slot, uint32_t types, uint32_t rights,
			     struct cap **out)
{
	struct cap *c;

	if ((uint32_t)slot >= NCAP)
		return -E_BADCAP;
	c = &d->caps[slot];
	if (!cap_type_in(types, c->type))      /* an empty slot too: no set has CAP_EMPTY */
		return -E_BADCAP;
	if ((c->rights & rights) != rights)
		return -E_PERM;
	if (!cap_live(c))
		return -E_DEAD;
	*out = c;
	return 0;
}
#else
static inline int cap_lookup(struct domain *d, int slot, uint32_t types, uint32_t rights,
			     struct cap **out)
{
	LAB_STUB_ONCE(printf("cap_lookup: not implemented (lab 6)\n"));
	return -E_BADCAP;
}
#endif
/* The domain's id (its table index), as user programs see it. */
static inline int dom_id(const struct domain *d)
{
	return (int)(d - dom_table);
}

/* The domain thread p runs in (0 for a kernel thread). */
static inline struct domain *dom_current(const struct proc *p)
{
	return p->inv[p->inv_top].dom;
}

/* Whether p is inside a domain call (not in its home domain). */
static inline int dom_in_call(const struct proc *p)
{
	return p->inv_top > 0;
}

/* Whether invocation frame f's domain has died since f was pushed. */
static inline int dom_frame_dead(const struct inv_frame *f)
{
	return f->gen != f->dom->gen;
}

/* The per_thread flag that invocation frame f sets in its domain while it
 * is on the stack: DOM_HANDLING for a fault handler, DOM_ENTERED else. */
static inline uint8_t dom_level_flag(const struct inv_frame *f)
{
	return f->kind == INV_FAULT ? DOM_HANDLING : DOM_ENTERED;
}

/* The lowest level of p's invocation stack whose domain has died, or -1:
 * where an unwind starts (dom_unwind), and whether one is due at all. */
static inline int dom_lowest_dead(const struct proc *p)
{
	for (int level = 0; level <= p->inv_top; level++)
		if (dom_frame_dead(&p->inv[level]))
			return level;
	return -1;
}

/* ---- domain.c: the domain table, creation and destruction (given) ---- */

/* Give process p (which has no home yet) a home domain with address space
 * pgdir and program, with only the self capability; 0 or -E_NOSLOT. */
int dom_home_create(struct proc *p, uint32_t *pgdir, const struct ramdisk_file *program);
/* The first process's home gets the root authority of lab 8 (abi.h): the
 * IRQ-control cap in ROOT_IRQ_CONTROL_SLOT and the I/O-port cap in
 * ROOT_IOPORT_SLOT, covering every line and every port. */
void dom_grant_root_authority(struct proc *p);
/* fork: the child's home domain gets a derived copy of every capability
 * in the parent's home table, slot for slot (slot 0 names the child), and
 * the parent's fault handler (lab 7), whose exception stack came with the
 * copied address space. */
void dom_home_fork(struct proc *child, const struct proc *parent);
/* exec: the home domain's address space becomes pgdir; the old one is
 * freed. Its capabilities stay, like descriptors; its fault handler goes
 * with the program it was in. */
void dom_home_replace(struct proc *p, uint32_t *pgdir, const struct ramdisk_file *program);
/* exit: leave every call, destroy the home domain and every domain it
 * manages, and free them. p->pgdir is 0 afterwards. */
void dom_exit(struct proc *p);

/* A new domain from ramdisk program path, managed by the current domain;
 * its management capability's slot in the current domain, or -E_xxx. */
int dom_create(const char *path, int flags);
/* Destroy the domain a management capability names and every domain it
 * manages (docs/05-domains.md, "Death"); 0 or -E_xxx. */
int dom_destroy(int slot);
/* Kill domain d (and what it manages) because of reason, said in one line
 * by the caller; used for a fault in a callee. */
void dom_destroy_tree(struct domain *d);
/* The thread has left d, a domain that was its top frame, by unwinding or
 * exiting: if d is DYING it has one thread less inside, and with none
 * left it is freed. Interrupts off; they may be turned on for the freeing. */
void dom_leave(struct domain *d);

/* ---- call.c: calls, returns and unwinding ---- */

/* The handlers of the two domain gates (abi.h): they return the frame to
 * resume, the callee's or the caller's. */
struct trapframe *dom_call(struct trapframe *in);
struct trapframe *dom_return(struct trapframe *tf);
/* The checks of a call by p into callee, before anything changes (the
 * student's, with dom_call): 0, or -E_DEEP (p is INV_MAX_CALLS deep),
 * -E_DEADLK (callee is on p's stack already: DOM_ENTERED) or -E_NOMEM
 * (p's first call there maps its stacks, which may fail). */
int dom_call_check(struct proc *p, struct domain *callee);
/* Map p's call stack and exception stack in d, on p's first call into d:
 * 0 or -E_NOMEM. Out of line, so that the common call carries none of it. */
int dom_map_call_stack(struct domain *d, const struct proc *p);
/* On the way back to user mode of a thread with p->unwind set: pop every
 * frame from the lowest dead domain up and resume the caller below it,
 * whose dom_call returns -E_DEAD, in tf (the frame about to be resumed).
 * Interrupts off. */
void dom_unwind(struct proc *p, struct trapframe *tf);
/* The trap frame of invocation level `level`: one struct trapframe per
 * level below the top of the kernel stack. The top level's is the frame
 * the thread last trapped from user mode with. */
static inline struct trapframe *dom_level_frame(const struct proc *p, int level)
{
	return (struct trapframe *)p->kstack_end - (level + 1);
}
static inline struct trapframe *dom_user_frame(const struct proc *p)
{
	return dom_level_frame(p, p->inv_top);
}

/* The record of a crossing in the scheduling trace (call.c), of the
 * running thread, which enters frame and had kstack_top `left` before:
 * raw facts, out of line and cold, so that the gates' own code, tracing
 * off, pays one test. dom_trace_cross returns frame (dom_cross's way to
 * keep nothing across it); dom_trace_crossing, dom_enter's, is the same
 * before kstack_top moves. And the domain's id, for the trace's dump. */
struct trapframe *dom_trace_cross(struct trapframe *frame, uint32_t left) __attribute__((noinline, cold));
void dom_trace_crossing(struct trapframe *frame) __attribute__((noinline, cold));
int dom_trace_id(uint32_t domain);

/* The running thread p now runs at its top level, in domain d (its
 * dom_current), whose trap frame is frame (dom_level_frame(p, p->inv_top)):
 * its traps land there (kstack_top and TSS.esp0 just above it), and its
 * address space is d's (pgdir and CR3: invariant 5). dom_cross and
 * dom_enter, below, are this and the scheduling trace's record. */
static inline void dom_switch(struct proc *p, const struct domain *d, struct trapframe *frame)
{
	p->kstack_top = (uint32_t)(frame + 1);
	p->pgdir = d->pgdir;
	tss_set_kernel_stack(p->kstack_top);
	write_cr3((uint32_t)p->pgdir);
}

/* dom_switch for the gates' handlers (call.c), which know `left`, the
 * kstack_top the thread had before: the crossing's record (call.c's
 * dom_trace_cross) comes last and hands back frame, so that a handler
 * that returns what this returns keeps nothing across the hook's call,
 * and needs fewer registers. Returns frame. */
static inline struct trapframe *dom_cross(struct proc *p, const struct domain *d, struct trapframe *frame,
					  uint32_t left)
{
	dom_switch(p, d, frame);
	if (trace_is_on())
		return dom_trace_cross(frame, left);
	return frame;
}

/* dom_switch for everyone else (fault delivery and resume, lab 7;
 * dom_unwind): the record first, while kstack_top is still `left`. */
static inline void dom_enter(struct proc *p, const struct domain *d, struct trapframe *frame)
{
	if (trace_is_on())
		dom_trace_crossing(frame);
	dom_switch(p, d, frame);
}

/* What iret takes from a new level's first frame: at eip on stack esp, in
 * user mode, with the kernel's own cs, ss and eflags (interrupts on):
 * never anything the user chose. Enough for a frame a domain gate pops,
 * which installs the data segments itself (trap_entry.S's pop_gate_frame). */
static inline void dom_entry_point(struct trapframe *frame, uint32_t eip, uint32_t esp)
{
	frame->eip = eip;
	frame->cs = USER_CS;
	frame->eflags = EFLAGS_IF | EFLAGS_RSVD;
	frame->esp = esp;
	frame->ss = USER_DS;
}

/* frame becomes a new level's first frame (dom_entry_point) with the user
 * data segments too: for a frame that trap_return pops. The caller sets
 * the general registers. */
static inline void dom_entry_frame(struct trapframe *frame, uint32_t eip, uint32_t esp)
{
	frame->gs = frame->fs = frame->es = frame->ds = USER_DS;
	dom_entry_point(frame, eip, esp);
}

/* The top of p's exception stack in d: a home domain's one (its own
 * thread's), or a created domain's for p's slot (see DOM_XSTACKS_BOTTOM). */
static inline uint32_t dom_xstack_top(const struct domain *d, const struct proc *p)
{
	return d->home_of ? USER_XSTACK_TOP : DOM_STACKS_BOTTOM - (uint32_t)p->slot * DOM_STACK_STRIDE;
}

/* ---- fault.c: exception-handler domains (lab 7) ---- */

/* How a fault ends when delivery or fault_resume has no frame to resume
 * (they return 0), for the trap and system call layers to act on
 * (trap/user_fault.c's user_fault_settle). The common case, a frame to
 * resume, is their result alone: no record is written. */
enum fault_verdict {
	FAULT_UNHANDLED,      /* no handler takes it: the faulting domain dies (lab 4/6's line) */
	FAULT_KILLED,         /* handler asked fault_resume to kill the faulting domain */
	FAULT_LOOPING,        /* the same fault from the same registers FAULT_LOOP_LIMIT times
				 * in a row: handler's domain dies with "fault loop" */
	FAULT_REFUSED,        /* fault_resume: not in a handler, or an unknown action */
};

struct fault_outcome {
	enum fault_verdict verdict;
	struct trapframe *frame;      /* the faulting frame (REFUSED: the handler's) */
	struct domain *handler;       /* KILLED, LOOPING: the handler in question */
};

/* A fault in user mode, in tf (the top level's frame, with room below it
 * for one more: trap_entry.S), at p->fault_addr: deliver it to the first
 * handler up the manager chain from domain `from`, which is the faulting
 * domain (dom_current) for a fault just raised, and a passing handler's
 * manager for FAULT_PASS (dom_fault_resume). The handler's entry frame,
 * to resume; or 0, and *end says how the fault ends (UNHANDLED, LOOPING:
 * the loop detector looks at a fault just raised). Interrupts off. */
struct trapframe *dom_fault_deliver(struct trapframe *tf, struct domain *from, struct fault_outcome *end);
/* fault_resume(action) from the handler at the top of the current
 * thread's stack; tf is the handler's frame. The frame to resume (the
 * faulting level's, or after a pass the next handler's entry frame); or
 * 0, and *end says how the fault ends (REFUSED, KILLED, or UNHANDLED or
 * LOOPING after a pass). Called with nothing pending for the way out (no
 * kill, no dead domain: sys_fault_resume acts on those first), and
 * interrupts off. The frame's data selectors need not be set: the gate's
 * way out installs the user's (trap_entry.S's pop_gate_frame). */
struct trapframe *dom_fault_resume(int action, struct trapframe *tf, struct fault_outcome *end);
/* The fault_regs gate's handler (int $54, trap_entry.S; abi.h), like
 * dom_call's: fault_regs(op, uregs) from a handler, op in %ecx and uregs
 * in %edx, its result in %eax: 0 or -E_INVAL (not in a handler, an
 * unknown op, SET with an eip or esp outside the faulting domain's user
 * space) or -E_FAULT (uregs). Returns tf. Interrupts off throughout. */
struct trapframe *dom_fault_regs(struct trapframe *tf);
/* dom_set_handler(eip, mask) for the current domain: 0, -E_FAULT (eip is
 * not a user address), -E_INVAL (a vector outside FAULT_VECTORS_HANDLED)
 * or -E_NOMEM (a home domain's exception stack). */
int dom_set_handler(uint32_t eip, uint32_t mask);
/* dom_map(mcap, va, flags): a zeroed page at va in the domain mcap
 * manages: 0, -E_INVAL (va not a page of an image area, or unknown flags:
 * checked first, before the cap), cap_lookup's errors, -E_INVAL (already
 * mapped) or -E_NOMEM. */
int dom_map(int mcap, uint32_t va, int flags);

#endif
