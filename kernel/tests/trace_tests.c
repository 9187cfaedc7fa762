/*
 * trace_tests.c - a known workload for the scheduling trace (proc/trace.h):
 * two threads that spin and one that naps, run with a small quantum.
 *
 * The threads keep a log of their own, independent of the trace: whenever
 * a thread finds that the last thread to touch `owner` was another one, it
 * has just been switched in, and it notes its pid and the tick. The grader
 * (grader/test_lab3_trace.py) boots this with trace=2 and checks the
 * trace's switches against that log, their causes against what each
 * thread does, and the quantum against the ticks.
 */
#include <stdint.h>
#include "boot/ktest.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "cpu/x86.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/timer.h"

#define SCHEDTRACE_SPINNERS       2
#define SCHEDTRACE_MIN_SPIN_TICKS 12
#define SCHEDTRACE_SPIN_RANGE     8
#define SCHEDTRACE_MIN_NAPS       2
#define SCHEDTRACE_NAP_RANGE      3
#define SCHEDTRACE_MIN_NAP_TICKS  2
#define SCHEDTRACE_NAP_TICK_RANGE 3
#define SCHEDTRACE_MAX_TAKEOVERS  200

static volatile int schedtrace_owner = -1;    /* pid of the last thread to run here */
static int schedtrace_pids[SCHEDTRACE_MAX_TAKEOVERS];
static uint32_t schedtrace_ticks[SCHEDTRACE_MAX_TAKEOVERS];
static int schedtrace_takeovers;
static uint32_t schedtrace_deadline;          /* the spinners stop at this tick */
static int schedtrace_naps;
static uint32_t schedtrace_nap_ticks;

/* The caller runs now: if someone else ran here last, log the takeover. */
static void schedtrace_note(void)
{
	int me = current_proc->pid;
	uint32_t flags = irq_save();

	if (schedtrace_owner != me && schedtrace_takeovers < SCHEDTRACE_MAX_TAKEOVERS) {
		schedtrace_pids[schedtrace_takeovers] = me;
		schedtrace_ticks[schedtrace_takeovers] = timer_ticks;
		schedtrace_takeovers++;
	}
	schedtrace_owner = me;
	irq_restore(flags);
}

static void schedtrace_spinner(void *arg)
{
	while ((int32_t)(timer_ticks - schedtrace_deadline) < 0)
		schedtrace_note();
}

static void schedtrace_sleeper(void *arg)
{
	for (int i = 0; i < schedtrace_naps; i++) {
		schedtrace_note();
		sleep_ticks(schedtrace_nap_ticks);
	}
	schedtrace_note();
}

static struct proc *schedtrace_start(const char *name, void (*fn)(void *))
{
	struct proc *p = kthread_create(name, fn, 0);
	if (!p)
		ktest_fail("schedtrace: kthread_create(%s) failed", name);
	return p;
}

KTEST(schedtrace, "two spinners and a sleeper, for the scheduling trace (boot with trace=2)")
{
	unsigned int seed = boot_config.seed;
	struct proc *threads[SCHEDTRACE_SPINNERS + 1];

	schedtrace_naps = SCHEDTRACE_MIN_NAPS + (int)(seed % SCHEDTRACE_NAP_RANGE);
	schedtrace_nap_ticks = SCHEDTRACE_MIN_NAP_TICKS + seed / SCHEDTRACE_NAP_RANGE % SCHEDTRACE_NAP_TICK_RANGE;
	schedtrace_deadline = timer_ticks + SCHEDTRACE_MIN_SPIN_TICKS +
			      seed / (SCHEDTRACE_NAP_RANGE * SCHEDTRACE_NAP_TICK_RANGE) % SCHEDTRACE_SPIN_RANGE;
	threads[0] = schedtrace_start("spinA", schedtrace_spinner);
	threads[1] = schedtrace_start("spinB", schedtrace_spinner);
	threads[2] = schedtrace_start("sleeper", schedtrace_sleeper);
	printf("schedtrace: spinA=%d spinB=%d sleeper=%d quantum=%u naps=%d of %u ticks, spin until tick %u\n",
	       threads[0]->pid, threads[1]->pid, threads[2]->pid, boot_config.quantum, schedtrace_naps,
	       schedtrace_nap_ticks, schedtrace_deadline);
	for (int i = 0; i <= SCHEDTRACE_SPINNERS; i++)
		proc_join(threads[i]);
	printf("schedtrace: %d takeovers (pid@tick):", schedtrace_takeovers);
	for (int i = 0; i < schedtrace_takeovers; i++)
		printf(" %d@%u", schedtrace_pids[i], schedtrace_ticks[i]);
	printf("\n");
}
