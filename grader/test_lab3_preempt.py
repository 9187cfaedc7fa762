"""Lab 3: preemption by the timer, fairness, preempt_disable sections,
sleep/wakeup, sleep_ticks, semaphores and mutexes, and Ctrl-P. The kernel
runs with a fast timer and a one-tick quantum so many switches happen.

Points go to lab 3's part, preemption (saving and restoring the
interrupted context, charging ticks to the quantum). Sleep/wakeup,
sleep_ticks, semaphores and Ctrl-P are given, and threads that block take
turns without preemption too, so their tests pass on a fresh lab 3 tree:
they are sanity checks without points."""

from collections import Counter
import re

import pytest

import ktest_random
from schedtrace import traced_boot

FAST = "hz=10000 quantum=1"
HASH = 2654435761
# spin sleeps 100 ticks per thread (up to 80 ms at 10 kHz) before it prints.
SPIN_SILENCE_BUDGET = 400_000_000


@pytest.mark.points(15)
def test_spinning_threads_share_the_cpu_fairly(boot, rng):
    """threads that only spin all make progress, max/min <= 1.1"""
    seed = rng.randrange(1, 2**32)
    threads = 3 + seed % 6
    run = traced_boot(boot, f"seed={seed} {FAST} init=spin", budget=SPIN_SILENCE_BUDGET,
                      expected=f"spin0..spin{threads - 1} preempted (P) in turn, each every tick")
    run.expect_exit("success")
    counts = [int(c) for c in re.findall(r"spin: thread \d+ counted (\d+)", run.output)]
    assert len(counts) == threads
    assert min(counts) > 0, f"a thread never ran: {counts}"
    assert max(counts) / min(counts) <= 1.1, f"unfair: {counts}"


@pytest.mark.points(15)
def test_preempt_disable_makes_sections_atomic(boot, rng):
    """a counter updated in preempt_disable sections ends exact; without them it races"""
    seed = rng.randrange(1, 2**32)
    threads, increments = 2 + seed % 3, 1000 + seed // 3 % 1000
    run = boot(f"seed={seed} {FAST} init=race")
    run.expect_exit("success")
    found = dict((kind, (int(counter), int(expected), int(deferred))) for kind, counter, expected, deferred in
                 re.findall(r"race: (\w+) counter=(\d+) expected=(\d+) deferred_switches=(\d+)", run.output))
    total = threads * increments
    counter, expected, deferred = found["protected"]
    assert expected == total and counter == total, f"protected counter {counter}, expected {total}"
    assert deferred > 0, "no switch was ever deferred to preempt_enable"
    counter, expected, _ = found["unprotected"]
    assert counter < total, "without the sections no update was lost: was anything preempted?"


def test_producers_consumers_lose_nothing(boot, rng):
    """bounded buffer with semaphores and with sleep/wakeup: nothing lost or duplicated"""
    seed = rng.randrange(1, 2**32)
    checksum = sum(((i * HASH) & 0xFFFFFFFF) ^ seed for i in range(600)) & 0xFFFFFFFF
    run = boot(f"seed={seed} {FAST} init=prodcons")
    run.expect_exit("success")
    for kind in ("semaphores", "sleep/wakeup"):
        assert (f"prodcons: {kind} consumed=600 duplicates=0 missing=0 checksum={checksum}"
                in run.output), f"{kind}: see the prodcons lines"


def test_sleep_ticks_wakes_on_time_in_order(boot, rng):
    """sleep_ticks(n) wakes after exactly n ticks, earliest first"""
    seed = rng.randrange(1, 2**32)
    asked = [1 + v % 40 for v in ktest_random.sequence(seed, 4)]
    run = traced_boot(boot, f"seed={seed} hz=1000 init=nap",
                      expected=f"nap0..nap3 sleep (S); each is woken (w) after {asked} ticks, earliest first")
    run.expect_exit("success")
    naps = re.findall(r"nap: nap(\d) asked for (\d+) ticks, woke after (\d+)", run.output)
    assert len(naps) == 4
    for name, want, got in naps:
        assert int(want) == asked[int(name)] and int(got) == int(want), naps
    order = [int(want) for _, want, _ in naps]
    assert order == sorted(order), f"woke out of order: {naps}"


def test_ctrl_p_prints_the_process_table(boot, rng):
    """Ctrl-P prints every thread with its state and where it stopped"""
    seed = rng.randrange(1, 2**32)
    run = boot(f"seed={seed} init=ctrlp", wait=False)
    run.expect_exact("press Ctrl-P, then q")
    run.send("\x10")
    run.expect_exact("pid  state     name             where")
    run.expect(r"\n3 +sleeping +\S+ +[^\n]*\n")   # the table's last line
    table = run.output[run.output.rindex("pid  state"):]
    # kmain waits for a line; every nap thread is in sleep_ticks, and the
    # last to fall asleep is the one idling until something can run.
    assert re.search(r"\n0 +sleeping +kmain +sched_switch_from\+0x[0-9a-f]+ < sleep\+0x[0-9a-f]+ "
                     r"< tty_getc\+0x[0-9a-f]+ < tty_readline\+0x[0-9a-f]+\n", table), table
    for i in range(2):
        assert re.search(rf"\n{i + 1} +sleeping +nap{seed % 1000 + i} +sched_switch_from\+0x[0-9a-f]+ "
                         rf"< sleep\+0x[0-9a-f]+ < sleep_ticks\+0x[0-9a-f]+ < ctrlp_thread\+0x[0-9a-f]+\n",
                         table), table
    assert re.search(rf"\n3 +sleeping +nap{seed % 1000 + 2} +\(idle: waiting", table), table
    run.sendline("q")
    run.expect_exit("success")


QUANTUM_THREADS, QUANTUM_ROUNDS = 3, 6


def quantum_gaps_in_words(quantum, gaps):
    """What is wrong with the ticks between switches, in words a student
    can act on ("one tick late: ..."), or "" if every gap is the quantum."""
    if all(gap == quantum for gap in gaps):
        return ""
    counts = sorted(Counter(gaps).items())
    seen = ", ".join(f"{gap} tick{'s' if gap != 1 else ''} apart {times} "
                     f"time{'s' if times > 1 else ''}" for gap, times in counts)
    said = f"quantum={quantum}, but switches came {seen}"
    # Judged by the usual gap: near the test's deadline, a thread that
    # stops spinning hands the CPU on early, and with a quantum too long
    # that end falls inside the gaps looked at.
    usual = Counter(gaps).most_common(1)[0][0]
    if usual == quantum + 1:
        return (f"{said}: one tick late. sched_charge_ticks must set sched_need_resched "
                f"on the tick sched_ticks_used reaches sched_quantum (>=), not the tick after")
    if usual == quantum - 1:
        return (f"{said}: one tick early. A thread switched in has used 0 ticks; "
                f"sched_need_resched goes up when sched_ticks_used, after adding the tick, "
                f"reaches sched_quantum")
    return said


@pytest.mark.points(10)
def test_switches_are_exactly_a_quantum_apart(boot, rng):
    """with quantum=Q, spinning threads are switched every Q ticks (not Q-1 or Q+1), at once after running alone"""
    quantum = rng.randrange(2, 6)
    run = traced_boot(boot, f"seed={rng.randrange(1, 2**32)} hz=10000 quantum={quantum} init=quantum",
                      expected=f"kmain, quantum1, quantum2 preempted (P) in turn, every {quantum} ticks")
    run.expect_exit("success")
    line = re.search(r"^quantum: quantum=(\d+), (\d+) switches \(thread@tick\):(.*)$",
                     run.output, re.M)
    assert line, "no 'quantum:' line (see the output)"
    assert int(line.group(1)) == quantum, f"the kernel ran with quantum {line.group(1)}, not {quantum}"
    switches = [tuple(map(int, s.split("@"))) for s in line.group(3).split()]
    wanted = QUANTUM_THREADS * QUANTUM_ROUNDS
    # The first entry is the test starting to spin; its quantum had run out
    # while it was alone, so the first switch comes at the next tick. From
    # there on every quantum is whole.
    assert len(switches) > 1, f"the test thread was never switched away from: {line.group(3).strip()}"
    (_, started), (_, first) = switches[:2]
    assert first - started == 1, (
        f"the test thread ran alone past its quantum, then {first - started} more ticks once two "
        f"more threads could run, not 1 (thread@tick: {line.group(3).strip()[:80]}...): "
        f"sched_ticks_used counts the ticks since the thread was switched in and only "
        f"sched_switch_to resets it; sched_charge_ticks must not reset or reduce it, so it "
        f"asks for a switch on every tick once the quantum is used up")
    quanta = switches[1:wanted + 2]
    gaps = [b[1] - a[1] for a, b in zip(quanta, quanta[1:])]
    wrong = quantum_gaps_in_words(quantum, gaps)
    assert not wrong, (f"{wrong} (thread@tick: {' '.join(f'{i}@{t}' for i, t in quanta)})")
    assert len(switches) > wanted, (
        f"only {len(switches) - 1} switches among {QUANTUM_THREADS} spinning threads in "
        f"{wanted + 1} quanta of {quantum} ticks: {line.group(3).strip()}")
    ids = [i for i, _ in quanta[:wanted]]
    assert sorted(set(ids)) == list(range(QUANTUM_THREADS)), f"not every thread ran: {ids}"


def test_one_wakeup_wakes_every_sleeper(boot, rng):
    """wakeup(chan) wakes every thread sleeping on chan, not only one"""
    seed = rng.randrange(1, 2**32)
    sleepers = 2 + seed % 4
    run = traced_boot(boot, f"seed={seed} hz=1000 init=wakeall",
                      expected=f"{sleepers} sleepers sleep (S), one wakeup wakes (w) them all")
    run.expect_exit("success")
    match = re.search(r"^wakeall: (\d+) sleepers, (\d+) woke after one wakeup$", run.output, re.M)
    assert match, "no 'wakeall:' line (see the output)"
    assert int(match.group(1)) == sleepers
    assert int(match.group(2)) == sleepers, \
        f"one wakeup woke {match.group(2)} of {sleepers} threads sleeping on its channel"
