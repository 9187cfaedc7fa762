"""Lab 5: the user-space paths' instruction budgets, measured by
user/ubench.c under icount (tools/bench.py runs the same for `make bench`).
Like `make bench`, they boot with poison=0: a budget is for the kernel's own
work, not for filling and checking freed frames (a debugging aid)."""

import re

import pytest

BUDGETS = [
    # (benchmark, figure, budget)
    ("getpid", "per_op", 50),            # a null system call's round trip
    ("pipe", "per_op", 2_000),           # one byte there and back, two processes
    ("fork", "per_op", 200_000),         # fork + exit + wait of a small process
    ("sbrk", "per_op", 2_000),           # sbrk(+4096), touch, sbrk(-4096)
    ("prompt", "instructions", 12_000_000),   # reset to the shell's first prompt
]


@pytest.mark.points(3)
@pytest.mark.parametrize("name, figure, budget", BUDGETS, ids=[b[0] for b in BUDGETS])
def test_user_budget(boot, name, figure, budget):
    """a user-space path fits its instruction budget"""
    run = boot(f"poison=0 init=ubench {name}", timeout=60)
    run.expect_exit("success")
    match = re.search(rf"^bench: {name} .*\b{figure}=(\d+(?:\.\d+)?)", run.output, re.M)
    assert match, f"no 'bench: {name} ... {figure}=' line"
    value = float(match.group(1))
    assert value <= budget, f"{name}: {value:g} instructions; the budget is {budget:,}"
