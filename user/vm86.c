/*
 * vm86.c - a timer interrupt that arrives while a process is in
 * virtual-8086 mode (user/faults.c's vm86 behaviour is caught by the page
 * fault of the first instruction fetch instead, which comes sooner).
 *
 *   vm86 sweep FIRST COUNT ROUNDS
 *
 * ROUNDS times, for each lead L in FIRST .. FIRST+COUNT-1, the parent forks
 * a victim and sleeps until a tick T that both know. The victim times the
 * ticks before T with rdtsc (under -icount, instructions), and enters
 * virtual-8086 mode with an iret timed to retire L instructions (plus a
 * constant) before its estimate of T's interrupt. The estimate is good to
 * a few instructions only (an interrupt lands somewhere in a loop trip),
 * and differently for each victim: hence the rounds. With the right lead, the interrupt comes right after the
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
#define CALIBRATION_TICKS 5     /* ticks T-5 .. T-1, timed by the victim */
#define SLED           64       /* nops, for timing the iret to the instruction */
#define STR(x)         #x
#define XSTR(x)        STR(x)

/* Spin until an interrupt makes rdtsc jump; the last reading before the
 * jump (the interrupt came within a loop trip after it). */
static uint32_t wait_for_tick(void)
{
	uint32_t prev = rdtsc32(), now;

	while ((now = rdtsc32()) - prev < TICK_GAP)
		prev = now;
	return prev;
}

/* iret into virtual-8086 mode, retiring at `target` plus a constant. A
 * spin brings rdtsc within SLED instructions of target; then exactly
 * target - now nops run (a jump into a run of them), so the iret's time
 * does not depend on where in the spin's loop rdtsc was read. */
static void __attribute__((noreturn)) enter_vm86_at(uint32_t target)
{
	asm volatile("1:	rdtsc\n\t"
		     "movl %0, %%ecx\n\t"
		     "subl %%eax, %%ecx\n\t"               /* ecx = target - now */
		     "cmpl $" XSTR(SLED) ", %%ecx\n\t"
		     "jg 1b\n\t"
		     "testl %%ecx, %%ecx\n\t"
		     "jns 2f\n\t"
		     "xorl %%ecx, %%ecx\n"                 /* late already: no nops */
		     "2:	movl $3f, %%eax\n\t"
		     "subl %%ecx, %%eax\n\t"
		     "jmp *%%eax\n\t"
		     ".rept " XSTR(SLED) "\n\t nop\n\t .endr\n"
		     "3:	pushl $0\n\t pushl $0\n\t pushl $0\n\t pushl $0\n\t" /* gs fs ds es */
		     "pushl $0\n\t pushl $0x100\n\t"                          /* ss, esp */
		     "pushl %1\n\t"                                             /* eflags */
		     "pushl $0\n\t pushl $0\n\t"                               /* cs, ip */
		     "iret"
		     : : "r"(target), "i"(EFLAGS_VM | EFLAGS_IF) : "eax", "ecx", "edx", "memory");
	__builtin_unreachable();
}

/* The victim: time the interrupts of ticks T-5 .. T-1, and from them the
 * moment T's will come; enter virtual-8086 mode `lead` instructions (plus
 * a constant) before it. */
static void __attribute__((noreturn)) victim(int target, uint32_t lead)
{
	uint32_t first = 0, last = 0;

	for (;;) {
		uint32_t at = wait_for_tick();
		int now = uptime();
		if (now == target - CALIBRATION_TICKS)
			first = at;
		if (now == target - 1 && first) {
			last = at;
			break;
		}
		if (now >= target - 1) {
			printf("vm86: sweep: victim missed its tick (uptime %d, target %d)\n", now, target);
			exit(1);
		}
	}
	uint32_t span = last - first, intervals = CALIBRATION_TICKS - 1;
	uint32_t predicted = last + (span + intervals / 2) / intervals;
	enter_vm86_at(predicted - lead);
}

/* One victim entering virtual-8086 mode `lead` instructions before tick
 * T, while the parent sleeps until T: 1 if it died as it should. */
static int try_lead(int lead)
{
	/* One tick of slack for the fork: the victim must see T-5 begin. */
	int target = uptime() + CALIBRATION_TICKS + 2;
	int pid = fork();
	if (pid < 0) {
		printf("vm86: sweep: FAILED: fork returned %d\n", pid);
		return 0;
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
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 5 || strcmp(argv[1], "sweep")) {
		printf("usage: vm86 sweep FIRST COUNT ROUNDS\n");
		return 2;
	}
	int first = atoi(argv[2]), count = atoi(argv[3]), rounds = atoi(argv[4]);
	for (int round = 0; round < rounds; round++)
		for (int lead = first; lead < first + count; lead++)
			if (!try_lead(lead))
				return 1;
	printf("vm86: sweep: OK: %d victims killed\n", count * rounds);
	return 0;
}
