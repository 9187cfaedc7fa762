"""Lab 5: long system calls stay preemptible.

System calls run with interrupts on (kernel/syscall/syscall.c), so a fork
or an sbrk of tens of MiB loses no timer tick, shares the CPU by the
quantum, answers Ctrl-P, and can be killed. user/longcall.c makes the long
calls; the heap size is chosen here at run time.

Under -icount shift=0 an instruction is a nanosecond, so the PIT's tick
period in instructions is its divisor (kernel/proc/timer.c) over its input
clock; a call that took N instructions must see N / period ticks, within
one (two readings of a tick counter differ by the floor or the ceiling).
"""

import re

import pytest

from schedtrace import traced_boot
from userprog import kernel_trouble

PIT_INPUT_HZ = 1193182
HZ = 2000                       # a 0.5 M-instruction tick
LONG_CALL_MIN_TICKS = 4         # calls shorter than this would prove nothing
# longcall prints nothing while its spinner spins (up to four times the
# calls alone: about 150 M instructions at 32 MiB) or a call runs
SILENCE_BUDGET = 1_000_000_000
WAIT_KILLED, KILL_CAUSE_KILL = 0x80, 0x40
CTRL_P = "\x10"


def tick_period(hz):
    """Instructions per timer tick: the PIT's period in nanoseconds."""
    divisor = (PIT_INPUT_HZ + hz // 2) // hz
    return divisor * 1_000_000_000 / PIT_INPUT_HZ


def longcall(boot, mode, mib, expected=None):
    run = traced_boot(boot, f"hz={HZ} init=longcall {mode} {mib}", budget=SILENCE_BUDGET,
                      expected=expected)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    run.expect_exit("success")
    return run


@pytest.mark.points(4)
def test_no_tick_is_lost_in_a_long_system_call(boot, rng):
    """sbrk, fork, exit and wait of tens of MiB count every timer tick"""
    mib = rng.randrange(16, 33)
    run = longcall(boot, "ticks", mib)
    calls = re.findall(r"^longcall: (\S+) instructions=(\d+) ticks=(-?\d+)$", run.output, re.M)
    assert [c[0] for c in calls] == ["sbrk-grow", "fork", "exit+wait", "sbrk-shrink"], \
        f"expected four 'longcall: CALL instructions=N ticks=T' lines, got {calls}"
    period = tick_period(HZ)
    for name, instructions, ticks in calls:
        expected = int(instructions) / period
        assert abs(int(ticks) - expected) <= 1, (
            f"{name} of a {mib} MiB process took {int(instructions):,} instructions, "
            f"{expected:.1f} tick periods, but uptime() advanced by {ticks}: "
            "ticks were lost while the system call ran")
    longest = max(int(c[1]) for c in calls)
    assert longest >= LONG_CALL_MIN_TICKS * period, \
        f"the longest call took only {longest:,} instructions: too short to show anything"


@pytest.mark.points(4)
def test_a_long_system_call_shares_the_cpu_by_the_quantum(boot, rng):
    """a spinner is never kept off the CPU much longer than a quantum by another's long calls"""
    mib = rng.randrange(16, 33)
    run = longcall(boot, "share", mib, expected="the spinner and the process in its long "
                   "calls preempted (P) in turn, every tick")
    alone = re.search(r"^longcall: calls alone=(\d+)$", run.output, re.M)
    spinner = re.search(r"^longcall: spinner gaps=(\d+) longest=(\d+)$", run.output, re.M)
    assert alone and spinner, "no 'calls alone=' or 'spinner gaps=' line"
    period = tick_period(HZ)
    assert int(alone.group(1)) >= LONG_CALL_MIN_TICKS * period, "the calls were too short"
    gaps, longest = int(spinner.group(1)), int(spinner.group(2))
    assert gaps >= LONG_CALL_MIN_TICKS, \
        f"the spinner was switched away only {gaps} times while the other process made its calls"
    # quantum=1: one tick for the other process, plus the switches
    assert longest <= 1.5 * period, (
        f"the spinner waited {longest:,} instructions ({longest / period:.1f} ticks) for the "
        f"CPU while the other process made {mib} MiB system calls; the quantum is one tick")


@pytest.mark.points(4)
def test_kill_in_the_middle_of_a_long_system_call(boot, rng):
    """a process killed while inside a long sbrk dies, and every frame comes back"""
    mib = rng.randrange(8, 25)
    run = longcall(boot, "kill", mib)
    match = re.search(r"^longcall: killed status=0x([0-9a-f]+) leaked=(-?\d+)$", run.output, re.M)
    assert match, "no 'longcall: killed status=... leaked=...' line"
    assert int(match.group(1), 16) == WAIT_KILLED | KILL_CAUSE_KILL, \
        f"wait() gave status 0x{match.group(1)}, expected WAIT_KILLED | KILL_CAUSE_KILL"
    assert int(match.group(2)) == 0, f"{match.group(2)} frames were not freed"


@pytest.mark.points(3)
def test_ctrl_p_answers_during_a_long_system_call(boot, rng):
    """Ctrl-P shows a process that is inside a long system call, in the kernel"""
    run = boot(f"hz={HZ} init=longcall loop {rng.randrange(16, 33)}", wait=False)
    run.expect_exact("longcall: looping\n")
    run.send(CTRL_P)
    line = run.expect(r"\n\d+ +\w+ +longcall +\(running\) ([^\n]*)\n").group(1)
    assert not line.startswith("user"), (
        f"Ctrl-P found longcall in user mode ({line}): the serial interrupt waited for the "
        "system call to end")
    assert "sbrk" in line or "vm_" in line or "frame_" in line or "paging_" in line \
        or "mem" in line, f"Ctrl-P shows longcall at {line}, not on sbrk's path"
