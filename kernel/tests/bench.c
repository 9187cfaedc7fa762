/*
 * bench.c - benchmarks, in instructions: under -icount shift=0 rdtsc counts
 * retired instructions, so these figures repeat exactly. tools/bench.py
 * boots each one and collects the "bench: ..." lines.
 *
 *   init=bench_yield N     N threads pass the CPU around with kthread_yield:
 *                          instructions per switch, yield to yield.
 *   init=bench_preempt N   N threads spin and the timer preempts them: the
 *                          extra instructions a preemptive switch costs.
 */
#include <stdint.h>
#include "boot/ktest.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "cpu/x86.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "string.h"

#define BENCH_DEFAULT_THREADS 2
#define BENCH_MAX_THREADS     60
#define YIELD_WARMUP_ROUNDS   10
#define YIELD_ROUNDS          2000
#define PREEMPT_SAMPLES       400
#define PREEMPT_MAX_GAP       5000  /* longer: another thread (kmain) ran between */

static int bench_threads(void)
{
	unsigned int n = BENCH_DEFAULT_THREADS;

	if (boot_config.argc > 1 && (parse_uint(boot_config.argv[1], &n) < 0 ||
				     n < 2 || n > BENCH_MAX_THREADS))
		ktest_fail("bench: thread count must be 2..%d", BENCH_MAX_THREADS);
	return (int)n;
}

static struct proc *bench_start(int i, void (*fn)(void *))
{
	struct proc *p = kthread_create("bench", fn, (void *)(uintptr_t)i);
	if (!p)
		ktest_fail("bench: kthread_create failed");
	return p;
}

/* ---- cooperative switches ---- */

static int yield_nthreads;
static uint64_t yield_start, yield_end;

/* Thread 0 starts the clock after the warm-up; the last thread stops it
 * after its last yield. In between, every thread yields YIELD_ROUNDS times,
 * in round-robin order: nthreads * YIELD_ROUNDS switches. */
static void yield_thread(void *arg)
{
	int id = (int)(uintptr_t)arg;

	for (int i = 0; i < YIELD_WARMUP_ROUNDS; i++)
		kthread_yield();
	if (id == 0)
		yield_start = rdtsc();
	for (int i = 0; i < YIELD_ROUNDS; i++)
		kthread_yield();
	if (id == yield_nthreads - 1)
		yield_end = rdtsc();
}

KTEST(bench_yield, "instructions per cooperative switch (argument: threads)")
{
	struct proc *threads[BENCH_MAX_THREADS];

	yield_nthreads = bench_threads();
	for (int i = 0; i < yield_nthreads; i++)
		threads[i] = bench_start(i, yield_thread);
	for (int i = 0; i < yield_nthreads; i++)
		proc_join(threads[i]);
	uint32_t switches = (uint32_t)(yield_nthreads * YIELD_ROUNDS);
	uint32_t total = (uint32_t)(yield_end - yield_start);
	printf("bench: yield threads=%d switches=%u instructions=%u per_switch=%u.%02u\n",
	       yield_nthreads, switches, total, total / switches, total % switches * 100 / switches);
}

/* ---- preemptive switches ---- */

#define NO_OWNER      (-1)
#define SPIN_LOOP_LEN 5     /* instructions per trip of preempt_spin's loop */
#define RDTSC_ITSELF  1     /* the old thread's rdtsc, inside every gap */

static volatile uint32_t preempt_last;        /* low half of the last rdtsc */
static volatile int preempt_owner = NO_OWNER; /* the thread that took it */
static volatile uint32_t preempt_samples;
static uint32_t preempt_gaps[PREEMPT_SAMPLES];
static volatile int preempt_done;

/* Spin reading rdtsc into preempt_last for as long as this thread is the
 * last one to have done so; return the first reading taken after another
 * thread's (i.e. after a switch). Five instructions a trip, so the reading
 * just before a switch and the one just after it lie at most a trip or so
 * from the switch itself. */
static uint32_t preempt_spin(int id)
{
	uint32_t now;

	__asm__ volatile("1:	rdtsc\n\t"
			 "cmpl	%[id], preempt_owner\n\t"
			 "jne	2f\n\t"
			 "movl	%%eax, preempt_last\n\t"
			 "jmp	1b\n"
			 "2:"
			 : "=a"(now) : [id] "r"(id) : "edx", "memory", "cc");
	return now;
}

/* Each gap between a thread's reading and the next thread's spans one
 * preemptive switch: timer IRQ entry, saving into the process table, the
 * pick, restoring, the iret - plus k instructions of the old thread's loop
 * after its rdtsc and j of the new one's before its rdtsc, 0 <= k + j <=
 * SPIN_LOOP_LEN. So the smallest gap is the switch plus the one rdtsc, and
 * the spread above it is the loop. A thread's first switch-in resumes its
 * kctx (bootstrap), not a saved frame, so each thread counts only from
 * its second; and a gap far longer means kmain ran in between. */
static void preempt_thread(void *arg)
{
	int id = (int)(uintptr_t)arg;
	int resumed_from_frame = 0;

	while (!preempt_done) {
		uint32_t gap = preempt_spin(id) - preempt_last;
		if (resumed_from_frame && gap < PREEMPT_MAX_GAP && preempt_samples < PREEMPT_SAMPLES) {
			preempt_gaps[preempt_samples] = gap;
			if (++preempt_samples == PREEMPT_SAMPLES)
				preempt_done = 1;
		}
		resumed_from_frame = preempt_owner != NO_OWNER;
		preempt_owner = id;
		preempt_last = (uint32_t)rdtsc();
	}
}

/* Sort the samples (insertion sort: 400 of them, once). */
static void preempt_sort_gaps(void)
{
	for (int i = 1; i < PREEMPT_SAMPLES; i++) {
		uint32_t g = preempt_gaps[i];
		int j = i;
		for (; j > 0 && preempt_gaps[j - 1] > g; j--)
			preempt_gaps[j] = preempt_gaps[j - 1];
		preempt_gaps[j] = g;
	}
}

KTEST(bench_preempt, "instructions per preemptive switch (argument: threads)")
{
	struct proc *threads[BENCH_MAX_THREADS];
	int n = bench_threads();

	printf("bench: preempt: %d threads spin until %u switches are timed\n", n, PREEMPT_SAMPLES);
	for (int i = 0; i < n; i++)
		threads[i] = bench_start(i, preempt_thread);
	for (int i = 0; i < n; i++)
		proc_join(threads[i]);
	preempt_sort_gaps();
	uint32_t min = preempt_gaps[0], max = preempt_gaps[PREEMPT_SAMPLES - 1];
	printf("bench: preempt threads=%d samples=%u gap_min=%u gap_median=%u gap_max=%u per_switch=%u\n",
	       n, PREEMPT_SAMPLES, min, preempt_gaps[PREEMPT_SAMPLES / 2], max, min - RDTSC_ITSELF);
}
