"""The handouts' GDB walks, typed as a student types them, and their
first command's output.

A lab handout's "Debugging with GDB" section boots `make qemu-gdb
APPEND="..."` and lists `(gdb) ` commands with what GDB prints: where each
breakpoint stops ("Breakpoint 2, proc_wake_first (...)"), and a `bt`'s
frames. A kernel change can move the walk (a line-number breakpoint that
now lands elsewhere, an interrupt that arrives earlier) while every graded
test passes, and the student following the text is lost at the first stop
that does not come. So this runs each walk's commands in order on the tree
under test, with the `.gdbinit` a student's `make gdb` loads, and checks:

- no command is refused by GDB (an unknown symbol, a breakpoint nowhere);
- the stops come in the order the text shows, each in the function it
  names (addresses and line numbers vary from build to build);
- a `bt` the text shows has the same functions, innermost first, as far as
  the text lists them (up to its `...`).

Text after ` # ` on a command line is the handout's comment, not typed;
a command with `...` in it is one the reader completes, and is skipped.

A handout's "Getting started" boots one command and shows what it prints
"once the lab works": those lines must come, in that order, from the same
command line on the grader's machine (which `ICOUNT=1` is).

Not graded tests: they check the documentation, on the reference."""

import re
from pathlib import Path

import pytest

from gdb_session import backtrace_frames, boot_with_gdb

REPO_ROOT = Path(__file__).resolve().parent.parent
# The labs whose GDB section is one walk on one boot (lab 4's and lab 5's
# show several scenes, each booted its own way).
WALKS = (1, 2, 3, 6, 7, 8)
RUN_TIMEOUT = 300        # s: a last guard; each stop comes within a second
SECTION = re.compile(r"^## Debugging with GDB.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
GETTING_STARTED = re.compile(r"^## Getting started.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
QEMU_RUN = re.compile(r'make qemu(?:-nox)? (?:ICOUNT=1 )?APPEND="([^"]*)"')
ONCE_IT_WORKS = re.compile(r"Once the lab works[^`]*?```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
# The handouts whose "Getting started" shows the output of a working lab.
GETTING_STARTED_LABS = (7, 8)
QEMU_GDB = re.compile(r'make qemu-gdb (?:ICOUNT=1 )?APPEND="([^"]*)"')
FENCE = re.compile(r"^ *```[^\n]*\n(.*?)^ *```", re.MULTILINE | re.DOTALL)   # a list's are indented
STOP = re.compile(r"^(?:Temporary b|B)reakpoint \d+, (?:0x[0-9a-f]+ in )?(\w+) \(", re.MULTILINE)
COMMENT = re.compile(r"\s+#\s.*$")
GDB_REFUSED = re.compile(r"^(No symbol .*|No symbol table.*|Invalid character.*|"
                         r"Function \".*\" not defined.*|No line \d+ in file.*|"
                         r"Undefined command.*|A syntax error in expression.*|"
                         r"Cannot access memory at address.*|The program is not being run.*)$",
                         re.MULTILINE)


def walk_steps(text):
    """[(command, what the handout shows after it)], in the text's order."""
    steps = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("(gdb) "):
                steps.append([COMMENT.sub("", line[len("(gdb) "):]).strip(), ""])
            elif steps:
                steps[-1][1] += line + "\n"
    return steps


def walk_of(lab):
    section = SECTION.search((REPO_ROOT / "labs" / f"lab{lab}.md").read_text())
    assert section, f"labs/lab{lab}.md has no 'Debugging with GDB' section"
    cmdline = QEMU_GDB.search(section.group(0))
    assert cmdline, f"labs/lab{lab}.md's GDB section boots no `make qemu-gdb APPEND=...`"
    return cmdline.group(1), walk_steps(section.group(0))


def documented_frames(shown):
    """The functions of a `bt` the handout shows, up to its `...`."""
    return [frame.function for frame in backtrace_frames(shown.split("\n...")[0])]


@pytest.mark.parametrize("lab", WALKS)
def test_handout_gdb_walk_stops_where_the_text_says(gdb_boot, lab):
    cmdline, steps = walk_of(lab)
    run, gdb = gdb_boot(cmdline)
    for command, shown in steps:
        if "..." in command:         # `x/2wx 0x...`: the reader pastes a value there
            continue
        got = gdb.command(command, timeout=RUN_TIMEOUT)
        where = f"labs/lab{lab}.md, `(gdb) {command}`"
        refused = GDB_REFUSED.search(got)
        assert not refused, f"{where}: GDB says {refused.group(0)!r}\n{gdb.tail()}"
        want = STOP.findall(shown)
        assert not want or STOP.findall(got) == want, \
            f"{where}: the text stops in {want}, GDB in {STOP.findall(got) or 'nothing'}" \
            f"\n{gdb.tail()}"
        if command == "bt":
            want = documented_frames(shown)
            have = [frame.function for frame in backtrace_frames(got)][:len(want)]
            assert have == want, f"{where}: the text's frames {want}, GDB's {have}\n{gdb.tail()}"


@pytest.mark.parametrize("lab", GETTING_STARTED_LABS)
def test_handout_getting_started_prints_what_the_text_says(boot, lab):
    section = GETTING_STARTED.search((REPO_ROOT / "labs" / f"lab{lab}.md").read_text())
    assert section, f"labs/lab{lab}.md has no 'Getting started' section"
    cmdline, shown = QEMU_RUN.search(section.group(0)), ONCE_IT_WORKS.search(section.group(0))
    assert cmdline and shown, f"labs/lab{lab}.md's 'Getting started' has no command or no " \
        "output of a working lab"
    run = boot(cmdline.group(1))
    lines, at = run.output.splitlines(), 0
    for want in shown.group(1).splitlines():
        assert want in lines[at:], f"labs/lab{lab}.md, 'Getting started' shows {want!r}; " \
            f"`{cmdline.group(0)}` printed, from there on:\n" + "\n".join(lines[at:])
        at = lines.index(want, at) + 1


@pytest.fixture
def gdb_boot(boot, kernel_dir):
    yield from boot_with_gdb(boot, kernel_dir)
