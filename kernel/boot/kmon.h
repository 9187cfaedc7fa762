/*
 * kmon.h - the kernel monitor: a tiny command prompt on the console, what
 * `make qemu` shows when the command line names no init program.
 */
#ifndef BOOT_KMON_H
#define BOOT_KMON_H

/* The command line init= that selects the monitor instead of user init. */
#define KMON_INIT_NAME "kmon"

void kmon_run(void) __attribute__((noreturn));

#endif
