/*
 * lab2_tests.c - kernel tests for lab 2: setctx/resctx, kernel threads,
 * cooperative switching, exit and reaping, and the stack guard.
 */
#include <stdint.h>
#include "boot/ktest.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "debug/backtrace.h"
#include "mm/frame.h"
#include "proc/kctx.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "format.h"
#include "string.h"

#define PINGPONG_MIN_THREADS 2
#define PINGPONG_THREAD_RANGE 3
#define PINGPONG_MIN_ROUNDS  3
#define PINGPONG_ROUND_RANGE 5
#define EXIT_TEST_THREADS    5
#define EXIT_STATUS_RANGE    1000
#define OVERFLOW_FRAME_BYTES 256

uint32_t kctx_probe(struct kctx *c, uint32_t value);

/* Resume c from deep inside a recursion: resctx must unwind all of it. */
static void kctx_resume_from_depth(struct kctx *c, int depth, int value) __attribute__((noinline, noreturn));
static void kctx_resume_from_depth(struct kctx *c, int depth, int value)
{
	volatile char pad[64];
	pad[0] = (char)depth;
	if (depth > 0)
		kctx_resume_from_depth(c, depth - 1, value + pad[0] * 0);
	else
		resctx(c, value);
}

KTEST(setctx, "setctx/resctx: returns, value, callee-saved registers, nesting")
{
	unsigned int state = boot_config.seed;
	uint32_t value = ktest_random(&state) | 1;
	struct kctx outer, inner;
	volatile int phase = 0;

	printf("setctx: probe(0x%08x) = 0x%08x\n", value, kctx_probe(&outer, value));
	printf("setctx: probe(0) = 0x%08x\n", kctx_probe(&outer, 0));

	int r = setctx(&outer);
	printf("setctx: outer returned %d at phase %d\n", r, phase);
	if (phase == 0) {
		phase = 1;
		volatile int depth = (int)(value % 7);
		int s = setctx(&inner);
		printf("setctx: inner returned %d\n", s);
		if (s == 0)
			kctx_resume_from_depth(&inner, depth, (int)(value % 1000) + 2);
		kctx_resume_from_depth(&outer, depth, (int)(value % 500) + 3);
	}
	printf("setctx: done\n");
}

struct pingpong {
	int nthreads, rounds;
};

static void pingpong_thread(void *arg)
{
	const struct pingpong *pp = arg;
	int id = current_proc->name[4] - '0';

	for (int r = 0; r < pp->rounds; r++) {
		printf("pingpong: thread %d round %d\n", id, r);
		kthread_yield();
	}
}

KTEST(pingpong, "threads take turns with kthread_yield, in order")
{
	struct pingpong pp = {
		PINGPONG_MIN_THREADS + (int)(boot_config.seed % PINGPONG_THREAD_RANGE),
		PINGPONG_MIN_ROUNDS + (int)(boot_config.seed / PINGPONG_THREAD_RANGE % PINGPONG_ROUND_RANGE),
	};
	struct proc *threads[PINGPONG_MIN_THREADS + PINGPONG_THREAD_RANGE];
	char name[PROC_NAME_LEN];

	printf("pingpong: %d threads, %d rounds\n", pp.nthreads, pp.rounds);
	for (int i = 0; i < pp.nthreads; i++) {
		snprintf(name, sizeof(name), "ping%d", i);
		threads[i] = kthread_create(name, pingpong_thread, &pp);
		if (!threads[i])
			ktest_fail("kthread_create returned 0");
	}
	for (int i = 0; i < pp.nthreads; i++)
		proc_join(threads[i]);
	printf("pingpong: all joined\n");
}

/* Exit by returning (status 0, the backstop) or by kthread_exit. */
static void exit_thread(void *arg)
{
	int status = (int)(uintptr_t)arg;
	kthread_yield();
	if (status != 0)
		kthread_exit(status);
}

/* A thread made once the exit test's threads are reaped runs on their
 * freed stack pages, which still hold the poison frame_free filled them
 * with: only the zero word its initial kctx put on top of the stack ends
 * its frame chain at kthread_bootstrap (on a never-used page, memory that
 * is zero anyway would hide a missing or misplaced one). */
static void exit_backtrace_thread(void *arg)
{
	(void)arg;
	printf("exit: the backtrace of a thread on a reused stack\n");
	backtrace_print(0, (uint32_t)__builtin_frame_address(0));
}

KTEST(exit, "threads exit by return or kthread_exit and are reaped")
{
	unsigned int state = boot_config.seed;
	struct proc *threads[EXIT_TEST_THREADS];
	uint32_t frames_before = frame_free_count();

	for (int i = 0; i < EXIT_TEST_THREADS; i++) {
		int status = (i % 2) ? (int)(ktest_random(&state) % EXIT_STATUS_RANGE) + 1 : 0;
		threads[i] = kthread_create("exiter", exit_thread, (void *)(uintptr_t)status);
		if (!threads[i])
			ktest_fail("kthread_create returned 0");
	}
	for (int i = 0; i < EXIT_TEST_THREADS; i++) {
		int pid = threads[i]->pid;
		printf("exit: pid %d status %d\n", pid, proc_join(threads[i]));
	}
	int live = 0;
	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
		live += p->state != PROC_UNUSED;
	printf("exit: %d table entries in use, frames %s\n", live,
	       frame_free_count() == frames_before ? "all returned" : "LEAKED");
	struct proc *reuser = kthread_create("exitbt", exit_backtrace_thread, 0);
	if (!reuser)
		ktest_fail("kthread_create returned 0");
	proc_join(reuser);
}

/* Recurse until the stack runs out; the depth test is one the compiler
 * cannot prove always true. */
static void overflow_recurse(volatile char *prev) __attribute__((noinline));
static void overflow_recurse(volatile char *prev)
{
	volatile char frame[OVERFLOW_FRAME_BYTES];
	frame[0] = prev ? prev[0] + 1 : 0;
	if (frame[0] >= 0 || frame[0] < 0)
		overflow_recurse(frame);
	__asm__ volatile("" ::: "memory");
}

static void overflow_thread(void *arg)
{
	(void)arg;
	overflow_recurse(0);
}

KTEST(overflow, "a thread overflows its kernel stack into the guard page")
{
	char name[PROC_NAME_LEN];

	snprintf(name, sizeof(name), "deep%u", boot_config.seed % 10000);
	struct proc *p = kthread_create(name, overflow_thread, 0);
	if (!p)
		ktest_fail("kthread_create returned 0");
	printf("overflow: pid %d (%s) recurses\n", p->pid, name);
	proc_join(p);
	printf("overflow: survived (should not get here)\n");
}

static void stacktop_thread(void *arg)
{
	(void)arg;
}

/* A thread start that puts its zero "return address" one word too high
 * writes at kstack_top: on the guard page of the slot above, which is also
 * the guard below the stack of the thread in that slot. Do just that, with
 * a thread in that slot: the panic must name the thread whose stack top
 * was overrun, not its neighbour. */
KTEST(stacktop, "a write one word past the top of a thread's kernel stack")
{
	char name[PROC_NAME_LEN], above[PROC_NAME_LEN];

	snprintf(name, sizeof(name), "top%u", boot_config.seed % 10000);
	snprintf(above, sizeof(above), "above%u", boot_config.seed % 10000);
	struct proc *p = kthread_create(name, stacktop_thread, 0);
	struct proc *q = kthread_create(above, stacktop_thread, 0);
	if (!p || !q)
		ktest_fail("kthread_create returned 0");
	if (q != p + 1)
		ktest_fail("the second thread is not in the table entry (stack slot) above the first");
	printf("stacktop: pid %d (%s) has pid %d (%s) in the slot above\n", p->pid, name, q->pid, above);
	*(volatile uint32_t *)p->kstack_top = 0;
	printf("stacktop: survived (should not get here)\n");
}

/* ---- orphans: a thread that exits before its children ---- */

#define ORPHAN_MAX_CHILDREN 6

struct orphan_family {
	int children;                           /* how many the parent makes */
	unsigned int waiters;                   /* bit i: child i waits for release */
	struct proc *child[ORPHAN_MAX_CHILDREN];
	int zombies_at_exit;                    /* children already ended then */
	volatile int release;                   /* set by the test: waiters end */
};

static void orphan_child(void *arg)
{
	struct orphan_family *f = arg;
	int me = current_proc->name[6] - '0';

	if (f->waiters & (1u << me))
		while (!f->release)
			kthread_yield();
}

/* Make the children, let the ones that do not wait end, and exit without
 * joining any of them. */
static void orphan_parent(void *arg)
{
	struct orphan_family *f = arg;
	char name[PROC_NAME_LEN];
	int zombies, want = 0;

	for (int i = 0; i < f->children; i++) {
		snprintf(name, sizeof(name), "orphan%d", i);
		if (!(f->child[i] = kthread_create(name, orphan_child, f)))
			ktest_fail("kthread_create returned 0");
		want += !(f->waiters & (1u << i));
	}
	do {
		kthread_yield();
		zombies = 0;
		for (int i = 0; i < f->children; i++)
			zombies += f->child[i]->state == PROC_ZOMBIE;
	} while (zombies < want);
	f->zombies_at_exit = zombies;
}

static void orphan_slot_taker(void *arg)
{
	struct orphan_family *f = arg;

	while (!f->release)
		kthread_yield();
}

KTEST(orphans, "a thread that exits first leaves its children to a parent that lives on")
{
	unsigned int state = boot_config.seed;
	static struct orphan_family f;
	uint32_t frames_before = frame_free_count();

	f.children = 1 + (int)(ktest_random(&state) % ORPHAN_MAX_CHILDREN);
	f.waiters = ktest_random(&state) % (1u << f.children);
	struct proc *parent = kthread_create("orphaner", orphan_parent, &f);
	if (!parent)
		ktest_fail("kthread_create returned 0");
	int parent_pid = parent->pid;
	proc_join(parent);
	/* The parent's entry is free now; the next thread takes it, so an
	 * orphan still pointing at it would look like this thread's child. */
	struct proc *taker = kthread_create("slottaker", orphan_slot_taker, &f);
	if (!taker)
		ktest_fail("kthread_create returned 0");
	printf("orphans: pid %d exited with %d children, %d of them ended; its table entry "
	       "%s now pid %d\n", parent_pid, f.children, f.zombies_at_exit,
	       taker == parent ? "is" : "is not", taker->pid);
	for (int i = 0; i < f.children; i++) {
		const struct proc *c = f.child[i];
		printf("orphans: child %d (pid %d, %s): parent pid %d\n", i, c->pid,
		       c->state == PROC_ZOMBIE ? "ended" : "running",
		       c->parent ? c->parent->pid : -1);
	}
	f.release = 1;
	int reaped = 0;
	for (int i = 0; i < f.children; i++)
		if (f.child[i]->parent == current_proc) {
			proc_join(f.child[i]);
			reaped++;
		}
	proc_join(taker);
	printf("orphans: pid %d reaped %d of %d orphans; frames %s\n", current_proc->pid, reaped,
	       f.children, frame_free_count() == frames_before ? "all returned" : "LEAKED");
}
