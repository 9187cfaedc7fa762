/*
 * unit.h - a minimal harness for the host unit tests of lib/.
 *
 * A test binary lists its cases in a table and ends with UNIT_MAIN(table):
 *     ./test_x             runs every case, prints "N passed, M failed"
 *     ./test_x --list      prints the case names, one per line
 *     ./test_x --run NAME  runs one case: exit 0 on pass, 1 on failure
 * A failed check prints `file:line: expected "..." got "..."` to stderr and
 * returns from the function it is in (cases and their helpers return void).
 *
 * The binary links lib/format.c and lib/string.c, whose snprintf, memcpy,
 * strlen, ... take the place of the C library's in the link. So that every
 * check of the code under test stays independent of it, this harness never
 * calls those functions itself: it compares and formats with its own loops
 * below and prints only through write(2). <unistd.h> and <sys/mman.h> are
 * the only C library headers it needs (tests must not include <string.h> or
 * <stdio.h>: with -Ilib, <string.h> is lib/string.h anyway). Build tests with
 * -fno-builtin, or gcc may evaluate snprintf("%d", 1) or strlen("abc") at
 * compile time and the test would check nothing.
 */
#ifndef LIB_TESTS_UNIT_H
#define LIB_TESTS_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#define UNIT_EXIT_PASS       0
#define UNIT_EXIT_FAIL       1
#define UNIT_EXIT_USAGE      2
#define UNIT_NUMBER_CHARS    24     /* "-9223372036854775808" and a NUL */
#define UNIT_ESCAPE_CHARS    4      /* "\xNN" */
#define UNIT_NIBBLE_BITS     4      /* one hex digit */
#define UNIT_NIBBLE_MASK     0xF
#define UNIT_DECIMAL_BASE    10
#define UNIT_FIRST_PRINTABLE ' '
#define UNIT_LAST_PRINTABLE  '~'

struct unit_case {
	const char *name;
	void (*run)(void);
};

#define UNIT_CASE(fn) { #fn, fn }

/* Set by a failed check; unit_main clears it before each case. */
static bool unit_failed;

static inline void unit_write(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t written = write(fd, s, n);
		if (written <= 0)
			return;
		s += written;
		n -= (size_t)written;
	}
}

static inline size_t unit_length(const char *s)
{
	size_t n = 0;
	while (s[n] != '\0')
		n++;
	return n;
}

static inline void unit_print(int fd, const char *s)
{
	unit_write(fd, s, unit_length(s));
}

static inline bool unit_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline bool unit_memeq(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;
	for (size_t i = 0; i < n; i++)
		if (pa[i] != pb[i])
			return false;
	return true;
}

/* Decimal text of v in buf; this harness must not rely on lib's snprintf. */
static inline const char *unit_number(long long v, char buf[UNIT_NUMBER_CHARS])
{
	unsigned long long magnitude = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	char *p = buf + UNIT_NUMBER_CHARS;

	*--p = '\0';
	do {
		*--p = (char)('0' + magnitude % UNIT_DECIMAL_BASE);
		magnitude /= UNIT_DECIMAL_BASE;
	} while (magnitude != 0);
	if (v < 0)
		*--p = '-';
	return p;
}

/* Writes n bytes as they would appear in a C string literal: '"' and '\'
 * get a backslash, unprintable bytes become \xNN. */
static inline void unit_print_escaped(int fd, const void *data, size_t n)
{
	const unsigned char *bytes = data;
	const char *hex = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char b = bytes[i];
		if (b == '"' || b == '\\') {
			char escape[2] = { '\\', (char)b };
			unit_write(fd, escape, sizeof(escape));
		} else if (b >= UNIT_FIRST_PRINTABLE && b <= UNIT_LAST_PRINTABLE) {
			unit_write(fd, (const char *)&b, 1);
		} else {
			char escape[UNIT_ESCAPE_CHARS] = { '\\', 'x', hex[b >> UNIT_NIBBLE_BITS],
							  hex[b & UNIT_NIBBLE_MASK] };
			unit_write(fd, escape, UNIT_ESCAPE_CHARS);
		}
	}
}

/* Reports a failure as: file:line: expected "..." got "..." */
static inline void unit_report(const char *file, int line,
			       const void *expected, size_t expected_length,
			       const void *actual, size_t actual_length)
{
	char number[UNIT_NUMBER_CHARS];

	unit_failed = true;
	unit_print(STDERR_FILENO, file);
	unit_print(STDERR_FILENO, ":");
	unit_print(STDERR_FILENO, unit_number(line, number));
	unit_print(STDERR_FILENO, ": expected \"");
	unit_print_escaped(STDERR_FILENO, expected, expected_length);
	unit_print(STDERR_FILENO, "\" got \"");
	unit_print_escaped(STDERR_FILENO, actual, actual_length);
	unit_print(STDERR_FILENO, "\"\n");
}

static inline void unit_report_strings(const char *file, int line,
				       const char *expected, const char *actual)
{
	if (actual == NULL)
		actual = "(NULL pointer)";
	unit_report(file, line, expected, unit_length(expected), actual, unit_length(actual));
}

static inline void unit_report_numbers(const char *file, int line,
				       long long expected, long long actual)
{
	char e[UNIT_NUMBER_CHARS], a[UNIT_NUMBER_CHARS];
	unit_report_strings(file, line, unit_number(expected, e), unit_number(actual, a));
}

/* The condition holds; on failure shows it as the expectation. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		unit_report_strings(__FILE__, __LINE__, #cond, "false"); \
		return; \
	} \
} while (0)

/* Two NUL-terminated strings are equal. */
#define CHECK_STR(expected, actual) do { \
	const char *unit_e_ = (expected), *unit_a_ = (actual); \
	if (unit_a_ == NULL || !unit_streq(unit_e_, unit_a_)) { \
		unit_report_strings(__FILE__, __LINE__, unit_e_, unit_a_); \
		return; \
	} \
} while (0)

/* Two integers (of any integer type up to long long) are equal. */
#define CHECK_INT(expected, actual) do { \
	long long unit_e_ = (long long)(expected), unit_a_ = (long long)(actual); \
	if (unit_e_ != unit_a_) { \
		unit_report_numbers(__FILE__, __LINE__, unit_e_, unit_a_); \
		return; \
	} \
} while (0)

/* n bytes at expected and actual are equal (shown escaped on failure). */
#define CHECK_MEM(expected, actual, n) do { \
	size_t unit_n_ = (n); \
	if (!unit_memeq((expected), (actual), unit_n_)) { \
		unit_report(__FILE__, __LINE__, (expected), unit_n_, (actual), unit_n_); \
		return; \
	} \
} while (0)

/* Returns n writable bytes that end exactly where an inaccessible page
 * begins, so code that reads even one byte too far crashes the test (a
 * failure the runner sees) instead of passing by luck. NULL if mmap fails. */
static inline char *unit_bytes_before_guard_page(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *region = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (region == MAP_FAILED || n > page)
		return NULL;
	if (mprotect(region + page, page, PROT_NONE) != 0)
		return NULL;
	return region + page - n;
}

static inline int unit_main(int argc, char **argv,
			    const struct unit_case *cases, size_t count)
{
	char number[UNIT_NUMBER_CHARS];

	if (argc == 2 && unit_streq(argv[1], "--list")) {
		for (size_t i = 0; i < count; i++) {
			unit_print(STDOUT_FILENO, cases[i].name);
			unit_print(STDOUT_FILENO, "\n");
		}
		return UNIT_EXIT_PASS;
	}
	if (argc == 3 && unit_streq(argv[1], "--run")) {
		for (size_t i = 0; i < count; i++) {
			if (unit_streq(argv[2], cases[i].name)) {
				unit_failed = false;
				cases[i].run();
				return unit_failed ? UNIT_EXIT_FAIL : UNIT_EXIT_PASS;
			}
		}
		unit_print(STDERR_FILENO, "no such case: ");
		unit_print(STDERR_FILENO, argv[2]);
		unit_print(STDERR_FILENO, "\n");
		return UNIT_EXIT_USAGE;
	}
	if (argc != 1) {
		unit_print(STDERR_FILENO, "usage: test [--list | --run NAME]\n");
		return UNIT_EXIT_USAGE;
	}

	size_t failures = 0;
	for (size_t i = 0; i < count; i++) {
		unit_failed = false;
		cases[i].run();
		if (unit_failed) {
			failures++;
			unit_print(STDOUT_FILENO, "FAIL ");
			unit_print(STDOUT_FILENO, cases[i].name);
			unit_print(STDOUT_FILENO, "\n");
		}
	}
	unit_print(STDOUT_FILENO, unit_number((long long)(count - failures), number));
	unit_print(STDOUT_FILENO, " passed, ");
	unit_print(STDOUT_FILENO, unit_number((long long)failures, number));
	unit_print(STDOUT_FILENO, " failed\n");
	return failures == 0 ? UNIT_EXIT_PASS : UNIT_EXIT_FAIL;
}

/* Ends a test file: main() over a static table of struct unit_case. A case
 * left out of the table is an unused static function, which -Wall reports. */
#define UNIT_MAIN(cases) \
	int main(int argc, char **argv) \
	{ \
		return unit_main(argc, argv, (cases), sizeof(cases) / sizeof((cases)[0])); \
	}

#endif /* LIB_TESTS_UNIT_H */
