/*
 * vga.h - the VGA text-mode screen, a mirror of the serial console.
 */
#ifndef CONSOLE_VGA_H
#define CONSOLE_VGA_H

/* The CRT controller's ports, for the cursor (the kernel's own). */
#define CRTC_INDEX       0x3D4
#define CRTC_DATA        0x3D5

void vga_init(void);
void vga_putc(char c);

#endif
