/*
 * keyboard.h - the PS/2 keyboard, translated to ASCII (its IRQ 1 is the
 * terminal's, fs/tty.c).
 */
#ifndef CONSOLE_KEYBOARD_H
#define CONSOLE_KEYBOARD_H

/* The 8042 controller's ports (the kernel's own). */
#define KBD_DATA_PORT    0x60
#define KBD_STATUS_PORT  0x64

/* The next character the controller has for us: 1 with *c set, or 0 when
 * it has nothing (modifier keys and releases are consumed silently). */
int keyboard_getc(char *c);

#endif
