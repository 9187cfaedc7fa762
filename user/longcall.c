/*
 * longcall.c - long system calls, to show that the kernel stays
 * preemptible inside them (grader/test_lab5_preempt.py).
 *
 *   longcall ticks MIB   grow the heap by MIB MiB and touch every page,
 *                        fork the big process (the child exits at once)
 *                        and wait, shrink the heap again. For each long
 *                        call it prints
 *                            longcall: CALL instructions=N ticks=T
 *                        N from rdtsc (instructions, under icount), T from
 *                        uptime(): the grader checks T against N divided
 *                        by the tick period, so a lost tick shows.
 *   longcall share MIB   a spinner child and the parent share the CPU while
 *                        the parent makes the same long calls; the spinner
 *                        prints the longest stretch it was kept off the CPU
 *                            longcall: spinner gaps=G longest=L
 *                        which the quantum bounds, long calls or not.
 *   longcall loop MIB    print "longcall: looping" and then grow and shrink
 *                        the heap by MIB MiB forever (for Ctrl-P and kill
 *                        during a long call).
 *   longcall kill MIB    fork a child that loops as above, let it run for a
 *                        few ticks, kill it, wait for it; prints
 *                            longcall: killed status=S leaked=L
 *                        L: frames not back after the wait (memfree).
 */
#include "ulib.h"

#define MIB          (1024 * 1024)
#define PAGE         4096
#define GAP_MIN      20000u      /* instructions: longer than any loop turn */
#define KILL_AFTER   3           /* ticks the looping child runs first */

static int megabytes(const char *arg)
{
	int mib = atoi(arg);

	if (mib < 1 || mib > 48)
		die("MIB must be 1..48, not '%s'", arg);
	return mib;
}

static void report(const char *call, uint32_t t0, int ticks0)
{
	printf("longcall: %s instructions=%u ticks=%d\n", call, rdtsc32() - t0, uptime() - ticks0);
}

/* Each long call between two readings of both clocks. */
static void long_calls(int mib, int verbose)
{
	int bytes = mib * MIB;
	uint32_t t0 = rdtsc32();
	int ticks0 = uptime();
	char *heap = (char *)sbrk(bytes);

	if ((int)heap < 0)
		die("sbrk(%d): %s", bytes, strerror((int)heap));
	if (verbose)
		report("sbrk-grow", t0, ticks0);
	for (int i = 0; i < bytes; i += PAGE)
		heap[i] = (char)i;

	t0 = rdtsc32(), ticks0 = uptime();
	int pid = fork();
	if (pid == 0)
		exit(0);
	if (pid < 0)
		die("fork: %s", strerror(pid));
	if (verbose)
		report("fork", t0, ticks0);
	t0 = rdtsc32(), ticks0 = uptime();
	if (wait(0) != pid)
		die("wait: not the child");
	if (verbose)
		report("exit+wait", t0, ticks0);
	t0 = rdtsc32(), ticks0 = uptime();
	if (sbrk(-bytes) < 0)
		die("sbrk(-%d) failed", bytes);
	if (verbose)
		report("sbrk-shrink", t0, ticks0);
}

/* Spin for `window` instructions, noting every stretch longer than
 * GAP_MIN between two readings of the clock: time spent off the CPU. */
static void spin(uint32_t window)
{
	uint32_t start = rdtsc32(), last = start, longest = 0;
	int gaps = 0;

	while (last - start < window) {
		uint32_t now = rdtsc32();
		if (now - last > GAP_MIN) {
			gaps++;
			if (now - last > longest)
				longest = now - last;
		}
		last = now;
	}
	printf("longcall: spinner gaps=%d longest=%u\n", gaps, longest);
}

static void share(int mib)
{
	uint32_t t0 = rdtsc32();
	long_calls(mib, 0);             /* once alone: how long they take */
	uint32_t alone = rdtsc32() - t0;

	int pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(pid));
	if (pid == 0) {
		spin(alone * 4);        /* outlasts the calls, shared with it */
		exit(0);
	}
	long_calls(mib, 0);
	printf("longcall: calls alone=%u\n", alone);
	if (wait(0) != pid)
		die("wait: not the spinner");
}

static void __attribute__((noreturn)) loop(int mib)
{
	printf("longcall: looping\n");
	for (;;) {
		if (sbrk(mib * MIB) < 0 || sbrk(-mib * MIB) < 0)
			die("sbrk failed");
	}
}

static void kill_mid_call(int mib)
{
	int before = memfree();
	int pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(pid));
	if (pid == 0)
		loop(mib);
	sleep(KILL_AFTER);
	if (kill(pid) < 0)
		die("kill failed");
	int status = 0;
	if (wait(&status) != pid)
		die("wait: not the child");
	printf("longcall: killed status=0x%x leaked=%d\n", status, before - memfree());
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: longcall ticks|share|loop|kill MIB");
	int mib = megabytes(argv[2]);
	printf("longcall: %s, %d MiB\n", argv[1], mib);   /* a first word soon after boot */

	if (strcmp(argv[1], "ticks") == 0)
		long_calls(mib, 1);
	else if (strcmp(argv[1], "share") == 0)
		share(mib);
	else if (strcmp(argv[1], "loop") == 0)
		loop(mib);
	else if (strcmp(argv[1], "kill") == 0)
		kill_mid_call(mib);
	else
		die("unknown mode '%s'", argv[1]);
	return 0;
}
