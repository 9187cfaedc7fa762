/*
 * kill.c - kill PID...: kill each process; report the ones that failed.
 * Exits with 1 if any failed.
 */
#include "ulib.h"

#define PID_MAX 0x7fffffffu    /* a pid is a positive int */

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		fprintf(STDERR_FILENO, "usage: kill PID...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		unsigned int pid;
		int r;

		if (parse_uint(argv[i], &pid) < 0 || pid == 0 || pid > PID_MAX) {
			fprintf(STDERR_FILENO, "kill: '%s': not a process id\n", argv[i]);
			status = 1;
			continue;
		}
		r = kill((int)pid);
		if (r < 0) {
			fprintf(STDERR_FILENO, "kill: %u: %s\n", pid, strerror(r));
			status = 1;
		}
	}
	return status;
}
