/*
 * vm.h - user address spaces: a page directory per process whose bottom
 * gigabyte is the kernel's (shared page tables, supervisor-only) and whose
 * user part, USER_BASE .. USER_TOP, is the process's own (layout.h).
 *
 * Also the kernel's only way to touch user memory: the uaccess functions
 * check every page of a user buffer in the process's page tables before
 * copying, so a bad pointer gives -E_FAULT, never a kernel page fault.
 */
#ifndef MM_VM_H
#define MM_VM_H

#include <stdint.h>
#include "mm/layout.h"
#include "mm/paging.h"

/* A new page directory sharing the kernel's page tables, with an empty
 * user part; 0 when out of memory. */
uint32_t *vm_create(void);
/* Free every user page, every user page table and the directory itself. */
void vm_free(uint32_t *pgdir);
/* Map [start, end) (page-aligned) to fresh zeroed frames with PTE_U and
 * flags; returns 0, or -E_NOMEM with the pages mapped so far left mapped
 * (the caller frees the range with vm_unmap, or the whole space). Fails at
 * once, mapping nothing, if the range has more pages than there are free
 * frames. */
int vm_map_zeroed(uint32_t *pgdir, uint32_t start, uint32_t end, uint32_t flags);
/* Unmap the user range [start, end) (page-aligned), free its frames, and
 * free every page table of the range that maps nothing afterwards. So
 * mapping a range and unmapping it again leaves memory as it was. */
void vm_unmap(uint32_t *pgdir, uint32_t start, uint32_t end);
/* Copy the whole user part of src into dst (fork); 0 or -E_NOMEM. */
int vm_copy(uint32_t *dst, uint32_t *src);
/* Mapped user pages, for ps. */
uint32_t vm_user_pages(uint32_t *pgdir);

/* Whether [va, va + len) lies in user space and every page holding a
 * byte of it is mapped for the user (and writable, when write is set).
 * With len 0 there is no byte, but va must still be a user address: a
 * null pointer is refused whatever the length. */
int uaccess_ok(uint32_t *pgdir, uint32_t va, uint32_t len, int write);
/* Copy to or from a user range that uaccess_ok has already accepted, and
 * that nothing can have unmapped since: only the process itself changes
 * its own mappings, in its own system calls, so the check holds across
 * preemption and even across a sleep (pipe_read checks, sleeps, copies). */
void uaccess_read(uint32_t *pgdir, void *dst, uint32_t usrc, uint32_t len);
void uaccess_write(uint32_t *pgdir, uint32_t udst, const void *src, uint32_t len);
/* A small user object [va, va + len) that lies within one page, as a
 * kernel pointer (through the direct map) that the caller may read, or
 * write when write is set: its page mapped for the user, writable with
 * write. 0 when it is not, and when the object crosses a page boundary
 * or leaves user space: then the caller takes copyin's or copyout's way,
 * which decides. One page walk, inline, where copyin and copyout make two
 * (the check, then the copy) through paging_walk: for lab 7's fault_regs,
 * 56 bytes on a handler's every call. */
static inline uint8_t *uaccess_in_page(const uint32_t *pgdir, uint32_t va, uint32_t len, int write)
{
	uint32_t offset = va & PAGE_MASK;
	uint32_t need = PTE_P | PTE_U | (write ? PTE_W : 0);

	if (va < USER_BASE || va >= USER_TOP || len > PAGE_SIZE - offset)
		return 0;       /* USER_TOP is a page boundary: below it, a whole page is user space */
	uint32_t pde = pgdir[PD_INDEX(va)];
	if (!(pde & PTE_P))
		return 0;       /* no page table: nothing mapped there */
	uint32_t pte = ((const uint32_t *)PTE_ADDR(pde))[PT_INDEX(va)];
	return (pte & need) == need ? (uint8_t *)PTE_ADDR(pte) + offset : 0;
}
/* Copy between kernel memory and user space of pgdir; 0 or -E_FAULT, in
 * which case nothing was copied. */
int copyin(uint32_t *pgdir, void *dst, uint32_t usrc, uint32_t len);
int copyout(uint32_t *pgdir, uint32_t udst, const void *src, uint32_t len);
/* Write into user pages of pgdir whatever their PTE_W (exec loading a
 * read-only text page); 0 or -E_FAULT if a page is not mapped. */
int vm_write(uint32_t *pgdir, uint32_t uva, const void *src, uint32_t len);
/* Copy a NUL-terminated string of at most max bytes (NUL included);
 * returns its length, -E_FAULT, or -E_2BIG when it does not fit. */
int copyinstr(uint32_t *pgdir, char *dst, uint32_t usrc, uint32_t max);

#endif
