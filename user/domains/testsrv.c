/*
 * testsrv.c - the domain that lab 6's tests (user/domtests.c) call. a0
 * names what to do (TESTSRV_xxx, testsrv.h), a1..a3 are its arguments;
 * each answer is computed from the arguments, so the caller can check it.
 */
#include "ulib.h"
#include "testsrv.h"

/* A chain of calls: slot 1 of this domain names the next one (the test
 * grants it); depth more calls from here, each one level deeper. */
static uint64_t testsrv_nest(uint32_t depth, uint32_t tag)
{
	if (depth == 0)
		return dom_reply(0, tag);
	uint64_t r = dom_call(TESTSRV_NEXT_SLOT, TESTSRV_NEST, depth - 1, tag + 1, 0);
	if (dom_r0(r) < 0)
		return r;
	return dom_reply((uint32_t)dom_r0(r) + 1, dom_r1(r));
}

/* Spin for n steps of xorshift: preemption inside a callee. */
static uint64_t testsrv_spin(uint32_t n, uint32_t seed)
{
	return dom_reply(testsrv_spin_answer(n, seed), n);
}

/* Every register junk, then dom_return by hand: the caller must get r0
 * and r1 and nothing else of this. */
static void __attribute__((noreturn)) testsrv_trash(uint32_t r0, uint32_t r1)
{
	asm volatile("xorl %%eax, %%eax\n\t"
		     "movw %%ax, %%ds\n\t"        /* null data segments too */
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%fs\n\t"
		     "movw %%ax, %%gs\n\t"
		     "movl $0xdead0001, %%eax\n\t"
		     "movl $0xdead0002, %%ebx\n\t"
		     "movl $0xdead0003, %%esi\n\t"
		     "movl $0xdead0004, %%edi\n\t"
		     "movl $0xdead0005, %%ebp\n\t"
		     "movl $0xdead0006, %%esp\n\t"
		     "std\n\t"                  /* and flags: DF, CF, ZF, SF set */
		     "stc\n\t"
		     "int $50\n\t"              /* dom_return(r0, r1) */
		     : : "c"(r0), "d"(r1));     /* dom_return's r0 and r1, where the gate wants them */
	__builtin_unreachable();
}

/* cap_info of slot here, packed for the caller (testsrv.h). */
static uint64_t testsrv_info(int slot)
{
	struct cap_info info;
	int err = cap_info(slot, &info);

	if (err < 0)
		return dom_reply((uint32_t)err, 0);
	return dom_reply(testsrv_info_word(info.type, info.rights, info.live, info.derived), info.badge);
}

/* Read n bytes from fd into this domain's memory; a blocking read inside
 * a callee. */
static uint64_t testsrv_read(int fd, uint32_t n)
{
	unsigned char buf[TESTSRV_READ_MAX];     /* on this thread's own call stack */
	int got = 0;

	if (n > sizeof(buf))
		n = sizeof(buf);
	while (got < (int)n) {
		int r = read(fd, buf + got, (int)n - got);
		if (r < 0)
			return dom_reply((uint32_t)r, 0);
		if (r == 0)
			break;
		got += r;
	}
	return dom_reply((uint32_t)got, testsrv_fnv1a(buf, got));
}

static uint64_t testsrv_exec(void)
{
	static char *const argv[] = { "echo", "testsrv: exec from inside a call ran", 0 };
	return dom_reply((uint32_t)exec("echo", argv), 0);
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	switch (op) {
	case TESTSRV_ECHO:
		return dom_reply(testsrv_echo_r0(badge, a1, a2, a3), testsrv_echo_r1(badge, a1, a2, a3));
	case TESTSRV_NEST:
		return testsrv_nest(a1, a2);
	case TESTSRV_TOUCH:
		*(volatile uint32_t *)a1 = a2;
		return dom_reply(0, 0);
	case TESTSRV_SPIN:
		return testsrv_spin(a1, a2);
	case TESTSRV_SLEEP:
		sleep(a1);
		return dom_reply((uint32_t)uptime(), a1);
	case TESTSRV_GETPID:
		return dom_reply((uint32_t)getpid(), (uint32_t)getppid());
	case TESTSRV_FORK:
		return dom_reply((uint32_t)fork(), 0);
	case TESTSRV_SBRK:
		return dom_reply((uint32_t)sbrk((int)a1), 0);
	case TESTSRV_WRITE:
		return dom_reply((uint32_t)printf("testsrv: %u written from the callee's memory\n", a1), 0);
	case TESTSRV_TRASH:
		testsrv_trash(a1, a2);
	case TESTSRV_RELAY: {
		uint64_t r = dom_call(TESTSRV_NEXT_SLOT, a1, a2, a3, 0);
		return dom_reply((uint32_t)dom_r0(r), dom_r1(r) ^ TESTSRV_RELAY_MARK);
	}
	case TESTSRV_CALLSLOT:
		return dom_call((int)a1, a2, a3, 0, 0);
	case TESTSRV_GRANT:
		return dom_reply((uint32_t)cap_grant((int)a1, (int)a2, TESTSRV_RIGHTS(a3), TESTSRV_BADGE(a3)), 0);
	case TESTSRV_INFO:
		return testsrv_info((int)a1);
	case TESTSRV_EXEC:
		return testsrv_exec();
	case TESTSRV_READ:
		return testsrv_read((int)a1, a2);
	case TESTSRV_CREATE:
		return dom_reply((uint32_t)dom_create("testsrv", 0), 0);
	case TESTSRV_DESTROY:
		return dom_reply((uint32_t)dom_destroy((int)a1), 0);
	default:
		return dom_reply((uint32_t)-E_INVAL, op);
	}
}
