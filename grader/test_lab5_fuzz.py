"""Lab 5: system calls with random and adversarial arguments (user/fuzz.c):
300,000 calls per round, every number from 0 to past the last, bad
pointers, page edges, huge and negative lengths, bad descriptors. Each
round runs in a child of fuzz; the kernel must survive, unknown numbers
must give -E_NOSYS, errors must be -E_xxx, and memfree() and the process
table must be back after it. Three seeds, the first of them twice in the
same boot: the same seed must give the same checksum of all results
(however many calls, and although the second round's pids all differ from
the first's), and the other seeds other checksums. The domain and capability calls (lab 6,
whose handout stubs them) are grader/test_lab6_fuzz.py's."""

import pytest

from userprog import run_fuzz

CALLS = 300_000      # 1.2 M calls in all: about 6 s (the suite's time is near its limit)
SEEDS = 3


@pytest.mark.points(10)
def test_fuzz(boot, rng):
    """300,000 random system calls per seed, three seeds: the kernel survives, leaks nothing, repeats exactly"""
    run_fuzz(boot, rng, CALLS, SEEDS)
