/*
 * sys_irq.c - the system calls of interrupt forwarding (lab 8): each reads
 * its arguments and calls into irq/. A slot names a slot of the table of
 * the domain the thread is in now. irq_wait and irq_ack are not here:
 * they are gates of their own (irq/irq.c), which irq_init registers.
 *
 * Lines and capability tables change in interrupt handlers and on the
 * trap return path (an unwinding thread): interrupts off around each
 * call.
 */
#include "syscall/syscall.h"
#include "irq/irq.h"
#include "dom/dom.h"
#include "mm/vm.h"
#include "cpu/x86.h"

static struct domain *sys_irq_dom(void)
{
	return dom_current(current_proc);
}

struct trapframe *sys_irq_get(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = irq_get(sys_irq_dom(), (int)SYSCALL_ARG1(tf), (int)SYSCALL_ARG2(tf),
			     (int)SYSCALL_ARG3(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}

struct trapframe *sys_irq_info(struct trapframe *tf)
{
	struct irq_info info;
	uint32_t flags = irq_save();
	int err = irq_info(sys_irq_dom(), (int)SYSCALL_ARG1(tf), &info);

	irq_restore(flags);
	if (err == 0)
		err = copyout(current_proc->pgdir, SYSCALL_ARG2(tf), &info, sizeof(info));
	return syscall_return(tf, err);
}

struct trapframe *sys_io_in(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = io_in(sys_irq_dom(), (int)SYSCALL_ARG1(tf), SYSCALL_ARG2(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}

struct trapframe *sys_io_out(struct trapframe *tf)
{
	uint32_t flags = irq_save();
	int result = io_out(sys_irq_dom(), (int)SYSCALL_ARG1(tf), SYSCALL_ARG2(tf), SYSCALL_ARG3(tf));

	irq_restore(flags);
	return syscall_return(tf, result);
}
