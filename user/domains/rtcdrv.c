/*
 * rtcdrv.c - the RTC driver domain (lab 8): a device driver in user mode,
 * in a domain of its own, that owns an IRQ line and counts its interrupts
 * (rtcdrv.h lists its operations).
 *
 * Its creator (user/rtcdemo.c) grants it two caps, narrowed first: an
 * IRQ-control cap for one line (8, the RTC's, or IRQ_VTIMER) and an
 * I/O-port cap for the RTC's two ports. Then:
 *   - an interrupt thread calls RTC_START and never comes back: it takes
 *     the line (irq_get) and loops in rtcdrv_interrupt_loop, asleep in
 *     irq_wait until the kernel delivers, then acks the device (reads
 *     register C, without which the RTC never interrupts again), then the
 *     line (irq_ack), then adds the deliveries to rtc_ticks;
 *   - clients call RTC_TICKS, on threads of their own that migrate in and
 *     out beside the sleeping interrupt thread (as in Composite), and get
 *     rtc_ticks with the kernel's own count of deliveries to compare.
 * Only the interrupt thread touches the RTC's ports: the index port is
 * state (which register the data port reads) that two threads would race
 * on, so a client's RTC_STOP is a request the interrupt thread carries out.
 *
 * When the driver is destroyed, the interrupt thread is unwound out of
 * irq_wait and its dom_call returns -E_DEAD; the line is free again.
 */
#include "ulib.h"
#include "lab.h"
#include "rtcdrv.h"

#define NO_CAP (-1)

/* Written by the interrupt thread, read by clients: volatile, as another
 * thread changes them between two of a client's reads. */
static volatile int irq_cap = NO_CAP;           /* the IRQ cap irq_get made */
static volatile int irq_line = -1;              /* its line */
static volatile int irq_taken_at;               /* uptime() after irq_get */
static volatile uint32_t rtc_ticks;             /* deliveries the interrupt loop has counted */
static volatile uint32_t slow_spins;            /* RTC_SLOW: iterations before each device ack */
static volatile int stop_asked;                 /* RTC_STOP: turn the RTC off at the next ack */

/* ---- Given helpers ---- */

/* Select register reg of the RTC (the index port), then read or write it
 * through the data port. The index's top bit (NMIs off) stays clear. */
static int rtc_read(int io, int reg)
{
	int err = io_out(io, RTC_INDEX_PORT, (unsigned int)reg);
	return err < 0 ? err : io_in(io, RTC_DATA_PORT);
}

static int rtc_write(int io, int reg, int value)
{
	int err = io_out(io, RTC_INDEX_PORT, (unsigned int)reg);
	return err < 0 ? err : io_out(io, RTC_DATA_PORT, (unsigned int)value);
}

/* RTC_SLOW's delay: work the compiler cannot drop. */
static void slow_down(uint32_t spins)
{
	for (volatile uint32_t i = 0; i < spins; i++)
		;
}

/* Acknowledge the interrupt at the device, the step before irq_ack: read
 * register C, which tells the RTC its interrupt was seen (it raises IRQ 8
 * again only after that read). A slow driver (RTC_SLOW) takes its time
 * first; a client's RTC_STOP is carried out here, by the one thread that
 * uses the ports. Without a device (io is RTC_NO_DEVICE: the virtual
 * timer) there is nothing to read. 0, or io_in/io_out's -E_xxx. */
static LAB_GIVEN int rtc_ack_device(int io)
{
	slow_down(slow_spins);
	if ((uint32_t)io == RTC_NO_DEVICE)
		return 0;
	if (stop_asked) {
		int b = rtc_read(io, RTC_REG_B);
		if (b < 0)
			return b;
		int err = rtc_write(io, RTC_REG_B, b & ~RTC_B_PIE);
		if (err < 0)
			return err;
		stop_asked = 0;
	}
	int c = rtc_read(io, RTC_REG_C);
	return c < 0 ? c : 0;
}

/* ---- The student's part (lab 8) ---- */

/*
 * The interrupt loop, run by the interrupt thread for as long as the
 * driver lives, on the line whose IRQ cap is irq: wait for deliveries
 * (irq_wait: their number, asleep until there is one), ack the device
 * (rtc_ack_device(io)), then the line (irq_ack: in IRQ_MODE_MASK the
 * kernel masked it at the delivery), then add the number to rtc_ticks,
 * so that a client finds in rtc_ticks exactly what the kernel delivered
 * (the device first: a line unmasked while its device still holds the
 * request interrupts again at once on a level-triggered controller; the
 * 8259's edges lose nothing either way, book §7). Returns only
 * an error: irq_wait's (its line taken away), or an ack's.
 */
#if LAB_SOLUTION(8)
static int rtcdrv_interrupt_loop(int irq, int io)
{
	for (;;) {
		int n = irq_wait(irq);
		if (n < 0)
			return n;
		int err = rtc_ack_device(io);
		if (err < 0)
			return err;
		if ((err = irq_ack(irq)) < 0)
			return err;
		rtc_ticks += (uint32_t)n;
	}
}
#else
static int rtcdrv_interrupt_loop(int irq, int io)
{
	LAB_STUB_ONCE(printf("rtcdrv: rtcdrv_interrupt_loop: not implemented (lab 8)\n"));
	return -E_NOSYS;
}
#endif

/*
 * A client's RTC_TICKS: r0 the driver's count (rtc_ticks), r1 the
 * deliveries the kernel counted on the line (irq_info's delivered), or
 * r0 -E_xxx if irq_info fails (-E_BADCAP before RTC_START has taken the
 * line). Read rtc_ticks first: the kernel's count only grows, and the
 * interrupt loop adds a delivery only after the kernel counted it, so
 * read in that order r0 <= r1 always.
 */
#if LAB_SOLUTION(8)
static uint64_t rtcdrv_ticks(void)
{
	struct irq_info info;
	uint32_t ticks = rtc_ticks;
	int err = irq_info(irq_cap, &info);

	if (err < 0)
		return dom_reply((uint32_t)err, 0);
	return dom_reply(ticks, info.delivered);
}
#else
static uint64_t rtcdrv_ticks(void)
{
	LAB_STUB_ONCE(printf("rtcdrv: rtcdrv_ticks: not implemented (lab 8)\n"));
	return dom_reply((uint32_t)-E_NOSYS, 0);
}
#endif

/* ---- Given: the operations ---- */

/* RTC_START: take the line the IRQ-control cap ctl names (its first),
 * in mode, and run the interrupt loop on it. Once the line is taken, a
 * later RTC_START runs the loop on it as it is (ctl and mode unused): a
 * new interrupt thread for one that was killed, while a second one
 * beside a live one gets irq_wait's -E_BUSY (one waiter a line). */
static uint64_t rtcdrv_start(int ctl, int io, int mode)
{
	if (irq_cap == NO_CAP) {
		struct cap_info info;
		int err = cap_info(ctl, &info);
		if (err < 0)
			return dom_reply((uint32_t)err, 0);
		int irq = irq_get(ctl, (int)info.first, mode);
		if (irq < 0)
			return dom_reply((uint32_t)irq, 0);
		irq_taken_at = uptime();
		irq_line = (int)info.first;
		irq_cap = irq;
	}
	return dom_reply((uint32_t)rtcdrv_interrupt_loop(irq_cap, io), 0);
}

/* RTC_STATE: who waits on the line, and what is pending. */
static uint64_t rtcdrv_state(void)
{
	struct irq_info info;
	int err = irq_info(irq_cap, &info);

	if (err < 0)
		return dom_reply((uint32_t)err, 0);
	return dom_reply((uint32_t)info.waiter, info.pending);
}

/* RTC_CHECK: the counts as they are, for a check of RTC_TICKS. */
static uint64_t rtcdrv_check(void)
{
	struct irq_info info;
	int err = irq_info(irq_cap, &info);

	if (err < 0)
		return dom_reply((uint32_t)err, 0);
	return dom_reply(rtc_ticks, info.delivered);
}

static uint64_t rtcdrv_line(void)
{
	if (irq_cap == NO_CAP)
		return dom_reply((uint32_t)-E_BADCAP, 0);
	return dom_reply((uint32_t)irq_line, (uint32_t)irq_taken_at);
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	switch (op) {
	case RTC_START:
		return rtcdrv_start((int)a1, (int)a2, (int)a3);
	case RTC_TICKS:
		return rtcdrv_ticks();
	case RTC_SLOW:
		slow_spins = a1;
		return dom_reply(0, 0);
	case RTC_STOP:
		stop_asked = 1;
		return dom_reply(0, 0);
	case RTC_STATE:
		return rtcdrv_state();
	case RTC_LINE:
		return rtcdrv_line();
	case RTC_CHECK:
		return rtcdrv_check();
	default:
		return dom_reply((uint32_t)-E_INVAL, op);
	}
}
