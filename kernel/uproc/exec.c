/*
 * exec.c - running a program: check its ELF headers and the layout of its
 * segments, build a new address space with its segments, a heap starting
 * after them and a stack holding its arguments, and only then let go of the
 * old space. A failure at any step frees the new space and leaves the
 * caller as it was; a malformed program is refused (-E_NOEXEC) before
 * anything is built.
 *
 * The stack a program starts with (growing down from USER_TOP):
 *
 *   USER_TOP  ->  (padding, so the strings start on a 4-byte boundary)
 *                 the argument strings, NUL-terminated
 *                 argv[0] .. argv[argc-1], 0
 *                 argv   (a pointer to the array above)
 *   esp       ->  argc
 *
 * so _start (lib/user/crt0.S) can call main(argc, argv) as is.
 */
#include "uproc/exec.h"
#include "proc/proc.h"
#include "proc/proc_fpu.h"
#include "proc/trace.h"
#include "fs/image.h"
#include "dom/dom.h"
#include "fs/ramdisk.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/vm.h"
#include "cpu/gdt.h"
#include "cpu/x86.h"
#include "cpu/trapframe.h"
#include "string.h"

int exec_args_add(struct exec_args *args, const char *arg)
{
	uint32_t len = strlen(arg) + 1;

	if (args->argc == MAXARG || len > MAXARG_BYTES - args->used)
		return -E_2BIG;
	memcpy(&args->strings[args->used], arg, len);
	args->argv[args->argc++] = &args->strings[args->used];
	args->argv[args->argc] = 0;
	args->used += len;
	return 0;
}

/* Map the stack and lay out the arguments on it; returns the initial
 * esp, or 0. */
static uint32_t exec_build_stack(uint32_t *pgdir, const struct exec_args *args)
{
	uint32_t argv[MAXARG + 1];
	uint32_t sp = USER_TOP - ROUND_UP(args->used, sizeof(uint32_t));

	if (vm_map_zeroed(pgdir, USER_STACK_BOTTOM, USER_TOP, PTE_W) < 0)
		return 0;
	/* The strings keep their offsets from args->strings. */
	if (vm_write(pgdir, sp, args->strings, args->used) < 0)
		return 0;
	for (int i = 0; i < args->argc; i++)
		argv[i] = sp + (uint32_t)(args->argv[i] - args->strings);
	argv[args->argc] = 0;
	sp -= (uint32_t)(args->argc + 1) * sizeof(uint32_t);
	uint32_t argv_at = sp;
	if (vm_write(pgdir, sp, argv, (uint32_t)(args->argc + 1) * sizeof(uint32_t)) < 0)
		return 0;
	uint32_t start[2] = { (uint32_t)args->argc, argv_at };
	sp -= sizeof(start);
	if (vm_write(pgdir, sp, start, sizeof(start)) < 0)
		return 0;
	return sp;
}

/* A fresh ring-3 frame: entry, stack, user segments, interrupts on. */
static void exec_init_frame(struct trapframe *tf, uint32_t entry, uint32_t sp)
{
	memset(tf, 0, sizeof(*tf));
	tf->eip = entry;
	tf->esp = sp;
	tf->cs = USER_CS;
	tf->ss = tf->ds = tf->es = tf->fs = tf->gs = USER_DS;
	tf->eflags = EFLAGS_IF | EFLAGS_RSVD;
}

int exec(struct proc *p, struct trapframe *tf, const char *path, const struct exec_args *args)
{
	const struct ramdisk_file *file = ramdisk_find(path);
	uint32_t *pgdir, top, sp = 0, entry;
	int err;

	if (!file)
		return -E_NOENT;
	if (!(entry = image_check(file, USER_HEAP_LIMIT)))
		return -E_NOEXEC;
	if (!(pgdir = vm_create()))
		return -E_NOMEM;
	err = image_load(pgdir, file, &top);
	if (err == 0 && !(sp = exec_build_stack(pgdir, args)))
		err = -E_NOMEM;
	if (err < 0) {
		vm_free(pgdir);
		return err;
	}
	strlcpy(p->name, path, sizeof(p->name));
	trace_name(p);
	if (p->inv[0].dom) {
		dom_home_replace(p, pgdir, file);
	} else if (dom_home_create(p, pgdir, file) < 0) {
		vm_free(pgdir);         /* the first exec of a process: init */
		return -E_NOSLOT;
	} else {
		p->pgdir = pgdir;
	}
	p->brk_base = p->brk = PAGE_ROUND_UP(top);
	p->program = file;
	proc_fpu_reset(p);
	exec_init_frame(tf, entry, sp);
	return 0;
}
