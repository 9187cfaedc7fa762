/*
 * console.c - one console made of COM1 and the VGA screen.
 *
 * Output goes to both devices, with "\n" sent as "\r\n" on the serial line
 * (the grader's channel). A whole printf runs with preemption disabled so
 * that lines from different threads never interleave mid-line.
 *
 * Input bytes arrive from interrupt handlers (serial_intr, keyboard_intr)
 * into console_rx, a ring buffer; console_getc() sleeps until one arrives.
 * Ctrl-P is not queued: it prints the process table at once (proc_dump), so
 * it works even when every thread is stuck.
 */
#include "console/console.h"
#include "console/serial.h"
#include "console/vga.h"
#include "cpu/x86.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "format.h"
#include "abi.h"

#define CONSOLE_RX_SIZE 256        /* a power of two: indices wrap by masking */
#define ASCII_DEL       0x7F
#define CONSOLE_EOF     CTRL('D')   /* console_read's end of file */

/* Invariant: rx_read <= rx_write <= rx_read + CONSOLE_RX_SIZE; the bytes
 * between them, modulo the size, are unread input. Updated with interrupts
 * off. */
static struct {
	char buf[CONSOLE_RX_SIZE];
	unsigned int rx_read, rx_write;
} console_rx;

void console_init(void)
{
	serial_init();
	vga_init();
}

void console_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
	vga_putc(c);
}

void console_write(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		console_putc(s[i]);
}

static void console_format_putc(char c, void *unused)
{
	(void)unused;
	console_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
	preempt_disable();
	int n = vformat(console_format_putc, 0, fmt, ap);
	preempt_enable();
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void console_input(char c, const struct trapframe *interrupted)
{
	if (c == CTRL('P')) {
		proc_dump(interrupted);
		return;
	}
	if (console_rx.rx_write - console_rx.rx_read == CONSOLE_RX_SIZE)
		return;                 /* full: drop, as a real UART would */
	console_rx.buf[console_rx.rx_write++ % CONSOLE_RX_SIZE] = c;
	wakeup(&console_rx);
}

char console_getc(void)
{
	uint32_t flags = irq_save();
	while (console_rx.rx_read == console_rx.rx_write)
		sleep(&console_rx);
	char c = console_rx.buf[console_rx.rx_read++ % CONSOLE_RX_SIZE];
	irq_restore(flags);
	return c;
}

int console_read(char *buf, int n)
{
	uint32_t flags = irq_save();
	int got = 0;

	while (console_rx.rx_read == console_rx.rx_write) {
		if (current_proc->killed) {
			irq_restore(flags);
			return -E_INTR;
		}
		sleep(&console_rx);
	}
	if (console_rx.buf[console_rx.rx_read % CONSOLE_RX_SIZE] == CONSOLE_EOF) {
		console_rx.rx_read++;
	} else {
		while (got < n && console_rx.rx_read != console_rx.rx_write &&
		       console_rx.buf[console_rx.rx_read % CONSOLE_RX_SIZE] != CONSOLE_EOF)
			buf[got++] = console_rx.buf[console_rx.rx_read++ % CONSOLE_RX_SIZE];
	}
	irq_restore(flags);
	return got;
}

int console_readline(char *buf, int size)
{
	int n = 0;
	for (;;) {
		char c = console_getc();
		if (c == '\r' || c == '\n') {
			console_putc('\n');
			break;
		}
		if (c == '\b' || c == ASCII_DEL) {
			if (n > 0) {
				n--;
				console_write("\b \b", 3);
			}
		} else if (n < size - 1 && c >= ' ') {
			buf[n++] = c;
			console_putc(c);
		}
	}
	buf[n] = '\0';
	return n;
}
