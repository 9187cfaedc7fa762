/*
 * serial.h - the COM1 16550 UART: the grader's channel to the kernel.
 */
#ifndef CONSOLE_SERIAL_H
#define CONSOLE_SERIAL_H

/* Its I/O ports: COM1 .. COM1 + SERIAL_PORTS - 1 (the kernel's own). */
#define COM1             0x3F8
#define SERIAL_PORTS     8

void serial_init(void);
void serial_putc(char c);
/* A received byte: 1 with *c set, or 0 when none is waiting. */
int serial_getc(char *c);

#endif
