/*
 * irqtests.c - lab 8's tests of interrupt forwarding, run as
 * `init=irqtests PART N...` with the kernel's injector or the RTC set up
 * by the grader's command line (grader/test_lab8_irq.py). The numbers are
 * the grader's, chosen at run time. Each part ends with one verdict line,
 * "irqtests: PART: ok" or "irqtests: PART: FAILED: ...".
 */
#define TEST_DRIVER "irqtests"
#include "testdriver.h"

#define CTL ROOT_IRQ_CONTROL_SLOT

static void info_of(int cap, struct irq_info *info)
{
	int r = irq_info(cap, info);
	if (r < 0)
		fail("irq_info", r);
}

/* `count LINE N`: the injector raises LINE N times (count mode) while
 * nobody waits; one wait returns them all. */
static void part_count(void)
{
	int line = (int)arg(0, 5), n = (int)arg(1, 10);
	int cap = irq_get(CTL, line, IRQ_MODE_COUNT);
	if (cap < 0)
		fail("irq_get", cap);
	sleep(n + 5);
	expect("irq_wait after N edges in count mode", irq_wait(cap), n);
	struct irq_info info;
	info_of(cap, &info);
	expect("delivered", (int)info.delivered, n);
	printf("irqtests: count: got %d\n", n);
	expect("cap_delete", cap_delete(cap), 0);
}

/* `mask LINE N`: the same in mask mode: one delivery, one latched edge
 * after the ack, then nothing. */
static void part_mask(void)
{
	int line = (int)arg(0, 5), n = (int)arg(1, 10);
	int cap = irq_get(CTL, line, IRQ_MODE_MASK);
	if (cap < 0)
		fail("irq_get", cap);
	sleep(n + 5);
	expect("first irq_wait", irq_wait(cap), 1);
	expect("irq_ack", irq_ack(cap), 0);
	expect("second irq_wait (the latched edge)", irq_wait(cap), 1);
	expect("irq_ack", irq_ack(cap), 0);
	struct irq_info info;
	info_of(cap, &info);
	expect("pending", (int)info.pending, 0);
	expect("latched", info.latched, 0);
	expect("delivered", (int)info.delivered, 2);
	expect("acked", (int)info.acked, 2);
	expect("cap_delete", cap_delete(cap), 0);
}

/* `vtimer N`: N waits on the virtual timer line, acked each time. */
static void part_vtimer(void)
{
	int n = (int)arg(0, 5);
	int cap = irq_get(CTL, IRQ_VTIMER, IRQ_MODE_MASK);
	if (cap < 0)
		fail("irq_get", cap);
	int t0 = uptime(), got = 0;
	for (int i = 0; i < n; i++) {
		got += irq_wait(cap);
		irq_ack(cap);
	}
	printf("irqtests: vtimer: %d deliveries in %d ticks\n", got, uptime() - t0);
	expect("cap_delete", cap_delete(cap), 0);
}

#define IO ROOT_IOPORT_SLOT
#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define RTC_REG_C 0x0C

/* `rtc N`: N RTC interrupts, each acked at the device (register C), then
 * at the line. */
static void part_rtc(void)
{
	int n = (int)arg(0, 5);
	int cap = irq_get(CTL, 8, (int)arg(1, IRQ_MODE_MASK));
	if (cap < 0)
		fail("irq_get", cap);
	int t0 = uptime(), got = 0;
	while (got < n) {
		got += irq_wait(cap);
		expect("io_out", io_out(IO, RTC_INDEX, RTC_REG_C), 0);
		io_in(IO, RTC_DATA);
		irq_ack(cap);
	}
	printf("irqtests: rtc: %d deliveries in %d ticks\n", got, uptime() - t0);
	expect("cap_delete", cap_delete(cap), 0);
}

static const struct test_part parts[] = {
	{ "rtc", part_rtc },
	{ "count", part_count },
	{ "mask", part_mask },
	{ "vtimer", part_vtimer },
};

int main(int argc, char **argv)
{
	return test_driver_main(argc, argv, parts, sizeof parts / sizeof parts[0]);
}
