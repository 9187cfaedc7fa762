/*
 * test_format.c - host unit tests for lib/format.c (vformat, vsnprintf,
 * snprintf): every conversion, flag, width, precision and length modifier,
 * edge values, truncation, and the deliberate extensions of format.h.
 *
 * Built with -m32, like the kernel, so long is 32 bits and pointers have 8
 * hex digits. See unit.h for how to run it.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include "format.h"
#include "unit.h"

#define BUF_SIZE        256
#define UNWRITTEN       '#'     /* fills buffers first: stale bytes show up */
#define POINTER_DIGITS  ((int)(2 * sizeof(void *)))

static void fill(char *buf, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = c;
}

/* snprintf into a large buffer must give exactly `expected` and return its
 * length. */
#define CHECK_FORMAT(expected, ...) do { \
	char out_[BUF_SIZE]; \
	fill(out_, sizeof(out_), UNWRITTEN); \
	int count_ = snprintf(out_, sizeof(out_), __VA_ARGS__); \
	CHECK_STR((expected), out_); \
	CHECK_INT(unit_length(expected), count_); \
} while (0)

/* --- plain text and %% --- */

static void literal_text(void)
{
	CHECK_FORMAT("hello, world\n", "hello, world\n");
}

/* An empty format and a NULL %s are legal for us, but gcc's printf checks
 * flag them as likely mistakes. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static void empty_format(void)
{
	CHECK_FORMAT("", "");
	CHECK_INT(0, snprintf(NULL, 0, ""));
}

static void s_null_prints_null(void)
{
	CHECK_FORMAT("(null)", "%s", (char *)NULL);
	CHECK_FORMAT("[  (null)]", "[%8s]", (char *)NULL);
	CHECK_FORMAT("(nu", "%.3s", (char *)NULL);
}

#pragma GCC diagnostic pop

static void percent_percent(void)
{
	CHECK_FORMAT("%", "%%");
	CHECK_FORMAT("100%", "100%%");
	CHECK_FORMAT("%d", "%%d");
	CHECK_FORMAT("%%", "%%%%");
}

/* --- %d %i %u --- */

static void d_small_values(void)
{
	CHECK_FORMAT("0", "%d", 0);
	CHECK_FORMAT("7", "%d", 7);
	CHECK_FORMAT("42", "%d", 42);
	CHECK_FORMAT("-42", "%d", -42);
	CHECK_FORMAT("-1", "%d", -1);
	CHECK_FORMAT("1000000", "%d", 1000000);
}

static void d_int_min_and_max(void)
{
	CHECK_FORMAT("-2147483648", "%d", INT_MIN);
	CHECK_FORMAT("2147483647", "%d", INT_MAX);
	CHECK_FORMAT("-2147483647", "%d", INT_MIN + 1);
}

static void i_same_as_d(void)
{
	CHECK_FORMAT("123", "%i", 123);
	CHECK_FORMAT("-123", "%i", -123);
	CHECK_FORMAT("-2147483648", "%i", INT_MIN);
}

static void u_values(void)
{
	CHECK_FORMAT("0", "%u", 0u);
	CHECK_FORMAT("42", "%u", 42u);
	CHECK_FORMAT("2147483648", "%u", 2147483648u);
	CHECK_FORMAT("4294967295", "%u", UINT_MAX);
	CHECK_FORMAT("4294967295", "%u", (unsigned int)-1);
}

static void arguments_consumed_in_order(void)
{
	CHECK_FORMAT("1 -2 3 4 5 -6", "%d %d %u %i %x %d", 1, -2, 3u, 4, 5u, -6);
}

/* --- %x %X --- */

static void x_lowercase(void)
{
	CHECK_FORMAT("0", "%x", 0u);
	CHECK_FORMAT("f", "%x", 15u);
	CHECK_FORMAT("10", "%x", 16u);
	CHECK_FORMAT("deadbeef", "%x", 0xdeadbeefu);
	CHECK_FORMAT("ffffffff", "%x", UINT_MAX);
	CHECK_FORMAT("12345678", "%x", 0x12345678u);
}

static void X_uppercase(void)
{
	CHECK_FORMAT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FORMAT("ABCDEF", "%X", 0xabcdefu);
	CHECK_FORMAT("0", "%X", 0u);
}

/* --- %p --- */

static void p_zero_padded_lowercase(void)
{
	CHECK_INT(8, POINTER_DIGITS);   /* these tests are for the -m32 build */
	CHECK_FORMAT("0x00001234", "%p", (void *)0x1234);
	CHECK_FORMAT("0xdeadbeef", "%p", (void *)0xdeadbeef);
	CHECK_FORMAT("0xffffffff", "%p", (void *)UINTPTR_MAX);
	CHECK_FORMAT("0x00000000", "%p", (void *)0);
}

static void p_with_width(void)
{
	CHECK_FORMAT("  0x00001234", "%12p", (void *)0x1234);
	CHECK_FORMAT("0x00001234  |", "%-12p|", (void *)0x1234);
	CHECK_FORMAT("0x00001234", "%4p", (void *)0x1234);
}

/* --- %s --- */

static void s_basic(void)
{
	CHECK_FORMAT("abc", "%s", "abc");
	CHECK_FORMAT("", "%s", "");
	CHECK_FORMAT("<ab>", "<%s%s>", "a", "b");
	CHECK_FORMAT("x=%d", "%s", "x=%d");     /* arguments are not formats */
}

static void s_precision_limits_length(void)
{
	CHECK_FORMAT("abc", "%.3s", "abcdef");
	CHECK_FORMAT("abcdef", "%.10s", "abcdef");
	CHECK_FORMAT("abcdef", "%.6s", "abcdef");
	CHECK_FORMAT("", "%.0s", "abcdef");
	CHECK_FORMAT("", "%.s", "abcdef");      /* "." alone means 0 */
}

static void s_star_precision(void)
{
	CHECK_FORMAT("ab", "%.*s", 2, "abcdef");
	CHECK_FORMAT("abcdef", "%.*s", -1, "abcdef");  /* negative: none */
	CHECK_FORMAT("", "%.*s", 0, "abcdef");
}

/* "%.3s" may be given an array with no NUL: reading a 4th byte would hit
 * the guard page and crash. */
static void s_precision_reads_no_further(void)
{
	char *text = unit_bytes_before_guard_page(3);
	CHECK(text != NULL);
	text[0] = 'x';
	text[1] = 'y';
	text[2] = 'z';
	CHECK_FORMAT("xyz", "%.3s", text);
	CHECK_FORMAT("xy", "%.2s", text);
	CHECK_FORMAT("  xyz", "%5.3s", text);
}

static void s_width(void)
{
	CHECK_FORMAT("   abc", "%6s", "abc");
	CHECK_FORMAT("abc   |", "%-6s|", "abc");
	CHECK_FORMAT("abcdef", "%3s", "abcdef");  /* width never truncates */
	CHECK_FORMAT("   ab|", "%5.2s|", "abcdef");
	CHECK_FORMAT("ab   |", "%-5.2s|", "abcdef");
	CHECK_FORMAT("      ", "%6s", "");
}

/* --- %c --- */

static void c_basic(void)
{
	CHECK_FORMAT("A", "%c", 'A');
	CHECK_FORMAT("xyz", "%c%c%c", 'x', 'y', 'z');
	CHECK_FORMAT("[ ]", "[%c]", ' ');
	CHECK_FORMAT("A", "%c", 'A' + 256);     /* the int is converted to char */
}

static void c_width(void)
{
	CHECK_FORMAT("  A", "%3c", 'A');
	CHECK_FORMAT("A  |", "%-3c|", 'A');
	CHECK_FORMAT("A", "%1c", 'A');
}

/* A NUL from %c is a character like any other: stored and counted. */
static void c_nul_is_counted(void)
{
	char out[BUF_SIZE];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(3, snprintf(out, sizeof(out), "a%cb", '\0'));
	CHECK_MEM("a\0b\0#", out, 5);
}

/* --- width, '-' and '0' on integers --- */

static void width_right_justifies(void)
{
	CHECK_FORMAT("   42", "%5d", 42);
	CHECK_FORMAT("  -42", "%5d", -42);
	CHECK_FORMAT("    0", "%5u", 0u);
	CHECK_FORMAT("   ff", "%5x", 0xffu);
	CHECK_FORMAT("42", "%1d", 42);
	CHECK_FORMAT("42", "%0d", 42);
}

static void width_narrower_than_value(void)
{
	CHECK_FORMAT("12345", "%2d", 12345);
	CHECK_FORMAT("-12345", "%6d", -12345);
	CHECK_FORMAT("deadbeef", "%3x", 0xdeadbeefu);
}

static void minus_left_justifies(void)
{
	CHECK_FORMAT("42   |", "%-5d|", 42);
	CHECK_FORMAT("-42  |", "%-5d|", -42);
	CHECK_FORMAT("ab   |", "%-5x|", 0xabu);
	CHECK_FORMAT("12345|", "%-3d|", 12345);
}

static void zero_pads_after_sign(void)
{
	CHECK_FORMAT("00042", "%05d", 42);
	CHECK_FORMAT("-0042", "%05d", -42);
	CHECK_FORMAT("00000", "%05d", 0);
	CHECK_FORMAT("0000beef", "%08x", 0xbeefu);
	CHECK_FORMAT("0000BEEF", "%08X", 0xbeefu);
	CHECK_FORMAT("00007", "%05u", 7u);
	CHECK_FORMAT("12345", "%03d", 12345);
	CHECK_FORMAT("-2147483648", "%05d", INT_MIN);
}

static void star_width(void)
{
	CHECK_FORMAT("   42", "%*d", 5, 42);
	CHECK_FORMAT("42   |", "%*d|", -5, 42);         /* negative: '-' */
	CHECK_FORMAT("42", "%*d", 0, 42);
	CHECK_FORMAT("00042", "%0*d", 5, 42);
	CHECK_FORMAT("  abc", "%*s", 5, "abc");
	CHECK_FORMAT("   42 x", "%*d %s", 5, 42, "x"); /* arguments stay in step */
}

/* --- precision on integers --- */

static void int_precision_is_min_digits(void)
{
	CHECK_FORMAT("00042", "%.5d", 42);
	CHECK_FORMAT("-00042", "%.5d", -42);
	CHECK_FORMAT("12345", "%.2d", 12345);
	CHECK_FORMAT("000ab", "%.5x", 0xabu);
	CHECK_FORMAT("0007", "%.4u", 7u);
	CHECK_FORMAT("0007", "%.*d", 4, 7);
	CHECK_FORMAT("7", "%.*d", -4, 7);              /* negative: none */
}

static void int_precision_with_width(void)
{
	CHECK_FORMAT("   00042", "%8.5d", 42);
	CHECK_FORMAT("  -00042", "%8.5d", -42);
	CHECK_FORMAT("00042   |", "%-8.5d|", 42);
	CHECK_FORMAT("-00042  |", "%-8.5d|", -42);
}

static void precision_zero_and_value_zero(void)
{
	CHECK_FORMAT("", "%.0d", 0);
	CHECK_FORMAT("", "%.d", 0);
	CHECK_FORMAT("", "%.0u", 0u);
	CHECK_FORMAT("", "%.0x", 0u);
	CHECK_FORMAT("   |", "%3.0d|", 0);
	CHECK_FORMAT("7", "%.0d", 7);
	CHECK_FORMAT("0", "%.1d", 0);
}

/* --- length modifiers --- */

static void l_is_32_bit_long(void)
{
	CHECK_INT(4, sizeof(long));     /* these tests are for the -m32 build */
	CHECK_FORMAT("-2147483648", "%ld", LONG_MIN);
	CHECK_FORMAT("2147483647", "%li", LONG_MAX);
	CHECK_FORMAT("4294967295", "%lu", ULONG_MAX);
	CHECK_FORMAT("ffffffff", "%lx", ULONG_MAX);
	CHECK_FORMAT("1 2", "%ld %d", 1L, 2);
}

static void ll_signed(void)
{
	CHECK_FORMAT("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK_FORMAT("9223372036854775807", "%lld", LLONG_MAX);
	CHECK_FORMAT("-9223372036854775807", "%lli", LLONG_MIN + 1);
	CHECK_FORMAT("0", "%lld", 0LL);
	CHECK_FORMAT("-1", "%lld", -1LL);
	CHECK_FORMAT("1099511627776", "%lld", 1LL << 40);
	CHECK_FORMAT("-4294967296", "%lld", -4294967296LL);
}

static void ll_unsigned_decimal(void)
{
	CHECK_FORMAT("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK_FORMAT("10000000000000000000", "%llu", 10000000000000000000ULL);
	CHECK_FORMAT("9999999999999999999", "%llu", 9999999999999999999ULL);
	CHECK_FORMAT("4294967295", "%llu", 4294967295ULL);
	CHECK_FORMAT("4294967296", "%llu", 4294967296ULL);
	CHECK_FORMAT("4294967297", "%llu", 4294967297ULL);
	CHECK_FORMAT("1000000000000", "%llu", 1000000000000ULL);
	CHECK_FORMAT("12345678901234567890", "%llu", 12345678901234567890ULL);
	CHECK_FORMAT("0", "%llu", 0ULL);
	CHECK_FORMAT("18446744073709551615", "%llu", (unsigned long long)-1LL);
}

static void ll_hex(void)
{
	CHECK_FORMAT("ffffffffffffffff", "%llx", ULLONG_MAX);
	CHECK_FORMAT("123456789abcdef", "%llx", 0x0123456789abcdefULL);
	CHECK_FORMAT("123456789ABCDEF", "%llX", 0x0123456789abcdefULL);
	CHECK_FORMAT("100000000", "%llx", 1ULL << 32);
	CHECK_FORMAT("8000000000000000", "%llx", 1ULL << 63);
	CHECK_FORMAT("0", "%llx", 0ULL);
}

/* A 64-bit argument takes two 32-bit slots; the next ones must not shift. */
static void ll_keeps_arguments_in_step(void)
{
	CHECK_FORMAT("1099511627776 7 18446744073709551615 ok -1",
		     "%lld %d %llu %s %lld", 1LL << 40, 7, ULLONG_MAX, "ok", -1LL);
}

static void ll_with_width_and_precision(void)
{
	CHECK_FORMAT("     -9223372036854775808", "%25lld", LLONG_MIN);
	CHECK_FORMAT("18446744073709551615  |", "%-22llu|", ULLONG_MAX);
	CHECK_FORMAT("00000000ffffffffffffffff", "%024llx", ULLONG_MAX);
	CHECK_FORMAT("-000000000001", "%.12lld", -1LL);
	CHECK_FORMAT("-0000000000001", "%014lld", -1LL);
}

static void h_modifier(void)
{
	CHECK_FORMAT("-1", "%hd", 65535);
	CHECK_FORMAT("32767", "%hd", 32767);
	CHECK_FORMAT("-32768", "%hd", 32768);
	CHECK_FORMAT("5", "%hu", 65536 + 5);
	CHECK_FORMAT("65535", "%hu", 65535);
	CHECK_FORMAT("2345", "%hx", 0x12345);
	CHECK_FORMAT("-1 9", "%hd %d", -1, 9);
}

static void hh_modifier(void)
{
	CHECK_FORMAT("-1", "%hhd", 255);
	CHECK_FORMAT("-128", "%hhd", 128);
	CHECK_FORMAT("127", "%hhi", 127);
	CHECK_FORMAT("7", "%hhu", 256 + 7);
	CHECK_FORMAT("ff", "%hhx", 0x1ff);
	CHECK_FORMAT("-1 9", "%hhd %d", -1, 9);
}

static void z_modifier(void)
{
	CHECK_FORMAT("4000000000", "%zu", (size_t)4000000000u);
	CHECK_FORMAT("ffffffff", "%zx", (size_t)-1);
	CHECK_FORMAT("-5", "%zd", (size_t)-5);
	CHECK_FORMAT("3 x", "%zu %s", sizeof(int) - 1, "x");
}

/* --- everything together --- */

static void mixed_conversions(void)
{
	CHECK_FORMAT("pid 3 [run] eip=0x0010002a count=1099511627776 100%",
		     "pid %d [%s] eip=%p count=%llu 100%%",
		     3, "run", (void *)0x10002a, 1ULL << 40);
	CHECK_FORMAT("|  -7|0x0000ff|ab|c|", "|%4d|0x%06x|%.2s|%c|", -7, 0xffu, "abc", 'c');
}

static void long_field(void)
{
	char expected[BUF_SIZE];
	fill(expected, sizeof(expected), ' ');
	expected[38] = '4';
	expected[39] = '2';
	expected[40] = '\0';
	CHECK_FORMAT(expected, "%40d", 42);
}

/*
 * Malformed and flag-combination formats: gcc rightly warns about them
 * (the header declares printf format checking), so the warnings are off here
 * only, where the formats are deliberate.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

static void zero_flag_ignored_with_minus(void)
{
	CHECK_FORMAT("42   |", "%-05d|", 42);
	CHECK_FORMAT("42   |", "%0-5d|", 42);
	CHECK_FORMAT("-42  |", "%-05d|", -42);
}

static void zero_flag_ignored_with_precision(void)
{
	CHECK_FORMAT("   00042", "%08.5d", 42);
	CHECK_FORMAT("     ", "%05.0d", 0);
}

/* format.h: '0' pads only integers; text fields always pad with spaces. */
static void zero_flag_pads_text_with_spaces(void)
{
	CHECK_FORMAT("  abc", "%05s", "abc");
	CHECK_FORMAT("    A", "%05c", 'A');
	CHECK_FORMAT("  0x00001234", "%012p", (void *)0x1234);
}

static void unknown_conversion_printed_literally(void)
{
	CHECK_FORMAT("%q", "%q");
	CHECK_FORMAT("a%qb", "a%qb");
	CHECK_FORMAT("%-5q", "%-5q");
	CHECK_FORMAT("%q 5", "%q %d", 5);
	CHECK_FORMAT("%+d", "%+d");         /* unsupported flag: visible too */
	CHECK_FORMAT("%f", "%f");           /* no floating point at all */
	CHECK_FORMAT("%lq", "%lq");
}

static void trailing_percent(void)
{
	CHECK_FORMAT("%", "%");
	CHECK_FORMAT("abc%", "abc%");
	CHECK_FORMAT("7%", "%d%", 7);
}

static void format_ending_inside_conversion(void)
{
	CHECK_FORMAT("%5", "%5");
	CHECK_FORMAT("%-0", "%-0");
	CHECK_FORMAT("x%l", "x%l");
	CHECK_FORMAT("%ll", "%ll");
	CHECK_FORMAT("%.3", "%.3");
	CHECK_FORMAT("%hh", "%hh");
}

#pragma GCC diagnostic pop

/* --- snprintf truncation (C99) --- */

static void snprintf_size_zero_writes_nothing(void)
{
	char out[4];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(5, snprintf(out, 0, "hello"));
	CHECK_MEM("####", out, 4);
	CHECK_INT(5, snprintf(NULL, 0, "hello"));
	CHECK_INT(11, snprintf(NULL, 0, "%d", INT_MIN));
}

static void snprintf_size_one_gives_empty_string(void)
{
	char out[4];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(5, snprintf(out, 1, "hello"));
	CHECK_MEM("\0###", out, 4);
}

static void snprintf_exact_fit(void)
{
	char out[8];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(5, snprintf(out, 6, "hello"));
	CHECK_MEM("hello\0##", out, 8);
}

static void snprintf_one_byte_short(void)
{
	char out[8];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(5, snprintf(out, 5, "hello"));
	CHECK_MEM("hell\0###", out, 8);
}

static void snprintf_truncates_inside_conversion(void)
{
	char out[8];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(5, snprintf(out, 3, "%d", 12345));
	CHECK_MEM("12\0#", out, 4);
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(100, snprintf(out, 4, "%100d", 7));
	CHECK_MEM("   \0#", out, 5);
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(20, snprintf(out, 6, "%llu", ULLONG_MAX));
	CHECK_MEM("18446\0#", out, 7);
}

/* For every size, output is the prefix of the full text, NUL-terminated,
 * and nothing at or beyond out[size] is touched. */
static void snprintf_every_size_respects_bound(void)
{
	const char *full = "x=-17 s=abc";
	size_t full_length = unit_length(full);

	for (size_t size = 0; size <= full_length + 2; size++) {
		char out[BUF_SIZE];
		fill(out, sizeof(out), UNWRITTEN);
		CHECK_INT(full_length, snprintf(out, size, "x=%d s=%s", -17, "abc"));
		size_t stored = size == 0 ? 0 : (size - 1 < full_length ? size - 1 : full_length);
		CHECK_MEM(full, out, stored);
		if (size > 0)
			CHECK_INT('\0', out[stored]);
		for (size_t i = size; i < sizeof(out); i++)
			CHECK_INT(UNWRITTEN, out[i]);
	}
}

/* --- vsnprintf and vformat directly --- */

static int format_via_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void vsnprintf_takes_va_list(void)
{
	char out[BUF_SIZE];
	fill(out, sizeof(out), UNWRITTEN);
	CHECK_INT(19, format_via_vsnprintf(out, sizeof(out), "%s|%5d|%llx", "ab", -3, 1ULL << 36));
	CHECK_STR("ab|   -3|1000000000", out);
	CHECK_INT(19, format_via_vsnprintf(out, 3, "%s|%5d|%llx", "ab", -3, 1ULL << 36));
	CHECK_STR("ab", out);
}

struct collector {
	char text[BUF_SIZE];
	int calls;
};

static void collect_char(char c, void *ctx)
{
	struct collector *collector = ctx;
	if (collector->calls < BUF_SIZE)
		collector->text[collector->calls] = c;
	collector->calls++;
}

static int format_via_vformat(struct collector *collector, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vformat(collect_char, collector, fmt, ap);
	va_end(ap);
	return n;
}

/* vformat calls putc once per character with the caller's ctx, returns
 * that count, and emits no terminating NUL. */
static void vformat_calls_putc_per_char(void)
{
	struct collector collector;
	fill(collector.text, sizeof(collector.text), UNWRITTEN);
	collector.calls = 0;
	CHECK_INT(11, format_via_vformat(&collector, "n=%d %s%c%%", 1234, "ok", '!'));
	CHECK_INT(11, collector.calls);
	CHECK_MEM("n=1234 ok!%##", collector.text, 13);
}

static void vformat_empty_format_calls_nothing(void)
{
	struct collector collector;
	collector.calls = 0;
	CHECK_INT(0, format_via_vformat(&collector, ""));
	CHECK_INT(0, collector.calls);
}

static const struct unit_case cases[] = {
	UNIT_CASE(literal_text),
	UNIT_CASE(empty_format),
	UNIT_CASE(percent_percent),
	UNIT_CASE(d_small_values),
	UNIT_CASE(d_int_min_and_max),
	UNIT_CASE(i_same_as_d),
	UNIT_CASE(u_values),
	UNIT_CASE(arguments_consumed_in_order),
	UNIT_CASE(x_lowercase),
	UNIT_CASE(X_uppercase),
	UNIT_CASE(p_zero_padded_lowercase),
	UNIT_CASE(p_with_width),
	UNIT_CASE(s_basic),
	UNIT_CASE(s_null_prints_null),
	UNIT_CASE(s_precision_limits_length),
	UNIT_CASE(s_star_precision),
	UNIT_CASE(s_precision_reads_no_further),
	UNIT_CASE(s_width),
	UNIT_CASE(c_basic),
	UNIT_CASE(c_width),
	UNIT_CASE(c_nul_is_counted),
	UNIT_CASE(width_right_justifies),
	UNIT_CASE(width_narrower_than_value),
	UNIT_CASE(minus_left_justifies),
	UNIT_CASE(zero_pads_after_sign),
	UNIT_CASE(star_width),
	UNIT_CASE(int_precision_is_min_digits),
	UNIT_CASE(int_precision_with_width),
	UNIT_CASE(precision_zero_and_value_zero),
	UNIT_CASE(l_is_32_bit_long),
	UNIT_CASE(ll_signed),
	UNIT_CASE(ll_unsigned_decimal),
	UNIT_CASE(ll_hex),
	UNIT_CASE(ll_keeps_arguments_in_step),
	UNIT_CASE(ll_with_width_and_precision),
	UNIT_CASE(h_modifier),
	UNIT_CASE(hh_modifier),
	UNIT_CASE(z_modifier),
	UNIT_CASE(mixed_conversions),
	UNIT_CASE(long_field),
	UNIT_CASE(zero_flag_ignored_with_minus),
	UNIT_CASE(zero_flag_ignored_with_precision),
	UNIT_CASE(zero_flag_pads_text_with_spaces),
	UNIT_CASE(unknown_conversion_printed_literally),
	UNIT_CASE(trailing_percent),
	UNIT_CASE(format_ending_inside_conversion),
	UNIT_CASE(snprintf_size_zero_writes_nothing),
	UNIT_CASE(snprintf_size_one_gives_empty_string),
	UNIT_CASE(snprintf_exact_fit),
	UNIT_CASE(snprintf_one_byte_short),
	UNIT_CASE(snprintf_truncates_inside_conversion),
	UNIT_CASE(snprintf_every_size_respects_bound),
	UNIT_CASE(vsnprintf_takes_va_list),
	UNIT_CASE(vformat_calls_putc_per_char),
	UNIT_CASE(vformat_empty_format_calls_nothing),
};

UNIT_MAIN(cases)
