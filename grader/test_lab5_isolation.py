"""Lab 5: a fault kills only the faulting process. For each behaviour of
user/faults.c, in an order the grader picks, `faults isolate` forks a
sibling that spins (checking its own memory) and then exits 42, and a
victim that does the behaviour: the victim is killed with the right cause
in wait()'s status and one kill line naming it, the sibling exits 42 after
it, and memfree() and the process table come back."""

import re

import pytest

from userprog import BEHAVIOURS, BY_NAME, FAST, kernel_trouble, kill_line_problems, \
    kill_lines, user_symbols


@pytest.mark.points(15)
def test_faults_are_isolated(boot, rng, kernel_dir):
    """each kind of fault kills the victim only; its sibling runs on and exits 42"""
    names = [b.name for b in BEHAVIOURS]
    rng.shuffle(names)
    run = boot(f"init=faults isolate {' '.join(names)} {FAST}")
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    symbols = user_symbols(kernel_dir, "faults")
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
    assert not problems, "\n".join(problems)
    assert len(lines) == len(names), "more processes were killed than the victims"
    assert f"faults: isolate: {len(names)} of {len(names)} OK" in run.output
    run.expect_exit("success")
