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
#include "console/console.h"
#include "abi.h"
#include "lab.h"

#define NDOM (NPROC + NDOM_CREATED)     /* a home per process slot, and the created ones */

/* A created domain's user space: its image from USER_BASE up, below
 * DOM_STACKS_BOTTOM; then one call stack per process table slot, each
 * DOM_STACK_PAGES with an unmapped guard page below, mapped the first time
 * that slot's thread calls in (call.c's dom_map_call_stack). */
#define DOM_STACK_PAGES   2u
#define DOM_STACK_STRIDE  ((DOM_STACK_PAGES + 1) * PAGE_SIZE)
#define DOM_STACKS_BOTTOM (USER_TOP - NPROC * DOM_STACK_STRIDE)

/* What a domain knows of each thread (struct domain's per_thread, by
 * process table slot), so that dom_call's checks are O(1), not a search. */
#define DOM_ENTERED       0x1   /* on that thread's invocation stack: a call would deadlock */
#define DOM_STACK_MAPPED  0x2   /* that thread's call stack here is mapped */

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
	uint8_t per_thread[NPROC];    /* DOM_ENTERED, DOM_STACK_MAPPED, by proc slot */
	int threads;                  /* DYING: threads still running in it (top frame here) */
	struct cap caps[NCAP];        /* its capability table; caps[0] names itself */
};

extern struct domain dom_table[NDOM];

/* Whether cap c's object is still the generation c was made for. */
static inline int cap_live(const struct cap *c)
{
	return c->dom->gen == c->gen && c->dom->state == DOM_LIVE;
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
	if (c->type == CAP_EMPTY || !(types & CAP_TYPE_BIT(c->type)))
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
	printf("cap_lookup: not implemented (lab 6)\n");
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
/* fork: the child's home domain gets a derived copy of every capability
 * in the parent's home table, slot for slot (slot 0 names the child). */
void dom_home_copy_caps(struct proc *child, const struct proc *parent);
/* exec: the home domain's address space becomes pgdir; the old one is
 * freed. Its capabilities stay, like descriptors. */
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
struct trapframe *dom_call(struct trapframe *tf);
struct trapframe *dom_return(struct trapframe *tf);
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

#endif
