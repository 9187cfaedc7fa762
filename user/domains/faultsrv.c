/*
 * faultsrv.c - the domain lab 7's tests (user/faulttests.c) call: it
 * faults on request (FSRV_DIV, FSRV_UD, ...), handles faults for itself
 * and the faultsrvs it creates in the way FSRV_HANDLE chose (faultsrv.h's
 * modes), and says what its handler saw (FSRV_STATS, FSRV_LAST).
 */
#include "ulib.h"
#include "faultsrv.h"

static int mode;
static uint32_t tag;
static uint32_t handled, last_stats, last_eip, last_extra;
static uint32_t next_a2, next_a3;       /* FSRV_ARGS */

/* The mode's work before the skip; the extra word FSRV_LAST reports. */
static uint32_t faultsrv_before_skip(void)
{
	switch (mode) {
	case FSRV_MODE_FAULT:
		return fault_site_ud2(tag);     /* this handler's manager's handler skips it */
	case FSRV_MODE_SLEEP:
		sleep(tag);
		return 0;
	case FSRV_MODE_NESTED:
		return (uint32_t)dom_r0(dom_call((int)tag, FSRV_DIV, tag, 0, 0));
	case FSRV_MODE_CALLREGS: {
		uint64_t r = dom_call((int)tag, FSRV_REGS, 0, 0, 0);
		return (uint32_t)dom_r0(r) ^ dom_r1(r) << 8;
	}
	default:
		return 0;
	}
}

static int faultsrv_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	handled++;
	last_stats = fsrv_stats_r1(vector, dom);
	if (mode == FSRV_MODE_PASS)
		return FAULT_PASS;
	if (mode == FSRV_MODE_KILL)
		return FAULT_KILL;
	if (mode == FSRV_MODE_FAULT_PASS) {
		last_extra = fault_site_ud2(tag);
		return FAULT_PASS;
	}
	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	last_eip = r.eip;
	if (mode == FSRV_MODE_LOOP)
		return FAULT_RESUME;
	last_extra = faultsrv_before_skip();
	if (vector != 3)                /* int3 traps: eip is past it already */
		r.eip += FAULT_SITE_LEN;
	r.eax = fsrv_skip_eax(tag, vector);
	return fault_regs_resume(&r);
}

/* a1 more calls down the chain, then a fault at the bottom. */
static uint64_t faultsrv_depth(uint32_t depth)
{
	if (depth == 0)
		return dom_reply(0, fault_site_ud2(0));
	uint64_t r = dom_call(FSRV_CHILD_SLOT, FSRV_DEPTH, depth - 1, 0, 0);
	if (dom_r0(r) < 0)
		return r;
	return dom_reply((uint32_t)dom_r0(r) + 1, dom_r1(r));
}

/* A chain of a1 more faultsrvs below this one, each the manager of the
 * next (slot FSRV_CHILD_SLOT of each), made where missing. */
static uint64_t faultsrv_grow(uint32_t n)
{
	struct cap_info child;
	int made = 0;

	if (n == 0)
		return dom_reply(0, 0);
	if (cap_info(FSRV_CHILD_SLOT, &child) < 0 || child.type == CAP_EMPTY) {
		int slot = dom_create("faultsrv", 0);
		if (slot != FSRV_CHILD_SLOT)
			return dom_reply((uint32_t)(slot < 0 ? slot : -E_INVAL), 0);
		made = 1;
	}
	uint64_t r = dom_call(FSRV_CHILD_SLOT, FSRV_GROW, n - 1, 0, 0);
	if (dom_r0(r) < 0)
		return r;
	return dom_reply((uint32_t)(dom_r0(r) + made), 0);
}

static uint64_t faultsrv_regs_outside(void)
{
	struct fault_regs r;
	int get = fault_regs(FAULT_REGS_GET, &r);
	int resume = fault_resume(FAULT_RESUME);
	return dom_reply((uint32_t)get, (uint32_t)resume);
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	switch (op) {
	case FSRV_HANDLE:
		mode = (int)a2;
		tag = a3;
		return dom_reply((uint32_t)fault_handler_set(faultsrv_on_fault, a1), 0);
	case FSRV_CREATE:
		return dom_reply((uint32_t)dom_create("faultsrv", 0), 0);
	case FSRV_CALL:
		return dom_call((int)a1, a2, a3, next_a2, next_a3);
	case FSRV_ARGS:
		next_a2 = a1;
		next_a3 = a2;
		return dom_reply(0, 0);
	case FSRV_DIV:
		return dom_reply(fault_site_div(a1), 0);
	case FSRV_UD:
		return dom_reply(fault_site_ud2(a1), 0);
	case FSRV_INT3:
		return dom_reply(fault_site_int3(a1), 0);
	case FSRV_READ:
		return dom_reply(fault_site_read(a1), 0);
	case FSRV_WRITE:
		fault_site_write(a1, a2);
		return dom_reply(fault_site_read(a1), 0);
	case FSRV_STATS:
		return dom_reply(handled, last_stats);
	case FSRV_LAST:
		return dom_reply(last_eip, last_extra);
	case FSRV_ID:
		return reply_own_id();
	case FSRV_DESTROY:
		return dom_reply((uint32_t)dom_destroy((int)a1), 0);
	case FSRV_REGS:
		return faultsrv_regs_outside();
	case FSRV_DEPTH:
		return faultsrv_depth(a1);
	case FSRV_GROW:
		return faultsrv_grow(a1);
	case FSRV_GRANT:
		return dom_reply((uint32_t)cap_grant((int)a1, (int)a2, a3, 0), 0);
	default:
		return dom_reply((uint32_t)-E_INVAL, op);
	}
}
