"""Lab 5: the memory everything in lab 5 stands on, checked from kernel
tests (kernel/tests/lab5_tests.c). The frame allocator catches a double
free (and says who freed the frame first), fills freed frames with poison
and panics when a freed frame was written to; paging_walk makes page
tables only inside user space, where vm_free will find them again. What
each test does (which frame, which word, which address) follows from a seed
the grader picks.

The frame allocator and paging_walk are given code, not lab 5's part, so
these are sanity checks without points: a fresh lab 5 tree passes them,
and they show that what the lab stands on is sound."""

import re

import pytest

import ktest_random

PAGE = 4096
USER_BASE, USER_TOP = 0x40000000, 0xC0000000
FRAME_WORDS = PAGE // 4
POISON_HEADER_WORDS = 2
POISON_WORD = 0xEEEEEEEE


def test_double_free_panics_naming_the_frame(boot, rng):
    """freeing a frame twice panics, naming the frame and where it was first freed"""
    seed = rng.randrange(1, 2**32)
    r = ktest_random.sequence(seed, 2)
    n = 1 + r[0] % 5
    victim = r[1] % n
    run = boot(f"seed={seed} init=doublefree")
    run.expect_exit("failure")
    said = re.search(r"^doublefree: (\d+) frames freed; freeing frame 0x([0-9a-f]{8}) "
                     r"\(number (\d+)\) again$", run.output, re.M)
    assert said, "no 'doublefree: ... freeing frame 0x... again' line"
    assert (int(said.group(1)), int(said.group(3))) == (n, victim), \
        f"seed {seed}: expected {n} frames and number {victim}, got {said.groups()}"
    frame = said.group(2)
    assert int(frame, 16) % PAGE == 0, f"0x{frame} is not a frame address"
    assert "ktest: FAIL" not in run.output, "the second frame_free returned"
    assert re.search(rf"^panic: frame_free: double free of frame 0x{frame} \(first freed by "
                     r"doublefree_release\+0x[0-9a-f]+\)$", run.output, re.M), \
        (f"expected 'panic: frame_free: double free of frame 0x{frame} (first freed by "
         "doublefree_release+0x...)'")


def poison_plan(seed):
    """(word, value) that the poison test writes after the free."""
    values = ktest_random.sequence(seed, FRAME_WORDS + 2)
    word = POISON_HEADER_WORDS + values[FRAME_WORDS] % (FRAME_WORDS - POISON_HEADER_WORDS)
    value = values[FRAME_WORDS + 1] | 1
    if value == POISON_WORD:
        value ^= 2
    return word, value


POISONED = re.compile(r"^poison: frame 0x([0-9a-f]{8}) after frame_free: (\d+) of (\d+) words "
                      r"hold 0xeeeeeeee$", re.M)


def test_freed_frames_are_poisoned(boot, rng):
    """a freed frame is filled with poison; a write to it before it is reused panics"""
    seed = rng.randrange(1, 2**32)
    word, value = poison_plan(seed)
    run = boot(f"seed={seed} init=poison write")
    run.expect_exit("failure")
    poisoned = POISONED.search(run.output)
    assert poisoned, "no 'poison: frame 0x... after frame_free: N of M words hold ...' line"
    frame, held, words = poisoned.group(1), int(poisoned.group(2)), int(poisoned.group(3))
    assert held == words == FRAME_WORDS - POISON_HEADER_WORDS, \
        f"after frame_free only {held} of {words} words of frame 0x{frame} held the poison"
    assert f"poison: wrote 0x{value:08x} to word {word} of the freed frame" in run.output
    assert re.search(rf"^panic: frame_alloc: frame 0x{frame} was written after it was freed "
                     rf"\(by ktest_poison\+0x[0-9a-f]+\): word {word} is 0x{value:08x}, not the "
                     r"poison 0xeeeeeeee$", run.output, re.M), \
        f"expected the panic to name frame 0x{frame}, word {word} and 0x{value:08x}"

    # poison=0 (what the benchmarks boot with) turns the fill and the check off.
    run = boot(f"poison=0 seed={seed} init=poison write")
    run.expect_exit("success")
    poisoned = POISONED.search(run.output)
    assert poisoned and int(poisoned.group(2)) == 0, "with poison=0 a freed frame was filled"
    assert "without complaint" in run.output


WALK = re.compile(r"^walk: 0x([0-9a-f]{8}) (mapped a table|refused), (\d+) frames taken$", re.M)


def test_page_walk_makes_tables_only_in_user_space(boot, rng):
    """paging_walk(create) refuses addresses at and above the user top: no table, no leak"""
    seed = rng.randrange(1, 2**32)
    r = ktest_random.sequence(seed, 2)
    inside = USER_BASE + r[0] % ((USER_TOP - USER_BASE) // PAGE) * PAGE
    above = USER_TOP + r[1] % ((2**32 - USER_TOP) // PAGE) * PAGE
    run = boot(f"seed={seed} init=walk")
    run.expect_exit("success")
    walks = {int(m.group(1), 16): (m.group(2), int(m.group(3))) for m in WALK.finditer(run.output)}
    for va in (inside, USER_TOP - PAGE):
        assert va in walks, f"no 'walk: 0x{va:08x} ...' line"
        assert walks[va][0] == "mapped a table", f"paging_walk refused user address 0x{va:08x}"
    for va in (USER_TOP, above, 0xFFFFF000):
        assert va in walks, f"no 'walk: 0x{va:08x} ...' line"
        assert walks[va] == ("refused", 0), \
            f"paging_walk(0x{va:08x}, create), above user space, gave {walks[va]}"
    assert "walk: after vm_free, 0 frames not given back" in run.output, \
        "vm_free did not give back every frame the walks took"
