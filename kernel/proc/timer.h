/*
 * timer.h - the 8253/8254 PIT, channel 0, interrupting hz times a second.
 */
#ifndef PROC_TIMER_H
#define PROC_TIMER_H

/* The PIT's ports used: channel 0 .. the command port (the kernel's own). */
#define PIT_CHANNEL0      0x40
#define PIT_COMMAND       0x43

#include <stdint.h>

#define TIMER_DEFAULT_HZ 100
#define TIMER_MIN_HZ     19        /* the 16-bit divisor's limit */
#define TIMER_MAX_HZ     10000

/* Ticks since timer_init; wraps after 2^32 (compare with differences). */
extern volatile uint32_t timer_ticks;
extern unsigned int timer_hz;

/* Program the PIT for hz interrupts a second. */
void timer_init(unsigned int hz);
struct trapframe;
/* IRQ 0's handler (boot registers it): count the tick, and give the
 * scheduler its chance to preempt. */
struct trapframe *timer_intr(struct trapframe *tf);

#endif
