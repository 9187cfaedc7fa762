/*
 * rtc.c - the MC146818 real-time clock's periodic interrupt (IRQ 8), the
 * deterministic device of lab 8: under -icount its rate is exact.
 *
 * The clock is reached through an index port (RTC_INDEX, which also holds
 * the NMI-disable bit) and a data port. Register A's low four bits choose
 * the periodic rate, hz = 32768 >> (rate - 1); register B's PIE bit turns
 * the interrupt on; reading register C says which interrupt happened and
 * lets the clock raise IRQ 8 again. Without that read the line stays up
 * and no new edge ever comes: the driver must ack the device, then the
 * line.
 */
#include "irq/irq.h"
#include "cpu/x86.h"

#define RTC_INDEX       0x70
#define RTC_DATA        0x71
#define RTC_NMI_OFF     0x80      /* in the index: NMIs off while we program it */
#define RTC_REG_A       0x0A
#define RTC_REG_B       0x0B
#define RTC_REG_C       0x0C
#define RTC_A_RATE_MASK 0x0F
#define RTC_B_PIE       0x40      /* periodic interrupt enable */
#define RTC_BASE_HZ     32768

static uint8_t rtc_read(uint8_t reg)
{
	outb(RTC_INDEX, RTC_NMI_OFF | reg);
	return inb(RTC_DATA);
}

static void rtc_write(uint8_t reg, uint8_t value)
{
	outb(RTC_INDEX, RTC_NMI_OFF | reg);
	outb(RTC_DATA, value);
}

/* The rate code of hz, a power of two in range (checked by the caller). */
static uint8_t rtc_rate_code(unsigned int hz)
{
	uint8_t rate = 1;

	while ((RTC_BASE_HZ >> (rate - 1)) > (int)hz)
		rate++;
	return rate;
}

int rtc_start(unsigned int hz)
{
	if (hz < RTC_MIN_HZ || hz > RTC_MAX_HZ || (hz & (hz - 1)))
		return -E_INVAL;
	uint32_t flags = irq_save();
	rtc_write(RTC_REG_A, (uint8_t)((rtc_read(RTC_REG_A) & ~RTC_A_RATE_MASK) | rtc_rate_code(hz)));
	rtc_write(RTC_REG_B, (uint8_t)(rtc_read(RTC_REG_B) | RTC_B_PIE));
	rtc_read(RTC_REG_C);                    /* nothing stale pending */
	outb(RTC_INDEX, RTC_REG_C);             /* NMIs back on, index left at C */
	irq_restore(flags);
	return 0;
}
