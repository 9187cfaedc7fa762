/*
 * vm86.c - a timer interrupt that arrives while a process is in
 * virtual-8086 mode (user/faults.c's vm86 behaviour is caught by the page
 * fault of the first instruction fetch instead, which comes sooner).
 *
 *   vm86 sweep FIRST COUNT
 *
 * For each lead L in FIRST .. FIRST+COUNT-1, the parent forks a victim and
 * sleeps until a tick T that both know. The victim times the ticks before
 * T with rdtsc (under -icount, instructions), and enters virtual-8086 mode
 * with an iret timed to retire L instructions before its estimate of T's
 * interrupt. With the right lead, the interrupt comes right after the
 * iret: the kernel sees it with a virtual-8086 frame, and since the timer
 * wakes the parent at that tick, it preempts the victim there, saving that
 * frame into the process table. Every victim must die with one kill line
 * and status WAIT_KILLED | 13, whatever caught it; the kernel's line says
 * which trap did ("hardware interrupt" or "page fault").
 *
 * Prints "vm86: sweep: OK: N victims killed" or "vm86: sweep: FAILED: ...".
 * Boot it with a fast tick (hz=10000) so that the sweep is short.
 */
#include "ulib.h"

#define EFLAGS_IF      0x00000200u
#define EFLAGS_VM      0x00020000u
#define CAUSE_GP       13
#define TICK_GAP       60u      /* a jump in rdtsc this big: an interrupt came */
#define TICKS_AHEAD    3        /* T: the victim sees two ticks before it */

static inline uint32_t rdtsc32(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo;
}

/* Spin until an interrupt makes rdtsc jump; the last reading before the
 * jump (the interrupt came within a loop trip after it). */
static uint32_t wait_for_tick(void)
{
	uint32_t prev = rdtsc32(), now;

	while ((now = rdtsc32()) - prev < TICK_GAP)
		prev = now;
	return prev;
}

static void __attribute__((noreturn)) enter_vm86(void)
{
	asm volatile("pushl $0\n\t pushl $0\n\t pushl $0\n\t pushl $0\n\t"  /* gs fs ds es */
		     "pushl $0\n\t pushl $0x100\n\t"                          /* ss, esp */
		     "pushl %0\n\t"                                             /* eflags */
		     "pushl $0\n\t pushl $0\n\t"                               /* cs, ip */
		     "iret" : : "i"(EFLAGS_VM | EFLAGS_IF) : "memory");
	__builtin_unreachable();
}

/* The victim: find the interrupts of ticks T-2 and T-1, and from their
 * distance the moment T's will come; enter virtual-8086 mode `lead`
 * instructions before it. */
static void __attribute__((noreturn)) victim(int target, uint32_t lead)
{
	uint32_t before = 0, last = 0;

	for (;;) {
		uint32_t at = wait_for_tick();
		int now = uptime();
		if (now == target - 2)
			before = at;
		if (now == target - 1 && before) {
			last = at;
			break;
		}
		if (now >= target - 1) {
			printf("vm86: sweep: victim missed its tick (uptime %d, target %d)\n", now, target);
			exit(1);
		}
	}
	uint32_t deadline = last + (last - before) - lead;
	while ((int32_t)(rdtsc32() - deadline) < 0)
		;
	enter_vm86();
}

int main(int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[1], "sweep")) {
		printf("usage: vm86 sweep FIRST COUNT\n");
		return 2;
	}
	int first = atoi(argv[2]), count = atoi(argv[3]);
	for (int lead = first; lead < first + count; lead++) {
		int target = uptime() + TICKS_AHEAD;
		int pid = fork();
		if (pid < 0) {
			printf("vm86: sweep: FAILED: fork returned %d\n", pid);
			return 1;
		}
		if (pid == 0)
			victim(target, (uint32_t)lead);
		int now = uptime();
		if (now < target)
			sleep((uint32_t)(target - now));
		int status = -1;
		int w = wait(&status);
		if (w != pid || !WIFKILLED(status) || WKILLCAUSE(status) != CAUSE_GP) {
			printf("vm86: sweep: FAILED: lead %d: wait returned %d, status 0x%x; expected "
			       "pid %d killed with cause %d\n", lead, w, status, pid, CAUSE_GP);
			return 1;
		}
	}
	printf("vm86: sweep: OK: %d victims killed\n", count);
	return 0;
}
