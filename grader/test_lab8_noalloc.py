"""Lab 8 with GDB: invariant 1 for interrupts, IRQ delivery never
allocates. An edge is counted, masked and handed to its waiter touching
only irq_lines[] and the waiter's process entry; irq_wait, irq_ack,
io_in and io_out allocate nothing either. So once a driver owns its lines,
the frame allocator must not run until it exits.

The test boots `init=irqtests drive N LINE M` under GDB with the RTC
interrupting and the kernel's injector raising LINE (user/irqtests.c: the
driver waits on and acks N RTC interrupts at the device and the line,
then collects the M injected edges). It stops the program at the end of
its last irq_get (its setup), puts breakpoints on frame_alloc,
frame_alloc_zeroed and uproc_exit, and lets it run: the first stop must be
uproc_exit, and the driver must have had every delivery (its line says so).
"""

import pytest

import gdb_session
from userprog import said

RUN_TIMEOUT = 300                 # s: a last guard; the run takes about a second
RTC_HZ = 1024


@pytest.fixture
def gdb_boot(boot, kernel_dir):
    yield from gdb_session.boot_with_gdb(boot, kernel_dir)


@pytest.mark.points(3)
def test_irq_delivery_never_allocates(gdb_boot, rng):
    """no frame is allocated while RTC and injected IRQs are delivered, waited on and acked"""
    n, line, m, rate = rng.randrange(50, 200), rng.choice([3, 5, 6, 9, 12]), \
        rng.randrange(50, 300), rng.randrange(1, 4)
    run, gdb = gdb_boot(f"hz=1000 rtchz={RTC_HZ} injectirq={line} injectcount={m} "
                        f"injectrate={rate} init=irqtests drive {n} {line} {m}")
    # Not the user stub of that name; twice: the RTC's line, then the injector's.
    allocation = gdb_session.allocation_after_setup(gdb, "kernel/irq/irq.c:irq_get", 2, RUN_TIMEOUT)
    if allocation:
        pytest.fail(f"{allocation} ran while IRQs were delivered", pytrace=False)
    run.wait_exit()
    said(run, rf"^irqtests: drive: {n} RTC interrupts, {m} injected on line {line}$")
