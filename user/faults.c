/*
 * faults.c - user programs that break the rules, one way each. The kernel
 * must kill only the offender, with one console line
 *     pid P (faults): killed by WHAT, eip 0x........ (fault_NAME+0x..)
 * and carry on.
 *
 *   faults solo NAME           do NAME in this process (lab 4: run as pid 1,
 *                              so the kernel then reports init killed)
 *   faults isolate NAME...     for each NAME (or "all"): fork a sibling that
 *                              spins and then exits 42, fork a victim that
 *                              does NAME, and check that the victim is
 *                              killed with the right cause, the sibling
 *                              exits 42 after it, and memfree() and the
 *                              process table come back (lab 5)
 *   faults list                the names, causes and functions
 *
 * Each behaviour is its own function fault_NAME, so that the kill line can
 * name it: the functions are global and never inlined or cloned.
 */
#include "ulib.h"

#define FAULT_FN __attribute__((noinline, noipa, used))

#define CAUSE_DIVIDE   0
#define CAUSE_OPCODE   6
#define CAUSE_GP       13
#define CAUSE_PAGE     14
#define CAUSE_X87      16

#define EFLAGS_IF      0x00000200u
#define EFLAGS_VM      0x00020000u
#define LDT_ENTRIES    8192
#define LDT_FIRST_PROBED 512    /* 8-byte descriptors: entry 512 is at 4 KiB */
#define SELECTOR(index, ldt, rpl) ((uint16_t)((index) << 3 | (ldt) << 2 | (rpl)))
#define AR_PRESENT     0x8000u  /* lar's access rights: P, DPL, S, type */
#define AR_DPL(ar)     (((ar) >> 13) & 3)
#define AR_CODE_DATA   0x1000u  /* S: a code or data segment, not a system descriptor */
#define AR_CODE        0x0800u
#define AR_CONFORMING  0x0400u
#define AR_TYPE(ar)    (((ar) >> 8) & 0xF)
#define TYPE_CALL_GATE_16 0x4
#define TYPE_CALL_GATE_32 0xC
#define X87_CW_ZM      0x0004u  /* control word: divide-by-zero masked */
#define X87_CW_DEFAULT 0x037Fu

/* Reads address 0: the null page is never mapped. */
FAULT_FN void fault_null(void)
{
	asm volatile("movl 0, %%eax" : : : "eax", "memory");
}

/* Writes the kernel's memory (where multiboot loaded it): supervisor only. */
FAULT_FN void fault_kwrite(void)
{
	asm volatile("movl $0x1badb002, 0x00100000" : : : "memory");
}

/* Writes this very function's first byte: text is mapped read-only. */
FAULT_FN void fault_textwrite(void)
{
	asm volatile("movb $0xcc, (%0)" : : "r"(fault_textwrite) : "memory");
}

/* Recurses until the stack runs into the guard page below it. Each frame
 * is small (far less than a page), so the first access below the stack is
 * on the guard page; the frame is passed down so the recursion stays. */
FAULT_FN int fault_stack_recurse(volatile char *up, int depth)
{
	volatile char frame[40];
	if (depth > 1000000)            /* never: 8 KiB of stack is far less */
		return 0;
	frame[0] = (char)depth;
	if (up)
		up[1] = frame[0];
	return fault_stack_recurse(frame, depth + 1) + frame[1];
}

FAULT_FN void fault_stack(void)
{
	fault_stack_recurse(0, 0);
}

FAULT_FN void fault_ud2(void)
{
	asm volatile("ud2");
}

FAULT_FN void fault_div0(void)
{
	asm volatile("xorl %%ecx, %%ecx\n\t"
		     "movl $1, %%eax\n\t"
		     "xorl %%edx, %%edx\n\t"
		     "divl %%ecx" : : : "eax", "ecx", "edx", "cc");
}

/* Privileged instructions: IOPL is 0, CPL is 3. */
FAULT_FN void fault_cli(void)
{
	asm volatile("cli");
}

FAULT_FN void fault_hlt(void)
{
	asm volatile("hlt");
}

FAULT_FN void fault_inout(void)
{
	asm volatile("inb $0x64, %%al\n\t"
		     "outb %%al, $0x80" : : : "eax");
}

/* A software interrupt through a gate that user mode may not use. */
FAULT_FN void fault_int(void)
{
	asm volatile("int $0x80" : : : "memory");
}

/* A far jump to the kernel's code segment (GDT selector 0x08). */
FAULT_FN void fault_farjmp(void)
{
	asm volatile("ljmp $0x08, $0" : : : "memory");
}

/* An iret whose frame names the kernel's code segment: a return to a more
 * privileged level. */
FAULT_FN void fault_iret(void)
{
	asm volatile("pushfl\n\t"
		     "pushl $0x08\n\t"
		     "pushl $1f\n\t"
		     "iret\n"
		     "1:\n\t"
		     "addl $12, %%esp" : : : "memory", "cc");
}

/* iret into virtual-8086 mode: EFLAGS.VM in the frame, and the four extra
 * words (es, ds, fs, gs) such a frame has. QEMU obeys it even at CPL 3;
 * there, every address is kernel memory, so the first fetch faults. */
FAULT_FN void fault_vm86(void)
{
	asm volatile("pushl $0\n\t pushl $0\n\t pushl $0\n\t pushl $0\n\t"  /* gs fs ds es */
		     "pushl $0\n\t pushl $0x100\n\t"                          /* ss, esp */
		     "pushl %0\n\t"                                             /* eflags */
		     "pushl $0\n\t pushl $0\n\t"                               /* cs, ip */
		     "iret" : : "i"(EFLAGS_VM | EFLAGS_IF) : "memory");
}

/* The access rights `lar` reports for selector, or 0 if it refuses it. */
static uint32_t lar(uint16_t selector)
{
	uint32_t rights, ok;
	asm volatile("larl %2, %0\n\t"
		     "setz %b1\n\t"
		     "movzbl %b1, %1" : "=r"(rights), "=q"(ok) : "r"((uint32_t)selector) : "cc");
	return ok ? rights : 0;
}

/* Whether a far call from ring 3 may use a descriptor with these rights. */
static int callable(uint32_t ar)
{
	if (!(ar & AR_PRESENT))
		return 0;
	if (ar & AR_CODE_DATA)
		return (ar & AR_CODE) && ((ar & AR_CONFORMING) || AR_DPL(ar) == 3);
	return (AR_TYPE(ar) == TYPE_CALL_GATE_16 || AR_TYPE(ar) == TYPE_CALL_GATE_32) &&
	       AR_DPL(ar) == 3;
}

/* Whether ring 3 may load a descriptor with these rights into %fs. */
static int loadable(uint32_t ar)
{
	return (ar & AR_PRESENT) && (ar & AR_CODE_DATA) && !(ar & AR_CODE) && AR_DPL(ar) == 3;
}

/* The first LDT selector that `lar` accepts and usable(rights) likes; or,
 * when there is none (this kernel loads a null LDT), LDT entry 1. Without
 * a null LDT, the CPU reads "descriptors" from low memory, and some of
 * them are usable. The search starts past the entries that would lie in
 * page 0: that page is never mapped, so there even `lar` would fault. */
static uint16_t ldt_selector(int (*usable)(uint32_t))
{
	for (int i = LDT_FIRST_PROBED; i < LDT_ENTRIES; i++) {
		uint16_t sel = SELECTOR(i, 1, 3);
		if (usable(lar(sel)))
			return sel;
	}
	return SELECTOR(1, 1, 3);
}

FAULT_FN void fault_ldtload(void)
{
	uint16_t sel = ldt_selector(loadable);
	asm volatile("movw %w0, %%fs" : : "r"(sel) : "memory");
}

FAULT_FN void fault_ldtcall(void)
{
	struct { uint32_t offset; uint16_t selector; } __attribute__((packed)) far = {
		0, ldt_selector(callable)
	};
	asm volatile("lcall *%0" : : "m"(far) : "memory");
}

/* The instructions UMIP forbids in ring 3: each would show the program a
 * kernel address, selector or CR0. */
FAULT_FN void fault_sgdt(void)
{
	static struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;
	asm volatile("sgdt %0" : "=m"(gdtr));
}

FAULT_FN void fault_sidt(void)
{
	static struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
	asm volatile("sidt %0" : "=m"(idtr));
}

FAULT_FN void fault_sldt(void)
{
	uint32_t v;
	asm volatile("sldt %0" : "=r"(v));
}

FAULT_FN void fault_str(void)
{
	uint32_t v;
	asm volatile("str %0" : "=r"(v));
}

FAULT_FN void fault_smsw(void)
{
	uint32_t v;
	asm volatile("smsw %0" : "=r"(v));
}

/* 1 / 0 with the x87's divide-by-zero exception unmasked: the division
 * only marks it pending; the next waiting instruction (fwait) raises #MF. */
FAULT_FN void fault_x87div0(void)
{
	static const uint16_t cw = X87_CW_DEFAULT & ~X87_CW_ZM;
	static const float zero = 0;
	asm volatile("fldcw %0\n\t"
		     "fld1\n\t"
		     "fdivs %1\n\t"
		     "fwait\n\t"
		     "fstp %%st(0)" : : "m"(cw), "m"(zero) : "memory");
}

/* A ud2 in .data, outside every function: executed, it faults with an eip
 * the kill line cannot name a function for, "(?)". (Without PAE there is
 * no NX bit: every user page the process may read it may execute.) */
static unsigned char data_ud2[] = { 0x0f, 0x0b };

FAULT_FN void fault_datajump(void)
{
	asm volatile("call *%0" : : "r"(data_ud2) : "memory");
}

struct behaviour {
	const char *name;
	void (*fn)(void);
	const char *function;   /* the name the kill line must show ("?": none) */
	int cause;              /* wait(): WKILLCAUSE */
	const char *trap;       /* how the kill line's WHAT starts */
};

static const struct behaviour behaviours[] = {
	{ "null",      fault_null,      "fault_null",          CAUSE_PAGE,   "page fault" },
	{ "kwrite",    fault_kwrite,    "fault_kwrite",        CAUSE_PAGE,   "page fault" },
	{ "textwrite", fault_textwrite, "fault_textwrite",     CAUSE_PAGE,   "page fault" },
	{ "stack",     fault_stack,     "fault_stack_recurse", CAUSE_PAGE,   "page fault" },
	{ "ud2",       fault_ud2,       "fault_ud2",           CAUSE_OPCODE, "invalid opcode" },
	{ "div0",      fault_div0,      "fault_div0",          CAUSE_DIVIDE, "divide error" },
	{ "cli",       fault_cli,       "fault_cli",           CAUSE_GP,     "general protection fault" },
	{ "hlt",       fault_hlt,       "fault_hlt",           CAUSE_GP,     "general protection fault" },
	{ "inout",     fault_inout,     "fault_inout",         CAUSE_GP,     "general protection fault" },
	{ "int",       fault_int,       "fault_int",           CAUSE_GP,     "general protection fault" },
	{ "farjmp",    fault_farjmp,    "fault_farjmp",        CAUSE_GP,     "general protection fault" },
	{ "iret",      fault_iret,      "fault_iret",          CAUSE_GP,     "general protection fault" },
	{ "vm86",      fault_vm86,      "?",                   CAUSE_GP,     "general protection fault" },
	{ "ldtload",   fault_ldtload,   "fault_ldtload",       CAUSE_GP,     "general protection fault" },
	{ "ldtcall",   fault_ldtcall,   "fault_ldtcall",       CAUSE_GP,     "general protection fault" },
	{ "sgdt",      fault_sgdt,      "fault_sgdt",          CAUSE_GP,     "general protection fault" },
	{ "sidt",      fault_sidt,      "fault_sidt",          CAUSE_GP,     "general protection fault" },
	{ "sldt",      fault_sldt,      "fault_sldt",          CAUSE_GP,     "general protection fault" },
	{ "str",       fault_str,       "fault_str",           CAUSE_GP,     "general protection fault" },
	{ "smsw",      fault_smsw,      "fault_smsw",          CAUSE_GP,     "general protection fault" },
	{ "x87div0",   fault_x87div0,   "fault_x87div0",       CAUSE_X87,    "x87 floating-point exception" },
	{ "datajump",  fault_datajump,  "?",                   CAUSE_OPCODE, "invalid opcode" },
};
#define NBEHAVIOURS ((int)(sizeof behaviours / sizeof behaviours[0]))

static const struct behaviour *find(const char *name)
{
	for (int i = 0; i < NBEHAVIOURS; i++)
		if (!strcmp(behaviours[i].name, name))
			return &behaviours[i];
	return 0;
}

/* Where the fault happens, when the kill line must show it: the byte
 * textwrite writes, the eip of datajump's ud2; 0 for the others. */
static uint32_t fault_address(const struct behaviour *b)
{
	if (b->fn == fault_textwrite)
		return (uint32_t)(uintptr_t)fault_textwrite;
	if (b->fn == fault_datajump)
		return (uint32_t)(uintptr_t)data_ud2;
	return 0;
}

/* What the kill line should say, printed before the fault. */
static void announce(const char *mode, const struct behaviour *b)
{
	if (fault_address(b))
		printf("faults: %s %s: expect %s at 0x%08x in %s\n", mode, b->name, b->trap,
		       (unsigned)fault_address(b), b->function);
	else
		printf("faults: %s %s: expect %s in %s\n", mode, b->name, b->trap, b->function);
}

static void do_fault(const struct behaviour *b)
{
	b->fn();
	printf("faults: %s: survived: the fault did not kill this process\n", b->name);
	exit(99);
}

static struct procinfo table[64];

/* Spins for `window` instructions, checking that its memory stays as it
 * was, then exits 42 (or 1 if something changed). */
static void __attribute__((noreturn)) sibling(uint32_t window)
{
	static uint32_t mine[1024];
	uint32_t start = rdtsc32(), sum = 0;
	for (int i = 0; i < 1024; i++)
		mine[i] = i * 2654435761u;
	while (rdtsc32() - start < window)
		for (int i = 0; i < 1024; i += 64)
			sum += mine[i];
	for (int i = 0; i < 1024; i++)
		if (mine[i] != i * 2654435761u)
			exit(1);
	exit(sum == 0x12345678 ? 43 : 42);
}

/* One isolation round; returns 1 if it passed. */
static int isolate(const struct behaviour *b, uint32_t window)
{
	int free_before = memfree();
	int procs_before = ps(table, 64);
	int s = fork();
	if (s < 0) {
		printf("faults: isolate %s: FAILED: fork returned %d\n", b->name, s);
		return 0;
	}
	if (s == 0)
		sibling(window);
	int v = fork();
	if (v < 0) {
		printf("faults: isolate %s: FAILED: fork returned %d\n", b->name, v);
		kill(s);
		return 0;
	}
	if (v == 0) {
		announce("isolate", b);
		do_fault(b);
	}
	printf("faults: isolate %s: sibling pid %d, victim pid %d\n", b->name, s, v);
	int st1 = -1, st2 = -1;
	int w1 = wait(&st1);
	int w2 = wait(&st2);
	int w3 = wait(0);
	int free_after = memfree(), procs_after = ps(table, 64);
	const char *why = 0;
	static char reason[160];
	if (w1 != v || w2 != s) {
		snprintf(reason, sizeof reason, "wait returned %d (status 0x%x) and then %d (status "
			 "0x%x); expected the victim %d and then the sibling %d", w1, st1, w2, st2,
			 v, s);
		why = reason;
	} else if (!WIFKILLED(st1) || WKILLCAUSE(st1) != b->cause) {
		snprintf(reason, sizeof reason, "the victim's status is 0x%x; expected killed with "
			 "cause %d (%s)", st1, b->cause, b->trap);
		why = reason;
	} else if (!WIFEXITED(st2) || WEXITSTATUS(st2) != 42) {
		snprintf(reason, sizeof reason, "the sibling's status is 0x%x; expected exit 42",
			 st2);
		why = reason;
	} else if (w3 != -E_CHILD) {
		snprintf(reason, sizeof reason, "a third wait returned %d", w3);
		why = reason;
	} else if (free_after != free_before) {
		snprintf(reason, sizeof reason, "memfree() was %d before and %d after",
			 free_before, free_after);
		why = reason;
	} else if (procs_after != procs_before) {
		snprintf(reason, sizeof reason, "%d process slots in use before, %d after",
			 procs_before, procs_after);
		why = reason;
	}
	if (why) {
		printf("faults: isolate %s: FAILED: %s\n", b->name, why);
		return 0;
	}
	printf("faults: isolate %s: OK: victim %d killed with cause %d, sibling %d exited 42\n",
	       b->name, v, b->cause, s);
	return 1;
}

static void __attribute__((noreturn)) usage(void)
{
	printf("usage: faults solo NAME | faults isolate NAME...|all | faults list\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "list")) {
		for (int i = 0; i < NBEHAVIOURS; i++)
			printf("%-10s cause %2d  %-26s %s\n", behaviours[i].name, behaviours[i].cause,
			       behaviours[i].trap, behaviours[i].function);
		return 0;
	}
	if (!strcmp(argv[1], "solo")) {
		const struct behaviour *b = argc == 3 ? find(argv[2]) : 0;
		if (!b)
			usage();
		announce("solo", b);
		do_fault(b);
	}
	if (!strcmp(argv[1], "isolate")) {
		static const struct behaviour *todo[64];
		int n = 0;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "all")) {
				for (int j = 0; j < NBEHAVIOURS && n < 64; j++)
					todo[n++] = &behaviours[j];
				continue;
			}
			const struct behaviour *b = find(argv[i]);
			if (!b) {
				printf("faults: no behaviour called %s\n", argv[i]);
				usage();
			}
			if (n < 64)
				todo[n++] = b;
		}
		if (n == 0)
			usage();
		int passed = 0;
		for (int i = 0; i < n; i++)
			passed += isolate(todo[i], 20000000);
		printf("faults: isolate: %d of %d OK\n", passed, n);
		return passed == n ? 0 : 1;
	}
	usage();
}
