/*
 * faulter.c - a domain that raises the fault it is asked for, with
 * registers from a seed, and handles faults by a fixed policy
 * (faulter.h): the fuzzer's created domains and the lab 7 tools' scenes.
 */
#include "ulib.h"
#include "faulter.h"

/* What FAULTER_RAISE loads (eax ecx edx ebx esi edi ebp), what the
 * registers held after the instruction, and the stack pointer to come
 * back to: a handler may have moved esp (the fuzzer's do). */
uint32_t faulter_in[FAULTER_NREGS], faulter_out[FAULTER_NREGS];
uint32_t faulter_esp;
const uint32_t faulter_zero = 0;          /* the divisor of FAULTER_DIV */

/*
 * faulter_raise_NAME(): the seeded registers, the instruction, the
 * registers after it. In assembly, since C cannot load every register
 * (ebp included) and then run one chosen instruction. Each is a function
 * of its own, named after its kind, so a report's "eip (fn+0x..)" says
 * which one faulted.
 */
#define FAULTER_SITE(name, prepare, insn)                                       \
	asm(".text\n\t.globl faulter_raise_" #name "\n"                         \
	    ".type faulter_raise_" #name ", @function\n"                       \
	    "faulter_raise_" #name ":\n\t"                                      \
	    "pushl %ebp\n\tpushl %ebx\n\tpushl %esi\n\tpushl %edi\n\t"          \
	    "movl %esp, faulter_esp\n\t"                                        \
	    prepare                                                             \
	    "movl faulter_in, %eax\n\tmovl faulter_in+4, %ecx\n\t"              \
	    "movl faulter_in+8, %edx\n\tmovl faulter_in+12, %ebx\n\t"           \
	    "movl faulter_in+16, %esi\n\tmovl faulter_in+20, %edi\n\t"          \
	    "movl faulter_in+24, %ebp\n\t"                                      \
	    insn "\n\t"                                                         \
	    "movl %eax, faulter_out\n\tmovl %ecx, faulter_out+4\n\t"            \
	    "movl %edx, faulter_out+8\n\tmovl %ebx, faulter_out+12\n\t"         \
	    "movl %esi, faulter_out+16\n\tmovl %edi, faulter_out+20\n\t"        \
	    "movl %ebp, faulter_out+24\n\t"                                     \
	    "movl faulter_esp, %esp\n\t"                                        \
	    "popl %edi\n\tpopl %esi\n\tpopl %ebx\n\tpopl %ebp\n\tret\n\t"       \
	    ".size faulter_raise_" #name ", . - faulter_raise_" #name "\n");    \
	void faulter_raise_##name(void)

#define NO_PREPARE ""
#define SET_OF "pushl $0x802\n\tpopfl\n\t"     /* OF for into (and the reserved bit 1) */

FAULTER_SITE(div, NO_PREPARE, "divl faulter_zero");
FAULTER_SITE(ud, NO_PREPARE, "ud2");
FAULTER_SITE(bp, NO_PREPARE, "int3");
FAULTER_SITE(of, SET_OF, "into");
FAULTER_SITE(gp, NO_PREPARE, "cli");
FAULTER_SITE(pf, NO_PREPARE, "movl %eax, (%ecx)");

static void (*const faulter_sites[FAULTER_KINDS])(void) = {
	[FAULTER_DIV] = faulter_raise_div, [FAULTER_UD] = faulter_raise_ud,
	[FAULTER_BP] = faulter_raise_bp, [FAULTER_OF] = faulter_raise_of,
	[FAULTER_GP] = faulter_raise_gp, [FAULTER_PF] = faulter_raise_pf,
};

static uint64_t faulter_raise(uint32_t kind, uint32_t seed, uint32_t addr)
{
	uint32_t changed = 0;

	if (kind >= FAULTER_KINDS)
		return dom_reply((uint32_t)-E_INVAL, 0);
	faulter_seeded_regs(seed, faulter_in);
	if (kind == FAULTER_PF)
		faulter_in[FAULTER_REG_ECX] = addr;
	faulter_sites[kind]();
	for (int i = 0; i < FAULTER_NREGS; i++)
		if (faulter_out[i] != faulter_in[i])
			changed |= 1u << i;
	return dom_reply(faulter_out[0], changed);
}

static int policy;

/* The instruction of the kind whose vector this is, skipped. */
static int faulter_skip_it(unsigned int vector)
{
	struct fault_regs r;

	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	for (int kind = 0; kind < FAULTER_KINDS; kind++)
		if (faulter_vector[kind] == vector)
			r.eip += faulter_skip[kind];
	return fault_regs(FAULT_REGS_SET, &r) < 0 ? FAULT_KILL : FAULT_RESUME;
}

static int faulter_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	(void)addr, (void)error, (void)dom;
	switch (policy) {
	case FAULTER_PASSUP:
		return FAULT_PASS;
	case FAULTER_KILLIT:
		return FAULT_KILL;
	case FAULTER_AGAIN:
		return FAULT_RESUME;
	case FAULTER_BOGUS:
		if (fault_resume(FAULT_KILL + 1 + (int)vector) != -E_INVAL)
			asm volatile("ud2");            /* it must refuse: say so by faulting */
		return faulter_skip_it(vector);
	case FAULTER_CRASH:
		asm volatile("ud2");
		return FAULT_KILL;
	default:
		return faulter_skip_it(vector);
	}
}

static uint64_t faulter_handler(uint32_t how, uint32_t mask, uint32_t eip)
{
	if (how == FAULTER_RAW)
		return dom_reply((uint32_t)dom_set_handler(eip, mask), 0);
	policy = (int)how;
	return dom_reply((uint32_t)fault_handler_set(faulter_on_fault, mask), 0);
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)badge;
	if (op == FAULTER_RAISE)
		return faulter_raise(a1, a2, a3);
	if (op == FAULTER_HANDLER)
		return faulter_handler(a1, a2, a3);
	return dom_reply((uint32_t)-E_INVAL, 0);
}
