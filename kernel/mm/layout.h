/*
 * layout.h - the virtual and physical memory layout of beta86.
 *
 * Every address space (the kernel's own and, from lab 5, every process's)
 * shares the bottom gigabyte, which belongs to the kernel and is mapped
 * supervisor-only:
 *
 *   0x00000000 .. 0x00000FFF   never mapped: a null pointer faults
 *   0x00001000 .. phys_top     direct map: virtual == physical, so the kernel
 *                              (loaded at 1 MiB by multiboot) runs at the
 *                              addresses it was linked at, before and after
 *                              paging is turned on
 *   KSTACK_REGION .. +4 MiB    kernel stacks, one slot per process table
 *                              entry, each with an unmapped guard page below
 *   USER_BASE .. USER_TOP      user space: its own pages in each process
 *
 * Because the kernel's page tables are created once at boot and shared by
 * every page directory, a kernel mapping made later (a new kernel stack) is
 * visible in every address space at once.
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include "abi.h"

#define PAGE_SIZE        4096u
#define PAGE_SHIFT       12
#define PAGE_MASK        (PAGE_SIZE - 1)

#define KERNEL_LOAD_ADDR 0x00100000u   /* where multiboot loads the kernel */
#define PHYS_MAP_LIMIT   0x10000000u   /* RAM above 256 MiB is not used */

#define KSTACK_REGION    0x3FC00000u   /* one page table's worth: 4 MiB */
#define KSTACK_REGION_END 0x40000000u
#define KSTACK_PAGES     2u            /* 8 KiB of stack per thread */
#define KSTACK_SIZE      (KSTACK_PAGES * PAGE_SIZE)
#define KSTACK_SLOT_SIZE ((KSTACK_PAGES + 1) * PAGE_SIZE) /* guard + stack */

#define USER_BASE        0x40000000u   /* first user address (1 GiB) */
#define USER_TOP         0xC0000000u   /* one past the last user address */

/* A process's user space (lab 5), from USER_BASE up:
 *   program text (read-only), data and bss   as its ELF file says
 *   heap: brk_base .. brk                    grows and shrinks with sbrk
 *   ... unmapped ...
 *   exception stack guard page               never mapped
 *   exception stack: USER_XSTACK_BOTTOM ..   where its fault handler runs (lab 7),
 *     USER_XSTACK_TOP                          mapped by dom_set_handler
 *   stack guard page                         never mapped: overflow faults
 *   stack: USER_STACK_BOTTOM .. USER_TOP     USER_STACK_PAGES, fixed
 * The ABI (lib/abi.h) states the same numbers for user programs. */
#define USER_STACK_PAGES  UABI_STACK_PAGES
#define USER_STACK_BOTTOM (USER_TOP - USER_STACK_PAGES * PAGE_SIZE)
#define USER_STACK_GUARD  (USER_STACK_BOTTOM - PAGE_SIZE)
#define USER_XSTACK_PAGES  USER_STACK_PAGES
#define USER_XSTACK_TOP    USER_STACK_GUARD
#define USER_XSTACK_BOTTOM (USER_XSTACK_TOP - USER_XSTACK_PAGES * PAGE_SIZE)
#define USER_XSTACK_GUARD  (USER_XSTACK_BOTTOM - PAGE_SIZE)
#define USER_HEAP_LIMIT    USER_XSTACK_GUARD   /* the heap and the image stay below */
#ifndef __ASSEMBLER__
_Static_assert(USER_HEAP_LIMIT == UABI_HEAP_LIMIT, "layout.h and abi.h disagree on the heap's limit");
#endif

#define PAGE_ROUND_UP(a)   (((a) + PAGE_MASK) & ~PAGE_MASK)
/* a rounded up to a multiple of align, a power of two. */
#define ROUND_UP(a, align) (((a) + (align) - 1) & ~((align) - 1))
#define PAGE_ROUND_DOWN(a) ((a) & ~PAGE_MASK)

#endif
