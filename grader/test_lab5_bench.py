"""Lab 5: the user-space paths' instruction budgets, measured by
user/ubench.c under icount (tools/bench.py runs the same for `make bench`).
A student's budget is twice the project's target (grader/budgets.py).
Like `make bench`, they boot with poison=0: a budget is for the kernel's own
work, not for filling and checking freed frames (a debugging aid)."""

import re

import pytest

import qemu
from budgets import student_budget

BUDGETS = [
    # (ubench benchmark, figure, budget)
    ("getpid", "per_op", student_budget("null system call")),
    ("pipe", "per_op", student_budget("pipe round trip")),
    ("fork", "per_op", student_budget("fork + exit + wait")),
    ("sbrk", "per_op", student_budget("sbrk")),
    # reset to the shell's first prompt, the grader's firmware included
    ("prompt", "instructions", student_budget(f"reset to prompt ({qemu.firmware_in_use()})")),
]


@pytest.mark.points(3)
@pytest.mark.parametrize("name, figure, budget", BUDGETS, ids=[b[0] for b in BUDGETS])
def test_user_budget(boot, name, figure, budget):
    """a user-space path fits its instruction budget"""
    run = boot(f"poison=0 init=ubench {name}")
    run.expect_exit("success")
    match = re.search(rf"^bench: {name} .*\b{figure}=(\d+(?:\.\d+)?)", run.output, re.M)
    assert match, f"no 'bench: {name} ... {figure}=' line"
    value = float(match.group(1))
    assert value <= budget, f"{name}: {value:g} instructions; the budget is {budget:,}"
