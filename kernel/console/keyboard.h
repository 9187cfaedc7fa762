/*
 * keyboard.h - the PS/2 keyboard (IRQ 1), translated to ASCII console input.
 */
#ifndef CONSOLE_KEYBOARD_H
#define CONSOLE_KEYBOARD_H

void keyboard_init(void);

#endif
