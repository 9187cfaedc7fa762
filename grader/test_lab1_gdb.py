"""Lab 1 with GDB: attaching to the kernel, breakpoints, and `bt`.

GDB is started the way a student starts it (`gdb -n -x .gdbinit` in the
kernel tree) against QEMU halted at its first instruction; see
grader/gdb_session.py. The call chain that `bt` must show follows from a
seed the test picks."""

import re

import pytest

from gdb_session import backtrace_frames, stop_location

BT_MIN_DEPTH = 2          # kernel/tests/lab1_tests.c: depth = 2 + seed % 6
BT_DEPTH_RANGE = 6
MULTIBOOT_MAGIC = 0x2BADB002
DEPTH_ARGUMENT = re.compile(r"^#(\d+) .*\bbt_p[io]ng \(depth=(?:depth@entry=)?(\d+)\b",
                            re.MULTILINE)


def recursion_chain(depth):
    """bt_ping(depth) calls bt_pong(depth - 1), ... down to 0: the frames
    of that chain, innermost first."""
    outermost_first = ["bt_ping" if level % 2 == 0 else "bt_pong"
                       for level in range(depth + 1)]
    return outermost_first[::-1]


@pytest.mark.points(3)
def test_gdb_attaches_and_stops_in_kmain(gdb_boot):
    """GDB loads the kernel's symbols, connects, and stops at break kmain"""
    run, gdb = gdb_boot("init=boot")
    assert "warning" not in gdb.startup.lower(), \
        f"GDB warned while starting with .gdbinit:\n{gdb.startup}"
    set_at = gdb.command("break kmain")
    match = re.search(r"Breakpoint 1 at 0x([0-9a-f]+): file (\S+), line \d+", set_at)
    assert match and match.group(2) == "kernel/boot/main.c", \
        f"`break kmain` did not find kmain in the kernel's symbols:\n{set_at}"
    stopped = gdb.command("continue")
    assert stop_location(stopped) == "kmain", f"`continue` did not stop in kmain:\n{stopped}"
    assert gdb.integer("$eip") == int(match.group(1), 16)
    assert gdb.integer("magic") == MULTIBOOT_MAGIC, \
        "kmain's first argument should be the multiboot magic"


@pytest.mark.points(5)
def test_gdb_backtrace_through_recursion(gdb_boot, rng):
    """bt at bt_leaf shows the seed's bt_ping/bt_pong chain down to kmain"""
    seed = rng.randrange(1, 2**32)
    depth = BT_MIN_DEPTH + seed % BT_DEPTH_RANGE
    run, gdb = gdb_boot(f"seed={seed} init=backtrace")
    gdb.command("break bt_leaf")
    stopped = gdb.command("continue")
    assert stop_location(stopped) == "bt_leaf", f"`continue` did not stop in bt_leaf:\n{stopped}"
    run.expect_exact(f"backtrace test: depth {depth}\n")

    backtrace = gdb.command("bt")
    names = [frame.function for frame in backtrace_frames(backtrace)]
    expected = ["bt_leaf"] + recursion_chain(depth) + ["ktest_backtrace"]
    assert names[:len(expected)] == expected, (
        f"seed {seed} gives depth {depth}: bt should start with\n  {expected}\n"
        f"but shows\n  {names}\n{backtrace}")
    assert "kmain" in names[len(expected):], f"bt does not reach kmain:\n{backtrace}"
    # Where GDB can show the argument, it counts up from 0 at bt_leaf's caller.
    for level, shown in DEPTH_ARGUMENT.findall(backtrace):
        assert int(shown) == int(level) - 1, \
            f"frame #{level} should have depth={int(level) - 1}:\n{backtrace}"
