/*
 * irqsrv.h - what user/domains/irqsrv.c does, shared with the program
 * that calls it (user/irqtests.c, lab 8's tests): a driver domain that
 * owns an IRQ line and lends its threads to irq_wait. Lab 8's tests need
 * an owner domain two processes can be in at once (a second waiter, a
 * waiter whose owner dies or deletes the line's cap under it, a waiter
 * killed while the line stays owned), which a home domain cannot be.
 */
#ifndef USER_DOMAINS_IRQSRV_H
#define USER_DOMAINS_IRQSRV_H

#include <stdint.h>

#define IRQSRV_GET    1   /* irq_get(slot a1, line a2, mode a3) here: r0 its result */
#define IRQSRV_WAIT   2   /* irq_wait(slot a1) here: r0 its result (sleeps in this domain) */
#define IRQSRV_ACK    3   /* irq_ack(slot a1): r0 its result */
#define IRQSRV_DELETE 4   /* cap_delete(slot a1): r0 its result */
#define IRQSRV_GRANT  5   /* cap_grant(a1, a2, rights a3, no badge): r0 its result */
#define IRQSRV_INFO   6   /* irq_info(slot a1): r0 -E_xxx or pending, r1 irqsrv_info_r1() */

/* INFO's r1: the waiter's pid, the deliveries and the latch, packed. */
static inline uint32_t irqsrv_info_r1(int waiter, unsigned int delivered, int latched)
{
	return ((uint32_t)waiter & 0xffffu) | (delivered & 0x7fffu) << 16 | (uint32_t)(latched != 0) << 31;
}
#define IRQSRV_R1_WAITER(r1)    ((int)((r1) & 0xffffu))
#define IRQSRV_R1_DELIVERED(r1) ((int)(((r1) >> 16) & 0x7fffu))
#define IRQSRV_R1_LATCHED(r1)   ((int)((r1) >> 31))

#endif
