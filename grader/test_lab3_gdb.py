"""Lab 3 with GDB: `nextswitch` (tools/gdb/beta86.py) under preemption.

nextswitch runs to the next context switch, prints
"pid A (nameA) -> pid B (nameB) at tick T" and stops at the first
instruction the new thread executes. Each switch is checked against what
the test reads itself with plain GDB expressions: who ran before, who runs
after, timer_ticks, and the new thread's saved eip (kctx.eip, or tf.eip if
the timer preempted it) read before the switch."""

import re

import pytest

from gdb_session import proc_table_entries

SPIN_MIN_THREADS = 3          # kernel/tests/lab3_tests.c
SPIN_THREAD_RANGE = 6
SWITCH_LINE = re.compile(r"^pid (\d+) \((\S*)\) -> pid (\d+) \((\S*)\) at tick (\d+)$",
                         re.MULTILINE)
EIP_REGISTER = re.compile(r"^eip\s+0x([0-9a-f]+)\b", re.MULTILINE)
NEXTSWITCH_TIMEOUT = 300      # s; a last guard (a switch comes within a tick)
BREAKPOINT_ROW = re.compile(r"^(\d+)\s+breakpoint\s+keep\s+([yn])\b", re.MULTILINE)


def resume_points(gdb, entries):
    """{pid: (eip the thread will resume at, "kctx" or "trapframe")}, by the
    rule sched_switch_to follows, read field by field."""
    trapframe = gdb.integer("SAVED_TRAPFRAME")
    points = {}
    for pid, index in entries.items():
        if gdb.integer(f"proc_table[{index}].saved") == trapframe:
            points[pid] = (gdb.integer(f"proc_table[{index}].tf.eip"), "trapframe")
        else:
            points[pid] = (gdb.integer(f"proc_table[{index}].kctx.eip"), "kctx")
    return points


def current_name(gdb):
    output = gdb.command('printf "%s\\n", current_proc->name')
    return output.strip()


def checked_nextswitch(gdb, entries):
    """Run nextswitch and check it against the kernel; return (A, B, kind)."""
    before = gdb.integer("current_proc->pid")
    resume = resume_points(gdb, entries)
    output = gdb.command("nextswitch", timeout=NEXTSWITCH_TIMEOUT)
    match = SWITCH_LINE.search(output)
    assert match, f"nextswitch printed no 'pid A (a) -> pid B (b) at tick T' line:\n{output}"
    old, new, tick = int(match.group(1)), int(match.group(3)), int(match.group(5))
    assert old == before, f"pid {before} was running, nextswitch says pid {old}:\n{output}"
    assert gdb.integer("current_proc->pid") == new, \
        f"current_proc is not pid {new} after:\n{output}"
    assert match.group(4) == current_name(gdb), f"pid {new}'s name is wrong:\n{output}"
    assert gdb.integer("timer_ticks") == tick, f"timer_ticks is not {tick}:\n{output}"
    eip, kind = resume[new]
    assert gdb.integer("$pc") == eip, \
        f"should stop at pid {new}'s saved {kind} eip {eip:#x}:\n{output}"
    registers = gdb.command("info registers eip")
    shown = EIP_REGISTER.search(registers)
    assert shown and int(shown.group(1), 16) == eip, \
        f"info registers eip should say {eip:#x}:\n{registers}"
    return old, new, kind


@pytest.mark.points(8)
def test_nextswitch_follows_preemptive_round_robin(gdb_boot, rng):
    """nextswitch names each switch and stops where the new thread resumes"""
    seed = rng.randrange(1, 2**32)
    nthreads = SPIN_MIN_THREADS + seed % SPIN_THREAD_RANGE
    run, gdb = gdb_boot(f"seed={seed} hz=1000 quantum=1 init=spin")
    gdb.command("break spin_thread")
    gdb.command("continue")
    gdb.command("delete")
    entries = proc_table_entries(gdb)
    ring = [pid for pid in sorted(entries) if pid != 0]   # spin0, spin1, ...
    assert len(ring) == nthreads, f"expected {nthreads} spin threads: pids {ring}"

    kinds = set()
    for _ in range(nthreads + 1):   # each new thread once, then spin0 again
        old, new, kind = checked_nextswitch(gdb, entries)
        assert new == ring[(ring.index(old) + 1) % nthreads], \
            f"round robin over pids {ring}: after pid {old} comes " \
            f"{ring[(ring.index(old) + 1) % nthreads]}, not pid {new}"
        kinds.add(kind)
    assert kinds == {"kctx", "trapframe"}, \
        f"expected switches into new threads (kctx) and preempted ones (trapframe), saw {kinds}"


@pytest.mark.points(3)
def test_nextswitch_keeps_the_students_breakpoints(gdb_boot, rng):
    """nextswitch is not stopped by, and does not remove, your breakpoints"""
    seed = rng.randrange(1, 2**32)
    run, gdb = gdb_boot(f"seed={seed} quantum=1000 init=pingpong")
    gdb.command("break pingpong_thread")
    gdb.command("continue")                     # ping0 starts
    gdb.command("break printf")                 # ping0 prints before it yields
    gdb.command("break sched_switch_to")        # where nextswitch itself stops
    entries = proc_table_entries(gdb)
    old, new, kind = checked_nextswitch(gdb, entries)
    assert (old, new, kind) == (1, 2, "kctx"), \
        "expected ping0 (pid 1) to yield to ping1 (pid 2), which has never run"
    table = gdb.command("info breakpoints")
    rows = BREAKPOINT_ROW.findall(table)
    assert rows == [("1", "y"), ("2", "y"), ("3", "y")], \
        f"the three breakpoints should be there, enabled, and nothing else:\n{table}"
    stopped = gdb.command("continue")
    assert "Breakpoint 1, pingpong_thread" in stopped, \
        f"ping1 should now stop at the student's breakpoint:\n{stopped}"
