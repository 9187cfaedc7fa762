/*
 * paging.h - two-level x86 page tables (4 KiB pages, no PAE).
 *
 * A virtual address splits into a page directory index (bits 31..22), a
 * page table index (21..12) and an offset (11..0). The kernel's page
 * directory, kernel_pgdir, maps the bottom gigabyte as layout.h describes;
 * its page tables are made once, at boot, and shared by every address space.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdint.h>

#define PTE_P   0x001u      /* present */
#define PTE_W   0x002u      /* writable */
#define PTE_U   0x004u      /* user may access */
#define PTE_ADDR(pte) ((pte) & ~0xFFFu)

#define PD_INDEX(va)  ((uint32_t)(va) >> 22)
#define PT_INDEX(va)  (((uint32_t)(va) >> 12) & 0x3FF)
#define PT_ENTRIES    1024
#define PD_ENTRIES    1024
#define PD_SPAN       (PT_ENTRIES * PAGE_SIZE)   /* 4 MiB per directory entry */

extern uint32_t kernel_pgdir[PD_ENTRIES];

void paging_init(void);
/* The page table entry for va in pgdir; with create, allocate a missing
 * page table if va is in user space [USER_BASE, USER_TOP). Returns 0 if
 * there is none: no table, va outside user space, or no memory. */
uint32_t *paging_walk(uint32_t *pgdir, uint32_t va, int create);
/* Map one page; returns 0, or -1 when it would need a new page table and
 * va is outside user space or memory is out. */
int paging_map(uint32_t *pgdir, uint32_t va, uint32_t pa, uint32_t flags);
/* Unmap one page and return the frame it mapped (0 if none). */
uint32_t paging_unmap(uint32_t *pgdir, uint32_t va);
int paging_is_mapped(uint32_t *pgdir, uint32_t va);

#endif
