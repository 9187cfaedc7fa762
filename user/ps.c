/*
 * ps.c - list the processes: the ps() system call's table, one row each.
 *
 *     PID PPID STATE NAME PAGES DOMAIN DOMNAME DEPTH
 *     1 0 sleeping init 3 1 init 0
 *     4 1 sleeping domtests 5 2 testsrv 1
 *
 * Columns are separated by one space (easy to split). PAGES is the user
 * memory of the process's home domain; DOMAIN and DOMNAME are the domain
 * its thread runs in now (its home, or the one it called into) and DEPTH
 * how many levels deep its invocation stack is (calls and fault handlers,
 * lab 7). A thread that runs a fault handler has "h:" before DOMNAME:
 *     6 1 sleeping domscene 5 3 h:domscene 2
 * (domain 3 handles a fault that happened one level below). Kernel
 * threads are listed too, with 0 pages of user memory and "-" for the
 * domain columns. A thread asleep in irq_wait (lab 8) gets a second line,
 * indented, naming the line it waits on (its row keeps exactly the
 * columns above):
 *     5 1 sleeping rtcdemo 4 3 rtcdrv 1
 *       waiting on irq 8
 */
#include "ulib.h"

#define MAX_PROCS 64            /* rows asked for */
#define HANDLER_MARK "h:"       /* before DOMNAME: the thread runs a fault handler there */

static struct procinfo table[MAX_PROCS];

static const char *state_name(int state)
{
	switch (state) {
	case PS_EMBRYO:   return "embryo";
	case PS_RUNNABLE: return "runnable";
	case PS_RUNNING:  return "running";
	case PS_SLEEPING: return "sleeping";
	case PS_ZOMBIE:   return "zombie";
	default:          return "unknown";
	}
}

int main(int argc, char *argv[])
{
	int n;

	(void)argv;
	if (argc > 1) {
		fprintf(STDERR_FILENO, "usage: ps\n");
		return 1;
	}
	n = ps(table, MAX_PROCS);
	if (n < 0)
		die("%s", strerror(n));
	if (n > MAX_PROCS)
		n = MAX_PROCS;

	printf("PID PPID STATE NAME PAGES DOMAIN DOMNAME DEPTH\n");
	for (int i = 0; i < n; i++) {
		struct procinfo *p = &table[i];

		p->name[PROC_NAME_MAX - 1] = '\0';
		p->domain_name[PROC_NAME_MAX - 1] = '\0';
		printf("%d %d %s %s %u ", p->pid, p->ppid, state_name(p->state),
		       p->name, p->pages);
		if (p->domain == PS_NO_DOMAIN)
			printf("- - -\n");
		else
			printf("%d %s%s %d\n", p->domain, p->in_handler ? HANDLER_MARK : "",
			       p->domain_name, p->depth);
		if (p->irq_line != PS_NO_IRQ)
			printf("  waiting on irq %d\n", p->irq_line);
	}
	return 0;
}
