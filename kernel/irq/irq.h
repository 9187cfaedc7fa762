/*
 * irq.h - interrupt forwarding (lab 8): IRQ lines owned by driver domains,
 * waited on and acknowledged from user mode, and I/O-port capabilities so
 * that a driver never needs IOPL.
 *
 * A line has at most one owner (a domain, which irq_get made it) and at
 * most one waiter (a thread of the owner's, asleep in irq_wait). An edge
 * on the line is a delivery: it counts in pending and wakes the waiter as
 * a hand-off (the driver runs next). In IRQ_MODE_MASK the delivery also
 * masks the line until irq_ack; an edge while it is masked is latched, one
 * at most, as an 8259 latches a request in its IRR, and delivered by the
 * ack. In IRQ_MODE_COUNT the line stays unmasked and every edge counts.
 *
 * Line states (IRQ_MODE_MASK):
 *     FREE --irq_get--> UNMASKED --edge--> MASKED, pending (+ waiter woken)
 *     MASKED --edge--> MASKED, latched        MASKED --irq_ack--> UNMASKED
 *     (an ack with an edge latched delivers it at once: MASKED, pending)
 *     any --owner dies, or its IRQ cap is deleted--> FREE (masked)
 *
 * Invariants (interrupts off whenever a line is touched):
 *   - owner == 0 exactly when the line is free, and then its PIC line is
 *     masked and it has no waiter;
 *   - a live IRQ cap names a line its object domain owns;
 *   - waiter is a thread asleep in irq_wait on this line, running in the
 *     owner domain; it is cleared before that thread leaves irq_wait, so
 *     a delivery never wakes a thread that has gone (or been freed);
 *   - nothing here allocates: delivery touches only irq_lines[].
 *
 * docs/07-interrupts.md tells the whole story; labs/lab8.md is the lab.
 */
#ifndef IRQ_IRQ_H
#define IRQ_IRQ_H

#include <stdint.h>
#include "abi.h"

struct domain;
struct proc;

struct irq_line {
	struct domain *owner;         /* 0: free */
	uint32_t gen;                 /* moves on each time the line is freed */
	struct proc *waiter;          /* asleep in irq_wait, or 0 */
	uint32_t pending;             /* deliveries since the last irq_wait */
	uint8_t mode;                 /* IRQ_MODE_xxx */
	uint8_t masked;               /* delivered, not acked yet (IRQ_MODE_MASK) */
	uint8_t latched;              /* an edge came while masked */
	uint32_t delivered, acked;    /* since irq_get */
	uint32_t edge_tsc;            /* rdtsc at the last edge, owned or not */
};

extern struct irq_line irq_lines[IRQ_NLINES];

/* What boot tells the layer, from the command line (cmdline.h). */
struct irq_config {
	unsigned int vtimer_period;   /* ticks between two IRQ_VTIMER edges */
	unsigned int rtc_hz;          /* the RTC's periodic interrupt rate; 0: off */
	unsigned int inject_line;     /* the test injector's line, or IRQ_NLINES: off */
	unsigned int inject_count;    /* edges it raises in all ... */
	unsigned int inject_rate;     /* ... this many a tick, once the line has an owner */
};

/* Set cap_release_hook, start the tick's feed if the injector is on
 * (irq.c's irq_timer_intr), register the IRQ gates and a handler for every line a driver may own, and program the
 * RTC. Boot calls it once, before the first user process. */
void irq_init(const struct irq_config *config);

/* irq_get(ctl, line, mode) in domain d: d owns line; its IRQ cap's slot,
 * or -E_xxx (abi.h). */
int irq_get(struct domain *d, int ctl, int line, int mode);
/* The state of the line d's IRQ cap in slot names; 0 or -E_xxx. */
int irq_info(struct domain *d, int slot, struct irq_info *info);

/* ---- ioport.c: I/O-port capabilities ---- */

/* io_in(cap, port) / io_out(cap, port, value) in domain d: a byte from or
 * to a port within d's I/O-port cap's range and not the kernel's own. The
 * byte read, 0, or -E_xxx. */
int io_in(struct domain *d, int slot, uint32_t port);
int io_out(struct domain *d, int slot, uint32_t port, uint32_t value);

/* ---- rtc.c: the MC146818 real-time clock's periodic interrupt ---- */

#define IRQ_RTC       8
#define RTC_MIN_HZ    2
#define RTC_MAX_HZ    8192
/* Start the RTC interrupting hz times a second on IRQ 8: 0, or -E_INVAL
 * if hz is not a power of two in RTC_MIN_HZ..RTC_MAX_HZ. It raises the
 * line again only once register C has been read: a driver must ack the
 * device, then the line. */
int rtc_start(unsigned int hz);

#endif
