"""Checks of the course staff's tools: the Gradescope autograder, the
GitHub Classroom workflow and batch grading (tools/autograde.py,
tools/grade-batch, docs/course-staff.md).

Everything runs on lab 1, the quickest lab to grade, in temporary
directories: `make autograder`'s zip unpacked into a Gradescope layout
whose root BETA86_AUTOGRADER_ROOT moves, and run_autograder run on a
passing submission, a failing one (a fresh handout), one that does not
build and one that cheats (it edits its grader, conftest, Makefile, GDB
files, kernel tests, user programs, and drops a pytest.ini, conftest.py,
GNUmakefile, sitecustomize.py at its root, while its backtrace stub
prints the lines a backtrace would show). Each results.json is checked
against the fields and types of Gradescope's documented format. The
overlay's protection is checked file by file without a build, and the
student's files come from the LAB_SOLUTION blocks for every lab the grader
knows. tools/grade-batch grades three submissions (a tarball of the
reference tree, a zip of a fresh handout, a directory that does not
build) two at a time, then again (resumed: only the changed one).

These tests carry no points; they are marked ``unit`` (so `make grade`
leaves them out and `make test` runs them).
"""

import base64
import csv
import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

import qemu

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import autograde  # noqa: E402  (tools/autograde.py)

# The staff's tools make staff trees from the reference tree; a student's
# tree (a handout: its Makefile has no staff targets) has nothing to make
# them from.
pytestmark = [pytest.mark.unit,
              pytest.mark.skipif("\nautograder:" not in (ROOT / "Makefile").read_text(),
                                 reason="a handout tree: the course staff's tools need main")]

LAB = 1
STUDENT_FILE = "kernel/debug/backtrace.c"
PYTHON = "/usr/bin/python3"
RUN_TIMEOUT = 600           # s; a guard, the runs take seconds

# Gradescope's results.json, as its autograder specification documents it:
# each field and the types it may have.
NUMBER = (int, float)
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
TOP_FIELDS = {"score": NUMBER, "execution_time": NUMBER, "output": str,
              "output_format": str, "test_output_format": str, "test_name_format": str,
              "visibility": str, "stdout_visibility": str, "extra_data": dict,
              "tests": list, "leaderboard": list}
TEST_FIELDS = {"score": NUMBER, "max_score": NUMBER, "status": str, "name": str,
               "name_format": str, "number": str, "output": str, "output_format": str,
               "tags": list, "visibility": str, "extra_data": dict}
LEADERBOARD_FIELDS = {"name": str, "value": NUMBER + (str,), "order": str}


def check_fields(record, fields, what):
    for key, value in record.items():
        assert key in fields, f"{what}: {key!r} is not a documented field"
        assert isinstance(value, fields[key]) and not isinstance(value, bool), \
            f"{what}: {key} is {value!r}, not of type {fields[key]}"


def validate_results(results, *paths):
    """results.json follows Gradescope's format; no path of this machine in it."""
    check_fields(results, TOP_FIELDS, "results.json")
    for key in ("score", "execution_time", "output", "stdout_visibility", "tests"):
        assert key in results, f"results.json has no {key}"
    assert results["stdout_visibility"] in VISIBILITIES
    for test in results["tests"]:
        check_fields(test, TEST_FIELDS, f"test {test.get('name')!r}")
        for key in ("name", "score", "max_score", "status", "output", "tags", "visibility"):
            assert key in test, f"test {test.get('name')!r} has no {key}"
        assert test["status"] in ("passed", "failed")
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0 == test["score"]
        assert test["visibility"] in VISIBILITIES
        assert test["tags"] == [f"lab {LAB}"]
    assert results["score"] == sum(test["score"] for test in results["tests"])
    for entry in results.get("leaderboard", []):
        check_fields(entry, LEADERBOARD_FIELDS, "leaderboard entry")
        assert entry.get("order", "desc") in ("asc", "desc")
    text = json.dumps(results)
    for path in paths:
        assert str(path) not in text, f"results.json names a path of this machine: {path}"


def max_score(results):
    return sum(test["max_score"] for test in results["tests"])


# ---- submissions (lab 1) -------------------------------------------------------

@pytest.fixture(scope="session")
def course_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("course")


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory):
    """A directory all xdist workers of this run share, and a lock for
    making what they share in it once: the parent of a worker's base
    directory; without xdist the base directory itself (its parent holds
    every earlier run's, and a build made by one of them must not be
    taken for this run's)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(shared_dir, name, make):
    """Run make(path) once for all xdist workers (under a lock), unless
    shared_dir/name is there already; returns the path."""
    path = shared_dir / name
    with open(shared_dir / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared_dir / f"{name}.done").exists():
            shutil.rmtree(path, ignore_errors=True)
            make(path)
            (shared_dir / f"{name}.done").write_text("")
    return path


def make_autograder(build):
    # BUILD relative to the repository, as the default build/ is: the
    # staff tree's path must work from inside it too (autograde.py runs its
    # points count there).
    relative = os.path.relpath(build, ROOT)
    subprocess.run(["make", "-s", "autograder", f"LAB={LAB}", f"BUILD={relative}"], cwd=ROOT,
                   check=True, capture_output=True, timeout=RUN_TIMEOUT)


@pytest.fixture(scope="session")
def autograder_zip(shared_dir):
    """`make autograder LAB=1`'s zip, made once."""
    build = made_once(shared_dir, "course-build", make_autograder)
    return build / "autograder" / f"beta86-lab{LAB}-autograder.zip"


@pytest.fixture(scope="session")
def fresh_handout(course_dir):
    dest = course_dir / "handout"
    subprocess.run([PYTHON, "labs/handout.py", "--lab", str(LAB), "--dest", str(dest)],
                   cwd=ROOT, check=True, capture_output=True)
    return dest


def solved_file():
    """backtrace.c as a student who solved lab 1 has it: no markers left
    (the handout of lab 2 writes it so)."""
    handout = autograde.handout_module()
    parsed = handout.parse_marked_source((ROOT / STUDENT_FILE).read_text(), STUDENT_FILE)
    return handout.render_for_lab(parsed, LAB + 1, handout.Summary())


BROKEN = "\nint lab1_broken(void) { return }\n"

# A stub that prints the frames a test expects, computed from nothing.
FAKE_WALK = r"""
int backtrace_walk(uint32_t ebp, uint32_t *pcs, int max)
{
	printf("  #1 0x00101234 bt_ping+0x14\n  #2 0x00101278 bt_pong+0x14\n");
	printf("  #3 0x00103456 ktest_backtrace+0x22\n  #4 0x00104567 run_init+0x31\n");
	printf("  #5 0x00100789 kmain+0x5c\n  #6 0x0010000c _start+0xc\n");
	return 0;
}
"""

# What a cheating tree edits, besides its own file: path -> new content.
CHEATS = {
    "grader/test_lab1_backtrace.py": "import pytest\n\n@pytest.mark.points(64)\n"
                                     "def test_everything():\n    \"\"\"all\"\"\"\n",
    "grader/test_lab1_boot.py": "",
    "grader/test_lab1_gdb.py": "",
    "grader/conftest.py": "def pytest_collection_modifyitems(items):\n    items[:] = []\n",
    "grader/qemu.py": "raise SystemExit(0)\n",
    "Makefile": "all:\n\ttrue\ngrade:\n\techo Score: 64/64\n",
    ".gdbinit": "echo cheat\\n\nquit\n",
    "tools/gdb/beta86.py": "import sys; sys.exit(0)\n",
    "tools/bench.py": "print('cheat')\n",
    "tools/install-deps.sh": "exit 0\n",
    "kernel/tests/lab1_tests.c": "/* the expected output, printed */\n",
    "user/echo.c": "int main(void) { return 0; }\n",
    "lib/lab.h": "#define LAB_SOLUTION(n) 1\n",
    "labs/handout.py": "raise SystemExit(0)\n",
    "autograder.json": '{"version": 1, "lab": 1, "student_files": ["grader/conftest.py"]}\n',
    "conftest.py": "import pytest\n",
    "pytest.ini": "[pytest]\naddopts = -p no:beta86\n",
    "setup.cfg": "[tool:pytest]\naddopts = -x\n",
    "GNUmakefile": "all:\n\ttrue\n",
    "makefile": "all:\n\ttrue\n",
    "sitecustomize.py": "raise SystemExit(0)\n",
    "pytest.py": "raise SystemExit(0)\n",
    ".env": "PYTEST_ADDOPTS=-p no:beta86\n",
}


def cheating_tree(fresh_handout, dest):
    shutil.copytree(fresh_handout, dest)
    for relative, text in CHEATS.items():
        (dest / relative).write_text(text)
    source = (dest / STUDENT_FILE).read_text()
    start = source.index("int backtrace_walk(")
    end = source.index("\n}\n", start) + 3
    (dest / STUDENT_FILE).write_text(source[:start] + FAKE_WALK.lstrip("\n") + source[end:])
    return dest


# ---- the staff tree and the overlay (no build) ------------------------------------

@pytest.fixture(scope="session")
def staff_tree(autograder_zip):
    """Lab 1's staff tree, as `make autograder` left it next to its zip."""
    return autograder_zip.parent / f"lab{LAB}"


def test_student_files_come_from_the_lab_blocks_for_every_lab(tmp_path, staff_tree):
    """for every lab the grader knows, the student's files are exactly the
    files holding that lab's LAB_SOLUTION blocks, and a staff tree builds
    with its lab counted as done (HANDOUT_LAB of the next lab); lab 1's
    staff tree is its handout, with the manifest"""
    handout = autograde.handout_module()
    labs_of = {}
    for relative in handout.tree_files(ROOT):
        if handout.is_marked_source(relative):
            parsed = handout.parse_marked_source((ROOT / relative).read_text(), relative)
            for block in parsed.blocks:
                labs_of.setdefault(block.lab, set()).add(relative)
    labs = autograde.grader_labs()
    assert LAB in labs and len(labs) >= 6
    main_makefile = (ROOT / "Makefile").read_text()
    for lab in labs:
        assert handout.student_files(ROOT, lab) == sorted(labs_of[lab])
        makefile = tmp_path / f"Makefile.lab{lab}"
        makefile.write_text(handout.set_handout_lab(main_makefile, lab))
        autograde.as_done(makefile, lab)
        assert f"\nHANDOUT_LAB := {lab + 1}\n" in makefile.read_text(), \
            "graded as the next lab's handout builds: with lab N done"
    manifest = autograde.read_manifest(staff_tree)
    assert manifest["lab"] == LAB and manifest["student_files"] == [STUDENT_FILE]
    assert manifest["max_score"] > 0
    staged = (staff_tree / STUDENT_FILE).read_text()
    assert "LAB_SOLUTION" not in staged and f"LAB {LAB}: your code here" in staged, \
        "the staff tree is the lab's handout: no solution of the lab in it"
    assert f"\nHANDOUT_LAB := {LAB + 1}\n" in (staff_tree / "Makefile").read_text()


def test_a_lab_grade_has_its_tests_from_every_file(tmp_path):
    """the grade of lab 2 collects lab 2's tests wherever they are, among
    them the switch budget of test_lab3_bench.py (marked lab 2), and no
    other lab's"""
    ini = tmp_path / "pytest.ini"
    ini.write_text(autograde.PYTEST_INI)
    command = autograde.grader_command(ROOT, 2, ini, 1)
    command[command.index("-n") + 1] = "0"
    listed = subprocess.run(command + ["--collect-only"], cwd=ROOT, capture_output=True,
                            text=True, env=autograde.clean_environment()).stdout
    tests = [line for line in listed.splitlines() if "::" in line]
    assert any(line.startswith("grader/test_lab3_bench.py::") for line in tests), listed
    assert any(line.startswith("grader/test_lab2_threads.py::") for line in tests)
    assert not any(line.startswith(("grader/test_lab1_", "grader/test_lab6_")) for line in tests)


def test_overlay_takes_only_the_student_file_from_a_cheating_tree(tmp_path, fresh_handout,
                                                                  staff_tree):
    """the overlay keeps the staff's grader, conftest, Makefile, GDB files,
    kernel tests, user programs and tools; adds none of a submission's
    pytest.ini, conftest.py, GNUmakefile, sitecustomize.py; takes its file"""
    staff = staff_tree
    submission = cheating_tree(fresh_handout, tmp_path / "cheater")
    scratch = tmp_path / "scratch"
    taken = autograde.overlay(staff, submission, scratch, autograde.read_manifest(staff))
    assert taken.taken == 1 and taken.notes == [f"{STUDENT_FILE}: from your submission"]
    assert (scratch / STUDENT_FILE).read_bytes() == (submission / STUDENT_FILE).read_bytes()
    for relative in CHEATS:
        if (staff / relative).exists():
            assert (scratch / relative).read_bytes() == (staff / relative).read_bytes(), \
                f"{relative} came from the submission"
        else:
            assert not (scratch / relative).exists(), f"{relative} came from the submission"
    staff_files = {p.relative_to(staff) for p in staff.rglob("*") if p.is_file()}
    scratch_files = {p.relative_to(scratch) for p in scratch.rglob("*") if p.is_file()}
    assert scratch_files == staff_files


def test_overlay_finds_the_file_nested_flat_or_not_at_all(tmp_path, staff_tree):
    """a tree inside a folder, a flat upload of the file, a missing file, a
    member named outside its archive and a symbolic link (never followed)
    are each located or refused, and said"""
    staff = staff_tree
    manifest = autograde.read_manifest(staff)
    cases = {"nested": ("beta86-lab1/" + STUDENT_FILE, "from your submission (as beta86-lab1/"),
             "flat": ("backtrace.c", "from your submission (as backtrace.c)"),
             "missing": ("README.md", "not in your submission; graded the handout's")}
    for name, (path, note) in cases.items():
        submission = tmp_path / name
        (submission / path).parent.mkdir(parents=True)
        (submission / path).write_text(solved_file())
        taken = autograde.overlay(staff, submission, tmp_path / f"{name}-tree", manifest)
        assert taken.notes[0].startswith(f"{STUDENT_FILE}: {note}"), taken.notes
    escaping = tmp_path / "escaping.tar"
    with tarfile.open(escaping, "w") as archive:
        archive.add(ROOT / STUDENT_FILE, arcname="../" + STUDENT_FILE)
    taken = autograde.overlay(staff, escaping, tmp_path / "escaping-tree", manifest)
    assert "not in your submission" in taken.notes[0], "a name outside the archive is no file"
    link = tmp_path / "link" / STUDENT_FILE
    link.parent.mkdir(parents=True)
    link.symlink_to(ROOT / STUDENT_FILE)
    taken = autograde.overlay(staff, tmp_path / "link", tmp_path / "link-tree", manifest)
    assert "not a regular file" in taken.notes[0] and taken.taken == 0
    assert (tmp_path / "link-tree" / STUDENT_FILE).read_text() == \
        (staff / STUDENT_FILE).read_text()


def test_port_ranges_are_split_between_a_grades_workers(monkeypatch):
    """BETA86_PORTS gives a grade its ports, and each xdist worker its slice"""
    monkeypatch.setenv("BETA86_PORTS", "21000-21063")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    assert qemu.own_port_range() == (21032, 21063)
    assert all(21032 <= qemu.unused_tcp_port() <= 21063 for _ in range(40))
    monkeypatch.delenv("BETA86_PORTS")
    assert qemu.own_port_range() is None


# ---- Gradescope: run_autograder in a temporary /autograder --------------------------------

@pytest.fixture(scope="session")
def gradescope_image(shared_dir, autograder_zip):
    """What Gradescope's image holds after setup.sh: the zip unpacked in
    ROOT/source, run_autograder copied to ROOT, setup.sh run once (it
    installs what is missing, then builds the staff tree). ROOT is moved
    with BETA86_AUTOGRADER_ROOT. Made once for all xdist workers. Returns
    (ROOT, setup.sh's exit status and output)."""
    def make(root):
        with zipfile.ZipFile(autograder_zip) as archive:
            archive.extractall(root / "source")
        for name in ("run_autograder", "setup.sh"):
            (root / "source" / name).chmod(0o755)
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        env = dict(os.environ, BETA86_AUTOGRADER_ROOT=str(root))
        setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root, env=env,
                               capture_output=True, text=True, timeout=RUN_TIMEOUT)
        (root / "setup.json").write_text(json.dumps([setup.returncode,
                                                     setup.stdout + setup.stderr]))
    root = made_once(shared_dir, "course-image", make)
    return root, json.loads((root / "setup.json").read_text())


def gradescope_root(tmp_path, gradescope_image, submission):
    """A copy of the image with submission/ (a copy of the submission)."""
    image, (status, output) = gradescope_image
    assert status == 0, output
    root = tmp_path / "autograder"
    shutil.copytree(image, root, symlinks=True)
    if submission.is_dir():
        shutil.copytree(submission, root / "submission")
    else:
        (root / "submission").mkdir()
        shutil.copy(submission, root / "submission")
    return root


def run_autograder(root):
    env = dict(os.environ, BETA86_AUTOGRADER_ROOT=str(root))
    subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True,
                   timeout=RUN_TIMEOUT)
    results = json.loads((root / "results" / "results.json").read_text())
    validate_results(results, root, ROOT, tempfile.gettempdir())
    return results


def test_autograder_zip_has_the_gradescope_layout_and_setup_builds(autograder_zip,
                                                                   gradescope_image):
    """the zip has setup.sh and run_autograder (executable) at its root and
    the staff tree; setup.sh, run in a moved root, installs and builds"""
    with zipfile.ZipFile(autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    for name in ("setup.sh", "run_autograder"):
        assert name in infos and (infos[name].external_attr >> 16) & 0o111, name
    for name in ("autograder.json", "Makefile", "grader/conftest.py", "tools/autograde.py",
                 STUDENT_FILE, "tools/install-deps.sh"):
        assert name in infos, f"{name} not in the zip"
    root, (status, output) = gradescope_image
    assert status == 0, output
    assert f"beta86 autograder ready: lab {LAB}" in output
    assert (root / "source" / "build" / "kernel.elf").is_file()


def test_gradescope_passing_submission_scores_full(tmp_path, gradescope_image):
    """a solved lab 1 (its file inside a folder) scores every point"""
    submission = tmp_path / "upload" / "beta86-lab1"
    (submission / STUDENT_FILE).parent.mkdir(parents=True)
    (submission / STUDENT_FILE).write_text(solved_file())
    results = run_autograder(gradescope_root(tmp_path, gradescope_image, tmp_path / "upload"))
    assert results["score"] == max_score(results) > 0, results["output"]
    assert results["extra_data"]["max_score"] == max_score(results), \
        "the staff tree's count of the lab's points is the grade's"
    assert all(test["status"] == "passed" for test in results["tests"])
    assert results["output"].startswith(f"beta86 lab {LAB}: ")
    assert f"{STUDENT_FILE}: from your submission (as beta86-lab1/" in results["output"]


def test_gradescope_fresh_handout_scores_nothing(tmp_path, gradescope_image, fresh_handout):
    """a fresh lab 1 handout scores 0, each failed test saying why"""
    results = run_autograder(gradescope_root(tmp_path, gradescope_image, fresh_handout))
    assert results["score"] == 0 and max_score(results) > 0
    failed = [test for test in results["tests"] if test["status"] == "failed"]
    assert failed and all(test["output"] for test in failed)


def test_gradescope_build_failure_reports_the_compilers_errors(tmp_path, gradescope_image):
    """a file that does not compile (uploaded alone) gives a results.json
    whose output is the compiler's first errors"""
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "backtrace.c").write_text(solved_file() + BROKEN)
    results = run_autograder(gradescope_root(tmp_path, gradescope_image, upload))
    assert results["score"] == 0
    assert "did not build" in results["output"]
    assert "kernel/debug/backtrace.c:" in results["output"] and "error:" in results["output"]
    assert [test["name"] for test in results["tests"]] == ["the kernel builds"]
    assert results["extra_data"]["max_score"] > 0, "out of the lab's points, not of none"


def test_gradescope_cheating_submission_scores_low(tmp_path, gradescope_image, fresh_handout):
    """a tree that edits its grader and the rest, with a stub printing the
    lines the tests expect, is graded by the staff's grader and scores low"""
    cheater = cheating_tree(fresh_handout, tmp_path / "cheater")
    results = run_autograder(gradescope_root(tmp_path, gradescope_image, cheater))
    assert len(results["tests"]) > 10, "the staff's tests ran, not the submission's one"
    assert results["score"] < max_score(results) / 2, results["output"]
    assert "test_everything" not in json.dumps(results)


# ---- leaderboard and Classroom ------------------------------------------------------------

def test_leaderboard_has_the_bench_figures(tmp_path):
    """the leaderboard gives the fastest context switch and null system
    call of a built tree, lower is better, in Gradescope's format"""
    out = tmp_path / "leaderboard.json"
    autograde.measure_leaderboard(ROOT, out)
    entries = json.loads(out.read_text())
    assert [entry["name"] for entry in entries] == [name for name, _ in autograde.LEADERBOARD]
    assert all(entry["order"] == "asc" and entry["value"] > 0 for entry in entries)
    results = autograde.results_of(LAB, seconds=1, output="", leaderboard_entries=entries)
    validate_results(results)


def workflow(tmp_path):
    import yaml
    subprocess.run(["make", "-s", "classroom", f"LAB={LAB}", "STAFF_REPO=course/lab1-staff",
                    "STAFF_REF=v1", f"BUILD={tmp_path}"], cwd=ROOT, check=True,
                   capture_output=True)
    return yaml.safe_load((tmp_path / "classroom" / f"lab{LAB}.yml").read_text())


def test_classroom_workflow_parses_and_names_the_right_commands(tmp_path):
    """make classroom's workflow: one job that checks out the submission
    and the staff tree, installs the packages, grades with the overlay and
    hands each test's points to Classroom's reporter"""
    flow = workflow(tmp_path)
    assert set(flow["on"]) >= {"push"}
    (job,) = flow["jobs"].values()
    assert job["name"] == "Autograding Tests"      # the check run the reporter updates
    steps = job["steps"]
    checkouts = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    paths = {step["with"]["path"]: step["with"] for step in checkouts}
    assert set(paths) == {"submission", "staff"}
    assert paths["staff"]["repository"] == "course/lab1-staff" and paths["staff"]["ref"] == "v1"
    runs = [step["run"] for step in steps if "run" in step]
    assert any("staff/tools/install-deps.sh" in run for run in runs)
    (grading,) = [step for step in steps if "autograde.py" in step.get("run", "")]
    words = shlex.split(grading["run"].replace("$RUNNER_TEMP", "/tmp"))
    assert words[1] == "staff/tools/autograde.py"
    args = autograde.argument_parser().parse_args(words[2:])
    assert (args.command, str(args.staff), str(args.submission)) == \
        ("classroom", "staff", "submission")
    (report,) = [step for step in steps if "autograding-grading-reporter" in step.get("uses", "")]
    runner = report["with"]["runners"]
    assert runner == grading["id"]
    assert report["env"][f"{runner.upper()}_RESULTS"] == \
        f"${{{{ steps.{runner}.outputs.result }}}}"


def test_classroom_result_has_each_tests_points():
    """the Classroom result (base64 JSON for the reporter): version 1, the
    max score, each test's score, pass or fail"""
    tests = [{"name": "a", "score": 3, "max_score": 5, "status": "failed", "output": "why",
              "tags": ["lab 1"], "visibility": "visible"},
             {"name": "b", "score": 2, "max_score": 2, "status": "passed", "output": "",
              "tags": ["lab 1"], "visibility": "visible"}]
    results = autograde.results_of(LAB, seconds=1, output="", tests=tests,
                                   extra={"status": "graded"})
    result = json.loads(base64.b64decode(base64.b64encode(
        json.dumps(autograde.classroom_result(results)).encode())))
    assert result["version"] == 1 and result["max_score"] == 7 and result["status"] == "fail"
    assert [(t["name"], t["score"], t["status"]) for t in result["tests"]] == \
        [("a", 3, "fail"), ("b", 2, "pass")]
    assert result["tests"][0]["message"] == "why"


# ---- batch grading --------------------------------------------------------------------------

def reference_tarball(path):
    """The reference tree as a student's tarball: its tracked files."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split("\0")
    with tarfile.open(path, "w:gz") as archive:
        for name in filter(None, names):
            if (ROOT / name).is_file():
                archive.add(ROOT / name, arcname=f"beta86/{name}")


def zipped(tree, path):
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(tree.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(tree).as_posix())


def grade_batch(folder, out, staff):
    return subprocess.run([PYTHON, str(ROOT / "tools" / "grade-batch"), str(folder),
                           "--staff", str(staff), "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)


def test_grade_batch_grades_a_folder_and_resumes(tmp_path, fresh_handout, gradescope_image):
    """grade-batch grades a tarball, a zip and a directory two at a time,
    writes the gradebook and reports, and a re-run grades only what changed
    (with lab 1's staff tree, built: Gradescope's, shared)"""
    image, (status, output) = gradescope_image
    assert status == 0, output
    staff = tmp_path / "staff"
    shutil.copytree(image / "source", staff, symlinks=True)
    folder, out = tmp_path / "submissions", tmp_path / "grades"
    folder.mkdir()
    reference_tarball(folder / "alice.tar.gz")
    zipped(fresh_handout, folder / "bob.zip")
    shutil.copytree(fresh_handout, folder / "carol")
    (folder / "carol" / STUDENT_FILE).write_text(solved_file() + BROKEN)
    run = grade_batch(folder, out, staff)
    assert run.returncode == 0, run.stderr
    assert "3 grades to do, 0 already done" in run.stderr
    assert run.stderr.count("ETA") == 3          # no terminal: one plain line per grade
    with open(out / "gradebook.csv") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    book = {row["student"]: row for row in json.loads((out / "gradebook.json").read_text())}
    possible = book["alice"]["max_score"]
    assert possible > 0 and book["alice"]["score"] == possible
    assert book["bob"]["score"] == 0 and book["bob"]["status"] == "graded"
    assert book["carol"]["status"] == "build failed" and book["carol"]["max_score"] == possible
    assert float(rows["alice"]["score"]) == possible and rows["carol"]["score"] == "0"
    backtrace_column = next(c for c in rows["alice"] if "backtrace walks the real call" in c)
    assert float(rows["alice"][backtrace_column]) > 0 == float(rows["bob"][backtrace_column])
    assert all(float(book[s]["seconds"]) > 0 for s in book)
    for student in ("alice", "bob", "carol"):
        report = (out / "reports" / f"{student}.txt").read_text()
        validate_results(json.loads((out / "results" / student / "lab1.json").read_text()),
                         tmp_path, ROOT)
        assert f"beta86 lab {LAB}" in report and str(tmp_path) not in report
    assert "error:" in (out / "reports" / "carol.txt").read_text()
    # Resumed: carol's file changed, the others are skipped.
    (folder / "carol" / STUDENT_FILE).write_text(solved_file() + BROKEN + "/* again */\n")
    again = grade_batch(folder, out, staff)
    assert again.returncode == 0, again.stderr
    assert "1 grades to do, 2 already done" in again.stderr and "carol lab 1" in again.stderr


def load_grade_batch():
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("grade_batch",
                                                  str(ROOT / "tools" / "grade-batch"))
    spec = importlib.util.spec_from_loader("grade_batch", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_grade_batch_progress_is_a_bar_on_a_terminal_and_lines_elsewhere():
    """on a terminal, one bar redrawn with the count and an ETA; without
    one (CI), a plain line per finished grade"""
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    grade_batch = load_grade_batch()
    shown = Terminal()
    bar = grade_batch.Progress(2, stream=shown)
    bar.finished("alice lab 1: 64/64")
    bar.finished("bob lab 1: 0/64")
    assert shown.getvalue().count("\r[") == 2 and "2/2  ETA" in shown.getvalue()
    assert shown.getvalue().endswith("\n") and shown.getvalue().count("\n") == 1
    plain = io.StringIO()
    lines = grade_batch.Progress(2, stream=plain)
    lines.finished("alice lab 1: 64/64")
    lines.finished("bob lab 1: 0/64")
    assert plain.getvalue().splitlines()[0].startswith("grade-batch: 1/2 alice lab 1: 64/64; ETA ")
    assert "\r" not in plain.getvalue() and len(plain.getvalue().splitlines()) == 2
