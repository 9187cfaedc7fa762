/*
 * cmdline.c - parsing "key=value" words from the multiboot command line.
 *
 * Multiboot loaders (QEMU, GRUB) put the kernel's own path first; that
 * first word is skipped when it has no '='. Every key is looked up in
 * cmdline_keys; a number is checked against the key's range.
 *
 * init= ends the kernel's part of the line: every word after it, with or
 * without '=', is an argument of the program (so `init=echo a=b` prints
 * a=b, and `init=echo hz=5` prints hz=5). The kernel's own keys go before
 * init=.
 */
#include <stdarg.h>
#include "boot/cmdline.h"
#include "console/console.h"
#include "proc/sched.h"
#include "proc/timer.h"
#include "proc/trace.h"
#include "irq/irq.h"
#include "format.h"
#include "string.h"

#define QUANTUM_MAX 1000
#define VTIMER_DEFAULT_PERIOD 10
#define VTIMER_MAX_PERIOD 100000
#define INJECT_MAX_COUNT  1000000
#define INJECT_MAX_RATE   1000      /* edges in one tick: the tick's handler raises them all */

struct boot_config boot_config = {
	.hz = TIMER_DEFAULT_HZ,
	.quantum = SCHED_DEFAULT_QUANTUM,
	.poison = 1,
	.trace_dump = TRACE_RING_SIZE,
	.vtimer_period = VTIMER_DEFAULT_PERIOD,
	.inject_line = IRQ_NLINES,        /* none */
	.inject_rate = 1,
};

struct cmdline_key {
	const char *name;
	unsigned int *number;     /* 0 for the string key, init */
	unsigned int min, max;
};

static const struct cmdline_key cmdline_keys[] = {
	{ "init", 0, 0, 0 },
	{ "hz", &boot_config.hz, TIMER_MIN_HZ, TIMER_MAX_HZ },
	{ "quantum", &boot_config.quantum, 1, QUANTUM_MAX },
	{ "seed", &boot_config.seed, 0, 0xFFFFFFFFu },
	{ "poison", &boot_config.poison, 0, 1 },
	{ "trace", &boot_config.trace, TRACE_OFF, TRACE_DUMP },
	{ "tracedump", &boot_config.trace_dump, 1, TRACE_RING_SIZE },
	{ "rtchz", &boot_config.rtc_hz, 0, RTC_MAX_HZ },
	{ "vtimer", &boot_config.vtimer_period, 1, VTIMER_MAX_PERIOD },
	{ "injectirq", &boot_config.inject_line, 0, IRQ_NLINES - 1 },
	{ "injectcount", &boot_config.inject_count, 0, INJECT_MAX_COUNT },
	{ "injectrate", &boot_config.inject_rate, 1, INJECT_MAX_RATE },
};
#define NKEYS (sizeof(cmdline_keys) / sizeof(cmdline_keys[0]))

static char cmdline_copy[CMDLINE_MAX];

static void cmdline_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cmdline_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("cmdline: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	boot_config.errors++;
}

/* The key a "key=value" word names (its part before '=' is key_len
 * bytes long), or 0. */
static const struct cmdline_key *cmdline_find_key(const char *word, size_t key_len)
{
	for (unsigned int i = 0; i < NKEYS; i++)
		if (strlen(cmdline_keys[i].name) == key_len &&
		    strncmp(word, cmdline_keys[i].name, key_len) == 0)
			return &cmdline_keys[i];
	return 0;
}

/* "init, hz, ...": every key's name, for an error message. */
static const char *cmdline_key_names(void)
{
	static char names[NKEYS * 14];
	size_t used = 0;

	for (unsigned int i = 0; i < NKEYS && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
					 i ? ", " : "", cmdline_keys[i].name);
	return names;
}

static void cmdline_set(const struct cmdline_key *key, const char *value)
{
	unsigned int n;

	if (!key->number) {
		boot_config.init = value;
		boot_config.argv[0] = value;
		boot_config.argc = 1;
		return;
	}
	if (parse_uint(value, &n) < 0 || n < key->min || n > key->max) {
		cmdline_error("bad value '%s' for %s (keeping the default)", value, key->name);
		return;
	}
	*key->number = n;
}

/* A word after init=: the program's, whatever it looks like. One that
 * names a kernel key is most likely meant for the kernel (the order used
 * to be free), so say where it went; it still goes to the program. */
static void cmdline_init_arg(const char *word)
{
	const char *eq = strchr(word, '=');

	if (boot_config.argc == CMDLINE_MAX_ARGS) {
		cmdline_error("too many arguments for %s: '%s' dropped", boot_config.init, word);
		return;
	}
	boot_config.argv[boot_config.argc++] = word;
	if (eq && cmdline_find_key(word, (size_t)(eq - word)))
		printf("cmdline: note: '%s' comes after init=, so it is an argument of %s "
		       "(kernel keys go before init=)\n", word, boot_config.init);
}

/* One word before init=: "key=value". */
static void cmdline_key_word(char *word)
{
	char *eq = strchr(word, '=');
	const struct cmdline_key *key;

	if (!eq) {
		cmdline_error("word '%s' is not key=value (a program's arguments follow init=NAME)",
			      word);
		return;
	}
	if (!(key = cmdline_find_key(word, (size_t)(eq - word)))) {
		*eq = '\0';
		cmdline_error("unknown key '%s' (known keys: %s)", word, cmdline_key_names());
		return;
	}
	cmdline_set(key, eq + 1);
}

void cmdline_parse(const char *cmdline)
{
	char *p = cmdline_copy;
	int first = 1;

	if (strlcpy(cmdline_copy, cmdline ? cmdline : "", sizeof(cmdline_copy)) >= sizeof(cmdline_copy))
		cmdline_error("longer than %d bytes: cut short", CMDLINE_MAX - 1);
	while (*p) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		char *word = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
		if (first && !strchr(word, '=')) {
			first = 0;      /* the loader's path of the kernel */
			continue;
		}
		first = 0;
		if (boot_config.init)
			cmdline_init_arg(word);
		else
			cmdline_key_word(word);
	}
	boot_config.argv[boot_config.argc] = 0;
}
