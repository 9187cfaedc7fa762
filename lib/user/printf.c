/*
 * printf.c - formatted output to a descriptor, on lib/format.c's vformat().
 *
 * Each call formats into a buffer on its own stack and writes it with one
 * write() at the end, so a line printed by one process comes out whole
 * even when other processes print at the same time. Output longer than the
 * buffer is written in buffer-sized pieces as it is produced (each piece
 * still whole). Nothing stays buffered between calls: there is no stdio
 * FILE and nothing to flush at exit.
 */
#include "ulib.h"

/* Big enough for any ordinary line; the user stack is only
 * UABI_STACK_PAGES pages, so not much bigger. */
#define PRINT_BUFFER_SIZE 256

/* One call's output on its way to fd. */
struct print_buffer {
	int fd;
	int len;                        /* bytes waiting in buf */
	int error;                      /* the first write error, or 0 */
	char buf[PRINT_BUFFER_SIZE];
};

static void print_flush(struct print_buffer *pb)
{
	if (pb->len > 0 && pb->error == 0) {
		int r = write_all(pb->fd, pb->buf, pb->len);
		if (r < 0)
			pb->error = r;
	}
	pb->len = 0;
}

/* vformat's callback: collect c, writing out a full buffer first. */
static void print_putc(char c, void *ctx)
{
	struct print_buffer *pb = ctx;

	if (pb->len == PRINT_BUFFER_SIZE)
		print_flush(pb);
	pb->buf[pb->len++] = c;
}

static void print_string(struct print_buffer *pb, const char *s)
{
	while (*s)
		print_putc(*s++, pb);
}

/* Returns the number of characters printed, or -E_xxx if a write failed. */
int vfprintf(int fd, const char *fmt, va_list ap)
{
	struct print_buffer pb = { .fd = fd, .len = 0, .error = 0 };
	int count = vformat(print_putc, &pb, fmt, ap);

	print_flush(&pb);
	return pb.error ? pb.error : count;
}

int fprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(STDOUT_FILENO, fmt, ap);
	va_end(ap);
	return r;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}

void die(const char *fmt, ...)
{
	struct print_buffer pb = { .fd = STDERR_FILENO, .len = 0, .error = 0 };
	va_list ap;

	print_string(&pb, progname);
	print_string(&pb, ": ");
	va_start(ap, fmt);
	vformat(print_putc, &pb, fmt, ap);
	va_end(ap);
	print_putc('\n', &pb);
	print_flush(&pb);
	exit(1);
}
