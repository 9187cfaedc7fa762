/*
 * irq.c - IRQ lines, their owners and waiters (irq.h): the forwarding
 * handler, irq_get, irq_wait, irq_ack and the cleanup when an owner goes.
 *
 * Where edges come from:
 *   - a PIC line: irq_intr, the trap handler of every line a driver may
 *     own (trap_dispatch has acknowledged it at the PIC already);
 *   - IRQ_VTIMER: irq_timer_tick, every vtimer_period ticks while owned;
 *   - the test injector (command line injectirq=, injectcount=,
 *     injectrate=): irq_timer_tick again, which raises its line
 *     inject_rate times a tick, inject_count times in all, from the first
 *     tick the line has an owner. It raises a PIC line in software: the
 *     same irq_edge as a real interrupt, masked or not.
 * All of them go through irq_edge, which latches an edge on a masked line
 * and hands any other to irq_deliver.
 */
#include "irq/irq.h"
#include "dom/dom.h"
#include "proc/sched.h"
#include "uproc/uproc.h"
#include "proc/timer.h"
#include "trap/trap.h"
#include "trap/pic.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "console/console.h"
#include "string.h"
#include "lab.h"

struct irq_line irq_lines[IRQ_NLINES];

static struct irq_config irq_config;
static unsigned int vtimer_phase;       /* ticks since the last IRQ_VTIMER edge */
static unsigned int inject_left;        /* edges the injector has still to raise */

/* ---- Given helpers ---- */

/* Whether line is one of the PICs' (not the virtual timer). */
static int irq_is_pic_line(const struct irq_line *l)
{
	return l - irq_lines < T_NUM_IRQS;
}

static int irq_line_number(const struct irq_line *l)
{
	return (int)(l - irq_lines);
}

static void irq_tick_feed_start(void);

/* Mask or unmask the line where the hardware is (a PIC line). The
 * virtual timer has only the masked flag, which irq_edge reads, and its
 * feed: unmasking it (at irq_get, and at each ack) makes sure the timer
 * interrupt feeds it. */
static LAB_GIVEN void irq_hw_mask(const struct irq_line *l)
{
	if (irq_is_pic_line(l))
		pic_mask(irq_line_number(l));
}

static LAB_GIVEN void irq_hw_unmask(const struct irq_line *l)
{
	if (irq_is_pic_line(l))
		pic_unmask(irq_line_number(l));
	else
		irq_tick_feed_start();
}

/* Why line cannot be owned by anybody: -E_PERM for the timer (the
 * scheduler's: a driver gets IRQ_VTIMER) and the cascade (the slave PIC's
 * way in), -E_BUSY for a line the kernel drives itself (the terminal's
 * keyboard and COM1); else 0. */
static LAB_GIVEN int irq_line_reserved(int line)
{
	if (line == IRQ_TIMER || line == IRQ_CASCADE)
		return -E_PERM;
	if (line == IRQ_KEYBOARD || line == IRQ_COM1)
		return -E_BUSY;
	return 0;
}

/* The IRQ cap in d's slot: 0 and *out, or -E_xxx as for cap_lookup.
 * Inline, as cap_lookup is: it is most of what the gates do. A live IRQ
 * cap's line is its object's (irq.h; irq_info checks it). */
static inline LAB_GIVEN int irq_cap(struct domain *d, int slot, struct cap **out)
{
	return cap_lookup(d, slot, CAP_TYPE_BIT(CAP_IRQ), 0, out);
}

/* The line an IRQ cap names. */
static inline LAB_GIVEN struct irq_line *irq_line_of(const struct cap *c)
{
	return &irq_lines[c->first];
}

/* Sleep in irq_wait until an edge, a kill or the line's end wakes p: the
 * one place a waiter is set and cleared (irq.h's invariant). Interrupts
 * off. */
static LAB_GIVEN void irq_sleep(struct irq_line *l, struct proc *p)
{
	l->waiter = p;
	p->irq_line = irq_line_number(l);
	sleep(l);
	p->irq_line = PS_NO_IRQ;
	if (l->waiter == p)
		l->waiter = 0;
}

/* ---- The student's part (lab 8) ---- */

/*
 * The forwarding handler: one edge on an unmasked, owned line. Count the
 * delivery (delivered, pending); in IRQ_MODE_MASK mask the line until
 * irq_ack; wake the waiter, if there is one, as a hand-off. Never
 * allocates, never sleeps: it runs in an interrupt handler.
 */
#if LAB_SOLUTION(8)
static void irq_deliver(struct irq_line *l)
{
	l->delivered++;
	l->pending++;
	if (l->mode == IRQ_MODE_MASK) {
		l->masked = 1;
		irq_hw_mask(l);
	}
	if (l->waiter)
		proc_wake_first(l->waiter);
}
#else
static void irq_deliver(struct irq_line *l)
{
	LAB_STUB_ONCE(printf("irq_deliver: not implemented (lab 8)\n"));
}
#endif

/*
 * irq_get: d's IRQ-control cap in slot ctl lets it take line (within the
 * cap's first..last: else -E_PERM); mode is IRQ_MODE_MASK or _COUNT
 * (else -E_INVAL, as for a line beyond IRQ_NLINES). A reserved line
 * (irq_line_reserved) or one owned already is refused. Then d owns the
 * line from a fresh start (nothing pending, masked or counted), holds a
 * root IRQ cap for it (object d, first = last = line), and the line is
 * unmasked. Nothing changes when it fails (-E_NOSLOT: d's table is full).
 */
#if LAB_SOLUTION(8)
int irq_get(struct domain *d, int ctl, int line, int mode)
{
	struct cap *c;
	int err = cap_lookup(d, ctl, CAP_TYPE_BIT(CAP_IRQ_CONTROL), 0, &c);

	if (err < 0)
		return err;
	if ((uint32_t)line >= IRQ_NLINES || (mode != IRQ_MODE_MASK && mode != IRQ_MODE_COUNT))
		return -E_INVAL;
	if ((uint32_t)line < c->first || (uint32_t)line > c->last)
		return -E_PERM;
	struct irq_line *l = &irq_lines[line];
	if ((err = irq_line_reserved(line)) < 0)
		return err;
	if (l->owner)
		return -E_BUSY;
	int slot = cap_install(d, 1, CAP_IRQ, CAP_RIGHT_GRANT, d);
	if (slot < 0)
		return slot;
	cap_set_range(d, slot, (uint32_t)line, (uint32_t)line);
	l->owner = d;
	l->mode = (uint8_t)mode;
	l->pending = l->delivered = l->acked = 0;
	l->masked = l->latched = 0;
	irq_hw_unmask(l);
	return slot;
}
#else
int irq_get(struct domain *d, int ctl, int line, int mode)
{
	LAB_STUB_ONCE(printf("irq_get: not implemented (lab 8)\n"));
	return -E_NOSYS;
}
#endif

/*
 * irq_wait: p (running in domain d) waits on the line d's IRQ cap in slot
 * names. Only a thread in the owner domain waits (else -E_PERM), one at a
 * time (a second: -E_BUSY). Returns pending, the deliveries since the
 * last wait, and zeroes it; with none, sleeps (irq_sleep) until there is
 * one. A kill or a dying domain (proc_interrupted) ends the wait with
 * -E_INTR, the line's end (its gen moves on) with -E_DEAD.
 */
#if LAB_SOLUTION(8)
static int irq_wait(struct proc *p, struct domain *d, int slot)
{
	struct cap *c;
	int err = irq_cap(d, slot, &c);

	if (err < 0)
		return err;
	if (c->dom != d)
		return -E_PERM;
	struct irq_line *l = irq_line_of(c);
	if (l->waiter)
		return -E_BUSY;
	uint32_t gen = l->gen;
	while (l->pending == 0) {
		if (proc_interrupted(p))
			return -E_INTR;
		irq_sleep(l, p);
		if (l->gen != gen)
			return -E_DEAD;
	}
	uint32_t n = l->pending;
	l->pending = 0;
	return (int)n;
}
#else
static int irq_wait(struct proc *p, struct domain *d, int slot)
{
	LAB_STUB_ONCE(printf("irq_wait: not implemented (lab 8)\n"));
	return -E_NOSYS;
}
#endif

/*
 * irq_ack: unmask a line that a delivery masked (acked counts it) and
 * deliver the edge latched meanwhile, if any. A line that is not masked
 * (IRQ_MODE_COUNT, or acked already) is left as it is. 0 or -E_xxx.
 */
#if LAB_SOLUTION(8)
static int irq_ack(struct domain *d, int slot)
{
	struct cap *c;
	int err = irq_cap(d, slot, &c);

	if (err < 0)
		return err;
	struct irq_line *l = irq_line_of(c);
	if (!l->masked)
		return 0;
	l->masked = 0;
	l->acked++;
	irq_hw_unmask(l);
	if (l->latched) {
		l->latched = 0;
		irq_deliver(l);
	}
	return 0;
}
#else
static int irq_ack(struct domain *d, int slot)
{
	LAB_STUB_ONCE(printf("irq_ack: not implemented (lab 8)\n"));
	return -E_NOSYS;
}
#endif

/*
 * The owner's root IRQ cap c is going (cap_release_hook): its domain
 * died, or deleted it. The line is masked and free again, with a new
 * generation (so a waiter knows), nothing pending or latched, and its
 * waiter woken: it leaves irq_wait with -E_DEAD, or unwinds if its
 * domain died.
 */
#if LAB_SOLUTION(8)
static void irq_release(struct cap *c)
{
	struct irq_line *l = &irq_lines[c->first];

	irq_hw_mask(l);
	l->owner = 0;
	l->gen++;
	l->pending = 0;
	l->masked = l->latched = 0;
	if (l->waiter) {
		proc_wake(l->waiter);
		l->waiter = 0;
	}
}
#else
static void irq_release(struct cap *c)
{
	LAB_STUB_ONCE(printf("irq_release: not implemented (lab 8)\n"));
}
#endif

/* ---- Given: edges, the gates, the tick, setup ---- */

/* One edge on line, from any source. An unowned line drops it; a masked
 * one latches it (one at most, as the PIC's request register); any other
 * is delivered. Interrupts off. */
static void irq_edge(int line)
{
	struct irq_line *l = &irq_lines[line];

	l->edge_tsc = (uint32_t)rdtsc();
	if (!l->owner)
		return;
	if (l->masked)
		l->latched = 1;
	else
		irq_deliver(l);
}

/* The handler of every PIC line a driver may own. */
static struct trapframe *irq_intr(struct trapframe *tf)
{
	irq_edge((int)(tf->vector - T_IRQ0));
	return tf;
}

/* The gates (trap_entry.S's irq_gate) run with interrupts off throughout
 * and return to user mode without trap_return: a gate that slept makes
 * its check here, inline (uproc_return_to_user's test), once the result
 * is in the frame, which an unwind may then replace. */
static inline void irq_gate_exit(const volatile struct proc *p)
{
	if (__builtin_expect(p->killed | p->unwind, 0))
		uproc_return_to_user();
}

static struct trapframe *irq_wait_gate(struct trapframe *tf)
{
	struct proc *p = current_proc;

	tf->eax = (uint32_t)irq_wait(p, dom_current(p), (int)tf->ecx);
	irq_gate_exit(p);
	return tf;
}

/* irq_ack never sleeps and never turns interrupts on: nothing can have
 * marked the thread since it last left for user mode. */
static struct trapframe *irq_ack_gate(struct trapframe *tf)
{
	tf->eax = (uint32_t)irq_ack(dom_current(current_proc), (int)tf->ecx);
	return tf;
}

/*
 * The tick's feed: the virtual timer's edge every vtimer_period ticks it
 * is owned (so N edges come in N * period ticks from irq_get), and the
 * injector's edges once its line has an owner. It runs only while there
 * is something to feed: then the timer's IRQ handler is irq_timer_intr,
 * which runs the scheduler's tick (timer_intr) and then this; else it is
 * timer_intr alone, and a tick costs what it cost before lab 8 (the
 * preemptive switch's budget). Interrupts off.
 */
static struct trapframe *irq_timer_intr(struct trapframe *tf);

static void irq_tick_feed_start(void)
{
	trap_register(T_IRQ0 + IRQ_TIMER, irq_timer_intr);
}

static void irq_tick_feed_stop(void)
{
	trap_register(T_IRQ0 + IRQ_TIMER, timer_intr);
}

static void irq_timer_tick(void)
{
	int vtimer_owned = irq_lines[IRQ_VTIMER].owner != 0;

	if (!vtimer_owned) {
		vtimer_phase = 0;
	} else if (++vtimer_phase == irq_config.vtimer_period) {
		vtimer_phase = 0;
		irq_edge(IRQ_VTIMER);
	}
	if (inject_left && irq_lines[irq_config.inject_line].owner)
		for (unsigned int i = 0; i < irq_config.inject_rate && inject_left; i++, inject_left--)
			irq_edge((int)irq_config.inject_line);
	if (!vtimer_owned && !inject_left)
		irq_tick_feed_stop();   /* nothing left to feed; irq_hw_unmask starts it again */
}

static struct trapframe *irq_timer_intr(struct trapframe *tf)
{
	tf = timer_intr(tf);
	irq_timer_tick();
	return tf;
}

int irq_info(struct domain *d, int slot, struct irq_info *info)
{
	struct cap *c;
	int err = irq_cap(d, slot, &c);

	if (err < 0)
		return err;
	struct irq_line *l = irq_line_of(c);
	if (l->owner != c->dom)
		panic("irq_info: a live IRQ cap (domain %d, slot %d) names line %d, which its domain "
		      "does not own", dom_id(d), slot, c->first);
	*info = (struct irq_info){
		.line = irq_line_number(l), .mode = l->mode, .owner = dom_id(l->owner),
		.waiter = l->waiter ? l->waiter->pid : 0, .pending = l->pending,
		.masked = l->masked, .latched = l->latched, .delivered = l->delivered,
		.acked = l->acked, .edge_tsc = l->edge_tsc,
	};
	return 0;
}

void irq_init(const struct irq_config *config)
{
	irq_config = *config;
	if (irq_config.inject_line < IRQ_NLINES && irq_config.inject_rate > 0)
		inject_left = irq_config.inject_count;
	cap_release_hook = irq_release;
	if (inject_left)
		irq_tick_feed_start();
	trap_register(T_IRQWAIT, irq_wait_gate);
	trap_register(T_IRQACK, irq_ack_gate);
	for (int line = 0; line < T_NUM_IRQS; line++)
		if (irq_line_reserved(line) == 0)
			trap_register(T_IRQ0 + line, irq_intr);     /* masked until owned */
	if (irq_config.rtc_hz && rtc_start(irq_config.rtc_hz) < 0)
		printf("irq: rtchz=%u is not a power of two in %u..%u: the RTC stays off\n",
		       irq_config.rtc_hz, RTC_MIN_HZ, RTC_MAX_HZ);
}
