"""Lab 3 with GDB: `nextswitch` (tools/gdb/beta86.py) under preemption.

nextswitch runs to the next context switch, prints
"pid A (nameA) -> pid B (nameB) at tick T" and stops at the first
instruction the new thread executes. Each switch is checked against what
the test reads itself with plain GDB expressions: who ran before, who runs
after, timer_ticks, and the new thread's saved eip (kctx.eip, or tf.eip if
the timer preempted it) read before the switch."""

import re

import pytest

import ktest_random
from gdb_session import backtrace_frames, proc_table_entries

SPIN_MIN_THREADS = 3          # kernel/tests/lab3_tests.c
SPIN_THREAD_RANGE = 6
SWITCH_LINE = re.compile(r"^pid (\d+) \((\S*)\) -> pid (\d+) \((\S*)\) at tick (\d+)$",
                         re.MULTILINE)
EIP_REGISTER = re.compile(r"^eip\s+0x([0-9a-f]+)\b", re.MULTILINE)
NEXTSWITCH_TIMEOUT = 300      # s; a last guard (a switch comes within a tick)
PREEMPT_WITHIN_TICKS = 50     # with quantum=1, spin1 runs by tick 2 or 3
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


def test_nextswitch_keeps_the_students_breakpoints(gdb_boot, rng):
    """nextswitch is not stopped by, and does not remove, your breakpoints"""
    # A sanity check without points: the GDB helper is given, and
    # cooperative switches (lab 2) are all it needs.
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


# ---- nextswitch when nothing is runnable -------------------------------------------

NAP_THREADS = 4               # kernel/tests/lab3_tests.c
NAP_MAX_TICKS = 40
NAP_SHORTEST = 2 * NAP_THREADS + 1   # every nap starts, and sleeps, before one wakes
IDLE_LINE = re.compile(r"^beta86: idle at tick (\d+): nothing is runnable", re.MULTILINE)
SLEEPERS_LINE = re.compile(r"^\s+sleeping: (.*?); the timer wakes pid (\d+) \(\S*\) at tick "
                           r"(\d+)\.$", re.MULTILINE)


def test_nextswitch_says_when_the_system_is_idle(gdb_boot, rng):
    """nextswitch says when nothing is runnable, who sleeps, and waits for the wakeup"""
    # A seed whose naps (1 + random % NAP_MAX_TICKS ticks each, as the
    # kernel draws them) are all long enough for everyone to be asleep at once.
    while True:
        seed = rng.randrange(1, 2**32)
        naps = [1 + value % NAP_MAX_TICKS for value in ktest_random.sequence(seed, NAP_THREADS)]
        if min(naps) >= NAP_SHORTEST:
            break
    run, gdb = gdb_boot(f"seed={seed} quantum=1000 init=nap")
    for _ in range(NAP_THREADS + 3):     # kmain starts the naps; all sleep; idle
        output = gdb.command("nextswitch", timeout=NEXTSWITCH_TIMEOUT)
        idle = IDLE_LINE.search(output)
        if idle:
            break
    else:
        pytest.fail(f"every nap thread and kmain sleep, yet nextswitch never said the "
                    f"system is idle:\n{gdb.tail()}")
    switch = SWITCH_LINE.search(output)
    assert switch and switch.start() > idle.start(), \
        f"after saying so, nextswitch should wait on for the next switch:\n{output}"
    sleepers = SLEEPERS_LINE.search(output)
    assert sleepers, f"the idle note should say who sleeps and whom the timer wakes:\n{output}"

    # Every thread asleep then is asleep or runnable now, but the one the
    # timer woke, which may have run on and exited since: it is either the
    # thread switched to, at its wake tick, or the idling thread itself,
    # which then ran on (no switch) until it gave up the CPU.
    entries = proc_table_entries(gdb)
    awake_or_asleep = {pid for pid, index in entries.items()
                       if gdb.integer(f"proc_table[{index}].state")
                       in (gdb.integer("PROC_SLEEPING"), gdb.integer("PROC_RUNNABLE"))}
    named = {int(pid) for pid in re.findall(r"pid (\d+)", sleepers.group(1))}
    woken, wake_tick = int(sleepers.group(2)), int(sleepers.group(3))
    assert awake_or_asleep <= named and named - awake_or_asleep <= {woken}, \
        f"sleeping then: pids {sorted(awake_or_asleep)} (and maybe {woken}); the note " \
        f"says {sorted(named)}:\n{output}"
    old, new, tick = int(switch.group(1)), int(switch.group(3)), int(switch.group(5))
    assert (new == woken and tick == wake_tick) or (old == woken and tick >= wake_tick), \
        f"the timer should wake pid {woken} at tick {wake_tick}, and the next switch go " \
        f"to it then, or come from it later:\n{output}"
    if woken in entries:
        assert gdb.integer(f"proc_table[{entries[woken]}].wake_tick") == wake_tick
    assert int(idle.group(1)) <= wake_tick


# ---- bt through a timer interrupt; a trap frame printed ------------------------------

def stopped_in_the_timer_interrupt_of_a_spin_thread(gdb_boot, rng):
    """Boot spin and stop in timer_intr, called from trap_common, with the
    timer interrupting a spin thread in the kernel: the second one, so the
    first has been preempted (quantum=1). Returns gdb."""
    seed = rng.randrange(1, 2**32)
    run, gdb = gdb_boot(f"seed={seed} hz=1000 quantum=1 init=spin")
    gdb.command("break spin_thread")
    gdb.command("continue")
    gdb.command("delete")
    # The condition also gives up after PREEMPT_WITHIN_TICKS ticks: in a
    # tree whose preemption does not work yet, spin0 keeps the CPU forever,
    # and GDB, stopping at every tick to test the condition, advances
    # virtual time too slowly for the hang detector; the test then fails
    # at once saying why, instead of after the 300 s guard.
    gdb.command(f"break timer_intr if (current_proc->pid >= 2 && (tf->cs & 3) == 0)"
                f" || timer_ticks >= {PREEMPT_WITHIN_TICKS}")
    stopped = gdb.command("continue", timeout=NEXTSWITCH_TIMEOUT)
    assert "timer_intr" in stopped, f"should stop in timer_intr:\n{stopped}"
    pid = gdb.integer("current_proc->pid")
    assert pid >= 2, (
        f"after {gdb.integer('timer_ticks')} ticks with quantum=1 the timer still interrupts "
        f"pid {pid} ({current_name(gdb)}), never spin1: nothing was preempted; this test needs "
        f"lab 3's preemption (sched_charge_ticks, sched_save_trapframe, sched_restore_trapframe)")
    gdb.command("delete")
    return gdb


def test_gdb_bt_goes_through_a_timer_interrupt_into_the_kernel_thread(gdb_boot, rng):
    """bt in a timer handler goes through the trap into the interrupted thread, and ends there"""
    gdb = stopped_in_the_timer_interrupt_of_a_spin_thread(gdb_boot, rng)
    eip, trapped_esp = gdb.integer("tf->eip"), gdb.integer("&tf->esp")
    backtrace = gdb.command("bt")
    frames = backtrace_frames(backtrace)
    names = [frame.function for frame in frames]
    assert names[:3] == ["timer_intr", "trap_dispatch", "trap_common"], \
        f"bt should go timer_intr < trap_dispatch < trap_common:\n{backtrace}"
    interrupted = frames[3]
    gdb.command(f"frame {interrupted.level}")
    assert gdb.integer("$pc") == eip, \
        f"the frame after trap_common is the interrupted code, at tf->eip {eip:#x}:\n{backtrace}"
    assert gdb.integer("$sp") == trapped_esp, \
        f"its esp is the one it had, just above the ring-0 frame: {trapped_esp:#x}"
    gdb.command("frame 0")
    assert "spin_thread" in names[3:], f"bt should reach spin_thread:\n{backtrace}"
    assert names[-1] == "kthread_bootstrap", \
        f"bt should end at the thread's first function, with no junk frame after it:\n{backtrace}"


PRINTED_FIELD = re.compile(r"\b(\w+) = (0x[0-9a-f]+|\d+)(?: <(\w+)(?:\+(\d+))?>)?")


def test_gdb_prints_trapframes_in_hex(gdb_boot, rng):
    """print shows a struct trapframe's trap, ring and registers, in hex"""
    gdb = stopped_in_the_timer_interrupt_of_a_spin_thread(gdb_boot, rng)
    shown = gdb.command("print *tf")
    trapped_esp = gdb.integer("&tf->esp")
    assert f"= trap 32 (IRQ 0) from ring 0, trapped esp {trapped_esp:#x} = {{" in shown, \
        f"print *tf should say: trap 32 (IRQ 0) from ring 0, trapped esp {trapped_esp:#x}:\n{shown}"
    fields = {name: value for name, value, _, _ in PRINTED_FIELD.findall(shown)}
    for register in ("eip", "ebp", "eax", "cs", "eflags"):
        value = gdb.integer(f"tf->{register}")
        assert fields.get(register) == f"{value:#x}", \
            f"tf->{register} should print as {value:#x}:\n{shown}"
    assert "esp" not in fields and "ss" not in fields, \
        f"a ring-0 frame on the stack has no esp, ss (the CPU pushed none):\n{shown}"

    # A thread the timer preempted has its frame in the process table,
    # esp and ss filled in.
    trapframe = gdb.integer("SAVED_TRAPFRAME")
    entries = proc_table_entries(gdb)
    saved = [index for pid, index in sorted(entries.items())
             if gdb.integer(f"proc_table[{index}].saved") == trapframe]
    assert saved, "with quantum=1 some spin thread has been preempted already"
    shown = gdb.command(f"print proc_table[{saved[0]}].tf")
    fields = {name: value for name, value, _, _ in PRINTED_FIELD.findall(shown)}
    for register in ("eip", "esp", "ss", "cs"):
        value = gdb.integer(f"proc_table[{saved[0]}].tf.{register}")
        assert fields.get(register) == f"{value:#x}", \
            f"tf.{register} should print as {value:#x}:\n{shown}"
