/*
 * echo.c - print the arguments, separated by spaces, and a newline.
 *
 * The line is built first and written with one write(), so it comes out
 * whole even when other processes write to the same console.
 */
#include "ulib.h"

/* Every argument exec() can pass, a space after each, and a NUL. */
#define LINE_SIZE (MAXARG_BYTES + MAXARG + 1)

static char out[LINE_SIZE];

int main(int argc, char *argv[])
{
	int len = 0;

	for (int i = 1; i < argc; i++) {
		int n = (int)strlen(argv[i]);

		if (len + n + 1 > LINE_SIZE - 1)
			die("arguments too long");
		memcpy(out + len, argv[i], n);
		len += n;
		out[len++] = (i + 1 < argc) ? ' ' : '\n';
	}
	if (argc <= 1)
		out[len++] = '\n';
	if (write_all(STDOUT_FILENO, out, len) < 0)
		return 1;
	return 0;
}
