"""Lab 8: the instruction budgets of interrupt forwarding, measured by
user/ubench.c under icount as `make bench` runs them (tools/bench.py's
command lines: the kernel's test injector raises ubench's line once a
tick). irq_wait with a delivery pending and irq_ack of the masked line are
each timed alone, rdtsc on either side of the gate, a nop's block
subtracted; the latency is an injector edge (irq_edge's rdtsc, irq_info's
edge_tsc) to the driver's rdtsc right after its irq_wait returns. ubench
checks the line's state around each sample (irq_info: pending, masked,
latched), so a figure times the path it names. A student's budget is twice
the project's target (grader/budgets.py)."""

import pytest

from budgets import IRQ_BENCH_KEYS, expect_within_student_budget
from userprog import ubench_per_op

UBENCH_CHECKS = "ubench checks the line's state and irq_wait's result around every sample"


def per_op(boot, name):
    return ubench_per_op(boot, name, UBENCH_CHECKS, keys=IRQ_BENCH_KEYS)


@pytest.mark.points(4)
def test_irq_wait_budget(boot):
    """irq_wait with a delivery pending (int $51) fits its instruction budget"""
    expect_within_student_budget("irqwait", per_op(boot, "irqwait"), "irq_wait")


@pytest.mark.points(4)
def test_irq_ack_budget(boot):
    """irq_ack of a masked line (int $52) fits its instruction budget"""
    expect_within_student_budget("irqack", per_op(boot, "irqack"), "irq_ack")


@pytest.mark.points(4)
def test_irq_latency_budget(boot):
    """an IRQ edge reaches the driver back from irq_wait within its instruction budget"""
    expect_within_student_budget("irqlatency", per_op(boot, "irqlatency"), "irq latency")
