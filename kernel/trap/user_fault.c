/*
 * user_fault.c - exceptions raised by user code. Each one kills only the
 * process that raised it, printing exactly one line:
 *
 *   pid 7 (faults): killed by page fault writing 0x00100000 (kernel memory), eip 0x40000046 (write_kernel+0x6)
 *
 * The parent's wait() then returns WAIT_KILLED | vector (abi.h). A general
 * protection fault is explained from the instruction that raised it (cli,
 * hlt, in/out, int, iret, a far jump), read from the process's own text.
 */
#include "trap/user_fault.h"
#include "trap/trap.h"
#include "console/console.h"
#include "cpu/x86.h"
#include "debug/panic.h"
#include "debug/usym.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/uproc.h"
#include "abi.h"
#include "lab.h"
#include "format.h"

#define FAULT_WHAT_MAX 96
#define GP_ERROR_IDT   0x2      /* the error code names an IDT entry */
#define GP_INDEX(e)    ((e) >> 3)

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

static const char *user_fault_gp_cause(struct proc *p, const struct trapframe *tf)
{
	uint8_t opcode;

	if (copyin(p->pgdir, &opcode, tf->eip, 1) < 0)
		return "at an unreadable eip";
	for (unsigned i = 0; i < sizeof(privileged_opcodes) / sizeof(privileged_opcodes[0]); i++)
		if (privileged_opcodes[i].opcode == opcode)
			return privileged_opcodes[i].what;
	return "a protection violation";
}

/* "page fault writing 0x... (why)"; a fault on the guard page below the
 * stack is a stack overflow. */
static void user_fault_describe_page_fault(const struct trapframe *tf, char *buf, int size)
{
	uint32_t addr = read_cr2();
	const char *access = (tf->error & PF_WRITE) ? "writing" : "reading";
	const char *why = addr < PAGE_SIZE ? "null pointer"
		: addr < USER_BASE || addr >= USER_TOP ? "kernel memory"
		: addr >= USER_STACK_GUARD && addr < USER_STACK_BOTTOM ? "stack overflow: stack guard page"
		: (tf->error & PF_PRESENT) ? "read-only page" : "unmapped";

	snprintf(buf, size, "page fault %s 0x%08x (%s)", access, addr, why);
}

static void user_fault_describe(struct proc *p, const struct trapframe *tf, char *buf, int size)
{
	if (tf->vector == T_PAGE_FAULT)
		user_fault_describe_page_fault(tf, buf, size);
	else if (tf->vector == T_GP && (tf->error & GP_ERROR_IDT))
		snprintf(buf, size, "general protection fault (int $%u: not a system call gate)",
			 GP_INDEX(tf->error));
	else if (tf->vector == T_GP)
		snprintf(buf, size, "general protection fault (%s)", user_fault_gp_cause(p, tf));
	else
		snprintf(buf, size, "%s", trap_name(tf->vector));
}

void user_fault(struct trapframe *tf)
{
	struct proc *p = current_proc;
	char what[FAULT_WHAT_MAX];
	uint32_t offset;

#if LAB_SOLUTION(4)
	user_fault_describe(p, tf, what, sizeof(what));
	const char *fn = usym_lookup(p->program, tf->eip, &offset);
	if (fn)
		printf("pid %d (%s): killed by %s, eip 0x%08x (%s+0x%x)\n", p->pid, p->name, what, tf->eip, fn, offset);
	else
		printf("pid %d (%s): killed by %s, eip 0x%08x (?)\n", p->pid, p->name, what, tf->eip);
	uproc_exit(WAIT_KILLED | (int)tf->vector);
#else
	(void)p, (void)what, (void)offset, (void)user_fault_describe;
	panic_trap(tf);     /* LAB 4: kill only the process instead */
#endif
}
