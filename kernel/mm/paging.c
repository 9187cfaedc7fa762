/*
 * paging.c - building the kernel's page directory and turning paging on.
 *
 * paging_init maps every managed physical page at its own address
 * (supervisor-only; text and rodata read-only), except page 0, so that a
 * null pointer faults, and the boot stack's guard page, so that a boot
 * stack overflow faults. It also creates the page table of the kernel stack
 * region, empty: kernel stacks are mapped into it as threads are made.
 * CR0.WP makes the kernel itself obey read-only pages.
 */
#include "mm/paging.h"
#include "mm/layout.h"
#include "mm/frame.h"
#include "cpu/x86.h"
#include "debug/panic.h"

uint32_t kernel_pgdir[PD_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

extern char kernel_start[], kernel_rodata_end[], boot_stack_guard[];

uint32_t *paging_walk(uint32_t *pgdir, uint32_t va, int create)
{
	uint32_t *pde = &pgdir[PD_INDEX(va)];

	if (!(*pde & PTE_P)) {
		/* Kernel page tables exist from boot and are shared; making one
		 * later would leave other address spaces without it. Above
		 * user space nothing is ever mapped, and vm_free, which frees
		 * the tables of [USER_BASE, USER_TOP) only, would leak one. */
		if (!create || va < USER_BASE || va >= USER_TOP)
			return 0;
		uint32_t table = frame_alloc_zeroed();
		if (!table)
			return 0;
		*pde = table | PTE_P | PTE_W | PTE_U;
	}
	return &((uint32_t *)PTE_ADDR(*pde))[PT_INDEX(va)];
}

int paging_map(uint32_t *pgdir, uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t *pte = paging_walk(pgdir, va, 1);

	if (!pte)
		return -1;
	*pte = PTE_ADDR(pa) | flags | PTE_P;
	invlpg(va);
	return 0;
}

uint32_t paging_unmap(uint32_t *pgdir, uint32_t va)
{
	uint32_t *pte = paging_walk(pgdir, va, 0);

	if (!pte || !(*pte & PTE_P))
		return 0;
	uint32_t pa = PTE_ADDR(*pte);
	*pte = 0;
	invlpg(va);
	return pa;
}

int paging_is_mapped(uint32_t *pgdir, uint32_t va)
{
	uint32_t *pte = paging_walk(pgdir, va, 0);
	return pte && (*pte & PTE_P);
}

/* Give the kernel range [start, end) page tables (4 MiB each, made here and
 * never again) and map it identically with flags. */
static void paging_map_direct(uint32_t start, uint32_t end, uint32_t flags)
{
	for (uint32_t va = start; va < end; va += PAGE_SIZE) {
		uint32_t *pde = &kernel_pgdir[PD_INDEX(va)];
		if (!(*pde & PTE_P)) {
			uint32_t table = frame_alloc_zeroed();
			if (!table)
				panic("paging_init: out of memory for kernel page tables");
			*pde = table | PTE_P | PTE_W;
		}
		((uint32_t *)PTE_ADDR(*pde))[PT_INDEX(va)] = va | flags | PTE_P;
	}
}

void paging_init(void)
{
	uint32_t text_start = PAGE_ROUND_DOWN((uint32_t)kernel_start);
	uint32_t text_end = (uint32_t)kernel_rodata_end;
	uint32_t phys_top = frame_phys_top();
	uint32_t kstack_table = frame_alloc_zeroed();

	if (!kstack_table)
		panic("paging_init: out of memory for the kernel stack page table");
	/* Tables for the direct map come from the frames being mapped, which
	 * is fine: the map is not live until CR3 is loaded below. */
	paging_map_direct(PAGE_SIZE, text_start, PTE_W);
	paging_map_direct(text_start, text_end, 0);
	paging_map_direct(text_end, phys_top, PTE_W);
	kernel_pgdir[PD_INDEX(KSTACK_REGION)] = kstack_table | PTE_P | PTE_W;
	paging_unmap(kernel_pgdir, (uint32_t)boot_stack_guard);

	write_cr3((uint32_t)kernel_pgdir);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
}
