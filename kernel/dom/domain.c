/*
 * domain.c - the domain table: home domains, dom_create, and death
 * (dom.h). All given code; the student's part of lab 6 is in cap.c and
 * call.c.
 *
 * Death in two steps. dom_destroy_tree marks a domain and every domain it
 * manages DYING at once: their generations move on (every cap and frame
 * naming them is stale from here), their capabilities are removed with
 * everything derived from them, and every thread with one of them on its
 * invocation stack is told to unwind (p->unwind), and woken if it sleeps.
 * Each such thread unwinds on its way back to user mode (dom_unwind), the
 * one place a thread leaves the kernel, like a killed process. The memory
 * goes when the last thread has left (dom_leave): a thread still inside
 * may be in the middle of a system call that copies to or from it.
 *
 * Domain table and capability operations run with interrupts off: an
 * unwinding thread changes them from the trap return path.
 */
#include "dom/dom.h"
#include "fs/image.h"
#include "fs/ramdisk.h"
#include "mm/vm.h"
#include "proc/sched.h"
#include "cpu/x86.h"
#include "cpu/gdt.h"
#include "debug/panic.h"
#include "string.h"

struct domain dom_table[NDOM];

/* A FREE slot made LIVE, with program's name and only its self cap
 * (self_rights); 0 when the table is full. Interrupts off. */
static struct domain *dom_alloc(const struct ramdisk_file *program, const char *name,
				uint32_t self_rights)
{
	for (struct domain *d = dom_table; d < &dom_table[NDOM]; d++) {
		if (d->state != DOM_FREE)
			continue;
		uint32_t gen = d->gen + 1;      /* never 0: a zeroed cap is never live */
		memset(d, 0, sizeof(*d));
		d->gen = gen;
		d->state = DOM_LIVE;
		d->program = program;
		strlcpy(d->name, name, sizeof(d->name));
		cap_install(d, 0, CAP_CALL, self_rights, d);
		return d;
	}
	return 0;
}

/* Slot 0 of a home domain: others may be given a copy to put caps into it,
 * but not to call it (it has no entry). */
#define HOME_SELF_RIGHTS    (CAP_RIGHT_GRANT | CAP_RIGHT_GIVE)
#define CREATED_SELF_RIGHTS (CAP_RIGHT_CALL | CAP_RIGHT_GRANT | CAP_RIGHT_GIVE)

int dom_home_create(struct proc *p, uint32_t *pgdir, const struct ramdisk_file *program)
{
	uint32_t flags = irq_save();
	struct domain *d = dom_alloc(program, p->name, HOME_SELF_RIGHTS);

	if (d) {
		d->pgdir = pgdir;
		d->home_of = p;
		d->per_thread[p->slot] = DOM_ENTERED;
		p->inv[0] = (struct inv_frame){ .dom = d, .gen = d->gen, .kind = INV_HOME };
		p->inv_top = 0;
		p->call_stack_top = dom_slot_call_stack_top(p->slot);
	}
	irq_restore(flags);
	return d ? 0 : -E_NOSLOT;
}

/* The root caps of lab 8: every IRQ line, every I/O port. Their object
 * is the home they are installed in; copies made from them stay live
 * while it lives (init's: as long as the machine runs). */
void dom_grant_root_authority(struct proc *p)
{
	struct domain *home = p->inv[0].dom;
	uint32_t flags = irq_save();

	if (cap_install(home, ROOT_IRQ_CONTROL_SLOT, CAP_IRQ_CONTROL, CAP_RIGHT_GRANT, home) !=
	    ROOT_IRQ_CONTROL_SLOT ||
	    cap_install(home, ROOT_IOPORT_SLOT, CAP_IOPORT, CAP_RIGHT_GRANT, home) != ROOT_IOPORT_SLOT)
		panic("dom_grant_root_authority: the root slots of %s are taken", home->name);
	cap_set_range(home, ROOT_IRQ_CONTROL_SLOT, 0, IRQ_NLINES - 1);
	cap_set_range(home, ROOT_IOPORT_SLOT, 0, IO_PORTS - 1);
	irq_restore(flags);
}

void dom_home_fork(struct proc *child, const struct proc *parent)
{
	struct domain *from = parent->inv[0].dom, *to = child->inv[0].dom;
	uint32_t flags = irq_save();

	for (int slot = 1; slot < NCAP; slot++) {
		struct cap *c = &from->caps[slot];
		if (c->type != CAP_EMPTY)
			cap_derive(&to->caps[slot], c, c->rights, c->badge);
	}
	to->handler_eip = from->handler_eip;
	to->handler_mask = from->handler_mask;
	to->per_thread[child->slot] |= from->per_thread[parent->slot] & DOM_XSTACK_MAPPED;
	irq_restore(flags);
}

void dom_home_replace(struct proc *p, uint32_t *pgdir, const struct ramdisk_file *program)
{
	struct domain *home = p->inv[0].dom;
	uint32_t *old = home->pgdir;

	home->pgdir = p->pgdir = pgdir;
	home->program = program;
	home->handler_eip = home->handler_mask = 0;
	home->per_thread[p->slot] &= (uint8_t)~DOM_XSTACK_MAPPED;
	strlcpy(home->name, p->name, sizeof(home->name));
	if (p == current_proc)
		write_cr3((uint32_t)pgdir);
	vm_free(old);
}

/* Map the image of program into a new address space; 0 or -E_xxx. */
static int dom_build_space(const struct ramdisk_file *file, uint32_t **pgdir, uint32_t *entry)
{
	uint32_t top;

	if (!(*entry = image_check(file, DOM_IMAGE_LIMIT)))
		return -E_NOEXEC;
	if (!(*pgdir = vm_create()))
		return -E_NOMEM;
	if (image_load(*pgdir, file, &top) < 0) {
		vm_free(*pgdir);
		return -E_NOMEM;
	}
	return 0;
}

/* Install d, built, with its management cap in the current domain; the
 * cap's slot, or -E_NOSLOT (and d is FREE again). Interrupts off. */
static int dom_adopt(struct domain *d)
{
	struct domain *manager = dom_current(current_proc);
	int slot = cap_install(manager, 1, CAP_MANAGE, CAP_RIGHTS_ALL, d);

	if (slot < 0) {
		d->gen++;               /* out of DOM_LIVE: its self cap is stale (dom.h's cap_live) */
		d->state = DOM_FREE;
		return slot;
	}
	d->manager = manager;
	return slot;
}

/* Domains made by dom_create that are not FREE yet (DYING ones too: their
 * slots are not free). */
static int dom_created_count(void)
{
	int n = 0;

	for (const struct domain *d = dom_table; d < &dom_table[NDOM]; d++)
		if (d->state != DOM_FREE && !d->home_of)
			n++;
	return n;
}

int dom_create(const char *path, int flags)
{
	const struct ramdisk_file *file = ramdisk_find(path);
	uint32_t *pgdir, entry;

	if (flags != 0)
		return -E_INVAL;
	if (!file)
		return -E_NOENT;
	int err = dom_build_space(file, &pgdir, &entry);
	if (err < 0)
		return err;
	uint32_t irq = irq_save();
	struct domain *d = dom_created_count() < NDOM_CREATED ?
		dom_alloc(file, path, CREATED_SELF_RIGHTS) : 0;
	int slot = d ? dom_adopt(d) : -E_NOSLOT;
	if (slot >= 0) {
		d->pgdir = pgdir;
		d->entry = entry;
	}
	irq_restore(irq);
	if (slot < 0)
		vm_free(pgdir);
	return slot;
}

/* Free a DYING domain nobody runs in: its address space, then the slot. */
static void dom_free(struct domain *d)
{
	uint32_t *pgdir = d->pgdir;

	d->pgdir = 0;
	d->state = DOM_FREE;            /* gen moved on when it died */
	sti();                          /* freeing a big space takes long */
	vm_free(pgdir);
	cli();
}

void dom_leave(struct domain *d)
{
	assert_irqs_off();
	if (d->state == DOM_DYING && --d->threads == 0)
		dom_free(d);
}

/* Whether d is dying, or managed (at any distance) by a dying domain. The
 * manager chain ends at a home domain, and is at most NDOM long. */
static int dom_doomed(const struct domain *d)
{
	for (int hops = 0; d && hops < NDOM; d = d->manager, hops++)
		if (d->state == DOM_DYING)
			return 1;
	return 0;
}

/* Tell every thread with a dead domain on its stack to unwind. */
static void dom_mark_threads(void)
{
	for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
		if (p->state == PROC_UNUSED || p->state == PROC_ZOMBIE || !p->inv[0].dom ||
		    dom_lowest_dead(p) < 0)
			continue;
		p->unwind = 1;
		if (p->state == PROC_SLEEPING)
			proc_wake(p);   /* its sleep loop sees proc_interrupted */
	}
}

/* Threads whose top frame is d: they may be using its memory. */
static int dom_count_threads(const struct domain *d)
{
	int n = 0;

	for (const struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
		if (p->state != PROC_UNUSED && p->inv[0].dom && dom_current(p) == d)
			n++;
	return n;
}

/* d has just become DYING: its generation moves on, its caps go, and the
 * threads inside it are counted. */
static void dom_kill_one(struct domain *d)
{
	d->threads = dom_count_threads(d);
	d->gen++;
	for (int slot = NCAP - 1; slot >= 0; slot--)
		if (d->caps[slot].type != CAP_EMPTY)
			cap_remove(&d->caps[slot]);
}

void dom_destroy_tree(struct domain *d)
{
	assert_irqs_off();
	d->state = DOM_DYING;
	dom_kill_one(d);
	/* Every domain managed by a dying one dies too. One pass over the
	 * table in index order may meet a managed domain before its manager
	 * is marked, so repeat until a pass marks none. */
	for (int marked = 1; marked; ) {
		marked = 0;
		for (struct domain *e = dom_table; e < &dom_table[NDOM]; e++) {
			if (e->state == DOM_LIVE && dom_doomed(e)) {
				e->state = DOM_DYING;
				dom_kill_one(e);
				marked = 1;
			}
		}
	}
	dom_mark_threads();
	for (struct domain *e = dom_table; e < &dom_table[NDOM]; e++)
		if (e->state == DOM_DYING && e->threads == 0 && e->pgdir)
			dom_free(e);
}

int dom_destroy(int slot)
{
	struct cap *c;
	uint32_t flags = irq_save();
	int err = cap_lookup(dom_current(current_proc), slot, CAP_TYPE_BIT(CAP_MANAGE),
			     CAP_RIGHT_MANAGE, &c);

	if (err == 0)
		dom_destroy_tree(c->dom);
	irq_restore(flags);
	return err;
}

void dom_exit(struct proc *p)
{
	struct domain *home = p->inv[0].dom;

	if (!home)
		return;
	cli();
	if (p->inv_top > 0) {
		struct domain *top = dom_current(p);
		for (int level = 1; level <= p->inv_top; level++)
			p->inv[level].dom->per_thread[p->slot] &= (uint8_t)~dom_level_flag(&p->inv[level]);
		p->inv_top = 0;
		dom_leave(top);
	}
	p->kstack_top = p->kstack_end;
	tss_set_kernel_stack(p->kstack_top);
	p->pgdir = 0;                   /* no switch loads what is freed next */
	p->unwind = 0;
	dom_destroy_tree(home);         /* home is DYING; its one thread leaves: */
	dom_leave(home);
	p->inv[0].dom = 0;
	sti();
}
