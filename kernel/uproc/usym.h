/*
 * usym.h - naming addresses in user programs, from the symbol table that
 * each program's ELF image in the ramdisk carries.
 */
#ifndef UPROC_USYM_H
#define UPROC_USYM_H

#include <stdint.h>

struct ramdisk_file;

/* The function of program containing addr, and addr's offset in it; 0 if
 * none does (or the program has no symbol table). */
const char *usym_lookup(const struct ramdisk_file *program, uint32_t addr, uint32_t *offset);

#endif
