#!/usr/bin/env python3
"""autograde.py - grade beta86 submissions with the staff's copy of the grade.

A course grades lab N with a *staff tree*: lab N's handout (labs/handout.py,
so it holds no solution of lab N or later) with a manifest, autograder.json,
naming the files a student writes in lab N (handout.student_files: the
sources that hold a LAB_SOLUTION(N) block on main; one list, derived from
the markers, for every lab the grader knows). To grade a submission:

  overlay   copy the staff tree into a scratch tree, then take from the
            submission exactly the student's files and nothing else. The
            grader, its conftest, the kernel tests, the user test programs,
            .gdbinit and the GDB extension, the Makefile, tools/, lib/,
            any pytest.ini, conftest.py, GNUmakefile, sitecustomize.py a
            submission carries: all stay the staff's, because nothing but
            the listed files is ever read from it. A submitted file that
            still holds LAB_SOLUTION blocks (the reference tree itself) is
            graded as lab N's solution (its blocks of lab N and earlier
            resolved, as in the next lab's handout).
  build     `make all` in the scratch tree with a time limit; on failure
            the compiler's first errors are the result's output.
  grade     the staff grader (lab N's tests of grader/test_lab*_*.py) on the
            scratch tree, in a clean environment (no PYTEST_*, PYTHON*, MAKEFLAGS from
            outside), with an ini file of its own so that no pytest.ini or
            conftest.py above the tree is read.
  results   Gradescope's results.json (score, execution_time, output,
            stdout_visibility, tests with name, score, max_score, status,
            output, tags, visibility, and a leaderboard from `make bench`
            figures if the staff tree asks for one), or GitHub Classroom's
            runner result (grading-reporter format). Always written: a
            failure anywhere becomes a result that says what went wrong.

Commands:
  autograde.py stage --lab N --dest DIR [--leaderboard]
        write lab N's staff tree (from this repository)
  autograde.py package --lab N|all --out DIR [--leaderboard]
        write DIR/labN/ (the staff tree) and DIR/beta86-labN-autograder.zip
        (setup.sh, run_autograder, the staff tree) for Gradescope
  autograde.py prebuild --staff DIR [--jobs J]
        build a staff tree once (setup.sh does), so that each grade only
        compiles the student's files and links
  autograde.py gradescope
        what run_autograder runs: grade $ROOT/submission with $ROOT/source,
        write $ROOT/results/results.json; ROOT is $BETA86_AUTOGRADER_ROOT,
        default /autograder (tests move it to a temporary directory)
  autograde.py grade --staff DIR --submission PATH --work DIR --results FILE
        one submission (directory, .zip, .tar[.gz]); tools/grade-batch runs this
  autograde.py classroom --staff DIR --submission DIR [--work DIR]
        grade, then write the Classroom result to $GITHUB_OUTPUT (result=...)
  autograde.py workflow --lab N [--staff-repo OWNER/NAME] [--staff-ref REF]
        print the GitHub Classroom workflow for lab N
  autograde.py leaderboard --tree DIR --json FILE
        the leaderboard figures of a built tree (a subprocess of grading)
"""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import List, Optional

TOOLS_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = TOOLS_DIR.parent          # the tree this script belongs to
MANIFEST = "autograder.json"
MANIFEST_VERSION = 1
ROOT_VARIABLE = "BETA86_AUTOGRADER_ROOT"
GRADESCOPE_ROOT = "/autograder"
# tools/grade-batch gives each job a range of TCP ports of its own
# (grader/qemu.py: unused_tcp_port reads it).
PORTS_VARIABLE = "BETA86_PORTS"
LAB_TEST = re.compile(r"^test_lab(\d+)_.*\.py$")

BUILD_TIMEOUT = 600         # s; the reference builds in seconds
GRADE_TIMEOUT = 3600        # s; every lab of a hung kernel takes about a minute
FIRST_ERROR_LINES = 20      # of the compiler's output, in a failed build's result
MAX_STUDENT_FILE = 1 << 20  # bytes; a source file of a lab is a few KiB
SKIPPED_DIRECTORIES = {".git", "__MACOSX", "build", "__pycache__"}
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
TEST_VISIBILITY = "visible"
STDOUT_VISIBILITY = "hidden"   # the log is for staff; students read `output`
# Leaderboard columns: (column, bench.py benchmark name). Lower is better.
LEADERBOARD = [("context switch (instructions)", "cooperative switch, 2 threads"),
               ("null system call (instructions)", "null system call (getpid) round trip")]
LEADERBOARD_TIMEOUT = 120   # s, for both figures


class AutogradeError(Exception):
    """Something the staff must fix (a bad staff tree, a bad option)."""


# ---- labs and the staff tree -------------------------------------------------------

def handout_module(root=SOURCE_ROOT):
    """labs/handout.py of the tree at root, imported."""
    labs = str(Path(root) / "labs")
    if labs not in sys.path:
        sys.path.insert(0, labs)
    import handout  # noqa: E402  (labs/handout.py)
    return handout


def grader_labs(root=SOURCE_ROOT):
    """Every lab the grader has tests for (grader/test_labN_*.py)."""
    return sorted({int(match.group(1)) for path in (Path(root) / "grader").iterdir()
                   if (match := LAB_TEST.match(path.name))})


def lab_test_files(tree):
    """Every lab's test files in the tree, relative to it. A grade of lab N
    collects them all and keeps lab N's tests (--lab N, as `make grade
    LAB=N`): a test may belong to another lab than its file's (a lab(n)
    mark, e.g. lab 2's switch budget in test_lab3_bench.py)."""
    return sorted(f"grader/{path.name}" for path in (Path(tree) / "grader").iterdir()
                  if LAB_TEST.match(path.name))


def commit_of(root):
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def stage(lab, dest, *, src=SOURCE_ROOT, leaderboard=False):
    """Write lab's staff tree into dest (absent or empty): its handout and
    the manifest. Returns the manifest."""
    handout = handout_module(src)
    if lab not in grader_labs(src):
        raise AutogradeError(f"lab {lab} has no graded tests (grader/test_lab{lab}_*.py)")
    files = handout.student_files(src, lab)
    if not files:
        raise AutogradeError(f"lab {lab} has no LAB_SOLUTION({lab}) block: no file "
                             "of it is the student's")
    try:
        handout.make_handout(src, dest, lab)
    except handout.HandoutError as error:
        raise AutogradeError(f"the handout of lab {lab} failed:\n{error}") from None
    as_done(Path(dest) / "Makefile", lab)
    manifest = {"version": MANIFEST_VERSION, "lab": lab, "student_files": files,
                "max_score": lab_max_score(dest, lab),
                "leaderboard": bool(leaderboard), "made_from": commit_of(src),
                "build_timeout": BUILD_TIMEOUT, "grade_timeout": GRADE_TIMEOUT}
    (Path(dest) / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


class PointsCounter:
    """A pytest plugin: the points of the tests a collection keeps."""

    def __init__(self):
        self.points = 0

    def pytest_collection_finish(self, session):
        self.points = sum(marker.args[0] for item in session.items
                          if (marker := item.get_closest_marker("points")) is not None)


def count_points(tree, lab):
    """The `points` command (in a process of its own, in tree): print the
    points of lab's tests, from their marks, as the grade collects them."""
    import pytest
    counter = PointsCounter()
    with tempfile.TemporaryDirectory(prefix="beta86-points-") as scratch, \
            open(os.devnull, "w") as quiet:
        ini = Path(scratch) / "pytest.ini"
        ini.write_text(PYTEST_INI)
        stdout, sys.stdout = sys.stdout, quiet
        try:
            status = pytest.main(grader_command(tree, lab, ini, None)[4:] + ["--collect-only"],
                                 plugins=[counter])
        finally:
            sys.stdout = stdout
    if status != 0:
        raise AutogradeError(f"the grader of lab {lab} did not collect (pytest status {status})")
    print(counter.points)


def lab_max_score(tree, lab):
    """The points lab's grade can give (a grade that never ran, a failed
    build, still says out of how many)."""
    # -B: no bytecode written into the staff tree (it goes into the zip)
    # The tree as an absolute path: the command runs in it (cwd), and
    # `make autograder` names it relative to the repository (build/autograder/labN).
    tree = Path(tree).resolve()
    command = [sys.executable, "-I", "-B", str(TOOLS_DIR / "autograde.py"), "points",
               "--tree", str(tree), "--lab", str(lab)]
    result = subprocess.run(command, cwd=str(tree), capture_output=True, text=True,
                            env=clean_environment())
    if result.returncode != 0:
        raise AutogradeError(f"cannot count lab {lab}'s points:\n{result.stderr}")
    points = float(result.stdout.strip())
    return int(points) if points == int(points) else points


def as_done(makefile, lab):
    """The staff tree of lab grades it as done: its Makefile says
    HANDOUT_LAB := lab+1, as the next lab's handout does (where
    grader/test_handouts.py checks that lab's tests pass). Given code that
    asks LAB_SOLUTION(lab) then takes the lab as solved: in lab 5, a boot
    without init= runs the shell, which lab 5's shell tests need, where the
    student's own lab 5 tree boots the kernel monitor. The student's files
    hold no LAB_SOLUTION block, so only such questions change."""
    text = Path(makefile).read_text()
    setting = re.compile(rf"^HANDOUT_LAB := {lab}$", re.M)
    if len(setting.findall(text)) != 1:
        raise AutogradeError(f"{makefile}: no line 'HANDOUT_LAB := {lab}' (labs/handout.py)")
    Path(makefile).write_text(setting.sub(f"HANDOUT_LAB := {lab + 1}", text))


def read_manifest(staff):
    path = Path(staff) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise AutogradeError(f"no staff tree at {staff}: {path} is unreadable ({error}); "
                             "make one with `make autograder LAB=N`") from None
    if manifest.get("version") != MANIFEST_VERSION:
        raise AutogradeError(f"{path}: manifest version {manifest.get('version')}, "
                             f"this script reads {MANIFEST_VERSION}")
    return manifest


# ---- submissions ---------------------------------------------------------------------

class SubmissionError(Exception):
    """The submission cannot be graded (said to the student)."""


@dataclass
class Member:
    """One file of a submission: its path inside it and how to read it."""
    name: str                   # posix path inside the submission
    regular: bool               # a regular file (not a link, device, ...)
    size: int
    read: object                # () -> bytes


def is_archive(path):
    return Path(path).is_file() and str(path).lower().endswith(ARCHIVE_SUFFIXES)


def plain_name(name):
    """An archive member's name without its leading "./" or "/"."""
    while name.startswith(("./", "/")):
        name = name[1:] if name.startswith("/") else name[2:]
    return name


def skipped(name):
    """Whether a member lies in a directory no submission's code is in."""
    return any(part in SKIPPED_DIRECTORIES or part.startswith(".")
               for part in PurePosixPath(name).parts[:-1])


def directory_members(root):
    root = Path(root)
    members = []
    for directory, subdirectories, files in os.walk(root):   # links are not followed
        subdirectories[:] = sorted(name for name in subdirectories
                                   if name not in SKIPPED_DIRECTORIES and not name.startswith("."))
        for name in sorted(files):
            path = Path(directory) / name
            info = path.lstat()
            members.append(Member(path.relative_to(root).as_posix(),
                                  stat.S_ISREG(info.st_mode), info.st_size,
                                  lambda path=path: path.read_bytes()))
    return members


def zip_members(path):
    archive = zipfile.ZipFile(path)
    members = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        regular = mode == 0 or stat.S_ISREG(mode)
        members.append(Member(info.filename, regular, info.file_size,
                              lambda info=info: archive.read(info)))
    return members


def tar_members(path):
    archive = tarfile.open(path)
    return [Member(info.name, info.isreg(), info.size,
                   lambda info=info: archive.extractfile(info).read())
            for info in archive.getmembers() if not info.isdir()]


def submission_members(path):
    """Every file of a submission (a directory, a .zip or a tarball),
    without reading any. A directory holding nothing but one archive (an
    upload of a zip) is that archive. Member names are never used as paths
    on this machine: only their content is read, for the files located."""
    path = Path(path)
    if path.is_dir():
        members = [m for m in directory_members(path) if not skipped(m.name)]
        if len(members) == 1 and is_archive(path / members[0].name):
            return submission_members(path / members[0].name)
        return members
    if not path.is_file():
        raise AutogradeError(f"no submission at {path}")
    try:
        members = zip_members(path) if str(path).lower().endswith(".zip") else tar_members(path)
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as error:
        raise SubmissionError(f"the submission is not a readable archive: {error}") from None
    return [member for member in members
            if not skipped(plain_name(member.name)) and not member.name.startswith("/")
            and ".." not in PurePosixPath(member.name).parts]


def locate(members, wanted):
    """For each wanted relative path, the member that is it: the tree root
    inside the submission is the prefix under which the most wanted paths
    lie (`beta86-lab1/kernel/...`, or none); a path missing there is found
    by its file name if exactly one member has it (a flat upload of the
    files). {relative path: Member or None}."""
    by_name = {plain_name(member.name): member for member in members}
    prefixes = {}
    for relative in wanted:
        for name in by_name:
            if name == relative or name.endswith("/" + relative):
                prefix = name[:len(name) - len(relative)]
                prefixes[prefix] = prefixes.get(prefix, 0) + 1
    root = min(prefixes, key=lambda prefix: (-prefixes[prefix], len(prefix))) \
        if prefixes else ""
    found = {}
    for relative in wanted:
        member = by_name.get(root + relative)
        if member is None:
            same_name = [m for name, m in by_name.items()
                         if PurePosixPath(name).name == PurePosixPath(relative).name]
            member = same_name[0] if len(same_name) == 1 else None
        found[relative] = member
    return found


# ---- the overlay -----------------------------------------------------------------------

@dataclass
class Overlay:
    """What the overlay took from a submission."""
    notes: List[str] = field(default_factory=list)   # per student file, for the student
    digest: str = ""            # of the files taken (tools/grade-batch: resumable)
    taken: int = 0


def resolved_solution(text, relative, lab):
    """A submitted file's text with any LAB_SOLUTION blocks resolved as in
    the handout of lab+1 (labs up to lab: solution). The reference tree
    submitted as is grades as the solution; a student's file has no blocks."""
    handout = handout_module()
    if "LAB_SOLUTION" not in text:
        return text
    parsed = handout.parse_marked_source(text, relative)
    if parsed.problems:
        return text
    return handout.render_for_lab(parsed, lab + 1, handout.Summary())


def copy_staff_tree(staff, dest):
    """The staff tree into dest (which must not exist), with its build/ if
    it was built (setup.sh, prebuild): times are kept, so that make in
    dest rebuilds only what the student's files change, the files written
    after the copy being newer than every object."""
    shutil.copytree(staff, dest, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "grade", "bench"))


def prebuild(staff, *, jobs, timeout=BUILD_TIMEOUT):
    """Build the staff tree once, for every grade to start from (the stubs
    of the lab compile: a broken staff tree shows here). Raises
    AutogradeError if it does not build."""
    made = build(staff, jobs=jobs, timeout=timeout, env=clean_environment(),
                 log_path=Path(staff) / "build" / "prebuild.log")
    if not made.ok:
        raise AutogradeError(f"the staff tree {staff} does not build:\n{made.errors}")
    return made


@dataclass
class Taken:
    """A student file as the submission has it."""
    content: Optional[bytes]    # None: not usable (problem says why)
    problem: str = ""
    found_as: str = ""          # its path in the submission


def taken_files(submission, manifest):
    """{student file: Taken} of the manifest's lab, read from the submission."""
    found = locate(submission_members(submission), manifest["student_files"])
    taken = {}
    for relative, member in found.items():
        if member is None:
            taken[relative] = Taken(None, "not in your submission")
        elif not member.regular:
            taken[relative] = Taken(None, f"{member.name} in your submission is not a "
                                    "regular file (a link?)")
        elif member.size > MAX_STUDENT_FILE:
            taken[relative] = Taken(None, f"{member.name} in your submission is over "
                                    f"{MAX_STUDENT_FILE} bytes")
        else:
            taken[relative] = Taken(member.read(), found_as=plain_name(member.name))
    return taken


def submission_digest(taken, manifest):
    """Names the graded input: the staff tree's commit, the lab and the
    student's files (tools/grade-batch skips a submission graded with it)."""
    digest = hashlib.sha256(f"{manifest['made_from']}/{manifest['lab']}".encode())
    for relative, file in sorted(taken.items()):
        digest.update(f"\0{relative}\0".encode() + (file.content or b"\0missing"))
    return digest.hexdigest()


def overlay(staff, submission, dest, manifest):
    """Write the scratch tree dest: the staff tree, with the student's files
    of the manifest's lab taken from the submission. Returns an Overlay."""
    taken = taken_files(submission, manifest)
    copy_staff_tree(staff, dest)
    result = Overlay(digest=submission_digest(taken, manifest))
    for relative, file in taken.items():
        if file.content is None:
            result.notes.append(f"{relative}: {file.problem}; graded the handout's "
                                "version (a stub)")
            continue
        text = file.content.decode("utf-8", errors="surrogateescape")
        text = resolved_solution(text, relative, manifest["lab"])
        (Path(dest) / relative).write_text(text, encoding="utf-8", errors="surrogateescape")
        where = "" if file.found_as == relative else f" (as {file.found_as})"
        result.notes.append(f"{relative}: from your submission{where}")
        result.taken += 1
    return result


# ---- building and grading ------------------------------------------------------------

def clean_environment(ports=None):
    """The environment of the build and the grade: this machine's PATH and
    HOME, nothing that could steer make, Python or pytest."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "TMPDIR", "USER", "LOGNAME")
           if name in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "dumb"})
    if ports is not None:
        env[PORTS_VARIABLE] = f"{ports[0]}-{ports[1]}"
    return env


def run_bounded(command, cwd, env, timeout, log_path):
    """Run command in a process group of its own; its output (stdout and
    stderr) goes to log_path. Returns (exit status, or None if it ran out
    of time and was killed with its children)."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=str(cwd), env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None


def without_paths(text, *paths):
    """text without this machine's paths of the trees graded."""
    for path in paths:
        if path:
            text = text.replace(f"{path}/", "").replace(str(path), ".")
    return text


def first_errors(log):
    """The compiler's first errors: from the first line that reports an
    error, FIRST_ERROR_LINES lines (else the log's last lines)."""
    lines = log.rstrip("\n").split("\n")
    start = next((i for i, line in enumerate(lines)
                  if re.search(r"\berror\b|Error \d+|undefined reference", line)), None)
    if start is None:
        return "\n".join(lines[-FIRST_ERROR_LINES:])
    start = max(0, start - 1) if start and "In function" in lines[start - 1] else start
    return "\n".join(lines[start:start + FIRST_ERROR_LINES])


@dataclass
class Build:
    ok: bool
    seconds: float
    errors: str = ""            # a failed build's first errors, without paths


def build(tree, *, jobs, timeout, env, log_path):
    started = time.monotonic()
    status = run_bounded(["make", f"-j{jobs}", "all"], tree, env, timeout, log_path)
    seconds = time.monotonic() - started
    if status == 0:
        return Build(True, seconds)
    log = Path(log_path).read_text(errors="replace")
    if status is None:
        errors = f"the build did not finish in {timeout} s; its last lines:\n" + \
            "\n".join(log.rstrip("\n").split("\n")[-FIRST_ERROR_LINES:])
    else:
        errors = first_errors(log)
    return Build(False, seconds, without_paths(errors, tree))


PYTEST_INI = "[pytest]\n# The staff's: no pytest.ini or setup.cfg above the scratch tree is read.\n"


def grader_command(tree, lab, ini, workers):
    """The staff grader's command line for lab on tree (run in tree)."""
    tree = Path(tree)
    return [sys.executable, "-I", "-m", "pytest", *lab_test_files(tree),
            "-c", str(ini), "--rootdir", str(tree), "--confcutdir", str(tree / "grader"),
            "-p", "no:cacheprovider", "-q", "--tb=no", "-rN", "--lab", str(lab)] + \
        (["-n", str(workers)] if workers else ["-p", "no:xdist"])


def grade(tree, lab, *, workers, timeout, env, work):
    """Run the staff grader of lab on the built scratch tree; returns
    (the grader's --grade-json content or None, its output's last lines)."""
    tree, work = Path(tree), Path(work)
    work.mkdir(parents=True, exist_ok=True)
    ini, results = work / "pytest.ini", work / "grader-results.json"
    ini.write_text(PYTEST_INI)
    results.unlink(missing_ok=True)
    status = run_bounded(grader_command(tree, lab, ini, workers) + ["--grade-json", str(results)],
                         tree, env, timeout, work / "grade.log")
    log = (work / "grade.log").read_text(errors="replace")
    if status is None:
        return None, f"the grade did not finish in {timeout} s"
    try:
        return json.loads(results.read_text()), log
    except (OSError, ValueError):
        return None, "the grader wrote no results; its last lines:\n" + \
            without_paths("\n".join(log.rstrip("\n").split("\n")[-FIRST_ERROR_LINES:]), tree)


def leaderboard(tree, env, work):
    """Gradescope leaderboard entries from the built tree's benchmarks (the
    figures `make bench` prints), in a subprocess; [] if none ran."""
    out = Path(work) / "leaderboard.json"
    status = run_bounded([sys.executable, "-I", str(TOOLS_DIR / "autograde.py"), "leaderboard",
                          "--tree", str(tree), "--json", str(out)],
                         tree, env, LEADERBOARD_TIMEOUT, Path(work) / "leaderboard.log")
    try:
        return json.loads(out.read_text()) if status == 0 else []
    except (OSError, ValueError):
        return []


def measure_leaderboard(tree, out):
    """The `leaderboard` command: run the LEADERBOARD benchmarks of
    tools/bench.py on tree's kernel; a benchmark the lab's tree cannot
    run yet (a later lab's stub) is left out."""
    sys.path.insert(0, str(Path(tree) / "tools"))
    import bench  # noqa: E402  (tools/bench.py)
    benchmarks = {entry[0]: entry for entry in bench.BENCHMARKS}
    entries = []
    for column, name in LEADERBOARD:
        _, cmdline, figure, _, firmware, _ = benchmarks[name]
        try:
            output = bench.run_kernel(Path(tree) / "build" / "kernel.elf", cmdline, firmware,
                                      Path(tree) / "build" / "bench")
            value, _ = bench.read_figure(output, figure)
        except bench.BenchError:
            continue
        entries.append({"name": column, "value": value, "order": "asc"})
    Path(out).write_text(json.dumps(entries) + "\n")


# ---- results -----------------------------------------------------------------------------

def number(value):
    return f"{value:g}"


def gradescope_tests(lab, grader_json):
    tests = []
    for index, test in enumerate(grader_json["tests"], start=1):
        tests.append({
            "name": test["name"], "number": f"{lab}.{index}",
            "score": test["score"], "max_score": test["max_score"],
            "status": "passed" if test["status"] == "passed" else "failed",
            "output": test["output"], "tags": [f"lab {lab}"],
            "visibility": TEST_VISIBILITY,
            "extra_data": {"test": test["extra_data"]["nodeid"]},
        })
    return tests


def results_of(lab, *, seconds, output, tests=(), leaderboard_entries=None, extra=None):
    """A results.json (Gradescope's documented fields)."""
    results = {
        "score": sum(test["score"] for test in tests),
        "execution_time": round(seconds, 1),
        "output": output,
        "stdout_visibility": STDOUT_VISIBILITY,
        "tests": list(tests),
        "extra_data": {"lab": lab, **(extra or {})},
    }
    if leaderboard_entries:
        results["leaderboard"] = leaderboard_entries
    return results


def summary_line(lab, tests):
    earned = sum(test["score"] for test in tests)
    possible = sum(test["max_score"] for test in tests)
    passed = sum(test["status"] == "passed" for test in tests)
    return (f"beta86 lab {lab}: {number(earned)}/{number(possible)} points "
            f"({passed} of {len(tests)} tests passed)")


STAFF_NOTE = ("Graded with the course's copy of the grader, the kernel tests, the user "
              "test programs, the Makefile and the GDB files; from your submission only:")


def grade_submission(staff, submission, work, *, jobs=2, workers=2, ports=None):
    """Grade one submission with the staff tree: overlay, build, grade.
    Never raises for a submission's fault: every outcome is a results dict
    (a build failure's output is the compiler's first errors)."""
    started = time.monotonic()
    manifest = read_manifest(staff)
    lab = manifest["lab"]
    work, staff = Path(work).resolve(), Path(staff).resolve()
    tree = work / "tree"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    env = clean_environment(ports)

    def ended(output, tests=(), status="graded", entries=None, **extra):
        return results_of(lab, seconds=time.monotonic() - started, output=output,
                          tests=tests, leaderboard_entries=entries,
                          extra={"status": status, "max_score": manifest["max_score"],
                                 **extra})

    try:
        taken = overlay(staff, submission, tree, manifest)
    except SubmissionError as error:
        return ended(f"beta86 lab {lab}: not graded: {error}", status="unreadable")
    notes = "\n".join([STAFF_NOTE] + [f"  {note}" for note in taken.notes])
    made = build(tree, jobs=jobs, timeout=manifest["build_timeout"], env=env,
                 log_path=work / "build.log")
    if not made.ok:
        test = {"name": "the kernel builds", "number": f"{lab}.0", "score": 0,
                "max_score": 0, "status": "failed", "output": made.errors,
                "tags": [f"lab {lab}"], "visibility": TEST_VISIBILITY}
        return ended(f"beta86 lab {lab}: 0 points: the kernel did not build. The "
                     f"compiler's first errors:\n{made.errors}\n\n{notes}", [test],
                     status="build failed", digest=taken.digest)
    grader_json, log = grade(tree, lab, workers=workers, timeout=manifest["grade_timeout"],
                             env=env, work=work)
    if grader_json is None:
        return ended(f"beta86 lab {lab}: not graded: {log}\n\n{notes}", status="grade failed",
                     digest=taken.digest)
    tests = gradescope_tests(lab, grader_json)
    for test in tests:
        test["output"] = without_paths(test["output"], tree, staff)
    entries = leaderboard(tree, env, work) if manifest.get("leaderboard") else None
    return ended(f"{summary_line(lab, tests)}\n\n{notes}", tests, entries=entries,
                 digest=taken.digest, seed=seed_of(log))


def seed_of(log):
    match = re.search(r"--seed (\d+)", log)
    return int(match.group(1)) if match else None


def write_json(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps(data, indent=2) + "\n")
    temporary.replace(path)


def classroom_result(results):
    """GitHub Classroom's runner result (what autograding-grading-reporter
    reads, base64-encoded, from <RUNNER>_RESULTS): version 1, a status,
    the max score and each test's score."""
    tests = [{"name": test["name"], "status": "pass" if test["status"] == "passed" else "fail",
              "score": test["score"], "message": test["output"] or None,
              "test_code": test.get("extra_data", {}).get("test", ""), "filename": "",
              "line_no": 0, "execution_time": ""}
             for test in results["tests"]]
    max_score = results["extra_data"].get("max_score") or \
        sum(test["max_score"] for test in results["tests"])
    if not tests:       # not graded at all
        tests = [{"name": "grade", "status": "error", "score": 0, "message": results["output"],
                  "test_code": "", "filename": "", "line_no": 0, "execution_time": ""}]
    status = "pass" if all(test["status"] == "pass" for test in tests) else "fail"
    if results["extra_data"].get("status") not in ("graded", None):
        status = "error"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


# ---- Gradescope packaging ------------------------------------------------------------

GRADESCOPE_FILES = ("setup.sh", "run_autograder")   # tools/autograder/, at the zip's root


def package(lab, out, *, leaderboard_on=False):
    """out/labN/ (the staff tree) and out/beta86-labN-autograder.zip."""
    out = Path(out)
    tree = out / f"lab{lab}"
    if tree.exists():
        shutil.rmtree(tree)
    stage(lab, tree, leaderboard=leaderboard_on)
    archive = out / f"beta86-lab{lab}-autograder.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for name in GRADESCOPE_FILES:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            zip_file.writestr(info, (TOOLS_DIR / "autograder" / name).read_bytes())
        for path in sorted(tree.rglob("*")):
            if path.is_file() and not path.is_symlink():
                zip_file.write(path, path.relative_to(tree).as_posix())
    return tree, archive


# ---- GitHub Classroom ------------------------------------------------------------------

CLASSROOM_RUNNER = "beta86"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def workflow(lab, staff_repo, staff_ref):
    """The Classroom workflow of lab (YAML text). One job: check out the
    submission and the staff tree (a repository holding `make autograder`'s
    labN/ directory), install the packages, grade with the overlay, report
    each test's points through Classroom's reporter."""
    runner_env = f"{CLASSROOM_RUNNER.upper()}_RESULTS"
    return f"""\
# GitHub Classroom autograding for beta86 lab {lab}; written by
# `make classroom LAB={lab}` (tools/autograde.py workflow). Put it in the
# assignment's template repository as .github/workflows/classroom.yml.
# The grade runs with the staff tree of {staff_repo} (`make autograder
# LAB={lab}` writes it: build/autograder/lab{lab}/); only the files a student
# writes in lab {lab} come from the submission.
name: Autograding Tests
"on":
  - push
  - repository_dispatch
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    name: Autograding Tests
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 60
    steps:
      - name: Check out the submission
        uses: actions/checkout@v4
        with:
          path: submission
      - name: Check out the staff tree of lab {lab}
        uses: actions/checkout@v4
        with:
          repository: {staff_repo}
          ref: {staff_ref}
          path: staff
      - name: Install the packages
        run: sudo PYTHON=/usr/bin/python3 bash staff/tools/install-deps.sh
      - name: Grade lab {lab}
        id: {CLASSROOM_RUNNER}
        run: >-
          /usr/bin/python3 staff/tools/autograde.py classroom
          --staff staff --submission submission --work "$RUNNER_TEMP/beta86"
      - name: Report the points
        uses: {REPORTER}
        env:
          {runner_env}: "${{{{ steps.{CLASSROOM_RUNNER}.outputs.result }}}}"
        with:
          runners: {CLASSROOM_RUNNER}
"""


# ---- commands ------------------------------------------------------------------------------

def labs_argument(text):
    if text == "all":
        return grader_labs()
    if not text.isdigit() or int(text) not in grader_labs():
        raise argparse.ArgumentTypeError(
            f"{text}: not a lab the grader knows ({', '.join(map(str, grader_labs()))}) "
            "or 'all'")
    return [int(text)]


def gradescope_main(args):
    """run_autograder's body: results.json is written whatever happens."""
    root = Path(os.environ.get(ROOT_VARIABLE, GRADESCOPE_ROOT))
    out = root / "results" / "results.json"
    started = time.monotonic()
    try:
        results = grade_submission(root / "source", root / "submission", root / "work",
                                   jobs=os.cpu_count() or 1, workers=args.workers)
    except Exception as error:      # a broken staff tree: say so in the result
        results = results_of(None, seconds=time.monotonic() - started,
                             output=f"the autograder failed: {error}; tell the course staff",
                             extra={"status": "autograder failed"})
        write_json(out, results)
        raise
    write_json(out, results)
    print(results["output"])
    return 0


def argument_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("stage", help="write lab N's staff tree")
    command.add_argument("--lab", type=int, required=True)
    command.add_argument("--dest", type=Path, required=True)
    command.add_argument("--leaderboard", action="store_true")
    command = commands.add_parser("package", help="write Gradescope autograder zips")
    command.add_argument("--lab", type=labs_argument, required=True, metavar="N|all")
    command.add_argument("--out", type=Path, required=True)
    command.add_argument("--leaderboard", action="store_true")
    command = commands.add_parser("prebuild", help="build a staff tree once")
    command.add_argument("--staff", type=Path, required=True)
    command.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    command = commands.add_parser("gradescope", help="run_autograder's body")
    command.add_argument("--workers", type=int, default=2)
    command = commands.add_parser("grade", help="grade one submission")
    command.add_argument("--staff", type=Path, required=True)
    command.add_argument("--submission", type=Path, required=True)
    command.add_argument("--work", type=Path, required=True)
    command.add_argument("--results", type=Path, required=True)
    command.add_argument("--jobs", type=int, default=2)
    command.add_argument("--workers", type=int, default=2)
    command = commands.add_parser("classroom", help="grade in GitHub Classroom")
    command.add_argument("--staff", type=Path, required=True)
    command.add_argument("--submission", type=Path, required=True)
    command.add_argument("--work", type=Path, default=Path("beta86-work"))
    command.add_argument("--workers", type=int, default=2)
    command = commands.add_parser("workflow", help="print lab N's Classroom workflow")
    command.add_argument("--lab", type=labs_argument, required=True)
    command.add_argument("--staff-repo", default=None,
                         help="OWNER/NAME of the staff tree's repository")
    command.add_argument("--staff-ref", default="main")
    command = commands.add_parser("points", help=argparse.SUPPRESS)
    command.add_argument("--tree", type=Path, required=True)
    command.add_argument("--lab", type=int, required=True)
    command = commands.add_parser("leaderboard", help=argparse.SUPPRESS)
    command.add_argument("--tree", type=Path, required=True)
    command.add_argument("--json", type=Path, required=True)
    return parser


def main(argv=None):
    args = argument_parser().parse_args(argv)
    try:
        if args.command == "stage":
            manifest = stage(args.lab, args.dest, leaderboard=args.leaderboard)
            print(f"lab {args.lab} staff tree in {args.dest}; the student's files: "
                  + ", ".join(manifest["student_files"]))
        elif args.command == "package":
            for lab in args.lab:
                tree, archive = package(lab, args.out, leaderboard_on=args.leaderboard)
                print(f"lab {lab}: {archive} (staff tree: {tree})")
        elif args.command == "prebuild":
            made = prebuild(args.staff, jobs=args.jobs)
            print(f"staff tree {args.staff} built in {made.seconds:.1f} s")
        elif args.command == "gradescope":
            return gradescope_main(args)
        elif args.command == "grade":
            results = grade_submission(args.staff, args.submission, args.work,
                                       jobs=args.jobs, workers=args.workers)
            write_json(args.results, results)
            print(results["output"].split("\n", 1)[0])
        elif args.command == "classroom":
            results = grade_submission(args.staff, args.submission, args.work,
                                       jobs=os.cpu_count() or 1, workers=args.workers)
            print(results["output"])
            for test in results["tests"]:
                print(f"  {test['name']}: {number(test['score'])}/{number(test['max_score'])}")
            encoded = base64.b64encode(json.dumps(classroom_result(results)).encode()).decode()
            output = os.environ.get("GITHUB_OUTPUT")
            if output:
                with open(output, "a") as file:
                    file.write(f"result={encoded}\n")
            else:
                print(f"result={encoded}")
        elif args.command == "workflow":
            (lab,) = args.lab
            repo = args.staff_repo or f"OWNER/beta86-lab{lab}-staff"
            sys.stdout.write(workflow(lab, repo, args.staff_ref))
        elif args.command == "points":
            count_points(args.tree, args.lab)
        elif args.command == "leaderboard":
            measure_leaderboard(args.tree, args.json)
    except AutogradeError as error:
        sys.exit(f"autograde: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
