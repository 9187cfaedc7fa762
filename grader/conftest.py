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

A test that checks several independent things scores them separately
with the ``part`` fixture: each ``with part(points, what):`` block is one
check worth `points` of the test's points. A failed assertion in it fails
that part only; the test goes on, fails at its end and scores the parts that
passed (an exception outside every part ends the test, keeping the parts
already passed). The parts of a test that runs to its end must add up to
its points::

    @pytest.mark.points(5)
    def test_boots(boot, part):
        run = boot("init=boot")
        with part(3, "the banner lines"):
            assert "boot: hello from pid 0" in run.output, "no 'boot: hello' line"
        with part(2, "a clean shutdown"):
            run.expect_exit("success")

After every test whose checks passed, each of its runs that ended with
init's end (and a shutdown without a panic) must pass the kernel's leak
check: free frames and process slots back where they were when the kernel
was ready (``qemu.Run.leak_problem``). A leak fails the test, with the leak
as its reason, and costs all its points, parts included.

Marks: ``points(n)`` (graded), ``lab(n)`` (default: N from test_labN_*.py),
``unit``. Fixtures besides `boot` and `part`: ``kernel_dir``, ``kernel_elf``,
and ``rng`` (a random.Random from the session seed, shown in the header;
``--seed N`` repeats a run's choices). Options: ``--kernel-dir DIR``, ``--lab N``,
``--grade-json FILE`` (Gradescope-style results), ``--seed N``; JUnit XML is
pytest's own ``--junitxml`` (the Makefile sets ``junit_family=xunit2``, the
family that conforms to Jenkins' strict junit-10.xsd).
At the end: each lab's tests with their points, every FAIL line followed by
its reason in one line, ``Score: X/Y``, and one last line ``N passed, M
failed``. With ``--tb=no`` (``make grade``, which also passes ``-q``), the
details follow the score instead of pytest's tracebacks, as a student reads
them: what went wrong, the lines of the test that noticed it, how the kernel
ended (a panic with its decoded backtrace, a hang and where, a triple
fault's exceptions), its last output and a command that repeats the run;
no grader internals, no paths of this machine. Tests that failed for one
root cause (the same panic, the same place of a hang) are explained once,
listing them. The same text per test is the ``output`` of --grade-json.
The exit status is non-zero unless the score is full and every test passed.
"""

import contextlib
import json
import random
import re
import sys
import traceback
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
PARTS_OF_TEST = pytest.StashKey["Parts"]()
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
    group.addoption("--through-lab", type=int, metavar="N", default=None,
                    help="run labs 1 to N's tests (and tests of no lab): what `make "
                         "grade` runs in a lab N handout, whose later labs are stubs")
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


def lab_selected(config, lab):
    """Whether a test of `lab` (None: of no lab) runs, by --lab and --through-lab."""
    only, through = config.getoption("lab"), config.getoption("through_lab")
    if lab is None:
        return True
    return (only is None or lab == only) and (through is None or lab <= through)


# The files whose tests take longest (each builds trees or runs whole
# grades), longest first. They run first: `--dist loadgroup` hands out
# one test at a time as workers free up, so the suite ends on short
# tests instead of one worker finishing a long one while the rest wait.
SLOW_FIRST = ("test_handouts.py", "test_schedule_report.py", "test_timeline.py",
              "test_course.py", "test_tools.py", "test_bugs.py")


def slow_first(item):
    name = item.path.name
    return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=slow_first)          # stable: each file keeps its order
    if config.getoption("lab") is None and config.getoption("through_lab") is None:
        return
    selected = [item for item in items if lab_selected(config, lab_of(item))]
    deselected = [item for item in items if not lab_selected(config, lab_of(item))]
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


# ---- partial points: the parts of a test ---------------------------------------

@dataclass
class Part:
    """One independent check of a test, worth `points` of its points."""
    points: float
    what: str
    error: Optional[BaseException] = None   # why it failed; None: it passed

    @property
    def passed(self):
        return self.error is None


class PartsFailed(AssertionError):
    """Raised when a test that ran to its end has failed parts."""


class Parts:
    """The parts of one test (the `part` fixture), in the order they ran."""

    def __init__(self, points):
        self.points = points
        self.done: List[Part] = []
        self.mismatched = False     # check_total() failed: a broken test scores 0
        self.leaked = False         # a run failed the leak check: so does the test

    @contextlib.contextmanager
    def part(self, points, what):
        """A block that checks one thing worth `points`: an AssertionError
        (or pytest.fail) in it fails this part only."""
        record = Part(points, what)
        self.done.append(record)
        try:
            yield record
        except (AssertionError, pytest.fail.Exception) as error:
            record.error = error

    def earned(self):
        if self.mismatched or self.leaked:
            return 0
        return sum(record.points for record in self.done if record.passed)

    def failed(self):
        return [record for record in self.done if not record.passed]

    def check_total(self):
        """The parts of a test that ran to its end add up to its points."""
        declared = sum(record.points for record in self.done)
        if abs(declared - self.points) > 1e-9:
            self.mismatched = True
            raise RuntimeError(f"the parts of this test add up to {number(declared)} "
                               f"points; its points mark says {number(self.points)}")


@pytest.fixture
def part(request):
    """part(points, what): a context manager for one independent check of
    the test, worth `points` of its points (see the module's docstring)."""
    parts = Parts(points_of(request.node))
    request.node.stash[PARTS_OF_TEST] = parts
    return parts.part


class LeakFound(AssertionError):
    """Raised when a test's checks passed but a run of it failed the leak
    check: frames or process slots still in use after init exited."""


def leak_message(item):
    """Why the test's runs fail the leak check ("" if none does): the first
    problem in one line, then for each leaking run its command line, its
    last lines (init's end and the leak check as the kernel printed them)
    and how to repeat it."""
    details = []
    for run in item.stash.get(RUNS_OF_TEST, []):
        problem = run.leak_problem()
        if not problem:
            continue
        details.append(problem)
        details.append(f"the run of {run.cmdline!r} ended with:")
        details += [f"  {line}" for line in run.lines[-qemu.LEAK_CONTEXT_LINES:]]
        details.append(f"to repeat it: {run.repeat_command()}")
    return "\n".join(details)


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """A test that ran to its end with failed parts fails (after them all);
    so does one whose runs fail the leak check (qemu.Run.leak_problem): it
    scores nothing, as what leaked belongs to no one part."""
    outcome = yield
    if outcome.excinfo is not None:
        return
    parts = pyfuncitem.stash.get(PARTS_OF_TEST, None)
    leak = leak_message(pyfuncitem)
    if parts is not None:
        parts.check_total()
        parts.leaked = bool(leak)
        failed = parts.failed()
        if failed and not leak:
            raise PartsFailed(f"{len(failed)} of {len(parts.done)} parts failed: "
                              + "; ".join(record.what for record in failed))
    if leak:
        raise LeakFound(leak)


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


REASON_WIDTH = 200        # characters of the one-line reason after a FAIL
TEST_FRAMES_SHOWN = 2     # lines of the test shown where a failure was noticed


@dataclass
class TestLine:
    """A line of a test module that a failure passed through."""
    path: str             # as the student's tree names it: grader/test_x.py
    line: int
    function: str
    statement: str

    def __str__(self):
        return f"{self.path}:{self.line} ({self.function}): {self.statement}"


def test_lines(item, tb):
    """The lines of test modules in a traceback, innermost last: where the
    test noticed the failure, without the grader's own code."""
    base = item.path.parent.parent
    found = []
    for frame in traceback.extract_tb(tb):
        path = Path(frame.filename)
        if not (path.name.startswith("test_") and path.suffix == ".py"):
            continue
        try:
            shown = str(path.relative_to(base))
        except ValueError:
            shown = path.name
        statement = (frame.line or "").strip().rstrip("\\").rstrip()
        found.append(TestLine(shown, frame.lineno, frame.name, statement))
    return found


def assertion_text(error, statement):
    """What an exception says, in its own words: the message of an assert
    without pytest's introspection ("assert [...] == [...]", " +  where"),
    which the assertion rewriter appends after the message, indenting the
    message's continuation lines by two spaces."""
    if isinstance(error, pytest.fail.Exception):
        return error.msg or ""
    if not isinstance(error, AssertionError):
        return f"{type(error).__name__}: {error}"
    text = str(error)
    if not statement.startswith("assert"):
        return text                          # raised, not asserted: as it is
    lines = text.split("\n")
    if lines[0] == "assert" or lines[0].startswith("assert "):
        return ""                            # a bare assert, rewritten
    for index in range(1, len(lines)):
        if not lines[index].startswith("  "):
            if lines[index].startswith("assert"):
                return "\n".join([lines[0]] + [line[2:] for line in lines[1:index]])
            break
    return text                              # not rewritten (--assert=plain)


def in_own_words(error, lines, runs):
    """A failure as the test noticed it: for an expectation of a qemu.Run
    (expect, expect_exit) whose run went wrong, only what was expected,
    since the run's story is told apart; else the message, or the check."""
    for run in runs:
        if run.failed_expectation and run.failed_expectation[1] is error \
                and run.trouble():
            return run.failed_expectation[0]
    statement = lines[-1].statement if lines else ""
    words = assertion_text(error, statement)
    if not words and statement:
        words = f"this check failed: {statement}"
    return words or type(error).__name__


def first_line(text):
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= REASON_WIDTH else line[:REASON_WIDTH - 4] + " ..."


def indented(text, prefix="  "):
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def failure_facts(item, call):
    """What the grade says about a failed test, as plain data (xdist
    carries it to the controller): `reason`, one line; `own`, what the test
    noticed, its parts and its lines; `cause` and `story`, how a kernel
    run went wrong, if one did (the root cause shared with other tests, and
    its details); `seed`, if the test made random choices."""
    runs = item.stash.get(RUNS_OF_TEST, [])
    parts = item.stash.get(PARTS_OF_TEST, None)
    troubled = [run for run in runs if run.trouble()]
    error = call.excinfo.value
    own = []
    lines = test_lines(item, call.excinfo.tb)
    if not isinstance(error, PartsFailed):
        own.append(in_own_words(error, lines, runs))
        own += [f"at {line}" for line in lines[-TEST_FRAMES_SHOWN:]]
    for run in runs:       # a panic the test asked for, but maybe not this one
        if run.panic_lines and not run.trouble():
            own.append(f"the kernel's panic: {run.panic_lines[0]}")
    failed_parts = []
    if parts is not None and parts.done:
        own.append(f"parts: {number(parts.earned())} of {number(parts.points)} points"
                   + (" (a leak fails the whole test)" if parts.leaked else ""))
        for record in parts.done:
            verdict = "ok  " if record.passed else "FAIL"
            own.append(f"  {verdict} {number(record.points if record.passed else 0)}"
                       f"/{number(record.points)}  {record.what}")
            if not record.passed:
                part_lines = test_lines(item, record.error.__traceback__)
                words = in_own_words(record.error, part_lines, runs)
                failed_parts.append(f"{record.what}: {first_line(words)}")
                own.append(indented(words, "         "))
                own += [f"         at {line}" for line in part_lines[-1:]]
    for run in runs:       # grader/schedtrace.py: booted with the trace on
        if getattr(run, "schedule", None):
            own.append(run.schedule)
    leaked = isinstance(error, LeakFound)     # the test's checks passed
    if troubled and not leaked:
        reason = troubled[0].trouble()
    elif failed_parts and not leaked:
        reason = failed_parts[0] + (f" (and {len(failed_parts) - 1} more parts)"
                                    if len(failed_parts) > 1 else "")
    else:               # the test's own words: their first line is the reason
        reason, _, own[0] = own[0].partition("\n")
        if len(reason) > REASON_WIDTH:
            own[0] = f"{reason}\n{own[0]}"     # cut short above: in full here
        if not own[0]:
            del own[0]
    text = "\n".join(own)
    for run in runs:
        text = run.sanitize(text)
        reason = run.sanitize(reason)
    root = str(item.path.parent.parent)
    facts = {"reason": first_line(reason.replace(root + "/", "")),
             "own": text.replace(root + "/", ""), "cause": None, "story": None,
             "seed": None}
    if troubled:
        facts["cause"] = troubled[0].ending_key()
        facts["story"] = troubled[0].ending_story()
        facts["gdb"] = "-gdb" in troubled[0].extra_args
    if item.stash.get(USED_RNG, False):
        facts["seed"] = item.config.stash[SESSION_SEED]
    return facts


def story_of(facts, with_seed=True):
    """A failed test's text for a student: its reason, then the details."""
    text = facts["reason"] + ("\n" + indented(facts["own"]) if facts["own"] else "")
    if facts["story"]:
        text += "\n" + indented(facts["story"])
    if with_seed and facts["seed"] is not None:
        text += "\n" + indented(seed_note(facts["seed"]))
    return text


def seed_note(seed):
    return (f"random choices from --seed {seed}: make grade PYTEST_ARGS=\"--seed "
            f"{seed}\" makes the same choices again")


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
    parts = item.stash.get(PARTS_OF_TEST, None)
    if parts is not None and call.when == "call":
        report.beta86["earned"] = parts.earned()
    if not report.failed:
        return
    if call.excinfo is not None:
        report.beta86["failure"] = failure_facts(item, call)
    if item.stash.get(USED_RNG, False):
        seed = item.config.stash[SESSION_SEED]
        report.sections.append(("random choices", seed_note(seed)))
    runs = item.stash.get(RUNS_OF_TEST, [])
    for number_, run in enumerate(runs, start=1):
        prefix = f"QEMU run {number_} ({run.cmdline!r}): " if len(runs) > 1 else "QEMU: "
        for title, text in run_sections(run, report.longreprtext):
            report.sections.append((prefix + title, text))
        if getattr(run, "schedule", None):
            report.sections.append((prefix + "schedule", run.schedule))


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
    earned: Optional[float] = None    # the points of its parts that passed
    facts: Optional[dict] = None      # failure_facts() of its first failure
    failed_when: set = field(default_factory=set)   # "setup", "call", "teardown"

    @property
    def passed(self):
        return self.outcome == "passed"

    @property
    def score(self):
        if self.passed:
            return self.points
        if self.earned is not None and self.failed_when == {"call"}:
            return self.earned
        return 0

    @property
    def title(self):
        """"the test's description (lab 2, 3/5)"."""
        lab = f"lab {self.lab}, " if self.lab is not None else ""
        if not self.points:
            return f"{self.description} ({lab}no points)"
        return f"{self.description} ({lab}{number(self.score)}/{number(self.points)})"

    @property
    def reason(self):
        """Why it failed, in one line."""
        if self.facts is not None:
            return self.facts["reason"]
        return first_line(self.failure[0]) if self.failure else "failed"

    def story(self, with_seed=True):
        """Why it failed, for a student (the JSON output, the details)."""
        if self.facts is not None:
            return story_of(self.facts, with_seed)
        return "\n".join(self.failure)

    def record(self, report):
        facts = getattr(report, "beta86", {})
        if "earned" in facts:
            self.earned = facts["earned"]
        if report.failed:
            self.outcome = "failed"
            self.failed_when.add(report.when)
            if self.facts is None and facts.get("failure"):
                self.facts = facts["failure"]
            self.failure.append(f"[{report.when}] {first_line(report.longreprtext)}")
        elif report.skipped and self.outcome != "failed":
            self.outcome = "skipped"
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            reason = reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
            self.failure.append(f"skipped: {reason}")
        elif report.when == "call" and self.outcome is None:
            self.outcome = "passed"


JSON_OUTPUT_LIMIT = 20000     # characters of a test's --grade-json output


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
        """The tests the grade lists: those with points, and a lab's
        sanity checks (its tests of given code, without points), whose
        failure a student must see too."""
        return [result for result in self.ordered()
                if result.points or result.lab is not None]

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
                score = (f"{number(result.score)}/{number(result.points)}"
                         if result.points else "sanity check, no points")
                write(f"  {result.description} {dots} {verdict:<3} {score}",
                      green=result.passed, red=not result.passed)
                if result.outcome == "failed":
                    write(f"      {result.reason}")
            write(f"{title} score: {number(sum(r.score for r in in_lab))}/"
                  f"{number(sum(r.points for r in in_lab))}")
        earned, possible = self.totals()
        write(f"Score: {number(earned)}/{number(possible)}", bold=True)
        seed = self.config.stash[SESSION_SEED]
        lab = self.config.getoption("lab")
        only = f"LAB={lab} " if lab is not None else ""      # the same tests, not every lab's
        write(f"Random seed {seed}: make grade {only}PYTEST_ARGS=\"--seed {seed}\" "
              "repeats this run's choices")
        if self.config.option.tbstyle == "no":
            self.write_details(terminalreporter)

    def write_details(self, terminalreporter):
        """Why each test failed, below the grade (pytest's tracebacks are
        off): one root cause once, with the tests it failed."""
        failed = [result for result in self.ordered() if result.outcome == "failed"]
        if not failed:
            return
        write = terminalreporter.write_line
        terminalreporter.section("why tests failed")
        groups = {}
        for result in failed:
            cause = result.facts["cause"] if result.facts else None
            groups.setdefault(cause or result.nodeid, []).append(result)
        for members in groups.values():
            # The story of a run without GDB is the simpler one to repeat.
            first = next((result for result in members
                          if not result.facts.get("gdb")), members[0]) \
                if len(members) > 1 else members[0]
            if len(members) == 1:
                write(f"{first.title}:")
                write(indented(first.story(with_seed=False)))
            else:
                write(f"{len(members)} tests failed the same way: {first.reason}")
                for result in members:
                    write(f"  - {result.title}")
                write(f"  One of them, {first.description!r}:")
                if first.facts["own"]:
                    write(indented(first.facts["own"], "    "))
                write(indented(first.facts["story"]))
            write("")

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
                "output": "" if result.passed else result.story()[:JSON_OUTPUT_LIMIT],
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
