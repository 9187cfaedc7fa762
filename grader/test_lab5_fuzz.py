"""Lab 5: system calls with random and adversarial arguments (user/fuzz.c):
100,000 calls per round, every number from 0 to past the last, bad
pointers, page edges, huge and negative lengths, bad descriptors. Each
round runs in a child of fuzz; the kernel must survive, unknown numbers
must give -E_NOSYS, errors must be -E_xxx, and memfree() and the process
table must be back after it. The same seed must give the same checksum of
all results twice, and another seed a different one."""

import re

import pytest

from userprog import FAST, kernel_trouble, kill_lines

CALLS = 100_000
# A round prints only when it is over: with the reference kernel a round of
# CALLS takes 48 M to 281 M instructions, by seed (25 seeds measured). Room
# for a kernel seven times slower before the run counts as hung.
ROUND_BUDGET = 2_000_000_000


@pytest.mark.points(10)
def test_fuzz(boot, rng):
    """100,000 random system calls per seed: the kernel survives, leaks nothing, repeats exactly"""
    first = rng.randrange(1, 2**31)
    second = rng.randrange(1, 2**31)
    while second == first:
        second = rng.randrange(1, 2**31)
    run = boot(f"init=fuzz {first} {CALLS} {first} {second} {FAST}", budget=ROUND_BUDGET)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert not kill_lines(run.output), "the fuzzer was killed"
    rounds = re.findall(r"^fuzz: seed=(\d+) calls=(\d+) checksum=(0x[0-9a-f]{8})$",
                        run.output, re.M)
    failed = [line for line in run.lines if "FAILED" in line]
    assert not failed, "\n".join(failed)
    assert [int(seed) for seed, _, _ in rounds] == [first, first, second], \
        f"expected three rounds (seeds {first}, {first}, {second}), got {rounds}"
    assert all(int(calls) == CALLS for _, calls, _ in rounds)
    assert rounds[0][2] == rounds[1][2], "the same seed gave two different checksums"
    assert rounds[2][2] != rounds[0][2], "two seeds gave the same checksum"
    assert run.output.count(f"fuzz: seed={first}: OK") == 2
    assert run.output.count(f"fuzz: seed={second}: OK") == 1
    assert "beta86: init exited with status 0" in run.output
    run.expect_exit("success")
