/*
 * x86.h - thin C wrappers around the x86 instructions C cannot express.
 *
 * Each wrapper is one instruction (or a fixed pair); they are static inline so
 * they cost exactly what the instruction costs, which matters on the trap and
 * switch paths that `make bench` counts.
 */
#ifndef CPU_X86_H
#define CPU_X86_H

#include <stdint.h>

#define EFLAGS_IF   0x00000200u   /* interrupts enabled */
#define EFLAGS_RSVD 0x00000002u   /* bit 1 always reads as 1 */
#define EFLAGS_VM   0x00020000u   /* virtual-8086 mode */
#define EFLAGS_ID   0x00200000u   /* writable iff the CPU has CPUID */

#define CR0_PE 0x00000001u        /* protected mode */
#define CR0_MP 0x00000002u        /* wait/fwait honour TS too */
#define CR0_EM 0x00000004u        /* no FPU: every x87 instruction traps (#NM) */
#define CR0_TS 0x00000008u        /* task switched: the next FPU instruction traps (#NM) */
#define CR0_NE 0x00000020u        /* x87 errors raise #MF, not the PIC's IRQ 13 */
#define CR0_WP 0x00010000u        /* supervisor writes honour read-only pages */
#define CR0_PG 0x80000000u        /* paging */

#define CR4_OSFXSR     0x00000200u  /* fxsave/fxrstor save SSE state; SSE allowed */
#define CR4_OSXMMEXCPT 0x00000400u  /* unmasked SSE exceptions raise #XM, not #UD */
#define CR4_UMIP       0x00000800u  /* sgdt, sidt, sldt, str, smsw fault in ring 3 */

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

/* Enable interrupts and halt in one step: `sti` takes effect after the next
 * instruction, so no interrupt can slip in between and be missed. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline uint32_t read_eflags(void)
{
	uint32_t v;
	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

static inline void write_eflags(uint32_t v)
{
	__asm__ volatile("pushl %0; popfl" : : "r"(v) : "memory", "cc");
}

/* irq_save/irq_restore bracket a section that must not be interrupted and
 * may itself be entered with interrupts already off. */
static inline uint32_t irq_save(void)
{
	uint32_t flags = read_eflags();
	cli();
	return flags;
}

static inline void irq_restore(uint32_t flags)
{
	if (flags & EFLAGS_IF)
		sti();
}

/* The CPUID leaf's eax, ebx, ecx, edx (ecx selects the sub-leaf). */
struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* Clear CR0.TS: FPU instructions run (the running process owns the FPU). */
static inline void clts(void) { __asm__ volatile("clts" ::: "memory"); }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                          \
	static inline uint32_t read_cr##n(void)                         \
	{                                                               \
		uint32_t v;                                             \
		__asm__ volatile("movl %%cr" #n ", %0" : "=r"(v));      \
		return v;                                               \
	}                                                               \
	static inline void write_cr##n(uint32_t v)                      \
	{                                                               \
		__asm__ volatile("movl %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

/* Set CR0.TS: the next FPU instruction traps (#NM), so that the FPU's
 * owner can be changed first. */
static inline void stts(void) { write_cr0(read_cr0() | CR0_TS); }

/* Copy n 32-bit words with one `rep movsl`: the cheapest copy in
 * instructions, used for trap frames on the switch path. */
static inline void copy_words(void *dst, const void *src, uint32_t n)
{
	__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint32_t read_ebp(void)
{
	uint32_t v;
	__asm__ volatile("movl %%ebp, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_esp(void)
{
	uint32_t v;
	__asm__ volatile("movl %%esp, %0" : "=r"(v));
	return v;
}

#endif
