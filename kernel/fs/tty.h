/*
 * tty.h - the terminal: console input from COM1 and the PS/2 keyboard, for
 * the kernel monitor and for user processes reading the console.
 */
#ifndef FS_TTY_H
#define FS_TTY_H

/* Take the serial and keyboard interrupts (after trap_init). */
void tty_init(void);
/* Wait for and return the next input byte. */
char tty_getc(void);
/* Wait for input and return what has arrived, at most n bytes, raw (no
 * echo, no editing); 0 at Ctrl-D, -E_INTR if the caller is killed while
 * waiting. For user processes' reads. */
int tty_read(char *buf, int n);
/* Read one line with echo and backspace editing; returns its length.
 * The newline is not stored; buf is always NUL-terminated. */
int tty_readline(char *buf, int size);

#endif
