/*
 * faultsites.h - code that raises each kind of fault of faulter.h with
 * every register loaded from a seed, and sees what the registers and
 * eflags are after the instruction when a handler resumes it. Included by
 * the one file of a program that raises such faults (faulter.c, in a
 * created domain; fuzz.c, at home): it defines the code and its data.
 */
#ifndef USER_DOMAINS_FAULTSITES_H
#define USER_DOMAINS_FAULTSITES_H

#include "faulter.h"

/* What a site loads (eax ecx edx ebx esi edi ebp), the registers and
 * eflags after the instruction, and the stack pointer to come back to: a
 * handler may have moved esp (the fuzzer's do). */
static uint32_t faultsite_in[FAULTER_NREGS] __attribute__((used));
static uint32_t faultsite_out[FAULTER_NREGS] __attribute__((used));
static uint32_t faultsite_eflags __attribute__((used));
static uint32_t faultsite_esp __attribute__((used));
static const uint32_t faultsite_zero __attribute__((used));      /* FAULTER_DIV's divisor */

/*
 * faulter_raise_NAME(): the seeded registers, the instruction, the
 * registers after it. In assembly, since C cannot load every register
 * (ebp included) and then run one chosen instruction. Each is a function
 * of its own, named after its kind, so that a kill line's "eip (fn+0x..)"
 * and GDB say which one faulted.
 */
#define FAULTSITE(name, prepare, insn)                                          \
	asm(".text\n\t.globl faulter_raise_" #name "\n"                         \
	    ".type faulter_raise_" #name ", @function\n"                       \
	    "faulter_raise_" #name ":\n\t"                                      \
	    "pushl %ebp\n\tpushl %ebx\n\tpushl %esi\n\tpushl %edi\n\t"          \
	    "movl %esp, faultsite_esp\n\t"                                      \
	    prepare                                                             \
	    "movl faultsite_in, %eax\n\tmovl faultsite_in+4, %ecx\n\t"          \
	    "movl faultsite_in+8, %edx\n\tmovl faultsite_in+12, %ebx\n\t"       \
	    "movl faultsite_in+16, %esi\n\tmovl faultsite_in+20, %edi\n\t"      \
	    "movl faultsite_in+24, %ebp\n\t"                                    \
	    ".globl faultsite_" #name "_insn\nfaultsite_" #name "_insn:\n\t"     \
	    insn "\n"                                                           \
	    ".globl faultsite_" #name "_next\nfaultsite_" #name "_next:\n\t"     \
	    "cld\n\t"                 /* C code wants DF clear; a handler may set it */ \
	    "movl %eax, faultsite_out\n\tmovl %ecx, faultsite_out+4\n\t"        \
	    "movl %edx, faultsite_out+8\n\tmovl %ebx, faultsite_out+12\n\t"     \
	    "movl %esi, faultsite_out+16\n\tmovl %edi, faultsite_out+20\n\t"    \
	    "movl %ebp, faultsite_out+24\n\t"                                   \
	    "movl faultsite_esp, %esp\n\t"                                      \
	    "pushfl\n\tpopl faultsite_eflags\n\t"  /* as the resume left them, but DF */ \
	    "popl %edi\n\tpopl %esi\n\tpopl %ebx\n\tpopl %ebp\n\tret\n\t"       \
	    ".size faulter_raise_" #name ", . - faulter_raise_" #name "\n");    \
	void faulter_raise_##name(void);                                        \
	extern const char faultsite_##name##_insn[], faultsite_##name##_next[]

#define FAULTSITE_NO_PREPARE ""
#define FAULTSITE_SET_OF "pushl $0x802\n\tpopfl\n\t"   /* OF for into (and the reserved bit 1) */

FAULTSITE(div, FAULTSITE_NO_PREPARE, "divl faultsite_zero");
FAULTSITE(ud, FAULTSITE_NO_PREPARE, "ud2");
FAULTSITE(bp, FAULTSITE_NO_PREPARE, "int3");
FAULTSITE(of, FAULTSITE_SET_OF, "into");
FAULTSITE(gp, FAULTSITE_NO_PREPARE, "cli");
FAULTSITE(pf, FAULTSITE_NO_PREPARE, "movl %eax, (%ecx)");

static void (*const faultsites[FAULTER_KINDS])(void) = {
	[FAULTER_DIV] = faulter_raise_div, [FAULTER_UD] = faulter_raise_ud,
	[FAULTER_BP] = faulter_raise_bp, [FAULTER_OF] = faulter_raise_of,
	[FAULTER_GP] = faulter_raise_gp, [FAULTER_PF] = faulter_raise_pf,
};

/* Each site's instruction, and the one after it. */
static const char *const faultsite_insn[FAULTER_KINDS] = {
	[FAULTER_DIV] = faultsite_div_insn, [FAULTER_UD] = faultsite_ud_insn,
	[FAULTER_BP] = faultsite_bp_insn, [FAULTER_OF] = faultsite_of_insn,
	[FAULTER_GP] = faultsite_gp_insn, [FAULTER_PF] = faultsite_pf_insn,
};
static const char *const faultsite_next[FAULTER_KINDS] = {
	[FAULTER_DIV] = faultsite_div_next, [FAULTER_UD] = faultsite_ud_next,
	[FAULTER_BP] = faultsite_bp_next, [FAULTER_OF] = faultsite_of_next,
	[FAULTER_GP] = faultsite_gp_next, [FAULTER_PF] = faultsite_pf_next,
};

/* The kind whose site raised a fault of `vector` at `eip` (a fault's eip
 * is its instruction, a trap's the next one), or -1: the fault came from
 * somewhere else, such as a stray eip that a handler resumed at, and
 * skipping "the instruction" there would only fault again further on. */
static inline int faultsite_kind_at(uint32_t vector, uint32_t eip)
{
	for (int kind = 0; kind < FAULTER_KINDS; kind++) {
		const char *at = faulter_skip[kind] ? faultsite_insn[kind] : faultsite_next[kind];
		if (faulter_vector[kind] == vector && eip == (uint32_t)at)
			return kind;
	}
	return -1;
}

/* Raise fault `kind` (< FAULTER_KINDS) with the registers of seed (ecx =
 * addr for FAULTER_PF); once resumed, the mask of the registers that came
 * back changed (FAULTER_REG_xxx bits). faultsite_out[0] is eax then. */
static uint32_t faultsite_raise(uint32_t kind, uint32_t seed, uint32_t addr)
{
	uint32_t changed = 0;

	faulter_seeded_regs(seed, faultsite_in);
	if (kind == FAULTER_PF)
		faultsite_in[FAULTER_REG_ECX] = addr;
	faultsites[kind]();
	for (int i = 0; i < FAULTER_NREGS; i++)
		if (faultsite_out[i] != faultsite_in[i])
			changed |= 1u << i;
	return changed;
}

#endif
