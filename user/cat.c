/*
 * cat.c - copy standard input to standard output until end of input.
 *
 * beta86 has no file system, so there are no files to name: `cat` takes no
 * arguments, and is mostly useful in pipelines (echo hi | cat).
 */
#include "ulib.h"

#define COPY_BUFFER_SIZE 512

static char buf[COPY_BUFFER_SIZE];

int main(int argc, char *argv[])
{
	(void)argv;
	if (argc > 1) {
		fprintf(STDERR_FILENO, "usage: cat  (copies input to output; "
			"beta86 has no files to name)\n");
		return 1;
	}
	for (;;) {
		int n = read(STDIN_FILENO, buf, sizeof(buf));
		int r;

		if (n == 0)
			return 0;
		if (n < 0)
			die("read: %s", strerror(n));
		r = write_all(STDOUT_FILENO, buf, n);
		if (r < 0)
			die("write: %s", strerror(r));
	}
}
