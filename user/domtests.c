/*
 * domtests.c - lab 6's tests of domains and capabilities, run as
 * `init=domtests PART SEED`. Each part prints what it checked and ends
 * with one verdict line, "domtests: PART: ok" or "domtests: PART: FAILED ...".
 */
#include "ulib.h"
#include "domains/testsrv.h"

static const char *part = "?";

static void __attribute__((noreturn)) fail(const char *what, int r)
{
	printf("domtests: %s: FAILED: %s (%d, %s)\n", part, what, r, r < 0 ? strerror(r) : "");
	exit(1);
}

static int create(const char *path)
{
	int slot = dom_create(path, 0);
	if (slot < 0)
		fail("dom_create", slot);
	return slot;
}

static uint32_t xorshift(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9E3779B9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* smoke: a call with four arguments and both results, a badge, a
 * destroyed domain's stale cap, and memory back afterwards. */
static void part_smoke(uint32_t seed)
{
	int before = memfree();
	int srv = create("testsrv");
	uint32_t a1 = xorshift(&seed), a2 = xorshift(&seed), a3 = xorshift(&seed);
	uint64_t r = dom_call(srv, TESTSRV_ECHO, a1, a2, a3);
	if ((uint32_t)dom_r0(r) != testsrv_echo_r0(0, a1, a2, a3) || dom_r1(r) != testsrv_echo_r1(0, a1, a2, a3))
		fail("echo answered wrong", dom_r0(r));
	int badged = cap_grant(srv, 0, CAP_RIGHT_CALL, 77);
	if (badged < 0)
		fail("cap_grant with a badge", badged);
	r = dom_call(badged, TESTSRV_ECHO, a1, a2, a3);
	if ((uint32_t)dom_r0(r) != testsrv_echo_r0(77, a1, a2, a3))
		fail("the badge did not reach the callee", dom_r0(r));
	int err = dom_destroy(srv);
	if (err < 0)
		fail("dom_destroy", err);
	r = dom_call(badged, TESTSRV_ECHO, a1, a2, a3);
	if (dom_r0(r) != -E_DEAD)
		fail("a call through a destroyed domain's copy", dom_r0(r));
	cap_delete(badged);
	cap_delete(srv);
	if (memfree() != before)
		fail("memfree() not back", memfree() - before);
	printf("domtests: smoke: echo=0x%08x\n", (uint32_t)testsrv_echo_r0(0, a1, a2, a3));
}

struct part {
	const char *name;
	void (*run)(uint32_t seed);
};

static const struct part parts[] = {
	{ "smoke", part_smoke },
};

int main(int argc, char **argv)
{
	uint32_t seed = argc > 2 ? (uint32_t)atoi(argv[2]) : 1;
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (argc > 1 && !strcmp(argv[1], parts[i].name)) {
			part = parts[i].name;
			parts[i].run(seed);
			printf("domtests: %s: ok\n", part);
			return 0;
		}
	}
	printf("usage: domtests PART [SEED]\n");
	return 2;
}
