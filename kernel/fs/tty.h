/*
 * tty.h - the terminal: console input from COM1 and the PS/2 keyboard, for
 * the kernel monitor and for user processes reading the console.
 */
#ifndef FS_TTY_H
#define FS_TTY_H

struct trapframe;
/* The handlers of IRQ 4 (COM1) and IRQ 1 (the keyboard), which boot
 * registers: each takes every byte its device has. */
struct trapframe *tty_serial_intr(struct trapframe *tf);
struct trapframe *tty_keyboard_intr(struct trapframe *tf);
/* What Ctrl-P runs, with the frame its interrupt stopped. A setting rather
 * than a call, because the process table's report (proc_dump, which names
 * user functions) lies in a layer above this one. */
void tty_set_ctrl_p(void (*report)(const struct trapframe *interrupted));
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
