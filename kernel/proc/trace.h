/*
 * trace.h - the scheduling trace: who ran, when, and why it stopped.
 *
 * A fixed ring of TRACE_RING_SIZE records in kernel memory (trace_ring),
 * written by the scheduler (sched.c: yield, preemption, sleep, wakeup,
 * exit, the end of an idle wait), the process table (proc.c, exec.c: a
 * thread's name) and the domain gates (dom/call.c: call and return). Each
 * record holds the instruction count (rdtsc: under -icount shift=0 it
 * counts retired instructions, so a trace repeats exactly), the timer
 * tick, the thread leaving and the thread entering (pids; TRACE_IDLE for
 * the idle CPU) and the cause. The ring keeps the newest records: record
 * number n (counting from 0 at boot) is in slot n % TRACE_RING_SIZE, and
 * trace_count says how many were written.
 *
 * Off by default; the command line's trace=1 records (GDB's `trace` and
 * `schedule` commands read the ring at any stop, tools/gdb/beta86.py), and
 * trace=2 also prints the ring on the console at shutdown, in the line
 * format below, which the grader (grader/schedtrace.py) and `make
 * timeline` (tools/timeline) parse.
 *
 * Cost: off, each hook is one test of trace_on and a branch not taken;
 * on, a call to trace_put, which fills one record (`make bench` measures
 * both). Hooks sit in given code, never inside a student's LAB_SOLUTION
 * block, so that every lab's tree traces.
 *
 * Later labs record their own events through trace_record, one line each:
 *     trace_record(TRACE_FAULT, p->pid, -1, trapno, dom_id(handler));
 *     trace_record(TRACE_FAULT_RESUME, p->pid, -1, 0, dom_id(faulted));
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
 * SEQ is the record's number, TSC and TICK decimal, KIND a word of
 * trace_kind_names (yield, preempt, sleep, exit, idle-end, wake, call,
 * return, fault, resume, irq, ack), FROM and TO pids (-1: idle; for
 * call/return/fault, TO is the same thread), ARG and ARG2 in hex
 * (sleep, wake: the channel; call, return: the domain entered and its
 * level on the invocation stack).
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
	TRACE_FAULT,                  /* lab 7: FROM faulted (trap ARG) into handler domain ARG2 */
	TRACE_FAULT_RESUME,           /* lab 7: FROM resumed after its handler, in domain ARG2 */
	TRACE_IRQ,                    /* lab 8: IRQ ARG delivered to TO's domain while FROM ran */
	TRACE_IRQ_ACK,                /* lab 8: FROM acknowledged IRQ ARG */
	TRACE_KINDS,
};

struct trace_record {
	uint64_t tsc;                 /* rdtsc: instructions since reset, under icount */
	uint32_t tick;                /* timer_ticks */
	uint32_t kind;                /* enum trace_kind */
	int32_t from;                 /* the thread that ran (or TRACE_IDLE) */
	union {
		struct {
			int32_t to;   /* the thread that runs next (or TRACE_IDLE) */
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

/* Set the level from the command line (boot, before the first switch),
 * and how many records the dump at shutdown prints (tracedump=N). */
void trace_init(enum trace_level level, uint32_t dump_records);
/* Print the newest `records` records in the format above, after every
 * older name record the ring still holds (interrupts off). */
void trace_dump(uint32_t records);
/* The shutdown hook: dumps the ring at trace=2, else does nothing. */
void trace_at_shutdown(void);

/* Claim the next slot and fill it: one atomic add (so a record written
 * with interrupts on and one an interrupt writes meanwhile land in
 * different slots), rdtsc and the stores. Inline in each hook's slow path,
 * so that a record costs about what it is, not a chain of calls. */
#include "cpu/x86.h"
#include "proc/timer.h"
static inline __attribute__((always_inline)) struct trace_record *
trace_write(enum trace_kind kind, int from, int to, uint32_t arg, uint32_t arg2)
{
	uint32_t seq = __atomic_fetch_add(&trace_count, 1, __ATOMIC_RELAXED);
	struct trace_record *r = &trace_ring[seq & (TRACE_RING_SIZE - 1)];

	r->tsc = rdtsc();
	r->tick = timer_ticks;
	r->kind = kind;
	r->from = from;
	r->to = to;
	r->arg = arg;
	r->arg2 = arg2;
	return r;
}

/* Whether the newest record is the idle CPU handing itself to pid: then
 * the switch that follows at once is told already (sched.c). */
int trace_idle_ended_for(int pid);

/* Out of line: fill the next record (interrupts off, or inside one
 * trap). Only the hooks below call these. */
void trace_put(enum trace_kind kind, int from, int to, uint32_t arg, uint32_t arg2);
void trace_put_switch(enum trace_kind why, const struct proc *from, const struct proc *to);
void trace_put_wake(const struct proc *woken);
void trace_put_name(const struct proc *p);

/* The test every hook makes. On a hot path (a switch, a domain gate) the
 * hook calls a cold, out-of-line function of its own that computes the
 * record's fields there, from what the hot path keeps anyway (sched.c:
 * sched_trace, dom/call.c: dom_enter): computed inline, the compiler may
 * start on them before the test, or keep values alive across the call. */
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
