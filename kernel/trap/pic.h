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
/* Acknowledge irq (end of interrupt) before its handler runs. Returns 0
 * if it was spurious: the PIC also raises IRQ 7 or 15 for a request that
 * went away, which must get no handler and no EOI on its own chip. */
int pic_acknowledge(int irq);

#endif
