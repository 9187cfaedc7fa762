/*
 * init.c - the first user process (pid 1).
 *
 * The kernel starts it with argv = {"init", PROG, ARGS...} when the boot
 * command line says `init=PROG ARGS...`, and with {"init"} alone otherwise,
 * in which case PROG is the shell. Descriptors 0, 1 and 2 are already open
 * on the console.
 *
 * Given PROG, init execs it in place: PROG runs as pid 1, with no parent
 * process, and its exit status is init's. This is how the grader runs one
 * program per boot, and it needs no fork (lab 4 has none yet).
 *
 * Without PROG, init forks a child that execs the shell, then waits. Every
 * orphan is re-parented to init, so init's wait() also reaps them; those
 * are ignored. When the shell's own process is reaped, init prints
 *     init: sh exited with status N      (or: init: sh killed (cause C))
 * and exits with 0 if the shell exited with status 0, else 1.
 *
 * The kernel shuts the machine down when pid 1 exits, successfully iff its
 * status is 0.
 */
#include "ulib.h"

#define DEFAULT_PROGRAM  "sh"
#define EXIT_CANNOT_RUN  127    /* the status when exec fails */

static char default_program[] = DEFAULT_PROGRAM;
static char *default_argv[] = { default_program, NULL };

/* Become PROG, or say why not. */
static void run_program(char *argv[])
{
	int r = exec(argv[0], argv);

	fprintf(STDERR_FILENO, "init: cannot run '%s': %s\n", argv[0], strerror(r));
	exit(EXIT_CANNOT_RUN);
}

/* Reports how PROG ended and returns init's own exit status. */
static int report(const char *prog, int status)
{
	if (WIFEXITED(status)) {
		printf("init: %s exited with status %d\n", prog, WEXITSTATUS(status));
		return WEXITSTATUS(status) == 0 ? 0 : 1;
	}
	if (WIFKILLED(status))
		printf("init: %s killed (cause %d)\n", prog, WKILLCAUSE(status));
	else
		printf("init: %s ended with unknown status 0x%x\n", prog, status);
	return 1;
}

int main(int argc, char *argv[])
{
	if (argc > 1)
		run_program(argv + 1);

	const char *prog = default_argv[0];
	int pid = fork();

	if (pid < 0) {
		printf("init: cannot fork to run '%s': %s\n", prog, strerror(pid));
		return 1;
	}
	if (pid == 0)
		run_program(default_argv);

	for (;;) {
		int status = 0;
		int r = wait(&status);

		if (r == pid)
			return report(prog, status);
		if (r == -E_CHILD) {
			printf("init: no children left, but %s (pid %d) was not reaped\n",
			       prog, pid);
			return 1;
		}
		if (r < 0) {
			printf("init: wait: %s\n", strerror(r));
			return 1;
		}
		/* r was an orphan re-parented to init: reaped, nothing to say. */
	}
}
