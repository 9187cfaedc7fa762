/*
 * testdriver.h - what the test drivers user/domtests.c (lab 6),
 * user/faulttests.c and user/hostile.c (lab 7) share: a driver is run as `init=DRIVER PART
 * N...`, runs one part with the grader's numbers, and every line it prints
 * starts "DRIVER: PART: "; a check that fails prints one FAILED line
 * saying what and exits 1 (the grader shows that line). A part ends by
 * checking memfree() and the number of processes against what they were
 * when it took its baseline.
 *
 * The driver defines TEST_DRIVER, its name, before including this (every
 * user/NAME.c is a program of its own, so what they share is this header
 * of static helpers, not a file of its own). It names its parts in a
 * table of struct test_part and hands it to test_driver_main.
 */
#ifndef USER_TESTDRIVER_H
#define USER_TESTDRIVER_H

#include "ulib.h"

#ifndef TEST_DRIVER
#error "define TEST_DRIVER (the program's name, each line's first word) before including testdriver.h"
#endif

/* ---- the address space and the fault vectors the parts name ---- */

#define HOME_SLOT 0             /* every domain's slot 0 names itself */
#define PAGE 4096u
#define USER_BASE UABI_USER_BASE
#define USER_TOP UABI_USER_TOP
/* The user stack's guard page, and the home's exception stack below it
 * with its own guard page (abi.h: dom_set_handler maps it;
 * kernel/mm/layout.h). */
#define STACK_GUARD (USER_TOP - (UABI_STACK_PAGES + 1) * PAGE)
#define XSTACK_TOP STACK_GUARD
#define XSTACK_BOTTOM (XSTACK_TOP - UABI_STACK_PAGES * PAGE)
#define XSTACK_GUARD (XSTACK_BOTTOM - PAGE)

#define V_DE 0u         /* divide error */
#define V_DB 1u         /* debug */
#define V_BP 3u         /* breakpoint (int3) */
#define V_OF 4u         /* overflow (into) */
#define V_UD 6u         /* invalid opcode (ud2) */
#define V_GP 13u        /* general protection (cli, hlt) */
#define V_PF 14u        /* page fault */
#define BIT(v) FAULT_VECTOR_BIT(v)

/* A data segment register's selector, as the program runs with it now. */
#define READ_SEGMENT(reg) ({ uint16_t v_; asm volatile("movw %%" #reg ", %0" : "=r"(v_)); v_; })

/* ---- checks ---- */

#define TEST_DRIVER_MAX_ARGS 8
#define TEST_DRIVER_MAX_PROCS 64        /* ps() entries a baseline counts */

static const char *part = "?";          /* the part running: each line's second word */
static uint32_t test_args[TEST_DRIVER_MAX_ARGS];
static int test_nargs;

/* The part's i-th number from the command line (after PART), or dflt. */
static inline uint32_t arg(int i, uint32_t dflt)
{
	return i < test_nargs ? test_args[i] : dflt;
}

/* A call that failed with r (or a count r that is wrong): a FAILED line. */
static inline void __attribute__((noreturn)) fail(const char *what, int r)
{
	printf(TEST_DRIVER ": %s: FAILED: %s (%d%s%s)\n", part, what, r, r < 0 ? ", " : "",
	       r < 0 ? strerror(r) : "");
	exit(1);
}

/* got must be want: else a FAILED line naming both. */
static inline void expect(const char *what, int got, int want)
{
	if (got == want)
		return;
	printf(TEST_DRIVER ": %s: FAILED: %s: got %d (%s), expected %d (%s)\n", part, what, got,
	       got < 0 ? strerror(got) : "not an error", want, want < 0 ? strerror(want) : "not an error");
	exit(1);
}

/* The same for a word that is no error code, in hex. A wrong word that
 * reads as an error code is named too (a call's r0 is often the kernel's
 * refusal: 0xffffffec is -E_DEADLK), so the line says what to look at. */
static inline void expect_u(const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return;
	int err = (int)got;
	if (err < 0 && err >= -E_MAX)
		printf(TEST_DRIVER ": %s: FAILED: %s: got 0x%08x (as an error: %d, %s), expected 0x%08x\n",
		       part, what, got, err, strerror(err), want);
	else
		printf(TEST_DRIVER ": %s: FAILED: %s: got 0x%08x, expected 0x%08x\n", part, what, got, want);
	exit(1);
}

/* ---- memory and process table baseline ---- */

static struct procinfo baseline_ps[TEST_DRIVER_MAX_PROCS];
static int base_free, base_procs;

static inline void baseline_take(void)
{
	base_free = memfree();
	base_procs = ps(baseline_ps, TEST_DRIVER_MAX_PROCS);
}

/* Every domain the part made is destroyed, every cap deleted, every child
 * reaped: memory and the process table are as baseline_take found them. */
static inline void baseline_check(void)
{
	int free_now = memfree(), procs_now = ps(baseline_ps, TEST_DRIVER_MAX_PROCS);
	if (free_now != base_free)
		printf(TEST_DRIVER ": %s: FAILED: memfree() was %d before the part and is %d after "
		       "it (every domain destroyed, every cap deleted)\n", part, base_free, free_now), exit(1);
	if (procs_now != base_procs)
		printf(TEST_DRIVER ": %s: FAILED: %d processes before the part, %d after\n", part,
		       base_procs, procs_now), exit(1);
}

/* ---- domains ---- */

/* A new domain from image path (user/domains/PATH.c): its management cap. */
static inline int create(const char *path)
{
	int slot = dom_create(path, 0);
	if (slot < 0)
		printf(TEST_DRIVER ": %s: FAILED: dom_create(\"%s\") (%d, %s)\n", part, path, slot,
		       strerror(slot)), exit(1);
	return slot;
}

/* Destroy the domain mcap manages and delete the cap. */
static inline void destroy(int mcap)
{
	expect("dom_destroy", dom_destroy(mcap), 0);
	expect("cap_delete of the destroyed domain's management cap", cap_delete(mcap), 0);
}

/* Delete the management cap of a domain that died already. */
static inline void forget(int mcap)
{
	expect("cap_delete of a dead domain's cap", cap_delete(mcap), 0);
}

/* dom_call under the short name the parts use. */
static inline uint64_t call(int cap, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return dom_call(cap, op, a1, a2, a3);
}

/* Call op(a1) in mcap's domain, which must answer -E_DEAD (the call killed
 * it, or it was dead already); then delete the cap. */
static inline void expect_dead_then_forget(const char *what, int mcap, uint32_t op, uint32_t a1)
{
	expect(what, dom_r0(call(mcap, op, a1, 0, 0)), -E_DEAD);
	forget(mcap);
}

/* ---- children ---- */

static inline int spawn(void)
{
	int pid = fork();
	if (pid < 0)
		fail("fork", pid);
	return pid;
}

/* Child pid ended with wait status st: it must have exited 0 (a FAILED
 * line of its own says why not). */
static inline void expect_child_ok(int pid, int st)
{
	if (WIFKILLED(st))
		printf(TEST_DRIVER ": %s: FAILED: child %d was killed (cause %d)\n", part, pid,
		       WKILLCAUSE(st)), exit(1);
	if (st != 0)
		printf(TEST_DRIVER ": %s: FAILED: child %d exited %d (it said why above)\n", part, pid,
		       WEXITSTATUS(st)), exit(1);
}

/* Wait for the one child pid; its wait status. */
static inline int reap_one(int pid)
{
	int st = -1;
	expect("wait", wait(&st), pid);
	return st;
}

/* The child must have exited 0 (a FAILED line of its own says why not). */
static inline void reap_ok(int pid)
{
	expect_child_ok(pid, reap_one(pid));
}

/* The child must have been killed by vector (what names the attempt). */
static inline void reap_killed(int pid, const char *what, uint32_t vector)
{
	int st = reap_one(pid);
	if (!WIFKILLED(st) || (uint32_t)WKILLCAUSE(st) != vector)
		printf(TEST_DRIVER ": %s: FAILED: %s: wait status 0x%x, expected killed by vector %u\n",
		       part, what, st, vector), exit(1);
}

/* The child must have exited with code. */
static inline void reap_exited(int pid, const char *what, int code)
{
	int st = reap_one(pid);
	if (st != WAIT_EXITED_STATUS(code))
		printf(TEST_DRIVER ": %s: FAILED: %s: wait status 0x%x, expected exit %d\n", part, what,
		       st, code), exit(1);
}

/* ---- main ---- */

struct test_part {
	const char *name;
	void (*run)(void);
};

/* `DRIVER PART N...`: the numbers into arg(), then part PART; its verdict
 * line "DRIVER: PART: ok" once it returns. 2 for a bad command line. */
static inline int test_driver_main(int argc, char **argv, const struct test_part *parts, unsigned nparts)
{
	for (int i = 2; i < argc && test_nargs < TEST_DRIVER_MAX_ARGS; i++) {
		unsigned int v;
		if (parse_uint(argv[i], &v) < 0) {
			printf(TEST_DRIVER ": %s is not a number\n", argv[i]);
			return 2;
		}
		test_args[test_nargs++] = v;
	}
	for (unsigned i = 0; i < nparts; i++) {
		if (argc > 1 && !strcmp(argv[1], parts[i].name)) {
			part = parts[i].name;
			printf(TEST_DRIVER ": %s: starts\n", part);     /* a first word soon after boot */
			parts[i].run();
			printf(TEST_DRIVER ": %s: ok\n", part);
			return 0;
		}
	}
	printf("usage: " TEST_DRIVER " PART [N...]\n");
	return 2;
}

#endif
