/*
 * procdump.h - the process table in words (Ctrl-P, the monitor's ps).
 */
#ifndef UPROC_PROCDUMP_H
#define UPROC_PROCDUMP_H

struct trapframe;
/* Print the process table on the console: pid, state, name, and where each
 * thread stopped. interrupted, if not 0, is the frame of the interrupt that
 * asked: it says where the running thread was, even in the middle of a
 * long system call. */
void proc_dump(const struct trapframe *interrupted);

#endif
