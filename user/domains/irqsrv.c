/*
 * irqsrv.c - the driver domain lab 8's tests (user/irqtests.c) call: each
 * operation (irqsrv.h) is one IRQ or capability call made here, in this
 * domain, on the calling thread, and its result handed back as it came.
 */
#include "ulib.h"
#include "irqsrv.h"

static uint64_t irqsrv_info(int slot)
{
	struct irq_info info;
	int err = irq_info(slot, &info);

	if (err < 0)
		return dom_reply((uint32_t)err, 0);
	return dom_reply(info.pending, irqsrv_info_r1(info.waiter, info.delivered, info.latched));
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	switch (op) {
	case IRQSRV_GET:
		return dom_reply((uint32_t)irq_get((int)a1, (int)a2, (int)a3), 0);
	case IRQSRV_WAIT:
		return dom_reply((uint32_t)irq_wait((int)a1), 0);
	case IRQSRV_ACK:
		return dom_reply((uint32_t)irq_ack((int)a1), 0);
	case IRQSRV_DELETE:
		return dom_reply((uint32_t)cap_delete((int)a1), 0);
	case IRQSRV_GRANT:
		return dom_reply((uint32_t)cap_grant((int)a1, (int)a2, a3, 0), 0);
	case IRQSRV_INFO:
		return irqsrv_info((int)a1);
	default:
		return dom_reply((uint32_t)-E_INVAL, op);
	}
}
