/*
 * vga.h - the VGA text-mode screen, a mirror of the serial console.
 */
#ifndef CONSOLE_VGA_H
#define CONSOLE_VGA_H

void vga_init(void);
void vga_putc(char c);

#endif
