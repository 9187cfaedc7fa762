"""Lab 2: setctx/resctx, kernel threads, cooperative switching, exit and
reaping, and the kernel stack guard. Every expected value follows from a
seed the test picks, through the kernel tests' generator."""

import re

import pytest

import ktest_random
import qemu
from schedtrace import traced_boot


def lines_with(run, prefix):
    return [line for line in run.lines if line.startswith(prefix)]


KCTX_PROBE_ESP_OFF = 0xE5B0FF     # kernel/tests/kctx_probe.S: the second return's esp was off


@pytest.mark.points(15)
def test_setctx_resctx_semantics(boot, rng, part):
    """setctx returns 0 then resctx's value; callee-saved registers survive"""
    seed = rng.randrange(1, 2**32)
    value = ktest_random.sequence(seed, 1)[0] | 1
    run = boot(f"seed={seed} init=setctx")
    expected = [  # (points, line)
        # kctx_probe: registers intact, setctx's second return is the value
        (3, f"setctx: probe(0x{value:08x}) = 0x{value:08x}"),
        # resctx(c, 0) makes setctx return 1, never 0
        (2, "setctx: probe(0) = 0x00000001"),
        (2, "setctx: outer returned 0 at phase 0"),
        (2, "setctx: inner returned 0"),
        (2, f"setctx: inner returned {value % 1000 + 2}"),
        (2, f"setctx: outer returned {value % 500 + 3} at phase 1"),
        (1, "setctx: done"),
    ]
    printed = lines_with(run, "setctx: ")
    esp_off = f"setctx: probe(0x{value:08x}) = 0x{KCTX_PROBE_ESP_OFF:08x}"
    for points, line in expected:
        with part(points, f"the line {line!r}"):
            assert esp_off not in printed, \
                (f"{esp_off!r}: after setctx's second return %esp was not where its first "
                 "return left it: the esp setctx saves is off (it must be the caller's esp once "
                 "the return address is popped, %esp + 4 at setctx's first instruction)")
            assert line in printed, f"no line {line!r}"
    with part(1, "these lines in this order, nothing else, then a clean shutdown"):
        difference = qemu.lines_in_order([line for _, line in expected], printed)
        assert not difference, difference
        run.expect_exit("success")


@pytest.mark.points(15)
def test_pingpong_in_round_robin_order(boot, rng, part):
    """threads take turns with kthread_yield in exact round-robin order"""
    seed = rng.randrange(1, 2**32)
    threads, rounds = 2 + seed % 3, 3 + seed // 3 % 5
    # ping0, ping1, ... yield in turn, round after round, then exit in turn
    expected = ([("kmain", "sleep")] + [(f"ping{t}", "yield") for _ in range(rounds)
                                        for t in range(threads)]
                + [(f"ping{t}", "exit") for t in range(threads)])
    run = traced_boot(boot, f"seed={seed} quantum=1000 init=pingpong", expected=expected)
    header = [f"pingpong: {threads} threads, {rounds} rounds"]
    turns = [f"pingpong: thread {t} round {r}" for r in range(rounds) for t in range(threads)]
    expected = header + turns + ["pingpong: all joined"]
    printed = lines_with(run, "pingpong: ")
    # The first line is given code (ktest_pingpong), so it earns nothing
    # alone: its points come with the first round, the student's switch.
    with part(7, "the first line, then the first round in round-robin order"):
        difference = qemu.lines_in_order(header + turns[:threads], printed[:1 + threads])
        assert not difference, difference
    with part(5, "every round in round-robin order"):
        difference = qemu.lines_in_order(header + turns, printed[:1 + len(turns)])
        assert not difference, difference
    with part(3, "all joined, nothing else, then a clean shutdown"):
        difference = qemu.lines_in_order(expected, printed)
        assert not difference, difference
        run.expect_exit("success")


def backtrace_after(run, line, kernel_elf):
    """The functions of the backtrace printed right after `line`, innermost
    first, from the ELF (return addresses point after the call: address - 1)."""
    text = run.output.split(line + "\n", 1)[1] if line + "\n" in run.output else ""
    frames = re.match(r"backtrace:\n((?:  #\d+ 0x[0-9a-f]{8} .*\n)*)", text)
    symbolizer = qemu.Symbolizer(kernel_elf)
    names = []
    for address in re.findall(r"^  #\d+ 0x([0-9a-f]{8}) ", frames.group(1) if frames else "", re.M):
        symbol = symbolizer.function_at(int(address, 16) - 1)
        names.append(symbol.name if symbol else f"0x{address}")
    return names


@pytest.mark.points(10)
def test_threads_exit_and_are_reaped(boot, kernel_elf, rng, part):
    """a returning thread exits with 0, kthread_exit's status is seen, all is freed"""
    seed = rng.randrange(1, 2**32)
    values = iter(ktest_random.sequence(seed, 5))
    statuses = [next(values) % 1000 + 1 if i % 2 else 0 for i in range(5)]
    run = boot(f"seed={seed} init=exit")
    expected = [f"exit: pid {i + 1} status {s}" for i, s in enumerate(statuses)]
    printed = lines_with(run, "exit: pid")
    with part(3, "threads that return exit with status 0"):
        for line in expected[0::2]:
            assert line in printed, f"no line {line!r}"
    with part(3, "kthread_exit's status reaches proc_join"):
        for line in expected[1::2]:
            assert line in printed, f"no line {line!r}"
    with part(2, "one table entry left in use, all frames returned"):
        assert "exit: 1 table entries in use, frames all returned" in run.output, \
            "no line 'exit: 1 table entries in use, frames all returned'"
    with part(1, "a thread on a reused stack: its backtrace ends at kthread_bootstrap"):
        # Its stack pages hold the poison of their last use: a missing or
        # misplaced zero word on top shows as a junk frame past the bootstrap.
        names = backtrace_after(run, "exit: the backtrace of a thread on a reused stack",
                                kernel_elf)
        assert names == ["kthread_bootstrap"], (
            f"a new thread on a reused stack, printing its own backtrace, shows "
            f"{' < '.join(names) or 'no frame'}, not just kthread_bootstrap: its first "
            "kctx must put a zero word at the very top of the stack, with esp pointing "
            "at it (stack memory is not zero)")
    with part(1, "these lines in this order, then a clean shutdown"):
        difference = qemu.lines_in_order(expected, printed)
        assert not difference, difference
        run.expect_exit("success")


@pytest.mark.points(10)
def test_kernel_stack_overflow_is_caught(boot, rng):
    """overflowing a kernel stack panics naming the thread, not a triple fault"""
    seed = rng.randrange(1, 2**32)
    name = f"deep{seed % 10000}"
    run = boot(f"seed={seed} init=overflow")
    run.expect_exit("failure")
    assert re.search(rf"panic: kernel stack overflow in pid 1 \({name}\)", run.output), \
        "no 'kernel stack overflow in pid 1 (name)' panic"
    assert "survived" not in run.output


@pytest.mark.points(5)
def test_children_of_an_exited_thread_get_a_living_parent(boot, rng):
    """a thread that exits before its children leaves them to its parent, not to a dangling entry"""
    seed = rng.randrange(1, 2**32)
    r = ktest_random.sequence(seed, 2)
    children = 1 + r[0] % 6
    waiters = r[1] % (1 << children)
    run = boot(f"seed={seed} init=orphans")
    run.expect_exit("success")
    head = re.search(r"^orphans: pid (\d+) exited with (\d+) children, (\d+) of them ended; "
                     r"its table entry is now pid (\d+)$", run.output, re.M)
    assert head, "no 'orphans: pid P exited with N children ...' line"
    assert int(head.group(2)) == children, f"seed {seed}: expected {children} children"
    ended = children - bin(waiters).count("1")
    assert int(head.group(3)) == ended, f"seed {seed}: {ended} children should have ended first"
    told = re.findall(r"^orphans: child (\d+) \(pid (\d+), (ended|running)\): parent pid (-?\d+)$",
                      run.output, re.M)
    assert len(told) == children, f"expected a line for each of {children} children"
    for index, pid, state, parent in told:
        expect = "running" if waiters >> int(index) & 1 else "ended"
        assert state == expect, f"child {index} is {state}, expected {expect}"
        assert int(parent) == 0, \
            (f"child {index} (pid {pid}) has parent pid {parent} after its parent (pid "
             f"{head.group(1)}) exited: expected the boot thread, pid 0" +
             (", not the thread that took the dead parent's table entry"
              if parent == head.group(4) else ""))
    assert f"orphans: pid 0 reaped {children} of {children} orphans; frames all returned" \
        in run.output


def test_write_past_a_stack_top_names_that_thread(boot, rng):
    """a write just past the top of a thread's kernel stack panics naming that thread, not the one above"""
    seed = rng.randrange(1, 2**32)
    run = boot(f"seed={seed} init=stacktop")
    run.expect_exit("failure")
    said = re.search(r"^stacktop: pid (\d+) \((\w+)\) has pid (\d+) \((\w+)\) in the slot above$",
                     run.output, re.M)
    assert said, "no 'stacktop: pid P (NAME) has pid Q (NAME) in the slot above' line"
    pid, name, above_pid, above = said.groups()
    assert name == f"top{seed % 10000}", f"seed {seed}: the thread should be named top{seed % 10000}"
    assert re.search(rf"^panic: kernel stack of pid {pid} \({name}\) used past its top: write to "
                     r"an unmapped page at 0x[0-9a-f]{8} \(the guard page above it\)", run.output, re.M), \
        (f"the panic should name pid {pid} ({name}), whose stack top was written, not pid "
         f"{above_pid} ({above}) in the slot above; it says: {(run.panic_lines or ['nothing'])[0]}")
    assert "survived" not in run.output
