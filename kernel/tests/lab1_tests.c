/*
 * lab1_tests.c - kernel tests for lab 1: booting, the console, printf, the
 * timer, panics, exceptions and backtraces. Each prints what it computed;
 * the grader (grader/test_lab1_*.py) checks it against values it chose.
 */
#include <stdint.h>
#include "boot/ktest.h"
#include "boot/cmdline.h"
#include "console/console.h"
#include "cpu/x86.h"
#include "debug/backtrace.h"
#include "debug/panic.h"
#include "proc/timer.h"
#include "string.h"

#define TIMER_TEST_TICKS   10
#define PRINTF_TEST_VALUES 8
#define BT_MIN_DEPTH       2
#define BT_DEPTH_RANGE     6
#define UNMAPPED_TEST_BASE 0xE0000000u   /* above the direct map, below nothing */
#define UNMAPPED_TEST_SPAN 0x00100000u
#define BTCHAIN_MIN_RECORDS 1
#define BTCHAIN_RECORD_RANGE 8
#define BTCHAIN_MAX_RECORDS (BACKTRACE_MAX_FRAMES + BTCHAIN_RECORD_RANGE + 1)
#define BTCHAIN_TAIL_WORDS  4     /* records past the chain's end, never to be walked */

KTEST(boot, "boot, print the banner, shut down cleanly")
{
	printf("boot: hello from pid 0\n");
}

KTEST(args, "print init's arguments from the command line")
{
	printf("args: argc=%d\n", boot_config.argc);
	for (int i = 0; i < boot_config.argc; i++)
		printf("args: argv[%d]='%s'\n", i, boot_config.argv[i]);
}

/* Formatted output of values that follow from seed=; the grader formats the
 * same values in Python and compares. */
KTEST(printf, "format seed-derived values with every conversion")
{
	unsigned int state = boot_config.seed;

	for (int i = 0; i < PRINTF_TEST_VALUES; i++) {
		unsigned int u = ktest_random(&state);
		int d = (int)ktest_random(&state);
		printf("printf: [%d] [%i] [%u] [%x] [%X] [%08x] [%-6d|] [%6u] [%c] [%s] [%%]\n",
		       d, d / 7, u, u, u, u >> 12, d % 1000, u % 100000, 'a' + (int)(u % 26),
		       (u & 1) ? "odd" : "even");
		printf("printf: [%ld] [%lu] [%llu] [%p]\n", (long)d, (unsigned long)u,
		       (unsigned long long)u * u, (void *)(uintptr_t)u);
	}
}

/* Wait for a tick boundary, then count instructions (rdtsc under icount)
 * across TIMER_TEST_TICKS ticks. */
KTEST(timer, "measure instructions per timer tick")
{
	uint32_t start = timer_ticks;
	while (timer_ticks == start)
		hlt();
	uint64_t t0 = rdtsc();
	start = timer_ticks;
	while (timer_ticks - start < TIMER_TEST_TICKS)
		hlt();
	uint64_t t1 = rdtsc();
	printf("timer: hz=%u, %u ticks took %llu instructions\n", timer_hz, TIMER_TEST_TICKS, t1 - t0);
}

/* Two mutually recursive functions: the chain's shape follows from seed=. */
static void bt_ping(int depth) __attribute__((noinline));
static void bt_pong(int depth) __attribute__((noinline));

static void bt_leaf(void) __attribute__((noinline));
static void bt_leaf(void)
{
	printf("backtrace test: walking from bt_leaf\n");
	backtrace_print(0, read_ebp());
}

static void bt_ping(int depth)
{
	if (depth == 0)
		bt_leaf();
	else
		bt_pong(depth - 1);
	__asm__ volatile("" ::: "memory");   /* not a tail call */
}

static void bt_pong(int depth)
{
	if (depth == 0)
		bt_leaf();
	else
		bt_ping(depth - 1);
	__asm__ volatile("" ::: "memory");
}

KTEST(backtrace, "print the backtrace of a seed-chosen call chain")
{
	int depth = BT_MIN_DEPTH + (int)(boot_config.seed % BT_DEPTH_RANGE);
	printf("backtrace test: depth %d\n", depth);
	bt_ping(depth);
}

/*
 * A made-up frame chain on this stack, in records[], walked by
 * backtrace_print: its return addresses follow from seed=, and argv[1]
 * names how it ends (the grader expects exactly the records before the end):
 *   null       the last record's saved ebp is 0, as _start's is
 *   loop       it points back at the first record (a chain that loops)
 *   self       it points at itself
 *   unmapped   it points at an unmapped address above the stack; and
 *              first, a walk starts at such an address (a record that
 *              is bad from the start), which must print no frame
 *   misaligned it points one byte into the next record
 *   zero       the next record's return address is 0 (a thread's bootstrap)
 *   deep       null, after more records than a backtrace shows
 * Every end but null is followed by records of junk return addresses that a
 * walk which misses the end would print.
 */
KTEST(btchain, "walk a made-up frame chain that ends as argv[1] says")
{
	static const char *const ends[] = {
		"null", "loop", "self", "unmapped", "misaligned", "zero", "deep",
	};
	uint32_t records[2 * (BTCHAIN_MAX_RECORDS + BTCHAIN_TAIL_WORDS)];
	unsigned int state = boot_config.seed;
	const char *end = boot_config.argc > 1 ? boot_config.argv[1] : "null";
	int known = 0;

	for (unsigned int i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		known |= strcmp(end, ends[i]) == 0;
	if (!known) {
		printf("btchain: unknown end '%s'\n", end);
		return;
	}
	int n = BTCHAIN_MIN_RECORDS + (int)(boot_config.seed % BTCHAIN_RECORD_RANGE);
	if (strcmp(end, "deep") == 0)
		n += BACKTRACE_MAX_FRAMES;
	/* Each record's saved ebp is the next record, above it, as on a real stack. */
	int total = n + BTCHAIN_TAIL_WORDS;
	for (int i = 0; i < total; i++) {
		records[2 * i] = (uint32_t)&records[2 * (i + 1)];
		records[2 * i + 1] = ktest_random(&state) | 1;
	}
	records[2 * (total - 1)] = 0;
	uint32_t *last = &records[2 * (n - 1)];
	if (strcmp(end, "null") == 0 || strcmp(end, "deep") == 0)
		last[0] = 0;
	else if (strcmp(end, "loop") == 0)
		last[0] = (uint32_t)&records[0];
	else if (strcmp(end, "self") == 0)
		last[0] = (uint32_t)last;
	else if (strcmp(end, "unmapped") == 0)
		last[0] = UNMAPPED_TEST_BASE + (boot_config.seed % UNMAPPED_TEST_SPAN) * sizeof(uint32_t);
	else if (strcmp(end, "misaligned") == 0)
		last[0] += 1;
	else            /* zero: the record after the last one */
		last[3] = 0;
	printf("btchain: %d records, ending '%s'\n", n, end);
	if (strcmp(end, "unmapped") == 0) {
		printf("btchain: a walk from the unmapped record 0x%08x\n", last[0]);
		backtrace_print(0, last[0]);
		printf("btchain: the walk from 0x%08x came back\n", last[0]);
	}
	backtrace_print(0, (uint32_t)&records[0]);
	printf("btchain: done\n");
}

KTEST(panic, "panic with a seed-derived message")
{
	panic("test panic, seed %u", boot_config.seed);
}

KTEST(pagefault, "read a seed-chosen unmapped kernel address")
{
	uint32_t addr = UNMAPPED_TEST_BASE + (boot_config.seed % UNMAPPED_TEST_SPAN) * sizeof(uint32_t);
	printf("pagefault: reading 0x%08x\n", addr);
	printf("pagefault: read %u (should not get here)\n", *(volatile uint32_t *)addr);
}

KTEST(nullwrite, "write through a null pointer")
{
	*(volatile uint32_t *)(uintptr_t)(boot_config.seed % 64 * 4) = 1;
}

KTEST(divzero, "divide by a zero the compiler cannot see")
{
	volatile unsigned int zero = boot_config.seed * 0;
	printf("divzero: %u\n", 1000u / zero);
}

KTEST(textwrite, "write to the kernel's read-only text")
{
	volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)ktest_find;
	*code = 0xCC;
}

/* Load an empty IDT and trap: no gate for the exception, none for the
 * double fault it becomes, so the CPU resets. The grader explains it. */
KTEST(triplefault, "cause a triple fault on purpose")
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	printf("triplefault: loading an empty IDT and executing ud2\n");
	__asm__ volatile("lidt %0\n\tud2" : : "m"(empty_idt));
}

KTEST(hang, "stop forever with interrupts off")
{
	printf("hang: cli; hlt\n");
	for (;;) {
		cli();
		hlt();
	}
}
