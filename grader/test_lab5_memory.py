"""Lab 5: the heap (`init=usertests sbrk`): sbrk grows and shrinks it,
every byte of it is usable, fork copies it, the frames come back when it
shrinks, memory given back is gone (a child touching it is killed by a
page fault), impossible requests (INT_MIN too) fail and change nothing,
a grow that fails keeps an unaligned break's last page, and malloc works
on top of it. `usertests heapfree SEED` checks with memfree() that a
shrink, and a grow that fails, give back every frame, the page tables the
grow made included."""

import re

import pytest

from userprog import FAST, kernel_trouble, kill_lines, run_usertests

PAGE = 4096


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


@pytest.mark.points(3)
def test_sbrk_stops_at_the_heap_limit(boot, rng):
    """the heap grows to exactly its limit, below the exception stack, and not one byte past it"""
    extra = rng.randrange(1, 3 * PAGE + 1)
    run = boot(f"{FAST} init=highheap {extra}")
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    failed = [line for line in run.lines if "FAILED" in line]
    assert not failed, "highheap said:\n" + "\n".join(failed)
    assert re.search(rf"^highheap: grew to the heap's limit 0x[0-9a-f]{{8}}; {extra} bytes more "
                     r"refused$", run.output, re.M), \
        f"no 'highheap: grew to the heap's limit ...; {extra} bytes more refused' line ({run.kind})"
    run.expect_exit("success")


@pytest.mark.points(5)
def test_sbrk_gives_back_page_tables(boot, rng):
    """a shrink, and a failed grow, give back every frame, the page tables too"""
    seed = rng.randrange(1, 2**31)
    run = run_usertests(boot, "heapfree", seed)
    tables = 1 + seed % 3
    said = re.search(r"^usertests: heapfree: sbrk\(\+(\d+)\) into (\d+) new page tables and "
                     r"back, and failed sbrk calls \(the last of (\d+) pages\): memfree\(\) "
                     r"(\d+) each time$", run.output, re.M)
    assert said, "no 'usertests: heapfree: sbrk(+N) into T new page tables ...' line"
    span, told = int(said.group(1)), int(said.group(2))
    assert told == tables, f"seed {seed}: expected {tables} new page tables, the part says {told}"
    assert span > (tables - 1) * 4 * 2**20, f"sbrk(+{span}) cannot reach {tables} new tables"
    assert int(said.group(3)) == int(said.group(4)), \
        "the late-failing sbrk did not ask for exactly as many pages as were free"
    assert not kill_lines(run.output), "a process was killed"
