"""Lab 8: interrupt forwarding through the kernel's interface
(`init=irqtests PART N...`, user/irqtests.c, calling the driver domain
user/domains/irqsrv.c). Every number a part uses comes from the test's
rng, on the command line (the injector's line, count and rate too), and
the part prints what the grader recomputes from it. Each part checks more
itself (its FAILED line says what) and ends, where it made domains or
children, by checking that memfree() and the process table are back.

What each test catches (a student bug in kernel/irq/irq.c):
- count, mask: pending not counted while nobody waits, a mask-mode line
  that delivers every edge, a latch that holds more than one edge or that
  the ack does not deliver, a count-mode line that masks, an ack of a
  line not masked (acked already) that counts;
- forged: a forged, revoked or dead-owner IRQ cap that irq_wait, irq_ack
  or irq_info accept, a ctl of the wrong type that irq_get takes;
- lines: the timer or cascade forwarded, the kernel's lines taken, a line
  outside a narrowed IRQ-control cap taken, two owners of one line, line
  17 (IRQ_NLINES) refused with anything but -E_INVAL;
- io: a reserved port (the kernel's devices, the machine's reset, power,
  firmware, PCI configuration and DMA) or one outside the cap reachable, a value above a byte
  written, cap_narrow widening, narrowed copies surviving a revoke;
- waiters: a second waiter, a waiter from another domain, a waiter left
  asleep (or stranded) when its owner domain dies, a line not freed;
- delete: a waiter left asleep when another thread deletes the root cap;
  the line taken again at once, before the woken waiter runs: a waiter
  irq_release left on it, a waiter that goes back to sleep on it (a
  generation irq_get resets, a wait that tells the line's end by its
  owner, not its gen);
- kill: a killed waiter that never dies, or whose line stays owned;
- killed: a killed waiter woken by a later edge (the kernel would run a
  dead thread), pending lost;
- spurious: a real IRQ 7 dropped as spurious (pic_acknowledge), a request
  latched by the PIC while masked lost at the ack, a line irq_release
  leaves unmasked at the PIC (the edges on the free line reach the kernel,
  which drops them, instead of one waiting in the PIC for the next owner).
"""

import re

import pytest

from userprog import FAST, expect_part_ok, said

IRQ_NLINES = 17
NCAP = 32
# Lines the injector may raise in these tests: not the timer, keyboard,
# cascade, COM1 (the kernel's), nor 8 (the RTC's).
FREE_LINES = [3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]
KILL_LINE = re.compile(r"^pid \d+ \(\S+\): .*$", re.M)
# The ports no cap reaches (kernel/irq/ioport.c's reserved_ports): the
# kernel's devices (PICs, PIT, keyboard, exit device, VGA cursor, COM1,
# the PICs' ELCR) and the machine's controls (ISA DMA, reset, APM, the
# firmware interface, ACPI, SMBus, PCI configuration).
RESERVED_RANGES = [(0x20, 0x21), (0x40, 0x43), (0x60, 0x60), (0x64, 0x64), (0xA0, 0xA1),
                   (0xF4, 0xF7), (0x3D4, 0x3D5), (0x3F8, 0x3FF), (0x4D0, 0x4D1),
                   (0x00, 0x0F), (0x81, 0x8F), (0x92, 0x92), (0xB2, 0xB3), (0xC0, 0xDF),
                   (0x510, 0x51B), (0x600, 0x63F), (0x700, 0x73F), (0xCF8, 0xCFF)]
RESERVED_PORTS = sum(last - first + 1 for first, last in RESERVED_RANGES)


def run_irqtests(boot, part, *args, inject=None):
    """Boot `hz=1000 [inject...] init=irqtests PART ARGS`; check that the
    kernel stayed healthy, nothing says FAILED or "not implemented", the
    part said ok, init exited 0 and the machine shut down cleanly.
    inject: (line, count, rate) for the kernel's injector."""
    words = " ".join(str(arg) for arg in args)
    keys = ""
    if inject:
        line, count, rate = inject
        keys = f"injectirq={line} injectcount={count} injectrate={rate} "
    run = boot(f"{FAST} {keys}init=irqtests {part} {words}".strip())
    expect_part_ok(run, "irqtests", part)
    return run


def kills(run):
    return KILL_LINE.findall(run.output)


@pytest.mark.points(4)
def test_count_mode_pending(boot, rng):
    """count mode: N edges while nobody waits are all pending, one wait returns N"""
    line, n, rate = rng.choice(FREE_LINES), rng.randrange(2, 60), rng.randrange(1, 5)
    run = run_irqtests(boot, "count", line, n, rate, inject=(line, n, rate))
    said(run, rf"^irqtests: count: line {line}: {n} edges in one wait$")


@pytest.mark.points(4)
def test_mask_mode_latch(boot, rng):
    """mask mode: N edges while nobody waits are one delivery, one latched after the ack, then none"""
    line, n, rate = rng.choice(FREE_LINES), rng.randrange(2, 60), rng.randrange(1, 5)
    run = run_irqtests(boot, "mask", line, n, rate, inject=(line, n, rate))
    said(run, rf"^irqtests: mask: line {line}: {n} edges, 2 delivered$")


@pytest.mark.points(5)
def test_forged_revoked_dead_caps(boot, rng):
    """forged, revoked and dead-owner IRQ caps refused by irq_wait, irq_ack, irq_info; a wrong-type ctl by irq_get"""
    line, out, huge = rng.choice(FREE_LINES), rng.randrange(0, 1000), rng.randrange(2**20, 2**30)
    run = run_irqtests(boot, "forged", line, out, huge)
    said(run, rf"^irqtests: forged: line {line}: slots {NCAP + out} and {huge} refused$")


@pytest.mark.points(4)
def test_lines_refused(boot, rng):
    """the timer and cascade -E_PERM, keyboard and COM1 -E_BUSY, bad lines and modes -E_INVAL, narrowed ctl caps, one owner a line"""
    big, mode = rng.randrange(0, 1000), rng.randrange(0, 1000)
    first = rng.choice([3, 5, 6])
    last = rng.randrange(first + 1, 13)
    inside = rng.choice([l for l in FREE_LINES if first <= l <= last])
    outside = rng.choice([l for l in FREE_LINES + [16] if not first <= l <= last])
    run = run_irqtests(boot, "lines", big, mode, first, last, inside, outside)
    said(run, rf"^irqtests: lines: {first}\.\.{last} takes {inside}, refuses {outside} and "
              rf"{IRQ_NLINES + big}$")


# io_in, io_out and cap_narrow are given code: a sanity check without points.
def test_io_ports(boot, rng):
    """io_in/io_out: reserved ports and ports outside the cap -E_PERM, a value above 0xFF -E_INVAL; cap_narrow only narrows; revoke removes narrowed copies"""
    # CMOS bytes 0x38..0x7f hold what they are given; QEMU's clock rewrites
    # the century in 0x32 and 0x37 on every update.
    reg, value = rng.randrange(0x38, 0x80), rng.randrange(0, 256)
    big, over = rng.randrange(0, 2**16), rng.randrange(1, 8)
    run = run_irqtests(boot, "io", reg, value, big, over)
    said(run, rf"^irqtests: io: {RESERVED_PORTS} reserved ports refused; CMOS byte 0x{reg:02x} read back "
              rf"0x{value:02x}$")


@pytest.mark.points(5)
def test_waiters_and_owner_death(boot, rng):
    """a second waiter -E_BUSY, a waiter in another domain -E_PERM; the owner destroyed under a waiter: its call returns -E_DEAD, the line is free"""
    line, other = rng.sample(FREE_LINES, 2)
    run = run_irqtests(boot, "waiters", line, other)
    said(run, rf"^irqtests: waiters: pid \d+ waited on line {line}, a second was refused$")
    assert not kills(run), f"nothing should have been killed: {kills(run)}"


@pytest.mark.points(3)
def test_root_cap_deleted_under_waiter(boot, rng):
    """cap_delete of the root IRQ cap while another thread waits: the wait returns -E_DEAD, the line is free"""
    line = rng.choice(FREE_LINES)
    run = run_irqtests(boot, "delete", line)
    said(run, rf"^irqtests: delete: pid \d+'s wait on line {line} ended$")


@pytest.mark.points(3)
def test_kill_in_irq_wait(boot, rng):
    """kill of a process asleep in irq_wait: it dies, its line is free"""
    line = rng.choice(FREE_LINES)
    run = run_irqtests(boot, "kill", line)
    said(run, rf"^irqtests: kill: pid \d+ killed in irq_wait on line {line}$")


@pytest.mark.points(4)
def test_no_delivery_to_killed_waiter(boot, rng):
    """a waiter killed in a driver domain that keeps the line: later real edges wake nobody, count as pending for the next waiter"""
    k = rng.randrange(2, 20)          # one edge cannot tell counting from masking
    run = run_irqtests(boot, "killed", k)
    said(run, rf"^irqtests: killed: {k} edges after the kill, {k} pending$")


@pytest.mark.points(3)
def test_real_irq7_not_spurious(boot, rng):
    """real IRQ 7 edges (the parallel port) all delivered, none dropped as spurious; the PIC's latch delivered at the ack"""
    # At least 2: one edge shows neither a line left masked after the ack
    # nor a count mode that masks (1 delivered either way).
    k = rng.randrange(2, 20)
    run = run_irqtests(boot, "spurious", k)
    said(run, rf"^irqtests: spurious: {k} real edges on line 7 delivered$")
