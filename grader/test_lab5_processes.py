"""Lab 5: processes from user mode: fork, exec, wait, exit, orphans, kill
and preemption. Each test boots `init=usertests PART ARGS` (pid 1); the
part runs in a child of usertests, which afterwards reaps every child
(orphans re-parented to it included) and checks that memfree() and the
number of process table slots in use are back where they were. See
user/usertests.c for what each part checks."""

import re
import sys
from pathlib import Path

import pytest

from userprog import kill_lines, run_usertests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import mkbadelf  # noqa: E402  (tools/mkbadelf.py: the malformed programs)


@pytest.mark.points(10)
def test_fork_wait_exit(boot, rng):
    """fork copies memory, wait returns each child's exit status, 30 children at once"""
    run = run_usertests(boot, "proc", rng.randrange(1, 2**31))
    assert "usertests: proc: fork, exit and wait: copies, statuses and 30 children at once" \
        in run.output
    assert not kill_lines(run.output), "a process was killed"


@pytest.mark.points(10)
def test_exec(boot, rng):
    """exec runs a program with MAXARG arguments intact; E_NOENT, E_2BIG leave the caller as it was"""
    run = run_usertests(boot, "exec", rng.randrange(1, 2**31))
    assert not kill_lines(run.output), "a process was killed"


@pytest.mark.points(5)
def test_exec_refuses_malformed_programs(boot, rng):
    """exec refuses overlapping, misordered and out-of-place segments with E_NOEXEC"""
    variants = list(mkbadelf.VARIANTS)
    rng.shuffle(variants)
    run = run_usertests(boot, "badelf", *variants)
    assert "usertests: badelf: echo runs" in run.output, "the good echo they come from did not run"
    for variant in variants:
        assert (f"usertests: badelf: bad-{variant}: E_NOEXEC, in a child and in the caller, "
                "which carries on") in run.output, \
            f"bad-{variant} ({mkbadelf.VARIANTS[variant].__doc__.strip()}) was not refused"
    assert "a malformed program ran" not in run.output
    assert not kill_lines(run.output), "a process was killed"


@pytest.mark.points(5)
def test_orphans_are_reparented_to_pid_1(boot):
    """children of an exited parent (running or zombie) become pid 1's, which reaps them"""
    run_usertests(boot, "orphan")


@pytest.mark.points(10)
def test_kill(boot):
    """kill ends a sleeping, a spinning, a pipe-blocked and a waiting child; kill(1) is refused"""
    run_usertests(boot, "kill")


@pytest.mark.points(10)
def test_spinning_processes_share_the_cpu(boot, rng):
    """two user processes that only spin both make progress (preemption)"""
    window = rng.randrange(15, 30) * 1_000_000
    run = run_usertests(boot, "preempt", window)
    match = re.search(r"two spinners counted (\d+) and (\d+) in a window of (\d+)", run.output)
    assert match and int(match.group(3)) == window
    counts = [int(match.group(1)), int(match.group(2))]
    assert min(counts) * 3 >= max(counts), f"unfair: {counts}"
