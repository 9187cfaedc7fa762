"""Drive GDB against a beta86 kernel halted in QEMU, for the graded GDB tests.

A test module's `gdb_boot` fixture boots the kernel under QEMU, halted at
its first instruction with a GDB stub on a free TCP port (through the
conftest's `boot` fixture, so the QEMU run is logged and reported like any
other), then starts GDB the way a student does - `gdb -n -q -x .gdbinit` in
the kernel tree, which loads build/kernel.elf and tools/gdb/beta86.py and
connects to the port in $BETA86_GDB_PORT - and returns both::

    import gdb_session

    @pytest.fixture
    def gdb_boot(boot, kernel_dir):
        yield from gdb_session.boot_with_gdb(boot, kernel_dir)

    def test_kmain(gdb_boot):
        run, gdb = gdb_boot("init=boot")   # qemu.Run, GdbSession
        gdb.command("break kmain")
        assert "kmain" in gdb.command("continue")

GdbSession.command(line) types one command and returns what GDB printed
before its next prompt ("\\n" line ends); integer(expression) evaluates a C
expression in the kernel. GdbSession(..., port=None, make_gdb=True) starts
GDB as `make gdb` in the tree, finding the port the way a student's GDB
does (build/gdbport, from `make qemu-gdb`). A hang (no prompt within the guard timeout) is
interrupted with Ctrl-C and raises an AssertionError saying where the kernel
was (`bt`) and quoting the end of the transcript; so does GDB exiting. The
transcript is also written next to the serial log, as
build/grade/<test>.gdb.log. GDB and QEMU are killed when the test ends.

Helpers shared by the tests: backtrace_frames() reads `bt`-style frame
lines ("#1  0x0010255b in sched_yield () at kernel/proc/sched.c:171"),
stop_location() the function GDB says it stopped in, proc_table_entries()
where each pid is in proc_table.
"""

import os
import re
import shlex
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pexpect

import qemu

GDB = "gdb"
PROMPT = "(gdb) "
STARTUP_TIMEOUT = 30      # s; guards: GDB connects in well under a second
COMMAND_TIMEOUT = 30      # s; a `continue` to a near breakpoint takes ~1 s
INTERRUPT_TIMEOUT = 5     # s; GDB answers Ctrl-C at once
CONSOLE_DRAIN_SECONDS = 0.001
NEVER_MATCHES = r"(?!)"
TRANSCRIPT_TAIL = 40      # lines quoted when something goes wrong
# The calling make's variables (`make test`), which must not reach a make
# run for the student's commands (`make gdb`, `make qemu-gdb`).
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


class GdbSession:
    """One GDB process attached to one QEMU, driven through a pty.

    `.startup` is what GDB printed before its first prompt (loading the
    kernel, connecting); `.transcript` everything so far."""

    def __init__(self, kernel_dir, port, transcript_path, console=None, make_gdb=False):
        self.console = console    # the qemu.Run, whose output is kept current
        if not Path(kernel_dir, ".gdbinit").is_file():
            raise FileNotFoundError(f"no .gdbinit in {kernel_dir}")
        env = {name: value for name, value in os.environ.items()
               if name not in MAKE_VARIABLES + ("BETA86_GDB_PORT",)}
        env["TERM"] = "dumb"
        if port is not None:
            env["BETA86_GDB_PORT"] = str(port)
        # Line editing off: GDB then echoes nothing and prints no terminal
        # escapes; width 0: no line wrapping in long frame lines.
        options = ["-q", "-iex", "set editing off", "-iex", "set width 0"]
        if make_gdb:
            program = "make"
            args = ["-s", "gdb", "GDBFLAGS=" + " ".join(map(shlex.quote, options))]
        else:
            program, args = GDB, ["-n", *options, "-x", ".gdbinit"]
        self.transcript = ""
        self._log = open(transcript_path, "w", encoding="utf-8")
        self._child = pexpect.spawn(program, args, cwd=str(kernel_dir), env=env,
                                    encoding="utf-8", codec_errors="replace",
                                    echo=False, timeout=None)
        self._child.delaybeforesend = None   # GDB reads whole lines: no need
        self.startup = None

    def wait_until_ready(self):
        """Wait for the first prompt: .gdbinit has loaded the kernel and
        connected. Returns (and keeps as .startup) what GDB printed."""
        self.startup = self._read_to_prompt("starting GDB with .gdbinit",
                                            STARTUP_TIMEOUT)
        program = self.command("info program")
        assert "not being run" not in program, \
            f"GDB did not connect to QEMU with .gdbinit:\n{self.startup}"
        return self.startup

    def _record(self, text):
        text = text.replace("\r\n", "\n")
        self.transcript += text
        self._log.write(text)
        self._log.flush()
        return text

    def _wait_for_prompt(self, what, timeout):
        """Wait for GDB's prompt: the output before it, or None on a hang.
        Raises AssertionError if GDB exits."""
        try:
            self._child.expect_exact(PROMPT, timeout=timeout)
        except pexpect.TIMEOUT:
            self._record(self._child.before or "")
            self._child.buffer = ""
            return None
        except pexpect.EOF:
            self._record(self._child.before or "")
            raise AssertionError(f"GDB exited after {what}; GDB transcript "
                                 f"ends:\n{self.tail()}") from None
        output = self._record(self._child.before)
        self._record(PROMPT)
        return output

    def _interrupt(self):
        """Stop a kernel that runs on (Ctrl-C) and say where it was."""
        self._record("^C\n")
        self._child.sendintr()
        if self._wait_for_prompt("Ctrl-C", INTERRUPT_TIMEOUT) is None:
            return "GDB did not answer Ctrl-C either."
        self._record("bt\n")
        self._child.sendline("bt")
        backtrace = self._wait_for_prompt("bt", INTERRUPT_TIMEOUT)
        if backtrace is None:
            return "GDB did not answer `bt` after Ctrl-C."
        return f"Interrupted with Ctrl-C, the kernel was at:\n{backtrace}"

    def _read_to_prompt(self, what, timeout):
        """GDB's output up to its next prompt. On a hang, interrupt it and
        raise an AssertionError saying where the kernel was."""
        output = self._wait_for_prompt(what, timeout)
        if output is not None:
            self._drain_console()
            return output
        where = self._interrupt()
        self._drain_console()
        raise AssertionError(f"GDB gave no prompt within {timeout} s after {what}. "
                             f"{where}\nGDB transcript ends:\n{self.tail()}")

    def _drain_console(self):
        """Read what the kernel printed meanwhile into the Run's output and
        serial log (a qemu.Run reads only while it expects something), so
        that a failure report shows it: expect a pattern that never
        matches, for a moment."""
        if self.console is None:
            return
        try:
            self.console.expect(NEVER_MATCHES, timeout=CONSOLE_DRAIN_SECONDS)
        except AssertionError:
            pass

    def command(self, line, timeout=COMMAND_TIMEOUT):
        """Run one GDB command; return its output (without the prompt).
        `timeout` only guards against a hang."""
        self._record(line + "\n")
        self._child.sendline(line)
        return self._read_to_prompt(f"the command {line!r}", timeout)

    def integer(self, expression):
        """The value of a C expression in the kernel, as an unsigned int."""
        output = self.command(f"print/x {expression}")
        match = re.search(r"^\$\d+ = 0x([0-9a-f]+)\s*$", output, re.MULTILINE)
        assert match, f"GDB could not evaluate {expression!r}:\n{output}"
        return int(match.group(1), 16)

    def tail(self):
        return qemu.last_lines(self.transcript, TRANSCRIPT_TAIL)

    def close(self):
        """Kill GDB (QEMU is the boot fixture's), and make if GDB runs
        under it: GDB leads a process group of its own (pexpect's pty).
        Safe to call twice."""
        if self._child.isalive():
            try:
                os.killpg(self._child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._child.wait()
        self._child.close(force=True)
        if not self._log.closed:
            self._log.close()


def boot_with_gdb(boot, kernel_dir):
    """The body of a test module's `gdb_boot` fixture (a generator):
    yields start(cmdline) -> (qemu.Run, GdbSession), QEMU halted at its
    first instruction with a GDB stub on a free port and GDB attached to it
    with the tree's .gdbinit; kills GDB at the end (and `boot` kills QEMU)."""
    sessions = []

    def start(cmdline):
        port = qemu.unused_tcp_port()
        run = boot(cmdline, wait=False,
                   extra_args=("-S", "-gdb", f"tcp:localhost:{port}"))
        transcript = str(run.log_path).replace(".serial.log", "") + ".gdb.log"
        print(f"GDB transcript: {transcript}")   # shown if the test fails
        session = GdbSession(kernel_dir, port, transcript, console=run)
        sessions.append(session)
        session.wait_until_ready()
        return run, session

    yield start
    for session in sessions:
        session.close()


# ---- reading GDB's output --------------------------------------------------------

@dataclass
class Frame:
    """One line of a backtrace."""
    level: int
    address: Optional[int]     # None when GDB shows none (a line's start)
    function: str
    location: Optional[str]    # "kernel/proc/sched.c:171"


FRAME = re.compile(r"^#(\d+)\s+(?:0x([0-9a-f]+) in )?(\S+) \(.*?\)"
                   r"(?: at (\S+:\d+))?\s*$", re.MULTILINE)


def backtrace_frames(text):
    """The frames of a `bt` (or `pbt`) output, innermost first."""
    return [Frame(int(match.group(1)),
                  int(match.group(2), 16) if match.group(2) else None,
                  match.group(3), match.group(4))
            for match in FRAME.finditer(text)]


def stop_location(text):
    """The function GDB says it stopped in ("Breakpoint 1, bt_leaf () at
    ..." or "0x... in f (...) at ..."), or None."""
    match = re.search(r"^(?:Breakpoint \d+, )?(?:0x[0-9a-f]+ in )?(\w+) \(",
                      text, re.MULTILINE)
    return match.group(1) if match else None


def proc_table_entries(gdb):
    """{pid: index in proc_table} of the kernel's used entries, read with
    plain GDB expressions (independent of tools/gdb/beta86.py)."""
    entries = gdb.integer("sizeof(proc_table) / sizeof(proc_table[0])")
    unused = gdb.integer("PROC_UNUSED")
    found = {}
    for index in range(entries):
        if gdb.integer(f"proc_table[{index}].state") != unused:
            found[gdb.integer(f"proc_table[{index}].pid")] = index
    return found
