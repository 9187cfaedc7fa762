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


#define ICW1_INIT_ICW4   0x11     /* edge triggered, cascade, ICW4 follows */
#define ICW3_MASTER_HAS_SLAVE_ON_2 0x04
#define ICW3_SLAVE_ID    0x02
#define ICW4_8086        0x01
#define OCW3_READ_ISR    0x0B

uint16_t pic_irq_mask = 0xFFFF & ~(1u << IRQ_CASCADE);

static void pic_write_mask(void)
{
	outb(PIC_MASTER_DATA, pic_irq_mask & 0xFF);
	outb(PIC_SLAVE_DATA, pic_irq_mask >> 8);
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

/* End of interrupt for irq: a slave IRQ needs both chips' (the master's
 * for the cascade line). */
static void pic_eoi(int irq)
{
	if (irq >= PIC_IRQS_PER_CHIP)
		outb(PIC_SLAVE_CMD, OCW2_EOI);
	outb(PIC_MASTER_CMD, OCW2_EOI);
}

/* Whether irq is in service on its chip. IRQ 7 and 15 are also what each
 * chip raises for a request that went away before the CPU took it. */
static int pic_in_service(int irq)
{
	uint16_t cmd = irq < PIC_IRQS_PER_CHIP ? PIC_MASTER_CMD : PIC_SLAVE_CMD;

	outb(cmd, OCW3_READ_ISR);
	return (inb(cmd) & (1u << (irq % PIC_IRQS_PER_CHIP))) != 0;
}

int pic_acknowledge(int irq)
{
	int maybe_spurious = irq == IRQ_SPURIOUS_MASTER || irq == IRQ_SPURIOUS_SLAVE;

	if (maybe_spurious && !pic_in_service(irq)) {
		/* A spurious slave IRQ came through the master's cascade
		 * line, which was in service: that one is acknowledged. */
		if (irq >= PIC_IRQS_PER_CHIP)
			outb(PIC_MASTER_CMD, OCW2_EOI);
		return 0;
	}
	pic_eoi(irq);
	return 1;
}
