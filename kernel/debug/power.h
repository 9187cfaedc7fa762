/*
 * power.h - ending the run: QEMU's isa-debug-exit device turns the value
 * written to its port into QEMU's exit status, (value << 1) | 1, which is
 * how the grader tells a clean shutdown from a panic.
 */
#ifndef DEBUG_POWER_H
#define DEBUG_POWER_H

#define DEBUG_EXIT_PORT     0xF4
#define DEBUG_EXIT_SUCCESS  0x10   /* QEMU exits with status 33 */
#define DEBUG_EXIT_FAILURE  0x11   /* QEMU exits with status 35 */

void shutdown(int success) __attribute__((noreturn));

/* Hook: what shutdown runs first, with interrupts off, before it prints
 * its verdict (boot sets it to the scheduling trace's dump, proc/trace.h,
 * a layer above this one); 0 for nothing. It runs at most once, so a
 * panic inside it still ends the run. */
extern void (*shutdown_hook)(void);

#endif
