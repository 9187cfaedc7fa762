/*
 * procdump.c - the process table in words, one line per thread: what
 * Ctrl-P (fs/tty.c) and the kernel monitor's `ps` print. It lies with the
 * user processes because it names a user process's eip from its own
 * program's symbols (usym), which a lower layer cannot reach.
 *
 * A user process gets a second line, under "where": the domain its thread
 * runs in (lab 6), and for a thread inside domain calls its whole
 * invocation stack, home first:
 *     in domain 3 (domtests), call depth 2: 3 (domtests) > 5 (testsrv) > 6 (testsrv)
 * A level that runs a fault handler (lab 7) is marked "h:" in the chain,
 * and a thread whose top level is one says what it handles: the vector
 * and the domain that faulted, the level below:
 *     in domain 3 (pager), handling vector 14 from domain 5 (child), call depth 2: 3 (pager) > 5 (child) > h:3 (pager)
 * ("call depth" counts every level above home, calls and handlers, as
 * INV_MAX_CALLS does.) A thread asleep in irq_wait (lab 8) says on which
 * line, right after its domain:
 *     in domain 4 (rtcdrv), waiting on irq 8
 */
#include "uproc/procdump.h"
#include "uproc/usym.h"
#include "dom/dom.h"
#include "proc/proc.h"
#include "console/console.h"
#include "debug/backtrace.h"
#include "debug/ksym.h"

#define PROC_DUMP_FRAMES 4      /* where: the saved eip and 3 callers */
#define PROC_DUMP_WHERE_COLUMN 32   /* "pid  state     name             " */

/* Print addr as function+offset (or raw, outside the kernel's text). */
static void proc_dump_address(uint32_t addr)
{
	uint32_t offset;
	const char *fn = ksym_lookup(addr, &offset);

	if (fn)
		printf("%s+0x%x", fn, offset);
	else
		printf("0x%08x", addr);
}

/* The program whose code p's user mode runs now: the program of the
 * domain it is in (a callee's, inside a call), else the one it execs. */
static const struct ramdisk_file *proc_dump_user_program(const struct proc *p)
{
	if (p->inv[0].dom && dom_current(p)->program)
		return dom_current(p)->program;
	return p->program;
}

/* A user process stopped in user mode: its eip named from the symbols of
 * the program it runs there. (Its frame pointer chain is in its address
 * space, not necessarily the loaded one, so it is not followed here;
 * GDB's ps does that.) */
static void proc_dump_user_where(const struct proc *p, uint32_t eip)
{
	uint32_t offset;
	const char *fn = usym_lookup(proc_dump_user_program(p), eip, &offset);

	if (fn)
		printf("user %s+0x%x", fn, offset);
	else
		printf("user 0x%08x", eip);
}

/* Where a thread stopped in the kernel: eip, then the callers found
 * through the frame pointer, innermost first ("a < b < c"). */
static void proc_dump_kernel_where(uint32_t eip, uint32_t ebp)
{
	uint32_t callers[PROC_DUMP_FRAMES - 1];
	int n = backtrace_walk(ebp, callers, PROC_DUMP_FRAMES - 1);

	proc_dump_address(eip);
	for (int i = 0; i < n; i++) {
		printf(" < ");
		proc_dump_address(callers[i]);
	}
}

/* Where the context in tf was: in user code or in the kernel. */
static void proc_dump_frame_where(const struct proc *p, const struct trapframe *tf)
{
	if (trapframe_from_user(tf))
		proc_dump_user_where(p, tf->eip);
	else
		proc_dump_kernel_where(tf->eip, tf->ebp);
}

/* Where a stopped thread stopped, from what it saved. */
static void proc_dump_where(const struct proc *p)
{
	if (p->saved == SAVED_TRAPFRAME)
		proc_dump_frame_where(p, &p->tf);
	else
		proc_dump_kernel_where(p->kctx.eip, p->kctx.ebp);
}

/* "5 (testsrv)", and " dead" if the domain of frame f has died since
 * (the thread unwinds from it on its way back to user mode). */
static void proc_dump_frame_domain(const struct inv_frame *f)
{
	printf("%d (%s)%s", dom_id(f->dom), f->dom->name, dom_frame_dead(f) ? " dead" : "");
}

/* ", handling vector 14 from domain 5 (child)": what the handler at p's
 * top level handles, from the faulting level's trap frame below it. */
static void proc_dump_handling(const struct proc *p)
{
	const struct trapframe *faulting = dom_level_frame(p, p->inv_top - 1);

	printf(", handling vector %u from domain ", faulting->vector);
	proc_dump_frame_domain(&p->inv[p->inv_top - 1]);
}

/* The line under a user process: which domain it is in (see the top). */
static void proc_dump_domain(const struct proc *p)
{
	if (!p->inv[0].dom)
		return;                 /* exited, or still being made */
	printf("%*s in domain ", PROC_DUMP_WHERE_COLUMN - 1, "");
	proc_dump_frame_domain(&p->inv[p->inv_top]);
	if (p->irq_line != PS_NO_IRQ)
		printf(", waiting on irq %d", p->irq_line);
	if (p->inv[p->inv_top].kind == INV_FAULT)
		proc_dump_handling(p);
	if (dom_in_call(p)) {
		printf(", call depth %d: ", p->inv_top);
		for (int level = 0; level <= p->inv_top; level++) {
			printf("%s%s", level ? " > " : "", p->inv[level].kind == INV_FAULT ? "h:" : "");
			proc_dump_frame_domain(&p->inv[level]);
		}
	}
	printf("\n");
}

void proc_dump(const struct trapframe *interrupted)
{
	printf("\npid  state     name             where\n");
	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
		if (p->state == PROC_UNUSED)
			continue;
		printf("%-4d %-9s %-16s ", p->pid, proc_state_name(p), p->name);
		if (p == current_proc && p->state == PROC_RUNNABLE && interrupted) {
			printf("(running) ");
			proc_dump_frame_where(p, interrupted);
		} else if (p == current_proc && p->state == PROC_RUNNABLE)
			printf("(running)");
		else if (p == current_proc)
			printf("(idle: waiting for a thread to become runnable)");
		else if (p->state == PROC_EMBRYO || p->saved == SAVED_NOT_STARTED)
			printf("(not started)");
		else
			proc_dump_where(p);
		printf("\n");
		proc_dump_domain(p);
	}
}
