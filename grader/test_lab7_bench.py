"""Lab 7: the instruction budgets of a fault, measured by user/ubench.c
under icount (`init=ubench fault` and `init=ubench faultregs`, as `make
bench` runs them): a divide error whose handler (in the home domain, through
fault_entry) fixes the divisor in memory and resumes the state unchanged,
so that the divide runs again; and a ud2 whose handler moves eip past it
with a fault_regs GET and SET. A student's budget is twice the project's
target (grader/budgets.py)."""

import pytest

from budgets import expect_within_student_budget
from userprog import ubench_per_op

UBENCH_CHECKS = "ubench counts the handler's runs"


@pytest.mark.points(4)
def test_fault_round_trip_budget(boot):
    """fault, handler entry, resume and the faulting instruction again fit their instruction budget"""
    value = ubench_per_op(boot, "fault", UBENCH_CHECKS)
    expect_within_student_budget("fault", value, "fault round trip")


@pytest.mark.points(4)
def test_fault_regs_round_trip_budget(boot):
    """the same with a fault_regs GET and SET fits its instruction budget"""
    value = ubench_per_op(boot, "faultregs", UBENCH_CHECKS)
    expect_within_student_budget("faultregs", value, "fault round trip with fault_regs")
