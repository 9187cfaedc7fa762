/*
 * string.h - memory and string functions for the kernel and user programs,
 * with the standard C semantics, plus parse_uint() for parsing numbers.
 *
 * The compiler itself may emit calls to memset, memcpy, memmove and memcmp
 * (struct copies, zero-initialisation), so these four must always exist.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);    /* regions may overlap */
int memcmp(const void *a, const void *b, size_t n);     /* bytes compared unsigned */

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);           /* reads at most maxlen bytes */
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);                     /* c == '\0' finds the end */

/* Copies src into dst[size] and always NUL-terminates when size > 0;
 * returns strlen(src), so a result >= size means src was truncated. */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Parses all of s as an unsigned int: decimal ("42", leading zeros allowed,
 * never octal) or hex with a 0x/0X prefix ("0x2a"). No sign, no spaces.
 * Returns 0 and stores the value in *out, or returns -1 and leaves *out
 * alone if s is NULL, empty, has any other character, or exceeds UINT_MAX. */
int parse_uint(const char *s, unsigned int *out);

#endif /* LIB_STRING_H */
