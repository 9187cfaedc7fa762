/*
 * cmdline.h - the multiboot command line (QEMU's -append): what to run and
 * how to run it.
 *
 *   hz=N                  timer interrupts per second (default 100)
 *   quantum=N             ticks a thread runs before it is preempted (1)
 *   seed=N                a number tests use to vary their inputs (0)
 *   poison=0|1            fill freed frames with poison and check it when
 *                         they are reused (1); benchmarks boot with 0
 *   trace=0|1|2           the scheduling trace (proc/trace.h): 0 off (the
 *                         default), 1 recorded in memory for GDB, 2 also
 *                         printed on the console at shutdown
 *   tracedump=N           at trace=2, print only the newest N records (and
 *                         every thread's name) at shutdown (all 1024)
 *   rtchz=N               the RTC's periodic interrupt on IRQ 8 (lab 8), a
 *                         power of two in 2..8192; 0, the default: off
 *   vtimer=K              ticks between two edges of the virtual timer
 *                         line IRQ_VTIMER (lab 8; default 10)
 *   injectirq=L injectcount=N injectrate=R
 *                         the test injector (lab 8, irq/irq.c): raise line
 *                         L N times in all, R a tick, from the first tick
 *                         L has an owner (default: no injector; R 1)
 *   init=NAME [ARGS...]   what to run: a kernel test, the kernel monitor
 *                         (init=kmon), or else a user program, which user
 *                         init (pid 1) runs; without init=, user init runs
 *                         the shell. Every word after init=NAME is one of
 *                         its arguments, '=' or not, so the kernel's keys
 *                         come before it: "hz=1000 init=echo a=b".
 *
 * An unknown key or a malformed value is reported on the console, naming
 * the key, and the default is kept.
 */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H

#define CMDLINE_MAX      256
#define CMDLINE_MAX_ARGS 16

struct boot_config {
	const char *init;                 /* 0: the default (user init runs sh) */
	int argc;                         /* init's arguments, argv[0] = init */
	const char *argv[CMDLINE_MAX_ARGS + 1];
	unsigned int hz;
	unsigned int quantum;
	unsigned int seed;
	unsigned int poison;              /* frame_set_poisoning */
	unsigned int trace;               /* enum trace_level */
	unsigned int trace_dump;          /* records trace=2 prints at shutdown */
	unsigned int rtc_hz;              /* irq_config's (irq/irq.h) */
	unsigned int vtimer_period;
	unsigned int inject_line;
	unsigned int inject_count;
	unsigned int inject_rate;
	int errors;                       /* how many problems were reported */
};

extern struct boot_config boot_config;

/* Copy and parse the loader's command line (the copy outlives the loader's
 * memory, which the frame allocator may hand out). */
void cmdline_parse(const char *cmdline);

#endif
