"""Lab 5: a fault kills only the faulting process. For each behaviour of
user/faults.c, in an order the grader picks, `faults isolate` forks a
sibling that spins (checking its own memory) and then exits 42, and a
victim that does the behaviour: the victim is killed with the right cause
in wait()'s status and one kill line naming it, the sibling exits 42 after
it, and memfree() and the process table come back.

user/vm86.c times an iret into virtual-8086 mode so that a timer tick
comes right after it: the kernel must not resume (or panic on) the frame
the tick saved, but kill that process alone."""

import re

import pytest

from userprog import BEHAVIOURS, BY_NAME, FAST, kernel_trouble, kill_line_problems, \
    kill_lines, user_symbols


# The kernel passes at most 16 words to init (CMDLINE_MAX_ARGS), "isolate"
# among them: so the behaviours go in rounds of at most this many boots.
NAMES_PER_BOOT = 12


def isolation_problems(boot, names, symbols):
    """Boot `faults isolate NAMES...`; what went wrong, as sentences."""
    run = boot(f"{FAST} init=faults isolate {' '.join(names)}")
    trouble = kernel_trouble(run.output)
    if trouble:
        return [trouble]
    lines = {line.pid: line for line in kill_lines(run.output)}
    problems = []
    for name in names:
        pids = re.search(rf"^faults: isolate {name}: sibling pid (\d+), victim pid (\d+)$",
                         run.output, re.M)
        if not pids:
            problems.append(f"{name}: the round did not start")
            continue
        sibling, victim = int(pids.group(1)), int(pids.group(2))
        verdict = re.search(rf"^faults: isolate {name}: (OK|FAILED).*$", run.output, re.M)
        if not verdict or verdict.group(1) != "OK":
            problems.append(f"{name}: " + (verdict.group(0) if verdict else "no verdict"))
        if victim not in lines:
            problems.append(f"{name}: no kill line for the victim, pid {victim}")
        else:
            problems += [f"{name}: {lines[victim].text}: {problem}" for problem in
                         kill_line_problems(lines[victim], BY_NAME[name], victim,
                                            run.output, symbols, "isolate")]
        if sibling in lines:
            problems.append(f"{name}: the sibling was killed too: {lines[sibling].text}")
    if not problems and len(lines) != len(names):
        problems.append("more processes were killed than the victims")
    if f"faults: isolate: {len(names)} of {len(names)} OK" not in run.output:
        problems.append(f"no 'faults: isolate: {len(names)} of {len(names)} OK' line")
    if run.kind != "success":
        problems.append(f"the run ended in {run.kind}, not a clean shutdown")
    return problems


@pytest.mark.points(15)
def test_faults_are_isolated(boot, rng, kernel_dir):
    """each kind of fault kills the victim only; its sibling runs on and exits 42"""
    names = [b.name for b in BEHAVIOURS]
    rng.shuffle(names)
    symbols = user_symbols(kernel_dir, "faults")
    problems = []
    for start in range(0, len(names), NAMES_PER_BOOT):
        problems += isolation_problems(boot, names[start:start + NAMES_PER_BOOT], symbols)
    assert not problems, "\n".join(problems)


# iret timings the sweep tries, and how often each. A victim's estimate of
# the tick is off by where in a loop trip the interrupt came, which differs
# from victim to victim, so only some victims whose lead is in the right
# window of a few instructions are caught by the timer: about one a round.
# With 4 rounds a change of a few instructions anywhere in the kernel (the
# phase of fork against the ticks) left none caught; 12 rounds catch 4 to 8
# at the hz values tried, and take about 1.4 s.
VM86_LEADS, VM86_ROUNDS = 32, 12
# vm86 prints only its verdict (the kernel prints a kill line per victim):
# 384 victims of about 8 ticks of 0.1 M each.
VM86_SILENCE_BUDGET = 1_000_000_000


@pytest.mark.points(5)
def test_timer_interrupt_in_vm86_kills_only_the_victim(boot):
    """a process preempted in virtual-8086 mode is killed when it would resume, and only it"""
    run = boot(f"hz=10000 init=vm86 sweep 0 {VM86_LEADS} {VM86_ROUNDS}",
               budget=VM86_SILENCE_BUDGET)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    lines = kill_lines(run.output)
    assert all(line.name == "vm86" and line.pid != 1 for line in lines), \
        "someone other than a victim was killed:\n" + "\n".join(line.text for line in lines)
    victims = VM86_LEADS * VM86_ROUNDS
    assert len(lines) == victims, f"{len(lines)} kill lines for {victims} victims"
    assert all("virtual-8086 mode" in line.what for line in lines), \
        "\n".join(line.text for line in lines if "virtual-8086 mode" not in line.what)
    assert any("hardware interrupt" in line.what for line in lines), \
        "no victim was caught by the timer in virtual-8086 mode: the sweep missed the tick"
    assert f"vm86: sweep: OK: {victims} victims killed" in run.output, \
        "\n".join(line for line in run.lines if line.startswith("vm86: "))
    run.expect_exit("success")
