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
does (build/gdbport, from `make qemu-gdb`). While GDB has no prompt and the
kernel runs, its progress is watched in virtual time like any run's
(qemu.Run.out_of_budget): a kernel that runs its silence budget without GDB
stopping it is hung. Then the session says what the CPU was doing,
interrupts it with Ctrl-C and raises an AssertionError saying where the
kernel was (`bt`) and quoting the end of the transcript; so does GDB
exiting, or no prompt within the wall-clock guard (COMMAND_TIMEOUT, a last
resort). The
transcript is also written next to the serial log, as
build/grade/<test>.gdb.log. GDB and QEMU are killed when the test ends.

Helpers shared by the tests: backtrace_frames() reads `bt`-style frame
lines ("#1  0x0010255b in sched_yield () at kernel/proc/sched.c:171"),
stop_location() the function GDB says it stopped in, proc_table_entries()
where each pid is in proc_table; ps_line_under() and
kernel_table_line_under() check the line `ps` and the kernel's own table
print under a process (the domain it is in, labs 6 and 7).
"""

import os
import re
import shlex
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pexpect

import qemu

GDB = "gdb"
PROMPT = "(gdb) "
STARTUP_TIMEOUT = 120    # s; last guards: GDB connects in well under a second,
COMMAND_TIMEOUT = 300    # and a hang is found in virtual time (POLL_SECONDS)
INTERRUPT_TIMEOUT = 30   # s; GDB answers Ctrl-C at once
POLL_SECONDS = 0.02      # how often a waiting session checks the kernel's progress
TRANSCRIPT_TAIL = 40      # lines quoted when something goes wrong
# The calling make's variables (`make test`), which must not reach a make
# run for the student's commands (`make gdb`, `make qemu-gdb`).
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")



def kill_process_group(child):
    """Kill a pexpect child and everything in its process group (it leads
    one of its own, on its pty), then reap it."""
    if child.isalive():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
    child.close(force=True)

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
        self.hang = None          # what the kernel did when a command hung

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

    def _wait_for_prompt(self, what, timeout, watch_kernel=True):
        """Wait for GDB's prompt: the output before it, or None on a hang
        (with `watch_kernel`, the kernel ran its silence budget of virtual
        time meanwhile without printing anything new; or the wall-clock
        guard `timeout` passed). Raises AssertionError if GDB exits."""
        deadline = time.monotonic() + timeout
        watch = None
        news = self.console.news if self.console is not None else 0
        while True:
            try:
                self._child.expect_exact(PROMPT, timeout=min(
                    POLL_SECONDS, max(deadline - time.monotonic(), 0)))
                break
            except pexpect.TIMEOUT:
                if self.console is not None:
                    self.console.poll()     # what the kernel says meanwhile
                    if self.console.news != news:
                        news, watch = self.console.news, None   # it spoke: a new silence
                if time.monotonic() >= deadline or self._kernel_hung(watch):
                    self._record(self._child.before or "")
                    self._child.buffer = ""
                    return None
                if watch is None and self.console is not None and watch_kernel:
                    watch = self.console.stopwatch()
            except pexpect.EOF:
                self._record(self._child.before or "")
                raise AssertionError(self.after_kernel_trouble(
                    f"GDB exited after {what}; GDB transcript ends:\n"
                    f"{self.tail()}")) from None
        output = self._record(self._child.before)
        self._record(PROMPT)
        if watch is not None and self.console is not None:
            self.console.out_of_budget(watch)
            self.console.longest_silence = max(self.console.longest_silence,
                                               watch.elapsed)
        return output

    def _kernel_hung(self, watch):
        """Whether the kernel ran its budget of virtual time since `watch`
        started; if so, keep in .hang what it was doing, in words."""
        if watch is None or self.console is None:
            return False
        verdict = self.console.out_of_budget(watch)
        if not verdict:
            return False
        diagnosis = self.console.diagnose(watch, None if verdict == "budget" else verdict)
        self.hang = qemu.describe_hang(diagnosis, self.console.symbolizer())
        self.console.hang = diagnosis   # the run's trouble, for the grade
        return True

    def _interrupt(self):
        """Stop a kernel that runs on (Ctrl-C) and say where it was."""
        self._record("^C\n")
        self._child.sendintr()
        # Until GDB has stopped it, the kernel runs on: do not judge it again.
        if self._wait_for_prompt("Ctrl-C", INTERRUPT_TIMEOUT, watch_kernel=False) is None:
            return "GDB did not answer Ctrl-C either."
        self._record("bt\n")
        self._child.sendline("bt")
        backtrace = self._wait_for_prompt("bt", INTERRUPT_TIMEOUT, watch_kernel=False)
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
        hang, self.hang = self.hang, None
        where = self._interrupt()
        self._drain_console()
        if hang is not None:
            raise AssertionError(f"GDB gave no prompt after {what}: the kernel hung, "
                                 f"{hang}\n{where}\nGDB transcript ends:\n{self.tail()}")
        raise AssertionError(f"GDB gave no prompt within {timeout} s after {what}. "
                             f"{where}\nGDB transcript ends:\n{self.tail()}")

    def _drain_console(self):
        """Read what the kernel printed meanwhile into the Run's output and
        serial log (a qemu.Run reads only while it expects something), so
        that a failure report shows it."""
        if self.console is not None:
            self.console.poll()

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
        assert match, self.after_kernel_trouble(
            f"GDB could not evaluate {expression!r}:\n{output.strip()}")
        return int(match.group(1), 16)

    def after_kernel_trouble(self, message):
        """`message` of a failure, led by what went wrong with the kernel
        first, if it did (a panic, an exit, a hang): once QEMU is gone, GDB
        reads the ELF file instead of memory, and its complaints ("Cannot
        access memory at address 0x6c") only follow from that."""
        self._drain_console()
        trouble = self.console.trouble() if self.console is not None else None
        return f"{trouble}; afterwards {message}" if trouble else message

    def tail(self):
        return qemu.last_lines(self.transcript, TRANSCRIPT_TAIL)

    def close(self):
        """Kill GDB (QEMU is the boot fixture's), and make if GDB runs
        under it: GDB leads a process group of its own (pexpect's pty).
        Safe to call twice."""
        kill_process_group(self._child)
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


# The header of the kernel's own process table (proc_dump, Ctrl-P).
KERNEL_TABLE_HEADER = "pid  state     name             where\n"


def ps_line_under(gdb, pid, expected, name="domscene"):
    """GDB's ps must print `expected` (stripped) on the line under pid, a
    running NAME; returns pid's own line and the whole table."""
    table = gdb.command("ps")
    lines = table.splitlines()
    row = next((i for i, line in enumerate(lines) if re.match(rf"^{pid} +running +{name} ", line)),
               None)
    assert row is not None and row + 1 < len(lines), f"ps lists pid {pid}:\n{table}"
    assert lines[row + 1].strip() == expected, \
        f"under pid {pid}: {expected!r}:\n{table}"
    return lines[row], table


def kernel_table_line_under(run, pid, expected, gdb, name="domscene"):
    """The kernel's own table (proc_dump, Ctrl-P's, called from GDB) must
    print `expected` (stripped) on the line under pid, a NAME: the same as
    GDB's ps."""
    gdb.command("call proc_dump(0)")
    kernels = run.expect(re.escape(KERNEL_TABLE_HEADER) + r"(?:.*\n)*?" + rf"({pid} +\S+ +{name} .*\n.*\n)",
                         timeout=COMMAND_TIMEOUT).group(1)
    assert kernels.splitlines()[1].strip() == expected, \
        f"the kernel's table (Ctrl-P) says the same as ps: {expected!r}:\n{kernels}"


FRAME_ALLOCATORS = ("frame_alloc", "frame_alloc_zeroed")


def allocation_after_setup(gdb, setup, times, timeout):
    """Run to the end of the program's setup, the times-th call of the
    kernel function setup (a location GDB understands), then on to its
    exit: the allocator that ran in between and its callers (as
    first_allocation_before_exit says it), or None; either way the
    program runs on to its end."""
    gdb.command(f"break {setup}")
    for call in range(times):
        stop = gdb.command("continue", timeout=timeout)
        if stop_location(stop) != setup.rsplit(":", 1)[-1]:
            raise AssertionError(f"the program called {setup} {call} times, not {times}:\n"
                                 f"{gdb.tail()}")
    gdb.command("delete")
    gdb.command("finish", timeout=timeout)
    allocation = first_allocation_before_exit(gdb, timeout)
    gdb.command("continue", timeout=timeout)
    return allocation


def first_allocation_before_exit(gdb, timeout):
    """From where gdb has stopped, run on with a breakpoint on each frame
    allocator and on uproc_exit, the program's exit: None if the exit
    comes first (the breakpoints are deleted again), else the allocator
    that ran and its callers, "frame_alloc, from f <- g <- ...", for
    invariant 1's tests (labs 7 and 8: the trap path never allocates)."""
    for function in FRAME_ALLOCATORS + ("uproc_exit",):
        gdb.command(f"break {function}")
    stop = gdb.command("continue", timeout=timeout)
    where = stop_location(stop)
    if where in FRAME_ALLOCATORS:
        callers = [frame.function for frame in backtrace_frames(gdb.command("bt"))][:8]
        gdb.command("delete")
        return f"{where}, from {' <- '.join(callers)}"
    if where != "uproc_exit":
        raise AssertionError(f"expected the program's exit, stopped in {where}:\n{gdb.tail()}")
    gdb.command("delete")
    return None
