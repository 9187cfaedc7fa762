/*
 * serial.c - COM1, a 16550 UART at 115200 8N1.
 *
 * Output is polled (wait until the transmit register is empty, then write),
 * which needs no interrupts and so works from the first line of kmain to the
 * last line of a panic. Input raises IRQ 4, which the terminal (fs/tty.c)
 * takes: it reads every received byte with serial_getc().
 */
#include "console/serial.h"
#include "console/console.h"
#include "cpu/x86.h"

#define UART_DATA        0      /* receive / transmit buffer (DLAB=0) */
#define UART_IER         1      /* interrupt enable (DLAB=0) */
#define UART_DIVISOR_LO  0      /* baud divisor (DLAB=1) */
#define UART_DIVISOR_HI  1
#define UART_FCR         2      /* FIFO control */
#define UART_LCR         3      /* line control */
#define UART_MCR         4      /* modem control */
#define UART_LSR         5      /* line status */

#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE_CLEAR 0x07   /* enable FIFOs, clear both */
#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define MCR_DTR_RTS_OUT2 0x0B   /* OUT2 gates the IRQ line to the PIC */
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20

#define UART_CLOCK       115200
#define BAUD             115200

void serial_init(void)
{
	uint16_t divisor = UART_CLOCK / BAUD;

	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DIVISOR_LO, divisor & 0xFF);
	outb(COM1 + UART_DIVISOR_HI, divisor >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	outb(COM1 + UART_IER, IER_RX_AVAILABLE);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

int serial_getc(char *c)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return 0;
	*c = (char)inb(COM1 + UART_DATA);
	return 1;
}
