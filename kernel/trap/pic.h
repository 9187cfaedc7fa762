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
#define PIC_VECTOR_BASE  32       /* IRQ 0's vector: trap.h's T_IRQ0 */

void pic_init(void);
void pic_unmask(int irq);
void pic_mask(int irq);
/* Acknowledge IRQ 7 or 15 if it is real; returns 0 if it was spurious
 * (no handler, no EOI). */
int pic_ack_maybe_spurious(int irq);

/* The two helpers below take the interrupt's vector rather than its IRQ
 * number: trap_dispatch, on every interrupt's path, then needs no extra
 * register. T_IRQ0 (32) is a multiple of 8, so a vector's low three bits
 * are its IRQ's line on the chip that raised it. */

/* Whether the vector is IRQ 7 or 15, which the PIC also raises for
 * spurious interrupts. */
static inline int pic_vector_may_be_spurious(uint32_t vector)
{
	return vector % PIC_IRQS_PER_CHIP == PIC_IRQS_PER_CHIP - 1;
}

/* End of interrupt for the IRQ of vector (slave IRQs need both chips'). */
static inline void pic_eoi_vector(uint32_t vector)
{
	if (vector >= PIC_VECTOR_BASE + PIC_IRQS_PER_CHIP)
		outb(PIC_SLAVE_CMD, OCW2_EOI);
	outb(PIC_MASTER_CMD, OCW2_EOI);
}

#endif
