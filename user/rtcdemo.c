/*
 * rtcdemo.c - the home program of the RTC driver domain (lab 8,
 * user/domains/rtcdrv.c): it creates the driver, narrows its own root
 * caps to what the driver needs (the IRQ-control cap to one line, the
 * I/O-port cap to the RTC's two ports) and grants them, forks the
 * driver's interrupt thread (a child that calls RTC_START and stays in
 * the driver), and then calls the driver as a client while that thread
 * sleeps in irq_wait. It ends by destroying the driver.
 *
 * From the shell, `rtcdemo` with no arguments prints a few tick counts
 * (boot with the RTC on: make qemu APPEND="rtchz=1024").
 *
 * The grader runs its parts (grader/test_lab8_driver.py), with numbers
 * it chooses at run time, as `rtcdemo PART N...`:
 *   ticks N MODE CLIENTS [LIMIT]
 *                         the driver's ticks over N RTC periods equal the
 *                         kernel's deliveries; CLIENTS more processes call
 *                         RTC_TICKS meanwhile; with LIMIT, N must be
 *                         reached within LIMIT ticks of the line's taking
 *   destroy MODE          the driver destroyed while its interrupt thread
 *                         waits: that dom_call returns -E_DEAD, the line
 *                         is free again (another driver takes it, then
 *                         this home)
 *   killed N              the interrupt thread killed while it waits: the
 *                         driver lives on, a new thread takes over, one
 *                         beside it is refused (the virtual timer line)
 *   storm SPINS           a slow driver (SPINS iterations before each ack)
 *                         under the RTC at full rate, and a worker process
 *                         beside it; the storm lasts until the worker is
 *                         killed (the grader types kill in the shell)
 *   vtimer N K MODE       the driver on the virtual timer line (boot with
 *                         vtimer=K): exactly N deliveries in N * K ticks
 *   inject LINE COUNT MODE  the driver on the kernel's test injector's line
 *                         (boot with injectirq=LINE injectcount=COUNT
 *                         injectrate=R): COUNT in count mode, where one
 *                         wait returns a whole burst
 * Each part ends with "rtcdemo: PART: ok" once memory and the process
 * table are back where they were (user/testdriver.h's checks).
 */
#define TEST_DRIVER "rtcdemo"
#include "testdriver.h"
#include "domains/rtcdrv.h"

#define RTC_FIRST_PORT RTC_INDEX_PORT
#define RTC_LAST_PORT  RTC_DATA_PORT
#define GRANTED_RIGHTS 0                /* the driver uses its caps, never passes them on */
#define START_TICKS    200              /* the interrupt thread has this long to take the line */
/* A count that stays put this long has stopped: 25 RTC periods at the
 * slowest rate a test part runs at (rtchz=512 at hz=1000), 250 injected
 * edges; and a stalled driver costs the grader no more than this. */
#define STALL_TICKS    50
#define SETTLE_TICKS   10               /* more than an RTC period (rtchz >= 128 at hz=1000) */
#define SETTLE_ROUNDS  50
#define DEMO_ROUNDS    5
#define DEMO_TICKS     20
#define WORKER_SPINS   20000            /* a storm worker's step between two bytes it reports */

/* The driver as its home sees it: its management cap, the caps it was
 * granted (here, narrowed, and their slots in the driver) and its
 * interrupt thread's pid. */
struct driver {
	int mcap;
	int ctl_here, io_here;          /* the narrowed copies, here */
	int ctl, io;                    /* their slots in the driver; io RTC_NO_DEVICE for none */
	int thread;
	int line;
};

static uint64_t driver_call(const struct driver *d, uint32_t op, uint32_t a1)
{
	return call(d->mcap, op, a1, 0, 0);
}

/* The same for an op that must succeed (what names it in the FAILED line). */
static uint64_t driver_ask(const struct driver *d, uint32_t op, uint32_t a1, const char *what)
{
	uint64_t r = driver_call(d, op, a1);
	if (dom_r0(r) < 0)
		fail(what, dom_r0(r));
	return r;
}

/* A new driver for line, with the RTC's ports if with_ports. */
static struct driver driver_new(int line, int with_ports)
{
	struct driver d = { .mcap = create("rtcdrv"), .io_here = -1, .io = (int)RTC_NO_DEVICE,
			    .line = line };

	if ((d.ctl_here = cap_narrow(ROOT_IRQ_CONTROL_SLOT, (unsigned)line, (unsigned)line)) < 0)
		fail("cap_narrow of the IRQ-control cap", d.ctl_here);
	if ((d.ctl = cap_grant(d.ctl_here, d.mcap, GRANTED_RIGHTS, 0)) < 0)
		fail("cap_grant of the IRQ-control cap", d.ctl);
	if (with_ports) {
		if ((d.io_here = cap_narrow(ROOT_IOPORT_SLOT, RTC_FIRST_PORT, RTC_LAST_PORT)) < 0)
			fail("cap_narrow of the I/O-port cap", d.io_here);
		if ((d.io = cap_grant(d.io_here, d.mcap, GRANTED_RIGHTS, 0)) < 0)
			fail("cap_grant of the I/O-port cap", d.io);
	}
	return d;
}

/* The interrupt thread's life: it calls RTC_START and stays in the driver
 * until the driver dies, when its dom_call must return -E_DEAD (the
 * thread unwound out of irq_wait); anything else is a FAILED line. */
static void __attribute__((noreturn)) interrupt_thread(const struct driver *d, int mode)
{
	int r = dom_r0(call(d->mcap, RTC_START, (uint32_t)d->ctl, (uint32_t)d->io, (uint32_t)mode));
	printf("rtcdemo: %s: the interrupt thread's dom_call returned %d (%s)%s\n", part, r, strerror(r),
	       r == -E_DEAD ? ": the driver was destroyed under it, as it should" : "");
	if (r != -E_DEAD && dom_r0(driver_call(d, RTC_LINE, 0)) != -E_DEAD)
		printf("rtcdemo: %s: FAILED: RTC_START returned %d (%s) while the driver lives: irq_get "
		       "or the interrupt loop gave up\n", part, r, strerror(r)), exit(1);
	expect("the interrupt thread's dom_call (RTC_START) once the driver is destroyed", r, -E_DEAD);
	exit(0);
}

/* RTC_TICKS: the driver's count, and the kernel's in *delivered. */
static uint32_t ticks_of(const struct driver *d, uint32_t *delivered)
{
	uint64_t r = driver_ask(d, RTC_TICKS, 0, "RTC_TICKS");
	if (delivered)
		*delivered = dom_r1(r);
	return (uint32_t)dom_r0(r);
}

/* Whether the interrupt thread is asleep in irq_wait with nothing pending. */
static int thread_idle(const struct driver *d)
{
	uint64_t r = driver_ask(d, RTC_STATE, 0, "RTC_STATE");
	return dom_r0(r) == d->thread && dom_r1(r) == 0;
}

/* Fork the interrupt thread; wait until it owns the line. uptime() when
 * it took it. */
static int driver_start(struct driver *d, int mode)
{
	d->thread = spawn();
	if (d->thread == 0)
		interrupt_thread(d, mode);
	for (int waited = 0; waited < START_TICKS; waited++) {
		uint64_t r = driver_call(d, RTC_LINE, 0);
		if (dom_r0(r) >= 0) {
			expect("the line the driver took", dom_r0(r), d->line);
			return (int)dom_r1(r);
		}
		sleep(1);
	}
	printf("rtcdemo: %s: FAILED: the interrupt thread did not take line %d in %d ticks\n", part,
	       d->line, START_TICKS), exit(1);
}

/* ticks LIMIT: the uptime() by which ticks_reach must be done; 0: none. */
static int reach_by;

/* Spin on RTC_TICKS (a client's calls, which keep the CPU busy: QEMU
 * delivers the RTC late while it idles) until the driver's count reaches
 * n; FAILED if it stops growing first, or is not there by reach_by, or
 * an answer has the driver's count above the kernel's.
 * *calls counts the calls. The count it reached. */
static uint32_t ticks_reach(const struct driver *d, uint32_t n, uint32_t *calls)
{
	uint32_t last = 0, delivered = 0;
	int last_change = uptime();

	for (;;) {
		uint32_t t = ticks_of(d, &delivered);
		(*calls)++;
		if (t < last)
			printf("rtcdemo: %s: FAILED: the driver's count went back from %u to %u\n",
			       part, last, t), exit(1);
		if (t > delivered)
			printf("rtcdemo: %s: FAILED: RTC_TICKS answered %u ticks, more than the %u the "
			       "kernel delivered: the kernel counts a delivery before the interrupt loop "
			       "adds it, so rtcdrv_ticks must read rtc_ticks before irq_info\n", part, t,
			       delivered), exit(1);
		if (t >= n)
			return t;
		if (reach_by && uptime() > reach_by)
			printf("rtcdemo: %s: FAILED: the driver's count reached only %u of %u by tick %d, "
			       "the limit the RTC's rate sets (the kernel delivered %u): the interrupt "
			       "thread comes back late from irq_wait (is irq_deliver's wakeup a hand-off, "
			       "proc_wake_first?)\n", part, t, n, reach_by, delivered), exit(1);
		if (t != last) {
			last = t;
			last_change = uptime();
		} else if (uptime() - last_change > STALL_TICKS) {
			printf("rtcdemo: %s: FAILED: the driver's count stopped at %u for %d ticks (the "
			       "kernel delivered %u)\n", part, t, STALL_TICKS, delivered), exit(1);
		}
	}
}

/* RTC_TICKS, settled (nothing pending, nothing more to come), must answer
 * what RTC_CHECK (the driver's given code) reads: its count, and the
 * kernel's. */
static void ticks_match_check(const struct driver *d, uint32_t ticks, uint32_t delivered)
{
	uint64_t r = driver_ask(d, RTC_CHECK, 0, "RTC_CHECK");
	if ((uint32_t)dom_r0(r) != ticks || dom_r1(r) != delivered)
		printf("rtcdemo: %s: FAILED: RTC_TICKS answered %u ticks, %u delivered: the driver's "
		       "count is %u and the kernel's %u\n", part, ticks, delivered, dom_r0(r),
		       dom_r1(r)), exit(1);
}

/* Wait until nothing more comes (after RTC_STOP, if stop_rtc) and the
 * interrupt thread sleeps with nothing pending; RTC_TICKS must then answer
 * the counts as they are (ticks_match_check). The driver's count; the
 * kernel's in *delivered. */
static uint32_t settle(const struct driver *d, int stop_rtc, uint32_t *delivered)
{
	if (stop_rtc)
		driver_ask(d, RTC_STOP, 0, "RTC_STOP");
	uint32_t before = ticks_of(d, 0);
	for (int round = 0; round < SETTLE_ROUNDS; round++) {
		sleep(SETTLE_TICKS);
		uint32_t now = ticks_of(d, delivered);
		if (now == before && thread_idle(d)) {
			ticks_match_check(d, now, *delivered);
			return now;
		}
		before = now;
	}
	printf("rtcdemo: %s: FAILED: the count still grows after %d ticks%s\n", part,
	       SETTLE_ROUNDS * SETTLE_TICKS, stop_rtc ? " (RTC_STOP)" : ""), exit(1);
}

/* Destroy the driver: its interrupt thread must leave with -E_DEAD (it
 * says so and exits 0); then the narrowed caps go. */
static void driver_end(struct driver *d)
{
	destroy(d->mcap);
	reap_ok(d->thread);
	expect("cap_delete of the narrowed IRQ-control cap", cap_delete(d->ctl_here), 0);
	if (d->io_here >= 0)
		expect("cap_delete of the narrowed I/O-port cap", cap_delete(d->io_here), 0);
}

/* ---- parts ---- */

/* A client process: RTC_TICKS until the count reaches n; it says how many
 * calls it made. */
static void __attribute__((noreturn)) client(const struct driver *d, uint32_t n)
{
	uint32_t calls = 0;
	ticks_reach(d, n, &calls);
	printf("rtcdemo: ticks: client %d made %u calls\n", getpid(), calls);
	exit(0);
}

#define MAX_CLIENTS 4

/* Reap the n clients, in the order they end: each must have exited 0. */
static void reap_clients(const int *clients, uint32_t n)
{
	for (uint32_t reaped = 0; reaped < n; reaped++) {
		int st = -1, pid = wait(&st), known = 0;
		for (uint32_t i = 0; i < n; i++)
			known |= pid == clients[i];
		if (!known)
			fail("wait for a client: not a client's pid", pid);
		expect_child_ok(pid, st);
	}
}

/* `ticks N MODE CLIENTS`: N RTC periods counted by the driver, with the
 * home and CLIENTS more processes calling RTC_TICKS all along (so the CPU
 * never idles: QEMU delivers the RTC late while it does). Then the RTC
 * stops and the driver's count must equal the kernel's deliveries. The
 * line "reached S in E ticks" lets the grader check the rate. */
static void part_ticks(void)
{
	uint32_t n = arg(0, 100), mode = arg(1, IRQ_MODE_MASK), nclients = arg(2, 1);
	int clients[MAX_CLIENTS];

	if (nclients > MAX_CLIENTS)
		fail("more clients than MAX_CLIENTS", (int)nclients);
	baseline_take();
	struct driver d = driver_new(RTC_LINE_IRQ, 1);
	int taken_at = driver_start(&d, (int)mode);
	if (arg(3, 0))
		reach_by = taken_at + (int)arg(3, 0);
	for (uint32_t i = 0; i < nclients; i++)
		if ((clients[i] = spawn()) == 0)
			client(&d, n);
	uint32_t calls = 0, reached = ticks_reach(&d, n, &calls);
	int elapsed = uptime() - taken_at;
	printf("rtcdemo: ticks: reached %u in %d ticks, %u calls by the home\n", reached, elapsed, calls);
	reap_clients(clients, nclients);
	uint32_t delivered, ticks = settle(&d, 1, &delivered);
	printf("rtcdemo: ticks: the driver counted %u, the kernel delivered %u\n", ticks, delivered);
	expect("the driver's count, the RTC stopped, against the kernel's deliveries", (int)ticks,
	       (int)delivered);
	driver_end(&d);
	baseline_check();
}

/* Wait until the driver has counted at least n and its interrupt thread
 * sleeps in irq_wait. */
static uint32_t running_and_waiting(const struct driver *d, uint32_t n)
{
	uint32_t calls = 0, t = ticks_reach(d, n, &calls);
	for (int waited = 0; !thread_idle(d); waited++)
		if (waited > STALL_TICKS)
			fail("the interrupt thread never sleeps in irq_wait", waited);
		else
			sleep(1);
	return t;
}

/* `destroy MODE`: the driver destroyed while its interrupt thread waits in
 * irq_wait: its dom_call returns -E_DEAD (interrupt_thread checks), and
 * line 8 is free again: a second driver takes it and counts (the RTC
 * still interrupts: that driver's first ack of the device lets it), this
 * home's irq_get is refused while that one owns it and succeeds after. */
static void part_destroy(void)
{
	uint32_t mode = arg(0, IRQ_MODE_MASK);

	baseline_take();
	struct driver d = driver_new(RTC_LINE_IRQ, 1);
	driver_start(&d, (int)mode);
	uint32_t t = running_and_waiting(&d, 2);
	printf("rtcdemo: destroy: the interrupt thread (pid %d) waits in the driver after %u ticks\n",
	       d.thread, t);
	driver_end(&d);

	struct driver again = driver_new(RTC_LINE_IRQ, 1);
	driver_start(&again, (int)mode);
	t = running_and_waiting(&again, 2);
	expect("this home's irq_get of line 8 while a second driver owns it",
	       irq_get(ROOT_IRQ_CONTROL_SLOT, RTC_LINE_IRQ, (int)mode), -E_BUSY);
	driver_end(&again);
	int cap = irq_get(ROOT_IRQ_CONTROL_SLOT, RTC_LINE_IRQ, (int)mode);
	if (cap < 0)
		fail("this home's irq_get of line 8 once both drivers are gone", cap);
	expect("cap_delete of this home's IRQ cap", cap_delete(cap), 0);
	printf("rtcdemo: destroy: line 8 free again: a second driver counted %u ticks\n", t);
	baseline_check();
}

/* A second interrupt thread beside a live one, which waits: irq_wait
 * refuses it (one waiter a line), so its RTC_START returns -E_BUSY. */
static void __attribute__((noreturn)) second_thread(const struct driver *d)
{
	int r = dom_r0(call(d->mcap, RTC_START, (uint32_t)d->ctl, (uint32_t)d->io, IRQ_MODE_MASK));
	printf("rtcdemo: %s: a second interrupt thread's dom_call returned %d (%s)\n", part, r,
	       strerror(r));
	expect("a second interrupt thread's RTC_START, beside one asleep in irq_wait", r, -E_BUSY);
	exit(0);
}

/* `killed N`: the driver on IRQ_VTIMER (an edge every vtimer= ticks, so
 * nothing comes while the steps below run, each just after an edge). Its
 * interrupt thread, asleep in irq_wait, is killed: the driver and its line
 * live on, and a new interrupt thread takes the loop over (the killed one
 * left the line without a waiter); a second one beside it is refused.
 * The new one counts to N, and the counts agree. */
static void part_killed(void)
{
	uint32_t n = arg(0, 5);

	baseline_take();
	struct driver d = driver_new(IRQ_VTIMER, 0);
	driver_start(&d, IRQ_MODE_MASK);
	uint32_t t = running_and_waiting(&d, 1);
	int old = d.thread;
	expect("kill of the interrupt thread", kill(old), 0);
	int st = reap_one(old);
	if (!WIFKILLED(st))
		printf("rtcdemo: killed: FAILED: the killed interrupt thread ended with wait status 0x%x\n",
		       st), exit(1);
	if ((d.thread = spawn()) == 0)
		interrupt_thread(&d, IRQ_MODE_MASK);
	t = running_and_waiting(&d, t + 1);
	int second = spawn();
	if (second == 0)
		second_thread(&d);
	reap_ok(second);
	running_and_waiting(&d, n);
	uint32_t delivered, ticks = ticks_of(&d, &delivered);
	ticks_match_check(&d, ticks, delivered);
	printf("rtcdemo: killed: thread %d killed, thread %d counted on to %u, the kernel delivered %u\n",
	       old, d.thread, ticks, delivered);
	expect("the driver's count against the kernel's deliveries", (int)ticks, (int)delivered);
	driver_end(&d);
	baseline_check();
}

/* A storm's worker: steps of WORKER_SPINS iterations, a byte down the
 * pipe after each, until it is killed. */
static void __attribute__((noreturn)) worker(int out)
{
	for (;;) {
		for (volatile uint32_t i = 0; i < WORKER_SPINS; i++)
			;
		if (write(out, "w", 1) != 1)
			exit(1);
	}
}

/* `storm SPINS`: the RTC at its full rate (boot with rtchz=8192) and a
 * slow driver: SPINS iterations before each ack, so the line is always
 * due again when the driver acks it (in IRQ_MODE_MASK the kernel keeps it
 * masked meanwhile). A worker process computes beside it, and the shell
 * must still answer. The storm lasts until the worker is killed (kill PID
 * in the shell); then the counts must agree and the storm's numbers are
 * printed. */
static void part_storm(void)
{
	uint32_t spins = arg(0, 100000);
	int fds[2];

	baseline_take();
	struct driver d = driver_new(RTC_LINE_IRQ, 1);
	driver_ask(&d, RTC_SLOW, spins, "RTC_SLOW");
	driver_start(&d, IRQ_MODE_MASK);
	uint32_t calls = 0;
	ticks_reach(&d, 1, &calls);
	expect("pipe", pipe(fds), 0);
	int work = spawn();
	if (work == 0) {
		close(fds[0]);
		worker(fds[1]);
	}
	close(fds[1]);
	int t0 = uptime();
	printf("rtcdemo: storm: interrupt thread %d, worker %d: kill %d ends the storm\n", d.thread,
	       work, work);
	uint32_t steps = 0;
	char byte;
	while (read(fds[0], &byte, 1) == 1)
		steps++;
	int elapsed = uptime() - t0;
	close(fds[0]);
	int st = reap_one(work);
	if (!WIFKILLED(st))
		printf("rtcdemo: storm: FAILED: the worker ended with wait status 0x%x, not killed\n",
		       st), exit(1);
	uint32_t delivered, ticks = ticks_of(&d, &delivered);
	printf("rtcdemo: storm: %u deliveries, %u ticks counted, in %d ticks; the worker made %u "
	       "steps\n", delivered, ticks, elapsed, steps);
	driver_ask(&d, RTC_SLOW, 0, "RTC_SLOW 0");
	ticks = settle(&d, 1, &delivered);
	expect("the driver's count, the RTC stopped, against the kernel's deliveries", (int)ticks,
	       (int)delivered);
	driver_end(&d);
	baseline_check();
}

/* `vtimer N K MODE`: the driver on IRQ_VTIMER (no device to ack), booted
 * with vtimer=K: the line's edges come every K ticks from irq_get, so at
 * N * K + K / 2 ticks after it (between the Nth edge and the next) the
 * driver has counted exactly N, and the kernel delivered N. */
static void part_vtimer(void)
{
	uint32_t n = arg(0, 5), k = arg(1, 10), mode = arg(2, IRQ_MODE_MASK);

	if (k < 2)
		fail("K must be at least 2 (the check looks half a period after the Nth edge)", (int)k);
	baseline_take();
	struct driver d = driver_new(IRQ_VTIMER, 0);
	int taken_at = driver_start(&d, (int)mode);
	int wake = taken_at + (int)(n * k + k / 2);
	if (uptime() < wake)
		sleep((unsigned)(wake - uptime()));
	uint32_t delivered, ticks = ticks_of(&d, &delivered);
	printf("rtcdemo: vtimer: %u ticks counted, %u delivered, %d ticks after irq_get\n", ticks,
	       delivered, uptime() - taken_at);
	expect("the driver's count N * K + K / 2 ticks after irq_get", (int)ticks, (int)n);
	expect("the kernel's deliveries then", (int)delivered, (int)n);
	ticks_match_check(&d, ticks, delivered);
	driver_end(&d);
	baseline_check();
}

/* `inject LINE COUNT MODE`: the kernel's test injector (boot with
 * injectirq=LINE injectcount=COUNT injectrate=R) raises LINE R times a
 * tick, COUNT times in all, from the first tick the line has an owner:
 * the driver on LINE, with no device to ack. In IRQ_MODE_COUNT every edge
 * is a delivery and one irq_wait returns a tick's whole burst: the
 * driver must count COUNT. In IRQ_MODE_MASK a burst is one delivery and
 * one latched edge, delivered at the ack (the grader works the total
 * out). Either way its count must be the kernel's. */
static void part_inject(void)
{
	uint32_t line = arg(0, 5), count = arg(1, 100), mode = arg(2, IRQ_MODE_COUNT), calls = 0;

	baseline_take();
	struct driver d = driver_new((int)line, 0);
	driver_start(&d, (int)mode);
	if (mode == IRQ_MODE_COUNT)
		ticks_reach(&d, count, &calls);
	uint32_t delivered, ticks = settle(&d, 0, &delivered);
	printf("rtcdemo: inject: the driver counted %u, the kernel delivered %u\n", ticks, delivered);
	expect("the driver's count against the kernel's deliveries", (int)ticks, (int)delivered);
	if (mode == IRQ_MODE_COUNT)
		expect("the driver's count in IRQ_MODE_COUNT against the injector's edges", (int)ticks,
		       (int)count);
	driver_end(&d);
	baseline_check();
}

/* `rtcdemo` alone: a few counts, DEMO_TICKS apart. */
static void demo(void)
{
	struct driver d = driver_new(RTC_LINE_IRQ, 1);
	driver_start(&d, IRQ_MODE_MASK);
	for (int round = 0; round < DEMO_ROUNDS; round++) {
		sleep(DEMO_TICKS);
		uint32_t delivered, ticks = ticks_of(&d, &delivered);
		printf("rtcdemo: %u RTC interrupts counted by the driver, %u delivered by the kernel "
		       "(uptime %d)\n", ticks, delivered, uptime());
		if (round == 0 && delivered == 0)
			printf("rtcdemo: none: is the RTC on? Boot with rtchz=N, e.g. make qemu "
			       "APPEND=\"rtchz=1024\"\n");
	}
	driver_end(&d);
}

static const struct test_part parts[] = {
	{ "ticks", part_ticks },
	{ "destroy", part_destroy },
	{ "storm", part_storm },
	{ "vtimer", part_vtimer },
	{ "inject", part_inject },
	{ "killed", part_killed },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		part = "demo";
		demo();
		return 0;
	}
	return test_driver_main(argc, argv, parts, sizeof parts / sizeof parts[0]);
}
