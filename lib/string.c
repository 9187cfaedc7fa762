/*
 * string.c - memory and string functions (see string.h).
 *
 * memset, memcpy and memmove use the x86 string instructions (rep stos /
 * rep movs) through inline assembly. Besides being short and fast, this
 * keeps them safe to compile: gcc recognises byte-copy and byte-fill loops
 * and replaces them with calls to memcpy/memset, which inside memcpy/memset
 * themselves would recurse forever. Inline assembly is never rewritten.
 *
 * Each rep instruction runs with the direction flag clear, as the i386 ABI
 * guarantees at every function call; memmove sets it only around its
 * backwards copy and clears it again before returning.
 */
#include <stdint.h>
#include "string.h"

#define BYTE_IN_EVERY_LANE 0x01010101u  /* b * this = b repeated in all 4 bytes */
#define NOT_A_DIGIT        0xFFu        /* digit_value() of a non-digit */

void *memset(void *dst, int c, size_t n)
{
	uint32_t pattern = (uint8_t)c * BYTE_IN_EVERY_LANE;
	void *cursor = dst;
	size_t words = n / sizeof(uint32_t);
	size_t bytes = n % sizeof(uint32_t);

	__asm__ volatile("rep stosl"
			 : "+D"(cursor), "+c"(words) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(cursor), "+c"(bytes) : "a"(pattern) : "memory");
	return dst;
}

/* Copies n bytes upwards, a word at a time and then the leftover bytes.
 * Also correct for overlapping regions when dst < src: every store lands
 * below the next load. */
static void copy_forward(void *dst, const void *src, size_t n)
{
	size_t words = n / sizeof(uint32_t);
	size_t bytes = n % sizeof(uint32_t);

	__asm__ volatile("rep movsl"
			 : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

/* Copies n > 0 bytes downwards, from the last byte to the first: correct
 * for overlapping regions when dst > src. The direction flag makes rep movsb
 * decrement %esi and %edi; it is cleared again in the same asm statement. */
static void copy_backward(void *dst, const void *src, size_t n)
{
	char *dst_last = (char *)dst + n - 1;
	const char *src_last = (const char *)src + n - 1;

	__asm__ volatile("std\n\trep movsb\n\tcld"
			 : "+D"(dst_last), "+S"(src_last), "+c"(n) : : "memory");
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst;
	uintptr_t s = (uintptr_t)src;

	/* Only a destination starting inside the source needs the backward
	 * copy; everything else (disjoint, or dst below src) copies forward. */
	if (d > s && d - s < n)
		copy_backward(dst, src, n);
	else
		copy_forward(dst, src, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a;
	const unsigned char *pb = b;

	for (size_t i = 0; i < n; i++) {
		if (pa[i] != pb[i])
			return pa[i] - pb[i];
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n] != '\0')
		n++;
	return n;
}

/* Like the C library, compare characters as unsigned char so that bytes
 * >= 0x80 sort after ASCII. */
int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || a[i] == '\0')
			return (unsigned char)a[i] - (unsigned char)b[i];
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char wanted = (char)c;

	for (;; s++) {
		if (*s == wanted)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t src_length = strlen(src);

	if (size > 0) {
		size_t copied = src_length < size ? src_length : size - 1;
		memcpy(dst, src, copied);
		dst[copied] = '\0';
	}
	return src_length;
}

/* The value of c as a digit in base 16 (so also base 10), or NOT_A_DIGIT. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned int)(c - 'a') + 10;
	if (c >= 'A' && c <= 'F')
		return (unsigned int)(c - 'A') + 10;
	return NOT_A_DIGIT;
}

int parse_uint(const char *s, unsigned int *out)
{
	unsigned int base = 10;
	unsigned int value = 0;

	if (s == NULL)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;              /* "" and a bare "0x" have no digits */

	for (; *s != '\0'; s++) {
		unsigned int digit = digit_value(*s);
		if (digit >= base)
			return -1;
		/* value * base + digit <= ~0u (the largest unsigned int), rearranged
		 * so that it does not overflow */
		if (value > (~0u - digit) / base)
			return -1;
		value = value * base + digit;
	}
	*out = value;
	return 0;
}
