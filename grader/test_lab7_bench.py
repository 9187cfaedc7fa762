"""Lab 7: the instruction budgets of a fault, measured by user/ubench.c
under icount (`init=ubench fault` and `init=ubench faultregs`, as `make
bench` runs them): a divide error whose handler (in the home domain, through
fault_entry) fixes the divisor in memory and resumes the state unchanged,
so that the divide runs again; and a ud2 whose handler moves eip past it
with a fault_regs GET and SET. A student's budget is twice the project's
target (grader/budgets.py)."""

import re

import pytest

from budgets import student_budget


def per_op(boot, name):
    """per_op of `ubench NAME`, from a clean run."""
    run = boot(f"poison=0 init=ubench {name}")
    assert "FAILED" not in run.output, \
        "ubench said: " + next(line for line in run.lines if "FAILED" in line)
    run.expect_exit("success")
    match = re.search(rf"^bench: {name} per_op=(\d+(?:\.\d+)?) ", run.output, re.M)
    assert match, f"no 'bench: {name} per_op=...' line (ubench counts the handler's runs)"
    return float(match.group(1))


@pytest.mark.points(4)
def test_fault_round_trip_budget(boot):
    """fault, handler entry, resume and the faulting instruction again fit their instruction budget"""
    value = per_op(boot, "fault")
    budget = student_budget("fault round trip")
    assert value <= budget, f"fault: {value:g} instructions; the budget is {budget:,}"


@pytest.mark.points(4)
def test_fault_regs_round_trip_budget(boot):
    """the same with a fault_regs GET and SET fits its instruction budget"""
    value = per_op(boot, "faultregs")
    budget = student_budget("fault round trip with fault_regs")
    assert value <= budget, f"faultregs: {value:g} instructions; the budget is {budget:,}"
