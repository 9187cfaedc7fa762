/*
 * elf.h - the parts of the 32-bit ELF format (System V ABI, i386
 * supplement) that exec and the user symbolizer read.
 */
#ifndef FS_ELF_H
#define FS_ELF_H

#include <stdint.h>

#define ELF_MAGIC      0x464C457Fu  /* "\x7fELF" read as a little-endian word */
#define ELFCLASS32     1
#define ELFDATA2LSB    1
#define ET_EXEC        2
#define EM_386         3
#define PT_LOAD        1
#define PF_W           0x2
#define SHT_SYMTAB     2
#define STT_FUNC       2
#define ELF_ST_TYPE(info) ((info) & 0xF)

struct elf_header {
	uint32_t magic;
	uint8_t class, data, version, osabi, pad[8];
	uint16_t type, machine;
	uint32_t version2, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_program_header {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf_section_header {
	uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
};

struct elf_symbol {
	uint32_t name, value, size;
	uint8_t info, other;
	uint16_t shndx;
};

/* Whether [offset, offset + count * size) lies inside a file of file_size
 * bytes, without overflow. */
static inline int elf_range_ok(uint32_t file_size, uint32_t offset, uint32_t count, uint32_t size)
{
	uint64_t end = (uint64_t)offset + (uint64_t)count * size;
	return end <= file_size;
}

#endif
