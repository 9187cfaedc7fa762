/*
 * pic.h - the two cascaded 8259A interrupt controllers, remapped so that
 * IRQ 0..15 arrive on vectors T_IRQ0..T_IRQ0+15.
 */
#ifndef TRAP_PIC_H
#define TRAP_PIC_H

#define IRQ_TIMER     0
#define IRQ_KEYBOARD  1
#define IRQ_CASCADE   2
#define IRQ_COM1      4
#define IRQ_SPURIOUS_MASTER 7
#define IRQ_SPURIOUS_SLAVE  15

void pic_init(void);
void pic_unmask(int irq);
void pic_mask(int irq);
/* Acknowledge irq. Returns 0 if it was spurious (nothing to handle). */
int pic_ack(int irq);

#endif
