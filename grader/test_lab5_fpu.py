"""Lab 5: every process has FPU registers of its own - x87, MMX, SSE, the
x87 control word and MXCSR - handed over lazily by the kernel
(kernel/proc/proc_fpu.c), and user programs may compute in floating point.
Each test boots user/fpu.c as pid 1 with values the grader picks:

- `fpu regs SEED ROUNDS`: two processes load registers with values drawn
  from SEED, give up the CPU (yield, sleep, a spin the timer preempts) and
  check them, round after round; each prints a checksum of what it loaded,
  which the grader recomputes from SEED;
- `fpu fork SEED`: the child sees the parent's registers as they were at
  fork, though the parent loads others before the child runs;
- `fpu exec SEED`: after exec, the FPU is clean (control word 0x37F, MXCSR
  0x1F80, every register empty and zero), however the program left it;
- `fpu calc A K ...`: workers running at once each sum 1/(k*k + A) for
  k = 1..K in double precision and print the sum, which must be right.

A floating-point exception that kills only its process is in user/faults.c
(behaviour x87div0, tests in test_lab4_faults.py and test_lab5_isolation.py)."""

import math
import re
import struct

import pytest

from userprog import FAST, FNV_OFFSET, fnv1a, kernel_trouble, kill_lines, xorshift32

# fpu prints its verdicts at the end of a round: room for slow kernels.
SILENCE_BUDGET = 1_000_000_000

MASK32 = 0xFFFFFFFF
NREGS, XMM_WORDS = 8, 4
X87_CW_DEFAULT, X87_CW_CONTROL = 0x037F, 0x0F00
MXCSR_DEFAULT, MXCSR_CONTROL = 0x1F80, 0xE000
CALC_DIGITS = 12
CALC_TOLERANCE = 1e-10      # x87 sums in 80 bits, Python in 64: they differ far below this


def check_clean_run(run, part):
    """pid 1 said 'fpu: PART: OK', nothing was killed, a clean shutdown."""
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    failed = [line for line in run.lines if line.startswith(f"fpu: {part}: FAILED")]
    assert not failed, "fpu said:\n" + "\n".join(failed)
    killed = kill_lines(run.output)
    assert not killed, "a process was killed:\n" + "\n".join(k.text for k in killed)
    assert f"fpu: {part}: OK" in run.output, f"no 'fpu: {part}: OK' line (the run ended in " \
                                               f"{run.kind})"
    run.expect_exit("success")


def regs_checksum(seed, child, rounds):
    """What `fpu regs SEED ROUNDS` child CHILD prints: FNV-1a over every
    value it draws, in user/fpu.c's regs_draw order."""
    state = (seed * 2654435761 + child + 1) & MASK32
    words = []

    def draw():
        nonlocal state
        state = xorshift32(state)
        return state

    for round_ in range(rounds):
        words += [draw() for _ in range(NREGS * (2 if round_ & 1 else 1))]
        words += [draw() for _ in range(NREGS * XMM_WORDS)]
        cw = (X87_CW_DEFAULT & ~X87_CW_CONTROL) | (draw() & X87_CW_CONTROL)
        mxcsr = MXCSR_DEFAULT | (draw() & MXCSR_CONTROL)
        words += [cw, mxcsr]
    return fnv1a(struct.pack(f"<{len(words)}I", *words), FNV_OFFSET)


@pytest.mark.points(10)
def test_fpu_registers_are_per_process(boot, rng):
    """two processes' x87, MMX and SSE registers survive each other, switch after switch"""
    seed, rounds = rng.randrange(1, 2**31), rng.randrange(40, 60)
    run = boot(f"{FAST} init=fpu regs {seed} {rounds}", budget=SILENCE_BUDGET)
    check_clean_run(run, "regs")
    for child in (0, 1):
        match = re.search(rf"^fpu: regs: child {child}: (\d+) rounds, checksum 0x([0-9a-f]{{8}})$",
                          run.output, re.M)
        assert match, f"no checksum line from child {child}"
        assert int(match.group(1)) == rounds
        want = regs_checksum(seed, child, rounds)
        assert int(match.group(2), 16) == want, \
            f"child {child}'s checksum is 0x{match.group(2)}, expected {want:#010x} for seed {seed}"


@pytest.mark.points(5)
def test_fork_copies_the_fpu_state(boot, rng):
    """a fork child starts with its parent's FPU registers, as they were at fork"""
    run = boot(f"{FAST} init=fpu fork {rng.randrange(1, 2**31)}", budget=SILENCE_BUDGET)
    check_clean_run(run, "fork")


def test_exec_starts_with_a_clean_fpu(boot, rng):
    """after exec: control word 0x37F, MXCSR 0x1F80, every x87, MMX and SSE register empty and zero"""
    # A sanity check without points: exec and the FPU state are given code
    # (uproc/exec.c, proc/proc_fpu.c), so a fresh lab 5 tree passes it.
    run = boot(f"{FAST} init=fpu exec {rng.randrange(1, 2**31)}", budget=SILENCE_BUDGET)
    check_clean_run(run, "clean")


@pytest.mark.points(5)
def test_floating_point_arithmetic(boot, rng):
    """workers computing in double precision at the same time each print the right sum"""
    pairs = [(rng.randrange(1, 1000), rng.randrange(150_000, 300_000)) for _ in range(3)]
    words = " ".join(f"{a} {k}" for a, k in pairs)
    run = boot(f"{FAST} init=fpu calc {words}", budget=SILENCE_BUDGET)
    check_clean_run(run, "calc")
    for a, k in pairs:
        match = re.search(rf"^fpu: calc: A={a} K={k} sum=(\d+\.\d{{{CALC_DIGITS}}})$",
                          run.output, re.M)
        assert match, f"no 'fpu: calc: A={a} K={k} sum=...' line"
        want = math.fsum(1 / (i * i + a) for i in range(1, k + 1))
        got = float(match.group(1))
        assert abs(got - want) < CALC_TOLERANCE, \
            f"the sum of 1/(k*k+{a}) for k=1..{k} came out {got!r}, expected {want:.12f}"
