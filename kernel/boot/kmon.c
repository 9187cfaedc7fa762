/*
 * kmon.c - the kernel monitor.
 *
 * Reads a line at the prompt "kmon> ", splits it into words and runs the
 * command named by the first word. Commands are for looking around a live
 * kernel: the process table, the tick count, a backtrace, the kernel tests,
 * and halting the machine.
 */
#include "boot/kmon.h"
#include "debug/backtrace.h"
#include "console/console.h"
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

static const struct kmon_command kmon_commands[] = {
	{ "help", "list the commands", kmon_help },
	{ "echo", "print the words that follow", kmon_echo },
	{ "ticks", "timer ticks since boot", kmon_ticks },
	{ "mem", "free physical memory", kmon_mem },
	{ "backtrace", "the monitor's own call chain", kmon_backtrace },
	{ "ps", "the process table (also Ctrl-P)", kmon_ps },
	{ "tests", "the kernel tests init= can run", kmon_tests },
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

void kmon_run(void)
{
	char line[KMON_LINE_MAX];

	printf("beta86 kernel monitor: type 'help' for commands\n");
	for (;;) {
		printf("kmon> ");
		tty_readline(line, sizeof(line));
		kmon_execute(line);
	}
}
