/*
 * sys_dom.c - the system calls about domains and capabilities (lab 6):
 * each reads its arguments and calls into dom/. A slot argument names a
 * slot of the capability table of the domain the thread is in now.
 * dom_call and dom_return are not here: they are gates of their own
 * (dom/call.c), registered by syscall_init.
 */
#include "syscall/syscall.h"
#include "dom/dom.h"
#include "mm/vm.h"
#include "cpu/x86.h"
#include "trap/user_fault.h"
#include "uproc/uproc.h"

/* The caller's current domain: a capability system call acts on its table. */
static struct domain *sys_dom_here(void)
{
	return dom_current(current_proc);
}

struct trapframe *sys_dom_create(struct trapframe *tf)
{
	char path[DOM_NAME_MAX];
	int err = copyinstr(current_proc->pgdir, path, SYSCALL_ARG1(tf), sizeof(path));

	if (err == -E_2BIG)
		err = -E_NOENT;         /* longer than any program's name */
	if (err >= 0)
		err = dom_create(path, (int)SYSCALL_ARG2(tf));
	return syscall_return(tf, err);
}

struct trapframe *sys_dom_destroy(struct trapframe *tf)
{
	return syscall_return(tf, dom_destroy((int)SYSCALL_ARG1(tf)));
}

/* The capability calls change tables that an unwinding thread also
 * changes (from the trap return path): interrupts off around each. */
struct trapframe *sys_cap_grant(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = cap_grant(sys_dom_here(), (int)SYSCALL_ARG1(tf), (int)SYSCALL_ARG2(tf),
			       SYSCALL_ARG3(tf), SYSCALL_ARG4(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}

struct trapframe *sys_cap_revoke(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = cap_revoke(sys_dom_here(), (int)SYSCALL_ARG1(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}

struct trapframe *sys_cap_delete(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = cap_delete(sys_dom_here(), (int)SYSCALL_ARG1(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}

/* cap_narrow(slot, first, last): lab 8's narrower copies of the root
 * authority, to grant. */
struct trapframe *sys_cap_narrow(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = cap_narrow(sys_dom_here(), (int)SYSCALL_ARG1(tf), SYSCALL_ARG2(tf),
				SYSCALL_ARG3(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}

/* cap_info(slot, info): an empty slot in range is reported (type
 * CAP_EMPTY), so a tool can list a whole table; out of range is -E_BADCAP. */
struct trapframe *sys_cap_info(struct trapframe *tf)
{
	int slot = (int)SYSCALL_ARG1(tf);
	struct cap_info info;

	if ((uint32_t)slot >= NCAP)
		return syscall_return(tf, -E_BADCAP);
	uint32_t flags = irq_save();
	cap_describe(sys_dom_here(), slot, &info);
	irq_restore(flags);
	return syscall_return(tf, copyout(current_proc->pgdir, SYSCALL_ARG2(tf), &info, sizeof(info)));
}

/* ---- exception-handler domains (lab 7) ---- */

struct trapframe *sys_dom_set_handler(struct trapframe *tf)
{
	return syscall_return(tf, dom_set_handler(SYSCALL_ARG1(tf), SYSCALL_ARG2(tf)));
}

/* The fault resume gate's handler (int $53, trap_entry.S; abi.h):
 * fault_resume(action), the action in %ecx, with interrupts off. The
 * handler's level goes, so the frame to resume is another one (the
 * faulting frame, or the next handler's), or the faulting domain dies.
 * (The fault_regs gate's handler is dom/fault.c's dom_fault_regs.)
 *
 * The gate leaves without trap_return, so uproc_return_to_user's check
 * is made here, where it is known whether one is due: for a kill or a
 * dead domain pending at the int (the handler's frame goes by it, as a
 * system call's would: the process dies, or the thread unwinds), and
 * after a fault that ends in a kill. A resume or a pass needs none: it
 * kills nothing and destroys nothing, and nothing was pending. A refusal
 * neither. */
struct trapframe *sys_fault_resume(struct trapframe *tf)
{
	struct fault_outcome end;
	struct trapframe *resume;

	if (uproc_return_due(current_proc)) {
		uproc_return_to_user();
		return tf;
	}
	resume = dom_fault_resume((int)SYSCALL_ARG1(tf), tf, &end);
	if (resume)
		return resume;
	if (end.verdict == FAULT_REFUSED)
		return syscall_return(tf, -E_INVAL);
	resume = user_fault_end(&end);
	uproc_return_to_user();
	return resume;
}

struct trapframe *sys_dom_map(struct trapframe *tf)
{
	return syscall_return(tf, dom_map((int)SYSCALL_ARG1(tf), SYSCALL_ARG2(tf), (int)SYSCALL_ARG3(tf)));
}
