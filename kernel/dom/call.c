/*
 * call.c - calls between domains: a thread migrates into the callee and
 * back (dom.h). The handlers of the two domain gates, int $49 (dom_call)
 * and int $50 (dom_return), run with interrupts off from the gate to the
 * iret (trap_entry.S): the path is short and bounded, allocates nothing
 * once a thread's call stack exists, and touches no lock.
 *
 * The kernel stack of a thread two calls deep, from its top down:
 *
 *   kstack_end ->  level 0's trap frame: home, stopped in its dom_call
 *                  level 1's trap frame: the first callee, in its dom_call
 *   kstack_top ->  level 2's trap frame: where the second callee traps
 *                  (TSS.esp0 points here)
 *
 * dom_call leaves the caller's frame where the gate built it, completes
 * the callee's first frame just below (which the gate started, with the
 * caller's general registers in it), and lowers kstack_top over the
 * caller's frame: so the caller's resume state lives only in kernel
 * memory, where no callee can reach it, and nothing is copied. dom_return
 * writes r0 and r1 into the caller's frame and resumes it, one frame up.
 * The gates' frames hold no segment registers: the gates' way out loads
 * the user selector into all four (trap_entry.S), and so does
 * dom_resume_caller for a frame resumed otherwise. A preempted callee's
 * frame is saved and restored at kstack_top like any other (sched.c), so
 * preemption needs nothing new.
 */
#include "dom/dom.h"
#include "mm/vm.h"
#include "mm/paging.h"
#include "cpu/gdt.h"
#include "cpu/x86.h"
#include "console/console.h"
#include "debug/panic.h"
#include "string.h"
#include "lab.h"

/* The facts of a crossing (trace.h's TRACE_RAW_CROSSING): the running
 * thread, whose inv_top and dom_current are already those of the level it
 * entered, and `left`, its kstack_top before. The reader (proc/trace.c)
 * tells a call from a return by where frame lies (below `left` or not),
 * and a fault from a call by the kind of the level entered (inv[inv_top])
 * or left (inv[inv_top + 1]). At the highest level there is no level
 * above, and a crossing there can only enter: fact[2] repeats the level's
 * own kind, never read. */
struct trapframe *dom_trace_cross(struct trapframe *frame, uint32_t left)
{
	struct trace_record *r = trace_claim(TRACE_RAW_CROSSING);
	const struct proc *p = current_proc;
	int level = p->inv_top;
	const struct inv_frame *top = &p->inv[level];

	r->from = p->pid;
	r->to = (int32_t)frame;
	r->arg = left;
	r->arg2 = (uint32_t)top->dom;
	r->fact[0] = (uint8_t)level;
	r->fact[1] = (uint8_t)top->kind;
	r->fact[2] = (uint8_t)top[level < INV_MAX_CALLS].kind;
	return frame;
}

/* The same, before kstack_top moves (dom_enter's). */
void dom_trace_crossing(struct trapframe *frame)
{
	dom_trace_cross(frame, current_proc->kstack_top);
}

int dom_trace_id(uint32_t domain)
{
	return dom_id((const struct domain *)domain);
}

/* The top of p's call stack in a created domain (one per process table
 * slot, dom.h's dom_slot_call_stack_top, kept in p since its home was
 * made). */
static LAB_GIVEN uint32_t dom_call_stack_top(const struct proc *p)
{
	return p->call_stack_top;
}

/* Map one of p's stacks in d: DOM_STACK_PAGES below top; 0 or -E_NOMEM
 * (and nothing mapped). */
static int dom_map_stack(struct domain *d, uint32_t top)
{
	if (vm_map_zeroed(d->pgdir, top - DOM_STACK_PAGES * PAGE_SIZE, top, PTE_W) < 0) {
		vm_unmap(d->pgdir, top - DOM_STACK_PAGES * PAGE_SIZE, top);
		return -E_NOMEM;
	}
	return 0;
}

/* Map p's call stack and exception stack in d, on p's first call into d
 * (so that a fault handler in d, lab 7, finds its stack without
 * allocating on the trap path); 0 or -E_NOMEM. */
LAB_GIVEN int dom_map_call_stack(struct domain *d, const struct proc *p)
{
	if (dom_map_stack(d, dom_call_stack_top(p)) < 0)
		return -E_NOMEM;
	if (dom_map_stack(d, dom_xstack_top(d, p)) < 0) {
		vm_unmap(d->pgdir, dom_call_stack_top(p) - DOM_STACK_PAGES * PAGE_SIZE, dom_call_stack_top(p));
		return -E_NOMEM;
	}
	d->per_thread[p->slot] |= DOM_STACK_MAPPED | DOM_XSTACK_MAPPED;
	return 0;
}

/* The callee's first frame in, whose general registers the gate stored
 * as the caller left them (trap_entry.S's vector_49): at the callee's
 * entry, in user mode, with %eax the badge, the four arguments in %edx,
 * %ebx, %esi, %edi where the caller put them (abi.h) and %ecx and %ebp 0;
 * cs, ss and eflags are the kernel's constants, and the gate's way out
 * installs the user data segments (pop_gate_frame), so a caller cannot
 * hand the callee a broken segment. */
static LAB_GIVEN void dom_callee_frame(struct trapframe *in, const struct domain *callee,
				       uint32_t badge, uint32_t esp)
{
	in->eax = badge;
	in->ecx = 0;
	in->ebp = 0;
	dom_entry_point(in, callee->entry, esp);
}

/* Push a call into callee on p's invocation stack (which has room). Its
 * fault_addr stays as it was: only a fault frame's is ever read (lab 7). */
static LAB_GIVEN void dom_push_call(struct proc *p, struct domain *callee)
{
	struct inv_frame *f = &p->inv[++p->inv_top];

	f->dom = callee;
	f->gen = callee->gen;
	f->kind = INV_CALL;
}

/* A failed call returns at once: r0 the error, r1 0, in the caller's
 * frame (the one above in), which is resumed. */
static LAB_GIVEN struct trapframe *dom_call_fail(struct trapframe *in, int err)
{
	struct trapframe *tf = in + 1;

	tf->eax = (uint32_t)err;
	tf->edx = 0;
	return tf;
}

/* dom_call's checks (dom.h): whether p may call callee now. Inlined into
 * dom_call, which calls it once; a function of its own so that every
 * refusal it finds leaves by one dom_call_fail. */
#if LAB_SOLUTION(6)
int dom_call_check(struct proc *p, struct domain *callee)
{
	uint8_t mine = callee->per_thread[p->slot];

	if (p->inv_top == INV_MAX_CALLS)
		return -E_DEEP;
	if (mine & DOM_ENTERED)
		return -E_DEADLK;
	if (!(mine & DOM_STACK_MAPPED))
		return dom_map_call_stack(callee, p);
	return 0;
}
#else
int dom_call_check(struct proc *p, struct domain *callee)
{
	LAB_STUB_ONCE(printf("pid %d (%s): dom_call_check: not implemented (lab 6)\n", p->pid, p->name));
	return -E_NOSYS;
}
#endif

/*
 * int $49: call the domain that the cap in %ecx names (CAP_RIGHT_CALL),
 * with the badge and %edx, %ebx, %esi, %edi. Refused, with the caller
 * resumed at once: a bad cap (cap_lookup's errors), a full invocation stack
 * (-E_DEEP), a domain already on this thread's stack (-E_DEADLK: it would
 * wait for itself), no memory for this thread's first call stack there
 * (-E_NOMEM). in is the callee's first frame, just below the caller's
 * (in + 1, at the top of the trap stack), with the caller's general
 * registers in it (trap_entry.S).
 *
 * The order is the cheapest one: the callee's frame is written as soon as
 * the cap is good, so that nothing of the cap is still needed after it
 * (in is scratch until the call is made: a refusal resumes the frame above
 * it, and the frame is written again by the next call); nothing the rest
 * of the kernel sees (per_thread, inv[], kstack_top) changes before every
 * check has passed.
 */
#if LAB_SOLUTION(6)
struct trapframe *dom_call(struct trapframe *in)
{
	struct proc *p = current_proc;
	struct cap *c;
	int err = cap_lookup(dom_current(p), (int)in->ecx, CAP_TYPES_DOMAIN, CAP_RIGHT_CALL, &c);

	if (err < 0)
		return dom_call_fail(in, err);
	struct domain *callee = c->dom;
	dom_callee_frame(in, callee, c->badge, dom_call_stack_top(p));
	if ((err = dom_call_check(p, callee)) < 0)
		return dom_call_fail(in, err);
	callee->per_thread[p->slot] |= DOM_ENTERED;
	dom_push_call(p, callee);
	return dom_cross(p, callee, in, (uint32_t)(in + 2));       /* from above the caller's frame */
}
#else
struct trapframe *dom_call(struct trapframe *in)
{
	LAB_STUB_ONCE(printf("pid %d (%s): dom_call: not implemented (lab 6)\n", current_proc->pid, current_proc->name));
	return dom_call_fail(in, -E_NOSYS);
}
#endif

/*
 * int $50: end the call the thread is in; the caller's dom_call returns
 * %ecx (r0) and %edx (r1), with every other register as it was. With no
 * call to return from (at home, or in a fault handler's frame, lab 7),
 * -E_INVAL to the thread itself. tf is the callee's frame; the caller's
 * is the one above it.
 */
#if LAB_SOLUTION(6)
struct trapframe *dom_return(struct trapframe *tf)
{
	struct proc *p = current_proc;
	struct inv_frame *f = &p->inv[p->inv_top];

	if (f->kind != INV_CALL) {
		tf->eax = (uint32_t)-E_INVAL;
		return tf;
	}
	f->dom->per_thread[p->slot] &= (uint8_t)~DOM_ENTERED;
	p->inv_top--;
	struct trapframe *caller = tf + 1;
	caller->eax = tf->ecx;
	caller->edx = tf->edx;
	return dom_cross(p, f[-1].dom, caller, (uint32_t)caller);  /* from above the callee's frame */
}
#else
struct trapframe *dom_return(struct trapframe *tf)
{
	LAB_STUB_ONCE(printf("pid %d (%s): dom_return: not implemented (lab 6)\n", current_proc->pid, current_proc->name));
	tf->eax = (uint32_t)-E_NOSYS;
	return tf;
}
#endif

/* Resume in tf the caller at invocation level `level` of p, with
 * dom_call's result err: its frame as vector_49 left it, and the user
 * selectors in the data segments, which a gate's frame does not hold
 * (trap_entry.S: the gates install them on the way out, and tf is popped
 * by trap_return, which pops what the frame says). */
static LAB_GIVEN void dom_resume_caller(struct trapframe *tf, const struct proc *p, int level, int err)
{
	*tf = *dom_level_frame(p, level);
	tf->gs = tf->fs = tf->es = tf->ds = USER_DS;
	tf->eax = (uint32_t)err;
	tf->edx = 0;
}

/*
 * Unwind p (dom.h): the lowest dead level and everything above it go, and
 * the caller at the level below resumes from its own frame, copied over
 * tf (the frame trap_return is about to pop), with dom_call's result
 * -E_DEAD. The lowest dead level is always a call: a fault handler (lab 7)
 * is the faulting domain or one of its managers, so its death kills the
 * faulting domain below it too. The home domain dies only when its
 * process exits, so a dead level 0 is a broken invariant.
 */
#if LAB_SOLUTION(6)
void dom_unwind(struct proc *p, struct trapframe *tf)
{
	int dead = dom_lowest_dead(p);

	p->unwind = 0;
	if (dead < 0)
		return;
	if (dead == 0)
		panic("dom_unwind: pid %d's home domain died while it runs", p->pid);
	struct domain *top = dom_current(p);
	dom_resume_caller(tf, p, dead - 1, -E_DEAD);
	for (int level = dead; level <= p->inv_top; level++)
		p->inv[level].dom->per_thread[p->slot] &= (uint8_t)~dom_level_flag(&p->inv[level]);
	p->inv_top = dead - 1;
	dom_enter(p, dom_current(p), dom_level_frame(p, dead - 1));
	dom_leave(top);
}
#else
void dom_unwind(struct proc *p, struct trapframe *tf)
{
	panic("dom_unwind: not implemented (lab 6)");
}
#endif
