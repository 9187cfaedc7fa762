/*
 * ubench.c - user-space benchmarks, in instructions.
 *
 * Under the grader's QEMU (-icount shift=0) rdtsc counts retired
 * instructions, also in user mode, so every figure repeats exactly.
 * Each benchmark prints one line
 *     bench: NAME per_op=N.NN ...
 * that tools/bench.py and grader/test_lab5_bench.py read.
 *
 *   ubench getpid   a null system call's round trip: `int $48` with getpid's
 *                   number, 10 to a loop iteration; the same loop with a nop
 *                   in place of the int is subtracted, so per_op counts the
 *                   int, the kernel's whole path and the iret
 *   ubench pipe     one byte there and back between two processes over two
 *                   pipes: write, read, (switch), read, write, (switch)
 *   ubench pipe1    the same write and read of one byte in one process, with
 *                   no switch: what the two switches add to "pipe"
 *   ubench fork     fork + the child's exit + the parent's wait, for a
 *                   process of `pages` pages (ps()), the child exiting at once
 *   ubench sbrk     sbrk(+4096), a write to the new page, sbrk(-4096)
 *   ubench prompt   reset to the shell's first prompt: fork, exec sh with its
 *                   stdin and stdout on pipes, read until "$ " arrives, and
 *                   take rdtsc then (instructions since reset, BIOS included;
 *                   one exec of ubench more than a plain boot, which starts
 *                   sh from init directly); then close sh's input, so that
 *                   it exits. Meant for a fresh boot: init=ubench prompt
 *   ubench domcall  dom_call + dom_return into the asmadder domain (lab 6),
 *                   4 arguments and 2 results, with 2 domains loaded (this
 *                   process's home and asmadder): `int $49` with the
 *                   arguments in registers, 10 to a loop iteration, as for
 *                   getpid; the same loop with a nop in place of the int is
 *                   subtracted. asmadder (user/domains/asmadder.S) answers
 *                   from its entry registers with 6 instructions of its own
 *                   (5 and its `int $50`), so per_op is the kernel's round
 *                   trip (both gates, dom_call, dom_return, the two irets)
 *                   plus those 6: what IPC benchmarks call a null call
 *   ubench domcall16  the same with 16 domains loaded (15 asmadders, the
 *                   last one called): the path must not depend on how many
 *   ubench domcallc  the same as domcall into the adder domain, the same
 *                   answers in C (user/domains/adder.c): per_op adds what
 *                   a C callee costs, dom_crt0.S's entry and dom_main
 *                   (informational: make bench shows it with no target)
 *   ubench fault    a fault's round trip (lab 7): a divide by a divisor in
 *                   memory that is 0, 10 to a loop iteration; the home's
 *                   handler (fault_entry and a C function) sets the divisor
 *                   to 1 and resumes the state unchanged, and the divide
 *                   runs again. per_op counts the fault, the delivery, the
 *                   handler, fault_resume and the divide's second run; the
 *                   same loop with the divisor 1 already is subtracted.
 *                   Each of the 10 divides has an eip of its own, and %eax
 *                   is the loop counter: no two faults in a row come from
 *                   the same registers (the loop detector)
 *   ubench faultregs  the same with a fault_regs GET and SET: the handler
 *                   of a ud2 moves eip past it; the same loop with a 2-byte
 *                   nop in place of the ud2 is subtracted
 *   ubench irqwait  irq_wait with a delivery pending (lab 8): `int $51` with
 *                   the IRQ cap in %ecx, timed by rdtsc on either side; the
 *                   same with a nop in place of the int is subtracted. Each
 *                   wait needs an edge of its own (it takes every pending
 *                   delivery), so each is timed alone: a tick's injector
 *                   edge (boot with injectirq=IRQ_BENCH_LINE injectcount=N
 *                   injectrate=1) is delivered while ubench sleeps a tick,
 *                   masking the line, and the wait finds it pending
 *   ubench irqack   irq_ack of that masked line, nothing latched (`int $52`),
 *                   timed the same way, after each timed irq_wait
 *   ubench irqlatency  an edge to the driver back from irq_wait: ubench
 *                   sleeps in irq_wait, a tick's injector edge (irq_edge
 *                   takes rdtsc, irq_info's edge_tsc) wakes it, and rdtsc
 *                   right after the `int $51` minus edge_tsc is one sample
 *   ubench all      every one but prompt and the irq ones (which need the
 *                   injector on the command line)
 *
 * ubench exits 0 if every benchmark ran (budgets are the grader's business).
 */
#include "ulib.h"

#define PAGE 4096u

static void __attribute__((noreturn)) bench_fail(const char *name, const char *what, int r)
{
	printf("bench: %s FAILED: %s returned %d (%s)\n", name, what, r, r < 0 ? strerror(r) : "");
	exit(1);
}

/* total / ops with two decimals, as "per_op=N.NN" wants it. */
static void report(const char *name, uint32_t total, uint32_t ops, const char *extra)
{
	uint32_t whole = total / ops;
	uint32_t hundredths = total % ops * 100 / ops;     /* ops <= 100000: no overflow */
	printf("bench: %s per_op=%u.%02u ops=%u instructions=%u%s\n", name, whole, hundredths,
	       ops, total, extra);
}

/* ---- getpid ---- */

#define GETPID_LOOPS 10000      /* 10 calls each */

static uint32_t __attribute__((noinline)) getpid_loop(int loops)
{
	uint32_t t0 = rdtsc32();
	for (int i = 0; i < loops; i++)
		asm volatile(".rept 10\n\t"
			     "movl $6, %%eax\n\t"
			     "int $48\n\t"
			     ".endr" : : : "eax", "memory");
	return rdtsc32() - t0;
}

static uint32_t __attribute__((noinline)) nop_loop(int loops)
{
	uint32_t t0 = rdtsc32();
	for (int i = 0; i < loops; i++)
		asm volatile(".rept 10\n\t"
			     "movl $6, %%eax\n\t"
			     "nop\n\t"
			     ".endr" : : : "eax", "memory");
	return rdtsc32() - t0;
}

static void bench_getpid(void)
{
	getpid_loop(10);                        /* warm up */
	nop_loop(10);
	uint32_t with = getpid_loop(GETPID_LOOPS);
	uint32_t without = nop_loop(GETPID_LOOPS);
	uint32_t calls = GETPID_LOOPS * 10;
	/* per call: (with - without) / calls more than a nop, which is 1 */
	report("getpid", with - without + calls, calls, "");
}

/* ---- pipe ping-pong ---- */

#define PINGPONG_ROUNDS 2000
#define PINGPONG_WARMUP 20

/* Instructions for PINGPONG_ROUNDS of: write one byte to wfd, read one
 * byte from rfd (after a warm-up that is not counted). */
static uint32_t pingpong_rounds(const char *name, int wfd, int rfd)
{
	char c = 'x';
	int r;

	for (int i = 0; i < PINGPONG_WARMUP; i++) {
		write(wfd, &c, 1);
		read(rfd, &c, 1);
	}
	uint32_t t0 = rdtsc32();
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		if ((r = write(wfd, &c, 1)) != 1)
			bench_fail(name, "write", r);
		if ((r = read(rfd, &c, 1)) != 1)
			bench_fail(name, "read", r);
	}
	return rdtsc32() - t0;
}

static void bench_pipe(void)
{
	int there[2], back[2], r;
	char c = 'x';
	if ((r = pipe(there)) < 0 || (r = pipe(back)) < 0)
		bench_fail("pipe", "pipe", r);
	int pid = fork();
	if (pid < 0)
		bench_fail("pipe", "fork", pid);
	if (pid == 0) {
		close(there[1]);
		close(back[0]);
		while (read(there[0], &c, 1) == 1)
			write(back[1], &c, 1);
		exit(0);
	}
	close(there[0]);
	close(back[1]);
	uint32_t total = pingpong_rounds("pipe", there[1], back[0]);
	close(there[1]);
	close(back[0]);
	int st;
	wait(&st);
	report("pipe", total, PINGPONG_ROUNDS, "");
}

static void bench_pipe1(void)
{
	int fds[2], r;

	if ((r = pipe(fds)) < 0)
		bench_fail("pipe1", "pipe", r);
	uint32_t total = pingpong_rounds("pipe1", fds[1], fds[0]);
	close(fds[0]);
	close(fds[1]);
	report("pipe1", total, PINGPONG_ROUNDS, "");
}

/* ---- fork ---- */

#define FORKS 50

static struct procinfo table[64];

static void bench_fork(void)
{
	int st, pid;
	static char extra[32];
	for (int i = 0; i < 2; i++) {           /* warm up */
		if ((pid = fork()) == 0)
			exit(0);
		wait(&st);
	}
	uint32_t t0 = rdtsc32();
	for (int i = 0; i < FORKS; i++) {
		pid = fork();
		if (pid < 0)
			bench_fail("fork", "fork", pid);
		if (pid == 0)
			exit(0);
		int w = wait(&st);
		if (w != pid)
			bench_fail("fork", "wait", w);
	}
	uint32_t total = rdtsc32() - t0;
	unsigned pages = 0;
	int n = ps(table, 64), me = getpid();
	for (int i = 0; i < n; i++)
		if (table[i].pid == me)
			pages = table[i].pages;
	snprintf(extra, sizeof extra, " pages=%u", pages);
	report("fork", total, FORKS, extra);
}

/* ---- sbrk ---- */

#define SBRKS 2000

static void bench_sbrk(void)
{
	int brk = sbrk(0), r;
	uint32_t pad = (PAGE - (uint32_t)brk % PAGE) % PAGE;
	if (pad && (r = sbrk(pad)) < 0)
		bench_fail("sbrk", "sbrk", r);
	for (int i = 0; i < 5; i++) {           /* warm up */
		char *p = (char *)sbrk(PAGE);
		p[0] = 1;
		sbrk(-(int)PAGE);
	}
	uint32_t t0 = rdtsc32();
	for (int i = 0; i < SBRKS; i++) {
		r = sbrk(PAGE);
		if (r < 0)
			bench_fail("sbrk", "sbrk(4096)", r);
		*(volatile char *)r = 1;
		r = sbrk(-(int)PAGE);
		if (r < 0)
			bench_fail("sbrk", "sbrk(-4096)", r);
	}
	report("sbrk", rdtsc32() - t0, SBRKS, "");
}

/* ---- domcall ---- */

#define DOMCALL_LOOPS 1000      /* 10 calls each */

/* 10 times INSN a loop iteration, with the domain gate's registers loaded
 * as for a call of cap with a0..a3 = 1, 2, 3, 4 (%edx, %ebx, %esi, %edi;
 * r1 comes back in %edx, so a0 is loaded each time); *r0_sum gets the sum
 * of %eax after each. With INSN `int $49` it times the calls; with `nop`
 * (and %eax preset to the callee's answer, 10) the loop around them. */
#define DOMCALL_LOOP(name, insn, r0_before)                                          \
static uint32_t __attribute__((noinline)) name(int cap, int loops, uint32_t *r0_sum) \
{                                                                                    \
	uint32_t sum = 0;                                                            \
	uint32_t t0 = rdtsc32();                                                     \
	for (int i = 0; i < loops; i++) {                                            \
		uint32_t r0 = r0_before;                                             \
		asm volatile(".rept 10\n\t"                                          \
			     "movl %[cap], %%ecx\n\t"                                 \
			     "movl $1, %%edx\n\t"                                     \
			     insn "\n\t"                                              \
			     "addl %%eax, %[sum]\n\t"                                 \
			     ".endr"                                                 \
			     : "+a"(r0), [sum] "+m"(sum)                             \
			     : [cap] "m"(cap), "b"(2), "S"(3), "D"(4)                \
			     : "ecx", "edx", "memory");                              \
	}                                                                            \
	*r0_sum = sum;                                                               \
	return rdtsc32() - t0;                                                       \
}

DOMCALL_LOOP(domcall_loop, "int $49", 0)
DOMCALL_LOOP(domcall_nop_loop, "nop", 10)

/* The round trip into `callee` (asmadder or adder: the same answers),
 * with `domains` loaded: this process's home and domains - 1 callees, the
 * last one made the one called. */
static void bench_domcall_with(const char *name, const char *callee, int domains)
{
	int cap = -1;
	for (int i = 1; i < domains; i++)       /* the home domain is one */
		if ((cap = dom_create(callee, 0)) < 0)
			bench_fail(name, "dom_create", cap);
	uint32_t sum, nop_sum;
	domcall_loop(cap, 1, &sum);             /* warm up: maps this thread's call stack */
	domcall_nop_loop(cap, 1, &nop_sum);
	uint32_t with = domcall_loop(cap, DOMCALL_LOOPS, &sum);
	uint32_t without = domcall_nop_loop(cap, DOMCALL_LOOPS, &nop_sum);
	/* the callee answers r0 = a0 + a1 + a2 + a3 + badge = 10 */
	if (sum != 10u * 10 * DOMCALL_LOOPS) {
		printf("bench: %s FAILED: the r0s sum to %u, not %u\n", name, sum, 10u * 10 * DOMCALL_LOOPS);
		exit(1);
	}
	char extra[32];
	snprintf(extra, sizeof extra, " domains=%d", domains);
	report(name, with - without, 10 * DOMCALL_LOOPS, extra);
}

static void bench_domcall(void)
{
	bench_domcall_with("domcall", "asmadder", 2);
}

static void bench_domcall16(void)
{
	bench_domcall_with("domcall16", "asmadder", 16);
}

static void bench_domcallc(void)
{
	bench_domcall_with("domcallc", "adder", 2);
}

/* ---- fault and faultregs (lab 7) ---- */

#define FAULT_LOOPS 1000        /* 10 faults each */
#define T_DIVIDE_ERROR 0
#define T_INVALID_OPCODE 6
#define UD2_LENGTH 2

static volatile uint32_t bench_divisor;
static volatile uint32_t bench_faults;

static int bench_fix_divisor(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	bench_divisor = 1;
	bench_faults++;
	return FAULT_RESUME;
}

static int bench_skip_ud2(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	r.eip += UD2_LENGTH;
	bench_faults++;
	return fault_regs_resume(&r);
}

/* 10 divides of i by bench_divisor a loop iteration, each after storing
 * `divisor` there: 0 faults (and the handler makes it 1), 1 does not. */
static uint32_t __attribute__((noinline)) divide_loop(int loops, uint32_t divisor)
{
	uint32_t t0 = rdtsc32();
	for (int i = 0; i < loops; i++)
		asm volatile(".rept 10\n\t"
			     "movl %[d], %[div]\n\t"
			     "movl %[i], %%eax\n\t"
			     "xorl %%edx, %%edx\n\t"
			     "divl %[div]\n\t"
			     ".endr" : [div] "+m"(bench_divisor) : [d] "r"(divisor), [i] "r"(i)
			     : "eax", "edx", "memory");
	return rdtsc32() - t0;
}

/* 10 times INSN (ud2, or a 2-byte nop) a loop iteration, %eax the counter. */
#define UD2_LOOP(name, insn)                                                 \
static uint32_t __attribute__((noinline)) name(int loops)                  \
{                                                                            \
	uint32_t t0 = rdtsc32();                                             \
	for (int i = 0; i < loops; i++)                                      \
		asm volatile(".rept 10\n\t"                                   \
			     "movl %0, %%eax\n\t"                              \
			     insn "\n\t"                                       \
			     ".endr" : : "r"(i) : "eax", "memory");           \
	return rdtsc32() - t0;                                               \
}

UD2_LOOP(ud2_loop, "ud2")
UD2_LOOP(ud2_nop_loop, "xchgw %%ax, %%ax")

static void bench_set_handler(const char *name, fault_handler_t fn, unsigned int vector)
{
	int err = fault_handler_set(fn, FAULT_VECTOR_BIT(vector));
	if (err < 0)
		bench_fail(name, "fault_handler_set", err);
}

static void bench_check_faults(const char *name, uint32_t want)
{
	if (bench_faults != want) {
		printf("bench: %s FAILED: the handler ran %u times, not %u\n", name, bench_faults, want);
		exit(1);
	}
}

static void bench_fault(void)
{
	bench_set_handler("fault", bench_fix_divisor, T_DIVIDE_ERROR);
	divide_loop(1, 0);                      /* warm up */
	divide_loop(1, 1);
	bench_faults = 0;
	uint32_t with = divide_loop(FAULT_LOOPS, 0);
	uint32_t without = divide_loop(FAULT_LOOPS, 1);
	bench_check_faults("fault", 10 * FAULT_LOOPS);
	report("fault", with - without, 10 * FAULT_LOOPS, "");
}

static void bench_faultregs(void)
{
	bench_set_handler("faultregs", bench_skip_ud2, T_INVALID_OPCODE);
	ud2_loop(1);                            /* warm up */
	ud2_nop_loop(1);
	bench_faults = 0;
	uint32_t with = ud2_loop(FAULT_LOOPS);
	uint32_t without = ud2_nop_loop(FAULT_LOOPS);
	bench_check_faults("faultregs", 10 * FAULT_LOOPS);
	/* per fault: (with - without) / faults more than the nop, which is 1 */
	report("faultregs", with - without + 10 * FAULT_LOOPS, 10 * FAULT_LOOPS, "");
}

/* ---- irqwait, irqack and irqlatency (lab 8) ---- */

#define IRQ_BENCH_LINE 10       /* the injector's line on bench.py's command lines: quiet in QEMU */
/* Each sample waits for a tick's edge: at bench.py's hz=10000, the 104
 * are 10.4 M instructions of silence, inside the grader's budget for a
 * run that prints nothing (grader/qemu.py's SILENCE_BUDGET). */
#define IRQ_SAMPLES 100
#define IRQ_WARMUP 4            /* samples not counted */

/* rdtsc, INSN with cap in %ecx, rdtsc: the instructions from the first
 * rdtsc to the second; *result gets %eax after INSN (int $51 or $52
 * preserve every other register; after a nop it is junk). */
#define IRQ_GATE_TIMED(name, insn)                                            \
static uint32_t __attribute__((noinline)) name(int cap, int *result)         \
{                                                                             \
	uint32_t t0, t1;                                                      \
	int r;                                                                \
	asm volatile("rdtsc\n\t"                                              \
		     "movl %%eax, %[t0]\n\t"                                   \
		     "movl %[cap], %%ecx\n\t"                                  \
		     insn "\n\t"                                                \
		     "movl %%eax, %[r]\n\t"                                    \
		     "rdtsc"                                                  \
		     : "=&a"(t1), [t0] "=m"(t0), [r] "=m"(r)                  \
		     : [cap] "m"(cap) : "ecx", "edx", "memory");              \
	*result = r;                                                          \
	return t1 - t0;                                                       \
}

IRQ_GATE_TIMED(irq_wait_timed, "int $51")
IRQ_GATE_TIMED(irq_ack_timed, "int $52")
IRQ_GATE_TIMED(irq_nop_timed, "nop")

/* The bench line in mask mode, owned by this process's domain: its cap,
 * taken by the first irq benchmark of the run (`ubench irqwait irqack`
 * runs both on it: a second irq_get would be -E_BUSY). */
static int irq_bench_line(const char *name)
{
	static int cap = -1;

	if (cap < 0 && (cap = irq_get(ROOT_IRQ_CONTROL_SLOT, IRQ_BENCH_LINE, IRQ_MODE_MASK)) < 0)
		bench_fail(name, "irq_get", cap);
	return cap;
}

/* The line's state must be what a sample needs: else the figure would
 * time another path (an ack that delivers a latched edge, a wait that
 * sleeps). Without the injector on the command line nothing comes. */
static void irq_expect(const char *name, int cap, unsigned pending, int masked, int latched)
{
	struct irq_info info;
	int err = irq_info(cap, &info);

	if (err < 0)
		bench_fail(name, "irq_info", err);
	if (info.pending != pending || info.masked != masked || info.latched != latched) {
		printf("bench: %s FAILED: irq %d has pending %u masked %d latched %d, not %u %d %d "
		       "(boot with injectirq=%d injectcount=N injectrate=1)\n", name, IRQ_BENCH_LINE,
		       info.pending, info.masked, info.latched, pending, masked, latched,
		       IRQ_BENCH_LINE);
		exit(1);
	}
}

/* IRQ_SAMPLES of: sleep a tick (its injector edge is delivered and masks
 * the line), irq_wait timed, irq_ack timed. The instructions each took
 * more than the same block with a nop, summed, in *wait_total and
 * *ack_total. */
static void irq_wait_and_ack_samples(const char *name, uint32_t *wait_total, uint32_t *ack_total)
{
	int cap = irq_bench_line(name), r;

	*wait_total = *ack_total = 0;
	for (int i = 0; i < IRQ_WARMUP + IRQ_SAMPLES; i++) {
		sleep(1);
		irq_expect(name, cap, 1, 1, 0);
		uint32_t nop = irq_nop_timed(cap, &r);
		uint32_t wait = irq_wait_timed(cap, &r);
		if (r != 1)
			bench_fail(name, "irq_wait", r);
		uint32_t ack = irq_ack_timed(cap, &r);
		if (r != 0)
			bench_fail(name, "irq_ack", r);
		irq_expect(name, cap, 0, 0, 0);
		if (i >= IRQ_WARMUP) {
			*wait_total += wait - nop;
			*ack_total += ack - nop;
		}
	}
}

static void bench_irqwait(void)
{
	uint32_t wait, ack;

	irq_wait_and_ack_samples("irqwait", &wait, &ack);
	/* per wait: (with - without) / samples more than the nop, which is 1 */
	report("irqwait", wait + IRQ_SAMPLES, IRQ_SAMPLES, "");
}

static void bench_irqack(void)
{
	uint32_t wait, ack;

	irq_wait_and_ack_samples("irqack", &wait, &ack);
	report("irqack", ack + IRQ_SAMPLES, IRQ_SAMPLES, "");
}

/* irq_wait on cap, asleep until an edge, and rdtsc as soon as the gate is
 * back; *result gets what irq_wait returned. */
static uint32_t irq_wait_then_rdtsc(int cap, int *result)
{
	uint32_t t;
	int r;

	asm volatile("movl %[cap], %%ecx\n\t"
		     "int $51\n\t"
		     "movl %%eax, %[r]\n\t"
		     "rdtsc"
		     : "=a"(t), [r] "=m"(r) : [cap] "m"(cap) : "ecx", "edx", "memory");
	*result = r;
	return t;
}

static void bench_irqlatency(void)
{
	int cap = irq_bench_line("irqlatency"), r;
	uint32_t total = 0;
	struct irq_info info;

	for (int i = 0; i < IRQ_WARMUP + IRQ_SAMPLES; i++) {
		uint32_t before = rdtsc32();
		uint32_t back = irq_wait_then_rdtsc(cap, &r);
		if (r != 1)
			bench_fail("irqlatency", "irq_wait", r);
		if ((r = irq_info(cap, &info)) < 0)
			bench_fail("irqlatency", "irq_info", r);
		if ((int32_t)(info.edge_tsc - before) <= 0) {
			printf("bench: irqlatency FAILED: the edge came before irq_wait slept\n");
			exit(1);
		}
		if ((r = irq_ack(cap)) < 0)
			bench_fail("irqlatency", "irq_ack", r);
		if (i >= IRQ_WARMUP)
			total += back - info.edge_tsc;
	}
	report("irqlatency", total, IRQ_SAMPLES, "");
}

/* ---- reset to the shell's first prompt ---- */

static void bench_prompt(void)
{
	int in[2], out[2], r;
	if ((r = pipe(in)) < 0 || (r = pipe(out)) < 0)
		bench_fail("prompt", "pipe", r);
	int pid = fork();
	if (pid < 0)
		bench_fail("prompt", "fork", pid);
	if (pid == 0) {
		/* stdin from in[0]; stdout and stderr to out[1] */
		close(0);
		if (dup(in[0]) != 0)
			exit(120);
		close(1);
		if (dup(out[1]) != 1)
			exit(121);
		close(2);
		if (dup(out[1]) != 2)
			exit(122);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		static char *argv[] = { "sh", 0 };
		exec("sh", argv);
		exit(123);
	}
	close(in[0]);
	close(out[1]);
	char prev = 0, c;
	uint64_t at = 0;
	while ((r = read(out[0], &c, 1)) == 1) {
		if (prev == '$' && c == ' ') {
			at = rdtsc();
			break;
		}
		prev = c;
	}
	close(in[1]);                           /* end of input: sh exits */
	close(out[0]);
	int st = -1;
	wait(&st);
	if (!at) {
		printf("bench: prompt FAILED: sh's output ended (status 0x%x) before \"$ \"\n", st);
		exit(1);
	}
	printf("bench: prompt instructions=%llu (sh exited with status 0x%x)\n",
	       (unsigned long long)at, st);
}

struct bench {
	const char *name;
	void (*run)(void);
};

static const struct bench benches[] = {
	{ "getpid", bench_getpid },
	{ "pipe", bench_pipe },
	{ "pipe1", bench_pipe1 },
	{ "fork", bench_fork },
	{ "sbrk", bench_sbrk },
	{ "domcall", bench_domcall },
	{ "domcall16", bench_domcall16 },
	{ "domcallc", bench_domcallc },
	{ "fault", bench_fault },
	{ "faultregs", bench_faultregs },
	{ "prompt", bench_prompt },
	{ "irqwait", bench_irqwait },
	{ "irqack", bench_irqack },
	{ "irqlatency", bench_irqlatency },
};
/* Not in `all`: prompt wants a fresh boot, the irq ones the injector. */
#define BENCH_NOT_IN_ALL(name) (!strcmp(name, "prompt") || !strncmp(name, "irq", 3))
#define NBENCHES ((int)(sizeof benches / sizeof benches[0]))

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: ubench getpid|pipe|pipe1|fork|sbrk|domcall|domcall16|domcallc|fault|faultregs|prompt|"
		       "irqwait|irqack|irqlatency|all ...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		int found = 0;
		for (int i = 0; i < NBENCHES; i++)
			if (!strcmp(argv[a], benches[i].name) ||
			    (!strcmp(argv[a], "all") && !BENCH_NOT_IN_ALL(benches[i].name))) {
				benches[i].run();
				found = 1;
			}
		if (!found) {
			printf("ubench: no benchmark called %s\n", argv[a]);
			return 2;
		}
	}
	return 0;
}
