"""Lab 3: the switch paths' instruction budgets, measured under icount
(tools/bench.py runs the same kernel tests for `make bench`)."""

import re

import pytest

YIELD_BUDGET = 60
PREEMPT_BUDGET = 150
SCALING_TOLERANCE = 0.05


def per_switch(boot, cmdline):
    run = boot(cmdline, timeout=60)
    run.expect_exit("success")
    match = re.search(r"bench: \w+ threads=\d+ .*per_switch=(\d+(?:\.\d+)?)", run.output)
    assert match, "no 'bench: ... per_switch=' line"
    return float(match.group(1))


@pytest.mark.points(5)
def test_cooperative_switch_budget(boot):
    """yield to yield within 60 instructions, the same with 60 threads"""
    two = per_switch(boot, "init=bench_yield 2")
    sixty = per_switch(boot, "init=bench_yield 60")
    assert two <= YIELD_BUDGET, f"{two} instructions per cooperative switch"
    assert abs(sixty - two) / two <= SCALING_TOLERANCE, f"2 threads: {two}, 60 threads: {sixty}"


@pytest.mark.points(5)
def test_preemptive_switch_budget(boot):
    """IRQ entry to the next thread within 150 instructions, the same with 60 threads"""
    two = per_switch(boot, "init=bench_preempt 2 hz=10000")
    sixty = per_switch(boot, "init=bench_preempt 60 hz=10000")
    assert two <= PREEMPT_BUDGET, f"{two} instructions per preemptive switch"
    assert abs(sixty - two) / two <= SCALING_TOLERANCE, f"2 threads: {two}, 60 threads: {sixty}"
