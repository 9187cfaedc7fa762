/*
 * format.c - the formatting engine behind printf and snprintf (see format.h
 * for what is supported).
 *
 * vformat() reads the format one conversion at a time: parse_conversion()
 * fills a struct conversion_spec, then a format_* helper produces the field
 * (padding, sign or "0x", leading zeros, digits) through emit_char().
 *
 * No 64-bit division, ever. The kernel is freestanding i386 code that is not
 * linked with libgcc, and gcc turns a 64-bit '/' or '%' into calls to
 * __udivdi3/__umoddi3. So hex digits come from masking and shifting (gcc
 * inlines 64-bit shifts on i386), and decimal digits come from
 * u64_divmod_small(), a schoolbook long division in 16-bit steps in which
 * every step is an ordinary 32-bit division.
 */
#include <stdbool.h>
#include <stdint.h>
#include "format.h"
#include "string.h"

#define NO_PRECISION       (-1)
/* Widths and precisions saturate here: far beyond any sensible field, and
 * small enough that the padding arithmetic below cannot overflow an int. */
#define MAX_FIELD_WIDTH    (1 << 20)
#define MAX_DIGITS         20   /* 2^64-1 has 20 decimal digits (16 hex) */
#define POINTER_HEX_DIGITS ((int)(2 * sizeof(void *)))

#define HEX_DIGIT_BITS     4
#define HEX_DIGIT_MASK     0xFu

#define WORD_BITS          32   /* a uint32_t: what i386 divides natively */
#define CHUNK_BITS         16   /* long division step, see u64_divmod_small */
#define CHUNK_MASK         0xFFFFu
#define CHUNKS_PER_U64     4

enum length_modifier {
	LENGTH_DEFAULT,         /* int */
	LENGTH_CHAR,            /* hh: int converted to (signed/unsigned) char */
	LENGTH_SHORT,           /* h:  int converted to short */
	LENGTH_LONG,            /* l:  long (32-bit on i386) */
	LENGTH_LONG_LONG,       /* ll: long long (64-bit) */
	LENGTH_SIZE,            /* z:  size_t */
};

/* One parsed "%..." conversion, minus the conversion character. */
struct conversion_spec {
	bool left_justify;      /* '-': pad on the right */
	bool zero_pad;          /* '0': pad integers with zeros after the sign */
	int width;              /* minimum field width, 0 if none */
	int precision;          /* NO_PRECISION, or 0..MAX_FIELD_WIDTH */
	enum length_modifier length;
};

/* Where characters go, and how many have gone there. */
struct output {
	format_putc_fn putc;
	void *ctx;
	int count;
};

static void emit_char(struct output *out, char c)
{
	out->putc(c, out->ctx);
	out->count++;
}

static void emit_chars(struct output *out, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		emit_char(out, s[i]);
}

static void emit_repeated(struct output *out, char c, int n)
{
	for (int i = 0; i < n; i++)
		emit_char(out, c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a run of decimal digits at *p, leaving *p after them. The value
 * saturates at MAX_FIELD_WIDTH (so value*10 + 9 below cannot overflow). */
static int parse_field_number(const char **p)
{
	int value = 0;

	while (is_digit(**p)) {
		value = value * 10 + (**p - '0');
		if (value > MAX_FIELD_WIDTH)
			value = MAX_FIELD_WIDTH;
		(*p)++;
	}
	return value;
}

/* A '*' width: a negative argument means '-' with its absolute value. */
static void take_star_width(struct conversion_spec *spec, va_list *ap)
{
	int width = va_arg(*ap, int);

	if (width < 0) {
		spec->left_justify = true;
		/* compare before negating: -INT_MIN overflows */
		width = width < -MAX_FIELD_WIDTH ? MAX_FIELD_WIDTH : -width;
	}
	spec->width = width > MAX_FIELD_WIDTH ? MAX_FIELD_WIDTH : width;
}

/* A '*' precision: a negative argument means "no precision" (C99). */
static void take_star_precision(struct conversion_spec *spec, va_list *ap)
{
	int precision = va_arg(*ap, int);

	if (precision < 0)
		spec->precision = NO_PRECISION;
	else
		spec->precision = precision > MAX_FIELD_WIDTH ? MAX_FIELD_WIDTH : precision;
}

/* Parses flags, width, precision and length modifier of the conversion
 * whose '%' is just before *p. Leaves *p at the conversion character (which
 * may be '\0' if the format ends early). '*' arguments are taken from ap. */
static void parse_conversion(const char **p, struct conversion_spec *spec, va_list *ap)
{
	spec->left_justify = false;
	spec->zero_pad = false;
	spec->width = 0;
	spec->precision = NO_PRECISION;
	spec->length = LENGTH_DEFAULT;

	for (;; (*p)++) {
		if (**p == '-')
			spec->left_justify = true;
		else if (**p == '0')
			spec->zero_pad = true;
		else
			break;
	}

	if (**p == '*') {
		(*p)++;
		take_star_width(spec, ap);
	} else {
		spec->width = parse_field_number(p);
	}

	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			(*p)++;
			take_star_precision(spec, ap);
		} else {
			spec->precision = parse_field_number(p);  /* "." alone is 0 */
		}
	}

	if (**p == 'h') {
		(*p)++;
		spec->length = LENGTH_SHORT;
		if (**p == 'h') {
			(*p)++;
			spec->length = LENGTH_CHAR;
		}
	} else if (**p == 'l') {
		(*p)++;
		spec->length = LENGTH_LONG;
		if (**p == 'l') {
			(*p)++;
			spec->length = LENGTH_LONG_LONG;
		}
	} else if (**p == 'z') {
		(*p)++;
		spec->length = LENGTH_SIZE;
	}
}

/* Takes the next argument of an unsigned conversion, as the length
 * modifier says it was passed, and widens it to 64 bits. hh and h
 * arguments arrive promoted to int and are narrowed back first. */
static uint64_t take_unsigned_argument(va_list *ap, enum length_modifier length)
{
	switch (length) {
	case LENGTH_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LENGTH_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LENGTH_LONG:
		return va_arg(*ap, unsigned long);
	case LENGTH_LONG_LONG:
		return va_arg(*ap, unsigned long long);
	case LENGTH_SIZE:
		return va_arg(*ap, size_t);
	case LENGTH_DEFAULT:
		break;
	}
	return va_arg(*ap, unsigned int);
}

/* The signed counterpart of take_unsigned_argument. */
static int64_t take_signed_argument(va_list *ap, enum length_modifier length)
{
	switch (length) {
	case LENGTH_CHAR:
		return (signed char)va_arg(*ap, int);
	case LENGTH_SHORT:
		return (short)va_arg(*ap, int);
	case LENGTH_LONG:
		return va_arg(*ap, long);
	case LENGTH_LONG_LONG:
		return va_arg(*ap, long long);
	case LENGTH_SIZE:
		return (ptrdiff_t)va_arg(*ap, size_t);  /* %zd: the signed size_t */
	case LENGTH_DEFAULT:
		break;
	}
	return va_arg(*ap, int);
}

/*
 * Divides *value by divisor in place and returns the remainder, using only
 * 32-bit divisions. Requires 0 < divisor <= CHUNK_MASK + 1.
 *
 * Long division with 16-bit "digits": going from the most significant chunk
 * down, the partial dividend is (remainder << 16) | chunk. Since remainder <
 * divisor <= 2^16, that is < 2^32 and fits a uint32_t, and its quotient by
 * divisor is < 2^16, i.e. exactly one 16-bit chunk of the quotient.
 */
static uint32_t u64_divmod_small(uint64_t *value, uint32_t divisor)
{
	if ((*value >> WORD_BITS) == 0) {       /* fast path: fits 32 bits */
		uint32_t low = (uint32_t)*value;
		*value = low / divisor;
		return low % divisor;
	}

	uint64_t quotient = 0;
	uint32_t remainder = 0;
	for (int i = CHUNKS_PER_U64 - 1; i >= 0; i--) {
		uint32_t chunk = (uint32_t)(*value >> (i * CHUNK_BITS)) & CHUNK_MASK;
		uint32_t partial = (remainder << CHUNK_BITS) | chunk;
		quotient = (quotient << CHUNK_BITS) | (partial / divisor);
		remainder = partial % divisor;
	}
	*value = quotient;
	return remainder;
}

/* Writes the digits of value in base (10 or 16) so that they
 * end just before buf_end, and returns how many there are (0 gives "0"). */
static int convert_digits(uint64_t value, uint32_t base, bool uppercase, char *buf_end)
{
	const char *digit_chars = uppercase ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = buf_end;

	do {
		uint32_t digit;
		if (base == 16) {
			digit = (uint32_t)value & HEX_DIGIT_MASK;
			value >>= HEX_DIGIT_BITS;
		} else {
			digit = u64_divmod_small(&value, base);
		}
		*--p = digit_chars[digit];
	} while (value != 0);
	return (int)(buf_end - p);
}

/*
 * Emits one integer field. The field is, in order:
 *   [spaces] prefix [zeros] digits [spaces]
 * where prefix is "-", "0x" or "", the zeros bring the digits up to the
 * precision (or, with '0' and no precision, the whole field up to the
 * width), and the spaces go on the left unless left-justified.
 */
static void format_integer(struct output *out, const struct conversion_spec *spec,
			   uint64_t magnitude, const char *prefix,
			   uint32_t base, bool uppercase)
{
	char digits[MAX_DIGITS];
	int digit_count = convert_digits(magnitude, base, uppercase, digits + MAX_DIGITS);

	if (spec->precision == 0 && magnitude == 0)
		digit_count = 0;                /* C99: "%.0d" of 0 prints nothing */

	int prefix_length = (int)strlen(prefix);
	int zeros = spec->precision > digit_count ? spec->precision - digit_count : 0;
	int body = prefix_length + zeros + digit_count;
	int padding = spec->width > body ? spec->width - body : 0;

	/* '0' is ignored with '-' (it would pad on the right) and with a
	 * precision (which already says how many zeros there are). */
	if (spec->zero_pad && !spec->left_justify && spec->precision == NO_PRECISION) {
		zeros += padding;
		padding = 0;
	}

	if (!spec->left_justify)
		emit_repeated(out, ' ', padding);
	emit_chars(out, prefix, prefix_length);
	emit_repeated(out, '0', zeros);
	emit_chars(out, digits + MAX_DIGITS - digit_count, digit_count);
	if (spec->left_justify)
		emit_repeated(out, ' ', padding);
}

/* Emits n characters of s padded with spaces to the width (%s and %c). */
static void format_text(struct output *out, const struct conversion_spec *spec,
			const char *s, int n)
{
	int padding = spec->width > n ? spec->width - n : 0;

	if (!spec->left_justify)
		emit_repeated(out, ' ', padding);
	emit_chars(out, s, n);
	if (spec->left_justify)
		emit_repeated(out, ' ', padding);
}

static void format_string(struct output *out, const struct conversion_spec *spec,
			  const char *s)
{
	if (s == NULL)
		s = "(null)";
	/* With a precision, s need not be NUL-terminated: read no further. */
	size_t length = spec->precision == NO_PRECISION
		? strlen(s) : strnlen(s, (size_t)spec->precision);
	format_text(out, spec, s, (int)length);
}

static void format_signed_decimal(struct output *out, const struct conversion_spec *spec,
				  va_list *ap)
{
	int64_t value = take_signed_argument(ap, spec->length);
	bool negative = value < 0;
	/* Unsigned negation is exact even for INT64_MIN, whose magnitude
	 * 2^63 has no int64_t representation. */
	uint64_t magnitude = negative ? 0 - (uint64_t)value : (uint64_t)value;

	format_integer(out, spec, magnitude, negative ? "-" : "", 10, false);
}

static void format_pointer(struct output *out, struct conversion_spec *spec, va_list *ap)
{
	uintptr_t address = (uintptr_t)va_arg(*ap, void *);

	if (spec->precision < POINTER_HEX_DIGITS)
		spec->precision = POINTER_HEX_DIGITS;   /* always every digit */
	format_integer(out, spec, address, "0x", 16, false);
}

/* Emits one conversion whose character is *conversion; returns false if
 * that character is not one we know. */
static bool format_conversion(struct output *out, struct conversion_spec *spec,
			      char conversion, va_list *ap)
{
	char c;

	switch (conversion) {
	case 'd':
	case 'i':
		format_signed_decimal(out, spec, ap);
		return true;
	case 'u':
		format_integer(out, spec, take_unsigned_argument(ap, spec->length), "",
			       10, false);
		return true;
	case 'x':
	case 'X':
		format_integer(out, spec, take_unsigned_argument(ap, spec->length), "",
			       16, conversion == 'X');
		return true;
	case 'p':
		format_pointer(out, spec, ap);
		return true;
	case 's':
		format_string(out, spec, va_arg(*ap, const char *));
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_text(out, spec, &c, 1);
		return true;
	case '%':
		emit_char(out, '%');
		return true;
	default:
		return false;
	}
}

int vformat(format_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	struct output out = { .putc = putc, .ctx = ctx, .count = 0 };
	struct conversion_spec spec;
	va_list args;

	/* A private copy we can pass by address to the helpers: taking the
	 * address of a va_list parameter is not portable. */
	va_copy(args, ap);
	const char *p = fmt;
	while (*p != '\0') {
		if (*p != '%') {
			emit_char(&out, *p++);
			continue;
		}
		const char *conversion_start = p++;
		parse_conversion(&p, &spec, &args);
		if (*p == '\0') {
			/* format ended inside the conversion: show what there was */
			emit_chars(&out, conversion_start, (int)(p - conversion_start));
			break;
		}
		char conversion = *p++;
		if (!format_conversion(&out, &spec, conversion, &args))
			emit_chars(&out, conversion_start, (int)(p - conversion_start));
	}
	va_end(args);
	return out.count;
}

/* vsnprintf's sink. Invariant: buf[0 .. min(length, size-1)) holds the
 * first characters produced; length counts all of them, stored or not. */
struct buffer_sink {
	char *buf;
	size_t size;
	size_t length;
};

static void buffer_sink_putc(char c, void *ctx)
{
	struct buffer_sink *sink = ctx;

	if (sink->length + 1 < sink->size)      /* keep the last byte for NUL */
		sink->buf[sink->length] = c;
	sink->length++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer_sink sink = { .buf = buf, .size = size, .length = 0 };
	int count = vformat(buffer_sink_putc, &sink, fmt, ap);

	if (size > 0)
		buf[sink.length < size ? sink.length : size - 1] = '\0';
	return count;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int count = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return count;
}
