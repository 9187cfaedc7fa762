/*
 * trace.c - the scheduling trace's ring, its writers and its dump
 * (trace.h says what a record means and the dump's format).
 *
 * A writer claims its slot with one atomic add on trace_count, so a
 * record written with interrupts on (a thread's name at proc_alloc) and
 * one written by an interrupt in the middle of it land in different
 * slots. Nothing here allocates, sleeps or locks: the hooks run inside the
 * scheduler's switch path and the domain gates.
 */
#include "proc/trace.h"
#include "proc/proc.h"
#include "proc/timer.h"
#include "cpu/x86.h"
#include "console/console.h"
#include "string.h"

_Static_assert((TRACE_RING_SIZE & (TRACE_RING_SIZE - 1)) == 0, "TRACE_RING_SIZE is a power of two");
_Static_assert(sizeof(struct trace_record) == 32, "a record is 32 bytes (tools/gdb/beta86.py reads it)");

int trace_on;
struct trace_record trace_ring[TRACE_RING_SIZE];
uint32_t trace_count;
static enum trace_level trace_level;
static uint32_t trace_dump_records = TRACE_RING_SIZE;

static const char *const trace_kind_names[TRACE_KINDS] = {
	[TRACE_EMPTY] = "empty",
	[TRACE_YIELD] = "yield",
	[TRACE_PREEMPT] = "preempt",
	[TRACE_SLEEP] = "sleep",
	[TRACE_EXIT] = "exit",
	[TRACE_IDLE_END] = "idle-end",
	[TRACE_WAKE] = "wake",
	[TRACE_NAME] = "name",
	[TRACE_DOM_CALL] = "call",
	[TRACE_DOM_RETURN] = "return",
	[TRACE_FAULT] = "fault",
	[TRACE_FAULT_RESUME] = "resume",
	[TRACE_IRQ] = "irq",
	[TRACE_IRQ_ACK] = "ack",
};

void trace_init(enum trace_level level, uint32_t dump_records)
{
	trace_level = level;
	trace_dump_records = dump_records;
	trace_on = level != TRACE_OFF;
	trace_name(current_proc);       /* the boot thread's own name */
}

void trace_put(enum trace_kind kind, int from, int to, uint32_t arg, uint32_t arg2)
{
	trace_write(kind, from, to, arg, arg2);
}

static int trace_pid(const struct proc *p)
{
	return p ? p->pid : TRACE_IDLE;
}

int trace_idle_ended_for(int pid)
{
	const struct trace_record *r = &trace_ring[(trace_count - 1) & (TRACE_RING_SIZE - 1)];

	return trace_count > 0 && r->kind == TRACE_IDLE_END && r->to == pid;
}

/* A switch that went through an idle wait is two records, "from -> idle"
 * and "idle -> to", written by the idle loop (sched_pick_or_idle); the
 * switch itself, which follows at once with interrupts off, adds none. */
void trace_put_switch(enum trace_kind why, const struct proc *from, const struct proc *to)
{
	if (from == to)
		return;                 /* a yield with no one else to run */
	if (why != TRACE_IDLE_END && to && trace_idle_ended_for(to->pid))
		return;
	trace_write(why, trace_pid(from), trace_pid(to), why == TRACE_SLEEP ? (uint32_t)from->chan : 0, 0);
}

/* The waker is the running thread, or the idle CPU: while it idles in
 * sched_idle, current_proc is the thread that went to sleep (or exited),
 * no longer RUNNABLE, or runnable again because it is the one just woken.
 * A wakeup from an interrupt handler counts for the thread it interrupted. */
void trace_put_wake(const struct proc *woken)
{
	const struct proc *cur = current_proc;
	int waker = cur->state == PROC_RUNNABLE && cur != woken ? cur->pid : TRACE_IDLE;

	trace_write(TRACE_WAKE, waker, woken->pid, (uint32_t)woken->chan, 0);
}

void trace_put_name(const struct proc *p)
{
	memcpy(trace_write(TRACE_NAME, p->pid, 0, 0, 0)->name, p->name, TRACE_NAME_LEN);
}

static void trace_print(uint32_t seq, const struct trace_record *r)
{
	const char *kind = r->kind < TRACE_KINDS ? trace_kind_names[r->kind] : "?";

	if (r->kind == TRACE_NAME) {
		printf("trace: %u %llu %u name %d %.*s\n", seq, r->tsc, r->tick, r->from,
		       (int)strnlen(r->name, TRACE_NAME_LEN), r->name);
		return;
	}
	printf("trace: %u %llu %u %s %d %d %x %x\n", seq, r->tsc, r->tick, kind, r->from, r->to,
	       r->arg, r->arg2);
}

void trace_dump(uint32_t records)
{
	uint32_t count = trace_count;
	uint32_t held = count < TRACE_RING_SIZE ? count : TRACE_RING_SIZE;
	uint32_t recent = records < held ? records : held;
	uint32_t names = 0;

	for (uint32_t seq = count - held; seq != count - recent; seq++)
		names += trace_ring[seq & (TRACE_RING_SIZE - 1)].kind == TRACE_NAME;
	printf("trace: begin ring=%u count=%u shown=%u\n", TRACE_RING_SIZE, count, names + recent);
	for (uint32_t seq = count - held; seq != count; seq++) {
		const struct trace_record *r = &trace_ring[seq & (TRACE_RING_SIZE - 1)];
		if (seq >= count - recent || r->kind == TRACE_NAME)
			trace_print(seq, r);
	}
	printf("trace: end\n");
}

void trace_at_shutdown(void)
{
	if (trace_level != TRACE_DUMP)
		return;
	trace_on = 0;           /* the dump describes the run, not itself */
	trace_dump(trace_dump_records);
}
