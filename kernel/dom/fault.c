/*
 * fault.c - exception-handler domains (lab 7): a fault in user mode is
 * delivered as an invocation of a handler domain, which reads and edits
 * the faulting registers and then resumes them, passes the fault on, or
 * kills the faulting domain.
 *
 * A fault at level k (the faulting domain, inv[k]) leaves its trap frame
 * where the CPU and the entry stub built it: dom_level_frame(p, k), in
 * kernel memory, where no handler reaches it but through fault_regs. The
 * delivery pushes a fault frame (INV_FAULT) at level k + 1 and builds the
 * handler's entry frame below it, in the room trap_entry.S keeps below
 * every trap frame, exactly as dom_call builds a callee's (call.c): one
 * frame per level, so dom_level_frame, preemption and the unwind need
 * nothing new. fault_resume pops the level and resumes level k's frame.
 *
 * The trap path allocates nothing (invariant 1): the faulting state stays
 * on the kernel stack, the fault frame is a slot of inv[], and the
 * handler runs on an exception stack mapped before any fault could need
 * it (a home domain's by dom_set_handler, a created domain's with the
 * thread's call stack there). A handler whose stack is not mapped for
 * this thread, or a full invocation stack, is passed over like a handler
 * that does not take the vector.
 */
#include "dom/dom.h"
#include "mm/vm.h"
#include "mm/paging.h"
#include "debug/panic.h"
#include "string.h"
#include "lab.h"

/* The eflags a handler may set in the faulting state: the arithmetic
 * flags and DF. TF, IOPL, NT, RF, VM, AC and the rest are the kernel's:
 * a resumed program runs with interrupts on and nothing else. */
#define EFLAGS_CF 0x001u
#define EFLAGS_PF 0x004u
#define EFLAGS_AF 0x010u
#define EFLAGS_ZF 0x040u
#define EFLAGS_SF 0x080u
#define EFLAGS_DF 0x400u
#define EFLAGS_OF 0x800u
#define EFLAGS_HANDLER_MAY_SET \
	(EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_DF | EFLAGS_OF)

/*
 * The manager chain walk: the first domain from d upward (d, its manager,
 * that one's manager, ... up to a home domain, whose manager is 0) that
 * takes a fault with this vector on thread p now: live, with the vector
 * in its mask, not handling a fault on this thread already (invariant 6:
 * a second fault there goes on to its manager), and with p's exception
 * stack mapped. 0 if none does. The chain has no cycles (a domain is
 * created by its manager).
 */
#if LAB_SOLUTION(7)
static struct domain *dom_fault_find_handler(const struct proc *p, struct domain *d, uint32_t vector)
{
	for (; d; d = d->manager) {
		uint8_t mine = d->per_thread[p->slot];
		if (d->state == DOM_LIVE && (d->handler_mask & FAULT_VECTOR_BIT(vector)) &&
		    !(mine & DOM_HANDLING) && (mine & DOM_XSTACK_MAPPED))
			return d;
	}
	return 0;
}
#else
static struct domain *dom_fault_find_handler(const struct proc *p, struct domain *d, uint32_t vector)
{
	while (d && !d->handler_mask)
		d = d->manager;
	if (d)          /* silent unless a handler was set: labs 4-6 kill as before */
		LAB_STUB_ONCE(printf("pid %d (%s): dom_fault_find_handler: not implemented (lab 7)\n", p->pid, p->name));
	return 0;
}
#endif

/* The handler's entry frame, below the faulting frame tf: at its eip on
 * its exception stack, with the fault in registers (abi.h). */
static LAB_GIVEN struct trapframe *dom_handler_frame(const struct proc *p, const struct trapframe *tf,
						     const struct domain *h, const struct domain *faulting)
{
	struct trapframe *in = (struct trapframe *)tf - 1;

	in->eax = tf->vector;
	in->ecx = p->fault_addr;
	in->edx = tf->error;
	in->ebx = (uint32_t)dom_id(faulting);
	in->esi = in->edi = in->ebp = 0;
	dom_entry_frame(in, h->handler_eip, dom_xstack_top(h, p));
	return in;
}

/*
 * Fault delivery: enter handler h (the walk found it) for the fault in
 * tf, the top level's frame: push a fault frame for it (with the faulting
 * address, for fault_regs and a later report), mark it handling on this
 * thread, and build its entry frame, which it returns. 0 when the
 * invocation stack is full: the only way a delivery can fail, since
 * nothing is allocated.
 */
#if LAB_SOLUTION(7)
static struct trapframe *dom_fault_enter(struct proc *p, struct trapframe *tf, struct domain *h)
{
	struct domain *faulting = dom_current(p);

	if (p->inv_top == INV_MAX_CALLS)
		return 0;
	h->per_thread[p->slot] |= DOM_HANDLING;
	p->inv[++p->inv_top] = (struct inv_frame){
		.dom = h, .gen = h->gen, .kind = INV_FAULT, .fault_addr = p->fault_addr,
	};
	struct trapframe *in = dom_handler_frame(p, tf, h, faulting);
	dom_enter(p, h, in);
	return in;
}
#else
static struct trapframe *dom_fault_enter(struct proc *p, struct trapframe *tf, struct domain *h)
{
	LAB_STUB_ONCE(printf("pid %d (%s): fault delivery: not implemented (lab 7)\n", p->pid, p->name));
	return 0;
}
#endif

/* No frame to resume from the fault in tf: *end says how it ends (with
 * handler h, for FAULT_KILLED and FAULT_LOOPING). */
static LAB_GIVEN struct trapframe *fault_ends(struct fault_outcome *end, enum fault_verdict verdict,
					      struct trapframe *tf, struct domain *h)
{
	*end = (struct fault_outcome){ .verdict = verdict, .frame = tf, .handler = h };
	return 0;
}


/* Whether the fault in tf (at addr, in domain d) comes from exactly the
 * state the loop detector saw last, and saving that state. eip is
 * compared first: two faults in a row from different places are the
 * common case (an emulator's program, a pager's), and they differ there. */
static LAB_GIVEN int fault_watch_same(const struct fault_watch *w, const struct trapframe *tf, uint32_t addr,
				      const struct domain *d)
{
	const struct trapframe *last = &w->frame;

	return last->eip == tf->eip && w->dom == d && w->addr == addr && last->vector == tf->vector &&
	       last->error == tf->error && last->eax == tf->eax && last->ecx == tf->ecx &&
	       last->edx == tf->edx && last->ebx == tf->ebx && last->esi == tf->esi &&
	       last->edi == tf->edi && last->ebp == tf->ebp && last->esp == tf->esp &&
	       last->eflags == tf->eflags;
}

static LAB_GIVEN void fault_watch_save(struct fault_watch *w, const struct trapframe *tf, uint32_t addr,
				       struct domain *d)
{
	w->frame = *tf;
	w->addr = addr;
	w->dom = d;
}

/*
 * The loop detector: whether the fault in tf, in domain d, comes from
 * exactly the state the last one delivered on this thread came from (all
 * the registers, the fault and the domain) for the FAULT_LOOP_LIMIT-th
 * time in a row. A handler that fixed something changed a register (an
 * emulator moves eip on) or memory (a pager maps the page, and the
 * instruction then runs or faults elsewhere); a program that makes
 * progress changes some register between two faults. So the same state
 * again and again means nobody fixes anything.
 */
#if LAB_SOLUTION(7)
static int dom_fault_loops(struct proc *p, const struct trapframe *tf, struct domain *d)
{
	struct fault_watch *w = &p->fault_watch;

	if (fault_watch_same(w, tf, p->fault_addr, d))
		return ++w->repeats >= FAULT_LOOP_LIMIT;
	fault_watch_save(w, tf, p->fault_addr, d);
	w->repeats = 1;
	return 0;
}
#else
static int dom_fault_loops(struct proc *p, const struct trapframe *tf, struct domain *d)
{
	return 0;
}
#endif

/* One function for both ways a fault is offered, so that the delivery
 * (dom_fault_enter) is one piece of straight code on the fault's path.
 * Only a fault just raised goes by the loop detector: a passed one is the
 * same fault again. (from is then a manager of the faulting domain, never
 * the faulting domain itself: the chain has no cycles.) */
struct trapframe *dom_fault_deliver(struct trapframe *tf, struct domain *from, struct fault_outcome *end)
{
	struct proc *p = current_proc;
	struct domain *faulting = dom_current(p);
	struct domain *h = dom_fault_find_handler(p, from, tf->vector);
	struct trapframe *in;

	if (!h)
		return fault_ends(end, FAULT_UNHANDLED, tf, 0);
	if (from == faulting && dom_fault_loops(p, tf, faulting)) {
		p->fault_watch.repeats = 0;
		return fault_ends(end, FAULT_LOOPING, tf, h);
	}
	in = dom_fault_enter(p, tf, h);
	return in ? in : fault_ends(end, FAULT_UNHANDLED, tf, 0);
}

/* The faulting state as fault_regs shows it: no selectors. */
static LAB_GIVEN void fault_regs_from_frame(struct fault_regs *r, const struct trapframe *f,
					    uint32_t addr, const struct domain *faulting)
{
	r->eax = f->eax;
	r->ecx = f->ecx;
	r->edx = f->edx;
	r->ebx = f->ebx;
	r->esp = f->esp;
	r->ebp = f->ebp;
	r->esi = f->esi;
	r->edi = f->edi;
	r->eip = f->eip;
	r->eflags = f->eflags;
	r->vector = f->vector;
	r->error = f->error;
	r->addr = addr;
	r->dom = dom_id(faulting);
}

/*
 * The sanitiser: whether the registers a handler wants for the faulting
 * domain d, whose frame is f, can be resumed there. eip must be a user
 * address; esp one whose next push (the word below it) lands in a
 * present, writable user page of d, which rules out the kernel, a guard
 * page and anything unmapped. An esp the handler left as it is in f (the
 * common case: an emulator moves eip on, a pager changes nothing) is only
 * checked for being a user address: its page is the faulting domain's
 * own business, as it is for a resume without a SET, and the page walk is
 * most of what a SET costs. eflags is not checked but masked
 * (fault_regs_to_frame). The word is looked up with one page walk
 * (uaccess_in_page), which says no to a word that straddles two pages
 * (only an esp that is not a multiple of 4 can make one): uaccess_ok
 * decides that one.
 */
#if LAB_SOLUTION(7)
static int fault_regs_valid(const struct fault_regs *r, const struct trapframe *f, const struct domain *d)
{
	uint32_t push = r->esp - sizeof(uint32_t);

	if (r->eip < USER_BASE || r->eip >= USER_TOP)
		return 0;
	if (r->esp <= USER_BASE || r->esp > USER_TOP)
		return 0;
	if (r->esp == f->esp)
		return 1;
	return uaccess_in_page(d->pgdir, push, sizeof(uint32_t), 1) ||
	       uaccess_ok(d->pgdir, push, sizeof(uint32_t), 1);
}
#else
static int fault_regs_valid(const struct fault_regs *r, const struct trapframe *f, const struct domain *d)
{
	LAB_STUB_ONCE(printf("fault_regs_valid: not implemented (lab 7)\n"));
	return 0;
}
#endif

/* Write checked registers r into the faulting frame f: the general
 * registers, eip and esp as given, eflags masked (interrupts on, only the
 * arithmetic flags and DF the handler's). Selectors are not the handler's
 * to choose: the fault resume gate installs the user's. */
#if LAB_SOLUTION(7)
static void fault_regs_to_frame(struct trapframe *f, const struct fault_regs *r)
{
	f->eax = r->eax;
	f->ecx = r->ecx;
	f->edx = r->edx;
	f->ebx = r->ebx;
	f->esp = r->esp;
	f->ebp = r->ebp;
	f->esi = r->esi;
	f->edi = r->edi;
	f->eip = r->eip;
	f->eflags = (r->eflags & EFLAGS_HANDLER_MAY_SET) | EFLAGS_IF | EFLAGS_RSVD;
}
#else
static void fault_regs_to_frame(struct trapframe *f, const struct fault_regs *r)
{
	LAB_STUB_ONCE(printf("fault_regs_to_frame: not implemented (lab 7)\n"));
}
#endif

/* Whether the thread runs a fault handler now: its top frame is a fault
 * frame (not a call the handler made, which has its own registers). */
static int dom_in_handler(const struct proc *p)
{
	return p->inv[p->inv_top].kind == INV_FAULT;
}

/* fault_regs SET of registers r, checked, into the faulting frame. */
static int dom_fault_regs_set(struct proc *p, const struct fault_regs *r)
{
	struct trapframe *f = dom_level_frame(p, p->inv_top - 1);

	if (!fault_regs_valid(r, f, p->inv[p->inv_top - 1].dom))
		return -E_INVAL;
	fault_regs_to_frame(f, r);
	return 0;
}

/* fault_regs GET: the registers straight into the handler's struct when
 * it lies in one page (one page walk, no copy), else into r and through
 * copyout. */
static int dom_fault_regs_get(struct proc *p, uint32_t uregs)
{
	struct fault_regs *u = (struct fault_regs *)uaccess_in_page(p->pgdir, uregs, sizeof(*u), 1);
	const struct trapframe *f = dom_level_frame(p, p->inv_top - 1);
	uint32_t addr = p->inv[p->inv_top].fault_addr;
	const struct domain *faulting = p->inv[p->inv_top - 1].dom;
	struct fault_regs r;

	if (u) {
		fault_regs_from_frame(u, f, addr, faulting);
		return 0;
	}
	fault_regs_from_frame(&r, f, addr, faulting);
	return copyout(p->pgdir, uregs, &r, sizeof(r));
}

/* fault_regs SET: checked and written straight from the handler's struct
 * when it lies in one page, else from a copyin. No other thread can
 * change the struct between the check and the write (nor can a domain on
 * this thread's stack die, and the faulting domain's page directory with
 * it): interrupts are off throughout, and there is one CPU. */
static int dom_fault_regs_copy_set(struct proc *p, uint32_t uregs)
{
	const struct fault_regs *u = (const struct fault_regs *)uaccess_in_page(p->pgdir, uregs, sizeof(*u), 0);
	struct fault_regs r;

	if (!u && copyin(p->pgdir, &r, uregs, sizeof(r)) < 0)
		return -E_FAULT;
	return dom_fault_regs_set(p, u ? u : &r);
}

/* fault_regs(op, uregs): 0 or -E_xxx. */
static int dom_fault_regs_op(struct proc *p, int op, uint32_t uregs)
{
	if (!dom_in_handler(p) || (op != FAULT_REGS_GET && op != FAULT_REGS_SET))
		return -E_INVAL;
	if (op == FAULT_REGS_GET)
		return dom_fault_regs_get(p, uregs);
	return dom_fault_regs_copy_set(p, uregs);
}

struct trapframe *dom_fault_regs(struct trapframe *tf)
{
	tf->eax = (uint32_t)dom_fault_regs_op(current_proc, (int)tf->ecx, tf->edx);
	return tf;
}

/*
 * fault_resume(action) from the handler at the top of p's stack, tf its
 * frame: anything but a fault frame on top, or an action other than
 * RESUME, PASS and KILL, is refused (fault_ends FAULT_REFUSED with tf).
 * Otherwise the handler's fault frame goes (the handler no longer
 * handling on this thread, p->fault_addr the fault's again, for a
 * report) and the faulting level is entered again; its frame's selectors
 * are the user's already (invariant 7): the CPU pushed cs and ss from
 * ring 3, where the GDT has no other selectors than USER_CS and USER_DS,
 * fault_regs never writes them, and the gate's way out installs USER_DS
 * in the data segment registers (trap_entry.S's pop_gate_frame). RESUME
 * returns that frame, to go on from the faulting state as the handler
 * left it; PASS offers the fault to the handlers above this one (from its
 * manager up, dom_fault_deliver), as if this one had not taken it; KILL
 * leaves the faulting domain's death to the caller (fault_ends
 * FAULT_KILLED with that frame and the handler), which says why in one
 * line. A kill or an unwind due never reaches here: sys_fault_resume
 * acts on those first.
 */
#if LAB_SOLUTION(7)
struct trapframe *dom_fault_resume(int action, struct trapframe *tf, struct fault_outcome *end)
{
	struct proc *p = current_proc;

	if (!dom_in_handler(p) || (action != FAULT_RESUME && action != FAULT_PASS && action != FAULT_KILL))
		return fault_ends(end, FAULT_REFUSED, tf, 0);
	struct inv_frame *f = &p->inv[p->inv_top];
	struct domain *h = f->dom;
	struct trapframe *saved = dom_level_frame(p, p->inv_top - 1);
	h->per_thread[p->slot] &= (uint8_t)~DOM_HANDLING;
	p->fault_addr = f->fault_addr;
	p->inv_top--;
	dom_enter(p, dom_current(p), saved);
	if (action == FAULT_PASS)
		return dom_fault_deliver(saved, h->manager, end);
	if (action == FAULT_KILL)
		return fault_ends(end, FAULT_KILLED, saved, h);
	return saved;
}
#else
struct trapframe *dom_fault_resume(int action, struct trapframe *tf, struct fault_outcome *end)
{
	LAB_STUB_ONCE(printf("pid %d (%s): fault_resume: not implemented (lab 7)\n", current_proc->pid, current_proc->name));
	return fault_ends(end, FAULT_REFUSED, tf, 0);
}
#endif

int dom_set_handler(uint32_t eip, uint32_t mask)
{
	struct proc *p = current_proc;
	struct domain *d = dom_current(p);

	if (mask & ~FAULT_VECTORS_HANDLED)
		return -E_INVAL;
	if (mask && (eip < USER_BASE || eip >= USER_TOP))
		return -E_FAULT;
	/* A home domain's exception stack, for its own thread: mapped now, as
	 * a created domain's is when a thread first calls in. */
	if (mask && d->home_of && !(d->per_thread[p->slot] & DOM_XSTACK_MAPPED)) {
		if (vm_map_zeroed(d->pgdir, USER_XSTACK_BOTTOM, USER_XSTACK_TOP, PTE_W) < 0) {
			vm_unmap(d->pgdir, USER_XSTACK_BOTTOM, USER_XSTACK_TOP);
			return -E_NOMEM;
		}
		d->per_thread[p->slot] |= DOM_XSTACK_MAPPED;
	}
	uint32_t flags = irq_save();    /* a fault on this thread reads both */
	d->handler_eip = mask ? eip : 0;
	d->handler_mask = mask;
	irq_restore(flags);
	return 0;
}

/* The checks and the mapping with interrupts off throughout: the domain
 * must not die (and its page directory be freed) between them. One page
 * is quick to map. */
static int dom_map_locked(int mcap, uint32_t va, int flags)
{
	struct cap *c;
	int err;

	if ((flags & ~DOM_MAP_WRITE) || (va & PAGE_MASK) || va < USER_BASE || va >= DOM_IMAGE_LIMIT)
		return -E_INVAL;        /* the arguments first: they need no cap */
	if ((err = cap_lookup(dom_current(current_proc), mcap, CAP_TYPE_BIT(CAP_MANAGE), CAP_RIGHT_MANAGE, &c)) < 0)
		return err;
	if (uaccess_ok(c->dom->pgdir, va, 1, 0))
		return -E_INVAL;        /* already mapped */
	return vm_map_zeroed(c->dom->pgdir, va, va + PAGE_SIZE, (flags & DOM_MAP_WRITE) ? PTE_W : 0);
}

int dom_map(int mcap, uint32_t va, int flags)
{
	uint32_t irq = irq_save();
	int err = dom_map_locked(mcap, va, flags);

	irq_restore(irq);
	return err;
}
