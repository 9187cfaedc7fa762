"""Lab 5: system calls with random and adversarial arguments (user/fuzz.c):
a million calls per round, every number from 0 to past the last, bad
pointers, page edges, huge and negative lengths, bad descriptors. Each
round runs in a child of fuzz; the kernel must survive, unknown numbers
must give -E_NOSYS, errors must be -E_xxx, and memfree() and the process
table must be back after it. Three seeds, the first of them twice in the
same boot: the same seed must give the same checksum of all results
(however many calls, and although the second round's pids all differ from
the first's), and the other seeds other checksums."""

import re

import pytest

from userprog import FAST, kernel_trouble, kill_lines

CALLS = 1_000_000
SEEDS = 3
# fuzz prints a progress line every 100,000 calls (PROGRESS_EVERY), which
# with the reference kernel take 48 M to 281 M instructions, by seed (25
# seeds measured): room for a kernel seven times slower before the run
# counts as hung.
SILENCE_BUDGET = 2_000_000_000


@pytest.mark.points(10)
def test_fuzz(boot, rng):
    """a million random system calls per seed, three seeds: the kernel survives, leaks nothing, repeats exactly"""
    seeds = rng.sample(range(1, 2**31), SEEDS)
    order = [seeds[0]] + seeds          # the first seed twice, in one boot
    run = boot(f"{FAST} init=fuzz {order[0]} {CALLS} " + " ".join(map(str, order[1:])),
               budget=SILENCE_BUDGET)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert not kill_lines(run.output), "the fuzzer was killed"
    rounds = re.findall(r"^fuzz: seed=(\d+) calls=(\d+) checksum=(0x[0-9a-f]{8})$",
                        run.output, re.M)
    failed = [line for line in run.lines if "FAILED" in line]
    assert not failed, "\n".join(failed)
    assert [int(seed) for seed, _, _ in rounds] == order, \
        f"expected {len(order)} rounds (seeds {order}), got {rounds}"
    assert all(int(calls) == CALLS for _, calls, _ in rounds)
    checksums = [checksum for _, _, checksum in rounds]
    assert checksums[0] == checksums[1], \
        f"seed {order[0]} gave checksum {checksums[0]}, then {checksums[1]} in the same boot"
    assert len(set(checksums[1:])) == SEEDS, f"two seeds gave the same checksum: {rounds}"
    for seed in seeds:
        assert run.output.count(f"fuzz: seed={seed}: OK") == order.count(seed)
    assert "beta86: init exited with status 0" in run.output
    run.expect_exit("success")
