"""Lab 5: the heap (`init=usertests sbrk`): sbrk grows and shrinks it,
every byte of it is usable, fork copies it, the frames come back when it
shrinks, memory given back is gone (a child touching it is killed by a
page fault), impossible requests fail and change nothing, and malloc
works on top of it."""

import re

import pytest

from userprog import kill_lines, run_usertests


@pytest.mark.points(10)
def test_sbrk(boot):
    """sbrk grows and shrinks the heap; shrunk memory faults; fork copies the heap"""
    run = run_usertests(boot, "sbrk")
    touched = re.search(r"usertests: sbrk: touching 0x([0-9a-f]{8}) after sbrk", run.output)
    assert touched, "the child that touches freed memory never said so"
    lines = kill_lines(run.output)
    assert len(lines) == 1, f"expected one kill line (the child touching freed memory), " \
                            f"found {len(lines)}"
    line = lines[0]
    assert line.name == "usertests" and line.what.startswith("page fault"), line.text
    assert f"0x{touched.group(1)}" in line.what, \
        f"{line.text}: expected the address 0x{touched.group(1)}"
    assert line.function == "part_sbrk", line.text
