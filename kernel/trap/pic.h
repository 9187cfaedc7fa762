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
#define PIC_SLAVE_CMD    0xA0
#define PIC_IRQS_PER_CHIP 8
#define OCW2_EOI         0x20

void pic_init(void);
void pic_unmask(int irq);
void pic_mask(int irq);
/* The rare case of pic_ack: IRQ 7 or 15, which may be spurious. */
int pic_ack_maybe_spurious(int irq);

/* Acknowledge irq (end of interrupt). Returns 0 if it was spurious:
 * nothing to handle. Inline: the timer tick pays for it on every switch. */
static inline int pic_ack(int irq)
{
	if (irq % PIC_IRQS_PER_CHIP == PIC_IRQS_PER_CHIP - 1)
		return pic_ack_maybe_spurious(irq);
	if (irq >= PIC_IRQS_PER_CHIP)
		outb(PIC_SLAVE_CMD, OCW2_EOI);
	outb(PIC_MASTER_CMD, OCW2_EOI);
	return 1;
}

#endif
