/*
 * sched.c - choosing who runs, and switching to it.
 *
 * The run queue is a ring: a circular doubly linked list threaded through
 * the RUNNABLE entries of proc_table, the running thread included. Round
 * robin is "follow the ring": the next thread to run is always
 * current_proc->rq_next, an O(1) pick that costs the same with 2 or 60
 * runnable threads. A thread that becomes runnable is linked in just
 * before runq_ring, i.e. at the end of the current round.
 *
 * Sleeping threads are on another list, sleepers (null-terminated, through
 * sleep_next/sleep_prev), so that wakeup looks only at them and not at the
 * whole process table: a pipe's ping-pong wakes on every byte.
 *
 * Invariants (interrupts off whenever they are touched):
 *   - runq_ring is 0 exactly when the ring is empty;
 *   - while the running thread is on the ring, runq_ring == current_proc;
 *   - a thread is on the ring iff its state is PROC_RUNNABLE, and on
 *     sleepers iff its state is PROC_SLEEPING.
 * "Running" is not a state of its own: it is the RUNNABLE entry that
 * current_proc points at.
 *
 * Two ways out of a thread, two ways back in:
 *   - voluntarily (sched_yield, sleep, exit): setctx saves its callee-saved
 *     registers in its kctx;
 *   - preempted by the timer (sched_preempt): the trap path's frame is
 *     copied into its process table entry, tf.
 * sched_switch_to resumes the next thread the way it was stopped.
 *
 * When nothing is runnable, the thread giving up the CPU idles in place
 * (sched_pick_or_idle): interrupts on, hlt, until a wakeup links someone
 * into the ring. No idle thread is needed, and the boot thread can wait for
 * console input before any other thread exists.
 *
 * Every switch, every idle wait and every wakeup is recorded in the
 * scheduling trace (trace.h) by the hooks sched_trace_switch,
 * sched_trace_to_idle, sched_trace_idle_end and sched_trace_wake_facts.
 * They store raw facts and decide nothing (trace.c works out the cause
 * when the ring is read). The switch's hook sits where the thread leaving
 * is still current_proc and writes its record inline, in the branch that
 * tracing off does not take, reading each fact just before it stores it:
 * so the hot path keeps nothing extra alive, and with tracing off the hook
 * costs one test and one branch. The others are cold calls that read only
 * globals, off the hot paths.
 */
#include "proc/sched.h"
#include "proc/proc.h"
#include "proc/proc_fpu.h"
#include "cpu/gdt.h"
#include "cpu/nopreempt.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "proc/timer.h"
#include "proc/trace.h"
#include "console/console.h"
#include "string.h"
#include "lab.h"

volatile int sched_need_resched;
volatile int preempt_count;
uint32_t sched_deferred_switches;

static struct proc *runq_ring;      /* see the invariants above */
static struct proc *sleepers;       /* every SLEEPING thread */
static int sched_quantum = SCHED_DEFAULT_QUANTUM;
static int sched_ticks_used;        /* by the running thread, since it was switched in */
static struct proc *timer_sleepers; /* sorted by wake_tick */

static void sched_charge_ticks(int ticks);

/* The pid of the thread whose yield is a preemption that a
 * preempt_disable section deferred (sched_preempt_pending), while it
 * yields; else NO_PID. The switch hook records it, and the trace's reader
 * calls that thread's switch a preemption. */
#define NO_PID (-1)
static int sched_deferring_pid = NO_PID;

/* The switch hooks: the CPU passes from the thread leaving, current_proc,
 * to the one entering (TRACE_IDLE: the idle CPU). Raw facts only, stored
 * inline in the unlikely branch; trace.c's reader works out the cause
 * from them. current_proc is read after the claim (trace_claim's
 * barrier), so that nothing is carried across it in a register. */
static inline __attribute__((always_inline)) void sched_trace_leaving(struct trace_record *r)
{
	const struct proc *from = current_proc;

	r->from = from->pid;
	r->arg = (uint32_t)from->chan;
	r->arg2 = (uint32_t)sched_deferring_pid;
	r->fact[0] = (uint8_t)from->state;
	r->fact[1] = (uint8_t)from->saved;
}

static inline __attribute__((always_inline)) void sched_trace_switch(const struct proc *next)
{
	if (trace_is_on()) {
		struct trace_record *r = trace_claim(TRACE_RAW_SWITCH);

		sched_trace_leaving(r);
		r->to = next->pid;
	}
}

/* Into an idle wait (current_proc sleeps, or has exited), and out of it
 * (into runq_ring). Out of line and cold, reading only globals: the idle
 * path is not a hot one, and sched_idle must stay small enough to be
 * inlined into sleep and sched_exit. */
static __attribute__((noinline, cold)) void sched_trace_to_idle(void)
{
	struct trace_record *r = trace_claim(TRACE_RAW_SWITCH);

	sched_trace_leaving(r);
	r->to = TRACE_IDLE;
}

static __attribute__((noinline, cold)) void sched_trace_idle_end(void)
{
	struct trace_record *r = trace_claim(TRACE_RAW_SWITCH);

	r->from = TRACE_IDLE;
	r->to = runq_ring->pid;
	r->arg = r->arg2 = 0;
	r->fact[0] = r->fact[1] = 0;
}

/* The wakeup hook: the running thread (or the idle CPU's, current_proc
 * still the thread that idles) woke the thread proc_wake has just linked
 * in at the tail of the ring, just before runq_ring. Out of line and
 * cold, reading only globals: inline, or with an argument, its registers
 * would cost proc_wake something, tracing off. */
static __attribute__((noinline, cold)) void sched_trace_wake_facts(void)
{
	struct trace_record *r = trace_claim(TRACE_RAW_WAKE);
	const struct proc *woken = runq_ring->rq_prev;

	r->from = current_proc->pid;
	r->fact[0] = (uint8_t)current_proc->state;
	r->to = woken->pid;
	r->arg = (uint32_t)woken->chan;
}

void sched_init(unsigned int quantum_ticks)
{
	struct proc *boot = current_proc;

	sched_quantum = (int)quantum_ticks;
	sched_charge_ticks(0);          /* nothing yet; a stub announces itself */
	boot->state = PROC_RUNNABLE;
	boot->rq_next = boot->rq_prev = boot;
	runq_ring = boot;
}

/* Link p into the ring just before at. */
static void runq_link_before(struct proc *p, struct proc *at)
{
	p->rq_next = at;
	p->rq_prev = at->rq_prev;
	at->rq_prev->rq_next = p;
	at->rq_prev = p;
}

/* Link p in just before runq_ring: last in the current round. */
static void runq_insert(struct proc *p)
{
	if (!runq_ring) {
		p->rq_next = p->rq_prev = p;
		runq_ring = p;
		return;
	}
	runq_link_before(p, runq_ring);
}

static void runq_remove(struct proc *p)
{
	if (p->rq_next == p) {
		runq_ring = 0;
		return;
	}
	p->rq_prev->rq_next = p->rq_next;
	p->rq_next->rq_prev = p->rq_prev;
	if (runq_ring == p)
		runq_ring = p->rq_next;
}

void sched_make_runnable(struct proc *p)
{
	assert_irqs_off();
	p->state = PROC_RUNNABLE;
	runq_insert(p);
}

/* Take the running thread off the ring, in its new state (sleeping or
 * zombie). runq_ring moves on to the thread after it. */
static void sched_remove_current(enum proc_state state)
{
	struct proc *cur = current_proc;

	if (cur->state != PROC_RUNNABLE)
		panic("sched: pid %d is %s while running", cur->pid, proc_state_name(cur));
	cur->state = state;
	runq_remove(cur);
}

/* Wait, interrupts on, until some thread is runnable. The current thread
 * is off the ring meanwhile, so it must not be preempted: the wait counts
 * as a preempt_disable section. Inlined into sleep and sched_exit, as a
 * branch their switch paths do not take when someone is runnable. */
static inline __attribute__((always_inline)) void sched_idle(void)
{
	if (trace_is_on())
		sched_trace_to_idle();  /* asleep, or exited */
	do {
		preempt_count++;
		sti_hlt();
		cli();
		preempt_count--;
	} while (!runq_ring);
	if (trace_is_on())
		sched_trace_idle_end();
}

/* The thread to run next, runq_ring, once there is one. */
static inline struct proc *sched_pick_or_idle(void)
{
	if (!runq_ring)
		sched_idle();
	return runq_ring;
}

/* A frame saved by sched_save_trapframe, copied back to where it came
 * from: onto the thread's own kernel stack, just below the stack pointer
 * it had (ring 0), or at the top of its kernel stack (ring 3). */
#if LAB_SOLUTION(3)
static struct trapframe *sched_restore_trapframe(struct proc *p)
{
	uint32_t size = trapframe_has_user_stack(&p->tf) ? sizeof(struct trapframe) : TRAPFRAME_KERNEL_SIZE;
	uint32_t home = trapframe_has_user_stack(&p->tf) ? p->kstack_top : p->tf.esp;
	struct trapframe *frame = (struct trapframe *)(home - size);

	copy_words(frame, &p->tf, size / sizeof(uint32_t));
	return frame;
}
#else
static struct trapframe *sched_restore_trapframe(struct proc *p)
{
	panic("sched_restore_trapframe: not implemented (lab 3)");
}
#endif

/* Make next the running thread. If it stopped voluntarily, jump into it
 * (no return); if it was preempted, restore its frame from the process
 * table onto its stack and return that frame, for the caller to resume
 * (sched_preempt returns it through trap_common; the voluntary paths resume
 * it with trap_resume).
 * Interrupts are off; the caller has saved the old thread and pointed
 * runq_ring at next. A function of its own (noinline) because GDB's
 * nextswitch breaks here, with current_proc still the old thread. */
static __attribute__((noinline)) struct trapframe *sched_switch_to(struct proc *next)
{
	sched_trace_switch(next);
	current_proc = next;
	sched_ticks_used = 0;           /* a fresh quantum ... */
	sched_need_resched = 0;         /* ... not cut short by an old request */
	/* A kernel thread runs on whatever address space is loaded (the
	 * kernel half is the same in all) and never enters from ring 3, so
	 * only a user process needs its own CR3 and TSS stack. */
	if (next->pgdir) {
		tss_set_kernel_stack(next->kstack_top);
		write_cr3((uint32_t)next->pgdir);
		proc_fpu_switch_in(next);
	}
	if (next->saved == SAVED_TRAPFRAME)
		return sched_restore_trapframe(next);
	resctx(&next->kctx, 1);
}

/* Stop the current thread voluntarily and run runq_ring (the caller has
 * given the current thread its new state and pointed runq_ring at the next
 * thread, and interrupts are off). Returns when someone switches back: at
 * once if runq_ring is the current thread. */
static void sched_switch_from(struct proc *cur)
{
	if (runq_ring == cur)
		return;
	if (preempt_count != 0)
		panic("sched: pid %d switches away with preemption disabled", cur->pid);
	cur->saved = SAVED_KCTX;
	if (setctx(&cur->kctx) == 0)
		trap_resume(sched_switch_to(runq_ring));
}

/* The cooperative switch: the current thread goes to the end of the round
 * (runq_ring moves on to the next one) and the next one runs. Requires
 * interrupts on: a thread inside an irq_save section must not give up the
 * CPU (it would come back with them on). */
void sched_yield(void)
{
	struct proc *cur = current_proc;

	if (!(read_eflags() & EFLAGS_IF))
		panic("sched_yield: interrupts off (pid %d would give up the CPU inside an "
		      "interrupts-off section)", cur->pid);
	cli();
	runq_ring = cur->rq_next;
	sched_switch_from(cur);
	sti();
}

void sched_exit(void)
{
	sched_remove_current(PROC_ZOMBIE);
	if (preempt_count != 0)
		panic("sched_exit: pid %d exits with preemption disabled", current_proc->pid);
	trap_resume(sched_switch_to(sched_pick_or_idle()));
}

void sched_preempt_pending(void)
{
	if (read_eflags() & EFLAGS_IF) {
		sched_need_resched = 0;
		sched_deferred_switches++;
		sched_deferring_pid = current_proc->pid;
		sched_yield();
		sched_deferring_pid = NO_PID;
	}
}

/* Copy the interrupted context into the running thread's table entry. A
 * ring-0 frame has no esp/ss: record the esp the thread had when it was
 * interrupted (just above the frame) so the entry is complete. */
#if LAB_SOLUTION(3)
static void sched_save_trapframe(struct proc *p, const struct trapframe *tf)
{
	uint32_t size = trapframe_has_user_stack(tf) ? sizeof(struct trapframe) : TRAPFRAME_KERNEL_SIZE;

	copy_words(&p->tf, tf, size / sizeof(uint32_t));
	trapframe_fill_stack(&p->tf, tf);
	p->saved = SAVED_TRAPFRAME;
}
#else
static void sched_save_trapframe(struct proc *p, const struct trapframe *tf)
{
	panic("sched_save_trapframe: not implemented (lab 3)");
}
#endif

struct trapframe *sched_preempt(struct trapframe *tf)
{
	if (preempt_count != 0)
		return tf;      /* preempt_enable, or the idle loop, sees the flag */
	if (nopreempt_contains(tf->eip))
		return tf;      /* a NOPREEMPT function: the next trap exit switches */
	struct proc *cur = current_proc;
	struct proc *next = cur->rq_next;
	if (next == cur) {
		sched_need_resched = 0;
		return tf;
	}
	sched_save_trapframe(cur, tf);
	runq_ring = next;
	return sched_switch_to(next);
}

static void sched_wake_timer_sleepers(void)
{
	while (timer_sleepers && (int32_t)(timer_ticks - timer_sleepers->wake_tick) >= 0) {
		struct proc *p = timer_sleepers;
		timer_sleepers = p->timer_next;
		proc_wake(p);
	}
}

/*
 * Charge the running thread `ticks` timer ticks: count them in
 * sched_ticks_used, and once the thread has had its sched_quantum ticks,
 * ask for a switch by setting sched_need_resched. Never switches itself:
 * trap_dispatch acts on the flag once the handler has returned, and
 * sched_preempt decides whether anyone else can run. Interrupts are off.
 * sched_tick charges each tick; sched_init charges 0 once, at boot.
 */
#if LAB_SOLUTION(3)
static void sched_charge_ticks(int ticks)
{
	sched_ticks_used += ticks;
	if (sched_ticks_used >= sched_quantum)
		sched_need_resched = 1;
}
#else
static void sched_charge_ticks(int ticks)
{
	if (ticks == 0)         /* at boot: say so once, before anything runs */
		printf("sched: preemption not implemented (lab 3): threads run until they yield\n");
}
#endif

void sched_tick(void)
{
	if (timer_sleepers)
		sched_wake_timer_sleepers();
	sched_charge_ticks(1);
}

void sleep(void *chan)
{
	struct proc *cur = current_proc;

	if (read_eflags() & EFLAGS_IF)
		panic("sleep: interrupts enabled (a wakeup could be lost)");
	cur->chan = chan;
	sched_remove_current(PROC_SLEEPING);
	cur->sleep_prev = 0;
	cur->sleep_next = sleepers;
	if (sleepers)
		sleepers->sleep_prev = cur;
	sleepers = cur;
	sched_pick_or_idle();
	sched_switch_from(cur);
	cur->chan = 0;
}

void proc_wake(struct proc *p)
{
	assert_irqs_off();
	if (p->state != PROC_SLEEPING)
		return;
	if (p->sleep_prev)
		p->sleep_prev->sleep_next = p->sleep_next;
	else
		sleepers = p->sleep_next;
	if (p->sleep_next)
		p->sleep_next->sleep_prev = p->sleep_prev;
	sched_make_runnable(p);
	if (trace_is_on())
		sched_trace_wake_facts();
}

/* Move p, on the ring, to just after the running thread: the next pick
 * (sched_preempt follows cur->rq_next). */
static void runq_move_after_current(struct proc *p)
{
	struct proc *cur = current_proc;

	if (p == cur || cur->state != PROC_RUNNABLE || cur->rq_next == p)
		return;
	runq_remove(p);
	runq_link_before(p, cur->rq_next);
}

void proc_wake_first(struct proc *p)
{
	if (p->state != PROC_SLEEPING)
		return;
	proc_wake(p);
	runq_move_after_current(p);
	sched_need_resched = 1;
}

void wakeup(void *chan)
{
	uint32_t flags = irq_save();

	for (struct proc *p = sleepers, *next; p; p = next) {
		next = p->sleep_next;   /* proc_wake unlinks p */
		if (p->chan == chan)
			proc_wake(p);
	}
	irq_restore(flags);
}

/* Insert p into timer_sleepers, keeping it sorted by wake_tick. */
static void sched_add_timer_sleeper(struct proc *p)
{
	struct proc **link = &timer_sleepers;

	while (*link && (int32_t)((*link)->wake_tick - p->wake_tick) <= 0)
		link = &(*link)->timer_next;
	p->timer_next = *link;
	*link = p;
}

/* Take p off timer_sleepers (it is leaving its sleep early). */
static void sched_remove_timer_sleeper(struct proc *p)
{
	for (struct proc **link = &timer_sleepers; *link; link = &(*link)->timer_next) {
		if (*link == p) {
			*link = p->timer_next;
			return;
		}
	}
}

void sleep_ticks(uint32_t n)
{
	uint32_t flags = irq_save();
	struct proc *cur = current_proc;

	if (n > SLEEP_TICKS_MAX)
		panic("sleep_ticks: %u ticks is beyond the tick counter's horizon", n);
	cur->wake_tick = timer_ticks + n;
	if (n > 0) {
		sched_add_timer_sleeper(cur);
		while ((int32_t)(timer_ticks - cur->wake_tick) < 0 && !proc_interrupted(cur))
			sleep(&cur->wake_tick);
		if ((int32_t)(timer_ticks - cur->wake_tick) < 0)
			sched_remove_timer_sleeper(cur);        /* killed: woken early */
	}
	irq_restore(flags);
}
