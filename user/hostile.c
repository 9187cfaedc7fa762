/*
 * hostile.c - a hostile program against lab 6's and lab 7's system calls
 * and gates, run as `init=hostile PART SEED` (grader/test_lab7_hostile.py).
 * Each part attacks one way (bad pointers and registers for fault_regs,
 * system calls from inside handlers, bad handler entries, the deepest
 * invocation stack, dom_map until memory runs out, fork and exec with a
 * handler, eflags tricks) and checks that every attack gets its clear
 * answer: an error code, or exactly the one-line death of the attacker.
 * The kernel must neither panic nor hang, and memory and the process
 * table must be back as they were (testdriver.h's baseline_check).
 *
 * SEED goes into the registers and tags the handlers leave, so that the
 * grader recomputes what a part prints. The created domains are hostsrvs
 * (user/domains/hostsrv.c, a handler that attacks from inside a created
 * domain) and faultsrvs (user/domains/faultsrv.c).
 */
#define TEST_DRIVER "hostile"
#include "testdriver.h"
#include "domains/faultsrv.h"
#include "domains/hostsrv.h"

#define KERNEL_ADDR 0xc0100000u
#define UNMAPPED 0x70000000u

#define EFLAGS_TF 0x100u
#define EFLAGS_DF 0x400u
#define EFLAGS_NT 0x4000u
#define EFLAGS_AC 0x40000u
#define PF_WRITE 0x2u
#define PF_USER 0x4u
#define GP_ERROR_IDT 0x2u
#define OPCODE_NOP 0x90
#define OPCODE_HLT 0xf4
#define SYS_getpid 6            /* lib/syscall_list.h */
#define SYS_write 12

/* ---- helpers ---- */

static uint32_t site_ud2(uint32_t eax)
{
	__asm__ volatile("ud2" : "+a"(eax) : : "memory");
	return eax;
}

/* hsrv's handler: attack a with argument arg, for the vectors in mask. */
static void hsrv_handle(int cap, uint32_t mask, int a, uint32_t arg)
{
	expect("HSRV_HANDLE", dom_r0(call(cap, HSRV_HANDLE, mask, (uint32_t)a, arg)), 0);
}

/* A hostsrv's handler took `count` faults and no probe went wrong. */
static void hsrv_clean(const char *what, int cap, uint32_t count)
{
	uint64_t r = call(cap, HSRV_STATS, 0, 0, 0);
	expect(what, dom_r0(r), (int)count);
	if (dom_r1(r))
		printf("hostile: %s: FAILED: %s: hostsrv.c's probe %u got the wrong answer\n", part, what,
		       dom_r1(r)), exit(1);
}

/* ---- the home's handler: what it does is the mode's ---- */

enum home_mode {
	HM_SKIP,        /* eip past the ud2, %eax ^= the tag */
	HM_REGS,        /* regs: the pointer and register attacks */
	HM_INSIDE,      /* inside: system calls from the handler */
	HM_EXIT,        /* exit(tag) from the handler */
	HM_UNSET,       /* remove itself, resume unfixed */
	HM_RAW,         /* fault_resume itself */
	HM_KILL,        /* FAULT_KILL */
	HM_RECURSE,     /* overflow its exception stack */
	HM_DEEP,        /* depth: calls from a handler at the last level */
	HM_FAULT,       /* a ud2 of its own */
	HM_EFLAGS,      /* eflags: what the flags were at each fault */
};

static int home_mode;
static uint32_t home_tag;
static volatile uint32_t home_faults;
static struct fault_regs home_last;
static uint32_t home_eflags_inside;     /* pushf in the handler */
static int first_bad;                   /* the first check the handler saw fail */

static void check(int n, int got, int want)
{
	if (got != want && !first_bad)
		first_bad = n;
}

static void handler_clean(const char *what)
{
	if (first_bad)
		printf("hostile: %s: FAILED: %s: the handler's check %d got the wrong answer\n", part, what,
		       first_bad), exit(1);
}

static int home_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom);

static int skip(struct fault_regs *r, unsigned int vector)
{
	if (vector == V_UD)
		r->eip += FAULT_SITE_LEN;
	r->eax ^= home_tag;
	return fault_regs_resume(r);
}

/* regs: escapes the handler steers the program into (asm below). */
extern char hs_escape_ud2[], hs_pop[], hs_back[];
uint32_t hs_saved_esp;
static int regs_step;
static uint8_t top_byte;
static uint32_t regs_seen[4];

static const struct fault_regs refused_regs = { .eip = 0, .esp = 0 };

static void regs_pointer_attacks(uint32_t s)
{
	struct fault_regs r, saved;
	char *heap_end = (char *)sbrk(0);

	check(1, fault_regs(FAULT_REGS_GET, &saved), 0);
	check(2, fault_regs(FAULT_REGS_GET, (struct fault_regs *)(KERNEL_ADDR + (s & 0xff0u))), -E_FAULT);
	check(3, fault_regs(FAULT_REGS_GET, 0), -E_FAULT);
	check(4, fault_regs(FAULT_REGS_GET, (struct fault_regs *)(UNMAPPED + (s & 0xff0u))), -E_FAULT);
	check(5, fault_regs(FAULT_REGS_GET, (struct fault_regs *)USER_BASE), -E_FAULT);      /* read-only text */
	check(6, fault_regs(FAULT_REGS_GET, (struct fault_regs *)(USER_TOP - 8)), -E_FAULT);  /* into the kernel */
	check(7, fault_regs(FAULT_REGS_GET, (struct fault_regs *)(XSTACK_TOP - 8)), -E_FAULT); /* into the guard */
	check(8, fault_regs(FAULT_REGS_GET, (struct fault_regs *)(heap_end - 20)), -E_FAULT); /* past the heap */
	check(9, fault_regs(FAULT_REGS_GET, (struct fault_regs *)(XSTACK_BOTTOM - 4)), -E_FAULT); /* from the guard */
	check(10, fault_regs(FAULT_REGS_SET, (struct fault_regs *)(KERNEL_ADDR + (s & 0xff0u))), -E_FAULT);
	check(11, fault_regs(FAULT_REGS_SET, (struct fault_regs *)(heap_end - 20)), -E_FAULT);
	check(12, fault_regs(FAULT_REGS_SET, (struct fault_regs *)(USER_TOP - 4)), -E_FAULT);
	check(13, fault_regs(FAULT_REGS_SET, (struct fault_regs *)&refused_regs), -E_INVAL);       /* from a read-only page: read */
	r = saved;
	r.esp = USER_BASE + 4;          /* the push lands in read-only text */
	check(14, fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	r.esp = XSTACK_GUARD + 8;
	check(15, fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	r.esp = USER_TOP + 4;
	check(16, fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	r.esp = 4;
	check(17, fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	r.esp = saved.esp;
	r.eip = USER_TOP;
	check(18, fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	r.eip = USER_BASE - 1;
	check(19, fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	check(20, fault_regs(FAULT_REGS_GET, &r), 0);
	check(21, (int)(r.eip ^ saved.eip) | (int)(r.esp ^ saved.esp) | (int)(r.eax ^ saved.eax), 0);
	/* What is allowed: the highest esp, the lowest of the exception
	 * stack (the handler's own), the last byte of user space. */
	r = saved;
	r.esp = USER_TOP;
	check(22, fault_regs(FAULT_REGS_SET, &r), 0);
	r.esp = XSTACK_BOTTOM + 4;
	check(23, fault_regs(FAULT_REGS_SET, &r), 0);
	r.eip = USER_TOP - 1;
	check(24, fault_regs(FAULT_REGS_SET, &r), 0);
	/* A GET onto the handler's own stack is fine. */
	check(25, fault_regs(FAULT_REGS_GET, &r), 0);
	check(26, (int)(r.eip ^ (USER_TOP - 1)) | (int)(r.esp ^ (XSTACK_BOTTOM + 4)), 0);
	check(27, fault_regs(FAULT_REGS_SET, &saved), 0);
}

/* The steps of regs: 0 the pointer attacks, then esp USER_TOP and a pop
 * (a page fault reading USER_TOP), then eip USER_TOP - 1 (a nop there,
 * and the next fetch faults at USER_TOP), then back. */
static int regs_on_fault(unsigned int vector, unsigned int addr, unsigned int error, struct fault_regs *r)
{
	switch (regs_step++) {
	case 0:
		check(30, (int)vector, (int)V_UD);
		check(31, r->eip == (uint32_t)hs_escape_ud2, 1);
		regs_pointer_attacks(home_tag);
		r->esp = USER_TOP;
		r->eip = (uint32_t)hs_pop;
		return fault_regs_resume(r);
	case 1:                 /* the pop at USER_TOP */
		regs_seen[0] = vector;
		regs_seen[1] = addr;
		check(32, (int)(error & (PF_USER | PF_WRITE)), (int)PF_USER);   /* a user-mode read */
		top_byte = *(volatile uint8_t *)(USER_TOP - 1);
		*(volatile uint8_t *)(USER_TOP - 1) = OPCODE_NOP;
		r->eip = USER_TOP - 1;
		return fault_regs_resume(r);
	case 2:                 /* the fetch after the nop */
		*(volatile uint8_t *)(USER_TOP - 1) = top_byte;
		regs_seen[2] = r->eip;
		regs_seen[3] = addr;
		check(33, fault_regs(FAULT_REGS_SET, r), -E_INVAL);     /* eip USER_TOP as it is */
		r->esp = hs_saved_esp;
		r->eip = (uint32_t)hs_back;
		r->eax = home_tag;
		return fault_regs_resume(r);
	}
	return FAULT_KILL;
}

/* inside: every call a home's handler makes in anger. */
static void inside_attacks(uint32_t s)
{
	char *argv[] = { "hostile", 0 };
	int r;

	check(40, fork(), -E_BUSY);
	check(41, sbrk(PAGE), -E_BUSY);
	check(42, exec("hostile", argv), -E_BUSY);
	check(43, dom_return(1, 2), -E_INVAL);
	__asm__ volatile("int $50" : "=a"(r) : "c"(s), "d"(~s) : "memory");
	check(44, r, -E_INVAL);
	check(45, fault_resume(-1), -E_INVAL);
	check(46, fault_resume(FAULT_KILL + 1), -E_INVAL);
	int d = dom_create("faultsrv", 0);
	check(47, d >= 0, 1);
	if (d >= 0) {
		check(48, dom_map(d, 0x50000000u, DOM_MAP_WRITE), 0);
		check(49, dom_r0(call(d, FSRV_WRITE, 0x50000000u + 4 * (s % 1024), s, 0)), (int)s);
		/* its divide error: its manager, this home, is handling: no handler */
		check(50, dom_r0(call(d, FSRV_DIV, s, 0, 0)), -E_DEAD);
		check(51, cap_delete(d), 0);
	}
	check(52, dom_set_handler(USER_TOP - 1, BIT(V_UD)), 0);         /* allowed, and put back: */
	check(53, fault_handler_set(home_on_fault, BIT(V_UD)), 0);
	check(54, dom_set_handler((uint32_t)home_on_fault, 1u << 31), -E_INVAL);
}

static int home_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;
	uint32_t flags;

	__asm__ volatile("pushfl\n\tpopl %0" : "=r"(flags));
	home_eflags_inside = flags;
	home_faults++;
	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	home_last = r;
	switch (home_mode) {
	case HM_REGS:
		return regs_on_fault(vector, addr, error, &r);
	case HM_INSIDE:
		inside_attacks(home_tag);
		break;
	case HM_EXIT:
		exit((int)home_tag);
	case HM_UNSET:
		dom_set_handler(0, 0);
		return FAULT_RESUME;
	case HM_RAW:
		fault_resume(skip(&r, vector));
		check(60, 1, 0);        /* it came back */
		return FAULT_KILL;
	case HM_KILL:
		return FAULT_KILL;
	case HM_RECURSE: {
		volatile uint32_t pad[256];
		pad[r.eax & 255] = vector;
		home_on_fault(vector, addr, error, dom);
		return (int)pad[(r.eax + 1) & 255];
	}
	case HM_FAULT:
		site_ud2(0);
		break;
	case HM_DEEP: {
		check(70, dom_r0(call(1, FSRV_ID, 0, 0, 0)), -E_DEEP);
		check(71, dom_create("faultsrv", 0) >= 0, 1);   /* slot 2: deleted by the part */
		check(72, (int)r.dom != 0, 1);
		break;
	}
	case HM_EFLAGS:
		if (vector == V_GP) {
			r.eip += 2;                     /* int $n: two bytes */
			r.eax = error;
			return fault_regs_resume(&r);
		}
		return fault_regs_resume(&r);   /* a SET: TF, NT, AC masked off */
	}
	return skip(&r, vector);
}

static void home_handle(uint32_t mask, int mode, uint32_t tag)
{
	home_mode = mode;
	home_tag = tag;
	expect("fault_handler_set", fault_handler_set(home_on_fault, mask), 0);
}

/* ---- regs SEED ---- */

uint32_t hs_escape_run(void);
__asm__(".text\n"
	".globl hs_escape_run\n"
	"hs_escape_run:\n"
	"	pushl %ebp\n	pushl %ebx\n	pushl %esi\n	pushl %edi\n"
	"	movl %esp, hs_saved_esp\n"
	"	xorl %eax, %eax\n"
	".globl hs_escape_ud2\n"
	"hs_escape_ud2:\n"
	"	ud2\n"
	".globl hs_pop\n"
	"hs_pop:\n"
	"	popl %eax\n"            /* esp USER_TOP: a page fault at USER_TOP */
	"	ud2\n"                  /* never: the handler leaves for hs_back */
	".globl hs_back\n"
	"hs_back:\n"
	"	popl %edi\n	popl %esi\n	popl %ebx\n	popl %ebp\n"
	"	ret\n");

/* A forked child jumps to USER_TOP - 1, where it put a hlt: one line,
 * "general protection fault (hlt: ...), eip 0xbfffffff (?)". */
static void jump_to_last_byte(void)
{
	*(volatile uint8_t *)(USER_TOP - 1) = OPCODE_HLT;
	__asm__ volatile("jmp *%0" : : "r"(USER_TOP - 1));
}

/* regs SEED: fault_regs GET and SET with pointers into the kernel, to
 * null, unmapped and read-only pages, straddling into the kernel, a guard
 * page and past the heap: -E_FAULT; SET with esp below USER_BASE + 4, in
 * the exception stack's guard page, above USER_TOP, eip USER_TOP: refused,
 * frame unchanged. Allowed and run: esp USER_TOP (the pop after it faults
 * at USER_TOP, in the handler), eip USER_TOP - 1 (the fetch after it
 * faults at USER_TOP). A forked child that jumps to USER_TOP - 1 dies
 * with one line. */
static void part_regs(void)
{
	uint32_t s = arg(0, 1);

	sbrk(PAGE);     /* a heap page ends where the attacks straddle */
	home_handle(BIT(V_UD) | BIT(V_PF), HM_REGS, s);
	baseline_take();
	uint32_t eax = hs_escape_run();
	handler_clean("the pointer and register attacks");
	expect_u("%eax after the escapes", eax, s);
	expect("faults", (int)home_faults, 3);
	expect_u("the pop at esp USER_TOP: vector", regs_seen[0], V_PF);
	expect_u("the pop at esp USER_TOP: address", regs_seen[1], USER_TOP);
	expect_u("the fetch after eip USER_TOP - 1: eip", regs_seen[2], USER_TOP);
	expect_u("the fetch after eip USER_TOP - 1: address", regs_seen[3], USER_TOP);
	int pid = spawn();
	if (pid == 0) {
		home_handle(0, HM_SKIP, 0);
		jump_to_last_byte();
		exit(1);
	}
	reap_killed(pid, "a hlt at USER_TOP - 1", V_GP);
	printf("hostile: regs: %08x\n", eax);
	baseline_check();
}

/* ---- inside SEED ---- */

/* inside SEED: a home's handler calls fork, sbrk, exec (-E_BUSY),
 * dom_return and int $50 (-E_INVAL: not in a call), fault_resume with
 * bad actions; creates, maps, calls and loses a domain whose own fault
 * finds no handler (its manager is handling: one line); sets its handler
 * again. After the resume, fault_resume is -E_INVAL twice. A handler
 * calling fault_resume itself resumes; forked children: a handler that
 * exits (the status is its), one that removes itself and resumes (the
 * ud2 again kills: one line). */
static void part_inside(void)
{
	uint32_t s = arg(0, 1);

	home_handle(BIT(V_UD), HM_INSIDE, s);
	baseline_take();
	expect_u("a ud2 whose handler attacked", site_ud2(s + 7), (s + 7) ^ s);
	handler_clean("the calls from the handler");
	expect("fault_resume(FAULT_RESUME) after the resume", fault_resume(FAULT_RESUME), -E_INVAL);
	expect("fault_resume(FAULT_KILL) after the resume", fault_resume(FAULT_KILL), -E_INVAL);
	home_mode = HM_RAW;
	expect_u("a ud2 whose handler called fault_resume itself", site_ud2(s + 1), (s + 1) ^ s);
	handler_clean("fault_resume from the handler");
	int pid = spawn();
	if (pid == 0) {
		home_handle(BIT(V_UD), HM_EXIT, s & 0x7f);
		site_ud2(0);
		exit(1);
	}
	reap_exited(pid, "a handler that exits", (int)(s & 0x7f));
	pid = spawn();
	if (pid == 0) {
		home_handle(BIT(V_UD), HM_UNSET, 0);
		site_ud2(0);
		exit(1);
	}
	reap_killed(pid, "a handler that removed itself and resumed", V_UD);
	expect("faults", (int)home_faults, 2);
	printf("hostile: inside: %08x\n", (s + 7) ^ s);
	baseline_check();
}

/* ---- domain SEED ---- */

/* domain SEED: hostsrv's handler, in a created domain, attacks from
 * inside (hostsrv.c's probes) on its own fault (ud2, int3, into) and on
 * its child's, which it then calls back (-E_DEADLK); destroys the
 * faulting child, then itself (through its own management cap, given by
 * the home), and resumes (each caller: -E_DEAD, no line); calls
 * fault_resume itself, after which the program's two fault_resumes are
 * -E_INVAL; in a forked child, exits from inside. */
static void part_domain(void)
{
	uint32_t s = arg(0, 1);

	baseline_take();
	int d = create("hostsrv");
	hsrv_handle(d, BIT(V_UD) | BIT(V_BP) | BIT(V_OF), HSRV_A_PROBE, HOME_SLOT);
	expect_u("hostsrv's own ud2", (uint32_t)dom_r0(call(d, HSRV_UD, s, 0, 0)), s ^ hsrv_skip_eax(0, V_UD));
	expect_u("hostsrv's own int3", (uint32_t)dom_r0(call(d, HSRV_INT3, s, 0, 0)), s ^ hsrv_skip_eax(0, V_BP));
	expect_u("hostsrv's own into", (uint32_t)dom_r0(call(d, HSRV_INTO, s, 0, 0)), s ^ hsrv_skip_eax(0, V_OF));
	hsrv_clean("hostsrv's handler on its own faults", d, 3);
	int c = dom_r0(call(d, HSRV_CREATE, 0, 0, 0));
	if (c < 0)
		fail("HSRV_CREATE", c);
	hsrv_handle(d, BIT(V_UD), HSRV_A_PROBE, (uint32_t)c);
	expect_u("the child's ud2", (uint32_t)dom_r0(call(d, HSRV_CALL, (uint32_t)c, HSRV_UD, s)),
		 s ^ hsrv_skip_eax(0, V_UD));
	hsrv_clean("hostsrv's handler on its child's fault", d, 4);
	hsrv_handle(d, BIT(V_UD), HSRV_A_DESTROY, (uint32_t)c);
	expect("a ud2 whose handler destroyed its domain", dom_r0(call(d, HSRV_CALL, (uint32_t)c, HSRV_UD, s)),
	       -E_DEAD);
	expect("a call into the destroyed child", dom_r0(call(d, HSRV_CALL, (uint32_t)c, HSRV_ID, 0)), -E_DEAD);
	hsrv_clean("hostsrv's handler that destroyed the faulting child", d, 5);
	hsrv_handle(d, BIT(V_UD), HSRV_A_RESUME_RAW, s);
	uint64_t r = call(d, HSRV_AFTER, ~s, 0, 0);
	expect_u("a ud2 whose handler called fault_resume itself", (uint32_t)dom_r0(r), ~s ^ hsrv_skip_eax(s, V_UD));
	expect_u("fault_resume twice after the resume", dom_r1(r), (uint32_t)-E_INVAL ^ (uint32_t)-E_INVAL << 8);
	hsrv_clean("hostsrv's handler that resumed itself", d, 6);
	int pid = spawn();
	if (pid == 0) {
		hsrv_handle(d, BIT(V_UD), HSRV_A_EXIT, s & 0x7f);
		call(d, HSRV_UD, 0, 0, 0);
		exit(1);
	}
	reap_exited(pid, "a created domain's handler that exits", (int)(s & 0x7f));
	int self = cap_grant(d, d, CAP_RIGHTS_ALL, 0);
	if (self < 0)
		fail("cap_grant of hostsrv's management cap into it", self);
	hsrv_handle(d, BIT(V_UD), HSRV_A_DESTROY, (uint32_t)self);
	expect("a ud2 whose handler destroyed its own domain", dom_r0(call(d, HSRV_UD, s, 0, 0)), -E_DEAD);
	expect_dead_then_forget("a call into it afterwards", d, HSRV_ID, 0);
	printf("hostile: domain: %08x\n", s ^ hsrv_skip_eax(0, V_UD));
	baseline_check();
}

/* ---- entry ---- */

void hs_ud2_entry(void);
__asm__(".text\n.globl hs_ud2_entry\n.type hs_ud2_entry, @function\nhs_ud2_entry:\n\tud2\n"
	".size hs_ud2_entry, . - hs_ud2_entry\n");

/* A forked child whose handler entry is eip: its ud2 reaches the handler,
 * which faults at once (its domain is handling): the process dies. */
static void child_with_entry(uint32_t eip, const char *what, uint32_t vector)
{
	int pid = spawn();
	if (pid == 0) {
		*(volatile uint8_t *)(USER_TOP - 1) = OPCODE_HLT;
		expect("dom_set_handler", dom_set_handler(eip, BIT(V_UD)), 0);
		site_ud2(0);
		exit(1);
	}
	reap_killed(pid, what, vector);
}

static int entry_kill(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;
	home_faults++;
	if (fault_regs(FAULT_REGS_GET, &r) < 0 || vector != V_PF || addr != UNMAPPED || r.eip != UNMAPPED)
		check(80, 0, 1);
	return FAULT_KILL;
}

/* entry: handlers that fault at their first instruction: entries at an
 * unmapped page, at a ud2, at USER_TOP - 1 (a hlt): each process dies with
 * one line; a home handler that overflows its exception stack (one line,
 * its guard page). A created domain whose handler entry is unmapped: its
 * manager's handler says kill (one line naming it); one that overflows
 * its exception stack with no handler above: one line. */
static void part_entry(void)
{
	baseline_take();
	child_with_entry(UNMAPPED, "a handler entry on an unmapped page", V_PF);
	child_with_entry((uint32_t)hs_ud2_entry, "a handler entry at a ud2", V_UD);
	child_with_entry(USER_TOP - 1, "a handler entry at USER_TOP - 1 (a hlt)", V_GP);
	int pid = spawn();
	if (pid == 0) {
		home_handle(BIT(V_UD), HM_RECURSE, 0);
		site_ud2(0);
		exit(1);
	}
	reap_killed(pid, "a handler that overflows its exception stack", V_PF);
	expect("fault_handler_set", fault_handler_set(entry_kill, BIT(V_PF)), 0);
	baseline_take();        /* the exception stack is mapped now */
	int d = create("hostsrv");
	expect("HSRV_ENTRY", dom_r0(call(d, HSRV_ENTRY, UNMAPPED, BIT(V_UD), 0)), 0);
	expect("a ud2 in a domain whose handler entry is unmapped", dom_r0(call(d, HSRV_UD, 0, 0, 0)), -E_DEAD);
	expect("the home's handler", (int)home_faults, 1);
	handler_clean("the home's handler of the unmapped entry");
	forget(d);
	expect("fault_handler_set(0)", fault_handler_set(entry_kill, 0), 0);
	d = create("hostsrv");
	hsrv_handle(d, BIT(V_UD), HSRV_A_RECURSE, 0);
	expect_dead_then_forget("a ud2 in a domain whose handler overflows", d, HSRV_UD, 0);
	printf("hostile: entry: 6 deaths\n");
	baseline_check();
}

/* ---- depth SEED ---- */

/* depth SEED: a ud2 at level 7 reaches the home's handler at level 8, the
 * last: its dom_call is -E_DEEP, dom_create works; a forked child's
 * handler there faults itself: no room, no handler: one line. */
static void part_depth(void)
{
	uint32_t s = arg(0, 1);

	home_handle(BIT(V_UD), HM_DEEP, s);
	baseline_take();
	int first = create("faultsrv");
	expect("first is slot 1", first, 1);
	expect("FSRV_GROW", dom_r0(call(first, FSRV_GROW, INV_MAX_CALLS - 1, 0, 0)), INV_MAX_CALLS - 1);
	uint64_t r = call(first, FSRV_DEPTH, INV_MAX_CALLS - 2, 0, 0);
	expect("a ud2 at level 7: the depth reached", dom_r0(r), INV_MAX_CALLS - 2);
	expect_u("a ud2 at level 7, handled at level 8", dom_r1(r), s);   /* 0 ^ s */
	handler_clean("the handler at the last level");
	destroy(2);     /* the domain the handler made */
	int pid = spawn();
	if (pid == 0) {         /* its own chain: the parent's domains have no exception stack for it */
		int mine = create("faultsrv");
		expect("FSRV_GROW", dom_r0(call(mine, FSRV_GROW, INV_MAX_CALLS - 1, 0, 0)), INV_MAX_CALLS - 1);
		home_mode = HM_FAULT;
		call(mine, FSRV_DEPTH, INV_MAX_CALLS - 2, 0, 0);
		exit(1);
	}
	reap_killed(pid, "a handler at the last level that faults", V_UD);
	destroy(first);
	printf("hostile: depth: %08x\n", s);
	baseline_check();
}

/* ---- mapstorm ---- */

/* Pages a storm maps between two of its lines: the grader takes a long
 * silence for a hang (its budget is 60 M instructions; a page costs about
 * 2,500 with its zeroing, and about as much again when it is freed). */
#define STORM_LINE_PAGES 4096

/* dom_map into a fresh faultsrv, a page at a time from va up, until
 * -E_NOMEM: the number mapped. */
static int map_until_nomem(int d, uint32_t va)
{
	int n = 0, err;

	while ((err = dom_map(d, va + (uint32_t)n * PAGE, DOM_MAP_WRITE)) == 0)
		if (++n % STORM_LINE_PAGES == 0)
			printf("hostile: mapstorm: %d pages mapped\n", n);
	expect("dom_map at the end of memory", err, -E_NOMEM);
	return n;
}

/* mapstorm SEED: dom_map until memory runs out, twice: the same number
 * both times, and memory back after each destroy; meanwhile the system
 * answers (-E_NOMEM, not a panic). dom_map through every kind of cap and
 * at every class of address. */
static void part_mapstorm(void)
{
	uint32_t s = arg(0, 1);
	uint32_t va = 0x48000000u + (s % 64) * PAGE;

	baseline_take();
	int counts[2];
	for (int round = 0; round < 2; round++) {
		int d = create("faultsrv");
		expect("a first call (its stacks)", dom_r0(call(d, FSRV_ID, 0, 0, 0)) > 0, 1);
		counts[round] = map_until_nomem(d, va);
		expect("dom_create with no memory", dom_create("faultsrv", 0), -E_NOMEM);
		expect("a call into the stuffed domain", dom_r0(call(d, FSRV_READ, va + PAGE, 0, 0)), 0);
		destroy(d);
		printf("hostile: mapstorm: round %d: memory back\n", round);
		baseline_check();
	}
	expect("pages mapped the second time", counts[1], counts[0]);
	int d = create("faultsrv");
	int call_cap = cap_grant(d, HOME_SLOT, CAP_RIGHT_CALL, 0);
	int weak = cap_grant(d, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GRANT, 0);
	int strong = cap_grant(d, HOME_SLOT, CAP_RIGHTS_ALL, 0);
	if (call_cap < 0 || weak < 0 || strong < 0)
		fail("cap_grant", call_cap < 0 ? call_cap : weak < 0 ? weak : strong);
	/* a management cap copied without the MANAGE right is a call cap */
	expect("dom_map through a management cap's copy without MANAGE", dom_map(weak, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through a management cap's full copy", dom_map(strong, va + 2 * PAGE, DOM_MAP_WRITE), 0);
	expect("dom_map through a call cap", dom_map(call_cap, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through the self cap", dom_map(HOME_SLOT, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through an empty slot", dom_map(ROOT_IOPORT_SLOT - 1, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through slot 0x7fffffff", dom_map(0x7fffffff, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through slot INT_MIN", dom_map((int)0x80000000u, va, DOM_MAP_WRITE), -E_BADCAP);
	const uint32_t bad_va[] = { 0, PAGE, USER_BASE - PAGE, USER_BASE, USER_TOP - PAGE, USER_TOP,
				    KERNEL_ADDR, 0xfffff000u, va + 1, va + PAGE - 1, XSTACK_BOTTOM };
	for (unsigned i = 0; i < sizeof bad_va / sizeof bad_va[0]; i++)
		expect("dom_map at an address outside the image area", dom_map(d, bad_va[i], DOM_MAP_WRITE), -E_INVAL);
	/* the image area's top: the last page below the exception stacks' area */
	uint32_t top = 0;
	for (uint32_t a = USER_TOP - PAGE; a >= 0xb0000000u; a -= PAGE) {
		if (dom_map(d, a, 0) == 0) {
			top = a;
			break;
		}
	}
	if (!top)
		fail("no page of the image area below USER_TOP mapped", 0);
	expect_u("a read of the top page", (uint32_t)dom_r0(call(d, FSRV_READ, top + PAGE - 4, 0, 0)), 0);
	expect("dom_map flags 0xfffffffe", dom_map(d, va, (int)0xfffffffeu), -E_INVAL);
	expect("cap_delete", cap_delete(weak), 0);
	expect("cap_delete", cap_delete(call_cap), 0);
	expect("dom_destroy", dom_destroy(d), 0);
	expect("dom_map through a stale cap", dom_map(d, va, 0), -E_DEAD);
	expect("dom_map through a stale copy", dom_map(strong, va, 0), -E_DEAD);
	expect("cap_delete", cap_delete(strong), 0);
	forget(d);
	expect("dom_map through a deleted cap", dom_map(d, va, 0), -E_BADCAP);
	printf("hostile: mapstorm: the image area ends at %08x\n", top + PAGE);
	baseline_check();
}

/* ---- forkexec SEED ---- */

/* execd: what a program exec'd with a handler set finds: no handler (a
 * ud2 kills it, one line), no exception stack, no fault to look at. */
static void part_execd(void)
{
	struct fault_regs r;
	int fds[2];

	expect("fault_regs(GET) after exec", fault_regs(FAULT_REGS_GET, &r), -E_INVAL);
	expect("pipe", pipe(fds), 0);
	expect("a write from the old exception stack", write(fds[1], (void *)(XSTACK_TOP - 4), 4), -E_FAULT);
	close(fds[0]);
	close(fds[1]);
	site_ud2(0);
	printf("hostile: execd: FAILED: a ud2 after exec was handled\n");
	exit(1);
}

/* forkexec SEED: a forked child has its parent's handler (with its own
 * state: tags differ after the fork); an exec'd one has none. */
static void part_forkexec(void)
{
	uint32_t s = arg(0, 1);

	home_handle(BIT(V_UD), HM_SKIP, s);
	baseline_take();
	int pid = spawn();
	if (pid == 0) {
		expect_u("the child's ud2, its copy of the handler", site_ud2(1), 1 ^ s);
		home_tag = ~s;
		expect_u("the child's ud2 with its own tag", site_ud2(2), 2 ^ ~s);
		exit(0);
	}
	reap_ok(pid);
	expect_u("the parent's ud2 after the child's", site_ud2(3), 3 ^ s);
	pid = spawn();
	if (pid == 0) {
		char *argv[] = { "hostile", "execd", 0 };
		int err = exec("hostile", argv);
		fail("exec", err);
	}
	reap_killed(pid, "an exec'd program's ud2", V_UD);
	expect("faults", (int)home_faults, 1);
	printf("hostile: forkexec: %08x\n", 3 ^ s);
	baseline_check();
}

/* ---- eflags SEED ---- */

static int db_count;
static uint32_t db_eip, db_eflags;
extern char hs_after_nop[];

static int eflags_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;
	uint32_t flags;

	__asm__ volatile("pushfl\n\tpopl %0" : "=r"(flags));
	if (flags & (EFLAGS_DF | EFLAGS_TF | EFLAGS_AC | EFLAGS_NT))
		check(90, (int)flags, 0);
	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	if (vector == V_DB) {
		db_count++;
		db_eip = r.eip;
		db_eflags = r.eflags;
	} else if (vector == V_GP) {
		r.eip += 2;                     /* int $n */
		r.eax = error;
	} else if (vector == V_UD) {
		r.eip += 2;
		r.eax = r.eflags;
	} else {
		r.eax ^= home_tag;
	}
	return fault_regs_resume(&r);   /* TF, NT, AC masked off; DF kept */
}

/* `int $n` (a gate user mode may not use): the #GP's error code. */
#define INT_GATE(n) ({ uint32_t e; __asm__ volatile("int $" #n : "=a"(e) : "0"(0) : "memory"); e; })

/* eflags SEED: TF set by popf (one #DB after the next instruction, the
 * handler's SET clears it), TF with a faulting instruction, AC and
 * NT set, DF set across a fault (kept) and across a write (the kernel
 * copies forwards); int3, into; int $1 and int $14 are #GPs naming the
 * gate, not fake exceptions. A forked child's iret with NT set: one line. */
static void part_eflags(void)
{
	uint32_t s = arg(0, 1), flags, eax;
	static const char msg[] = "hostile: eflags: written with DF set\n";

	home_tag = s;
	expect("fault_handler_set", fault_handler_set(eflags_on_fault, BIT(V_DB) | BIT(V_BP) | BIT(V_OF) |
						     BIT(V_UD) | BIT(V_GP)), 0);
	baseline_take();
	__asm__ volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\tnop\n"
			 ".globl hs_after_nop\nhs_after_nop:\n\tnop\n\tpushfl\n\tpopl %0" : "=r"(flags) : : "memory", "cc");
	expect("#DBs after popf set TF", db_count, 1);
	expect_u("the #DB's eip", db_eip, (uint32_t)hs_after_nop);
	expect_u("TF in the #DB's eflags", db_eflags & EFLAGS_TF, EFLAGS_TF);
	expect_u("TF after the resume", flags & EFLAGS_TF, 0);
	__asm__ volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\tud2\n\tpushfl\n\tpopl %0"
			 : "=r"(flags), "=a"(eax) : : "memory", "cc");
	expect_u("TF in the ud2's eflags", eax & EFLAGS_TF, EFLAGS_TF);
	expect_u("TF after the ud2's resume", flags & EFLAGS_TF, 0);
	expect("#DBs after TF and a ud2", db_count, 1);
	/* AC and NT set, then a ud2 and a system call */
	__asm__ volatile("pushfl\n\torl $0x44000, (%%esp)\n\tpopfl\n\tud2\n\tpushfl\n\tpopl %0"
			 : "=r"(flags), "=a"(eax) : : "memory", "cc");
	expect_u("AC and NT in the ud2's eflags", eax & (EFLAGS_AC | EFLAGS_NT), EFLAGS_AC | EFLAGS_NT);
	expect_u("AC and NT after the resume", flags & (EFLAGS_AC | EFLAGS_NT), 0);
	__asm__ volatile("pushfl\n\torl $0x4000, (%%esp)\n\tpopfl\n\tint $48\n\tpushfl\n\tandl $0xffffbfff, (%%esp)\n\tpopfl"
			 : "=a"(eax) : "a"(SYS_getpid) : "memory", "cc");
	expect("getpid with NT set", (int)eax, getpid());
	/* DF across a fault, then across a write */
	__asm__ volatile("std\n\tud2\n\tpushfl\n\tpopl %0\n\tcld" : "=r"(flags), "=a"(eax) : : "memory", "cc");
	expect_u("DF in the ud2's eflags", eax & EFLAGS_DF, EFLAGS_DF);
	expect_u("DF after the resume", flags & EFLAGS_DF, EFLAGS_DF);
	__asm__ volatile("pushl %%ebx\n\tmovl %4, %%ebx\n\tstd\n\tint $48\n\tcld\n\tpopl %%ebx"
			 : "=a"(eax) : "a"(SYS_write), "c"(1), "d"(msg), "r"(sizeof msg - 1) : "memory", "cc");
	expect("write with DF set", (int)eax, (int)sizeof msg - 1);
	/* int3, into; gates that are not the user's */
	expect_u("int3", fault_site_int3(s), s ^ s);
	eax = s + 1;
	__asm__ volatile("pushl $0x802\n\tpopfl\n\tinto" : "+a"(eax) : : "memory", "cc");
	expect_u("into with OF", eax, (s + 1) ^ s);
	expect_u("int $1", INT_GATE(1), 1 * 8 + GP_ERROR_IDT);
	expect_u("int $14", INT_GATE(14), 14 * 8 + GP_ERROR_IDT);
	expect_u("int $8", INT_GATE(8), 8 * 8 + GP_ERROR_IDT);
	handler_clean("the handler's own eflags");
	int pid = spawn();
	if (pid == 0) {
		expect("fault_handler_set(0)", fault_handler_set(eflags_on_fault, 0), 0);
		__asm__ volatile("pushfl\n\torl $0x4000, (%%esp)\n\tpopfl\n\tiret" : : : "memory");
		exit(1);
	}
	reap_killed(pid, "an iret with NT set", 10);
	printf("hostile: eflags: %08x\n", (s + 1) ^ s);
	baseline_check();
}

static const struct test_part parts[] = {
	{ "regs", part_regs },
	{ "inside", part_inside },
	{ "domain", part_domain },
	{ "entry", part_entry },
	{ "depth", part_depth },
	{ "mapstorm", part_mapstorm },
	{ "forkexec", part_forkexec },
	{ "execd", part_execd },
	{ "eflags", part_eflags },
};

int main(int argc, char **argv)
{
	return test_driver_main(argc, argv, parts, sizeof parts / sizeof parts[0]);
}
