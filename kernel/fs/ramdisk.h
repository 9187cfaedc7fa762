/*
 * ramdisk.h - the read-only ramdisk: every user program, built from user/
 * and linked into the kernel image (build/ramdisk.S, made by
 * tools/mkramdisk.sh), found by name.
 */
#ifndef FS_RAMDISK_H
#define FS_RAMDISK_H

#include <stdint.h>

struct ramdisk_file {
	const char *name;           /* "sh", "echo", ... */
	const uint8_t *data;        /* the program's ELF image */
	uint32_t size;
};

/* Defined in the generated build/ramdisk.S. */
extern const struct ramdisk_file ramdisk_files[];
extern const uint32_t ramdisk_count;

/* The file called name, or 0. */
const struct ramdisk_file *ramdisk_find(const char *name);

#endif
