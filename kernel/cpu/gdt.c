/*
 * gdt.c - the global descriptor table.
 *
 * beta86 uses flat segments (base 0, limit 4 GiB) for code and data in
 * rings 0 and 3: protection comes from paging. Two TSS descriptors exist:
 * kernel_tss supplies esp0, the ring-0 stack for traps from user mode, and
 * df_tss is the task the CPU switches to on a double fault, with a stack of
 * its own, so that a kernel stack overflow is reported instead of escalating
 * to a triple fault. There is no LDT (gdt_load loads a null one).
 */
#include "cpu/gdt.h"
#include "cpu/x86.h"

#define GDT_ENTRIES      7

/* Access byte bits. */
#define SEG_PRESENT      0x80
#define SEG_DPL(n)       ((n) << 5)
#define SEG_CODE_DATA    0x10     /* not a system segment */
#define SEG_CODE_READ    0x0A     /* execute/read */
#define SEG_DATA_WRITE   0x02     /* read/write */
#define SEG_TSS_32       0x09     /* available 32-bit TSS */
/* Flags nibble: 4 KiB granularity, 32-bit. */
#define SEG_FLAGS_FLAT   0xC
#define SEG_FLAGS_BYTE   0x0
#define SEG_LIMIT_FLAT   0xFFFFF

struct gdt_entry {
	uint16_t limit_lo;
	uint16_t base_lo;
	uint8_t base_mid;
	uint8_t access;
	uint8_t limit_hi_flags;
	uint8_t base_hi;
} __attribute__((packed));

struct gdt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

struct tss kernel_tss;
static struct tss df_tss;
static struct gdt_entry gdt[GDT_ENTRIES];

static struct gdt_entry gdt_make(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (struct gdt_entry){
		.limit_lo = limit & 0xFFFF,
		.base_lo = base & 0xFFFF,
		.base_mid = (base >> 16) & 0xFF,
		.access = access,
		.limit_hi_flags = (uint8_t)(((limit >> 16) & 0xF) | (flags << 4)),
		.base_hi = base >> 24,
	};
}

static struct gdt_entry gdt_make_tss(struct tss *tss)
{
	return gdt_make((uint32_t)tss, sizeof(*tss) - 1, SEG_PRESENT | SEG_TSS_32, SEG_FLAGS_BYTE);
}

/* Load the GDT and reload every segment register from it. */
static void gdt_load(void)
{
	struct gdt_pointer p = { sizeof(gdt) - 1, (uint32_t)gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "movw %w1, %%ds\n\t movw %w1, %%es\n\t movw %w1, %%ss\n\t"
			 "movw %w1, %%fs\n\t movw %w1, %%gs\n\t"
			 "ljmp %2, $1f\n1:"
			 : : "m"(p), "r"(KERNEL_DS), "i"(KERNEL_CS) : "memory");
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
	/* No LDT: a null LDTR has limit 0, so every selector with the TI bit
	 * (LDT_SELECTOR_BIT) is refused with #GP. Left as the firmware left
	 * it, LDTR would make the CPU take "descriptors" from whatever lies in
	 * low memory: call gates to ring 0 among them, usable from ring 3. */
	__asm__ volatile("lldt %w0" : : "r"(NULL_SELECTOR));
}

void gdt_init(void)
{
	uint8_t code = SEG_PRESENT | SEG_CODE_DATA | SEG_CODE_READ;
	uint8_t data = SEG_PRESENT | SEG_CODE_DATA | SEG_DATA_WRITE;

	gdt[KERNEL_CS >> 3] = gdt_make(0, SEG_LIMIT_FLAT, code | SEG_DPL(0), SEG_FLAGS_FLAT);
	gdt[KERNEL_DS >> 3] = gdt_make(0, SEG_LIMIT_FLAT, data | SEG_DPL(0), SEG_FLAGS_FLAT);
	gdt[USER_CS >> 3] = gdt_make(0, SEG_LIMIT_FLAT, code | SEG_DPL(3), SEG_FLAGS_FLAT);
	gdt[USER_DS >> 3] = gdt_make(0, SEG_LIMIT_FLAT, data | SEG_DPL(3), SEG_FLAGS_FLAT);
	kernel_tss.ss0 = KERNEL_DS;
	kernel_tss.iomap_base = sizeof(struct tss); /* no I/O bitmap: ring 3 gets no ports */
	gdt[TSS_SEL >> 3] = gdt_make_tss(&kernel_tss);
	gdt[DF_TSS_SEL >> 3] = gdt_make_tss(&df_tss);
	gdt_load();
}

void gdt_init_double_fault_task(uint32_t cr3, uint32_t stack_top, void (*entry)(void))
{
	df_tss.cr3 = cr3;
	df_tss.eip = (uint32_t)entry;
	df_tss.eflags = EFLAGS_RSVD;  /* interrupts off */
	df_tss.esp = df_tss.esp0 = stack_top;
	df_tss.cs = KERNEL_CS;
	df_tss.ds = df_tss.es = df_tss.ss = df_tss.fs = df_tss.gs = df_tss.ss0 = KERNEL_DS;
	df_tss.iomap_base = sizeof(struct tss);
}
