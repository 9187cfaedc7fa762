/*
 * console.h - the kernel console: output to COM1 and the VGA screen, for
 * every layer (printf). Input is the terminal's: fs/tty.h.
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

#endif
