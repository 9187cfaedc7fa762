"""Lab 5: the user-space paths' instruction budgets, measured by
user/ubench.c under icount (tools/bench.py runs the same for `make bench`).
A student's budget is twice the project's target (grader/budgets.py).
Like `make bench`, they boot with poison=0: a budget is for the kernel's own
work, not for filling and checking freed frames (a debugging aid).

The null system call's budget measures lab 4's dispatch, so it is graded
in lab 4 (its lab mark); the others need fork, sbrk or pipes."""

import re

import pytest

import qemu
from budgets import student_budget


def benchmark(name, figure, what, lab=None):
    """One benchmark: (ubench benchmark, figure, budget), graded in `lab`
    (default: lab 5, the module's)."""
    return pytest.param(name, figure, student_budget(what), id=name,
                        marks=[pytest.mark.lab(lab)] if lab else [])


BUDGETS = [
    benchmark("getpid", "per_op", "null system call", lab=4),
    benchmark("pipe", "per_op", "pipe round trip"),
    benchmark("fork", "per_op", "fork + exit + wait"),
    benchmark("sbrk", "per_op", "sbrk"),
    # reset to the shell's first prompt, the grader's firmware included
    benchmark("prompt", "instructions", f"reset to prompt ({qemu.firmware_in_use()})"),
]


@pytest.mark.points(3)
@pytest.mark.parametrize("name, figure, budget", BUDGETS)
def test_user_budget(boot, name, figure, budget):
    """a user-space path fits its instruction budget"""
    run = boot(f"poison=0 init=ubench {name}")
    run.expect_exit("success")
    match = re.search(rf"^bench: {name} .*\b{figure}=(\d+(?:\.\d+)?)", run.output, re.M)
    assert match, f"no 'bench: {name} ... {figure}=' line"
    value = float(match.group(1))
    assert value <= budget, f"{name}: {value:g} instructions; the budget is {budget:,}"
