"""A failing scheduling test's report shows the schedule the kernel
produced next to what was expected (grader/schedtrace.py's traced_boot),
where a student reads it: below `make grade`'s score and in results.json.

Two kernels, each built here in a directory of its own, each graded on one
lab 3 test by a pytest of its own with `make grade`'s flags:
- labs/bugs/lab3/quantum-equal-only.patch switches in the wrong order (each
  spinning thread runs to its exit); the kernel dumps its trace at shutdown.
- the lab 3 handout, whose preemption stub never preempts: the first
  spinning thread keeps the CPU and the run hangs, so no dump ever comes;
  the grader reads the trace ring from the guest's memory before it stops
  QEMU (qemu.Run.before_stop, schedtrace.read_live)."""

import json
import os
import re
import subprocess
import sys

from test_bugs import BUGS_DIR, ROOT, copy_tree, read_bug

QUANTUM_TEST = "grader/test_lab3_preempt.py::test_switches_are_exactly_a_quantum_apart"
SPIN_TEST = "grader/test_lab3_preempt.py::test_spinning_threads_share_the_cpu_fairly"
GRADE_FLAGS = ("-q", "--tb=no", "-rN")      # the Makefile's, for `make grade`
# A caller's make or pytest must not reach the builds and grades here.
LEAKING = ("CI", "HANDOUT_LAB", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ADDOPTS",
           "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST")
LANE = re.compile(r"^\s+(\S.*?) \|([^|]*)\|")


def clean_environment():
    return {name: value for name, value in os.environ.items() if name not in LEAKING}


def build(command, cwd):
    built = subprocess.run(command, cwd=cwd, env=clean_environment(), capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, f"{' '.join(command)} failed:\n{built.stderr[-3000:]}"


def grade(tree, test, seed):
    """What `make grade` says of `test` on tree's build/kernel.elf: (the
    text below "why tests failed", the test's output in results.json)."""
    results = tree / "grade.json"
    graded = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-p", "no:cacheprovider", "-p", "no:xdist",
         *GRADE_FLAGS, "--rootdir", str(ROOT), "--kernel-dir", str(tree), "--seed", str(seed),
         "--grade-json", str(results)],
        cwd=ROOT, env=clean_environment(), capture_output=True, text=True, timeout=300)
    assert results.is_file(), f"no grade:\n{graded.stdout[-3000:]}{graded.stderr[-3000:]}"
    entry, = json.loads(results.read_text())["tests"]
    assert entry["status"] == "failed", f"{test} passed on this kernel:\n{graded.stdout}"
    why = graded.stdout.partition(" why tests failed ")[2].partition("\n")[2]
    assert why, f"`make grade` printed no details:\n{graded.stdout}"
    return why, entry["output"]


def lanes_under(text, title):
    """{thread: its row of cells} of the ASCII lanes below the line of
    `text` that starts (after its indent) with `title`."""
    lines = text.split("\n")
    start = next((index for index, line in enumerate(lines) if line.strip().startswith(title)),
                 None)
    assert start is not None, f"no line {title!r} in:\n{text}"
    rows = {}
    for line in lines[start + 1:]:
        match = LANE.match(line)
        if not match:
            break
        rows[match.group(1)] = match.group(2)
    return rows


def test_a_wrong_order_is_drawn_next_to_the_expected_one(tmp_path, rng):
    """a kernel that switches in the wrong order: its report draws the schedule it produced"""
    bug = read_bug(BUGS_DIR / "lab3" / "quantum-equal-only.patch")
    tree = tmp_path / "tree"
    tree.mkdir()
    copy_tree(tree)                 # with build/: make rebuilds what the patch touches
    build(["patch", "-p1", "-s", "--no-backup-if-mismatch", "-i", str(bug.path)], tree)
    build(["make", "-s", "all", "CI="], tree)
    for text in grade(tree, QUANTUM_TEST, rng.randrange(1, 2**32)):
        rows = lanes_under(text, "the schedule the kernel produced (runs ")
        threads = {name.split(" (")[0]: row for name, row in rows.items()}
        # The bug's order: each spinner runs alone to its exit, unpreempted.
        for name in ("quantum1", "quantum2"):
            assert name in threads, f"no lane for {name}:\n{text}"
            assert "X" in threads[name] and "P" not in threads[name], (name, text)
        assert "tick % 10" in threads, text
        assert re.search(r"^\s+what was expected: kmain, quantum1, quantum2 preempted \(P\) in "
                         r"turn, every \d ticks$", text, re.M), text


def test_a_hang_shows_the_schedule_read_from_memory(tmp_path, rng):
    """a kernel that hangs never dumps its trace: its report draws the schedule read from memory"""
    tree = tmp_path / "tree"
    build(["make", "-s", "-j2", "HANDOUT_LAB=3", f"BUILD={tree / 'build'}", "all", "CI="], ROOT)
    for text in grade(tree, SPIN_TEST, rng.randrange(1, 2**32)):
        assert re.match(r"(.*\n)?\s*the kernel hung, busy", text), text
        rows = lanes_under(text, "the schedule the kernel produced (read from its memory")
        running = {name.split(" (")[0]: row for name, row in rows.items()}
        # kmain sleeps while its threads spin; spin0, never preempted,
        # holds the CPU when the grader stops the run; no other spinner ran.
        assert "S" in running.get("kmain", ""), text
        assert running.get("spin0", "").endswith(">"), text
        assert not [name for name in running if re.fullmatch(r"spin[1-9]\d*", name)], text
        seed = re.search(r"to repeat it: make qemu-nox ICOUNT=1 APPEND=\".* seed=(\d+) ", text)
        assert seed, text
        threads = 3 + int(seed.group(1)) % 6       # as the spin test picks them
        assert (f"what was expected: spin0..spin{threads - 1} preempted (P) in turn, "
                "each every tick") in text, text
