/*
 * domscene.c - sets up a scene of domains for the lab 6 tools' tests
 * (grader/test_lab6_gdb.py, test_lab6_tools.py), which then look at it
 * with `caps`, `ps`, Ctrl-P and the GDB commands. Every number comes from
 * the command line, so the test knows what the kernel must hold:
 *
 *   domscene grants N KILL SRC:RIGHTS:BADGE...
 *       create N testsrv domains (their management caps land in slots
 *       1..N), then grant, in order, a copy of slot SRC into this domain
 *       with RIGHTS and BADGE (each lands in the first free slot); then
 *       destroy domain KILL (1..N; 0: none), which leaves every cap naming
 *       it dead; then exec `caps`, which lists the table the kernel holds.
 *   domscene nest N TAG
 *       N testsrv domains in a chain (domain i's slot 1 calls domain i+1,
 *       with badge TAG + i), and one TESTSRV_NEST call down the whole
 *       chain: the thread is N calls deep at the bottom.
 *   domscene unwind SLOT ADDR VALUE
 *       a call through SLOT, which must be empty or out of range (a forged
 *       cap: refused, -E_BADCAP, nothing crossed); then a call into a
 *       testsrv domain that relays to a second one, which writes VALUE at
 *       ADDR (a kernel address: it faults, so that domain dies): the first
 *       one's call returns -E_DEAD after the unwind, and it replies.
 *   domscene inside TICKS
 *       a child process calls into a testsrv domain and sleeps there for
 *       TICKS; meanwhile the parent runs `ps`, then waits for a key
 *       (press Ctrl-P first to see the kernel's table), then kills the
 *       child and reaps it.
 *   domscene fault KIND SEED MASK ADDR
 *       (lab 7) this domain handles the vectors in MASK (scene_on_fault);
 *       a faulter domain (user/domains/faulter.h) loads its registers
 *       from SEED and raises fault KIND (a page fault writes at ADDR); the
 *       handler turns eax into ~eax and resumes past the instruction, or
 *       for the page fault maps the page (dom_map) and resumes at it: the
 *       write runs again, and succeeds.
 *   domscene handling KIND TICKS
 *       (lab 7) a child process creates a faulter domain and makes it
 *       raise fault KIND; its home domain's handler sleeps TICKS there;
 *       meanwhile the parent runs `ps` and waits for a key, as `inside`.
 *   domscene irqwait LINE MODE EDGES CTL_FIRST CTL_LAST PORT_FIRST PORT_LAST
 *       (lab 8; boot with injectirq=LINE injectcount=EDGES injectrate=1)
 *       a child process narrows the root authority (cap_narrow) to the
 *       lines CTL_FIRST..CTL_LAST and the ports PORT_FIRST..PORT_LAST,
 *       takes LINE in MODE (irq_get, through the narrowed cap) and counts
 *       the injector's EDGES deliveries (irq_wait, irq_ack each); then it
 *       runs `caps` (which lists its fork's copies of those caps) and
 *       waits on LINE again, for ever; meanwhile the parent runs `ps` and
 *       waits for a key, as `inside`.
 * Each prints what it did, and "domscene: PART: done" at the end.
 */
#include "ulib.h"
#include "domains/testsrv.h"
#include "domains/faulter.h"

#define MAX_DOMAINS 8
#define PAGE_BYTES 4096u

static void __attribute__((noreturn)) fail(const char *what, int err)
{
	die("%s: %s", what, strerror(err));
}

/* n testsrv domains; their management caps' slots in mcap[]. */
static void create_servers(int n, int mcap[])
{
	if (n < 1 || n > MAX_DOMAINS)
		die("N must be 1..%d", MAX_DOMAINS);
	for (int i = 0; i < n; i++)
		if ((mcap[i] = dom_create("testsrv", 0)) < 0)
			fail("dom_create testsrv", mcap[i]);
}

/* "SRC:RIGHTS:BADGE" into its three numbers; 0 if it is not that. */
static int parse_grant(const char *spec, int *src, unsigned *rights, unsigned *badge)
{
	const char *colon = strchr(spec, ':');
	const char *second = colon ? strchr(colon + 1, ':') : 0;

	if (!second)
		return 0;
	*src = atoi(spec);
	*rights = (unsigned)atoi(colon + 1);
	*badge = (unsigned)atoi(second + 1);
	return 1;
}

static void part_grants(int argc, char **argv)
{
	int mcap[MAX_DOMAINS], n = argc > 0 ? atoi(argv[0]) : 0, kill = argc > 1 ? atoi(argv[1]) : 0;

	create_servers(n, mcap);
	for (int i = 2; i < argc; i++) {
		int src, slot;
		unsigned rights, badge;
		if (!parse_grant(argv[i], &src, &rights, &badge))
			die("%s is not SRC:RIGHTS:BADGE", argv[i]);
		if ((slot = cap_grant(src, 0, rights, badge)) < 0)
			fail(argv[i], slot);
		printf("domscene: granted slot %d as slot %d, rights %u, badge %u\n", src, slot, rights, badge);
	}
	if (kill > 0 && kill <= n) {
		int err = dom_destroy(mcap[kill - 1]);
		if (err < 0)
			fail("dom_destroy", err);
		printf("domscene: destroyed the domain of slot %d\n", mcap[kill - 1]);
	}
	printf("domscene: grants: done\n");
	char *caps_argv[] = { "caps", 0 };
	fail("exec caps", exec("caps", caps_argv));
}

static void part_nest(int argc, char **argv)
{
	int mcap[MAX_DOMAINS], n = argc > 0 ? atoi(argv[0]) : 0;
	uint32_t tag = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;

	create_servers(n, mcap);
	for (int i = 0; i + 1 < n; i++) {
		int slot = cap_grant(mcap[i + 1], mcap[i], CAP_RIGHT_CALL, tag + (uint32_t)i);
		if (slot != TESTSRV_NEXT_SLOT)
			fail("cap_grant down the chain", slot);
	}
	uint64_t r = dom_call(mcap[0], TESTSRV_NEST, (uint32_t)n - 1, tag, 0);
	if (dom_r0(r) != n - 1)
		fail("TESTSRV_NEST", dom_r0(r));
	printf("domscene: nest: %d calls deep and back, tag %u\n", n, dom_r1(r));
	printf("domscene: nest: done\n");
}

static void part_unwind(int argc, char **argv)
{
	int mcap[2], forged = argc > 0 ? atoi(argv[0]) : NCAP;
	uint32_t address = argc > 1 ? (uint32_t)atoi(argv[1]) : 0, value = argc > 2 ? (uint32_t)atoi(argv[2]) : 0;

	create_servers(2, mcap);
	if (cap_grant(mcap[1], mcap[0], CAP_RIGHT_CALL, 0) != TESTSRV_NEXT_SLOT)
		die("cap_grant into the relay");
	uint64_t r = dom_call(forged, TESTSRV_ECHO, 0, 0, 0);
	if (dom_r0(r) != -E_BADCAP)
		fail("the call through a forged slot", dom_r0(r));
	printf("domscene: unwind: slot %d refused: %d\n", forged, dom_r0(r));
	r = dom_call(mcap[0], TESTSRV_RELAY, TESTSRV_TOUCH, address, value);
	if (dom_r0(r) != -E_DEAD || dom_r1(r) != (int)TESTSRV_RELAY_MARK)
		die("the relay to a dying domain: r0 %d r1 %#x, not -E_DEAD and %#x",
		    dom_r0(r), dom_r1(r), TESTSRV_RELAY_MARK);
	printf("domscene: unwind: the relay got %d from the domain that died\n", dom_r0(r));
	printf("domscene: unwind: done\n");
}

/* Wait until pid is reaped. child must sleep until then: reaped first,
 * it died on its own (its reason is its last line), and the scene says
 * so at once instead of showing a table without it, or waiting for ever
 * for a child that is gone. */
static void reap(int pid, int child, const char *scene)
{
	int status, r;

	while ((r = wait(&status)) != pid) {
		if (r == child)
			die("%s: FAILED: the child (pid %d) died on its own (status %d) while it should "
			    "sleep: its reason is its line above", scene, child, status);
		if (r < 0)
			die("%s: FAILED: wait: %s", scene, strerror(r));
	}
}

/* How the scenes that leave child asleep somewhere end: `ps` runs (and
 * exits) while child sleeps, then Ctrl-P can be pressed until any key
 * comes; then child is killed and reaped, and "domscene: SCENE: done". */
static void show_ps_and_wait_for_a_key(int child, const char *scene)
{
	char key;
	int ps_pid = fork();

	if (ps_pid < 0)
		fail("fork", ps_pid);
	if (ps_pid == 0) {
		char *ps_argv[] = { "ps", 0 };
		fail("exec ps", exec("ps", ps_argv));
	}
	reap(ps_pid, child, scene);
	printf("domscene: press Ctrl-P, then a key\n");
	read(STDIN_FILENO, &key, 1);    /* (the console may send \r for Enter) */
	kill(child);
	reap(child, child, scene);
	printf("domscene: %s: done\n", scene);
}

static void part_inside(int argc, char **argv)
{
	unsigned ticks = argc > 0 ? (unsigned)atoi(argv[0]) : 1000;
	int srv = dom_create("testsrv", 0);
	struct cap_info info;

	if (srv < 0)
		fail("dom_create testsrv", srv);
	cap_info(srv, &info);
	int child = fork();
	if (child < 0)
		fail("fork", child);
	if (child == 0) {               /* its copy of srv is in the same slot */
		dom_call(srv, TESTSRV_SLEEP, ticks, 0, 0);
		exit(0);
	}
	sleep(2);                       /* the child is inside testsrv now */
	printf("domscene: child pid %d sleeps in domain %d (testsrv)\n", child, info.object);
	show_ps_and_wait_for_a_key(child, "inside");
}

/* The faulting state with eax = new_eax, and eip past the instruction
 * fault KIND raised if skip. */
static int resume_faulting_domain(unsigned vector, uint32_t new_eax, int skip)
{
	struct fault_regs r;
	int err = fault_regs(FAULT_REGS_GET, &r);

	if (err < 0)
		fail("fault_regs get", err);
	for (int kind = 0; kind < FAULTER_KINDS && skip; kind++)
		if (faulter_vector[kind] == vector)
			r.eip += faulter_skip[kind];
	r.eax = new_eax;
	if ((err = fault_regs(FAULT_REGS_SET, &r)) < 0)
		fail("fault_regs set", err);
	return FAULT_RESUME;
}

static int scene_faulter;         /* fault's faulter domain: its management cap */

/* The handler of `fault`: where the lab 7 tools' test stops (a breakpoint
 * on it, or on the kernel's fault_regs). */
int scene_on_fault(unsigned vector, unsigned addr, unsigned error, int dom)
{
	struct fault_regs r;
	int mapped = vector == FAULTER_PF_VECTOR &&
		     dom_map(scene_faulter, addr & ~(PAGE_BYTES - 1), DOM_MAP_WRITE) == 0;

	fault_regs(FAULT_REGS_GET, &r);
	printf("domscene: handler: vector %u addr 0x%x error 0x%x dom %d eip 0x%x%s\n",
	       vector, addr, error, dom, r.eip, mapped ? ", mapped" : "");
	return resume_faulting_domain(vector, ~r.eax, !mapped);
}

static int faulter_kind(const char *word)
{
	int kind = atoi(word);

	if (kind < 0 || kind >= FAULTER_KINDS)
		die("KIND must be 0..%d", FAULTER_KINDS - 1);
	return kind;
}

static void part_fault(int argc, char **argv)
{
	if (argc < 4)
		die("usage: domscene fault KIND SEED MASK ADDR");
	int kind = faulter_kind(argv[0]);
	uint32_t seed = (uint32_t)atoi(argv[1]), mask = (uint32_t)atoi(argv[2]), addr = (uint32_t)atoi(argv[3]);
	int err = fault_handler_set(scene_on_fault, mask);

	if (err < 0)
		fail("fault_handler_set", err);
	if ((scene_faulter = dom_create("faulter", 0)) < 0)
		fail("dom_create faulter", scene_faulter);
	uint64_t r = dom_call(scene_faulter, FAULTER_RAISE, (uint32_t)kind, seed, addr);
	printf("domscene: fault: eax 0x%x, changed 0x%x\n", dom_r0(r), dom_r1(r));
	printf("domscene: fault: done\n");
}

static unsigned handling_ticks;

static int sleepy_on_fault(unsigned vector, unsigned addr, unsigned error, int dom)
{
	sleep(handling_ticks);
	return resume_faulting_domain(vector, 0, 1);
}

static void part_handling(int argc, char **argv)
{
	int kind = faulter_kind(argc > 0 ? argv[0] : "1"), ready[2];

	handling_ticks = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
	if (pipe(ready) < 0)
		die("pipe");
	int child = fork();
	if (child < 0)
		fail("fork", child);
	if (child == 0) {               /* the faulter is this process's, so its fault comes here */
		int fcap = dom_create("faulter", 0), err;
		struct cap_info info;

		if (fcap < 0)
			fail("dom_create faulter", fcap);
		if ((err = fault_handler_set(sleepy_on_fault, FAULT_VECTOR_BIT(faulter_vector[kind]))) < 0)
			fail("fault_handler_set", err);
		cap_info(fcap, &info);
		write(ready[1], &info.object, sizeof(info.object));
		dom_call(fcap, FAULTER_RAISE, (uint32_t)kind, 1, 0);
		exit(0);
	}
	int faulter;
	if (read(ready[0], &faulter, sizeof(faulter)) != sizeof(faulter))
		die("the child said nothing");
	sleep(2);                       /* the child's handler sleeps now */
	printf("domscene: child pid %d handles a fault of domain %d (faulter)\n", child, faulter);
	show_ps_and_wait_for_a_key(child, "handling");
}

/* Fork and exec `caps`, and reap it: it lists a copy of this table. */
static void run_caps(void)
{
	int status, pid = fork();

	if (pid < 0)
		fail("fork", pid);
	if (pid == 0) {
		char *caps_argv[] = { "caps", 0 };
		fail("exec caps", exec("caps", caps_argv));
	}
	while (wait(&status) != pid)
		;
}

/* A number from the command line, or fallback if there is none. */
static unsigned arg_or(int argc, char **argv, int i, unsigned fallback)
{
	return i < argc ? (unsigned)atoi(argv[i]) : fallback;
}

/* The irqwait child's failed call: a FAILED line the grade quotes. */
static void __attribute__((noreturn)) waiter_fail(const char *what, int err)
{
	die("irqwait: FAILED: the child's %s returned %d (%s)", what, err,
	    err < 0 ? strerror(err) : "no delivery");
}

/* irqwait's child: the driver (see the top). Never returns: irq_wait
 * sleeps until the parent kills it. */
static void __attribute__((noreturn)) irq_waiter(int argc, char **argv, int ready_fd)
{
	int line = (int)arg_or(argc, argv, 0, 10), mode = (int)arg_or(argc, argv, 1, IRQ_MODE_MASK);
	unsigned edges = arg_or(argc, argv, 2, 1), counted = 0;
	int ctl = cap_narrow(ROOT_IRQ_CONTROL_SLOT, arg_or(argc, argv, 3, 0), arg_or(argc, argv, 4, 16));
	int io = cap_narrow(ROOT_IOPORT_SLOT, arg_or(argc, argv, 5, 0), arg_or(argc, argv, 6, 0xFFFF));

	if (ctl < 0 || io < 0)
		waiter_fail("cap_narrow", ctl < 0 ? ctl : io);
	int irq = irq_get(ctl, line, mode);
	if (irq < 0)
		waiter_fail("irq_get", irq);
	while (counted < edges) {
		int n = irq_wait(irq), err;
		if (n <= 0)
			waiter_fail("irq_wait", n);
		if ((err = irq_ack(irq)) < 0)
			waiter_fail("irq_ack", err);
		counted += (unsigned)n;
	}
	printf("domscene: irqwait: irq %d (slot %d) counted %u edges; control in slot %d, "
	       "ports in slot %d\n", line, irq, counted, ctl, io);
	run_caps();
	write(ready_fd, &irq, sizeof(irq));
	int err = irq_wait(irq);
	die("irqwait: FAILED: irq_wait returned %d after all %u edges were counted: with none "
	    "pending it must sleep (did irq_wait zero pending?)", err, edges);
}

static void part_irqwait(int argc, char **argv)
{
	int ready[2], irq;

	if (pipe(ready) < 0)
		die("pipe");
	int child = fork();
	if (child < 0)
		fail("fork", child);
	if (child == 0) {
		close(ready[0]);
		irq_waiter(argc, argv, ready[1]);
	}
	/* Only the child holds the write end: if it dies before it is ready
	 * (its irq_get or irq_wait failed), the read sees the end of the
	 * pipe instead of waiting for ever. */
	close(ready[1]);
	if (read(ready[0], &irq, sizeof(irq)) != sizeof(irq)) {
		int status;
		wait(&status);          /* reaped: the leak check counts no zombie */
		die("irqwait: FAILED: the child (pid %d) died before it waited on irq %u: "
		    "its reason is the line above", child, arg_or(argc, argv, 0, 10));
	}
	sleep(2);                       /* the child sleeps in irq_wait now */
	printf("domscene: child pid %d waits on irq %u\n", child, arg_or(argc, argv, 0, 10));
	show_ps_and_wait_for_a_key(child, "irqwait");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(int argc, char **argv);
	} parts[] = {
		{ "grants", part_grants },
		{ "nest", part_nest },
		{ "unwind", part_unwind },
		{ "inside", part_inside },
		{ "fault", part_fault },
		{ "handling", part_handling },
		{ "irqwait", part_irqwait },
	};
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (argc > 1 && !strcmp(argv[1], parts[i].name)) {
			parts[i].run(argc - 2, argv + 2);
			return 0;
		}
	die("usage: domscene grants N KILL SRC:RIGHTS:BADGE... | nest N TAG | unwind SLOT ADDR VALUE | inside TICKS | "
	    "fault KIND SEED MASK ADDR | handling KIND TICKS | "
	    "irqwait LINE MODE EDGES CTL_FIRST CTL_LAST PORT_FIRST PORT_LAST");
}
