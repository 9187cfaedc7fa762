/*
 * vm.c - user address spaces and the checked copies between them and the
 * kernel.
 *
 * Every page directory's entries below USER_BASE are copies of
 * kernel_pgdir's, pointing at the kernel's page tables (made once at boot,
 * so they never change and are never freed here); the entries from
 * USER_BASE up point at page tables owned by this space alone.
 *
 * The kernel reaches a user page through the direct map: a frame's
 * physical address is also its kernel virtual address. So a copy works in
 * any address space (not only the one loaded in CR3), and the kernel never
 * takes a page fault on a user pointer: uaccess_ok has checked every page
 * in the page tables first.
 */
#include "mm/vm.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "cpu/x86.h"
#include "console/console.h"
#include "debug/panic.h"
#include "abi.h"
#include "lab.h"
#include "string.h"

_Static_assert(USER_BASE == UABI_USER_BASE && USER_TOP == UABI_USER_TOP,
	       "lib/abi.h and mm/layout.h disagree on user space");
_Static_assert(USER_BASE % PD_SPAN == 0 && USER_TOP % PD_SPAN == 0,
	       "user space must start and end on a page directory entry");

#define USER_PDE_FIRST PD_INDEX(USER_BASE)
#define USER_PDE_END   PD_INDEX(USER_TOP)

uint32_t *vm_create(void)
{
	uint32_t *pgdir = (uint32_t *)frame_alloc_zeroed();

	if (pgdir)
		memcpy(pgdir, kernel_pgdir, USER_PDE_FIRST * sizeof(uint32_t));
	return pgdir;
}

/* The page table of user directory entry i, or 0 if it has none. */
static uint32_t *vm_page_table(uint32_t *pgdir, uint32_t i)
{
	return (pgdir[i] & PTE_P) ? (uint32_t *)PTE_ADDR(pgdir[i]) : 0;
}

void vm_free(uint32_t *pgdir)
{
	/* Never free the directory the CPU is using (a kernel thread may
	 * still run on the address space of the process it followed). */
	if (read_cr3() == (uint32_t)pgdir)
		write_cr3((uint32_t)kernel_pgdir);
	for (uint32_t i = USER_PDE_FIRST; i < USER_PDE_END; i++) {
		uint32_t *table = vm_page_table(pgdir, i);
		if (!table)
			continue;
		for (int j = 0; j < PT_ENTRIES; j++)
			if (table[j] & PTE_P)
				frame_free(PTE_ADDR(table[j]));
		frame_free((uint32_t)table);
	}
	frame_free((uint32_t)pgdir);
}

int vm_map_zeroed(uint32_t *pgdir, uint32_t start, uint32_t end, uint32_t flags)
{
	/* Fail at once, with nothing mapped, when there cannot be frames
	 * enough: a huge sbrk need not zero all of memory to find out. */
	if ((end - start) / PAGE_SIZE > frame_free_count())
		return -E_NOMEM;
	for (uint32_t va = start; va < end; va += PAGE_SIZE) {
		uint32_t frame = frame_alloc_zeroed();
		if (!frame)
			return -E_NOMEM;
		if (paging_map(pgdir, va, frame, flags | PTE_U) < 0) {
			frame_free(frame);
			return -E_NOMEM;
		}
	}
	return 0;
}

/* Whether a user page table maps nothing. */
static int vm_table_is_empty(const uint32_t *table)
{
	for (int j = 0; j < PT_ENTRIES; j++)
		if (table[j] & PTE_P)
			return 0;
	return 1;
}

void vm_unmap(uint32_t *pgdir, uint32_t start, uint32_t end)
{
	if (start < USER_BASE || end > USER_TOP || start > end || (start | end) & PAGE_MASK)
		panic("vm_unmap: [0x%08x, 0x%08x) is not a page-aligned user range", start, end);
	/* One page table's span at a time: [va, span_end). */
	for (uint32_t va = start, span_end; va < end; va = span_end) {
		uint32_t i = PD_INDEX(va);
		uint32_t *table = vm_page_table(pgdir, i);
		span_end = (i + 1) * PD_SPAN < end ? (i + 1) * PD_SPAN : end;
		if (!table)
			continue;               /* nothing mapped in this span */
		for (uint32_t page = va; page < span_end; page += PAGE_SIZE) {
			uint32_t frame = paging_unmap(pgdir, page);
			if (frame)
				frame_free(frame);
		}
		/* A table left empty goes too, so that a shrink, or the undoing
		 * of a failed grow, gives back every frame the grow took. */
		if (vm_table_is_empty(table)) {
			pgdir[i] = 0;
			invlpg(va);             /* also drops a cached directory entry */
			frame_free((uint32_t)table);
		}
	}
}

#if LAB_SOLUTION(5)
int vm_copy(uint32_t *dst, uint32_t *src)
{
	for (uint32_t i = USER_PDE_FIRST; i < USER_PDE_END; i++) {
		uint32_t *table = vm_page_table(src, i);
		if (!table)
			continue;
		for (uint32_t j = 0; j < PT_ENTRIES; j++) {
			if (!(table[j] & PTE_P))
				continue;
			uint32_t frame = frame_alloc();
			if (!frame)
				return -E_NOMEM;
			copy_words((void *)frame, (void *)PTE_ADDR(table[j]), PAGE_SIZE / sizeof(uint32_t));
			uint32_t va = i * PD_SPAN + j * PAGE_SIZE;
			if (paging_map(dst, va, frame, table[j] & (PTE_W | PTE_U)) < 0) {
				frame_free(frame);
				return -E_NOMEM;
			}
		}
	}
	return 0;
}
#else
int vm_copy(uint32_t *dst, uint32_t *src)
{
	printf("vm_copy: not implemented (lab 5): fork fails\n");
	return -E_NOMEM;
}
#endif

uint32_t vm_user_pages(uint32_t *pgdir)
{
	uint32_t pages = 0;

	for (uint32_t i = USER_PDE_FIRST; i < USER_PDE_END; i++) {
		uint32_t *table = vm_page_table(pgdir, i);
		for (int j = 0; table && j < PT_ENTRIES; j++)
			pages += table[j] & PTE_P;
	}
	return pages;
}

/* The user page va lies in, as a kernel pointer, if its PTE has every bit
 * of need; 0 otherwise. */
static uint8_t *uaccess_page(uint32_t *pgdir, uint32_t va, uint32_t need)
{
	uint32_t *pte = paging_walk(pgdir, va, 0);

	if (!pte || (*pte & need) != need)
		return 0;
	return (uint8_t *)PTE_ADDR(*pte);
}

#if LAB_SOLUTION(4)
int uaccess_ok(uint32_t *pgdir, uint32_t va, uint32_t len, int write)
{
	uint32_t need = PTE_P | PTE_U | (write ? PTE_W : 0);

	/* In user space, without wrapping around 4 GiB; va itself too, even
	 * when len is 0, so that a null pointer never passes. */
	if (va < USER_BASE || va >= USER_TOP || len > USER_TOP - va)
		return 0;
	/* Every page holding a byte of the range: none when len is 0. */
	for (uint32_t page = PAGE_ROUND_DOWN(va); len > 0 && page < va + len; page += PAGE_SIZE)
		if (!uaccess_page(pgdir, page, need))
			return 0;
	return 1;
}
#else
int uaccess_ok(uint32_t *pgdir, uint32_t va, uint32_t len, int write)
{
	printf("uaccess_ok: not implemented (lab 4): every user pointer is refused\n");
	return 0;
}
#endif

/* Copy len bytes between kernel buffer kbuf and user address va, page by
 * page through the direct map; the range has been checked. */
static void uaccess_copy(uint32_t *pgdir, uint32_t va, void *kbuf, uint32_t len, int to_user)
{
	uint8_t *k = kbuf;

	while (len > 0) {
		uint32_t offset = va & PAGE_MASK;
		uint32_t chunk = PAGE_SIZE - offset < len ? PAGE_SIZE - offset : len;
		uint8_t *u = uaccess_page(pgdir, va, PTE_P) + offset;
		if (to_user)
			memcpy(u, k, chunk);
		else
			memcpy(k, u, chunk);
		va += chunk, k += chunk, len -= chunk;
	}
}

void uaccess_read(uint32_t *pgdir, void *dst, uint32_t usrc, uint32_t len)
{
	uaccess_copy(pgdir, usrc, dst, len, 0);
}

void uaccess_write(uint32_t *pgdir, uint32_t udst, const void *src, uint32_t len)
{
	uaccess_copy(pgdir, udst, (void *)src, len, 1);
}

int copyin(uint32_t *pgdir, void *dst, uint32_t usrc, uint32_t len)
{
	if (!uaccess_ok(pgdir, usrc, len, 0))
		return -E_FAULT;
	uaccess_read(pgdir, dst, usrc, len);
	return 0;
}

int copyout(uint32_t *pgdir, uint32_t udst, const void *src, uint32_t len)
{
	if (!uaccess_ok(pgdir, udst, len, 1))
		return -E_FAULT;
	uaccess_write(pgdir, udst, src, len);
	return 0;
}

int vm_write(uint32_t *pgdir, uint32_t uva, const void *src, uint32_t len)
{
	/* Checked as for a read: the kernel may fill pages the process may
	 * only read (exec writes its text). */
	if (!uaccess_ok(pgdir, uva, len, 0))
		return -E_FAULT;
	uaccess_write(pgdir, uva, src, len);
	return 0;
}

int copyinstr(uint32_t *pgdir, char *dst, uint32_t usrc, uint32_t max)
{
	for (uint32_t n = 0; n < max; n++) {
		if ((n == 0 || ((usrc + n) & PAGE_MASK) == 0) && !uaccess_ok(pgdir, usrc + n, 1, 0))
			return -E_FAULT;
		uaccess_copy(pgdir, usrc + n, &dst[n], 1, 0);
		if (dst[n] == '\0')
			return (int)n;
	}
	return -E_2BIG;
}
