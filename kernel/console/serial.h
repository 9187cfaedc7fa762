/*
 * serial.h - the COM1 16550 UART: the grader's channel to the kernel.
 */
#ifndef CONSOLE_SERIAL_H
#define CONSOLE_SERIAL_H

void serial_init(void);
void serial_putc(char c);
/* Drain received bytes into the console; called from the COM1 IRQ. */
void serial_intr(void);

#endif
