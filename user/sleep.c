/*
 * sleep.c - sleep TICKS: do nothing for TICKS timer ticks (the kernel's
 * hz= sets how long a tick is; 100 per second by default).
 */
#include "ulib.h"

int main(int argc, char *argv[])
{
	unsigned int ticks;
	int r;

	if (argc != 2 || parse_uint(argv[1], &ticks) < 0) {
		fprintf(STDERR_FILENO, "usage: sleep TICKS\n");
		return 1;
	}
	r = sleep(ticks);
	if (r < 0)
		die("%s", strerror(r));
	return 0;
}
