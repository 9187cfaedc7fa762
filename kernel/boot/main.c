/*
 * main.c - kmain, the C entry point: bring the machine up layer by layer,
 * then run what the command line asks for.
 *
 * Order matters: the GDT before anything that traps; the console before
 * anything that prints; the command line is copied before the frame
 * allocator may hand out the memory the loader left it in; paging needs the
 * frame allocator; the double-fault task needs the kernel page directory;
 * interrupts come on last, when every handler is in place.
 */
#include <stdint.h>
#include "boot/multiboot.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "console/keyboard.h"
#include "console/serial.h"
#include "cpu/gdt.h"
#include "cpu/power.h"
#include "cpu/x86.h"
#include "debug/kmon.h"
#include "debug/panic.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "tests/ktest.h"
#include "trap/pic.h"
#include "trap/timer.h"
#include "trap/trap.h"

static const char *multiboot_cmdline(uint32_t magic, const struct multiboot_info *mbi)
{
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("kmain: not started by a multiboot loader (eax=0x%08x)", magic);
	if (!(mbi->flags & MULTIBOOT_INFO_CMDLINE))
		return "";
	return (const char *)mbi->cmdline;
}

TRAP_HANDLER static void serial_irq(struct trapframe *tf)
{
	(void)tf;
	serial_intr();
}

/* Run the program the command line names: a kernel test, for now.
 * noinline keeps it a frame of its own in backtraces. */
static void run_init(void) __attribute__((noinline));
static void run_init(void)
{
	const struct ktest *t = ktest_find(boot_config.init);

	if (!t) {
		printf("init: no kernel test named '%s'; kernel tests are:\n", boot_config.init);
		ktest_list();
		shutdown(0);
	}
	t->run();
	shutdown(1);
}

void kmain(uint32_t magic, const struct multiboot_info *mbi)
{
	gdt_init();
	console_init();
	const char *cmdline = multiboot_cmdline(magic, mbi);
	printf("beta86: booting (cmdline: '%s')\n", cmdline);
	cmdline_parse(cmdline);

	trap_init();
	frame_init(mbi);
	paging_init();
	double_fault_init();
	proc_init();
	sched_init(boot_config.quantum);
	timer_init(boot_config.hz);
	trap_register_irq(IRQ_COM1, serial_irq);
	keyboard_init();
	sti();

	printf("beta86: ready after %llu instructions (hz=%u quantum=%u seed=%u init=%s, %u free frames)\n",
	       rdtsc(), boot_config.hz, boot_config.quantum, boot_config.seed,
	       boot_config.init ? boot_config.init : "kmon", frame_free_count());
	if (boot_config.init)
		run_init();
	kmon_run();
}
