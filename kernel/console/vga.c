/*
 * vga.c - 80x25 colour text mode at physical 0xB8000.
 *
 * Each cell is a character byte and an attribute byte. The screen scrolls
 * when the cursor passes the last row; the hardware cursor follows through
 * the CRT controller's index/data ports.
 */
#include <stdint.h>
#include "console/vga.h"
#include "cpu/x86.h"
#include "string.h"

#define VGA_TEXT_BUFFER  ((volatile uint16_t *)0xB8000)
#define VGA_COLS         80
#define VGA_ROWS         25
#define VGA_ATTR_NORMAL  0x07           /* light grey on black */
#define VGA_BLANK        ((uint16_t)(VGA_ATTR_NORMAL << 8 | ' '))
#define VGA_TAB_WIDTH    8

#define CRTC_CURSOR_HI   0x0E
#define CRTC_CURSOR_LO   0x0F

static unsigned int cursor;     /* cell index, always < VGA_COLS * VGA_ROWS */

static void vga_move_cursor(void)
{
	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, cursor >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, cursor & 0xFF);
}

static void vga_clear_cells(unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++)
		VGA_TEXT_BUFFER[i] = VGA_BLANK;
}

void vga_init(void)
{
	cursor = 0;
	vga_clear_cells(0, VGA_COLS * VGA_ROWS);
	vga_move_cursor();
}

/* Move every row up by one and blank the last row. */
static void vga_scroll(void)
{
	memmove((void *)VGA_TEXT_BUFFER, (void *)(VGA_TEXT_BUFFER + VGA_COLS),
		(VGA_ROWS - 1) * VGA_COLS * sizeof(uint16_t));
	vga_clear_cells((VGA_ROWS - 1) * VGA_COLS, VGA_ROWS * VGA_COLS);
	cursor -= VGA_COLS;
}

void vga_putc(char c)
{
	switch (c) {
	case '\n':
		cursor += VGA_COLS - cursor % VGA_COLS;
		break;
	case '\r':
		cursor -= cursor % VGA_COLS;
		break;
	case '\b':
		if (cursor % VGA_COLS)
			VGA_TEXT_BUFFER[--cursor] = VGA_BLANK;
		break;
	case '\t':
		do
			VGA_TEXT_BUFFER[cursor++] = VGA_BLANK;
		while (cursor % VGA_TAB_WIDTH);
		break;
	default:
		VGA_TEXT_BUFFER[cursor++] = (uint16_t)(VGA_ATTR_NORMAL << 8 | (uint8_t)c);
	}
	if (cursor >= VGA_COLS * VGA_ROWS)
		vga_scroll();
	vga_move_cursor();
}
