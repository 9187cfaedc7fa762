/*
 * ulib.c - small pieces of the user runtime: the program's name, error
 * messages, numbers, and reading and writing whole buffers and lines.
 */
#include "ulib.h"


/* Set by crt0.S to argv[0] before main runs. */
const char *progname = "?";

/* strerror()'s table, indexed by E_xxx (abi.h). */
static const char *const error_names[E_MAX + 1] = {
	[0]        = "no error",
	[E_INVAL]  = "E_INVAL (invalid argument)",
	[E_FAULT]  = "E_FAULT (bad address)",
	[E_BADF]   = "E_BADF (bad file descriptor)",
	[E_NOMEM]  = "E_NOMEM (out of memory)",
	[E_SRCH]   = "E_SRCH (no such process)",
	[E_CHILD]  = "E_CHILD (no child processes)",
	[E_NOENT]  = "E_NOENT (no such program)",
	[E_PIPE]   = "E_PIPE (broken pipe)",
	[E_MFILE]  = "E_MFILE (too many open files)",
	[E_AGAIN]  = "E_AGAIN (process table full)",
	[E_NOSYS]  = "E_NOSYS (no such system call)",
	[E_PERM]   = "E_PERM (operation not permitted)",
	[E_2BIG]   = "E_2BIG (argument list too long)",
	[E_NOEXEC] = "E_NOEXEC (not an executable program)",
	[E_INTR]   = "E_INTR (interrupted)",
	[E_BADCAP] = "E_BADCAP (no capability of that type in that slot)",
	[E_DEAD]   = "E_DEAD (the object died)",
	[E_DEEP]   = "E_DEEP (invocation stack full)",
	[E_BUSY]   = "E_BUSY (taken already, or not inside a domain call)",
	[E_DEADLK] = "E_DEADLK (domain already on this thread's stack)",
	[E_NOSLOT] = "E_NOSLOT (no free slot)",
};

/* "unknown error -2147483648" and its NUL fit. */
#define UNKNOWN_ERROR_LEN 32

const char *strerror(int err)
{
	static char unknown[UNKNOWN_ERROR_LEN];

	if (err >= -E_MAX && err <= E_MAX) {
		const char *name = error_names[err < 0 ? -err : err];
		if (name)
			return name;
	}
	snprintf(unknown, sizeof(unknown), "unknown error %d", err);
	return unknown;
}

/* Unsigned arithmetic, so a too-long number wraps instead of overflowing
 * (which C leaves undefined for int). */
int atoi(const char *s)
{
	int negative = 0;
	unsigned int value = 0;

	if (*s == '-') {
		negative = 1;
		s++;
	}
	while (*s >= '0' && *s <= '9') {
		value = value * 10 + (unsigned int)(*s - '0');
		s++;
	}
	return (int)(negative ? 0u - value : value);
}

int write_all(int fd, const void *buf, int n)
{
	const char *p = buf;
	int done = 0;

	while (done < n) {
		int r = write(fd, p + done, n - done);
		if (r < 0)
			return r;
		if (r == 0)             /* no progress: do not spin */
			return -E_PIPE;
		done += r;
	}
	return done;
}

int getline_fd(int fd, char *buf, int size)
{
	int len = 0;
	char c;

	if (size <= 0)
		return -1;
	while (len < size - 1) {
		if (read(fd, &c, 1) != 1) {     /* end of file, or an error */
			if (len == 0) {
				buf[0] = '\0';
				return -1;
			}
			break;
		}
		if (c == '\n')
			break;
		buf[len++] = c;
	}
	buf[len] = '\0';
	return len;
}

uint32_t xorshift32(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9E3779B9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* The C handler fault_entry calls (fault_entry.S); one per domain, since
 * each domain has its own copy of ulib. */
fault_handler_t fault_handler_fn;
void fault_entry(void);

int fault_handler_set(fault_handler_t fn, unsigned int mask)
{
	fault_handler_fn = fn;
	return dom_set_handler((unsigned int)fault_entry, mask);
}
