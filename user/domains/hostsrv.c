/*
 * hostsrv.c - the domain user/hostile.c calls: a fault handler that
 * attacks the kernel from inside itself (hostsrv.h's attacks), in a
 * created domain, handling its own faults or those of the hostsrvs it
 * creates. It says what went wrong through HSRV_STATS.
 */
#include "ulib.h"
#include "hostsrv.h"
#include "faultsrv.h"

#define V_UD 6u
#define V_BP 3u
#define V_OF 4u
#define KERNEL_ADDR 0xc0100000u
#define UNMAPPED_ADDR 0x70000000u
#define MAP_VA 0x50000000u

static int attack;
static uint32_t mask;            /* the vectors HSRV_HANDLE chose */
static uint32_t argument;
static uint32_t handled, first_bad;

/* Probe number n got r, which must be want: else the first such n stays. */
static void probe(uint32_t n, int r, int want)
{
	if (r != want && !first_bad)
		first_bad = n;
}

/* int $50 (dom_return) with garbage in the registers it reads. */
static int raw_domreturn(void)
{
	int r;
	__asm__ volatile("int $50" : "=a"(r) : "c"(0xdead0000u), "d"(0xbeefu) : "memory");
	return r;
}

/* Every call a handler in a created domain makes in anger: refused
 * (dom_return: not in a call; fork, sbrk, exec: not at home; a call back
 * into a domain on the stack: deadlock; bad pointers; bad arguments) or
 * allowed (domains made, mapped, called and destroyed; the handler set
 * again while it runs). */
static void hostsrv_probe(void)
{
	char *argv[] = { "hostile", 0 };
	struct fault_regs r;

	probe(1, dom_return(1, 2), -E_INVAL);
	probe(2, raw_domreturn(), -E_INVAL);
	probe(3, fork(), -E_BUSY);
	probe(4, sbrk(4096), -E_BUSY);
	probe(5, exec("hostile", argv), -E_BUSY);
	probe(6, dom_r0(dom_call((int)argument, 0, 0, 0, 0)), -E_DEADLK);
	probe(7, fault_regs(FAULT_REGS_GET, (struct fault_regs *)KERNEL_ADDR), -E_FAULT);
	probe(8, fault_regs(FAULT_REGS_GET, (struct fault_regs *)UNMAPPED_ADDR), -E_FAULT);
	probe(9, fault_regs(FAULT_REGS_SET, (struct fault_regs *)KERNEL_ADDR), -E_FAULT);
	int s = dom_create("faultsrv", 0);
	probe(10, s < 0 ? s : 0, 0);
	if (s >= 0) {
		probe(11, dom_map(s, MAP_VA, DOM_MAP_WRITE), 0);
		probe(12, dom_r0(dom_call(s, FSRV_WRITE, MAP_VA + 8, 0x1234, 0)), 0x1234);
		probe(13, dom_destroy(s), 0);
		probe(14, cap_delete(s), 0);
	}
	probe(15, dom_set_handler(UABI_USER_TOP, FAULT_VECTOR_BIT(V_UD)), -E_FAULT);
	probe(16, fault_resume(7), -E_INVAL);
	probe(17, dom_map(0, MAP_VA, DOM_MAP_WRITE), -E_BADCAP);
	probe(18, fault_regs(FAULT_REGS_GET, &r), 0);
}

/* Deeper until the exception stack's guard page (depth_limit is never
 * reached: it is only there so that the compiler sees an end). */
static volatile uint32_t depth_limit = 0xffffffffu;

static uint32_t hostsrv_recurse(uint32_t depth)
{
	volatile uint32_t pad[64];
	pad[depth % 64] = depth;
	if (depth == depth_limit)
		return 0;
	return hostsrv_recurse(depth + 1) + pad[(depth + 1) % 64];
}

static int hostsrv_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom);

static int hostsrv_skip(unsigned int vector, uint32_t tag)
{
	struct fault_regs r;

	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	if (vector != V_BP && vector != V_OF)
		r.eip += HSRV_SITE_LEN;
	r.eax ^= hsrv_skip_eax(tag, vector);
	return fault_regs_resume(&r);
}

static int hostsrv_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	handled++;
	switch (attack) {
	case HSRV_A_PROBE:
		hostsrv_probe();
		probe(19, fault_handler_set(hostsrv_on_fault, mask), 0);    /* again, while it runs */
		return hostsrv_skip(vector, 0);
	case HSRV_A_DESTROY:
		probe(20, dom_destroy((int)argument), 0);
		return hostsrv_skip(vector, 0);
	case HSRV_A_EXIT:
		exit((int)argument);
	case HSRV_A_RECURSE:
		return (int)hostsrv_recurse(0);
	case HSRV_A_RESUME_RAW: {
		int action = hostsrv_skip(vector, argument);
		fault_resume(action);
		probe(21, 1, 0);        /* fault_resume came back */
		return FAULT_KILL;
	}
	default:
		return hostsrv_skip(vector, argument);
	}
}

static uint32_t site_ud2(uint32_t eax)
{
	__asm__ volatile("ud2" : "+a"(eax) : : "memory");
	return eax;
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t eax = a1;

	switch (op) {
	case HSRV_HANDLE:
		attack = (int)a2;
		mask = a1;
		argument = a3;
		return dom_reply((uint32_t)fault_handler_set(hostsrv_on_fault, a1), 0);
	case HSRV_CREATE:
		return dom_reply((uint32_t)dom_create("hostsrv", 0), 0);
	case HSRV_CALL:
		return dom_call((int)a1, a2, a3, 0, 0);
	case HSRV_UD:
		return dom_reply(site_ud2(a1), 0);
	case HSRV_INT3:
		__asm__ volatile("int3" : "+a"(eax) : : "memory");
		return dom_reply(eax, 0);
	case HSRV_INTO:
		__asm__ volatile("pushl $0x802\n\tpopfl\n\tinto" : "+a"(eax) : : "memory", "cc");
		return dom_reply(eax, 0);
	case HSRV_ENTRY:
		return dom_reply((uint32_t)dom_set_handler(a1, a2), 0);
	case HSRV_STATS:
		return dom_reply(handled, first_bad);
	case HSRV_ID:
		return reply_own_id();
	case HSRV_AFTER: {
		uint32_t got = site_ud2(a1);
		int again = fault_resume(FAULT_RESUME), kill = fault_resume(FAULT_KILL);
		return dom_reply(got, (uint32_t)again ^ (uint32_t)kill << 8);
	}
	default:
		return dom_reply((uint32_t)-E_INVAL, op);
	}
}
