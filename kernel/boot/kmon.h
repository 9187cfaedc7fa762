/*
 * kmon.h - the kernel monitor: a tiny command prompt on the console, what
 * `make qemu` shows when the command line names no init program.
 */
#ifndef BOOT_KMON_H
#define BOOT_KMON_H

/* The command line init= that selects the monitor instead of user init. */
#define KMON_INIT_NAME "kmon"

/* Read and run commands until `run NAME ARGS...` has put NAME and its
 * arguments into boot_config.init and argv (kernel/boot/cmdline.h); then
 * return, for the caller to run it as if the command line had named it. */
void kmon_run(void);

#endif
