/*
 * user_fault.c - exceptions raised by user code. Each one kills only the
 * process that raised it, printing exactly one line:
 *
 *   pid 7 (faults): killed by page fault writing 0x00100000 (kernel memory), eip 0x40000046 (write_kernel+0x6)
 *
 * The parent's wait() then returns WAIT_KILLED | vector (abi.h). A general
 * protection fault is explained from its error code (an IDT gate, an LDT
 * selector) or from the instruction that raised it (cli, hlt, in/out, int,
 * iret, a far jump, sgdt and the other instructions UMIP forbids), read
 * from the process's own text; a floating-point exception by the exception
 * the FPU has pending.
 */
#include "trap/user_fault.h"
#include "trap/trap.h"
#include "console/console.h"
#include "cpu/fpu.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "uproc/usym.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "uproc/uproc.h"
#include "dom/dom.h"
#include "string.h"
#include "abi.h"
#include "lab.h"
#include "format.h"

#define FAULT_WHAT_MAX 128
#define GP_ERROR_IDT   0x2      /* the error code names an IDT entry */
#define GP_ERROR_LDT   0x4      /* the error code is a selector into the LDT */
#define GP_INDEX(e)    ((e) >> 3)
#define SELECTOR_MASK  0xFFFCu  /* the error code's selector, without its EXT and IDT bits */
#define OPCODE_TWO_BYTE 0x0F    /* the first byte of a two-byte opcode */
#define MODRM_REG(m)   (((m) >> 3) & 7)
#define MAX_PREFIXES   4

/* In virtual-8086 mode every address is below 16 * 0x10000 + 0x10000:
 * kernel memory, which ring 3 cannot fetch from. So a process there
 * cannot execute a single instruction; the first fetch faults. */
#define VM86_ADDRESS_END 0x110000u
_Static_assert(USER_BASE >= VM86_ADDRESS_END, "virtual-8086 code must never find a user page");

/* One-byte opcodes that fault in ring 3, by what they try to do. */
static const struct {
	uint8_t opcode;
	const char *what;
} privileged_opcodes[] = {
	{ 0xFA, "cli: a privileged instruction" },
	{ 0xFB, "sti: a privileged instruction" },
	{ 0xF4, "hlt: a privileged instruction" },
	{ 0xE4, "in: no I/O permission" }, { 0xE5, "in: no I/O permission" },
	{ 0xEC, "in: no I/O permission" }, { 0xED, "in: no I/O permission" },
	{ 0xE6, "out: no I/O permission" }, { 0xE7, "out: no I/O permission" },
	{ 0xEE, "out: no I/O permission" }, { 0xEF, "out: no I/O permission" },
	{ 0xCF, "iret to a bad frame" },
	{ 0xEA, "far jump to a segment it may not use" },
	{ 0xFF, "far jump or call to a segment it may not use" },
};

/* Two-byte opcodes 0F 00 /r and 0F 01 /r, told apart by the ModRM byte's
 * reg field: the system-table instructions. */
static const struct {
	uint8_t opcode, reg;
	const char *what;
} group_opcodes[] = {
	{ 0x00, 0, "sldt: UMIP keeps the LDT selector from user mode" },
	{ 0x00, 1, "str: UMIP keeps the task register from user mode" },
	{ 0x00, 2, "lldt: a privileged instruction" },
	{ 0x00, 3, "ltr: a privileged instruction" },
	{ 0x01, 0, "sgdt: UMIP keeps the GDT's kernel address from user mode" },
	{ 0x01, 1, "sidt: UMIP keeps the IDT's kernel address from user mode" },
	{ 0x01, 2, "lgdt: a privileged instruction" },
	{ 0x01, 3, "lidt: a privileged instruction" },
	{ 0x01, 4, "smsw: UMIP keeps CR0 from user mode" },
	{ 0x01, 6, "lmsw: a privileged instruction" },
	{ 0x01, 7, "invlpg: a privileged instruction" },
};

/* Legacy prefixes: operand and address size, segment overrides, lock, rep. */
static int is_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E ||
	       b == 0x64 || b == 0x65 || b == 0xF0 || b == 0xF2 || b == 0xF3;
}

static const char *user_fault_two_byte_cause(uint8_t opcode, uint8_t modrm)
{
	for (unsigned i = 0; i < sizeof(group_opcodes) / sizeof(group_opcodes[0]); i++)
		if (group_opcodes[i].opcode == opcode && group_opcodes[i].reg == MODRM_REG(modrm))
			return group_opcodes[i].what;
	return "a protection violation";
}

/* The instruction at eip, from its first bytes (after any prefixes), as
 * far as they can be read: the instruction may run into an unmapped page. */
static const char *user_fault_gp_cause(struct proc *p, const struct trapframe *tf)
{
	uint8_t code[MAX_PREFIXES + 3];
	unsigned n = 0, i = 0;

	while (n < sizeof(code) && copyin(p->pgdir, &code[n], tf->eip + n, 1) == 0)
		n++;
	while (i < n && i < MAX_PREFIXES && is_prefix(code[i]))
		i++;
	if (i == n)
		return "at an unreadable eip";
	if (code[i] == OPCODE_TWO_BYTE)
		return i + 2 < n ? user_fault_two_byte_cause(code[i + 1], code[i + 2]) : "at an unreadable eip";
	for (unsigned j = 0; j < sizeof(privileged_opcodes) / sizeof(privileged_opcodes[0]); j++)
		if (privileged_opcodes[j].opcode == code[i])
			return privileged_opcodes[j].what;
	return "a protection violation";
}

/* #MF or #XM: the first pending exception that is not masked. The process
 * owns the FPU (it just ran an FPU instruction), so TS is clear and the
 * registers are its own. */
static const char *user_fault_fpu_cause(const struct trapframe *tf)
{
	if (read_cr0() & CR0_TS)
		return "its FPU state is not loaded";
	uint32_t pending = tf->vector == T_X87 ? fpu_x87_unmasked_pending() : fpu_simd_unmasked_pending();
	return fpu_exception_name(pending);
}

/* "page fault writing 0x... (why)"; a fault on the guard page below the
 * stack is a stack overflow. addr is the fault's (CR2 when it happened:
 * trap_unexpected keeps it in the thread's fault_addr, since a report may
 * come later, after a fault handler gave up). */
static void user_fault_describe_page_fault(const struct trapframe *tf, uint32_t addr, char *buf, int size)
{
	const char *access = (tf->error & PF_WRITE) ? "writing" : "reading";
	const char *why = addr < PAGE_SIZE ? "null pointer"
		: addr < USER_BASE || addr >= USER_TOP ? "kernel memory"
		: addr >= USER_STACK_GUARD && addr < USER_STACK_BOTTOM ? "stack overflow: stack guard page"
		: addr >= USER_XSTACK_GUARD && addr < USER_XSTACK_BOTTOM ? "exception stack overflow: its guard page"
		: (tf->error & PF_PRESENT) ? "read-only page" : "unmapped";

	snprintf(buf, size, "page fault %s 0x%08x (%s)", access, addr, why);
}

static LAB_GIVEN void user_fault_describe(struct proc *p, const struct trapframe *tf, char *buf, int size)
{
	if (tf->vector == T_PAGE_FAULT)
		user_fault_describe_page_fault(tf, p->fault_addr, buf, size);
	else if (tf->vector == T_GP && (tf->error & GP_ERROR_IDT))
		snprintf(buf, size, "general protection fault (int $%u: not a system call gate)",
			 GP_INDEX(tf->error));
	else if (tf->vector == T_GP && (tf->error & GP_ERROR_LDT))
		snprintf(buf, size, "general protection fault (LDT selector 0x%04x: there is no LDT)",
			 tf->error & SELECTOR_MASK);
	else if (tf->vector == T_GP)
		snprintf(buf, size, "general protection fault (%s)", user_fault_gp_cause(p, tf));
	else if (tf->vector == T_X87 || tf->vector == T_SIMD)
		snprintf(buf, size, "%s (%s)", trap_name(tf->vector), user_fault_fpu_cause(tf));
	else if (tf->vector == T_DEVICE_NA)
		snprintf(buf, size, "%s (this CPU has no FPU)", trap_name(tf->vector));
	else
		snprintf(buf, size, "%s", trap_name(tf->vector));
}

/* "fn+0x1c", or "?", for eip in domain d's program. */
static void user_fault_where(const struct domain *d, uint32_t eip, char *buf, int size)
{
	uint32_t offset;
	const char *fn = usym_lookup(d->program, eip, &offset);

	if (fn)
		snprintf(buf, size, "%s+0x%x", fn, offset);
	else
		strlcpy(buf, "?", size);
}

/* The fault in tf, in domain d, as a report says it: "page fault writing
 * 0x00000000 (null pointer) in domain 3 (child), eip 0x40000010 (main+0x10)"
 * (the domain named only when d is not the process's home). */
static void user_fault_say(struct proc *p, const struct domain *d, const struct trapframe *tf, char *buf, int size)
{
	char what[FAULT_WHAT_MAX], where[FAULT_WHAT_MAX], in[FAULT_WHAT_MAX] = "";

	user_fault_describe(p, tf, what, sizeof(what));
	user_fault_where(d, tf->eip, where, sizeof(where));
	if (d != p->inv[0].dom)
		snprintf(in, sizeof(in), " in domain %d (%s)", dom_id(d), d->name);
	snprintf(buf, size, "%s%s, eip 0x%08x (%s)", what, in, tf->eip, where);
}

/* The domain the thread faulted in, which is not its home, dies with one
 * line ending in why: its caller's dom_call returns -E_DEAD. */
static struct trapframe *user_fault_domain_dies(struct trapframe *tf, const char *why)
{
	struct proc *p = current_proc;
	struct domain *d = dom_current(p);
	char fault[3 * FAULT_WHAT_MAX];

	user_fault_say(p, d, tf, fault, sizeof(fault));
	printf("pid %d (%s): %s: domain destroyed%s\n", p->pid, p->name, fault, why);
	dom_destroy_tree(d);
	return tf;
}

struct trapframe *user_fault_in_domain(struct trapframe *tf)
{
	return user_fault_domain_dies(tf, "");
}

/* Whether p faulted in its home domain: at level 0, or in the home's own
 * fault handler (lab 7) above a call or a fault. A home dies only with its
 * process, so such a fault ends the process. */
static int user_fault_at_home(const struct proc *p)
{
	return dom_current(p) == p->inv[0].dom;
}

/* The process dies of the fault in tf, at home, with one line ending in
 * why. */
static void user_fault_process_dies(struct trapframe *tf, const char *why)
{
	struct proc *p = current_proc;
	char fault[3 * FAULT_WHAT_MAX];

	user_fault_say(p, dom_current(p), tf, fault, sizeof(fault));
	printf("pid %d (%s): killed by %s%s\n", p->pid, p->name, fault, why);
	uproc_exit(WAIT_KILLED | (int)tf->vector);
}

/* A handler said fault_resume(FAULT_KILL): the faulting domain dies, a
 * home with its process. */
static struct trapframe *user_fault_killed_by_handler(struct trapframe *tf, const struct domain *h)
{
	char why[FAULT_WHAT_MAX];

	snprintf(why, sizeof(why), ": its handler in domain %d (%s) said kill", dom_id(h), h->name);
	if (user_fault_at_home(current_proc))
		user_fault_process_dies(tf, why);
	return user_fault_domain_dies(tf, why);
}

/* The loop detector fired: the handler's domain h dies (a home: its
 * process), and with it what it manages, the faulting domain included. */
static struct trapframe *user_fault_loop(struct trapframe *tf, struct domain *h)
{
	struct proc *p = current_proc;
	char fault[3 * FAULT_WHAT_MAX];

	user_fault_say(p, dom_current(p), tf, fault, sizeof(fault));
	printf("pid %d (%s): fault loop: %s, %d times in a row from the same registers: "
	       "handler domain %d (%s) %s\n", p->pid, p->name, fault, FAULT_LOOP_LIMIT,
	       dom_id(h), h->name, h->home_of ? "killed" : "destroyed");
	if (h->home_of)
		uproc_exit(WAIT_KILLED | (int)tf->vector);
	dom_destroy_tree(h);
	return tf;
}

/* No handler takes the fault: lab 4's and lab 6's ending. */
static struct trapframe *user_fault_unhandled(struct trapframe *tf)
{
	if (!user_fault_at_home(current_proc))
		return user_fault_in_domain(tf);
	user_fault(tf);
}

struct trapframe *user_fault_end(const struct fault_outcome *end)
{
	switch (end->verdict) {
	case FAULT_KILLED:
		return user_fault_killed_by_handler(end->frame, end->handler);
	case FAULT_LOOPING:
		return user_fault_loop(end->frame, end->handler);
	case FAULT_UNHANDLED:
		return user_fault_unhandled(end->frame);
	case FAULT_REFUSED:
		break;
	}
	panic("user_fault_end: verdict %d has no frame to resume", (int)end->verdict);
}

void user_fault_vm86(const struct trapframe *tf)
{
	struct proc *p = current_proc;

	printf("pid %d (%s): killed by general protection fault (virtual-8086 mode, entered "
	       "by an iret with EFLAGS.VM set; %s at cs:ip %04x:%04x), eip 0x%08x (?)\n",
	       p->pid, p->name, trap_name(tf->vector), tf->cs & 0xFFFF, tf->eip & 0xFFFF, tf->eip);
	uproc_exit(WAIT_KILLED | T_GP);
}

#if LAB_SOLUTION(4)
void user_fault(struct trapframe *tf)
{
	struct proc *p = current_proc;
	char what[FAULT_WHAT_MAX];
	uint32_t offset;

	user_fault_describe(p, tf, what, sizeof(what));
	const char *fn = usym_lookup(p->program, tf->eip, &offset);
	if (fn)
		printf("pid %d (%s): killed by %s, eip 0x%08x (%s+0x%x)\n", p->pid, p->name, what, tf->eip, fn, offset);
	else
		printf("pid %d (%s): killed by %s, eip 0x%08x (?)\n", p->pid, p->name, what, tf->eip);
	uproc_exit(WAIT_KILLED | (int)tf->vector);
}
#else
void user_fault(struct trapframe *tf)
{
	panic_trap(tf);         /* the whole kernel stops, not only the process */
}
#endif
