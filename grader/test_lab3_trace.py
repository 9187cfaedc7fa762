"""The scheduling trace (kernel/proc/trace.h) of a known workload, and the
GDB commands that read it.

init=schedtrace (kernel/tests/trace_tests.c) runs two threads that spin
until a tick and one that naps a few times, with the quantum the test
picks; its threads log every takeover themselves (who finds itself running
again, at which tick), independently of the trace. Booted with trace=2,
the kernel prints its trace at shutdown; grader/schedtrace.py reads it.
The trace is given code, so these are sanity checks without points: they
pass on every lab's tree whose labs 2 and 3 are done.
"""

import re

import pytest

import schedtrace

# kernel/tests/trace_tests.c: how the seed picks the workload
MIN_NAPS, NAP_RANGE = 2, 3
MIN_NAP_TICKS, NAP_TICK_RANGE = 2, 3
HEADER = re.compile(r"^schedtrace: spinA=(\d+) spinB=(\d+) sleeper=(\d+) quantum=(\d+) "
                    r"naps=(\d+) of (\d+) ticks, spin until tick (\d+)$", re.M)
TAKEOVERS = re.compile(r"^schedtrace: (\d+) takeovers \(pid@tick\):(.*)$", re.M)


def workload(seed):
    """(naps, ticks per nap) that the kernel test derives from seed."""
    return MIN_NAPS + seed % NAP_RANGE, MIN_NAP_TICKS + seed // NAP_RANGE % NAP_TICK_RANGE


def collapsed(pids):
    """pids without consecutive repeats."""
    return [pid for index, pid in enumerate(pids) if index == 0 or pids[index - 1] != pid]


def traced_run(boot, seed, quantum):
    run = boot(f"trace=2 seed={seed} hz=10000 quantum={quantum} init=schedtrace")
    run.expect_exit("success")
    header = HEADER.search(run.output)
    assert header, "no 'schedtrace: spinA=... ' line"
    return run, schedtrace.parse(run.output), [int(g) for g in header.groups()]


def test_trace_of_two_spinners_and_a_sleeper(boot, rng):
    """the trace holds every switch in order, with its cause, the quantum and the naps, the same in two runs"""
    seed = rng.randrange(1, 2**32)
    quantum = rng.randrange(2, 4)
    run, trace, (spin_a, spin_b, sleeper, shown_quantum, naps, nap_ticks, _) = \
        traced_run(boot, seed, quantum)
    assert (shown_quantum, naps, nap_ticks) == (quantum, *workload(seed)), \
        "the kernel test ran another workload than the seed and quantum say"
    assert trace.dropped == 0, f"the ring overflowed: {trace.dropped} records lost"
    for pid, name in ((spin_a, "spinA"), (spin_b, "spinB"), (sleeper, "sleeper")):
        assert trace.names.get(pid) == name, f"the trace names pid {pid} {trace.names.get(pid)!r}"
    picture = schedtrace.lanes_text(trace)
    mine = (spin_a, spin_b, sleeper)

    # every switch, in order: the threads' own log of takeovers
    logged = TAKEOVERS.search(run.output)
    assert logged, "no 'schedtrace: N takeovers' line"
    log = [tuple(map(int, item.split("@"))) for item in logged.group(2).split()]
    traced = collapsed([bar.pid for bar in trace.bars if bar.pid in mine])
    assert traced == [pid for pid, _ in log], (
        f"the threads saw themselves take over in the order {[p for p, _ in log]}, the trace "
        f"says {traced}\n{picture}")

    # each switch's cause follows from what the thread leaving does
    exits = [record.frm for record in trace.switches() if record.kind == "exit"]
    assert sorted(pid for pid in exits if pid in mine) == sorted(mine), \
        f"each of the three threads exits once: exit records of {exits}\n{picture}"
    switched_in = {}
    sleeps = []
    for record in trace.switches():
        if record.frm in (spin_a, spin_b):
            assert record.kind in ("preempt", "exit"), \
                f"a spinner only spins, but pid {record.frm} left by {record.kind}\n{picture}"
            if record.kind == "preempt":
                ran = record.tick - switched_in[record.frm]
                assert ran == quantum, (f"pid {record.frm} was preempted after {ran} ticks, "
                                        f"the quantum is {quantum}\n{picture}")
        if record.frm == sleeper:
            assert record.kind in ("sleep", "exit"), \
                f"the sleeper only naps, but left by {record.kind}\n{picture}"
            if record.kind == "sleep":
                sleeps.append(record)
        switched_in[record.to] = record.tick
    assert len(sleeps) == naps, f"the sleeper naps {naps} times; the trace shows {len(sleeps)}"
    assert len({record.arg for record in sleeps}) == 1, "every nap sleeps on the same channel"
    wakes = [wake for wake in trace.wakes if wake.woken == sleeper]
    assert [wake.tick - nap.tick for nap, wake in zip(sleeps, wakes)] == [nap_ticks] * naps, \
        f"each nap of {nap_ticks} ticks ends with a wakeup {nap_ticks} ticks after it began"

    # the same command line gives the same trace, record by record
    _, again, _ = traced_run(boot, seed, quantum)
    assert again.records == trace.records, "a second run with the same command line traced another schedule"


@pytest.fixture
def gdb_boot(boot, kernel_dir):
    import gdb_session
    yield from gdb_session.boot_with_gdb(boot, kernel_dir)


TRACE_LINE = re.compile(r"^trace: (\d+) (\d+) (\d+) ([a-z-]+) (-?\d+) (-?\d+) ([0-9a-f]+) ([0-9a-f]+)$",
                        re.M)


def test_gdb_trace_and_schedule_commands(gdb_boot, rng):
    """GDB's `trace` prints the ring's newest records and `schedule` draws the recent runs"""
    seed = rng.randrange(1, 2**32)
    quantum = rng.randrange(2, 4)
    run, gdb = gdb_boot(f"trace=1 seed={seed} hz=10000 quantum={quantum} init=schedtrace")
    gdb.command("break kthread_exit")      # the first of the three to end
    gdb.command("continue", timeout=120)
    count = gdb.integer("trace_count")
    assert count > 5, f"only {count} records by the first thread's end"
    output = gdb.command("trace 4")
    lines = TRACE_LINE.findall(output)
    assert len(lines) == min(4, count), f"`trace 4` should print 4 records:\n{output}"
    ring = gdb.integer("sizeof(trace_ring) / sizeof(trace_ring[0])")
    seqs = [int(fields[0]) for fields in lines]
    assert seqs == sorted(seqs) and count - 2 * len(lines) <= seqs[0] and seqs[-1] < count, \
        f"`trace 4` should print the newest records, oldest first (of {count}):\n{output}"
    for seq, fields in zip(seqs, lines):
        slot = f"trace_ring[{seq % ring}]"
        assert int(fields[1]) == gdb.integer(f"{slot}.tsc"), f"record {seq}'s tsc:\n{output}"
        assert int(fields[2]) == gdb.integer(f"{slot}.tick"), f"record {seq}'s tick:\n{output}"
    running = gdb.command('printf "%s (%d)\\n", current_proc->name, current_proc->pid').strip()
    picture = gdb.command("schedule")
    lane = re.search(rf"^\s*{re.escape(running)} \|([^|]*)\|$", picture, re.M)
    assert lane, f"`schedule` has no lane for {running}, which runs now:\n{picture}"
    assert lane.group(1).endswith(">"), f"{running}'s lane should end in '>' (running):\n{picture}"
    for name in ("spinA", "spinB", "sleeper"):
        assert re.search(rf"^\s*{name} \(\d+\) \|", picture, re.M), f"no {name} lane:\n{picture}"
    assert "schedule: N must be positive" in gdb.command("schedule 0")


DUMP_LINE = re.compile(r"^trace: \d+ \d+ \d+ \S+ .*$", re.M)


DUMP_SHORT = 200       # tracedump=: a whole ring on the console backs it up
# A schedtrace run (fixed seed: runs repeat exactly) in which a thread goes
# idle and another one is woken: the switch after that idle wait is
# recorded, and must be left out by both readers alike.
IDLE_HANDOFF = "seed=5 hz=10000 quantum=2 init=schedtrace"


def folded_after_idle(lines):
    """Whether some record's number is skipped right after an idle-end."""
    fields = [line.split() for line in lines]
    return any(a[4] == "idle-end" and int(b[1]) == int(a[1]) + 2 for a, b in zip(fields, fields[1:]))


# The workloads of lab 3's kernel threads; grader/test_lab6_trace.py adds
# a pipe's ping-pong (which wraps the ring many times) and nested domain
# calls, which need user programs (labs 4-6).
def lab3_workloads(rng):
    seed = rng.randrange(1, 2**32)
    return {"schedtrace": f"seed={seed} hz=10000 quantum={rng.randrange(2, 4)} init=schedtrace",
            "idle": IDLE_HANDOFF,
            "race": f"seed={seed} hz=10000 quantum=1 init=race"}


@pytest.mark.parametrize("workload", ["schedtrace", "idle", "race"])
def test_gdb_trace_decodes_the_ring_as_the_dump_does(gdb_boot, rng, workload):
    """GDB's `trace` and the kernel's dump decode the same raw ring into the same lines"""
    gdb_trace_matches_dump(gdb_boot, workload, lab3_workloads(rng)[workload])


def gdb_trace_matches_dump(gdb_boot, workload, command):
    """Boot `command` with the trace on; at the kernel's dump, GDB's `trace`
    must print exactly the lines the dump then prints."""
    # The hooks store raw facts (kernel/proc/trace.h); the kernel's dump
    # (trace.c) and GDB (schedtrace.decode) each work out the causes. At
    # the dump, GDB reads the very ring the kernel is about to print: a
    # sleeper's idle waits (and a switch after one, which neither shows),
    # preemptions deferred to preempt_enable (lab 3's race), and, in later
    # labs, a pipe's ping-pong and nested domain calls.
    run, gdb = gdb_boot(f"trace=2 tracedump={DUMP_SHORT} {command}")
    gdb.command("break trace_dump")
    gdb.command("continue", timeout=120)
    count = gdb.integer("trace_count")
    ring = gdb.integer("sizeof(trace_ring) / sizeof(trace_ring[0])")
    seen = {int(line.split()[1]): line for line in DUMP_LINE.findall(gdb.command(f"trace {ring}"))}
    gdb.command("delete")
    gdb.command("continue", timeout=120)
    run.expect_exit("success")
    dumped = schedtrace.dump_lines(run.output)[1:]
    assert len(dumped) > 5 and (workload != "pipe" or count > ring), \
        f"{workload}: only {len(dumped)} records of {count}: not the workload meant"
    assert workload != "race" or re.search(r"deferred_switches=[1-9]", run.output), \
        "the race test deferred no preemption"
    assert workload != "idle" or folded_after_idle(dumped), \
        f"{IDLE_HANDOFF} no longer switches right after an idle wait: pick another seed"
    differ = [f"  dump: {line}\n  gdb:  {seen.get(int(line.split()[1]), '(none)')}"
              for line in dumped if seen.get(int(line.split()[1])) != line]
    assert not differ, "GDB's `trace` decodes the ring otherwise than the kernel's dump:\n" + \
        "\n".join(differ[:10])
    recent = [line for seq, line in sorted(seen.items()) if count - seq <= DUMP_SHORT]
    assert dumped[-len(recent):] == recent, \
        f"the dump's newest {DUMP_SHORT} records are not those GDB shows"
