"""Lab 6: the fuzzer with domain and capability calls (`fuzz -d`, user/fuzz.c):
dom_create of adder now and then and of bad paths and flags; dom_destroy,
cap_grant, cap_revoke, cap_delete and cap_info on random slots (in range,
-1, NCAP, huge) with random rights and badges; int $49 with random
registers, whose answer must be adder's exactly when cap_info says the
slot may call adder and an -E_xxx otherwise; int $50 at home (-E_INVAL).
Both gates must give back every register but eax and edx. The kernel must
survive, every error be -E_xxx, memfree() and the process table be back
after each round, and a seed repeat its checksum in the same boot."""

import re

import pytest

from userprog import run_fuzz

CALLS = 300_000
SEEDS = 2


@pytest.mark.points(10)
def test_fuzz_domains(boot, rng):
    """random domain and capability calls and raw gates with random registers: the kernel survives, leaks nothing, repeats exactly"""
    run = run_fuzz(boot, rng, CALLS, SEEDS, options="-d")
    created = re.findall(r"^fuzz: seed=\d+ domains: created=(\d+) adder answers=(\d+)$",
                         run.output, re.M)
    assert len(created) == SEEDS + 1, "no 'fuzz: seed=S domains: ...' line per round"
    assert all(int(made) > 0 and int(answers) > 0 for made, answers in created), \
        f"a round created no domain or never got through to adder: {created}"
