/*
 * rtcdrv.h - what the RTC driver domain (user/domains/rtcdrv.c, lab 8)
 * does, shared with the programs that use it (user/rtcdemo.c): its
 * operations (dom_call's a0) and their answers.
 *
 * The driver owns one IRQ line: the one its IRQ-control cap names (its
 * creator narrows it, cap_narrow, to line 8 for the RTC, or to IRQ_VTIMER
 * for the virtual timer) and counts what the kernel delivers there. Two
 * kinds of thread use it, both borrowed (a domain has none of its own):
 *   - its interrupt thread, a process that calls RTC_START and stays in
 *     the driver for good, asleep in irq_wait between interrupts;
 *   - clients, which call in (RTC_TICKS and the rest), get an answer and
 *     return, while the interrupt thread waits beside them.
 */
#ifndef USER_DOMAINS_RTCDRV_H
#define USER_DOMAINS_RTCDRV_H

#define RTC_START  1    /* the interrupt thread's call: a1 the driver's IRQ-control cap (its slot
			 * there), a2 its I/O-port cap for the RTC's ports, or RTC_NO_DEVICE, a3
			 * the mode (IRQ_MODE_xxx). Once the line is taken, a later RTC_START (a
			 * thread that replaces a killed one) loops on it as it is. Returns only
			 * with an error: irq_get's, or irq_wait's (-E_DEAD: the line was taken
			 * away; -E_BUSY: another thread waits on it already); when the driver
			 * dies, the caller's dom_call gets -E_DEAD instead */
#define RTC_TICKS  2    /* r0 the driver's tick count (what its interrupt loop added up), r1 the
			 * deliveries the kernel counted on the line (irq_info's delivered); r0
			 * -E_xxx (-E_BADCAP: not started) */
#define RTC_SLOW   3    /* a1: the interrupt loop spins a1 iterations before it acks the device:
			 * a slow driver, for the storm (0: at full speed, the default) */
#define RTC_STOP   4    /* the interrupt thread turns the RTC's periodic interrupt off (register
			 * B's PIE) at its next interrupt: nothing comes after, so a client can
			 * compare the final counts */
#define RTC_STATE  5    /* r0 the pid of the thread asleep in irq_wait (0: none), r1 the
			 * deliveries pending (not waited for yet); r0 -E_xxx */
#define RTC_LINE   6    /* r0 the line the driver owns, r1 uptime() when it took it; r0
			 * -E_BADCAP until the interrupt thread has taken it */
#define RTC_CHECK  7    /* what RTC_TICKS should answer, read by given code that a check of
			 * RTC_TICKS trusts: r0 rtc_ticks, r1 irq_info's delivered; r0 -E_xxx */

#define RTC_NO_DEVICE 0xffffffffu       /* RTC_START's a2: no device to ack (the virtual timer) */

/* The RTC's registers and ports (MC146818), which the driver uses through
 * its I/O-port cap. Reading register C says which interrupt happened and
 * lets the clock raise IRQ 8 again. */
#define RTC_INDEX_PORT 0x70
#define RTC_DATA_PORT  0x71
#define RTC_REG_B      0x0B
#define RTC_REG_C      0x0C
#define RTC_B_PIE      0x40             /* register B: periodic interrupt enable */
#define RTC_LINE_IRQ   8

#endif
