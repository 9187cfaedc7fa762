/*
 * faulter.c - a domain that raises the fault it is asked for, with
 * registers from a seed, and handles faults by a fixed policy
 * (faulter.h): the fuzzer's created domains and the lab 7 tools' scenes.
 */
#include "ulib.h"
#include "faultsites.h"

static uint64_t faulter_raise(uint32_t kind, uint32_t seed, uint32_t addr)
{
	if (kind >= FAULTER_KINDS)
		return dom_reply((uint32_t)-E_INVAL, 0);
	uint32_t changed = faultsite_raise(kind, seed, addr);
	return dom_reply(faultsite_out[0], changed);
}

static int policy;

/* The faulting site's instruction, skipped. A fault that no site raised
 * (a fetch at a stray eip that a manager resumed us at) goes up: skipping
 * there would fault again a few bytes on, for ever. */
static int faulter_skip_it(unsigned int vector)
{
	struct fault_regs r;

	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	int kind = faultsite_kind_at(vector, r.eip);
	if (kind < 0)
		return FAULT_PASS;
	r.eip += faulter_skip[kind];
	return fault_regs(FAULT_REGS_SET, &r) < 0 ? FAULT_KILL : FAULT_RESUME;
}

static int faulter_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	(void)addr, (void)error, (void)dom;
	switch (policy) {
	case FAULTER_PASSUP:
		return FAULT_PASS;
	case FAULTER_KILLIT:
		return FAULT_KILL;
	case FAULTER_AGAIN:
		return FAULT_RESUME;
	case FAULTER_BOGUS:
		if (fault_resume(FAULT_KILL + 1 + (int)vector) != -E_INVAL)
			asm volatile("ud2");            /* it must refuse: say so by faulting */
		return faulter_skip_it(vector);
	case FAULTER_CRASH:
		asm volatile("ud2");
		return FAULT_KILL;
	default:
		return faulter_skip_it(vector);
	}
}

static uint64_t faulter_handler(uint32_t how, uint32_t mask, uint32_t eip)
{
	if (how == FAULTER_RAW)
		return dom_reply((uint32_t)dom_set_handler(eip, mask), 0);
	/* A refused handler leaves the old one, and with it the old policy: the
	 * fuzzer expects the handler that was set to act as it was set. */
	int e = fault_handler_set(faulter_on_fault, mask);
	if (e == 0)
		policy = (int)how;
	return dom_reply((uint32_t)e, 0);
}

uint64_t dom_main(uint32_t badge, uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)badge;
	if (op == FAULTER_RAISE)
		return faulter_raise(a1, a2, a3);
	if (op == FAULTER_HANDLER)
		return faulter_handler(a1, a2, a3);
	return dom_reply((uint32_t)-E_INVAL, 0);
}
