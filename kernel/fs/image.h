/*
 * image.h - program images: an ELF file of the ramdisk checked and loaded
 * into an address space. exec loads a process's program with it (its home
 * domain), dom_create a domain's.
 */
#ifndef FS_IMAGE_H
#define FS_IMAGE_H

#include <stdint.h>

struct ramdisk_file;

/* Whether file is a program this kernel can load with every loaded segment
 * below limit, and its entry point in user space; its entry, or 0. Checked
 * before anything is mapped, so a refused program costs nothing. */
uint32_t image_check(const struct ramdisk_file *file, uint32_t limit);
/* Map and fill every loaded segment of a checked file in pgdir; *top
 * becomes the end of the highest. 0 or -E_NOMEM (the caller frees pgdir). */
int image_load(uint32_t *pgdir, const struct ramdisk_file *file, uint32_t *top);

#endif
