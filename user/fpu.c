/*
 * fpu.c - every process has FPU registers of its own (x87, MMX, SSE, and
 * the x87 control word and MXCSR that go with them), and a program may
 * compute in floating point.
 *
 *   fpu regs SEED ROUNDS     two children, each ROUNDS times: load the
 *                            registers with values drawn from SEED and its
 *                            number (x87 and SSE in even rounds, MMX and SSE
 *                            in odd ones), give up the CPU (yield, sleep(1)
 *                            or a spin the timer preempts), check that every
 *                            value is still there. Each child prints the
 *                            FNV-1a checksum of all it loaded
 *   fpu fork SEED            the parent loads values and forks, then loads
 *                            others before the child runs: the child must
 *                            see the first ones, the parent the second
 *   fpu exec SEED            load values, non-default control bits and a
 *                            full x87 stack, then exec "fpu clean"
 *   fpu clean                the FPU is as a new program must find it:
 *                            control word 0x37F, status 0, every x87
 *                            register empty, MXCSR 0x1F80, and every MMX
 *                            and SSE register zero
 *   fpu calc A K [A K]...    one child per pair, all at once, computing
 *                            the sum of 1/(k*k + A) for k = 1..K in double
 *                            precision (the loop is long enough for the
 *                            timer to switch between them mid-sum)
 *
 * Each part prints one verdict line, "fpu: PART: OK..." or "fpu: PART:
 * FAILED: why", and exits 0 iff it passed. The registers are loaded and
 * read with inline assembly; between those, only code that never touches
 * the FPU runs (the compiler generates no MMX or SSE code for user
 * programs, and none of the x87 either outside `calc`).
 */
#include "ulib.h"

#define X87_CW_DEFAULT      0x037Fu
#define X87_CW_CONTROL      0x0F00u     /* precision and rounding control */
#define X87_SW_DEFAULT      0x0000u
#define X87_TAGS_EMPTY      0xFFFFu
#define MXCSR_DEFAULT       0x1F80u
#define MXCSR_CONTROL       0xE000u     /* rounding control and flush-to-zero */
#define NREGS               8
#define XMM_WORDS           4
#define SPIN_INSTRUCTIONS   1500000u    /* more than a tick at hz=1000 */
#define FNV_OFFSET          2166136261u
#define FNV_PRIME           16777619u
#define MAX_WORKERS         7

struct fpu_regs {
	uint32_t x87[NREGS];            /* integers in st(0)..st(7) */
	uint32_t mmx[NREGS][2];         /* mm0..mm7, low word first */
	uint32_t xmm[NREGS][XMM_WORDS]; /* xmm0..xmm7 */
	uint16_t cw;
	uint32_t mxcsr;
};

/* fnstenv's 28-byte environment (32-bit protected mode). */
struct x87_env {
	uint32_t cw, sw, tw, fip, fcs, fdp, fds;
};

static const char *part = "fpu";

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("fpu: %s: FAILED: %s\n", part, msg);
	exit(1);
}

static uint32_t fnv1a_word(uint32_t h, uint32_t w)
{
	for (int i = 0; i < 4; i++)
		h = (h ^ ((w >> (8 * i)) & 0xFF)) * FNV_PRIME;
	return h;
}

/* Draw a round's values (x87 or MMX, then SSE, control word, MXCSR) and
 * add them to *sum in the same order. */
static void regs_draw(struct fpu_regs *r, uint32_t *state, int mmx, uint32_t *sum)
{
	for (int i = 0; i < NREGS; i++) {
		if (mmx) {
			r->mmx[i][0] = xorshift32(state);
			r->mmx[i][1] = xorshift32(state);
			*sum = fnv1a_word(fnv1a_word(*sum, r->mmx[i][0]), r->mmx[i][1]);
		} else {
			r->x87[i] = xorshift32(state);
			*sum = fnv1a_word(*sum, r->x87[i]);
		}
	}
	for (int i = 0; i < NREGS; i++)
		for (int j = 0; j < XMM_WORDS; j++)
			*sum = fnv1a_word(*sum, r->xmm[i][j] = xorshift32(state));
	r->cw = (uint16_t)((X87_CW_DEFAULT & ~X87_CW_CONTROL) | (xorshift32(state) & X87_CW_CONTROL));
	r->mxcsr = MXCSR_DEFAULT | (xorshift32(state) & MXCSR_CONTROL);
	*sum = fnv1a_word(fnv1a_word(*sum, r->cw), r->mxcsr);
}

/* Load every register of r: st(i) = x87[i] (the stack must be empty), or
 * mm0..mm7; xmm0..xmm7; the control word; MXCSR. */
static void regs_load(const struct fpu_regs *r, int mmx)
{
	if (mmx)
		asm volatile("movq 0(%0), %%mm0\n\t movq 8(%0), %%mm1\n\t"
			     "movq 16(%0), %%mm2\n\t movq 24(%0), %%mm3\n\t"
			     "movq 32(%0), %%mm4\n\t movq 40(%0), %%mm5\n\t"
			     "movq 48(%0), %%mm6\n\t movq 56(%0), %%mm7"
			     : : "r"(r->mmx) : "memory");
	else
		asm volatile("fildl 28(%0)\n\t fildl 24(%0)\n\t fildl 20(%0)\n\t fildl 16(%0)\n\t"
			     "fildl 12(%0)\n\t fildl 8(%0)\n\t fildl 4(%0)\n\t fildl 0(%0)"
			     : : "r"(r->x87) : "memory");
	asm volatile("movups 0(%0), %%xmm0\n\t movups 16(%0), %%xmm1\n\t"
		     "movups 32(%0), %%xmm2\n\t movups 48(%0), %%xmm3\n\t"
		     "movups 64(%0), %%xmm4\n\t movups 80(%0), %%xmm5\n\t"
		     "movups 96(%0), %%xmm6\n\t movups 112(%0), %%xmm7"
		     : : "r"(r->xmm) : "memory");
	asm volatile("fldcw %0\n\t ldmxcsr %1" : : "m"(r->cw), "m"(r->mxcsr));
}

/* Read them back into r, the same way; the x87 stack (or, after emms,
 * the MMX registers) is empty afterwards. */
static void regs_store(struct fpu_regs *r, int mmx)
{
	asm volatile("fnstcw %0\n\t stmxcsr %1" : "=m"(r->cw), "=m"(r->mxcsr));
	asm volatile("movups %%xmm0, 0(%0)\n\t movups %%xmm1, 16(%0)\n\t"
		     "movups %%xmm2, 32(%0)\n\t movups %%xmm3, 48(%0)\n\t"
		     "movups %%xmm4, 64(%0)\n\t movups %%xmm5, 80(%0)\n\t"
		     "movups %%xmm6, 96(%0)\n\t movups %%xmm7, 112(%0)"
		     : : "r"(r->xmm) : "memory");
	if (mmx)
		asm volatile("movq %%mm0, 0(%0)\n\t movq %%mm1, 8(%0)\n\t"
			     "movq %%mm2, 16(%0)\n\t movq %%mm3, 24(%0)\n\t"
			     "movq %%mm4, 32(%0)\n\t movq %%mm5, 40(%0)\n\t"
			     "movq %%mm6, 48(%0)\n\t movq %%mm7, 56(%0)\n\t"
			     "emms" : : "r"(r->mmx) : "memory");
	else
		asm volatile("fistpl 0(%0)\n\t fistpl 4(%0)\n\t fistpl 8(%0)\n\t fistpl 12(%0)\n\t"
			     "fistpl 16(%0)\n\t fistpl 20(%0)\n\t fistpl 24(%0)\n\t fistpl 28(%0)"
			     : : "r"(r->x87) : "memory");
}

/* 0 if got holds what want does; else a sentence saying what differs. */
static const char *regs_compare(const struct fpu_regs *got, const struct fpu_regs *want, int mmx)
{
	static char why[120];

	for (int i = 0; i < NREGS; i++) {
		if (mmx && (got->mmx[i][0] != want->mmx[i][0] || got->mmx[i][1] != want->mmx[i][1])) {
			snprintf(why, sizeof why, "mm%d is 0x%08x%08x, expected 0x%08x%08x", i,
				 got->mmx[i][1], got->mmx[i][0], want->mmx[i][1], want->mmx[i][0]);
			return why;
		}
		if (!mmx && got->x87[i] != want->x87[i]) {
			snprintf(why, sizeof why, "st(%d) is %d, expected %d", i,
				 (int)got->x87[i], (int)want->x87[i]);
			return why;
		}
		for (int j = 0; j < XMM_WORDS; j++) {
			if (got->xmm[i][j] != want->xmm[i][j]) {
				snprintf(why, sizeof why, "xmm%d word %d is 0x%08x, expected 0x%08x",
					 i, j, got->xmm[i][j], want->xmm[i][j]);
				return why;
			}
		}
	}
	if ((got->cw & (X87_CW_CONTROL | 0x3F)) != (want->cw & (X87_CW_CONTROL | 0x3F))) {
		snprintf(why, sizeof why, "the x87 control word is 0x%04x, expected 0x%04x",
			 got->cw, want->cw);
		return why;
	}
	if (got->mxcsr != want->mxcsr) {
		snprintf(why, sizeof why, "MXCSR is 0x%08x, expected 0x%08x", got->mxcsr, want->mxcsr);
		return why;
	}
	return 0;
}

static void spin(uint32_t instructions)
{
	uint32_t start = rdtsc32();
	while (rdtsc32() - start < instructions)
		;
}

/* Give up the CPU one of three ways: round-robin among the rounds. */
static void pause_round(int round)
{
	if (round % 3 == 0)
		yield();
	else if (round % 3 == 1)
		sleep(1);
	else
		spin(SPIN_INSTRUCTIONS);
}

static uint32_t child_seed(uint32_t seed, int child)
{
	return seed * 2654435761u + (uint32_t)child + 1;
}

static void __attribute__((noreturn)) regs_child(uint32_t seed, int child, int rounds)
{
	uint32_t state = child_seed(seed, child), sum = FNV_OFFSET;
	struct fpu_regs want, got;

	for (int round = 0; round < rounds; round++) {
		int mmx = round & 1;
		regs_draw(&want, &state, mmx, &sum);
		regs_load(&want, mmx);
		pause_round(round);
		regs_store(&got, mmx);
		const char *why = regs_compare(&got, &want, mmx);
		if (why)
			fail("child %d, round %d (%s): %s", child, round, mmx ? "MMX" : "x87", why);
	}
	printf("fpu: regs: child %d: %d rounds, checksum 0x%08x\n", child, rounds, sum);
	exit(0);
}

static int wait_children(int n)
{
	int ok = 1;
	for (int i = 0; i < n; i++) {
		int status = -1;
		int pid = wait(&status);
		if (pid < 0)
			fail("wait returned %d", pid);
		if (status != 0) {
			printf("fpu: %s: pid %d ended with status 0x%x\n", part, pid, status);
			ok = 0;
		}
	}
	return ok;
}

static int xfork(void)
{
	int pid = fork();
	if (pid < 0)
		fail("fork returned %d", pid);
	return pid;
}

static void part_regs(uint32_t seed, int rounds)
{
	for (int child = 0; child < 2; child++)
		if (xfork() == 0)
			regs_child(seed, child, rounds);
	if (!wait_children(2))
		fail("a child failed");
	printf("fpu: regs: OK: two processes kept their registers through %d rounds each\n", rounds);
}

static void part_fork(uint32_t seed)
{
	uint32_t state = seed, sum = FNV_OFFSET;
	struct fpu_regs first, second, got;
	const char *why;

	regs_draw(&first, &state, 0, &sum);
	regs_draw(&second, &state, 0, &sum);
	regs_load(&first, 0);
	int pid = xfork();
	regs_store(&got, 0);
	if ((why = regs_compare(&got, &first, 0)))
		fail("%s, right after fork: %s", pid ? "the parent" : "the child", why);
	if (pid == 0)
		exit(0);
	/* The child has not run yet: the parent runs on until it waits. */
	regs_load(&second, 0);
	if (!wait_children(1))
		fail("the child did not see the parent's registers as they were at fork");
	regs_store(&got, 0);
	if ((why = regs_compare(&got, &second, 0)))
		fail("the parent, after its child ran: %s", why);
	printf("fpu: fork: OK: the child saw the state at fork, the parent kept its own\n");
}

static void part_exec(uint32_t seed)
{
	uint32_t state = seed, sum = FNV_OFFSET;
	struct fpu_regs r;
	char *args[] = { "fpu", "clean", 0 };

	regs_draw(&r, &state, 0, &sum);
	r.cw = (uint16_t)(r.cw ^ X87_CW_CONTROL);  /* never the default */
	r.mxcsr |= MXCSR_CONTROL;
	regs_load(&r, 0);
	int err = exec("fpu", args);
	fail("exec returned %d", err);
}

static void part_clean(void)
{
	struct x87_env env;
	struct fpu_regs got, zero;
	uint32_t mxcsr;

	/* fnstenv first: an MMX instruction would mark the registers used. */
	asm volatile("fnstenv %0\n\t stmxcsr %1" : "=m"(env), "=m"(mxcsr));
	if ((env.cw & 0xFFFF) != X87_CW_DEFAULT)
		fail("the x87 control word is 0x%04x, expected 0x%04x", env.cw & 0xFFFF, X87_CW_DEFAULT);
	if ((env.sw & 0xFFFF) != X87_SW_DEFAULT)
		fail("the x87 status word is 0x%04x, expected 0x%04x", env.sw & 0xFFFF, X87_SW_DEFAULT);
	if ((env.tw & 0xFFFF) != X87_TAGS_EMPTY)
		fail("the x87 tag word is 0x%04x, expected 0x%04x (all empty)", env.tw & 0xFFFF,
		     X87_TAGS_EMPTY);
	if (mxcsr != MXCSR_DEFAULT)
		fail("MXCSR is 0x%08x, expected 0x%08x", mxcsr, MXCSR_DEFAULT);
	memset(&zero, 0, sizeof zero);
	regs_store(&got, 1);
	got.cw = zero.cw = 0;
	got.mxcsr = zero.mxcsr = 0;
	const char *why = regs_compare(&got, &zero, 1);
	if (why)
		fail("a register a new program finds is not zero: %s", why);
	printf("fpu: clean: OK: control word 0x%04x, MXCSR 0x%04x, every register empty and zero\n",
	       X87_CW_DEFAULT, MXCSR_DEFAULT);
}

/* "whole.fraction" with `digits` decimals, truncated (v >= 0). */
static void format_fixed(char *buf, int size, double v, int digits)
{
	int whole = (int)v;
	int n = snprintf(buf, size, "%d.", whole);
	double fraction = v - whole;

	for (int i = 0; i < digits && n < size - 1; i++) {
		fraction *= 10;
		int digit = (int)fraction;
		fraction -= digit;
		buf[n++] = (char)('0' + digit);
	}
	buf[n] = 0;
}

static void __attribute__((noreturn)) calc_child(int a, int k_max)
{
	double sum = 0;
	char text[40];

	for (int k = 1; k <= k_max; k++)
		sum += 1.0 / ((double)k * k + a);
	format_fixed(text, sizeof text, sum, 12);
	printf("fpu: calc: A=%d K=%d sum=%s\n", a, k_max, text);
	exit(0);
}

static void part_calc(int npairs, char **pairs)
{
	if (npairs < 1 || npairs > MAX_WORKERS)
		fail("give 1 to %d pairs A K", MAX_WORKERS);
	for (int i = 0; i < npairs; i++)
		if (xfork() == 0)
			calc_child(atoi(pairs[2 * i]), atoi(pairs[2 * i + 1]));
	if (!wait_children(npairs))
		fail("a worker failed");
	printf("fpu: calc: OK: %d workers\n", npairs);
}

static void __attribute__((noreturn)) usage(void)
{
	printf("usage: fpu regs SEED ROUNDS | fork SEED | exec SEED | clean | calc A K [A K]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	part = argv[1];
	if (!strcmp(part, "regs") && argc == 4)
		part_regs((uint32_t)atoi(argv[2]), atoi(argv[3]));
	else if (!strcmp(part, "fork") && argc == 3)
		part_fork((uint32_t)atoi(argv[2]));
	else if (!strcmp(part, "exec") && argc == 3)
		part_exec((uint32_t)atoi(argv[2]));
	else if (!strcmp(part, "clean") && argc == 2)
		part_clean();
	else if (!strcmp(part, "calc") && argc >= 4 && argc % 2 == 0)
		part_calc((argc - 2) / 2, argv + 2);
	else
		usage();
	return 0;
}
