/*
 * main.c - kmain, the C entry point: bring the machine up layer by layer,
 * then run what the command line asks for.
 *
 * Order matters: the GDT before anything that traps; the console before
 * anything that prints; the command line is copied before the frame
 * allocator may hand out the memory the loader left it in; the CPU's
 * features once a trap can be reported; paging needs the frame allocator;
 * the double-fault task needs the kernel page directory; interrupts come
 * on last, when every handler is in place.
 */
#include <stdint.h>
#include "cpu/multiboot.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "fs/tty.h"
#include "trap/pic.h"
#include "cpu/cpu.h"
#include "cpu/gdt.h"
#include "debug/power.h"
#include "cpu/x86.h"
#include "boot/kmon.h"
#include "debug/panic.h"
#include "dom/dom.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "uproc/exec.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "uproc/procdump.h"
#include "proc/proc_fpu.h"
#include "proc/sched.h"
#include "uproc/uproc.h"
#include "syscall/syscall.h"
#include "boot/ktest.h"
#include "proc/timer.h"
#include "proc/trace.h"
#include "trap/trap.h"
#include "irq/irq.h"
#include "string.h"
#include "lab.h"

static const char *multiboot_cmdline(uint32_t magic, const struct multiboot_info *mbi)
{
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("kmain: not started by a multiboot loader (eax=0x%08x)", magic);
	if (!(mbi->flags & MULTIBOOT_INFO_CMDLINE))
		return "";
	return (const char *)mbi->cmdline;
}

/* What a run of user programs holds, for the leak check. */
struct usage {
	uint32_t free_frames;
	int used_slots;         /* process table entries in use */
};

static struct usage usage_now(void)
{
	return (struct usage){ frame_free_count(), proc_slots_used() };
}

/* The leak check, in one line the grader reads (test161 style): what was
 * free and in use when the kernel was ready, before init existed, and after
 * init was reaped. Once init is gone every user process is gone too (the
 * test programs wait for their children; an orphan would show here), and
 * everything a process holds is freed by its exit and its reaping, so the
 * two must be equal. The low-water mark proves that the frames compared
 * were counted at all: init alone takes some, so it is below the baseline. */
static void report_usage(const struct usage *ready)
{
	struct usage end = usage_now();

	printf("beta86: leak check: free frames %u at ready, %u at the lowest, %u at the end; "
	       "process slots in use %d at ready, %d at the end\n", ready->free_frames,
	       frame_low_water(), end.free_frames, ready->used_slots, end.used_slots);
}

/* Start user program init (pid 1) with the command line's words as its
 * arguments, wait for it to exit, report the leak check and shut down:
 * cleanly iff init exited with status 0. init runs the named program, or
 * the shell. */
static void run_user_init(void) __attribute__((noreturn));
static void run_user_init(void)
{
	struct usage ready = usage_now();
	frame_low_water_reset();
	struct exec_args *args = (struct exec_args *)frame_alloc();
	int err = args ? exec_args_add(args, "init") : -E_NOMEM;

	for (int i = 0; err == 0 && i < boot_config.argc; i++)
		err = exec_args_add(args, boot_config.argv[i]);
	struct proc *init = err == 0 ? uproc_start_init(args, &err) : 0;
	if (args)
		frame_free((uint32_t)args);
	if (!init) {
		printf("beta86: cannot start user program init (error %d)\n", err);
		shutdown(0);
	}
	int status = proc_join(init);
	if (WIFKILLED(status))
		printf("beta86: init killed by %s\n", trap_name((uint32_t)WKILLCAUSE(status)));
	else
		printf("beta86: init exited with status %d\n", WEXITSTATUS(status));
	report_usage(&ready);
	shutdown(status == 0);
}

/*
 * The last lab whose code the shell needs: it forks and pipes (lab 5),
 * in user mode through system calls (lab 4), blocking and preempted
 * (labs 3 and 2). A tree where that lab is done boots the shell when the
 * command line names no init; any other tree boots the kernel monitor,
 * which needs no lab's code (lib/lab.h: LAB_SOLUTION).
 */
#define SHELL_NEEDS_LAB 5

/* Without init=, a tree whose labs cannot run the shell yet boots the
 * monitor, as init=kmon would: user init is left for a tree that can. */
static void choose_default_init(void)
{
	if (boot_config.init || LAB_SOLUTION(SHELL_NEEDS_LAB))
		return;
	boot_config.init = KMON_INIT_NAME;
	boot_config.argv[0] = KMON_INIT_NAME;
	boot_config.argc = 1;
}

static int init_is_kmon(void)
{
	return boot_config.init && strcmp(boot_config.init, KMON_INIT_NAME) == 0;
}

/* Run what the command line names: a kernel test, the kernel monitor
 * (init=kmon), or else the user program init. The monitor returns when
 * its `run` command has put another init into boot_config, which then
 * runs as if the command line had named it. noinline keeps this a frame
 * of its own in backtraces. */
static void run_init(void) __attribute__((noinline, noreturn));
static void run_init(void)
{
	while (init_is_kmon())
		kmon_run();
	const struct ktest *t = boot_config.init ? ktest_find(boot_config.init) : 0;

	if (t) {
		t->run();
		shutdown(1);
	}
	run_user_init();
}

void kmain(uint32_t magic, const struct multiboot_info *mbi)
{
	gdt_init();
	console_init();
	const char *cmdline = multiboot_cmdline(magic, mbi);
	printf("beta86: booting (cmdline: '%s')\n", cmdline);
	cmdline_parse(cmdline);
	choose_default_init();

	trap_init();
	cpu_init();
	char features[CPU_DESCRIPTION_MAX];
	cpu_describe(features, sizeof(features));
	printf("cpu: %s\n", features);
	frame_init(mbi);
	frame_set_poisoning(boot_config.poison);
	paging_init();
	double_fault_init();
	proc_init();
	trace_init(boot_config.trace, boot_config.trace_dump);
	trace_domain_id = dom_trace_id;
	shutdown_hook = trace_at_shutdown;
	sched_init(boot_config.quantum);
	timer_init(boot_config.hz);
	trap_register_irq(IRQ_TIMER, timer_intr);
	syscall_init();
	trap_register_irq(IRQ_COM1, tty_serial_intr);
	trap_register_irq(IRQ_KEYBOARD, tty_keyboard_intr);
	tty_set_ctrl_p(proc_dump);
	irq_init(&(struct irq_config){
		.vtimer_period = boot_config.vtimer_period, .rtc_hz = boot_config.rtc_hz,
		.inject_line = boot_config.inject_line, .inject_count = boot_config.inject_count,
		.inject_rate = boot_config.inject_rate,
	});
	sti();

	printf("beta86: ready after %llu instructions (hz=%u quantum=%u seed=%u init=%s, %u free frames)\n",
	       rdtsc(), boot_config.hz, boot_config.quantum, boot_config.seed,
	       boot_config.init ? boot_config.init : "sh", frame_free_count());
	run_init();
}
