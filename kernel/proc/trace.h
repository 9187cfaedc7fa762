/*
 * trace.h - the scheduling trace: who ran, when, and why it stopped.
 *
 * A fixed ring of TRACE_RING_SIZE records in kernel memory (trace_ring),
 * written by the scheduler (sched.c: every switch, the start and end of
 * an idle wait, every wakeup), the process table (proc.c, exec.c: a
 * thread's name) and the domain gates (dom/dom.h's dom_enter: call,
 * return, fault, resume). Each record holds the instruction count (rdtsc:
 * under -icount shift=0 it counts retired instructions, so a trace repeats
 * exactly), the timer tick, and the raw facts of the moment. The ring
 * keeps the newest records: record number n (counting from 0 at boot) is
 * in slot n % TRACE_RING_SIZE, and trace_count says how many were written.
 *
 * Recording is cheap because a hook decides nothing: a switch stores the
 * pids leaving and entering, the leaving thread's state, `saved` and
 * channel, and who is deferring a preemption (sched.c); a wakeup the
 * running thread's pid and state and the woken thread's pid and channel; a
 * domain crossing the frame entered, the old kstack_top, the domain and
 * the invocation stack's top two kinds. What that means (yield or
 * preemption, sleep or exit, who woke whom, a call or a return) is worked
 * out when the ring is read: by trace_dump here, and the same way by GDB's
 * `trace` and `schedule` commands (tools/gdb/beta86.py, through
 * grader/schedtrace.py's decode), which read the ring raw at any stop.
 *
 * Off by default; the command line's trace=1 records, and trace=2 also
 * prints the ring on the console at shutdown, in the line format below,
 * which the grader (grader/schedtrace.py) and `make timeline`
 * (tools/timeline) parse.
 *
 * Cost (`make bench` measures both): off, each hook is one test of
 * trace_on and a branch not taken. On, a switch's record is written
 * inline in the hook's unlikely branch: one atomic add for the slot,
 * rdtsc, and a load and a store per fact, 25 instructions a switch (it
 * was about 80 when the hooks decided the cause); the idle, wakeup and
 * domain crossing records are cold calls (a crossing costs 50). Hooks
 * sit in given code, never inside a student's LAB_SOLUTION block, so
 * that every lab's tree traces.
 *
 * Later labs record their own events through trace_record, one line each,
 * told (not raw): the record holds the line's own fields, e.g.
 *     trace_record(TRACE_IRQ, current pid or TRACE_IDLE, driver pid, irq, 0);
 *     trace_record(TRACE_IRQ_ACK, driver pid, -1, irq, 0);
 *
 * The dump (trace_dump), one record a line, oldest first:
 *     trace: begin ring=SIZE count=N shown=M   (M lines follow)
 *     trace: SEQ TSC TICK KIND FROM TO ARG ARG2
 *     trace: SEQ TSC TICK name PID NAME
 *     trace: end
 * tracedump=N keeps a dump short (a test's report needs only the recent
 * runs): the newest N records, after the name records of older ones.
 * SEQ is the record's number, N = trace_count, TSC and TICK decimal, KIND
 * a word of trace_kind_names (yield, preempt, sleep, exit, idle-end,
 * wake, call, return, fault, resume, irq, ack), FROM and TO pids (-1:
 * idle; for call/return/fault, TO is the same thread), ARG and ARG2 in
 * hex (sleep, wake: the channel; call, return: the domain entered and its
 * level on the invocation stack). Two records never show as lines: the
 * switch that follows an idle wait at once, which the idle-end before it
 * has told already (so SEQ skips its number), and, once the ring has
 * wrapped, its oldest slot, which only serves to read the one after it.
 */
#ifndef PROC_TRACE_H
#define PROC_TRACE_H

#include <stdint.h>

struct proc;

#define TRACE_RING_SIZE 1024          /* records; a power of two */
#define TRACE_IDLE      (-1)          /* "pid" of the idle CPU */
#define TRACE_NAME_LEN  12            /* bytes of a name a record keeps */

/* trace=N on the command line */
enum trace_level {
	TRACE_OFF,
	TRACE_RECORD,                 /* record; read the ring with GDB */
	TRACE_DUMP,                   /* also print it at shutdown */
};

/* A record's kind. The dump prints the kinds up to TRACE_IRQ_ACK; the
 * TRACE_RAW_ ones are what the hot hooks store, decoded into those when
 * the ring is read (trace.c's trace_decode, and grader/schedtrace.py's
 * decode for GDB: keep the numbers in step with its KIND_NAMES). */
enum trace_kind {
	TRACE_EMPTY,                  /* a slot never written */
	TRACE_YIELD,                  /* FROM gave the CPU to TO (sched_yield) */
	TRACE_PREEMPT,                /* the timer, or a deferred preemption, took it */
	TRACE_SLEEP,                  /* FROM slept on channel ARG; TO runs, or idle */
	TRACE_EXIT,                   /* FROM exited; TO runs, or idle */
	TRACE_IDLE_END,               /* the idle CPU runs TO, which a wakeup made runnable */
	TRACE_WAKE,                   /* FROM (running, or idle) woke TO, asleep on ARG */
	TRACE_NAME,                   /* pid FROM is now called name (created, or exec) */
	TRACE_DOM_CALL,               /* FROM called into domain ARG, now at level ARG2 */
	TRACE_DOM_RETURN,             /* FROM returned (or unwound) to domain ARG, level ARG2 */
	TRACE_FAULT,                  /* lab 7: FROM faulted into handler domain ARG, level ARG2 */
	TRACE_FAULT_RESUME,           /* lab 7: FROM resumed in domain ARG, level ARG2 */
	TRACE_IRQ,                    /* lab 8: IRQ ARG delivered to TO's domain while FROM ran */
	TRACE_IRQ_ACK,                /* lab 8: FROM acknowledged IRQ ARG */
	TRACE_SHOWN_KINDS,
	/* raw: from, to, arg, arg2 and fact[] hold what the hook saw */
	TRACE_RAW_SWITCH = TRACE_SHOWN_KINDS,
	                              /* from: pid leaving (TRACE_IDLE: the idle CPU), to:
	                               * pid entering (TRACE_IDLE), arg: the leaver's chan,
	                               * arg2: sched_deferring_pid, fact[0]: the leaver's
	                               * state, fact[1]: its saved */
	TRACE_RAW_WAKE,               /* from: current_proc's pid, fact[0]: its state; to:
	                               * the woken pid, arg: its chan */
	TRACE_RAW_CROSSING,           /* from: pid, to: the trap frame entered, arg: the
	                               * kstack_top it had, arg2: the domain entered (its
	                               * address), fact[0]: inv_top, fact[1], fact[2]: the
	                               * kinds of inv[inv_top] and inv[inv_top + 1] */
	TRACE_KINDS,
};

struct trace_record {
	uint64_t tsc;                 /* rdtsc: instructions since reset, under icount */
	uint32_t tick;                /* timer_ticks */
	uint8_t kind;                 /* enum trace_kind */
	uint8_t fact[3];              /* small raw facts, by kind (above) */
	int32_t from;                 /* a pid, by kind */
	union {
		struct {
			int32_t to;
			uint32_t arg, arg2;
		};
		char name[TRACE_NAME_LEN];   /* TRACE_NAME: not always NUL-terminated */
	};
};

/* Whether records are written: the one word every hook tests. */
extern int trace_on;
extern struct trace_record trace_ring[TRACE_RING_SIZE];
/* Records written since boot; the newest is trace_ring[(trace_count - 1) %
 * TRACE_RING_SIZE]. */
extern uint32_t trace_count;
/* The dump's way to a crossing's domain number (dom_id) from the
 * domain's address: set at boot by the domain layer's owner (main.c), as
 * proc/ may not include dom/. */
extern int (*trace_domain_id)(uint32_t domain);

/* Set the level from the command line (boot, before the first switch),
 * and how many records the dump at shutdown prints (tracedump=N). */
void trace_init(enum trace_level level, uint32_t dump_records);
/* Print the newest `records` records in the format above, after every
 * older name record the ring still holds (interrupts off). */
void trace_dump(uint32_t records);
/* The shutdown hook: dumps the ring at trace=2, else does nothing. */
void trace_at_shutdown(void);

/* Claim the next slot and stamp it: one atomic add (so that a record
 * written with interrupts on and one an interrupt writes meanwhile land
 * in different slots), rdtsc, the tick and the kind; the hook stores its
 * facts in what it returns. Inline in each hook's unlikely branch, so
 * that a record costs what it stores and no call. */
#include "cpu/x86.h"
#include "proc/timer.h"
static inline __attribute__((always_inline)) struct trace_record *trace_claim(enum trace_kind kind)
{
	uint32_t seq = __atomic_fetch_add(&trace_count, 1, __ATOMIC_RELAXED);
	struct trace_record *r = &trace_ring[seq & (TRACE_RING_SIZE - 1)];

	r->tsc = rdtsc();
	r->tick = timer_ticks;
	r->kind = (uint8_t)kind;
	/* The hook reads its facts after this (a compiler barrier, no
	 * instruction): read before, they would be carried across rdtsc in
	 * registers the hot path would then have to save, tracing off too. */
	__asm__ volatile("" ::: "memory");
	return r;
}

/* Out of line: a told record, and a thread's name. */
void trace_put(enum trace_kind kind, int from, int to, uint32_t arg, uint32_t arg2);
void trace_put_name(const struct proc *p);

/* The test every hook makes; what follows it runs only when tracing is
 * on (an unlikely branch, which the compiler lays out of the hot path). */
static inline int trace_is_on(void)
{
	return __builtin_expect(trace_on, 0);
}

/* The hooks. Each is a test of trace_on when tracing is off; their
 * arguments are only computed when it is on. */
static inline void trace_record(enum trace_kind kind, int from, int to, uint32_t arg, uint32_t arg2)
{
	if (trace_is_on())
		trace_put(kind, from, to, arg, arg2);
}

/* p has its name now (proc_alloc, exec). */
static inline void trace_name(const struct proc *p)
{
	if (trace_is_on())
		trace_put_name(p);
}

#endif
