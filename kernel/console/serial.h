/*
 * serial.h - the COM1 16550 UART: the grader's channel to the kernel.
 */
#ifndef CONSOLE_SERIAL_H
#define CONSOLE_SERIAL_H

void serial_init(void);
void serial_putc(char c);
struct trapframe;
/* Drain received bytes into the console; called from the COM1 IRQ, with
 * the context it interrupted (for Ctrl-P's report). */
void serial_intr(const struct trapframe *interrupted);

#endif
