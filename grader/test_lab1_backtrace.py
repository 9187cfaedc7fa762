"""Lab 1: panics, exceptions in the kernel, and the backtrace walker.

A backtrace is checked against the kernel's real call chain: each printed
return address is decoded from the ELF on the host (not from the kernel's
own table), and the chain's shape follows from a seed the test picks."""

import re

import pytest

import ktest_random
import qemu

FRAME = re.compile(r"^  #(\d+) 0x([0-9a-f]{8}) (\S+)$", re.M)
REGISTERS = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip",
             "eflags", "cr0", "cr2", "cr3"]


def frames(run):
    """[(address, kernel's name+offset)] of the backtrace in run's output."""
    return [(int(m.group(2), 16), m.group(3)) for m in FRAME.finditer(run.output)]


def function_names(kernel_elf, addresses, *, skip_first=False):
    """The function each address lies in, by the ELF's symbols. Return
    addresses point after the call, so decode address - 1."""
    symbolizer = qemu.Symbolizer(kernel_elf)
    names = []
    for i, address in enumerate(addresses):
        at = address if (skip_first and i == 0) else address - 1
        symbol = symbolizer.function_at(at)
        names.append(symbol.name if symbol else "???")
    return names


def chain_in_words(names):
    """A backtrace's functions as a student reads them, innermost first:
    "ktest_panic < run_init < kmain < _start", or "no frame at all"."""
    return " < ".join(names) if names else "no frame at all"


def backtrace_mismatch(expected, names):
    """Why the backtrace's functions are not `expected`, in one line, the
    first difference first (the one-line reason is cut at 200 characters)."""
    if not names:
        return f"expected {chain_in_words(expected)}, the backtrace printed no frame at all"
    same = next((i for i, (want, got) in enumerate(zip(expected, names)) if want != got),
                min(len(expected), len(names)))
    if same < len(expected) and same < len(names):
        where = f"frame #{same} is {names[same]}, expected {expected[same]}"
    elif same < len(expected):
        where = f"it stops after {names[-1]}, before {expected[same]}"
    else:
        where = f"it goes on past {expected[-1]} to {names[same]}"
    return f"{where}: expected {chain_in_words(expected)}, the backtrace shows {chain_in_words(names)}"


def assert_registers_dumped(run):
    for name in REGISTERS:
        assert re.search(rf"\b{name}=[0-9a-f]{{8}}\b", run.output), f"no {name}= in the dump"


def assert_kernel_names_agree(kernel_elf, found):
    """The kernel's own name+offset for each frame agrees with the ELF."""
    symbolizer = qemu.Symbolizer(kernel_elf)
    for address, shown in found:
        assert shown == symbolizer.symbol_offset(address), \
            f"frame 0x{address:08x} shown as {shown}, the ELF says {symbolizer.symbol_offset(address)}"


@pytest.mark.points(15)
def test_backtrace_matches_call_chain(boot, kernel_elf, rng):
    """backtrace walks the real call chain, of a depth the test picks"""
    seed = rng.randrange(1, 2**32)
    depth = 2 + seed % 6
    run = boot(f"seed={seed} init=backtrace")
    run.expect_exit("success")
    found = frames(run)
    names = function_names(kernel_elf, [address for address, _ in found])
    # bt_leaf's caller first: bt_ping(depth) calls bt_pong(depth-1) ... and
    # whichever reaches 0 calls bt_leaf.
    # Innermost first: the function called with 0 is bt_leaf's caller.
    chain = ["bt_ping" if (depth - k) % 2 == 0 else "bt_pong" for k in range(depth + 1)]
    expected = chain + ["ktest_backtrace", "run_init", "kmain", "_start"]
    assert names == expected, f"{backtrace_mismatch(expected, names)} (seed {seed}, depth {depth})"
    assert_kernel_names_agree(kernel_elf, found)


@pytest.mark.points(10)
def test_panic_prints_reason_registers_backtrace(boot, kernel_elf, rng):
    """panic prints its reason, the registers and a backtrace"""
    seed = rng.randrange(1, 2**32)
    run = boot(f"seed={seed} init=panic")
    run.expect_exit("failure")
    assert f"panic: test panic, seed {seed}" in run.output
    assert_registers_dumped(run)
    found = frames(run)
    # Frame #0 of a panic() is where panic returns to: a return address too.
    names = function_names(kernel_elf, [address for address, _ in found])
    expected = ["ktest_panic", "run_init", "kmain", "_start"]
    assert names[:4] == expected, backtrace_mismatch(expected, names)


@pytest.mark.points(10)
def test_page_fault_in_kernel_is_explained(boot, kernel_elf, rng):
    """a kernel page fault panics with the address, the access and the eip"""
    seed = rng.randrange(1, 2**20)
    address = 0xE0000000 + (seed % 0x100000) * 4
    run = boot(f"seed={seed} init=pagefault")
    run.expect_exit("failure")
    assert (f"panic: page fault in kernel at address 0x{address:08x} "
            "(read of an unmapped page)") in run.output
    assert f"cr2={address:08x}" in run.output
    found = frames(run)
    names = function_names(kernel_elf, [address for address, _ in found], skip_first=True)
    expected = ["ktest_pagefault", "run_init", "kmain"]
    assert names[:3] == expected, backtrace_mismatch(expected, names[:4])


@pytest.mark.points(5)
@pytest.mark.parametrize("test, message", [
    ("divzero", "panic: divide error in kernel (vector 0)"),
    ("nullwrite", "(write to an unmapped page)"),
    ("textwrite", "(write to a read-only page)"),
], ids=["divide error", "null write", "text write"])
def test_kernel_exceptions_panic(boot, kernel_elf, test, message):
    """divide error, null write and text write each panic with the reason and a backtrace"""
    run = boot(f"init={test}")
    run.expect_exit("failure")
    assert message in run.output
    eip = int(re.search(r"eip=([0-9a-f]{8})", run.output).group(1), 16)
    faulted = function_names(kernel_elf, [eip], skip_first=True)[0]
    assert faulted == f"ktest_{test}", f"the dump's eip is in {faulted}, not ktest_{test}"
    # The reason and the registers are given code; the points are for the
    # backtrace (lab 1's part). It starts at the faulting eip and walks
    # from the trapped ebp, which is still run_init's where the faulting
    # function has not pushed a frame record of its own yet: run_init may
    # be missing, but the walk must reach kmain and _start and stop.
    found = frames(run)
    names = function_names(kernel_elf, [address for address, _ in found], skip_first=True)
    walked = [name for name in names[1:] if name != "run_init"]
    assert names[:1] == [f"ktest_{test}"] and walked == ["kmain", "_start"], \
        (f"the backtrace should go from ktest_{test} (run_init, if it has a frame) to "
         f"kmain and _start, and stop; it shows {chain_in_words(names)}")


def test_triple_fault_is_explained(boot):
    """the grader explains a triple fault exception by exception (no points: the grader's own)"""
    run = boot("init=triplefault")
    run.expect_exit("triple-fault")
    explanation = run.explain()
    for step in ("invalid opcode", "general protection", "double fault", "triple fault"):
        assert step in explanation, f"'{step}' missing from: {explanation}"


def test_hang_is_found_and_located(boot):
    """a kernel that stops forever is reported as a hang, saying where"""
    run = boot("init=hang")
    run.expect_exit("hang")
    assert run.hang is not None, run.explain()
    assert run.hang.kind == "halted-interrupts-off", run.explain()
    explanation = run.explain()
    assert "halted with interrupts off (cli; hlt)" in explanation
    assert re.search(r"The kernel is at eip 0x[0-9a-f]{8} ktest_hang\+0x[0-9a-f]+\b.*"
                     r"kernel/tests/lab1_tests\.c:\d+", explanation), explanation
    callers = re.findall(r"^  #\d+ 0x[0-9a-f]{8} (\w+)\+0x[0-9a-f]+ at (\S+):\d+$",
                         explanation, re.M)
    assert [name for name, _ in callers][:2] == ["run_init", "kmain"], explanation
    assert "hang: cli; hlt" in explanation


BACKTRACE_MAX_FRAMES = 32
UNMAPPED_TEST_BASE, UNMAPPED_TEST_SPAN = 0xE0000000, 0x100000   # kernel/tests/lab1_tests.c
CHAIN_ENDS = {
    "null": "a saved ebp of 0",
    "loop": "a saved ebp that loops back to the first record",
    "self": "a record whose saved ebp points at itself",
    "unmapped": "a saved ebp pointing at an unmapped address (and first, a walk from it)",
    "misaligned": "a misaligned saved ebp",
    "zero": "a zero return address (a thread's bootstrap)",
    "deep": "more records than a backtrace shows",
}


@pytest.mark.points(2)
@pytest.mark.parametrize("end", list(CHAIN_ENDS), ids=list(CHAIN_ENDS))
def test_backtrace_stops_where_the_chain_ends(boot, rng, end):
    """backtrace of a made-up frame chain stops where the chain ends, corrupt or not"""
    seed = rng.randrange(1, 2**32)
    records = 1 + seed % 8 + (BACKTRACE_MAX_FRAMES if end == "deep" else 0)
    run = boot(f"seed={seed} init=btchain {end}")
    if end == "unmapped" and f"btchain: {records} records" in run.output:
        # The walk from the chain's unmapped address comes first: a walker
        # that reads the record at ebp before backtrace_frame_ok says it
        # may faults here, however well it checks the records after it.
        bad = UNMAPPED_TEST_BASE + (seed % UNMAPPED_TEST_SPAN) * 4
        assert f"btchain: the walk from 0x{bad:08x} came back" in run.output, (
            f"a walk that starts at the unmapped address 0x{bad:08x} did not come back "
            "(see the output): check every record with backtrace_frame_ok before "
            "reading it, the very first one too")
    run.expect_exit("success")
    assert f"btchain: {records} records, ending '{end}'" in run.output, \
        "the kernel test did not start (see the output)"
    assert "btchain: done" in run.output, "the walk did not come back (see the output)"
    expected = [value | 1 for value in ktest_random.sequence(seed, records)]
    if end == "deep":
        expected = expected[:BACKTRACE_MAX_FRAMES]
        assert "... (more frames not shown)" in run.output, \
            f"a chain of {records} records printed no '... (more frames not shown)'"
    found = [address for address, _ in frames(run)]
    assert found == expected, (
        f"a chain of {records} records ending in {CHAIN_ENDS[end]}: expected the "
        f"{len(expected)} return addresses {[f'{a:#010x}' for a in expected]}, "
        f"the backtrace showed {len(found)}: {[f'{a:#010x}' for a in found]}")
