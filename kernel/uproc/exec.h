/*
 * exec.h - loading a program from the ramdisk into a new address space.
 */
#ifndef UPROC_EXEC_H
#define UPROC_EXEC_H

#include <stdint.h>
#include "abi.h"

struct proc;
struct trapframe;

/* A program's arguments, copied into the kernel (they may live in the
 * address space being replaced). One frame holds it. */
struct exec_args {
	int argc;
	const char *argv[MAXARG + 1];
	char strings[MAXARG_BYTES];
	uint32_t used;                  /* bytes of strings used */
};

/* Append one argument; 0 or -E_2BIG. */
int exec_args_add(struct exec_args *args, const char *arg);
/* Replace p's address space with a fresh one running the ramdisk program
 * path with args, and point tf (p's user frame) at its entry. On error
 * (-E_NOENT, -E_NOEXEC, -E_NOMEM, -E_2BIG) p is unchanged. */
int exec(struct proc *p, struct trapframe *tf, const char *path, const struct exec_args *args);

#endif
