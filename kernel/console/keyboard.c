/*
 * keyboard.c - PS/2 keyboard input in scan code set 1 (what the i8042
 * controller delivers by default).
 *
 * Each make code is translated through a US layout table; Shift and Ctrl are
 * tracked from their make and break codes. keyboard_getc() hands out the
 * printable results and Enter, Backspace, Tab, Escape and Ctrl-letters;
 * the terminal (fs/tty.c) takes them on IRQ 1 exactly as if they had come
 * from the serial line.
 */
#include <stdbool.h>
#include <stdint.h>
#include "console/keyboard.h"
#include "console/console.h"
#include "cpu/x86.h"

#define KBD_STATUS_FULL  0x01     /* output buffer has a byte for us */
#define SCAN_BREAK       0x80     /* set in the code of a key release */
#define SCAN_EXTENDED    0xE0     /* prefix of the arrow/keypad keys */
#define SCAN_LSHIFT      0x2A
#define SCAN_RSHIFT      0x36
#define SCAN_CTRL        0x1D
#define SCAN_TABLE_SIZE  0x3A     /* codes past the space bar are ignored */

static const char scan_plain[SCAN_TABLE_SIZE] =
	"\0\0331234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char scan_shift[SCAN_TABLE_SIZE] =
	"\0\033!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

static bool shift_down, ctrl_down, extended;

/* Track modifiers; return the ASCII byte for a key press, or 0. */
static char keyboard_translate(uint8_t code)
{
	bool released = code & SCAN_BREAK;
	uint8_t key = code & ~SCAN_BREAK;

	if (code == SCAN_EXTENDED) {
		extended = true;
		return 0;
	}
	bool was_extended = extended;
	extended = false;
	if (key == SCAN_LSHIFT || key == SCAN_RSHIFT)
		shift_down = !released;
	else if (key == SCAN_CTRL)
		ctrl_down = !released;
	if (released || was_extended || key >= SCAN_TABLE_SIZE)
		return 0;
	char c = (shift_down ? scan_shift : scan_plain)[key];
	if (ctrl_down && c >= 'a' && c <= 'z')
		return CTRL(c - 'a' + 'A');
	return c;
}

int keyboard_getc(char *c)
{
	while (inb(KBD_STATUS_PORT) & KBD_STATUS_FULL) {
		*c = keyboard_translate(inb(KBD_DATA_PORT));
		if (*c)
			return 1;
	}
	return 0;
}
