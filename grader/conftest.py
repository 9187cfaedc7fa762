"""pytest setup for the beta86 grader: the `boot` fixture, points, the grade.

A lab test boots the kernel (``build/kernel.elf``, built by ``make``) with a
command line and checks what it printed on the serial console::

    import pytest

    @pytest.mark.points(5)
    def test_backtrace(boot):
        \"\"\"backtrace names the functions on the stack\"\"\"
        run = boot("seed=7 init=backtrace")       # runs until QEMU exits
        run.expect_exit("failure")                # or raises, saying why
        assert "kmain+0x" in run.output           # all output, "\\n" line ends

    def test_console_echo(boot):                  # interactive (pexpect)
        run = boot("init=sh", wait=False)
        run.expect(r"\\$ ")                        # a regex; returns the match
        run.sendline("echo hello")                # types it, then Enter
        run.expect_exact("\\nhello\\n")             # the command's output line

``boot(cmdline, *, wait=True, extra_args=(), kernel=None, budget=...,
firmware=...)`` returns a ``qemu.Run`` (see grader/qemu.py): ``.output``,
``.lines``, ``.kind`` ("success", "failure", "triple-fault", "hang",
"crash"), ``.status``, ``.log_path``, ``expect()``, ``expect_exact()``,
``send()``, ``sendline()``, ``wait_exit()``, ``expect_exit(kind)``,
``explain()``. A hang is found in virtual time: a kernel silent for
``budget`` virtual ns (qemu.SILENCE_BUDGET) while the test waits is stopped,
and the report says what it was doing and where; ``timeout=`` arguments are
only wall-clock last guards. `extra_args` go to QEMU (e.g.
``("-S", "-gdb", f"tcp::{qemu.unused_tcp_port()}")``). Every QEMU started by a
test is killed when the test ends. When a test fails, its report shows each
run's serial log path, last output, how it ended (a triple fault explained
from QEMU's exception log, a hang, a panic) and the decoded kernel addresses.

Marks: ``points(n)`` (graded), ``lab(n)`` (default: N from test_labN_*.py),
``unit``. Fixtures besides `boot`: ``kernel_dir``, ``kernel_elf``, and ``rng``
(a random.Random from the session seed, shown in the header; ``--seed N``
repeats a run's choices). Options: ``--kernel-dir DIR``, ``--lab N``,
``--grade-json FILE`` (Gradescope-style results), ``--seed N``; JUnit XML is
pytest's own ``--junitxml`` (the Makefile sets ``junit_family=xunit2``, the
family that conforms to Jenkins' strict junit-10.xsd).
At the end: each lab's tests with their points, ``Score: X/Y``, and one last
line ``N passed, M failed``. The exit status is non-zero unless the score is
full and every test passed.
"""

import json
import random
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import pytest

GRADER_DIR = Path(__file__).resolve().parent
if str(GRADER_DIR) not in sys.path:
    sys.path.insert(0, str(GRADER_DIR))

import qemu  # noqa: E402  (grader/qemu.py, found through the path above)

RUNS_OF_TEST = pytest.StashKey[list]()
USED_RNG = pytest.StashKey[bool]()
SESSION_SEED = pytest.StashKey[int]()
LAB_MODULE = re.compile(r"^test_lab(\d+)_")


# ---- options and marks -------------------------------------------------------

def pytest_addoption(parser):
    group = parser.getgroup("beta86", "beta86 grader")
    group.addoption("--kernel-dir", metavar="DIR", default=str(GRADER_DIR.parent),
                    help="tree whose build/kernel.elf is tested "
                         "(default: the repository of this grader)")
    group.addoption("--lab", type=int, metavar="N", default=None,
                    help="run only lab N's tests (and tests of no lab)")
    group.addoption("--grade-json", metavar="FILE", default=None,
                    help="write the results as JSON for an autograder "
                         "(Gradescope's results.json shape)")
    group.addoption("--seed", type=int, metavar="N", default=None,
                    help="seed of the tests' random choices (the `rng` "
                         "fixture); default: a fresh one, shown in the header")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): the test is worth n points")
    config.addinivalue_line("markers", "lab(n): the test belongs to lab n")
    config.addinivalue_line("markers", "unit: a host-side unit test")
    if hasattr(config, "workerinput"):       # an xdist worker
        config.stash[SESSION_SEED] = config.workerinput["beta86_seed"]
    else:                                    # the controller, or no xdist
        seed = config.getoption("seed")
        if seed is None:
            seed = random.SystemRandom().randrange(1, 2**32)
        config.stash[SESSION_SEED] = seed
        config.pluginmanager.register(GradeBook(config), "beta86-gradebook")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: every worker uses the controller's seed."""
    node.workerinput["beta86_seed"] = node.config.stash[SESSION_SEED]


def pytest_report_header(config):
    seed = config.stash[SESSION_SEED]
    return f"beta86: random seed {seed} (repeat this run with --seed {seed})"


def lab_of(item):
    """The test's lab: its lab(n) mark, else N of test_labN_*.py, else None."""
    marker = item.get_closest_marker("lab")
    if marker is not None:
        return int(marker.args[0])
    match = LAB_MODULE.match(item.path.name)
    return int(match.group(1)) if match else None


def points_of(item):
    marker = item.get_closest_marker("points")
    return marker.args[0] if marker is not None else 0


def description_of(item):
    """First line of the test's docstring (with parameters), else its name."""
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    lines = doc.strip().splitlines()
    if not lines:
        return item.name
    callspec = getattr(item, "callspec", None)
    return lines[0].strip() + (f" [{callspec.id}]" if callspec else "")


def pytest_collection_modifyitems(config, items):
    lab = config.getoption("lab")
    if lab is None:
        return
    selected = [item for item in items if lab_of(item) in (None, lab)]
    deselected = [item for item in items if lab_of(item) not in (None, lab)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# ---- fixtures ------------------------------------------------------------------

@pytest.fixture(scope="session")
def kernel_dir(pytestconfig):
    """The tree under test (--kernel-dir): its build/kernel.elf is booted."""
    return Path(pytestconfig.getoption("kernel_dir")).resolve()


@pytest.fixture(scope="session")
def kernel_elf(kernel_dir):
    """build/kernel.elf, which must exist (the Makefile builds it)."""
    return existing_kernel(kernel_dir / "build" / "kernel.elf")


@pytest.fixture
def rng(request):
    """A random.Random for the test's own choices (seeds, sizes, words), so
    that an answer printed from memory cannot pass. It depends only on the
    session seed (--seed) and the test's name, not on test order or xdist."""
    request.node.stash[USED_RNG] = True
    seed = request.config.stash[SESSION_SEED]
    return random.Random(f"{seed}/{request.node.nodeid}")


@pytest.fixture(scope="session")
def grade_log_dir(kernel_dir):
    """Where serial and QEMU logs go: build/grade/ of the tree under test."""
    return kernel_dir / "build" / "grade"


def existing_kernel(path):
    if not Path(path).is_file():
        pytest.fail(f"no kernel to test: {path} does not exist. Build it first "
                    "(`make`), or point --kernel-dir at a built tree.",
                    pytrace=False)
    return Path(path)


def log_name(nodeid):
    """A file name for a test's logs, unique per test (also under xdist)."""
    name = nodeid.rsplit("/", 1)[-1].replace(".py::", ".").replace("::", ".")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:120]
    if "[" in nodeid:   # parameter ids may lose characters: keep them apart
        safe += f"-{zlib.crc32(nodeid.encode()):08x}"
    return safe


@pytest.fixture
def boot(request, kernel_dir, grade_log_dir):
    """boot(cmdline, *, wait=True, timeout=qemu.WALL_GUARD, extra_args=(),
    kernel=None, budget=qemu.SILENCE_BUDGET, firmware=qemu.DEFAULT_FIRMWARE):
    start QEMU on the kernel with `cmdline`. With wait=True, run it until
    QEMU exits or hangs and return the ended qemu.Run; with wait=False,
    return the live Run to drive it (expect/sendline). A run that prints
    nothing for `budget` virtual ns while the test waits is hung; `timeout`
    is only a wall-clock last guard. `kernel` replaces build/kernel.elf (the
    grader's self-tests use it); `firmware="seabios"` boots QEMU's default
    firmware (for the VGA screen and the keyboard, see qemu.FIRMWARE)."""
    runs = request.node.stash.setdefault(RUNS_OF_TEST, [])

    def start(cmdline="", *, wait=True, timeout=qemu.WALL_GUARD, extra_args=(),
              kernel=None, budget=qemu.SILENCE_BUDGET,
              firmware=qemu.DEFAULT_FIRMWARE):
        if kernel is None:
            elf, source_root = kernel_dir / "build" / "kernel.elf", kernel_dir
        else:
            elf, source_root = Path(kernel), None
        existing_kernel(elf)
        name = log_name(request.node.nodeid)
        if runs:
            name += f"-{len(runs) + 1}"
        run = qemu.Run(elf, cmdline, log_path=grade_log_dir / f"{name}.serial.log",
                       extra_args=extra_args, source_root=source_root,
                       budget=budget, firmware=firmware)
        runs.append(run)
        if wait:
            run.wait_exit(timeout)
        return run

    yield start
    for run in runs:
        run.close()


# ---- failure reports -------------------------------------------------------------

@pytest.fixture
def gdb_boot(boot, kernel_dir):
    """gdb_boot(cmdline) -> (qemu.Run, GdbSession): QEMU halted with a GDB
    stub, and real GDB attached through the tree's .gdbinit (see
    grader/gdb_session.py). Both are ended when the test ends."""
    import gdb_session
    yield from gdb_session.boot_with_gdb(boot, kernel_dir)


def run_sections(run, already_shown):
    """(title, text) sections that show what one QEMU run did, leaving out
    what `already_shown` (the failure message) says."""
    sections = [("serial log", f"{qemu.shown_path(run.log_path)}\n"
                               f"QEMU command: {run.command_line()}")]
    explanation = run.explain() if run.kind is not None else ""
    output = qemu.last_lines(run.output)
    if output not in explanation:
        sections.append(("last output", output))
    if explanation and explanation.splitlines()[0] not in already_shown:
        sections.append(("what happened", explanation))
    decoded = "\n".join(str(address) for address in
                        qemu.decode_addresses(run.output, run.kernel,
                                              run.source_root))
    if decoded and not all(line in explanation for line in decoded.splitlines()):
        sections.append(("decoded addresses", decoded))
    return sections


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # The grade's facts ride on the report itself: xdist carries a report's
    # plain attributes to the controller. (As user_properties they would
    # become <properties> of each JUnit <testcase>, which Jenkins' strict
    # schema forbids.)
    report.beta86 = {"description": description_of(item), "lab": lab_of(item),
                     "points": points_of(item)}
    if not report.failed:
        return
    if item.stash.get(USED_RNG, False):
        seed = item.config.stash[SESSION_SEED]
        report.sections.append(("random choices", f"from --seed {seed}: add "
                                f"--seed {seed} (make grade PYTEST_ARGS=\"--seed "
                                f"{seed}\") to make the same choices again"))
    runs = item.stash.get(RUNS_OF_TEST, [])
    for number, run in enumerate(runs, start=1):
        prefix = f"QEMU run {number} ({run.cmdline!r}): " if len(runs) > 1 else "QEMU: "
        for title, text in run_sections(run, report.longreprtext):
            report.sections.append((prefix + title, text))


def pytest_sessionfinish(session):
    qemu.kill_all_runs()


# ---- the grade -----------------------------------------------------------------------

@dataclass
class TestResult:
    """One test's outcome, gathered from its setup/call/teardown reports."""
    nodeid: str
    location: tuple
    lab: Optional[int] = None
    points: float = 0
    description: str = ""
    outcome: Optional[str] = None     # "passed", "failed", "skipped"
    failure: List[str] = field(default_factory=list)

    @property
    def passed(self):
        return self.outcome == "passed"

    @property
    def score(self):
        return self.points if self.passed else 0

    def record(self, report):
        if report.failed:
            self.outcome = "failed"
            text = report.longreprtext
            for title, content in report.sections:
                if not title.startswith("Captured"):
                    text += f"\n--- {title} ---\n{content}"
            self.failure.append(f"[{report.when}] {text}")
        elif report.skipped and self.outcome != "failed":
            self.outcome = "skipped"
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.failure.append(f"skipped: {reason}")
        elif report.when == "call" and self.outcome is None:
            self.outcome = "passed"


def number(value):
    """5.0 -> "5", 2.5 -> "2.5"."""
    return f"{value:g}"


class GradeBook:
    """Collects every test's result on the controller (test reports reach it
    also from xdist workers), prints the grade and writes --grade-json."""

    def __init__(self, config):
        self.config = config
        self.results = {}
        self.session_ran = False

    def pytest_runtest_logreport(self, report):
        facts = getattr(report, "beta86", {})
        result = self.results.get(report.nodeid)
        if result is None:
            result = self.results[report.nodeid] = TestResult(
                report.nodeid, tuple(report.location),
                lab=facts.get("lab"), points=facts.get("points", 0),
                description=facts.get("description", report.nodeid))
        result.record(report)

    def ordered(self):
        return sorted(self.results.values(),
                      key=lambda result: (str(result.location[0]),
                                          result.location[1] or 0, result.nodeid))

    def graded(self):
        return [result for result in self.ordered() if result.points]

    def totals(self):
        graded = self.graded()
        return (sum(result.score for result in graded),
                sum(result.points for result in graded))

    def counts(self):
        outcomes = [result.outcome for result in self.results.values()]
        skipped = outcomes.count("skipped")
        passed = outcomes.count("passed")
        return passed, len(outcomes) - passed - skipped, skipped

    def pytest_terminal_summary(self, terminalreporter):
        graded = self.graded()
        if not graded:
            return
        write = terminalreporter.write_line
        terminalreporter.section("beta86 grade")
        width = min(max(len(result.description) for result in graded), 60) + 4
        labs = sorted({result.lab for result in graded},
                      key=lambda lab: (lab is None, lab or 0))
        for lab in labs:
            in_lab = [result for result in graded if result.lab == lab]
            title = f"Lab {lab}" if lab is not None else "Other tests"
            write(f"{title}:")
            for result in in_lab:
                verdict = {"passed": "OK", "skipped": "SKIP"}.get(result.outcome, "FAIL")
                dots = "." * max(width - len(result.description), 4)
                write(f"  {result.description} {dots} {verdict:<3} "
                      f"{number(result.score)}/{number(result.points)}",
                      green=result.passed, red=not result.passed)
            write(f"{title} score: {number(sum(r.score for r in in_lab))}/"
                  f"{number(sum(r.points for r in in_lab))}")
        earned, possible = self.totals()
        write(f"Score: {number(earned)}/{number(possible)}", bold=True)

    def grade_json(self):
        earned, possible = self.totals()
        passed, failed, skipped = self.counts()
        tests = []
        for result in self.ordered():
            tests.append({
                "name": result.description,
                "lab": result.lab,
                "score": result.score,
                "max_score": result.points,
                "status": "passed" if result.passed else "failed",
                "output": "\n".join(result.failure)[-20000:],
                "extra_data": {"nodeid": result.nodeid,
                               "outcome": result.outcome or "failed"},
            })
        return {"score": earned, "tests": tests,
                "extra_data": {"max_score": possible, "passed": passed,
                               "failed": failed, "skipped": skipped}}

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        self.session_ran = True
        earned, possible = self.totals()
        passed, failed, skipped = self.counts()
        if (earned < possible or failed) and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        path = self.config.getoption("grade_json")
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps(self.grade_json(), indent=2) + "\n")

    def pytest_unconfigure(self, config):
        if not self.session_ran or config.option.collectonly:
            return
        passed, failed, skipped = self.counts()
        line = f"{passed} passed, {failed} failed"
        if skipped:
            line += f", {skipped} skipped"
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line)
