/*
 * pic.c - the 8259A pair.
 *
 * At reset the master PIC delivers IRQs on vectors 8..15, which collide with
 * CPU exceptions; pic_init reprograms both chips (ICW1..ICW4) to T_IRQ0 and
 * T_IRQ0 + 8, masks every line, and lets trap_register_irq unmask a line
 * once it has a handler.
 */
#include <stdint.h>
#include "trap/pic.h"
#include "trap/trap.h"
#include "cpu/x86.h"

#define PIC_MASTER_DATA  0x21
#define PIC_SLAVE_DATA   0xA1

#define ICW1_INIT_ICW4   0x11     /* edge triggered, cascade, ICW4 follows */
#define ICW3_MASTER_HAS_SLAVE_ON_2 0x04
#define ICW3_SLAVE_ID    0x02
#define ICW4_8086        0x01
#define OCW3_READ_ISR    0x0B

static uint16_t irq_mask = 0xFFFF & ~(1u << IRQ_CASCADE);

static void pic_write_mask(void)
{
	outb(PIC_MASTER_DATA, irq_mask & 0xFF);
	outb(PIC_SLAVE_DATA, irq_mask >> 8);
}

void pic_init(void)
{
	outb(PIC_MASTER_CMD, ICW1_INIT_ICW4);
	outb(PIC_SLAVE_CMD, ICW1_INIT_ICW4);
	outb(PIC_MASTER_DATA, T_IRQ0);
	outb(PIC_SLAVE_DATA, T_IRQ0 + PIC_IRQS_PER_CHIP);
	outb(PIC_MASTER_DATA, ICW3_MASTER_HAS_SLAVE_ON_2);
	outb(PIC_SLAVE_DATA, ICW3_SLAVE_ID);
	outb(PIC_MASTER_DATA, ICW4_8086);
	outb(PIC_SLAVE_DATA, ICW4_8086);
	pic_write_mask();
}

void pic_unmask(int irq)
{
	irq_mask &= ~(1u << irq);
	pic_write_mask();
}

void pic_mask(int irq)
{
	irq_mask |= 1u << irq;
	pic_write_mask();
}

/* A spurious IRQ 7 or 15 is one the PIC raised but no longer has in service:
 * it must not be acknowledged on that chip (a spurious slave IRQ still needs
 * the master's EOI, for the cascade line). */
int pic_ack_maybe_spurious(int irq)
{
	uint16_t cmd = irq < PIC_IRQS_PER_CHIP ? PIC_MASTER_CMD : PIC_SLAVE_CMD;

	outb(cmd, OCW3_READ_ISR);
	if (inb(cmd) & (1u << (irq % PIC_IRQS_PER_CHIP))) {
		pic_eoi_vector(PIC_VECTOR_BASE + (uint32_t)irq);
		return 1;
	}
	if (irq >= PIC_IRQS_PER_CHIP)
		outb(PIC_MASTER_CMD, OCW2_EOI);
	return 0;
}
