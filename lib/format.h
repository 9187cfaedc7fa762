/*
 * format.h - printf-style formatting without floating point or malloc,
 * shared by the kernel and user programs.
 *
 * vformat() is the engine: it walks the format and hands every output
 * character to a callback, so the kernel console, a string buffer, and
 * later a user-space stdout can all share one implementation.
 *
 * Supported: conversions %d %i %u %x %X %p %s %c %%; flags '-' (left
 * justify) and '0' (zero pad, integers only; ignored with '-' or with a
 * precision); a width (digits or '*'); a precision '.N' or '.*' (maximum
 * characters for %s, minimum digits for integers); length modifiers hh, h,
 * l, ll (64-bit) and z (size_t).
 *
 * Deliberate differences from a hosted C library:
 *   - %p is "0x" followed by exactly 2*sizeof(void *) lowercase hex digits
 *     (NULL too); a width pads it with spaces.
 *   - %s of NULL prints "(null)" (the precision still applies to it).
 *   - An unknown conversion ("%q") or a format ending inside a conversion
 *     ("%", "%5", "%l") is printed literally, so the mistake is visible.
 *   - Flags '+', ' ' and '#' are not supported (they make a conversion
 *     unknown, hence printed literally).
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives one output character; ctx is the caller's, passed through. */
typedef void (*format_putc_fn)(char c, void *ctx);

/* Formats fmt with the arguments in ap, calling putc for each character.
 * Returns the number of characters emitted. Never emits a terminating NUL. */
int vformat(format_putc_fn putc, void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* C99 semantics: writes at most size-1 characters and a NUL into buf when
 * size > 0 (buf may be NULL when size == 0), and returns the length the
 * full output would have had, so a result >= size means truncation. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* LIB_FORMAT_H */
