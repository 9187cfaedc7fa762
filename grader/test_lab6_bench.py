"""Lab 6: the instruction budget of a domain call, measured by user/ubench.c
under icount (`init=ubench domcall`, as `make bench` runs it): dom_call +
dom_return into the asmadder domain (user/domains/asmadder.S, 6 instructions
of its own) with 4 arguments and 2 results. A student's
budget is twice the project's target (grader/budgets.py), and the path must
not depend on how many domains exist: 16 loaded cost what 2 do, within 5 %."""

import pytest

from budgets import expect_within_student_budget
from userprog import ubench_per_op

SCALING_TOLERANCE = 0.05
UBENCH_CHECKS = "ubench checks the callee's answers"


def per_op(boot, name):
    """per_op of `ubench NAME`; its line ends with the number of domains loaded."""
    return ubench_per_op(boot, name, UBENCH_CHECKS, last_field="domains")


@pytest.mark.points(5)
def test_domain_call_budget(boot):
    """dom_call + dom_return (4 arguments, 2 results) fits its instruction budget"""
    value = per_op(boot, "domcall")
    expect_within_student_budget("domcall", value, "domain call round trip")


@pytest.mark.points(5)
def test_domain_call_cost_does_not_grow_with_domains(boot):
    """a call costs the same with 16 domains loaded as with 2 (no scan of the domain table)"""
    few, many = per_op(boot, "domcall"), per_op(boot, "domcall16")
    assert many <= few * (1 + SCALING_TOLERANCE), \
        f"with 16 domains a call costs {many:g} instructions, with 2 {few:g}: more than 5 % apart"
