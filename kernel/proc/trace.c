/*
 * trace.c - the scheduling trace's ring, its out-of-line writers, and
 * its dump, which decodes the hooks' raw facts into the lines trace.h
 * documents (grader/schedtrace.py's decode does the same for GDB: change
 * both together; grader/test_lab3_trace.py checks that they agree).
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
_Static_assert((sizeof(struct trace_record) & (sizeof(struct trace_record) - 1)) == 0,
	       "a record's size is a power of two (a slot's address is a shift)");
_Static_assert(TRACE_KINDS <= 256 && INV_MAX_CALLS < 256, "a kind and inv_top fit a record's bytes");

int trace_on;
struct trace_record trace_ring[TRACE_RING_SIZE];
uint32_t trace_count;
int (*trace_domain_id)(uint32_t domain);
static enum trace_level trace_level;
static uint32_t trace_dump_records = TRACE_RING_SIZE;

static const char *const trace_kind_names[TRACE_SHOWN_KINDS] = {
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
	struct trace_record *r = trace_claim(kind);

	r->from = from;
	r->to = to;
	r->arg = arg;
	r->arg2 = arg2;
}

void trace_put_name(const struct proc *p)
{
	struct trace_record *r = trace_claim(TRACE_NAME);

	r->from = p->pid;
	memcpy(r->name, p->name, TRACE_NAME_LEN);
}

/* ---- reading the ring: raw facts -> what a line says ---- */

static const struct trace_record *trace_slot(uint32_t seq)
{
	return &trace_ring[seq & (TRACE_RING_SIZE - 1)];
}

/* The oldest record that can be shown: the oldest one held, unless the
 * ring has wrapped, when that one has lost the record before it (which
 * trace_decode_switch looks at) and only serves as that for the next. */
static uint32_t trace_first_shown(uint32_t count)
{
	return count <= TRACE_RING_SIZE ? 0 : count - TRACE_RING_SIZE + 1;
}

/* A switch. From the idle CPU: the end of an idle wait. A switch right
 * after the idle-end into the same thread is the idle wait's own (sleep
 * or sched_exit went through sched_idle, then switched): told already,
 * so not shown. Else the cause is in the state the paths out of a thread
 * leave behind: asleep (sleep), a zombie (sched_exit), its registers in
 * its trap frame (sched_preempt), else a yield, or a preemption that a
 * preempt_disable section deferred to its end (sched_preempt_pending). */
static int trace_decode_switch(uint32_t seq, struct trace_record *line)
{
	const struct trace_record *before = trace_slot(seq - 1);
	uint32_t chan = line->arg, deferring = line->arg2;

	line->arg = line->arg2 = 0;
	if (line->from == TRACE_IDLE) {
		line->kind = TRACE_IDLE_END;
		return 1;
	}
	if (seq > 0 && before->kind == TRACE_RAW_SWITCH && before->from == TRACE_IDLE &&
	    before->to == line->to)
		return 0;
	if (line->fact[0] == PROC_SLEEPING) {
		line->kind = TRACE_SLEEP;
		line->arg = chan;
	} else if (line->fact[0] == PROC_ZOMBIE) {
		line->kind = TRACE_EXIT;
	} else if (line->fact[1] == SAVED_TRAPFRAME || deferring == (uint32_t)line->from) {
		line->kind = TRACE_PREEMPT;
	} else {
		line->kind = TRACE_YIELD;
	}
	return 1;
}

/* A wakeup. The waker is the running thread, or the idle CPU: while it
 * idles in sched_idle, current_proc is the thread that went to sleep (or
 * exited), no longer RUNNABLE, or runnable again because it is the one
 * just woken. A wakeup from an interrupt handler counts for the thread it
 * interrupted. */
static int trace_decode_wake(struct trace_record *line)
{
	if (line->fact[0] != PROC_RUNNABLE || line->from == line->to)
		line->from = TRACE_IDLE;
	line->kind = TRACE_WAKE;
	line->arg2 = 0;
	return 1;
}

/* A domain crossing (dom_enter): a frame below the old kstack_top enters
 * a level (a call, or a fault handler, lab 7), one above it leaves
 * levels (a return, a resume or an unwind; inv[inv_top + 1] is still the
 * lowest level left). */
static int trace_decode_crossing(struct trace_record *line)
{
	int entering = (uint32_t)line->to + sizeof(struct trapframe) < line->arg;
	int fault = (entering ? line->fact[1] : line->fact[2]) == INV_FAULT;

	line->kind = fault ? (entering ? TRACE_FAULT : TRACE_FAULT_RESUME)
		: entering ? TRACE_DOM_CALL : TRACE_DOM_RETURN;
	line->to = line->from;
	line->arg = (uint32_t)(trace_domain_id ? trace_domain_id(line->arg2) : -1);
	line->arg2 = line->fact[0];
	return 1;
}

/* Record seq as its dump line says it, in *line (a copy: the ring is not
 * changed); 0 if it is not shown. */
static int trace_decode(uint32_t seq, struct trace_record *line)
{
	*line = *trace_slot(seq);
	switch (line->kind) {
	case TRACE_RAW_SWITCH:
		return trace_decode_switch(seq, line);
	case TRACE_RAW_WAKE:
		return trace_decode_wake(line);
	case TRACE_RAW_CROSSING:
		return trace_decode_crossing(line);
	default:
		return 1;       /* told as it is */
	}
}

static void trace_print(uint32_t seq, const struct trace_record *r)
{
	const char *kind = r->kind < TRACE_SHOWN_KINDS ? trace_kind_names[r->kind] : "?";

	if (r->kind == TRACE_NAME) {
		printf("trace: %u %llu %u name %d %.*s\n", seq, r->tsc, r->tick, r->from,
		       (int)strnlen(r->name, TRACE_NAME_LEN), r->name);
		return;
	}
	printf("trace: %u %llu %u %s %d %d %x %x\n", seq, r->tsc, r->tick, kind, r->from, r->to,
	       r->arg, r->arg2);
}

/* Whether the dump prints record seq: one of the newest `recent`, or an
 * older name. */
static int trace_dumps(uint32_t seq, uint32_t count, uint32_t recent, struct trace_record *line)
{
	if (!trace_decode(seq, line))
		return 0;
	return count - seq <= recent || line->kind == TRACE_NAME;
}

void trace_dump(uint32_t records)
{
	uint32_t count = trace_count;
	uint32_t first = trace_first_shown(count);
	struct trace_record line;
	uint32_t shown = 0;

	for (uint32_t seq = first; seq != count; seq++)
		shown += trace_dumps(seq, count, records, &line);
	printf("trace: begin ring=%u count=%u shown=%u\n", TRACE_RING_SIZE, count, shown);
	for (uint32_t seq = first; seq != count; seq++)
		if (trace_dumps(seq, count, records, &line))
			trace_print(seq, &line);
	printf("trace: end\n");
}

void trace_at_shutdown(void)
{
	if (trace_level != TRACE_DUMP)
		return;
	trace_on = 0;           /* the dump describes the run, not itself */
	trace_dump(trace_dump_records);
}
