/*
 * test_string.c - host unit tests for lib/string.c: the mem* functions
 * over every small length and alignment (with guard bytes around the
 * destination), overlapping memmove in both directions, the str*
 * functions, strlcpy truncation and parse_uint's accepted and rejected
 * inputs. See unit.h for how to run it.
 */
#include <limits.h>
#include <stdint.h>
#include "string.h"
#include "unit.h"

#define AREA_SIZE        96     /* scratch buffers: guards + data */
#define MAX_OFFSET       4      /* alignments 0..3 of a 32-bit word */
#define MAX_LENGTH       40     /* several words plus every remainder */
#define GUARD            0xA5   /* bytes that must stay untouched */
#define EFLAGS_DF        (1u << 10)     /* direction flag */

static void fill_bytes(unsigned char *p, size_t n, unsigned char value)
{
	for (size_t i = 0; i < n; i++)
		p[i] = value;
}

/* A byte pattern with no repeats in a short stretch, so a copy from the
 * wrong offset shows. */
static void fill_pattern(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7 + 1);
}

/* --- memset --- */

static void memset_fills_and_returns_dst(void)
{
	unsigned char area[8];
	fill_bytes(area, sizeof(area), GUARD);
	CHECK(memset(area + 1, 'x', 5) == area + 1);
	CHECK_MEM("\xA5xxxxx\xA5\xA5", area, 8);
}

static void memset_uses_low_byte_of_value(void)
{
	unsigned char area[6];
	memset(area, 0x141, sizeof(area));
	CHECK_MEM("AAAAAA", area, 6);
	memset(area, -1, sizeof(area));
	CHECK_MEM("\xFF\xFF\xFF\xFF\xFF\xFF", area, 6);
	memset(area, 0, sizeof(area));
	CHECK_MEM("\0\0\0\0\0\0", area, 6);
}

static void memset_zero_length_touches_nothing(void)
{
	unsigned char area[4];
	fill_bytes(area, sizeof(area), GUARD);
	CHECK(memset(area + 2, 0, 0) == area + 2);
	CHECK_MEM("\xA5\xA5\xA5\xA5", area, 4);
}

static void memset_every_length_and_alignment(void)
{
	for (size_t offset = 0; offset < MAX_OFFSET; offset++) {
		for (size_t length = 0; length <= MAX_LENGTH; length++) {
			unsigned char area[AREA_SIZE];
			size_t start = MAX_OFFSET + offset;
			fill_bytes(area, sizeof(area), GUARD);
			memset(area + start, 0x3C, length);
			for (size_t i = 0; i < sizeof(area); i++) {
				bool inside = i >= start && i < start + length;
				CHECK_INT(inside ? 0x3C : GUARD, area[i]);
			}
		}
	}
}

/* --- memcpy --- */

static void memcpy_copies_and_returns_dst(void)
{
	char dst[8];
	fill_bytes((unsigned char *)dst, sizeof(dst), '.');
	CHECK(memcpy(dst + 1, "abcde", 5) == dst + 1);
	CHECK_MEM(".abcde..", dst, 8);
}

static void memcpy_every_length_and_alignment(void)
{
	unsigned char src[AREA_SIZE];
	fill_pattern(src, sizeof(src), 0);

	for (size_t src_offset = 0; src_offset < MAX_OFFSET; src_offset++) {
		for (size_t dst_offset = 0; dst_offset < MAX_OFFSET; dst_offset++) {
			for (size_t length = 0; length <= MAX_LENGTH; length++) {
				unsigned char dst[AREA_SIZE];
				size_t start = MAX_OFFSET + dst_offset;
				fill_bytes(dst, sizeof(dst), GUARD);
				memcpy(dst + start, src + src_offset, length);
				for (size_t i = 0; i < sizeof(dst); i++) {
					bool inside = i >= start && i < start + length;
					CHECK_INT(inside ? src[src_offset + i - start] : GUARD, dst[i]);
				}
			}
		}
	}
}

static void memcpy_zero_length_touches_nothing(void)
{
	char dst[4] = { 'w', 'x', 'y', 'z' };
	CHECK(memcpy(dst, "abcd", 0) == dst);
	CHECK_MEM("wxyz", dst, 4);
}

/* --- memmove --- */

static void memmove_dst_after_src_overlapping(void)
{
	char area[] = "abcdefgh";
	CHECK(memmove(area + 2, area, 5) == area + 2);
	CHECK_STR("ababcdeh", area);
}

static void memmove_dst_before_src_overlapping(void)
{
	char area[] = "abcdefgh";
	CHECK(memmove(area, area + 2, 5) == area);
	CHECK_STR("cdefgfgh", area);
}

static void memmove_overlap_by_one_byte(void)
{
	char up[] = "123456789";
	memmove(up + 1, up, 8);
	CHECK_STR("112345678", up);
	char down[] = "123456789";
	memmove(down, down + 1, 8);
	CHECK_STR("234567899", down);
}

static void memmove_same_region_and_zero_length(void)
{
	char area[] = "abcdef";
	CHECK(memmove(area, area, 6) == area);
	CHECK_STR("abcdef", area);
	CHECK(memmove(area + 1, area, 0) == area + 1);
	CHECK_STR("abcdef", area);
}

static void memmove_disjoint(void)
{
	char src[] = "source";
	char dst[] = "......";
	CHECK(memmove(dst, src, 6) == dst);
	CHECK_STR("source", dst);
	CHECK_STR("source", src);
}

/* Every shift between -MAX_LENGTH/2 and +MAX_LENGTH/2 and every length,
 * against the result computed through a separate buffer. */
static void memmove_every_overlap(void)
{
	const int max_shift = MAX_LENGTH / 2;
	const size_t base = MAX_LENGTH;         /* room for shifts both ways */

	for (int shift = -max_shift; shift <= max_shift; shift++) {
		for (size_t length = 0; length <= MAX_LENGTH; length++) {
			unsigned char area[3 * MAX_LENGTH], expected[3 * MAX_LENGTH];
			unsigned char saved[MAX_LENGTH];
			fill_pattern(area, sizeof(area), (unsigned char)shift);
			for (size_t i = 0; i < sizeof(area); i++)
				expected[i] = area[i];
			for (size_t i = 0; i < length; i++)
				saved[i] = area[base + i];
			for (size_t i = 0; i < length; i++)
				expected[base + shift + i] = saved[i];

			memmove(area + base + shift, area + base, length);
			CHECK_MEM(expected, area, sizeof(area));
		}
	}
}

static uint32_t read_eflags(void)
{
	uint32_t eflags;
	__asm__ volatile("pushfl\n\tpopl %0" : "=r"(eflags));
	return eflags;
}

/* The backward copy sets the direction flag; the ABI requires it clear
 * again on return, or the caller's own string instructions run backwards. */
static void memmove_leaves_direction_flag_clear(void)
{
	char area[] = "abcdefgh";
	memmove(area + 1, area, 6);
	CHECK_STR("aabcdefh", area);
	CHECK_INT(0, read_eflags() & EFLAGS_DF);
}

/* --- memcmp --- */

static void memcmp_equal_and_zero_length(void)
{
	CHECK_INT(0, memcmp("abc", "abc", 3));
	CHECK_INT(0, memcmp("abc", "abd", 2));
	CHECK_INT(0, memcmp("abc", "xyz", 0));
}

static void memcmp_sign_of_first_difference(void)
{
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK(memcmp("abd", "abc", 3) > 0);
	CHECK(memcmp("ab", "ba", 2) < 0);       /* first byte decides */
	CHECK(memcmp("azzz", "baaa", 4) < 0);
}

static void memcmp_bytes_are_unsigned(void)
{
	CHECK(memcmp("\x80", "\x01", 1) > 0);
	CHECK(memcmp("\x01", "\xFF", 1) < 0);
}

static void memcmp_does_not_stop_at_nul(void)
{
	CHECK(memcmp("a\0b", "a\0c", 3) < 0);
	CHECK_INT(0, memcmp("a\0b", "a\0b", 3));
}

/* --- strlen, strnlen --- */

static void strlen_counts_to_nul(void)
{
	CHECK_INT(0, strlen(""));
	CHECK_INT(1, strlen("a"));
	CHECK_INT(5, strlen("hello"));
	CHECK_INT(2, strlen("ab\0cd"));
	char long_text[AREA_SIZE];
	fill_bytes((unsigned char *)long_text, sizeof(long_text) - 1, 'x');
	long_text[sizeof(long_text) - 1] = '\0';
	CHECK_INT(AREA_SIZE - 1, strlen(long_text));
}

static void strnlen_stops_at_limit_or_nul(void)
{
	CHECK_INT(5, strnlen("hello", 10));
	CHECK_INT(5, strnlen("hello", 5));
	CHECK_INT(3, strnlen("hello", 3));
	CHECK_INT(0, strnlen("hello", 0));
	CHECK_INT(0, strnlen("", 4));
}

/* Bytes without a NUL right before a guard page: strnlen must not read a
 * byte past maxlen (the test would crash). */
static void strnlen_reads_no_further(void)
{
	char *text = unit_bytes_before_guard_page(4);
	CHECK(text != NULL);
	fill_bytes((unsigned char *)text, 4, 'z');
	CHECK_INT(4, strnlen(text, 4));
	CHECK_INT(2, strnlen(text, 2));
}

/* --- strcmp, strncmp --- */

static void strcmp_equal(void)
{
	CHECK_INT(0, strcmp("", ""));
	CHECK_INT(0, strcmp("abc", "abc"));
}

static void strcmp_order(void)
{
	CHECK(strcmp("abc", "abd") < 0);
	CHECK(strcmp("abd", "abc") > 0);
	CHECK(strcmp("ab", "abc") < 0);         /* a prefix sorts first */
	CHECK(strcmp("abc", "ab") > 0);
	CHECK(strcmp("", "a") < 0);
	CHECK(strcmp("b", "abc") > 0);
}

static void strcmp_bytes_are_unsigned(void)
{
	CHECK(strcmp("\x80", "\x01") > 0);
	CHECK(strcmp("a\xE9", "az") > 0);
}

static void strncmp_limits_comparison(void)
{
	CHECK_INT(0, strncmp("abc", "xyz", 0));
	CHECK_INT(0, strncmp("abcX", "abcY", 3));
	CHECK(strncmp("abcX", "abcY", 4) < 0);
	CHECK(strncmp("abd", "abc", 3) > 0);
	CHECK(strncmp("ab", "abc", 3) < 0);
	CHECK(strncmp("\xFF", "\x01", 1) > 0);
}

static void strncmp_stops_at_nul(void)
{
	CHECK_INT(0, strncmp("ab\0x", "ab\0y", 4));
	CHECK_INT(0, strncmp("ab", "ab", 100));
}

/* --- strchr --- */

static void strchr_finds_first(void)
{
	const char *s = "hello";
	CHECK(strchr(s, 'l') == s + 2);
	CHECK(strchr(s, 'h') == s);
	CHECK(strchr(s, 'o') == s + 4);
}

static void strchr_missing_is_null(void)
{
	CHECK(strchr("hello", 'z') == NULL);
	CHECK(strchr("", 'a') == NULL);
	CHECK(strchr("ab\0c", 'c') == NULL);    /* stops at the NUL */
}

static void strchr_nul_finds_terminator(void)
{
	const char *s = "hello";
	CHECK(strchr(s, '\0') == s + 5);
	const char *empty = "";
	CHECK(strchr(empty, '\0') == empty);
}

static void strchr_converts_to_char(void)
{
	const char *s = "a\xE9z";
	CHECK(strchr(s, 0xE9) == s + 1);        /* an int above 127 */
	CHECK(strchr(s, 'z' + 256) == s + 2);   /* only the char part counts */
}

/* --- strlcpy --- */

static void strlcpy_fits(void)
{
	char dst[8];
	fill_bytes((unsigned char *)dst, sizeof(dst), '#');
	CHECK_INT(3, strlcpy(dst, "abc", sizeof(dst)));
	CHECK_MEM("abc\0####", dst, 8);
	CHECK_INT(7, strlcpy(dst, "1234567", sizeof(dst)));    /* exact fit */
	CHECK_MEM("1234567\0", dst, 8);
	CHECK_INT(0, strlcpy(dst, "", sizeof(dst)));
	CHECK_INT('\0', dst[0]);
}

static void strlcpy_truncates_and_terminates(void)
{
	char dst[8];
	fill_bytes((unsigned char *)dst, sizeof(dst), '#');
	CHECK_INT(10, strlcpy(dst, "0123456789", 5));
	CHECK_MEM("0123\0###", dst, 8);
	fill_bytes((unsigned char *)dst, sizeof(dst), '#');
	CHECK_INT(3, strlcpy(dst, "abc", 1));
	CHECK_MEM("\0###", dst, 4);
}

static void strlcpy_size_zero_writes_nothing(void)
{
	char dst[4];
	fill_bytes((unsigned char *)dst, sizeof(dst), '#');
	CHECK_INT(3, strlcpy(dst, "abc", 0));
	CHECK_MEM("####", dst, 4);
}

/* --- parse_uint --- */

#define UNTOUCHED 12345u

/* parse_uint(text) must succeed with the value. */
#define CHECK_PARSES(text, value) do { \
	unsigned int parsed_ = UNTOUCHED; \
	CHECK_INT(0, parse_uint((text), &parsed_)); \
	CHECK_INT((value), parsed_); \
} while (0)

/* parse_uint(text) must fail and leave its output alone. */
#define CHECK_REJECTS(text) do { \
	unsigned int parsed_ = UNTOUCHED; \
	CHECK_INT(-1, parse_uint((text), &parsed_)); \
	CHECK_INT(UNTOUCHED, parsed_); \
} while (0)

static void parse_uint_decimal(void)
{
	CHECK_PARSES("0", 0);
	CHECK_PARSES("7", 7);
	CHECK_PARSES("42", 42);
	CHECK_PARSES("100000", 100000);
	CHECK_PARSES("2147483648", 2147483648u);
}

static void parse_uint_leading_zeros_are_decimal(void)
{
	CHECK_PARSES("007", 7);
	CHECK_PARSES("010", 10);                 /* not octal */
	CHECK_PARSES("089", 89);
	CHECK_PARSES("00000000004294967295", UINT_MAX);
}

static void parse_uint_hex(void)
{
	CHECK_PARSES("0x0", 0);
	CHECK_PARSES("0x2a", 42);
	CHECK_PARSES("0x1f", 31);
	CHECK_PARSES("0XFF", 255);
	CHECK_PARSES("0xDeadBeef", 0xdeadbeefu);
	CHECK_PARSES("0x0000ff", 255);
	CHECK_PARSES("0x10", 16);
}

static void parse_uint_maximum(void)
{
	CHECK_PARSES("4294967295", UINT_MAX);
	CHECK_PARSES("0xffffffff", UINT_MAX);
	CHECK_PARSES("4294967290", 4294967290u);
}

static void parse_uint_rejects_overflow(void)
{
	CHECK_REJECTS("4294967296");
	CHECK_REJECTS("4294967300");
	CHECK_REJECTS("42949672950");
	CHECK_REJECTS("99999999999");
	CHECK_REJECTS("18446744073709551616");
	CHECK_REJECTS("0x100000000");
	CHECK_REJECTS("0x1ffffffff");
	CHECK_REJECTS("0xfffffffff");
}

static void parse_uint_rejects_empty(void)
{
	CHECK_REJECTS("");
	CHECK_REJECTS("0x");
	CHECK_REJECTS("0X");
}

static void parse_uint_rejects_garbage(void)
{
	CHECK_REJECTS("12a");
	CHECK_REJECTS("a");
	CHECK_REJECTS("ff");                    /* hex digits need 0x */
	CHECK_REJECTS("-1");
	CHECK_REJECTS("+1");
	CHECK_REJECTS(" 1");
	CHECK_REJECTS("1 ");
	CHECK_REJECTS("1.0");
	CHECK_REJECTS("0x1g");
	CHECK_REJECTS("0x-1");
	CHECK_REJECTS("0xx1");
	CHECK_REJECTS("x1");
	CHECK_REJECTS("0b1");
	CHECK_REJECTS("1,000");
}

static void parse_uint_rejects_null(void)
{
	CHECK_REJECTS(NULL);
}

static const struct unit_case cases[] = {
	UNIT_CASE(memset_fills_and_returns_dst),
	UNIT_CASE(memset_uses_low_byte_of_value),
	UNIT_CASE(memset_zero_length_touches_nothing),
	UNIT_CASE(memset_every_length_and_alignment),
	UNIT_CASE(memcpy_copies_and_returns_dst),
	UNIT_CASE(memcpy_every_length_and_alignment),
	UNIT_CASE(memcpy_zero_length_touches_nothing),
	UNIT_CASE(memmove_dst_after_src_overlapping),
	UNIT_CASE(memmove_dst_before_src_overlapping),
	UNIT_CASE(memmove_overlap_by_one_byte),
	UNIT_CASE(memmove_same_region_and_zero_length),
	UNIT_CASE(memmove_disjoint),
	UNIT_CASE(memmove_every_overlap),
	UNIT_CASE(memmove_leaves_direction_flag_clear),
	UNIT_CASE(memcmp_equal_and_zero_length),
	UNIT_CASE(memcmp_sign_of_first_difference),
	UNIT_CASE(memcmp_bytes_are_unsigned),
	UNIT_CASE(memcmp_does_not_stop_at_nul),
	UNIT_CASE(strlen_counts_to_nul),
	UNIT_CASE(strnlen_stops_at_limit_or_nul),
	UNIT_CASE(strnlen_reads_no_further),
	UNIT_CASE(strcmp_equal),
	UNIT_CASE(strcmp_order),
	UNIT_CASE(strcmp_bytes_are_unsigned),
	UNIT_CASE(strncmp_limits_comparison),
	UNIT_CASE(strncmp_stops_at_nul),
	UNIT_CASE(strchr_finds_first),
	UNIT_CASE(strchr_missing_is_null),
	UNIT_CASE(strchr_nul_finds_terminator),
	UNIT_CASE(strchr_converts_to_char),
	UNIT_CASE(strlcpy_fits),
	UNIT_CASE(strlcpy_truncates_and_terminates),
	UNIT_CASE(strlcpy_size_zero_writes_nothing),
	UNIT_CASE(parse_uint_decimal),
	UNIT_CASE(parse_uint_leading_zeros_are_decimal),
	UNIT_CASE(parse_uint_hex),
	UNIT_CASE(parse_uint_maximum),
	UNIT_CASE(parse_uint_rejects_overflow),
	UNIT_CASE(parse_uint_rejects_empty),
	UNIT_CASE(parse_uint_rejects_garbage),
	UNIT_CASE(parse_uint_rejects_null),
};

UNIT_MAIN(cases)
