/*
 * domtests.c - lab 6's tests of domains and capabilities, run as
 * `init=domtests PART N...` (grader/test_lab6_domains.py). The numbers are
 * the grader's, chosen at run time: arguments to pass, badges, seeds. Each
 * part checks what it can itself, prints what the grader recomputes, and
 * ends with one verdict line, "domtests: PART: ok" or
 * "domtests: PART: FAILED: ...". Children a part forks say FAILED
 * themselves and exit 1.
 *
 * Every part ends by checking that memfree() and the number of processes
 * are back where they were before it began (baseline_check): a domain
 * that died but was never freed, a call stack or a table entry left
 * behind, shows there. The checks (expect, fail, the baseline, main) are
 * user/testdriver.h's, shared with lab 7's faulttests.
 */
#define TEST_DRIVER "domtests"
#include "testdriver.h"
#include "domains/testsrv.h"

static int grant(int src, int to, uint32_t rights, uint32_t badge)
{
	int slot = cap_grant(src, to, rights, badge);
	if (slot < 0)
		fail("cap_grant", slot);
	return slot;
}

static struct cap_info info(int slot)
{
	struct cap_info i;
	int err = cap_info(slot, &i);
	if (err < 0)
		fail("cap_info", err);
	return i;
}

/* The slot is empty (revoked, deleted). */
static void expect_empty(const char *what, int slot)
{
	expect(what, info(slot).type, CAP_EMPTY);
}

/* A call that must fail with err, r1 0. */
static void expect_call_fails(const char *what, int cap, int err)
{
	uint64_t r = dom_call(cap, TESTSRV_ECHO, 1, 2, 3);
	expect(what, dom_r0(r), err);
	expect_u(what, dom_r1(r), 0);
}

/* An echo through cap with badge must give testsrv's answers. */
static void expect_echo(const char *what, int cap, uint32_t badge, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint64_t r = dom_call(cap, TESTSRV_ECHO, a1, a2, a3);
	expect_u(what, (uint32_t)dom_r0(r), testsrv_echo_r0(badge, a1, a2, a3));
	expect_u(what, dom_r1(r), testsrv_echo_r1(badge, a1, a2, a3));
}

/* What testsrv's INFO says about its slot (-E_xxx, or testsrv_info_word). */
static int remote_info(int srv, int slot, uint32_t *badge)
{
	uint64_t r = dom_call(srv, TESTSRV_INFO, (uint32_t)slot, 0, 0);
	if (badge)
		*badge = dom_r1(r);
	return dom_r0(r);
}

/* Wait for n children; fail if one did not exit 0 (it said why). */
static void reap(int n)
{
	for (int i = 0; i < n; i++) {
		int st = -1, pid = wait(&st);
		if (pid < 0)
			fail("wait", pid);
		expect_child_ok(pid, st);
	}
}

/* ---- registers across the gate ---- */

/* domtests_call_regs(cap, in, out): int $49 with %ecx cap and %edx, %ebx,
 * %esi, %edi, %ebp from in[0..4], and CF set; out[REG_xxx] gets every
 * register as the gate left it. C cannot do this: the compiler owns %ebp
 * and %esp, and the dom_call stub keeps %ebx, %esi, %edi itself. */
enum { REG_EAX, REG_EDX, REG_ECX, REG_EBX, REG_ESI, REG_EDI, REG_EBP, REG_DS, REG_ES,
       REG_FS, REG_GS, REG_EFLAGS, REG_ESP, REG_ESP_BEFORE, REG_COUNT };
static const char *const reg_names[REG_COUNT] = {
	"eax", "edx", "ecx", "ebx", "esi", "edi", "ebp", "ds", "es", "fs", "gs", "eflags", "esp", "-",
};
void domtests_call_regs(int cap, const uint32_t in[5], uint32_t out[REG_COUNT]);
uint32_t domtests_esp_before;
asm(".text\n"
    ".globl domtests_call_regs\n"
    "domtests_call_regs:\n"
    "	pushl %ebp\n"
    "	pushl %ebx\n"
    "	pushl %esi\n"
    "	pushl %edi\n"
    "	movl 24(%esp), %eax\n"          /* in */
    "	movl 20(%esp), %ecx\n"          /* cap */
    "	movl 0(%eax), %edx\n"
    "	movl 4(%eax), %ebx\n"
    "	movl 8(%eax), %esi\n"
    "	movl 12(%eax), %edi\n"
    "	movl 16(%eax), %ebp\n"
    "	movl %esp, domtests_esp_before\n"
    "	stc\n"
    "	int $49\n"
    "	pushl %esp\n"                   /* REG_ESP: the value before this push */
    "	pushfl\n"
    "	pushl %gs\n"
    "	pushl %fs\n"
    "	pushl %es\n"
    "	pushl %ds\n"
    "	pushl %ebp\n"
    "	pushl %edi\n"
    "	pushl %esi\n"
    "	pushl %ebx\n"
    "	pushl %ecx\n"
    "	pushl %edx\n"
    "	pushl %eax\n"                   /* REG_EAX, lowest */
    "	cld\n"
    "	movl %esp, %esi\n"
    "	movl 80(%esp), %edi\n"          /* out: 13 words pushed, 4 saved, return address, cap, in */
    "	movl $13, %ecx\n"
    "	rep movsl\n"
    "	movl domtests_esp_before, %eax\n"
    "	stosl\n"                        /* REG_ESP_BEFORE */
    "	addl $52, %esp\n"
    "	popl %edi\n"
    "	popl %esi\n"
    "	popl %ebx\n"
    "	popl %ebp\n"
    "	ret\n");

#define EFLAGS_CF 0x001
#define EFLAGS_DF 0x400

/* A raw int $49 through cap with a0..a3 and ebp: r0 and r1 must be want0
 * and want1, and every other register the caller's own (abi.h). */
static void check_raw_call(const char *what, int cap, const uint32_t in[5], uint32_t want0, uint32_t want1)
{
	uint32_t out[REG_COUNT];
	uint16_t ds = READ_SEGMENT(ds), es = READ_SEGMENT(es), fs = READ_SEGMENT(fs), gs = READ_SEGMENT(gs);
	domtests_call_regs(cap, in, out);
	const uint32_t want[REG_COUNT] = {
		[REG_EAX] = want0, [REG_EDX] = want1, [REG_ECX] = (uint32_t)cap,
		[REG_EBX] = in[1], [REG_ESI] = in[2], [REG_EDI] = in[3], [REG_EBP] = in[4],
		[REG_DS] = ds, [REG_ES] = es, [REG_FS] = fs, [REG_GS] = gs,
		[REG_ESP] = out[REG_ESP_BEFORE],
	};
	for (int reg = 0; reg < REG_ESP_BEFORE; reg++) {
		uint32_t got = out[reg];
		if (reg >= REG_DS && reg <= REG_GS)
			got &= 0xffff;
		if (reg == REG_EFLAGS) {
			if (!(got & EFLAGS_CF) || (got & EFLAGS_DF))
				printf("domtests: %s: FAILED: %s: eflags 0x%08x after the gate: the "
				       "caller's CF (set) and DF (clear) are lost\n", part, what, got), exit(1);
			continue;
		}
		if (got != want[reg])
			printf("domtests: %s: FAILED: %s: %%%s is 0x%08x after the gate, expected "
			       "0x%08x\n", part, what, reg_names[reg], got, want[reg]), exit(1);
	}
}

/* ---- the parts ---- */

/* calls A0 A1 A2 A3 BADGE: four arguments in and two results out, through
 * testsrv and adder, with and without a badge; a domain called again and
 * again; a system call inside a callee acts for the caller's process and
 * in the callee's memory. */
static void part_calls(void)
{
	uint32_t a0 = arg(0, 1), a1 = arg(1, 2), a2 = arg(2, 3), a3 = arg(3, 4), badge = arg(4, 77);
	baseline_take();
	int srv = create("testsrv"), adder = create("adder");
	int badged = grant(adder, HOME_SLOT, CAP_RIGHT_CALL, badge);
	uint64_t e = 0, plain = 0, b = 0;
	for (int round = 0; round < 3; round++) {      /* again and again: nothing left behind */
		e = dom_call(srv, TESTSRV_ECHO, a1, a2, a3);
		expect_u("echo's r0", (uint32_t)dom_r0(e), testsrv_echo_r0(0, a1, a2, a3));
		expect_u("echo's r1", dom_r1(e), testsrv_echo_r1(0, a1, a2, a3));
		plain = dom_call(adder, a0, a1, a2, a3);
		expect_u("adder's r0 (a0 + a1 + a2 + a3)", (uint32_t)dom_r0(plain), a0 + a1 + a2 + a3);
		expect_u("adder's r1 (a0 ^ a3)", dom_r1(plain), a0 ^ a3);
		b = dom_call(badged, a0, a1, a2, a3);
		expect_u("adder's r0 through a badged cap (a0 + a1 + a2 + a3 + badge)", (uint32_t)dom_r0(b),
			 a0 + a1 + a2 + a3 + badge);
		expect_u("adder's r1 through a badged cap", dom_r1(b), a0 ^ a3);
	}
	uint64_t who = dom_call(srv, TESTSRV_GETPID, 0, 0, 0);
	expect("getpid() inside the callee (the borrowed thread's process)", dom_r0(who), getpid());
	expect("getppid() inside the callee", (int)dom_r1(who), getppid());
	uint64_t w = dom_call(srv, TESTSRV_WRITE, a0, 0, 0);
	if (dom_r0(w) <= 0)
		fail("printf inside the callee", dom_r0(w));
	printf("domtests: calls: echo %08x %08x adder %08x %08x badged %08x %08x\n",
	       (uint32_t)dom_r0(e), dom_r1(e), (uint32_t)dom_r0(plain), dom_r1(plain),
	       (uint32_t)dom_r0(b), dom_r1(b));
	expect("cap_delete of the badged cap", cap_delete(badged), 0);
	destroy(adder);
	destroy(srv);
	baseline_check();
}

/* regs SEED: a callee that sets every register, the data segments and
 * eflags to junk (esp too) and returns with int $50 leaves the caller
 * whole: the raw gate gives back every register but eax and edx, and C
 * code computing with locals across such calls gets its answer. */
static uint32_t mix(uint32_t acc, uint32_t v)
{
	return (acc ^ v) * 16777619u + 0x9e3779b9u;
}

static uint32_t __attribute__((noinline)) locals_across_calls(int srv, uint32_t seed, int with_calls)
{
	volatile uint32_t on_stack[8];
	uint32_t x = seed, acc = seed ^ 0xabcdef01u, sum = 0, prod = 1;
	for (int i = 0; i < 8; i++)
		on_stack[i] = xorshift32(&x);
	for (int i = 0; i < 24; i++) {
		uint32_t r0 = xorshift32(&x), r1 = xorshift32(&x);
		uint32_t got0 = r0, got1 = r1;
		if (with_calls) {
			uint64_t r = dom_call(srv, TESTSRV_TRASH, r0, r1, i);
			got0 = (uint32_t)dom_r0(r), got1 = dom_r1(r);
		}
		acc = mix(acc, got0);
		sum += got1 + on_stack[i % 8];
		prod = prod * (got0 | 1) + (uint32_t)i;
		on_stack[(i * 3) % 8] ^= got1;
	}
	for (int i = 0; i < 8; i++)
		acc = mix(acc, on_stack[i]);
	return acc ^ sum ^ prod;
}

static void part_regs(void)
{
	uint32_t seed = arg(0, 1), x = seed;
	baseline_take();
	int srv = create("testsrv");
	for (int i = 0; i < 4; i++) {
		uint32_t r0 = xorshift32(&x), r1 = xorshift32(&x);
		const uint32_t in[5] = { TESTSRV_TRASH, r0, r1, xorshift32(&x), xorshift32(&x) };
		check_raw_call("a callee that trashes every register", srv, in, r0, r1);
		const uint32_t echo[5] = { TESTSRV_ECHO, r0, r1, in[3], in[4] };
		check_raw_call("echo", srv, echo, testsrv_echo_r0(0, r0, r1, in[3]),
			       testsrv_echo_r1(0, r0, r1, in[3]));
	}
	uint32_t want = locals_across_calls(srv, seed, 0), got = locals_across_calls(srv, seed, 1);
	expect_u("C code computing with locals across calls to a trashing callee", got, want);
	printf("domtests: regs: locals=%08x\n", got);
	destroy(srv);
	baseline_check();
}

/* preempt HZ_TICKS N SEED1 SEED2 SEED3: two threads spin inside one callee
 * and a third in its home, each N steps of xorshift, preempted again and
 * again (boot with a high hz): the answers are exact, and the two callers'
 * calls overlapped in time. */
static void part_preempt(void)
{
	uint32_t n = arg(0, 200000), seeds[3] = { arg(1, 1), arg(2, 2), arg(3, 3) };
	int fds[2];
	baseline_take();
	int srv = create("testsrv");
	expect("pipe", pipe(fds), 0);
	if (spawn() == 0) {             /* in the callee too */
		close(fds[0]);
		int t0 = uptime();
		uint64_t r = dom_call(srv, TESTSRV_SPIN, n, seeds[1], 0);
		int t1 = uptime();
		expect_u("the child's spin inside the callee", (uint32_t)dom_r0(r), testsrv_spin_answer(n, seeds[1]));
		int span[2] = { t0, t1 };
		write(fds[1], span, sizeof span);
		exit(0);
	}
	if (spawn() == 0) {             /* at home: switches between address spaces */
		volatile uint32_t sink = testsrv_spin_answer(n, seeds[2]);
		exit(sink == 0);
	}
	close(fds[1]);
	int t0 = uptime();
	uint64_t r = dom_call(srv, TESTSRV_SPIN, n, seeds[0], 0);
	int t1 = uptime();
	expect_u("the spin inside the callee", (uint32_t)dom_r0(r), testsrv_spin_answer(n, seeds[0]));
	expect_u("the spin's r1", dom_r1(r), n);
	int span[2];
	expect("reading the child's times", read(fds[0], span, sizeof span), (int)sizeof span);
	reap(2);
	int overlap = (t1 < span[1] ? t1 : span[1]) - (t0 > span[0] ? t0 : span[0]);
	printf("domtests: preempt: spin %08x, calls ticks %d..%d and %d..%d\n",
	       (uint32_t)dom_r0(r), t0, t1, span[0], span[1]);
	if (overlap < 2)
		printf("domtests: preempt: FAILED: the two calls overlapped %d ticks: no preemption "
		       "inside the callee?\n", overlap), exit(1);
	close(fds[0]);
	destroy(srv);
	baseline_check();
}

/* block TICKS SEED N: sleep inside a callee, and a read of a pipe inside
 * a callee that blocks until a child writes N bytes (from SEED): the
 * callee's buffer gets them, in its own memory. */
static void part_block(void)
{
	uint32_t ticks = arg(0, 5), x = arg(1, 1), n = arg(2, 100);
	unsigned char bytes[TESTSRV_READ_MAX];
	int fds[2];
	if (n > sizeof bytes)
		n = sizeof bytes;
	baseline_take();
	int srv = create("testsrv");
	int before = uptime();
	uint64_t r = dom_call(srv, TESTSRV_SLEEP, ticks, 0, 0);
	if (dom_r0(r) < before + (int)ticks)
		printf("domtests: block: FAILED: sleep(%u) inside the callee: uptime %d before, %d "
		       "after\n", ticks, before, dom_r0(r)), exit(1);
	expect_u("sleep's r1", dom_r1(r), ticks);
	for (uint32_t i = 0; i < n; i++)
		bytes[i] = (unsigned char)xorshift32(&x);
	expect("pipe", pipe(fds), 0);
	if (spawn() == 0) {
		close(fds[0]);
		sleep(ticks);           /* the parent is asleep in the callee by now */
		expect("the child's write", write(fds[1], bytes, (int)n), (int)n);
		exit(0);
	}
	close(fds[1]);
	before = uptime();
	r = dom_call(srv, TESTSRV_READ, (uint32_t)fds[0], n, 0);
	int after = uptime();
	expect("read inside the callee", dom_r0(r), (int)n);
	expect_u("the bytes the callee read (fnv1a)", dom_r1(r), testsrv_fnv1a(bytes, (int)n));
	if (after - before < 1)
		fail("the read inside the callee did not wait for the writer", after - before);
	reap(1);
	close(fds[0]);
	printf("domtests: block: read %u bytes fnv1a=%08x\n", n, dom_r1(r));
	destroy(srv);
	baseline_check();
}

/* isolation VALUE: a callee writing to the caller's stack faults in the
 * callee: one line, the domain dies, the caller's dom_call returns
 * -E_DEAD and its stack is as it was; the kernel and the caller go on. */
static void part_isolation(void)
{
	volatile uint32_t mine = arg(0, 0x1234);
	baseline_take();
	int srv = create("testsrv");
	int copy = grant(srv, HOME_SLOT, CAP_RIGHT_CALL, 0);
	printf("domtests: isolation: the callee writes to 0x%08x\n", (uint32_t)&mine);
	uint64_t r = dom_call(srv, TESTSRV_TOUCH, (uint32_t)&mine, ~mine, 0);
	expect("a call whose callee faulted", dom_r0(r), -E_DEAD);
	expect_u("the caller's stack after the callee's write", mine, arg(0, 0x1234));
	expect("the dead domain's management cap: live", info(srv).live, 0);
	expect_call_fails("a call into the domain that faulted", srv, -E_DEAD);
	expect_call_fails("a call through a copy of its cap", copy, -E_DEAD);
	expect("dom_destroy of the dead domain", dom_destroy(srv), -E_DEAD);
	expect("cap_delete of the copy", cap_delete(copy), 0);
	expect("cap_delete of the management cap", cap_delete(srv), 0);
	int other = create("testsrv");
	expect_echo("a new domain after the fault", other, 0, mine, 5, 6);
	destroy(other);
	baseline_check();
}

/* forged BIG: slots -1, NCAP, huge, BIG (>= NCAP) and empty are bad caps
 * for every call; a call cap is the wrong type for dom_destroy, init's
 * IRQ-control and I/O-port caps for dom_call, cap_grant's destination and
 * dom_destroy; a missing right is -E_PERM; the raw gate gives back every
 * register when refused; and the kernel works on. */
static void part_forged(void)
{
	uint32_t big = arg(0, 0x12345678);
	baseline_take();
	int srv = create("testsrv");
	const int empty = ROOT_IOPORT_SLOT - 1;    /* init's top two: the root authority (lab 8) */
	expect("cap_info of an empty slot", info(empty).type, CAP_EMPTY);
	const int bad[] = { -1, NCAP, NCAP + 1, 0x7fffffff, (int)0x80000000u, (int)(big | NCAP), -(int)(big % 1000) - 2, empty };
	int refusals = 0;
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int slot = bad[i];
		char what[80];
		snprintf(what, sizeof what, "dom_call through slot %d", slot);
		expect_call_fails(what, slot, -E_BADCAP);
		const uint32_t in[5] = { TESTSRV_ECHO, big, ~big, big * 3, big ^ 0x55 };
		check_raw_call(what, slot, in, (uint32_t)-E_BADCAP, 0);
		snprintf(what, sizeof what, "dom_destroy of slot %d", slot);
		expect(what, dom_destroy(slot), -E_BADCAP);
		snprintf(what, sizeof what, "cap_grant from slot %d", slot);
		expect(what, cap_grant(slot, HOME_SLOT, CAP_RIGHT_CALL, 0), -E_BADCAP);
		snprintf(what, sizeof what, "cap_grant into slot %d", slot);
		expect(what, cap_grant(srv, slot, CAP_RIGHT_CALL, 0), -E_BADCAP);
		snprintf(what, sizeof what, "cap_revoke of slot %d", slot);
		expect(what, cap_revoke(slot), -E_BADCAP);
		snprintf(what, sizeof what, "cap_delete of slot %d", slot);
		expect(what, cap_delete(slot), -E_BADCAP);
		if (slot != empty) {
			struct cap_info i;
			snprintf(what, sizeof what, "cap_info of slot %d", slot);
			expect(what, cap_info(slot, &i), -E_BADCAP);
		}
		refusals += 7;
	}
	/* The wrong type. */
	int call = grant(srv, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GRANT | CAP_RIGHT_GIVE, 0);
	expect("the type of a copy without the manage right", info(call).type, CAP_CALL);
	expect("dom_destroy with a call cap", dom_destroy(call), -E_BADCAP);
	expect("dom_destroy with the self cap", dom_destroy(HOME_SLOT), -E_BADCAP);
	/* A right missing. */
	int nocall = grant(srv, HOME_SLOT, CAP_RIGHT_GRANT, 0);
	expect_call_fails("dom_call through a cap without the call right", nocall, -E_PERM);
	expect_call_fails("dom_call of the home domain (its self cap has no call right)", HOME_SLOT, -E_PERM);
	int nogrant = grant(srv, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GIVE, 0);
	expect("cap_grant from a cap without the grant right", cap_grant(nogrant, HOME_SLOT, CAP_RIGHT_CALL, 0),
	       -E_PERM);
	expect("cap_grant into a domain through a cap without the give right",
	       cap_grant(call, nocall, CAP_RIGHT_CALL, 0), -E_PERM);
	refusals += 6;
	/* Caps that name no domain to call or to give to: init's root
	 * authority (lab 8), an IRQ-control and an I/O-port cap with the
	 * grant right. The type is checked before the rights. */
	const struct { int slot, type; const char *name; } roots[] = {
		{ ROOT_IRQ_CONTROL_SLOT, CAP_IRQ_CONTROL, "IRQ-control" },
		{ ROOT_IOPORT_SLOT, CAP_IOPORT, "I/O-port" },
	};
	for (unsigned i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		char what[80];
		int slot = roots[i].slot;
		if (info(slot).type != roots[i].type)
			fail("this part runs as init, with the root authority in its top two slots", info(slot).type);
		snprintf(what, sizeof what, "dom_call through init's %s cap (slot %d)", roots[i].name, slot);
		expect_call_fails(what, slot, -E_BADCAP);
		snprintf(what, sizeof what, "cap_grant into init's %s cap (slot %d)", roots[i].name, slot);
		expect(what, cap_grant(srv, slot, CAP_RIGHT_CALL, 0), -E_BADCAP);
		snprintf(what, sizeof what, "dom_destroy of init's %s cap (slot %d)", roots[i].name, slot);
		expect(what, dom_destroy(slot), -E_BADCAP);
		refusals += 3;
	}
	/* And the kernel works on. */
	expect_echo("a call after the refusals", srv, 0, big, 1, 2);
	expect_echo("a call through a copy after the refusals", call, 0, big, 3, 4);
	expect("cap_info of the empty slot after the refusals", info(empty).type, CAP_EMPTY);
	expect("cap_delete", cap_delete(nogrant), 0);
	expect("cap_delete", cap_delete(nocall), 0);
	expect("cap_delete", cap_delete(call), 0);
	printf("domtests: forged: %d refusals\n", refusals);
	destroy(srv);
	baseline_check();
}

/* grant RIGHTS BADGE1 BADGE2: rights only narrow, exactly as asked; a
 * badge is set only on an unbadged cap (0 keeps it); the give right
 * decides where a cap may go; a full table is -E_NOSLOT, but only for a
 * grant whose rights and badge pass; a management cap without the manage
 * right is a call cap. */
static void part_grant(void)
{
	uint32_t rights = arg(0, CAP_RIGHT_CALL) & CAP_RIGHTS_ALL, b1 = arg(1, 11), b2 = arg(2, 22);
	baseline_take();
	int srv = create("testsrv");
	/* Rights: exactly the ones asked for; never one more. */
	int narrow = grant(srv, HOME_SLOT, rights | CAP_RIGHT_GRANT, 0);
	struct cap_info n = info(narrow);
	expect_u("the rights of a narrowed copy", n.rights, rights | CAP_RIGHT_GRANT);
	expect("the type of a narrowed copy", n.type, (rights & CAP_RIGHT_MANAGE) ? CAP_MANAGE : CAP_CALL);
	expect("a copy's derived flag", n.derived, 1);
	for (uint32_t bit = 1; bit <= CAP_RIGHT_MANAGE; bit <<= 1) {
		if (n.rights & bit)
			continue;
		char what[80];
		snprintf(what, sizeof what, "cap_grant widening rights 0x%x by 0x%x", n.rights, bit);
		expect(what, cap_grant(narrow, HOME_SLOT, n.rights | bit, 0), -E_PERM);
	}
	int narrower = grant(narrow, HOME_SLOT, CAP_RIGHT_GRANT, 0);
	expect_u("the rights of a copy of a copy", info(narrower).rights, CAP_RIGHT_GRANT);
	expect("cap_grant of every right from a copy with one", cap_grant(narrower, HOME_SLOT, CAP_RIGHTS_ALL, 0),
	       -E_PERM);
	if (!(rights & CAP_RIGHT_CALL))
		expect_call_fails("a call through a copy without the call right", narrow, -E_PERM);
	else
		expect_echo("a call through a narrowed copy", narrow, 0, rights, b1, b2);
	/* Without the manage right a management cap's copy is a call cap. */
	int unmanaged = grant(srv, HOME_SLOT, CAP_RIGHTS_ALL & ~CAP_RIGHT_MANAGE, 0);
	expect("the type of a management cap's copy without the manage right", info(unmanaged).type, CAP_CALL);
	expect("dom_destroy through it", dom_destroy(unmanaged), -E_BADCAP);
	/* Badges. */
	int badged = grant(srv, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GRANT, b1);
	expect_u("the badge of a badged copy", info(badged).badge, b1);
	expect_echo("the badge reaching the callee", badged, b1, b2, rights, 7);
	expect("cap_grant changing a badge", cap_grant(badged, HOME_SLOT, CAP_RIGHT_CALL, b2), -E_PERM);
	int kept = grant(badged, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GRANT, 0);
	expect_u("the badge of a copy granted with badge 0 (keeps it)", info(kept).badge, b1);
	expect_echo("the kept badge reaching the callee", kept, b1, 1, 2, 3);
	int same = grant(kept, HOME_SLOT, CAP_RIGHT_CALL, b1);
	expect_u("the badge of a copy granted with the same badge", info(same).badge, b1);
	/* Where a cap may go: into srv through srv's cap (it has give)... */
	int there = grant(badged, srv, CAP_RIGHT_CALL, 0);
	uint32_t badge_there;
	expect("cap_info of the copy in the other domain", remote_info(srv, there, &badge_there),
	       (int)testsrv_info_word(CAP_CALL, CAP_RIGHT_CALL, 1, 1));
	expect_u("its badge", badge_there, b1);
	/* ...not through a cap without give. */
	int nogive = grant(srv, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GRANT, 0);
	expect("cap_grant into a domain through a cap without the give right",
	       cap_grant(badged, nogive, CAP_RIGHT_CALL, 0), -E_PERM);
	/* A full table. */
	int filled = 0, r;
	while ((r = cap_grant(kept, srv, CAP_RIGHT_CALL, 0)) >= 0)
		filled++;
	expect("cap_grant into a full table", r, -E_NOSLOT);
	expect("caps the other domain could take (slots 1.. less the one there)", filled, NCAP - 2);
	expect("cap_grant widening rights into a full table (the rights are checked first)",
	       cap_grant(kept, srv, CAP_RIGHTS_ALL, 0), -E_PERM);
	expect("cap_grant changing a badge into a full table (the badge is checked first)",
	       cap_grant(kept, srv, CAP_RIGHT_CALL, b2), -E_PERM);
	expect("cap_revoke of the copies' source", cap_revoke(kept), 0);
	expect_empty("a copy of the revoked cap in the home table", same);
	for (int slot = 1; slot < NCAP; slot++)
		if (slot != there && remote_info(srv, slot, 0) != CAP_EMPTY)
			fail("a slot the revoke should have emptied", slot);
	printf("domtests: grant: rights 0x%x badge %u\n", n.rights, info(kept).badge);
	int mine[] = { narrower, narrow, unmanaged, kept, badged, nogive };   /* copies before their sources */
	for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; i++)
		expect("cap_delete", cap_delete(mine[i]), 0);
	destroy(srv);
	baseline_check();
}

/* revoke CHAIN SIBLINGS CUT: a chain of CHAIN copies of copies in the
 * home table, SIBLINGS copies of one cap, and a copy that travels through
 * two more domains and back; revoking the chain at CUT removes what lies
 * below it only; deleting siblings (head and middle of the list) leaves the
 * others; revoking the root removes every copy everywhere, and leaves
 * unrelated caps in the slots the deleted ones had. */
#define REVOKE_MAX 8
static void part_revoke(void)
{
	int chain_len = (int)arg(0, 3), siblings = (int)arg(1, 4), cut = (int)arg(2, 1);
	int chain[REVOKE_MAX], sib[REVOKE_MAX];
	if (chain_len < 2 || chain_len > REVOKE_MAX || siblings < 3 || siblings > REVOKE_MAX ||
	    cut < 0 || cut >= chain_len - 1)
		fail("bad arguments", chain_len);
	baseline_take();
	int target = create("testsrv"), b = create("testsrv"), c = create("testsrv");
	uint32_t rw = CAP_RIGHT_CALL | CAP_RIGHT_GRANT;
	for (int i = 0; i < chain_len; i++)
		chain[i] = grant(i ? chain[i - 1] : target, HOME_SLOT, rw, 0);
	for (int i = 0; i < siblings; i++)
		sib[i] = grant(target, HOME_SLOT, rw, 100 + (uint32_t)i);
	/* Through b and c and back: home -> b -> c -> home. */
	int in_b = grant(target, b, rw, 0);
	int c_in_b = grant(c, b, CAP_RIGHT_GIVE, 0);
	int in_c = dom_call(b, TESTSRV_GRANT, (uint32_t)in_b, (uint32_t)c_in_b, TESTSRV_GRANT_ARG(rw, 0));
	if (in_c < 0)
		fail("b granting its copy into c", in_c);
	int home_in_c = grant(HOME_SLOT, c, CAP_RIGHT_GIVE, 0);
	int back = dom_call(c, TESTSRV_GRANT, (uint32_t)in_c, (uint32_t)home_in_c, TESTSRV_GRANT_ARG(CAP_RIGHT_CALL, 0));
	if (back < 0)
		fail("c granting its copy into home", back);
	expect_echo("a call through the copy that came back", back, 0, 1, 2, 3);
	expect("c calling through its copy", dom_r0(dom_call(c, TESTSRV_CALLSLOT, (uint32_t)in_c, TESTSRV_ECHO, 9)),
	       (int)testsrv_echo_r0(0, 9, 0, 0));
	/* Revoke the chain at cut: what lies below goes, the rest stays. */
	expect("cap_revoke in the chain", cap_revoke(chain[cut]), 0);
	for (int i = 0; i < chain_len; i++) {
		if (i > cut)
			expect_empty("a copy below the revoked one in the chain", chain[i]);
		else
			expect_echo("a copy above the revoke, or the revoked one", chain[i], 0, 4, 5, (uint32_t)i);
	}
	for (int i = 0; i < siblings; i++)
		expect_echo("a sibling of the chain after the chain's revoke", sib[i], 100 + (uint32_t)i, 1, 1, 1);
	expect_echo("the copy that came back, after the chain's revoke", back, 0, 6, 7, 8);
	/* Delete the middle sibling and the newest (the head of the list),
	 * then put unrelated caps where they were. */
	int middle = siblings / 2, head = siblings - 1;
	expect("cap_delete of a middle sibling", cap_delete(sib[middle]), 0);
	expect("cap_delete of the newest sibling", cap_delete(sib[head]), 0);
	for (int i = 0; i < siblings; i++)
		if (i != middle && i != head)
			expect_echo("a sibling after two were deleted", sib[i], 100 + (uint32_t)i, 2, 2, 2);
	int unrelated[2];
	for (int i = 0; i < 2; i++)
		unrelated[i] = grant(c, HOME_SLOT, CAP_RIGHT_CALL, 200 + (uint32_t)i);
	/* Revoke the root: every copy of target, wherever, goes. */
	expect("cap_revoke of the management cap", cap_revoke(target), 0);
	for (int i = 0; i <= cut; i++)      /* below cut: slots reused by the unrelated caps */
		expect_empty("a copy in the chain after the root's revoke", chain[i]);
	for (int i = 0; i < siblings; i++)
		if (i != middle && i != head)
			expect_empty("a sibling after the root's revoke", sib[i]);
	expect_empty("the copy that came back through b and c", back);
	expect("b's copy (cap_info there)", remote_info(b, in_b, 0), CAP_EMPTY);
	expect("c's copy of b's copy (cap_info there)", remote_info(c, in_c, 0), CAP_EMPTY);
	expect("b's give cap into c, not derived from the root",
	       remote_info(b, c_in_b, 0), (int)testsrv_info_word(CAP_CALL, CAP_RIGHT_GIVE, 1, 1));
	for (int i = 0; i < 2; i++)
		expect_echo("an unrelated cap in a deleted sibling's slot", unrelated[i], 200 + (uint32_t)i, 3, 3, 3);
	struct cap_info t = info(target);
	expect("the revoked management cap itself: type", t.type, CAP_MANAGE);
	expect("the revoked management cap itself: live", t.live, 1);
	expect_echo("a call through the revoked cap itself", target, 0, 7, 7, 7);
	expect("cap_delete of slot 0", cap_delete(HOME_SLOT), -E_PERM);
	expect("cap_revoke of a cap without copies", cap_revoke(unrelated[0]), 0);
	expect_echo("the cap after its empty revoke", unrelated[0], 200, 4, 4, 4);
	printf("domtests: revoke: chain %d cut at %d, %d siblings, through 3 domains\n", chain_len, cut, siblings);
	for (int i = 0; i < 2; i++)
		expect("cap_delete", cap_delete(unrelated[i]), 0);
	destroy(c);
	destroy(b);
	destroy(target);
	baseline_check();
}

/* stale CYCLES A0: destroy a domain and create another, CYCLES times; the
 * new one takes the old one's table entry, and every cap of the old one
 * answers -E_DEAD (or is a bad cap, where its type is wrong), never a
 * call into the new one. */
static void expect_alive(const char *what, int cap, int is_adder, uint32_t badge, uint32_t a0)
{
	if (!is_adder) {
		expect_echo(what, cap, badge, a0, 3, 4);
		return;
	}
	uint64_t r = dom_call(cap, a0, 1, 2, 3);
	expect_u(what, (uint32_t)dom_r0(r), a0 + 6 + badge);
	expect_u(what, dom_r1(r), a0 ^ 3);
}

static void part_stale(void)
{
	int cycles = (int)arg(0, 2);
	uint32_t a0 = arg(1, 1);
	baseline_take();
	int old = create("testsrv");
	for (int cycle = 0; cycle < cycles; cycle++) {
		int old_is_adder = cycle % 2;   /* testsrv, adder, testsrv, ... */
		int copy = grant(old, HOME_SLOT, CAP_RIGHT_CALL | CAP_RIGHT_GRANT, 5);
		struct cap_info was = info(old);
		expect_alive("a call before the destroy", copy, old_is_adder, 5, a0);
		expect("dom_destroy", dom_destroy(old), 0);
		int fresh = create(old_is_adder ? "testsrv" : "adder");
		struct cap_info now = info(fresh);
		if (now.object != was.object)
			printf("domtests: stale: FAILED: the new domain is %d, not the destroyed one's "
			       "entry %d: this test needs the entry reused\n", now.object, was.object), exit(1);
		if (now.generation == was.generation)
			fail("the reused entry's generation did not move on", (int)now.generation);
		expect("the old management cap: live", info(old).live, 0);
		expect("the old copy: live", info(copy).live, 0);
		expect_call_fails("a call through the old management cap", old, -E_DEAD);
		expect_call_fails("a call through the old copy", copy, -E_DEAD);
		const uint32_t in[5] = { a0, 1, 2, 3, 0 };
		check_raw_call("a raw call through the old copy", copy, in, (uint32_t)-E_DEAD, 0);
		expect("dom_destroy through the old management cap", dom_destroy(old), -E_DEAD);
		expect("dom_destroy through the old copy (a call cap: the type is checked first)",
		       dom_destroy(copy), -E_BADCAP);
		expect("cap_grant from the old copy", cap_grant(copy, HOME_SLOT, CAP_RIGHT_CALL, 0), -E_DEAD);
		expect("cap_grant into the old domain", cap_grant(fresh, old, CAP_RIGHT_CALL, 0), -E_DEAD);
		expect("cap_grant into the old copy (it lacks the give right: the rights are checked "
		       "before the generation)", cap_grant(fresh, copy, CAP_RIGHT_CALL, 0), -E_PERM);
		expect_alive("the new domain called through its own cap", fresh, !old_is_adder, 0, a0);
		expect("cap_delete of the old copy", cap_delete(copy), 0);
		expect("cap_delete of the old management cap", cap_delete(old), 0);
		old = fresh;
	}
	printf("domtests: stale: %d cycles\n", cycles);
	destroy(old);
	baseline_check();
}

/* nest TAG: nine domains in a chain (each one's slot 1 names the next):
 * eight nested calls pass, the ninth is refused -E_DEEP, and afterwards
 * every domain can be called again. */
#define NEST_DOMAINS (INV_MAX_CALLS + 1)
static void part_nest(void)
{
	uint32_t tag = arg(0, 1000);
	int chain[NEST_DOMAINS];
	baseline_take();
	for (int i = 0; i < NEST_DOMAINS; i++)
		chain[i] = create("testsrv");
	for (int i = 0; i + 1 < NEST_DOMAINS; i++)
		expect("the slot of the next domain's cap", grant(chain[i + 1], chain[i], CAP_RIGHT_CALL, 0),
		       TESTSRV_NEXT_SLOT);
	for (int round = 0; round < 2; round++) {
		uint64_t r = dom_call(chain[0], TESTSRV_NEST, INV_MAX_CALLS - 1, tag, 0);
		expect("8 nested calls: the depth reached", dom_r0(r), INV_MAX_CALLS - 1);
		expect_u("8 nested calls: the tag from the deepest", dom_r1(r), tag + INV_MAX_CALLS - 1);
		r = dom_call(chain[0], TESTSRV_NEST, INV_MAX_CALLS, tag, 0);
		expect("the 9th nested call", dom_r0(r), -E_DEEP);
		r = dom_call(chain[1], TESTSRV_NEST, INV_MAX_CALLS - 1, tag, 0);
		expect("8 nested calls from the second domain", dom_r0(r), INV_MAX_CALLS - 1);
		expect_u("its tag", dom_r1(r), tag + INV_MAX_CALLS - 1);
	}
	expect_echo("the last domain, called directly", chain[NEST_DOMAINS - 1], 0, tag, 1, 2);
	printf("domtests: nest: 8 deep r1=%u, the 9th refused\n", tag + INV_MAX_CALLS - 1);
	for (int i = NEST_DOMAINS - 1; i >= 0; i--)
		destroy(chain[i]);
	baseline_check();
}

/* reentry TAG: a -> b -> a is refused -E_DEADLK, and so is a domain
 * calling its own slot 0; both domains work afterwards. */
static void part_reentry(void)
{
	uint32_t tag = arg(0, 1);
	baseline_take();
	int a = create("testsrv"), b = create("testsrv");
	expect("b's cap in a", grant(b, a, CAP_RIGHT_CALL, 0), TESTSRV_NEXT_SLOT);
	expect("a's cap in b", grant(a, b, CAP_RIGHT_CALL, 0), TESTSRV_NEXT_SLOT);
	for (int round = 0; round < 2; round++) {
		uint64_t r = dom_call(a, TESTSRV_NEST, 1, tag, 0);
		expect("a -> b", dom_r0(r), 1);
		expect_u("a -> b's tag", dom_r1(r), tag + 1);
		r = dom_call(a, TESTSRV_NEST, 2, tag, 0);
		expect("a -> b -> a", dom_r0(r), -E_DEADLK);
		r = dom_call(b, TESTSRV_NEST, 2, tag, 0);
		expect("b -> a -> b", dom_r0(r), -E_DEADLK);
		r = dom_call(a, TESTSRV_CALLSLOT, HOME_SLOT, TESTSRV_ECHO, tag);
		expect("a calling its own slot 0", dom_r0(r), -E_DEADLK);
		expect_echo("a after the refusals", a, 0, tag, 2, 3);
		expect_echo("b after the refusals", b, 0, tag, 4, 5);
	}
	printf("domtests: reentry: refused\n");
	destroy(b);
	destroy(a);
	baseline_check();
}

/* busy VALUE: dom_return at home is -E_INVAL and nothing else; fork, exec
 * and sbrk inside a call are -E_BUSY; at home they work. */
static void part_busy(void)
{
	uint32_t v = arg(0, 1);
	baseline_take();
	int srv = create("testsrv");
	for (int i = 0; i < 3; i++)
		expect("dom_return at home", dom_return(v, ~v), -E_INVAL);
	expect_echo("a call after dom_return at home", srv, 0, v, 1, 2);
	expect("fork inside a call", dom_r0(dom_call(srv, TESTSRV_FORK, 0, 0, 0)), -E_BUSY);
	expect("sbrk inside a call", dom_r0(dom_call(srv, TESTSRV_SBRK, 4096, 0, 0)), -E_BUSY);
	expect("exec inside a call", dom_r0(dom_call(srv, TESTSRV_EXEC, 0, 0, 0)), -E_BUSY);
	int brk = sbrk(0);
	expect("sbrk at home after the refusals", sbrk(4096), brk);
	expect("sbrk back", sbrk(-4096), brk + 4096);
	int pid = spawn();
	if (pid == 0)
		exit((int)(v & 0x7f));
	int st = -1;
	expect("wait for a child forked at home", wait(&st), pid);
	expect("its exit status", WEXITSTATUS(st), (int)(v & 0x7f));
	printf("domtests: busy: refused\n");
	destroy(srv);
	baseline_check();
}

/* nomem A1 A2 A3: a call refused for want of memory changes nothing. A
 * forked child (a thread that never entered the server, so its call stack
 * there is not mapped yet) takes every free page with sbrk and calls the
 * server: -E_NOMEM, r1 0, twice alike; with its pages given back the same
 * call goes through, with A1..A3, and again. */
#define NOMEM_LINE_PAGES 8192     /* a line this often: the grader takes a long silence for a hang */
static uint32_t take_every_page(void)
{
	uint32_t pages = 0;
	for (uint32_t chunk = 1024; chunk >= 1;) {
		int r = sbrk((int)(chunk * PAGE));
		if (r == -E_NOMEM) {
			chunk /= 2;
			continue;
		}
		if (r < 0)
			fail("sbrk", r);
		pages += chunk;
		if (pages % NOMEM_LINE_PAGES == 0)
			printf("domtests: nomem: %u pages taken\n", pages);
	}
	return pages;
}

static void part_nomem(void)
{
	uint32_t a1 = arg(0, 1), a2 = arg(1, 2), a3 = arg(2, 3);
	baseline_take();
	int srv = create("testsrv");
	if (spawn() == 0) {
		uint32_t pages = take_every_page();
		expect_call_fails("a first call into a domain with no memory left for this thread's "
				  "call stack there", srv, -E_NOMEM);
		expect_call_fails("the same call again (the first refusal must have changed nothing)",
				  srv, -E_NOMEM);
		int brk = sbrk(0);
		expect("sbrk giving every page back", sbrk(-(int)(pages * PAGE)), brk);
		uint64_t r = 0;
		for (int i = 0; i < 2; i++) {
			r = dom_call(srv, TESTSRV_ECHO, a1, a2, a3);
			expect_u("the same call with memory back (the refusal left nothing behind)",
				 (uint32_t)dom_r0(r), testsrv_echo_r0(0, a1, a2, a3));
		}
		printf("domtests: nomem: -E_NOMEM twice with %u pages taken, then echo %08x\n", pages,
		       (uint32_t)dom_r0(r));
		exit(0);
	}
	reap(1);
	expect_echo("the parent's call", srv, 0, a3, a2, a1);
	destroy(srv);
	baseline_check();
}

/* death TICKS: domains die with threads inside them.
 *   - two threads asleep in one server (one of them called through a
 *     relay, so it unwinds into the relay, which runs on), a third
 *     preempted there, a fourth blocked in a pipe read there: the server
 *     is destroyed, every dom_call returns -E_DEAD promptly (long before
 *     their sleep of TICKS ticks would end);
 *   - a thread asleep in another server is not affected;
 *   - a thread two calls deep whose first callee dies resumes at home;
 *     its second callee lives on and can be called again;
 *   - a domain destroys itself from inside; a manager's death kills the
 *     domain it made, with a thread inside that one;
 * and afterwards memory and the process table are back. */
#define DEATH_CHILDREN 7
static int sleeps_in(int cap, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint64_t *r)
{
	int t0 = uptime();
	*r = dom_call(cap, op, a1, a2, a3);
	return uptime() - t0;
}

static void expect_unwound(const char *what, uint64_t r, uint32_t r1, int took, uint32_t ticks)
{
	expect(what, dom_r0(r), -E_DEAD);
	expect_u(what, dom_r1(r), r1);
	if ((uint32_t)took >= ticks / 2)
		printf("domtests: death: FAILED: %s: returned after %d ticks (asleep for %u)\n", what,
		       took, ticks), exit(1);
}

static void part_death(void)
{
	uint32_t ticks = arg(0, 400);
	int fds[2];
	uint64_t r;
	baseline_take();
	int victim = create("testsrv"), bystander = create("testsrv"), relay = create("testsrv");
	int middle = create("testsrv"), survivor = create("testsrv"), manager = create("testsrv");
	expect("the victim's cap in the relay", grant(victim, relay, CAP_RIGHT_CALL, 0), TESTSRV_NEXT_SLOT);
	expect("the survivor's cap in the middle", grant(survivor, middle, CAP_RIGHT_CALL, 0), TESTSRV_NEXT_SLOT);
	int made = dom_r0(dom_call(manager, TESTSRV_CREATE, 0, 0, 0));
	if (made < 0)
		fail("dom_create inside a call", made);
	expect("pipe", pipe(fds), 0);
	if (spawn() == 0) {
		int took = sleeps_in(victim, TESTSRV_SLEEP, ticks, 0, 0, &r);
		expect_unwound("a thread asleep in the destroyed domain", r, 0, took, ticks);
		expect_call_fails("a call into it afterwards", victim, -E_DEAD);
		exit(0);
	}
	if (spawn() == 0) {
		int took = sleeps_in(relay, TESTSRV_RELAY, TESTSRV_SLEEP, ticks, 0, &r);
		expect_unwound("a thread asleep in the destroyed domain, called through a relay "
			       "(r1: the relay's mark, it ran on)", r, TESTSRV_RELAY_MARK, took, ticks);
		expect_echo("the relay afterwards", relay, 0, 1, 2, 3);
		exit(0);
	}
	if (spawn() == 0) {
		int took = sleeps_in(victim, TESTSRV_SPIN, 0x7fffffff, 1, 0, &r);
		expect_unwound("a thread spinning in the destroyed domain", r, 0, took, ticks);
		exit(0);
	}
	if (spawn() == 0) {
		close(fds[1]);
		int took = sleeps_in(victim, TESTSRV_READ, (uint32_t)fds[0], 10, 0, &r);
		expect_unwound("a thread blocked in a pipe read in the destroyed domain", r, 0, took, ticks);
		exit(0);
	}
	if (spawn() == 0) {
		int t0 = uptime();
		r = dom_call(bystander, TESTSRV_SLEEP, ticks / 4, 0, 0);
		if (dom_r0(r) < t0 + (int)ticks / 4 || dom_r1(r) != ticks / 4)
			fail("a thread asleep in another domain was disturbed", dom_r0(r));
		exit(0);
	}
	if (spawn() == 0) {
		int took = sleeps_in(middle, TESTSRV_RELAY, TESTSRV_SLEEP, ticks, 0, &r);
		expect_unwound("a thread whose first callee died while it slept in the second", r, 0, took, ticks);
		expect_echo("the second callee afterwards", survivor, 0, 5, 6, 7);
		exit(0);
	}
	if (spawn() == 0) {
		int took = sleeps_in(manager, TESTSRV_CALLSLOT, (uint32_t)made, TESTSRV_SLEEP, ticks, &r);
		expect_unwound("a thread asleep in a domain whose manager died", r, 0, took, ticks);
		exit(0);
	}
	sleep(5);                       /* every child is inside by now */
	expect("dom_destroy of the domain with threads inside", dom_destroy(victim), 0);
	expect("dom_destroy of a domain with a thread in the domain it calls", dom_destroy(middle), 0);
	expect("dom_destroy of a manager", dom_destroy(manager), 0);
	close(fds[1]);
	reap(DEATH_CHILDREN);
	close(fds[0]);
	/* A domain that destroys itself from inside. */
	int suicidal = create("testsrv");
	int own = grant(suicidal, suicidal, CAP_RIGHTS_ALL, 0);
	r = dom_call(suicidal, TESTSRV_DESTROY, (uint32_t)own, 0, 0);
	expect("a call whose callee destroyed itself", dom_r0(r), -E_DEAD);
	expect("its management cap: live", info(suicidal).live, 0);
	expect_echo("the bystander afterwards", bystander, 0, 1, 1, 1);
	expect_echo("the relay afterwards", relay, 0, 2, 2, 2);
	printf("domtests: death: %d threads unwound\n", DEATH_CHILDREN - 1);
	int dead[] = { victim, middle, manager, suicidal };
	for (unsigned i = 0; i < sizeof dead / sizeof dead[0]; i++)
		expect("cap_delete of a dead domain's cap", cap_delete(dead[i]), 0);
	destroy(survivor);
	destroy(relay);
	destroy(bystander);
	baseline_check();
}

/* smoke SEED: a call with four arguments and both results, a badge, a
 * destroyed domain's stale cap, and memory back afterwards. */
static void part_smoke(void)
{
	uint32_t seed = arg(0, 1);
	baseline_take();
	int srv = create("testsrv");
	uint32_t a1 = xorshift32(&seed), a2 = xorshift32(&seed), a3 = xorshift32(&seed);
	expect_echo("echo", srv, 0, a1, a2, a3);
	int badged = grant(srv, HOME_SLOT, CAP_RIGHT_CALL, 77);
	expect_echo("echo through a badged cap", badged, 77, a1, a2, a3);
	expect("dom_destroy", dom_destroy(srv), 0);
	expect_call_fails("a call through a destroyed domain's copy", badged, -E_DEAD);
	cap_delete(badged);
	cap_delete(srv);
	baseline_check();
	printf("domtests: smoke: echo=0x%08x\n", testsrv_echo_r0(0, a1, a2, a3));
}

/* limit: dom_create makes at most NDOM_CREATED domains, all processes
 * together, so that the domain table keeps a home for every process: at the
 * limit dom_create says -E_NOSLOT and fork still works. Three children
 * create adders in turn (up to NCAP - 1 each) and hold them. */
static void part_limit(void)
{
	int hold[2], report[2], made = 0, last = 0, forked = 0;

	baseline_take();
	expect("pipe", pipe(hold), 0);
	expect("pipe", pipe(report), 0);
	for (int c = 0; c < 3; c++) {
		int pid = fork();
		if (pid < 0)
			fail("fork", pid);
		if (pid == 0) {
			int n = 0, r = 0, st = -1;
			close(hold[1]);         /* or its own copy keeps the pipe open */
			while (n < NCAP - 1 && (r = dom_create("adder", 0)) >= 0)
				n++;
			int g = fork();
			if (g == 0)
				exit(0);
			int ok = g > 0 && wait(&st) == g && st == 0;
			int words[3] = { n, r, ok };
			write(report[1], words, sizeof words);
			char byte;
			read(hold[0], &byte, 1);        /* until the parent lets go */
			exit(0);
		}
		int words[3];
		expect("read", read(report[0], words, sizeof words), (int)sizeof words);
		made += words[0];
		last = words[1];
		forked += words[2];
	}
	close(hold[1]);                         /* end of file: the children exit */
	close(hold[0]);
	close(report[0]);
	close(report[1]);
	reap(3);
	expect("domains made by dom_create, all children together", made, NDOM_CREATED);
	expect("dom_create at the limit", last, -E_NOSLOT);
	expect("children whose fork worked with the domain table at its limit", forked, 3);
	baseline_check();
	printf("domtests: limit: %d domains made, then -E_NOSLOT; fork still works\n", made);
}

static const struct test_part parts[] = {
	{ "smoke", part_smoke },
	{ "calls", part_calls },
	{ "regs", part_regs },
	{ "preempt", part_preempt },
	{ "block", part_block },
	{ "isolation", part_isolation },
	{ "forged", part_forged },
	{ "grant", part_grant },
	{ "revoke", part_revoke },
	{ "stale", part_stale },
	{ "nest", part_nest },
	{ "reentry", part_reentry },
	{ "busy", part_busy },
	{ "nomem", part_nomem },
	{ "death", part_death },
	{ "limit", part_limit },
};

int main(int argc, char **argv)
{
	return test_driver_main(argc, argv, parts, sizeof parts / sizeof parts[0]);
}
