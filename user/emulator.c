/*
 * emulator.c - an instruction emulator in user space (lab 7): a made-up
 * instruction, RAND reg, which no CPU has, is emulated by this program's
 * own invalid-opcode handler.
 *
 *     RAND reg   0f 0b E0+reg   (ud2, then an operand byte; reg in the
 *                               CPU's numbering: 0 eax, 1 ecx, 2 edx,
 *                               3 ebx, 5 ebp, 6 esi, 7 edi; not 4, esp)
 *
 * sets reg to the next number of the emulator's xorshift32 generator
 * (ulib.h's xorshift32) and goes on after the operand byte. `emulator SEED
 * N` seeds the generator and runs N rounds of six RANDs (into eax, ecx,
 * edx, ebx, esi, edi), folding each round into a hash, and prints
 *     emulator: N rounds, hash HASH, RANDS emulated
 * Then a forked child runs RAND esp, which the emulator refuses (it says
 * FAULT_KILL: the child dies with the kill line naming its handler):
 *     emulator: RAND esp: killed by invalid opcode
 */
#include "ulib.h"
#include "lab.h"

#define T_INVALID_OPCODE 6
#define UD2_BYTE0 0x0f
#define UD2_BYTE1 0x0b
#define RAND_OPERAND_BASE 0xe0          /* the operand byte: 0xe0 + the register's number */
#define RAND_LENGTH 3                   /* ud2 and the operand byte */
#define REG_ESP 4

static uint32_t rand_state;
static uint32_t rands_emulated;

/* RAND reg as bytes in an asm string: ud2 and the operand. */
#define RAND(reg_number) "ud2\n\t.byte 0xe0 + " #reg_number "\n\t"

/* The register reg (in the CPU's numbering) of the faulting state. */
static LAB_GIVEN uint32_t *emulator_reg(struct fault_regs *r, unsigned int reg)
{
	uint32_t *const regs[8] = { &r->eax, &r->ecx, &r->edx, &r->ebx, &r->esp, &r->ebp, &r->esi, &r->edi };
	return regs[reg & 7];
}

/*
 * The invalid-opcode handler: the instruction at the faulting eip (in this
 * domain: the handler reads it directly) must be RAND reg with a register
 * other than esp; then reg gets xorshift32(&rand_state), eip moves past
 * the three bytes (fault_regs GET, edit, SET) and the program resumes.
 * Anything else, a real invalid opcode among them, is FAULT_KILL.
 */
#if LAB_SOLUTION(7)
static int emulator_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	if (vector != T_INVALID_OPCODE || fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	const uint8_t *insn = (const uint8_t *)r.eip;
	unsigned int reg = (unsigned int)insn[2] - RAND_OPERAND_BASE;
	if (insn[0] != UD2_BYTE0 || insn[1] != UD2_BYTE1 || reg > 7 || reg == REG_ESP)
		return FAULT_KILL;
	*emulator_reg(&r, reg) = xorshift32(&rand_state);
	r.eip += RAND_LENGTH;
	rands_emulated++;
	return fault_regs_resume(&r);
}
#else
static int emulator_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	printf("emulator: emulator_on_fault: not implemented (lab 7)\n");
	return FAULT_KILL;
}
#endif

/* One round: six RANDs, folded into h. */
static uint32_t emulator_round(uint32_t h)
{
	uint32_t a, c, d, b, s, di;

	asm volatile(RAND(0) RAND(1) RAND(2) RAND(3) RAND(6) RAND(7)
		     : "=a"(a), "=c"(c), "=d"(d), "=b"(b), "=S"(s), "=D"(di) : : "memory");
	const uint32_t v[6] = { a, c, d, b, s, di };
	for (int i = 0; i < 6; i++)
		h = (h ^ v[i]) * 16777619u;
	return h;
}

int main(int argc, char **argv)
{
	unsigned int seed, rounds;

	if (argc != 3 || parse_uint(argv[1], &seed) < 0 || parse_uint(argv[2], &rounds) < 0)
		die("usage: emulator SEED N");
	rand_state = seed;
	int err = fault_handler_set(emulator_on_fault, FAULT_VECTOR_BIT(T_INVALID_OPCODE));
	if (err < 0)
		die("fault_handler_set: %s", strerror(err));
	uint32_t h = 2166136261u;
	for (unsigned int i = 0; i < rounds; i++)
		h = emulator_round(h);
	printf("emulator: %u rounds, hash %08x, %u RANDs emulated\n", rounds, h, rands_emulated);
	int pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(pid));
	if (pid == 0) {
		asm volatile(RAND(4) ::: "memory");
		printf("emulator: RAND esp ran\n");
		exit(0);
	}
	int st = -1;
	wait(&st);
	if (WIFKILLED(st))
		printf("emulator: RAND esp: killed by %s\n", WKILLCAUSE(st) == T_INVALID_OPCODE ? "invalid opcode" : "?");
	else
		printf("emulator: RAND esp: exited %d\n", WEXITSTATUS(st));
	return 0;
}
