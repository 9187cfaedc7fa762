"""Lab 3: the switch paths' instruction budgets, measured under icount
(tools/bench.py runs the same kernel tests for `make bench`). A student's
budget is twice the project's target (grader/budgets.py).

The cooperative switch is lab 2's setctx/resctx, so its budget is graded
in lab 2 (its lab mark); the preemptive one is lab 3's."""

import re

import pytest

from budgets import student_budget

SCALING_TOLERANCE = 0.05
# A benchmark prints only when it is done: bench_preempt with 60 threads is
# silent for about 74 M instructions, more than the default budget allows.
BENCH_SILENCE_BUDGET = 400_000_000


def per_switch(boot, cmdline):
    run = boot(cmdline, budget=BENCH_SILENCE_BUDGET)
    run.expect_exit("success")
    match = re.search(r"bench: \w+ threads=\d+ .*per_switch=(\d+(?:\.\d+)?)", run.output)
    assert match, "no 'bench: ... per_switch=' line"
    return float(match.group(1))


@pytest.mark.points(5)
@pytest.mark.parametrize("kind, cmdline, budget", [
    pytest.param("cooperative", "poison=0 init=bench_yield {threads}",
                 student_budget("cooperative switch"), marks=pytest.mark.lab(2)),
    ("preemptive", "poison=0 hz=10000 init=bench_preempt {threads}",
     student_budget("preemptive switch")),
], ids=["cooperative", "preemptive"])
def test_switch_budget(boot, kind, cmdline, budget):
    """a switch fits its instruction budget, the same with 2 or 60 threads"""
    two = per_switch(boot, cmdline.format(threads=2))
    sixty = per_switch(boot, cmdline.format(threads=60))
    assert two <= budget, f"{two} instructions per {kind} switch; the budget is {budget}"
    assert abs(sixty - two) / two <= SCALING_TOLERANCE, f"2 threads: {two}, 60 threads: {sixty}"
