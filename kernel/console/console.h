/*
 * console.h - the kernel console: output to COM1 and the VGA screen,
 * input from COM1 and the PS/2 keyboard.
 */
#ifndef CONSOLE_CONSOLE_H
#define CONSOLE_CONSOLE_H

#include <stdarg.h>

#define CTRL(c) ((c) - '@')          /* CTRL('P') is the byte Ctrl-P sends */

void console_init(void);
void console_putc(char c);
void console_write(const char *s, int n);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

struct trapframe;
/* Called by the serial and keyboard interrupt handlers for each input
 * byte; interrupted is the context the interrupt stopped (Ctrl-P names
 * where the running thread was). */
void console_input(char c, const struct trapframe *interrupted);
/* Wait for and return the next input byte. */
char console_getc(void);
/* Wait for input and return what has arrived, at most n bytes, raw (no
 * echo, no editing); 0 at Ctrl-D, -E_INTR if the caller is killed while
 * waiting. For user processes' reads. */
int console_read(char *buf, int n);
/* Read one line with echo and backspace editing; returns its length.
 * The newline is not stored; buf is always NUL-terminated. */
int console_readline(char *buf, int size);

#endif
