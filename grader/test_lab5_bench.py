"""Lab 5: the user-space paths' instruction budgets, measured by
user/ubench.c under icount (tools/bench.py runs the same for `make bench`)."""

import re

import pytest

import qemu

BUDGETS = [
    # (benchmark, figure, budget)
    ("getpid", "per_op", 50),            # a null system call's round trip
    ("pipe", "per_op", 2_000),           # one byte there and back, two processes
    ("fork", "per_op", 200_000),         # fork + exit + wait of a small process
    ("sbrk", "per_op", 2_000),           # sbrk(+4096), touch, sbrk(-4096)
    # reset to the shell's first prompt, the grader's firmware included
    ("prompt", "instructions", qemu.RESET_TO_PROMPT_BUDGET[qemu.firmware_in_use()]),
]


@pytest.mark.points(3)
@pytest.mark.parametrize("name, figure, budget", BUDGETS, ids=[b[0] for b in BUDGETS])
def test_user_budget(boot, name, figure, budget):
    """a user-space path fits its instruction budget"""
    run = boot(f"init=ubench {name}")
    run.expect_exit("success")
    match = re.search(rf"^bench: {name} .*\b{figure}=(\d+(?:\.\d+)?)", run.output, re.M)
    assert match, f"no 'bench: {name} ... {figure}=' line"
    value = float(match.group(1))
    assert value <= budget, f"{name}: {value:g} instructions; the budget is {budget:,}"
