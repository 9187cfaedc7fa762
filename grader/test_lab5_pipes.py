"""Lab 5: pipes between processes (`init=usertests pipe SEED`). A writer
sends a stream derived from the grader's seed in 1,500 small and 4 large
writes; the reader checks every byte as it reads in random sizes, and the
grader checks the length and FNV-1a hash of what was read. Then EOF once
every writer has closed (two writers; dup), -E_BADF for the wrong
direction, -E_PIPE for a pipe nobody can read (also for a writer blocked
on a full pipe when the reader goes away, once the write it was in has
returned the bytes it wrote), and a pipe holds PIPE_SIZE (2048) bytes:
a writer fills it in one write, and waits with one byte more."""

import re

import pytest

from userprog import fnv1a, kill_lines, run_usertests, xorshift32

SMALL_WRITES, LARGE_WRITES = 1500, 4


def expected_stream(seed):
    """(length, FNV-1a) of the stream user/usertests.c's writer sends."""
    data, sizes, out = seed, seed ^ 0x9E3779B9, bytearray()
    for i in range(SMALL_WRITES + LARGE_WRITES):
        sizes = xorshift32(sizes)
        n = 1 + sizes % 16 if i < SMALL_WRITES else 4096 + sizes % 8192
        for _ in range(n):
            data = xorshift32(data)
            out.append(data >> 24)
    return len(out), fnv1a(out)


@pytest.mark.points(15)
def test_pipes(boot, rng):
    """a seeded stream arrives intact through a pipe; EOF, dup, E_BADF, E_PIPE"""
    seed = rng.randrange(1, 2**31)
    run = run_usertests(boot, "pipe", seed)
    match = re.search(r"usertests: pipe: stream bytes=(\d+) fnv=0x([0-9a-f]{8})", run.output)
    assert match, "no 'stream bytes=N fnv=0x...' line"
    length, fnv = expected_stream(seed)
    assert int(match.group(1)) == length, f"{match.group(1)} bytes read, {length} written"
    assert int(match.group(2), 16) == fnv, "the bytes read are not the bytes written"
    assert "usertests: pipe: EOF with two writers, dup, E_BADF, E_PIPE" in run.output
    assert not kill_lines(run.output), "a process was killed"
