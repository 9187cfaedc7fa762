/*
 * kmon.c - the kernel monitor.
 *
 * Reads a line at the prompt "kmon> ", splits it into words and runs the
 * command named by the first word. Commands are for looking around a live
 * kernel: the process table, the tick count, a backtrace, the kernel tests,
 * and halting the machine; `run` leaves the monitor for a kernel test or a
 * user program. It needs no lab's code, so it is what a handout tree boots
 * until the shell can run (kernel/boot/main.c), and it greets the student
 * with what this lab's tree can show.
 */
#include "boot/kmon.h"
#include "boot/cmdline.h"
#include "debug/backtrace.h"
#include "console/console.h"
#include "fs/ramdisk.h"
#include "fs/tty.h"
#include "debug/power.h"
#include "cpu/x86.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "proc/proc.h"
#include "uproc/procdump.h"
#include "boot/ktest.h"
#include "proc/timer.h"
#include "string.h"
#include "lab.h"

#define KMON_LINE_MAX  128
#define KMON_MAX_WORDS 8

struct kmon_command {
	const char *name;
	const char *help;
	void (*run)(int argc, char **argv);
};

static void kmon_help(int argc, char **argv);

static void kmon_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
}

static void kmon_ticks(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("%u ticks at %u Hz\n", timer_ticks, timer_hz);
}

static void kmon_mem(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("%u free frames (%u KiB)\n", frame_free_count(), frame_free_count() * (PAGE_SIZE / 1024));
}

static void kmon_backtrace(int argc, char **argv)
{
	(void)argc, (void)argv;
	backtrace_print(0, read_ebp());
}

static void kmon_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	proc_dump(0);
}

static void kmon_tests(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("kernel tests (boot with init=NAME):\n");
	ktest_list();
}

static void kmon_halt(int argc, char **argv)
{
	(void)argc, (void)argv;
	shutdown(1);
}

/* Set when `run` has put its program into boot_config: kmon_run returns. */
static int kmon_leaving;
/* The words of `run`'s line outlive the monitor: boot_config points here. */
static char kmon_run_line[KMON_LINE_MAX];

/* run NAME [ARGS...]: leave the monitor and run NAME as the command line
 * init=NAME ARGS... would have (the kernel's keys stay this boot's). */
static void kmon_run_command(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: run NAME [ARGS...] (a kernel test, see 'tests', or a user program)\n");
		return;
	}
	if (!ktest_find(argv[1]) && !ramdisk_find(argv[1]) && strcmp(argv[1], KMON_INIT_NAME) != 0) {
		printf("kmon: no kernel test or user program is called '%s' (try 'tests')\n", argv[1]);
		return;
	}
	char *copy = kmon_run_line;
	boot_config.argc = 0;
	for (int i = 1; i < argc && boot_config.argc < CMDLINE_MAX_ARGS; i++) {
		size_t length = strlen(argv[i]);
		memcpy(copy, argv[i], length + 1);
		boot_config.argv[boot_config.argc++] = copy;
		copy += length + 1;
	}
	boot_config.argv[boot_config.argc] = 0;
	boot_config.init = boot_config.argv[0];
	kmon_leaving = 1;
}

static const struct kmon_command kmon_commands[] = {
	{ "help", "list the commands", kmon_help },
	{ "echo", "print the words that follow", kmon_echo },
	{ "ticks", "timer ticks since boot", kmon_ticks },
	{ "mem", "free physical memory", kmon_mem },
	{ "backtrace", "the monitor's own call chain", kmon_backtrace },
	{ "ps", "the process table (also Ctrl-P)", kmon_ps },
	{ "tests", "the kernel tests init= can run", kmon_tests },
	{ "run", "run NAME [ARGS]: a kernel test or user program, as init=NAME", kmon_run_command },
	{ "halt", "shut the machine down", kmon_halt },
};
#define KMON_NCOMMANDS (sizeof(kmon_commands) / sizeof(kmon_commands[0]))

static void kmon_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (unsigned int i = 0; i < KMON_NCOMMANDS; i++)
		printf("  %-10s %s\n", kmon_commands[i].name, kmon_commands[i].help);
}

/* Split line into words in place; return how many. */
static int kmon_split(char *line, char **words)
{
	int n = 0;

	while (*line && n < KMON_MAX_WORDS) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		words[n++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	*line = '\0';          /* more than KMON_MAX_WORDS: the rest is dropped */
	return n;
}

static void kmon_execute(char *line)
{
	char *words[KMON_MAX_WORDS];
	int n = kmon_split(line, words);

	if (n == 0)
		return;
	for (unsigned int i = 0; i < KMON_NCOMMANDS; i++) {
		if (strcmp(words[0], kmon_commands[i].name) == 0) {
			kmon_commands[i].run(n, words);
			return;
		}
	}
	printf("kmon: unknown command '%s' (try 'help')\n", words[0]);
}

/*
 * What the monitor of lab N's tree (LAB_TREE) shows first: the student's
 * part of that lab, and the commands that show it at work. Index 0 is
 * main, where every lab is done. A later lab without a note of its own
 * gets none: its tree boots the shell.
 */
static const char *const kmon_lab_notes[] = {
	[LAB_TREE_MAIN] =
		"every lab is done: 'run sh' starts the shell (what make qemu boots)",
	[1] =
		"lab 1 tree: your part is backtrace_walk (kernel/debug/backtrace.c).\n"
		"Try 'backtrace', 'run backtrace', 'run panic', 'run btchain loop'; 'tests' lists all.",
	[2] =
		"lab 2 tree: your part is setctx/resctx (kernel/proc/kctx.S) and starting a thread.\n"
		"Try 'run setctx', 'run pingpong', 'run exit', 'run overflow'; 'tests' lists all.",
	[3] =
		"lab 3 tree: your part is saving and restoring a preempted thread (kernel/proc/sched.c).\n"
		"Try 'run spin', 'run race', 'run nap' (boot with APPEND=\"hz=10000 init=kmon\" for more ticks).",
	[4] =
		"lab 4 tree: your part is syscall_dispatch, uaccess_ok and user_fault.\n"
		"Try 'run echo hi', 'run usertests syscalls 7 hello', 'run faults solo null'.",
	[5] =
		"lab 5 tree: your part is vm_copy (for fork), sbrk and pipes; the shell needs them.\n"
		"Try 'run usertests proc 7', 'run usertests pipe 7', then 'run sh'.",
};
#define KMON_NNOTES (sizeof(kmon_lab_notes) / sizeof(kmon_lab_notes[0]))

static void kmon_greet(void)
{
	printf("beta86 kernel monitor: type 'help' for commands\n");
	if (LAB_TREE < KMON_NNOTES && kmon_lab_notes[LAB_TREE])
		printf("%s\n", kmon_lab_notes[LAB_TREE]);
	if (LAB_TREE != LAB_TREE_MAIN)
		printf("'run NAME' ends in a shutdown, as init=NAME does; make grade LAB=%d grades the lab.\n",
		       LAB_TREE);
}

void kmon_run(void)
{
	char line[KMON_LINE_MAX];

	kmon_greet();
	kmon_leaving = 0;
	while (!kmon_leaving) {
		printf("kmon> ");
		tty_readline(line, sizeof(line));
		kmon_execute(line);
	}
}
