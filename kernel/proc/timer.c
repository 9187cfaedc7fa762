/*
 * timer.c - the periodic timer tick.
 *
 * The PIT's input clock runs at PIT_INPUT_HZ; channel 0 in mode 2 (rate
 * generator) divides it down to hz and raises IRQ 0 on each period. Each
 * tick counts in timer_ticks and gives the scheduler its chance to preempt.
 */
#include "proc/timer.h"
#include "cpu/trapframe.h"
#include "proc/sched.h"
#include "cpu/x86.h"

#define PIT_INPUT_HZ      1193182
#define PIT_CH0_RATE_GEN  0x34     /* channel 0, lo/hi byte, mode 2, binary */

volatile uint32_t timer_ticks;
unsigned int timer_hz;

struct trapframe *timer_intr(struct trapframe *tf)
{
	timer_ticks++;
	sched_tick();
	return tf;
}

void timer_init(unsigned int hz)
{
	uint32_t divisor = (PIT_INPUT_HZ + hz / 2) / hz;

	timer_hz = hz;
	outb(PIT_COMMAND, PIT_CH0_RATE_GEN);
	outb(PIT_CHANNEL0, divisor & 0xFF);
	outb(PIT_CHANNEL0, divisor >> 8);
}
