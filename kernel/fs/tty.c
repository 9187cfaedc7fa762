/*
 * tty.c - the terminal: input from COM1 and the PS/2 keyboard.
 *
 * Both devices' interrupt handlers (IRQ 4 and 1) put the bytes they read
 * into tty_rx, a ring buffer, and wake its readers; tty_getc() and
 * tty_read() sleep until a byte arrives. Ctrl-P is not queued: it runs the
 * report boot registers (tty_set_ctrl_p: proc_dump, the process table) at
 * once, with the context the interrupt stopped, so it works even when every
 * thread is stuck or in the middle of a long system call.
 *
 * The drivers themselves (console/serial.c, console/keyboard.c) only poll
 * their devices: sleeping and waking is this layer's, above the scheduler.
 */
#include "fs/tty.h"
#include "console/console.h"
#include "console/keyboard.h"
#include "console/serial.h"
#include "cpu/x86.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "cpu/trapframe.h"
#include "abi.h"

#define TTY_RX_SIZE 256            /* a power of two: indices wrap by masking */
#define ASCII_DEL   0x7F
#define TTY_EOF     CTRL('D')      /* tty_read's end of file */

/* Invariant: read <= write <= read + TTY_RX_SIZE; the bytes between them,
 * modulo the size, are unread input. Updated with interrupts off (the
 * interrupt handlers write it). */
static struct {
	char buf[TTY_RX_SIZE];
	unsigned int read, write;
} tty_rx;

static void (*tty_ctrl_p)(const struct trapframe *interrupted);

void tty_set_ctrl_p(void (*report)(const struct trapframe *interrupted))
{
	tty_ctrl_p = report;
}

/* One input byte, from an interrupt handler; interrupted is the context
 * the interrupt stopped, for Ctrl-P's report. */
static void tty_input(char c, const struct trapframe *interrupted)
{
	if (c == CTRL('P')) {
		if (tty_ctrl_p)
			tty_ctrl_p(interrupted);
		return;
	}
	if (tty_rx.write - tty_rx.read == TTY_RX_SIZE)
		return;                 /* full: drop, as a real UART would */
	tty_rx.buf[tty_rx.write++ % TTY_RX_SIZE] = c;
	wakeup(&tty_rx);
}

struct trapframe *tty_serial_intr(struct trapframe *tf)
{
	char c;

	while (serial_getc(&c))
		tty_input(c, tf);
	return tf;
}

struct trapframe *tty_keyboard_intr(struct trapframe *tf)
{
	char c;

	while (keyboard_getc(&c))
		tty_input(c, tf);
	return tf;
}

static int tty_empty(void)
{
	return tty_rx.read == tty_rx.write;
}

static char tty_peek(void)
{
	return tty_rx.buf[tty_rx.read % TTY_RX_SIZE];
}

char tty_getc(void)
{
	uint32_t flags = irq_save();
	while (tty_empty())
		sleep(&tty_rx);
	char c = tty_peek();
	tty_rx.read++;
	irq_restore(flags);
	return c;
}

int tty_read(char *buf, int n)
{
	uint32_t flags = irq_save();
	int got = 0;

	while (tty_empty()) {
		if (proc_interrupted(current_proc)) {
			irq_restore(flags);
			return -E_INTR;
		}
		sleep(&tty_rx);
	}
	if (tty_peek() == TTY_EOF) {
		tty_rx.read++;
	} else {
		while (got < n && !tty_empty() && tty_peek() != TTY_EOF)
			buf[got++] = tty_rx.buf[tty_rx.read++ % TTY_RX_SIZE];
	}
	irq_restore(flags);
	return got;
}

int tty_readline(char *buf, int size)
{
	int n = 0;

	for (;;) {
		char c = tty_getc();
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
