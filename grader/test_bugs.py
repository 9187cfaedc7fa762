"""Each lab's tests catch that lab's bugs: labs/bugs/labN/NAME.patch is a
realistic student bug in lab N's part (a unified diff against this tree),
and this check plants each one, alone, in a copy of the tree, builds it,
runs the lab N tests its header names as catchers, and asserts that every
one of them fails and that lab N's grade drops.

A patch starts with a header, before its first `---`/`diff` line (patch
and git apply skip it):

    one line saying what the bug is
    Caught-by: grader/test_labN_x.py::test_name[param]
    Caught-by: ...
    Says: words the grade must show for it

A `Says:` line (optional, any number) is a phrase that a catcher's
failure text (results.json's `output`: the reason and the details) must
hold: the grade does not only fail such a bug, it names it, in words a
newcomer can act on. One catcher saying it is enough, since the grade
shows every failure: a second catcher may fail another way first (the
fuzzer's run ending early, say).

Each worker keeps one copy of the tree (sources and build/, with their
times, so that make rebuilds only what a patch touches); a bug's files are
put back after its run. See labs/lab1.md, "For course staff"."""

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUGS_DIR = ROOT / "labs" / "bugs"
MIN_BUGS_PER_LAB = 8
# What a copy of the tree needs to build and boot (build/grade, the logs of
# earlier runs, is left out).
TREE_PARTS = ("Makefile", "kernel", "lib", "user", "tools", "build", ".gdbinit")
CATCHER = re.compile(r"^Caught-by:\s*(\S.*?)\s*$", re.M)
SAYS = re.compile(r"^Says:\s*(\S.*?)\s*$", re.M)
TOUCHED = re.compile(r"^\+\+\+ b/(\S+)", re.M)


@dataclass
class Bug:
    lab: int
    name: str
    path: Path
    description: str
    catchers: List[str]
    touched: List[str]
    says: List[str]

    @property
    def id(self):
        return f"lab{self.lab}-{self.name}"


def read_bug(path):
    text = path.read_text()
    body_at = re.search(r"^(---|diff) ", text, re.M)
    header = text[:body_at.start()] if body_at else text
    lines = [line.strip() for line in header.splitlines() if line.strip()]
    description = next((line for line in lines
                        if not line.startswith(("Caught-by:", "Says:"))), "")
    return Bug(lab=int(path.parent.name[len("lab"):]), name=path.stem, path=path,
               description=description, catchers=CATCHER.findall(header),
               touched=TOUCHED.findall(text), says=SAYS.findall(header))


BUGS = [read_bug(path) for path in sorted(BUGS_DIR.glob("lab*/*.patch"))]

# A student's handout has no labs/bugs (labs/handout.py's STAFF_ONLY: the
# patches would show the reference's lines): these checks are the staff's.
pytestmark = pytest.mark.skipif(not BUGS_DIR.is_dir(),
                                reason="labs/bugs is the course staff's, not in a handout")


def copy_tree(dest):
    for part in TREE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, symlinks=True,
                            ignore=shutil.ignore_patterns("grade"))
        elif source.exists():
            shutil.copy2(source, dest / part)


@pytest.fixture(scope="session")
def bug_tree(tmp_path_factory):
    """This worker's copy of the tree, built as the tree is."""
    if not (ROOT / "build" / "kernel.elf").is_file():
        pytest.fail("no build/kernel.elf: run `make` first", pytrace=False)
    tree = tmp_path_factory.mktemp("bug-tree")
    copy_tree(tree)
    return tree


def run(command, cwd, timeout):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_every_lab_has_its_bugs():
    """labs/bugs has at least 8 bugs per lab, each described, with catchers of its own lab"""
    labs = sorted(int(d.name[len("lab"):]) for d in BUGS_DIR.glob("lab*") if d.is_dir())
    assert labs, f"no bug sets under {BUGS_DIR}"
    for lab in labs:
        count = sum(bug.lab == lab for bug in BUGS)
        assert count >= MIN_BUGS_PER_LAB, f"lab {lab} has {count} bugs, fewer than {MIN_BUGS_PER_LAB}"
    for bug in BUGS:
        assert bug.description, f"{bug.path}: no description line before the diff"
        assert bug.touched, f"{bug.path}: no file in the diff"
        assert bug.catchers, f"{bug.path}: no Caught-by: line"
        for catcher in bug.catchers:
            assert re.match(rf"grader/test_lab{bug.lab}_\w+\.py::test_", catcher), \
                f"{bug.path}: catcher {catcher} is not one of lab {bug.lab}'s tests"


@pytest.mark.parametrize("bug", BUGS, ids=[bug.id for bug in BUGS])
def test_bug_is_caught_by_its_lab(bug, bug_tree, rng):
    """the bug, planted alone, fails each test its header names, and lab N's grade drops"""
    originals = {name: (bug_tree / name).read_bytes() for name in bug.touched}
    try:
        applied = run(["patch", "-p1", "-s", "--no-backup-if-mismatch", "-i", str(bug.path)],
                      bug_tree, 30)
        assert applied.returncode == 0, \
            f"{bug.path.name} does not apply:\n{applied.stdout}{applied.stderr}"
        # Built as a student's tree builds: a handout has no -Werror (the
        # Makefile's CI-only line is dropped), and a planted bug, like a
        # student's, may well draw a warning.
        built = run(["make", "-s", "all", "CI="], bug_tree, 300)
        assert built.returncode == 0, f"the tree with {bug.id} does not build:\n{built.stderr[-3000:]}"
        grade = bug_tree / "build" / f"bug-grade-{bug.id}.json"
        graded = run([sys.executable, "-m", "pytest", *bug.catchers, "-p", "no:cacheprovider",
                      "-p", "no:xdist", "-q", "--rootdir", str(ROOT), "--kernel-dir", str(bug_tree),
                      "--lab", str(bug.lab),
                      "--seed", str(rng.randrange(1, 2**32)), "--grade-json", str(grade)],
                     ROOT, 600)
        assert grade.is_file(), f"the grader wrote no grade:\n{graded.stdout[-3000:]}{graded.stderr[-3000:]}"
        results = json.loads(grade.read_text())
    finally:
        for name, content in originals.items():
            (bug_tree / name).write_bytes(content)     # newer than its object: rebuilt next time
    ran = {test["extra_data"]["nodeid"]: test for test in results["tests"]}
    missing = [catcher for catcher in bug.catchers if catcher not in ran]
    assert not missing, f"{bug.id}: no such test {missing} (ran {sorted(ran)})"
    passed = [catcher for catcher in bug.catchers if ran[catcher]["status"] == "passed"]
    caught = [catcher for catcher in bug.catchers if catcher not in passed]
    assert not passed, (f"{bug.id} ({bug.description}) was not caught by {passed}"
                        + (f"; caught by {caught}" if caught else ""))
    outputs = {catcher: ran[catcher].get("output", "") for catcher in bug.catchers}
    unsaid = [words for words in bug.says if not any(words in out for out in outputs.values())]
    assert not unsaid, (f"{bug.id}: caught by {caught}, but no grade of them says {unsaid}; "
                        "they say:\n" + "\n".join(f"{catcher}: {out[:1500]}"
                                                   for catcher, out in outputs.items()))
    possible = results["extra_data"]["max_score"]
    assert results["score"] < possible, \
        f"{bug.id}: caught by {caught}, but the lab {bug.lab} grade did not drop"
    print(f"{bug.id}: caught by {', '.join(caught)} "
          f"({results['score']:g}/{possible:g} of the points of these tests)")
