/*
 * ramdisk.c - finding a program in the ramdisk (the table itself is
 * generated at build time: tools/mkramdisk.sh).
 */
#include "fs/ramdisk.h"
#include "string.h"

const struct ramdisk_file *ramdisk_find(const char *name)
{
	for (uint32_t i = 0; i < ramdisk_count; i++)
		if (strcmp(ramdisk_files[i].name, name) == 0)
			return &ramdisk_files[i];
	return 0;
}
