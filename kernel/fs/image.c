/*
 * image.c - checking and loading a program's ELF image (image.h). A
 * program is refused before anything is mapped unless every segment it
 * loads lies on pages of its own, in user space, below the limit its
 * caller gives (exec: the stack's guard page; dom_create: the domain's
 * call stacks).
 */
#include "fs/image.h"
#include "fs/elf.h"
#include "fs/ramdisk.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/vm.h"
#include "abi.h"

/* The header of a program this kernel can run, or 0. */
static const struct elf_header *image_check_header(const struct ramdisk_file *file)
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
static int image_is_loaded(const struct elf_program_header *ph)
{
	return ph->type == PT_LOAD && ph->memsz != 0;
}

/* Whether the segments to load are ones exec can load each on pages of
 * its own: each one's bytes in the file, no more of them than it has in
 * memory, all of it in user space below limit, and every
 * segment on pages above the previous one's (sorted by address, as the
 * ELF standard requires, and no page shared). A shared page could not
 * have both segments' protections (a read-only text page would become
 * writable), and a later segment's bss on it would hold the earlier's
 * bytes instead of zeros. Checked before anything is mapped: a refused
 * program leaves the caller as it was. */
static int image_check_segments(const struct ramdisk_file *file, const struct elf_header *eh,
				uint32_t limit)
{
	const struct elf_program_header *ph = (const void *)(file->data + eh->phoff);
	uint32_t free_from = USER_BASE;         /* first page no segment has yet */

	for (int i = 0; i < eh->phnum; i++, ph++) {
		if (!image_is_loaded(ph))
			continue;
		uint32_t end = ph->vaddr + ph->memsz;
		/* free_from is a page boundary: vaddr >= free_from means
		 * that the segment's first page is a page of its own. */
		if (ph->filesz > ph->memsz || end < ph->vaddr || ph->vaddr < free_from ||
		    end > limit || !elf_range_ok(file->size, ph->offset, ph->filesz, 1))
			return 0;
		free_from = PAGE_ROUND_UP(end);
	}
	return 1;
}

/* Map and fill one PT_LOAD segment (checked: on pages of its own), raising
 * *top to its end; 0 or -E_NOMEM. */
static int image_load_segment(uint32_t *pgdir, const struct ramdisk_file *file,
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

int image_load(uint32_t *pgdir, const struct ramdisk_file *file, uint32_t *top)
{
	const struct elf_header *eh = (const void *)file->data;
	const struct elf_program_header *ph = (const void *)(file->data + eh->phoff);

	*top = USER_BASE;
	for (int i = 0; i < eh->phnum; i++, ph++) {
		if (!image_is_loaded(ph))
			continue;
		int err = image_load_segment(pgdir, file, ph, top);
		if (err < 0)
			return err;
	}
	return 0;
}


uint32_t image_check(const struct ramdisk_file *file, uint32_t limit)
{
	const struct elf_header *eh = image_check_header(file);

	if (!eh || eh->entry < USER_BASE || eh->entry >= limit || !image_check_segments(file, eh, limit))
		return 0;
	return eh->entry;
}
