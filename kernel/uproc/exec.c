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
#include "fs/elf.h"
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

/* The header of a program this kernel can run, or 0. */
static const struct elf_header *exec_check_header(const struct ramdisk_file *file)
{
	const struct elf_header *eh = (const void *)file->data;

	if (file->size < sizeof(*eh) || eh->magic != ELF_MAGIC || eh->class != ELFCLASS32 ||
	    eh->data != ELFDATA2LSB || eh->type != ET_EXEC || eh->machine != EM_386 ||
	    eh->phentsize != sizeof(struct elf_program_header) ||
	    !elf_range_ok(file->size, eh->phoff, eh->phnum, sizeof(struct elf_program_header)))
		return 0;
	return eh;
}

/* Whether ph is a segment exec loads (a PT_LOAD with bytes in memory). */
static int exec_is_loaded(const struct elf_program_header *ph)
{
	return ph->type == PT_LOAD && ph->memsz != 0;
}

/* Whether the segments to load are ones exec can load each on pages of
 * its own: each one's bytes in the file, no more of them than it has in
 * memory, all of it in user space below the stack's guard page, and every
 * segment on pages above the previous one's (sorted by address, as the
 * ELF standard requires, and no page shared). A shared page could not
 * have both segments' protections (a read-only text page would become
 * writable), and a later segment's bss on it would hold the earlier's
 * bytes instead of zeros. Checked before anything is mapped: a refused
 * program leaves the caller as it was. */
static int exec_check_segments(const struct ramdisk_file *file, const struct elf_header *eh)
{
	const struct elf_program_header *ph = (const void *)(file->data + eh->phoff);
	uint32_t free_from = USER_BASE;         /* first page no segment has yet */

	for (int i = 0; i < eh->phnum; i++, ph++) {
		if (!exec_is_loaded(ph))
			continue;
		uint32_t end = ph->vaddr + ph->memsz;
		/* free_from is a page boundary: vaddr >= free_from means
		 * that the segment's first page is a page of its own. */
		if (ph->filesz > ph->memsz || end < ph->vaddr || ph->vaddr < free_from ||
		    end > USER_STACK_GUARD || !elf_range_ok(file->size, ph->offset, ph->filesz, 1))
			return 0;
		free_from = PAGE_ROUND_UP(end);
	}
	return 1;
}

/* Map and fill one PT_LOAD segment (checked: on pages of its own), raising
 * *top to its end; 0 or -E_NOMEM. */
static int exec_load_segment(uint32_t *pgdir, const struct ramdisk_file *file,
			     const struct elf_program_header *ph, uint32_t *top)
{
	uint32_t end = ph->vaddr + ph->memsz;
	uint32_t flags = (ph->flags & PF_W) ? PTE_W : 0;

	if (vm_map_zeroed(pgdir, PAGE_ROUND_DOWN(ph->vaddr), PAGE_ROUND_UP(end), flags) < 0)
		return -E_NOMEM;
	vm_write(pgdir, ph->vaddr, file->data + ph->offset, ph->filesz);
	if (end > *top)
		*top = end;
	return 0;
}

/* Load every PT_LOAD segment; *top becomes the end of the highest. */
static int exec_load_segments(uint32_t *pgdir, const struct ramdisk_file *file,
			      const struct elf_header *eh, uint32_t *top)
{
	const struct elf_program_header *ph = (const void *)(file->data + eh->phoff);

	*top = USER_BASE;
	for (int i = 0; i < eh->phnum; i++, ph++) {
		if (!exec_is_loaded(ph))
			continue;
		int err = exec_load_segment(pgdir, file, ph, top);
		if (err < 0)
			return err;
	}
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
	const struct elf_header *eh;
	uint32_t *pgdir, top, sp = 0;
	int err;

	if (!file)
		return -E_NOENT;
	if (!(eh = exec_check_header(file)) || eh->entry < USER_BASE || eh->entry >= USER_TOP ||
	    !exec_check_segments(file, eh))
		return -E_NOEXEC;
	if (!(pgdir = vm_create()))
		return -E_NOMEM;
	err = exec_load_segments(pgdir, file, eh, &top);
	if (err == 0 && !(sp = exec_build_stack(pgdir, args)))
		err = -E_NOMEM;
	if (err < 0) {
		vm_free(pgdir);
		return err;
	}
	uint32_t *old = p->pgdir;
	p->pgdir = pgdir;
	p->brk_base = p->brk = PAGE_ROUND_UP(top);
	p->program = file;
	strlcpy(p->name, path, sizeof(p->name));
	if (p == current_proc)
		write_cr3((uint32_t)pgdir);
	if (old)
		vm_free(old);
	proc_fpu_reset(p);
	exec_init_frame(tf, eh->entry, sp);
	return 0;
}
