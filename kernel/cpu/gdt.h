/*
 * gdt.h - segments and task state: the flat kernel and user segments,
 * the TSS that gives the CPU its ring-0 stack, and the double-fault TSS.
 */
#ifndef CPU_GDT_H
#define CPU_GDT_H

/* Selectors: GDT index * 8 | requested privilege level. */
#define KERNEL_CS    0x08
#define KERNEL_DS    0x10
#define USER_CS      0x1B       /* index 3, RPL 3 */
#define USER_DS      0x23       /* index 4, RPL 3 */
#define TSS_SEL      0x28       /* the TSS every trap from ring 3 uses */
#define DF_TSS_SEL   0x30       /* the double-fault task's TSS */
#define NULL_SELECTOR 0x00
#define LDT_SELECTOR_BIT 0x04   /* TI: the selector indexes the LDT, not the GDT */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The 32-bit task state segment (Intel SDM vol. 3, figure 8-2). */
struct tss {
	uint32_t link;
	uint32_t esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs;
	uint32_t ldt;
	uint16_t trap, iomap_base;
};

extern struct tss kernel_tss;

void gdt_init(void);
/* Prepare the double-fault task; needs the kernel page directory. */
void gdt_init_double_fault_task(uint32_t cr3, uint32_t stack_top, void (*entry)(void));

/* The stack the CPU switches to on a trap from ring 3. */
static inline void tss_set_kernel_stack(uint32_t esp0)
{
	kernel_tss.esp0 = esp0;
}
#endif

#endif
