/*
 * usym.c - user symbols: a linear search of the program's .symtab for the
 * function whose [value, value + size) contains the address. Used only to
 * explain a fault, so simplicity beats speed. Every offset read from the
 * image is checked against its size: a program is not trusted.
 */
#include "uproc/usym.h"
#include "fs/elf.h"
#include "fs/ramdisk.h"

/* The section header of type SHT_SYMTAB, or 0. */
static const struct elf_section_header *usym_symtab(const struct ramdisk_file *f)
{
	const struct elf_header *eh = (const void *)f->data;

	if (f->size < sizeof(*eh) || eh->shentsize != sizeof(struct elf_section_header) ||
	    !elf_range_ok(f->size, eh->shoff, eh->shnum, sizeof(struct elf_section_header)))
		return 0;
	const struct elf_section_header *sh = (const void *)(f->data + eh->shoff);
	for (int i = 0; i < eh->shnum; i++)
		if (sh[i].type == SHT_SYMTAB && sh[i].link < eh->shnum)
			return &sh[i];
	return 0;
}

const char *usym_lookup(const struct ramdisk_file *f, uint32_t addr, uint32_t *offset)
{
	const struct elf_section_header *symtab = f ? usym_symtab(f) : 0;

	if (!symtab || !elf_range_ok(f->size, symtab->offset, 1, symtab->size))
		return 0;
	const struct elf_section_header *strtab =
		(const struct elf_section_header *)(f->data + ((const struct elf_header *)f->data)->shoff) +
		symtab->link;
	if (!elf_range_ok(f->size, strtab->offset, 1, strtab->size))
		return 0;
	const struct elf_symbol *sym = (const void *)(f->data + symtab->offset);
	uint32_t count = symtab->size / sizeof(*sym);
	for (uint32_t i = 0; i < count; i++) {
		if (ELF_ST_TYPE(sym[i].info) != STT_FUNC || addr < sym[i].value ||
		    addr - sym[i].value >= sym[i].size || sym[i].name >= strtab->size)
			continue;
		*offset = addr - sym[i].value;
		return (const char *)f->data + strtab->offset + sym[i].name;
	}
	return 0;
}
