/*
 * ksym.h - the kernel's own symbol table, linked into the image (see
 * tools/mksyms.sh), so that a backtrace names functions without a debugger.
 */
#ifndef DEBUG_KSYM_H
#define DEBUG_KSYM_H

#include <stdint.h>

/* The function containing addr and addr's offset in it, or 0 if addr is not
 * in kernel text. */
const char *ksym_lookup(uint32_t addr, uint32_t *offset);
/* The address of a function by name, or 0. */
uint32_t ksym_address(const char *name);

#endif
