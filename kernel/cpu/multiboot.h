/*
 * multiboot.h - the parts of the Multiboot v1 specification beta86 uses:
 * the header the loader looks for, and the information structure it passes
 * to _start in %ebx (memory size, memory map, command line).
 */
#ifndef CPU_MULTIBOOT_H
#define CPU_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MULTIBOOT_PAGE_ALIGN       0x00000001   /* modules on page boundaries */
#define MULTIBOOT_MEMORY_INFO      0x00000002   /* please fill mem_* and mmap_* */
#define MULTIBOOT_HEADER_FLAGS     (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Bits of multiboot_info.flags saying which fields are valid. */
#define MULTIBOOT_INFO_MEMORY   0x00000001
#define MULTIBOOT_INFO_CMDLINE  0x00000004
#define MULTIBOOT_INFO_MMAP     0x00000040

#define MULTIBOOT_MEM_UNIT 1024       /* mem_lower and mem_upper count KiB */

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;          /* KiB below 1 MiB */
	uint32_t mem_upper;          /* KiB above 1 MiB (up to the first hole) */
	uint32_t boot_device;
	uint32_t cmdline;            /* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;        /* bytes of memory map */
	uint32_t mmap_addr;          /* physical address of the first entry */
} __attribute__((packed));

/* One memory map entry; `size` does not count itself. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

#define MULTIBOOT_MEMORY_AVAILABLE 1
#endif

#endif
