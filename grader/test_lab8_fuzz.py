"""Lab 8: the fuzzer with IRQ and I/O-port calls (`fuzz -i`, user/fuzz.c):
irq_get, irq_info, io_in, io_out, cap_narrow, cap_revoke, cap_delete and
cap_info on random slots with random lines, modes, ports, values and
ranges, and the raw gates int $51 (irq_wait) and int $52 (irq_ack) with
random registers, which must give back every register but eax. The
fuzzer first narrows harmless copies of the root authority and drops the
root caps, so no io_out can reach a device; the injector and the virtual
timer give it edges to wait for (it waits only with one pending). The
kernel must survive, every error be -E_xxx, memfree() and the process
table be back after each round, and a seed repeat its checksum in the
same boot."""

import re

import pytest

from userprog import STUB_MARKS, run_fuzz

CALLS = 200_000
SEEDS = 2
INJECT = "vtimer=1 injectirq=5 injectcount=1000000 injectrate=2"


@pytest.mark.points(8)
def test_fuzz_irqs(boot, rng):
    """random IRQ, I/O-port and capability calls and raw IRQ gates: the kernel survives, leaks nothing, repeats exactly"""
    run = run_fuzz(boot, rng, CALLS, SEEDS, options="-i", keys=INJECT)
    waits = re.findall(r"^fuzz: seed=\d+ irqs: waits with deliveries=(\d+)$", run.output, re.M)
    assert len(waits) == SEEDS + 1, "no 'fuzz: seed=S irqs: ...' line per round"
    if not all(int(n) > 0 for n in waits):
        stub = next((line.strip() for line in run.lines if any(mark in line for mark in STUB_MARKS)),
                    None)
        # The fuzzer waits only on a line irq_info shows a delivery pending
        # on: no such wait means irq_get, the delivery or irq_wait is broken.
        assert False, (f"a round never got a delivery from a wait (waits with deliveries, a "
                       f"round: {waits}): no irq_get, irq_deliver and irq_wait working together "
                       + (f"yet; the kernel said {stub!r}" if stub else
                          "(test_lab8_irq's count and mask tests try that path alone)"))
