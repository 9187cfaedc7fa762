/*
 * serial.h - the COM1 16550 UART: the grader's channel to the kernel.
 */
#ifndef CONSOLE_SERIAL_H
#define CONSOLE_SERIAL_H

void serial_init(void);
void serial_putc(char c);
/* A received byte: 1 with *c set, or 0 when none is waiting. */
int serial_getc(char *c);

#endif
