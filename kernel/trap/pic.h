/*
 * pic.h - the two cascaded 8259A interrupt controllers, remapped so that
 * IRQ 0..15 arrive on vectors T_IRQ0..T_IRQ0+15.
 */
#ifndef TRAP_PIC_H
#define TRAP_PIC_H

#include "cpu/x86.h"

#define IRQ_TIMER     0
#define IRQ_KEYBOARD  1
#define IRQ_CASCADE   2
#define IRQ_COM1      4
#define IRQ_SPURIOUS_MASTER 7
#define IRQ_SPURIOUS_SLAVE  15

#define PIC_MASTER_CMD   0x20
#define PIC_MASTER_DATA  0x21
#define PIC_SLAVE_CMD    0xA0
#define PIC_SLAVE_DATA   0xA1
#define PIC_IRQS_PER_CHIP 8
#define OCW2_EOI         0x20
#define PIC_VECTOR_BASE  32       /* IRQ 0's vector: trap.h's T_IRQ0 */

void pic_init(void);

/* The lines masked at the PICs (bit n: IRQ n), as last written. Only
 * pic_mask and pic_unmask change it, interrupts off. */
extern uint16_t pic_irq_mask;

/* Write the mask of irq's chip only: the other's has not changed. Inline
 * with pic_mask and pic_unmask, because an IRQ gate's irq_ack (lab 8)
 * unmasks a line on a path of 80 instructions. */
static inline void pic_write_chip_mask(int irq)
{
	if (irq < PIC_IRQS_PER_CHIP)
		outb(PIC_MASTER_DATA, pic_irq_mask & 0xFF);
	else
		outb(PIC_SLAVE_DATA, pic_irq_mask >> 8);
}

static inline void pic_unmask(int irq)
{
	pic_irq_mask &= ~(1u << irq);
	pic_write_chip_mask(irq);
}

static inline void pic_mask(int irq)
{
	pic_irq_mask |= 1u << irq;
	pic_write_chip_mask(irq);
}
/* Acknowledge irq (end of interrupt) before its handler runs. Returns 0
 * if it was spurious: the PIC also raises IRQ 7 or 15 for a request that
 * went away, which must get no handler and no EOI on its own chip. */
int pic_acknowledge(int irq);

#endif
