"""Run beta86 under QEMU and explain, in words, how a run ended.

Everything the grader knows about QEMU lives here, so that tests, benchmarks
and the grader's own self-tests start QEMU the same way:

- ``qemu_command()`` builds the one QEMU command line we use (deterministic:
  ``-icount shift=0,sleep=off -rtc clock=vm``; isa-debug-exit for shutdown;
  ``-no-reboot`` so that a triple fault ends the run; the CPU model
  (``CPU_MODEL``) and the firmware (``FIRMWARE``).
- ``Run`` drives one QEMU process through pexpect: ``expect``, ``send``,
  ``sendline``, ``wait_exit`` and ``expect_exit``, with the console output
  (``\\r\\n`` turned into ``\\n``) in ``.output`` and in a log file. While
  it waits, it watches the guest's progress in virtual time (QMP, see
  grader/progress.py): a guest silent for its budget of virtual time is hung,
  and the run says where it is and what it does. Before it stops a guest
  that has not exited, it pauses it and runs the run's ``before_stop``
  hooks, which may read its memory (``read_memory``; grader/schedtrace.py
  reads the scheduling trace of a run that hung that way).
- ``explain_reset()`` turns QEMU's ``-d int,cpu_reset`` log into a sentence
  ("page fault at 0xdeadbeef (...), then general protection while delivering
  the page fault, hence a double fault, ...").
- ``decode_addresses()`` finds kernel addresses in console output (backtrace
  frames, ``eip=``) and names their function and source line (addr2line).

How a run ends (``Run.kind``):
  "success"       the kernel shut down cleanly (QEMU status 33)
  "failure"       the kernel shut down reporting failure, e.g. a panic (35)
  "triple-fault"  the CPU reset (status 0 under -no-reboot)
  "hang"          silent for its virtual-time budget (or, if QEMU could not
                  be watched, no exit before the wall-clock guard); QEMU
                  was killed
  "crash"         anything else: another status, or QEMU killed by a signal
  "killed"        the test stopped QEMU itself (Run.close()) before it ended
Under icount a run is deterministic and its verdict depends on virtual time
only. Wall-clock timeouts remain as a last guard, generous enough never to
fire on a loaded machine (WALL_GUARD).
"""

import atexit
import bisect
import functools
import itertools
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import pexpect

import progress

QEMU = "qemu-system-i386"
# QEMU's default i386 model (qemu32: an FPU with MMX, FXSR, SSE, SSE2 and
# SSE3, CPUID leaves up to 4) plus UMIP, which TCG emulates: with it the
# kernel makes sgdt, sidt, sldt, str and smsw fault in ring 3. The
# Makefile's QEMUOPTS use the same model.
CPU_MODEL = "qemu32,+umip"
EXIT_STATUS_SUCCESS = 33   # the kernel wrote 0x10 to port 0xf4: (0x10 << 1) | 1
EXIT_STATUS_FAILURE = 35   # the kernel wrote 0x11 to port 0xf4: (0x11 << 1) | 1
EXIT_STATUS_RESET = 0      # -no-reboot: a triple fault (CPU reset) ends QEMU
EXIT_KINDS = ("success", "failure", "triple-fault", "hang", "crash")
LAST_LINES = 20            # how much output a failure report quotes
STORY_LINES = 10           # how much output before a panic the grade quotes
PANIC_PREFIX = "panic: "   # the kernel's panic line (debug/panic.c)
# The kernel's lines once init (pid 1) has ended and been reaped
# (run_user_init in kernel/boot/main.c): how it ended, then the leak check.
INIT_ENDED = re.compile(r"^beta86: init (?:exited with status -?\d+|killed by .*)$", re.M)
LEAK_LINE = re.compile(
    r"^beta86: leak check: free frames (\d+) at ready, (\d+) at the lowest, (\d+) at the end; "
    r"process slots in use (\d+) at ready, (\d+) at the end$", re.M)
LEAK_CONTEXT_LINES = 3     # init's end, the leak check, the shutdown
KTEST_FAILED = "ktest: FAIL: "   # a kernel test's failure (tests/ktest.c)
# A user program's own verdict of a check it made, e.g. "faulttests: xstack:
# FAILED: ..." or "fuzz: seed=7: FAILED: ...": never the kernel's lines.
PROGRAM_FAILED = re.compile(r"^(?!beta86:)[a-z][\w-]*: .*\bFAILED\b")

# A run's silence budget: virtual ns (instructions, at shift=0) a guest may go
# without printing while a test waits for it. Measured with
# $BETA86_SILENCE_LOG (record_silence), the longest silence of a passing test
# under this default is 11 M (lab 5's fault isolation); tests whose programs
# compute longer before they print ask for more (usertests, fuzz, the
# benchmarks); every budget is at least five times the longest silence it
# covers. Spinning, a hung kernel spends 60 M in about 0.1 s of wall-clock
# time (an idle one faster still).
SILENCE_BUDGET = 60_000_000
# The first word after the kernel's ready banner must come within the
# default budget whatever a test allows later: every program and kernel
# test says something soon after it starts (what it is about to do), so a
# kernel that hangs before it runs them is found as fast under the fuzzer's
# budget as under the default (a fully hung submission grades quickly).
READY_BANNER = "beta86: ready after "
START_BUDGET = SILENCE_BUDGET
WALL_GUARD = 600           # s; only if the virtual-time watch fails
POLL_SECONDS = 0.02        # how often a waiting run checks the guest's progress
STUCK_SECONDS = 5          # halted, no timer armed, the test waiting: a hang
FAULT_CHECK_SECONDS = 0.5  # silent this long: look once for a fault loop,
                           # which spends virtual time slowly (~10 M/s)
STUCK_CLOCK = 10_000_000   # ns: the virtual clock "stands still" below this
LIVE_READ_TIMEOUT = 5      # s; QMP reads of a paused guest take milliseconds
CONFIRM_QUIET_SECONDS = 0.1   # a spent budget: the pty quiet this long has
                              # given us all it held (the kernel hands it
                              # on from a worker thread) ...
CONFIRM_SECONDS = 0.5         # ... or, if it only repeats itself, this long

# The firmware that runs before the kernel. qboot takes 0.6 M instructions
# to the kernel, SeaBIOS 8.6 M. qboot leaves the local APIC as reset left it
# (LINT0 masked, so the 8259 PIC's interrupts would never reach the CPU):
# with it the CPU has no local APIC, as beta86 uses only the PIC. qboot runs
# no VGA BIOS (no text mode) and leaves the PS/2 controller unset (no
# scancode translation): tests of the VGA screen and of the keyboard boot
# SeaBIOS, QEMU's default and what `make qemu` runs. Each entry: QEMU
# arguments, and what it adds to CPU_MODEL.
FIRMWARE = {
    "qboot": (["-bios", "qboot.rom"], ",-apic"),
    "seabios": ([], ""),
}
DEFAULT_FIRMWARE = "qboot"

KIND_IN_WORDS = {
    "success": "a clean shutdown",
    "failure": "a failure shutdown",
    "triple-fault": "a triple fault",
    "hang": "a hang",
    "crash": "a QEMU crash",
}


@functools.lru_cache(maxsize=None)
def qemu_data_dirs():
    """Where QEMU looks for firmware (`qemu-system-i386 -L help`)."""
    try:
        result = subprocess.run([QEMU, "-L", "help"], capture_output=True,
                                text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(line.strip() for line in result.stdout.splitlines() if line.strip())


def firmware_in_use(firmware=DEFAULT_FIRMWARE):
    """`firmware`, or "seabios" when QEMU has no qboot.rom (not every
    distribution ships it)."""
    if firmware == "qboot" and not any(
            os.path.isfile(os.path.join(directory, "qboot.rom"))
            for directory in qemu_data_dirs()):
        return "seabios"
    return firmware


def qemu_command(kernel, cmdline="", *, log_file=None, debug="cpu_reset",
                 extra_args=(), firmware=DEFAULT_FIRMWARE, qmp_socket=None):
    """The QEMU command line (a list) that runs `kernel` with `cmdline`.

    `debug` is QEMU's -d list, written to `log_file`: "cpu_reset" is cheap and
    shows a triple fault; "int,cpu_reset" also logs every exception.
    `firmware` is a key of FIRMWARE; `qmp_socket` a path for a QMP server."""
    if firmware not in FIRMWARE:
        raise ValueError(f"unknown firmware {firmware!r}: one of {sorted(FIRMWARE)}")
    firmware_args, cpu_flags = FIRMWARE[firmware_in_use(firmware)]
    command = [
        QEMU, "-kernel", str(kernel), "-append", cmdline, "-cpu", CPU_MODEL + cpu_flags,
        "-m", "128M", "-display", "none", "-monitor", "none",
        "-serial", "stdio", "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-icount", "shift=0,sleep=off", "-rtc", "clock=vm",
    ] + firmware_args
    if log_file is not None and debug:
        command += ["-d", debug, "-D", str(log_file)]
    if qmp_socket is not None:
        command += ["-qmp", f"unix:{qmp_socket},server=on,wait=off"]
    return command + [str(arg) for arg in extra_args]


def exit_kind(status, signal_status=None):
    """Classify a QEMU exit status (None: killed by a signal) into a kind."""
    if status == EXIT_STATUS_SUCCESS:
        return "success"
    if status == EXIT_STATUS_FAILURE:
        return "failure"
    if status == EXIT_STATUS_RESET and signal_status is None:
        return "triple-fault"
    return "crash"


# BETA86_PORTS=LOW-HIGH: the TCP ports this grade may use (tools/grade-batch
# gives each of its parallel jobs a range of its own, so that two grades
# never pick the same port between a check and QEMU's bind).
PORTS_VARIABLE = "BETA86_PORTS"
_next_port = itertools.count()


def tcp_port_is_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def own_port_range():
    """(first, last) of this process's ports: BETA86_PORTS's range, and in
    it the slice of this xdist worker (gwK of N: the K-th of N slices), so
    that the workers of one grade do not race either. None: no range."""
    match = re.fullmatch(r"(\d+)-(\d+)", os.environ.get(PORTS_VARIABLE, ""))
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    worker = re.fullmatch(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if worker and workers > 1 and last - first + 1 >= workers:
        size = (last - first + 1) // workers
        first += int(worker.group(1)) % workers * size
        last = first + size - 1
    return first, last


def unused_tcp_port():
    """A TCP port that nothing listens on right now (for -gdb tcp::PORT):
    one of own_port_range(), taken in turn, if BETA86_PORTS is set; else
    one the system picks."""
    ports = own_port_range()
    if ports is not None:
        first, last = ports
        for _ in range(last - first + 1):
            port = first + next(_next_port) % (last - first + 1)
            if tcp_port_is_free(port):
                return port
        raise RuntimeError(f"no free TCP port in {PORTS_VARIABLE}={first}-{last}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def last_lines(text, count=LAST_LINES):
    """The last `count` lines of `text`, or "(no output)"."""
    lines = text.rstrip("\n").split("\n")
    if lines == [""]:
        return "(no output)"
    return "\n".join(lines[-count:])


def plural(count, thing):
    """"1 frame", "3 frames"."""
    return f"{count} {thing}{'' if count == 1 else 's'}"


@dataclass
class LeakCheck:
    """The kernel's leak-check line (LEAK_LINE): free frames when it was
    ready (before init existed), the fewest free meanwhile, and after init
    was reaped; process table slots in use at ready and at the end."""
    ready_frames: int
    lowest_frames: int
    end_frames: int
    ready_slots: int
    end_slots: int

    def problem(self):
        """What is wrong, in one line, or None: anything still in use (or
        given back twice), or a count that cannot have counted."""
        frames = self.ready_frames - self.end_frames
        slots = self.end_slots - self.ready_slots
        numbers = (f"(ready: {plural(self.ready_frames, 'free frame')}, "
                   f"{plural(self.ready_slots, 'slot')}; "
                   f"end: {self.end_frames}, {self.end_slots})")
        if frames > 0 or slots > 0:
            held = [plural(count, thing) for count, thing in
                    ((frames, "frame"), (slots, "process slot")) if count > 0]
            return f"leak: {' and '.join(held)} still in use after init exited {numbers}"
        if frames < 0 or slots < 0:
            more = [plural(-count, thing) for count, thing in
                    ((frames, "frame"), (slots, "process slot")) if count < 0]
            return (f"leak check: {' and '.join(more)} more free after init exited than "
                    f"before it started, so something was freed that was never "
                    f"allocated {numbers}")
        if self.lowest_frames >= self.ready_frames:
            return (f"leak check cannot count: the free-frame count never went below "
                    f"{self.ready_frames} while init ran (lowest: {self.lowest_frames}), "
                    "though init's own kernel stack and address space take frames")
        if self.ready_slots < 1:
            return ("leak check cannot count: 0 process slots in use at ready, though "
                    "the boot thread holds one")
        return None


def leak_check(output):
    """Whether a run that ended with init's end passed the leak check:
    None if it need not be checked (init never ended), else the problem in
    one line, or "" when frames and slots are back where they were."""
    ended = None
    for ended in INIT_ENDED.finditer(output):
        pass
    if ended is None:
        return None
    line = LEAK_LINE.search(output, ended.end())
    if line is None:
        return ("leak check missing: the kernel printed no 'beta86: leak check: ...' "
                f"line after {ended.group(0)!r}")
    return LeakCheck(*(int(number) for number in line.groups())).problem() or ""


def lines_in_order(expected, printed):
    """Why `printed` is not exactly `expected`, in words ("" if it is)."""
    for index, line in enumerate(expected):
        if index >= len(printed):
            return f"missing from line {index + 1} on:\n  {line}"
        if printed[index] != line:
            return f"line {index + 1}: expected\n  {line}\nprinted\n  {printed[index]}"
    return f"an extra line:\n  {printed[len(expected)]}" if len(printed) > len(expected) else ""


def shown_path(path):
    """`path` relative to the current directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def without_gdb_args(args):
    """`args` minus -S / -s / -gdb DEV, which would make a re-run wait for GDB."""
    kept, skip_next = [], False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg == "-gdb":
            skip_next = True
        elif arg not in ("-S", "-s"):
            kept.append(arg)
    return kept


class LineEndNormalizer:
    """Turns "\\r\\n" (and the pty's "\\r\\r\\n") into "\\n" across chunk edges."""

    CR_LF = re.compile(r"\r+\n")

    def __init__(self):
        self.pending = ""

    def feed(self, chunk):
        text = self.pending + chunk
        complete = text.rstrip("\r")
        self.pending = text[len(complete):]
        return self.CR_LF.sub("\n", complete)

    def finish(self):
        rest, self.pending = self.pending, ""
        return rest


_live_runs = weakref.WeakSet()


def kill_all_runs():
    """Kill every QEMU still running (used at exit and on interrupt)."""
    for run in list(_live_runs):
        run.close()


atexit.register(kill_all_runs)


class Run:
    """One QEMU process running a kernel, driven through a pty (pexpect).

    The console output so far is `.output` ("\\n" line ends) and `.lines`;
    it is also written as it arrives to `.log_path`. After the run ends,
    `.kind` is one of EXIT_KINDS and `.status` QEMU's exit status.

    `budget` is the silence budget in virtual ns: while a test waits
    (expect, wait_exit), a guest that prints nothing for that much virtual
    time is hung; `.hang` then says what it was doing and where
    (a progress.Diagnosis). None: not watched, only the wall-clock guard
    ends a hang. `firmware` is a key of FIRMWARE."""

    def __init__(self, kernel, cmdline="", *, log_path, qemu_log_path=None,
                 extra_args=(), source_root=None, budget=SILENCE_BUDGET,
                 firmware=DEFAULT_FIRMWARE, debug="cpu_reset"):
        self.kernel = Path(kernel)
        if shutil.which(QEMU) is None:
            raise FileNotFoundError(
                f"{QEMU} is not installed: run tools/install-deps.sh")
        if not self.kernel.is_file():
            raise FileNotFoundError(
                f"no kernel to run: {self.kernel} does not exist "
                "(build it first with `make`)")
        self.cmdline = cmdline
        self.extra_args = [str(arg) for arg in extra_args]
        self.log_path = Path(log_path)
        self.qemu_log_path = Path(qemu_log_path or
                                  str(self.log_path).replace(".serial.log", "")
                                  + ".qemu.log")
        self.source_root = source_root
        if firmware not in FIRMWARE:
            raise ValueError(f"unknown firmware {firmware!r}: one of {sorted(FIRMWARE)}")
        self.budget = budget
        self.firmware = firmware
        # A unix socket path must be short: a directory of its own in /tmp.
        self._qmp_dir = tempfile.mkdtemp(prefix="beta86-qmp-")
        self.qmp = progress.Qmp(os.path.join(self._qmp_dir, "qmp.sock"))
        self.command = qemu_command(self.kernel, cmdline,
                                    log_file=self.qemu_log_path, debug=debug,
                                    extra_args=self.extra_args,
                                    firmware=firmware, qmp_socket=self.qmp.path)
        self.status = None          # QEMU's exit status, once it exited
        self.signal_status = None   # the signal that killed QEMU, if any
        self.kind = None            # one of EXIT_KINDS, once the run ended
        self.guard_timeout = None   # the wall-clock guard that a hang overran
        self.hang_meaning = None    # a test's words for what a hang of this run means
        self.hang = None            # a progress.Diagnosis, once found hung (also
                                    # by a GdbSession, while QEMU runs on)
        self.sent_input = False     # interactive input makes re-runs differ
        self.expected_kind = None   # what expect_exit() asked for, if it was asked
        self.failed_expectation = None   # (in words, the AssertionError) of _fail()
        self.triple_fault_story = None   # explain_reset()'s sentence, once known
        self.longest_silence = 0    # virtual ns, the longest silence watched
        self._silence = None        # progress.Stopwatch since the last output
        self._looked_for_faults = False   # in this silence
        self._repeats = progress.RepeatWatch()   # output that says nothing new
        self._fresh = False         # new output (not a repetition) since the last poll
        self.news = 0               # lines of new output so far (GDB's waits watch it)
        self._last_watch = 0.0      # time.monotonic() of the last progress check
        self._watch_failed = False  # QMP unusable: only the wall guard is left
        self._text = ""
        self._cursor = 0            # expect() searches output from here on
        self._normalizer = LineEndNormalizer()
        self._explanation = None
        # Callables f(run) that read the guest before QEMU is stopped while
        # it still runs (a hang, the wall-clock guard, close()): a run that
        # exits has nothing left to read. See _read_before_stop.
        self.before_stop = []
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")
        try:
            self._child = pexpect.spawn(self.command[0], self.command[1:],
                                        encoding="utf-8", codec_errors="replace",
                                        echo=False, timeout=None)
        except pexpect.ExceptionPexpect:
            self._log.close()
            shutil.rmtree(self._qmp_dir, ignore_errors=True)
            raise
        _live_runs.add(self)

    # ---- console output --------------------------------------------------

    @property
    def output(self):
        """All console output so far, with "\\n" line ends."""
        return self._text

    @property
    def pid(self):
        """QEMU's process id."""
        return self._child.pid

    @property
    def lines(self):
        """The console output as a list of lines (without line ends)."""
        return self._text.splitlines()

    def set_aside_output(self, keep):
        """Replace the output seen so far by keep(output): for output that
        a helper reads apart (the scheduling trace's dump, which
        grader/schedtrace.py parses), so that checks and failure reports
        see the rest. The serial log keeps everything."""
        self._text = keep(self._text)
        self._cursor = min(self._cursor, len(self._text))

    def command_line(self):
        """The QEMU command as one shell-quoted string, to reproduce the run
        (without the QMP socket, which only the grader uses)."""
        command = list(self.command)
        if "-qmp" in command:
            index = command.index("-qmp")
            del command[index:index + 2]
        return shlex.join(command)

    def _append(self, text):
        if text:
            self._text += text
            self._log.write(text)
            self._log.flush()
            if self._repeats.feed(text):
                self._fresh = True
                self.news += 1
                self._silence = None    # the guest said something new: a new silence

    def _read_some(self, timeout):
        """Read what QEMU printed within `timeout` s; False once QEMU exited."""
        return self._read_chunk(timeout) is not None

    def _read_chunk(self, timeout):
        """Read what QEMU printed within `timeout` s: how many bytes (0 if
        none came), or None once QEMU exited."""
        if self.kind is not None:
            return None
        try:
            chunk = self._child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return 0
        except pexpect.EOF:
            self._finish()
            return None
        self._append(self._normalizer.feed(chunk))
        return len(chunk)

    def _finish(self, kind=None):
        """QEMU exited (or must die now): record how, release everything."""
        if kind is not None:
            self._drain()
            self._read_before_stop()
        self._append(self._normalizer.finish())
        if kind is None:
            self._child.wait()
            self.status = self._child.exitstatus
            self.signal_status = self._child.signalstatus
            kind = exit_kind(self.status, self.signal_status)
        else:
            self._kill()
        self.kind = kind
        self.qmp.close()
        shutil.rmtree(self._qmp_dir, ignore_errors=True)
        self._child.close(force=True)
        self._log.close()
        _live_runs.discard(self)
        record_silence(self)

    def _read_before_stop(self):
        """Run the before_stop hooks (once) on the guest, which QEMU still
        runs, paused first so that what they read stands still."""
        hooks, self.before_stop = self.before_stop, []
        if not hooks or not self._child.isalive():
            return
        try:
            qmp = self._live_qmp()
            with qmp.reply_timeout(LIVE_READ_TIMEOUT):
                qmp.execute("stop")
        except progress.QmpError:
            pass                # then the hooks' reads say why they fail
        for hook in hooks:
            hook(self)

    def _live_qmp(self):
        """The QMP connection, connected, within LIVE_READ_TIMEOUT."""
        if not self.qmp.connected:
            self.qmp.connect(self._child.isalive, timeout=LIVE_READ_TIMEOUT)
        return self.qmp

    def read_memory(self, address, size):
        """`size` bytes of the guest's physical memory at `address` (a
        kernel symbol's address is physical too: kernel.ld maps virtual ==
        physical), while QEMU still runs: QMP's pmemsave into a file of
        the run's own. progress.QmpError if they cannot be read."""
        if self.kind is not None or not self._child.isalive():
            raise progress.QmpError("QEMU has exited: the guest's memory went with it")
        path = os.path.join(self._qmp_dir, "memory.bin")
        qmp = self._live_qmp()
        with qmp.reply_timeout(LIVE_READ_TIMEOUT):
            qmp.execute("pmemsave", val=address, size=size, filename=path)
        try:
            with open(path, "rb") as saved:
                data = saved.read()
            os.unlink(path)
        except OSError as error:
            raise progress.QmpError(f"pmemsave wrote nothing to read: {error}") from None
        if len(data) != size:
            raise progress.QmpError(f"pmemsave wrote {len(data)} bytes of {size}")
        return data

    def _drain(self):
        """Keep what QEMU printed but we did not read yet."""
        while True:
            try:
                chunk = self._child.read_nonblocking(65536, timeout=0)
            except (pexpect.TIMEOUT, pexpect.EOF):
                return
            self._append(self._normalizer.feed(chunk))

    def _kill(self):
        if self._child.isalive():
            self._child.kill(signal.SIGKILL)
            self._child.wait()

    # ---- watching progress in virtual time -------------------------------

    def reading(self):
        """A progress.Reading of the guest now, or None if QEMU cannot be
        watched (then only the wall-clock guard finds a hang)."""
        if self.kind is not None or self._watch_failed:
            return None
        try:
            if not self.qmp.connected:
                self.qmp.connect(self._child.isalive)
            return progress.read_progress(self.qmp)
        except progress.QmpError:
            if self._child.isalive():
                self._watch_failed = True   # not just QEMU exiting meanwhile
            return None

    def stopwatch(self):
        """A progress.Stopwatch started now (None if QEMU cannot be watched)."""
        reading = self.reading()
        if reading is None:
            return None
        watch = progress.Stopwatch()
        watch.add(reading)
        return watch

    def budget_now(self):
        """The silence budget that applies now: START_BUDGET until the first
        word after the ready banner, then the run's own (if smaller, that)."""
        text = self._text
        last_line = text[text.rfind("\n", 0, len(text) - 1) + 1:]
        if self.budget is not None and text.endswith("\n") and last_line.startswith(READY_BANNER):
            return min(self.budget, START_BUDGET)
        return self.budget

    def out_of_budget(self, watch):
        """Update `watch` (a Stopwatch); the kind of hang if the guest is
        surely hung: its budget of virtual time is spent (and silence_holds:
        nothing new was on its way), or it halted where nothing can wake it.
        "" if not (yet)."""
        reading = self.reading()
        if reading is None or watch is None or self.budget is None:
            return ""
        watch.add(reading)
        if watch.elapsed >= self.budget_now():
            return "budget" if self.silence_holds() else ""
        stuck = watch.stuck
        if stuck is None:
            return ""
        # Nothing executed since the last reading: halted (or stopped)?
        try:
            sample = progress.sample_cpu(self.qmp)
        except progress.QmpError:
            return ""
        if sample.halted and not sample.interrupts_on:
            return "halted-interrupts-off"
        wall, virtual = stuck
        if sample.halted and wall >= STUCK_SECONDS and virtual < STUCK_CLOCK:
            return "halted-no-timer"
        return ""

    def _watch_progress(self):
        """Called while waiting, when no output came for a poll: check the
        guest's progress since its last output; stop QEMU if it is hung."""
        if self.budget is None:
            return                  # not watched: only the wall guard is left
        if self._silence is None:
            self._silence = self.stopwatch()
            self._looked_for_faults = False
            return
        verdict = self.out_of_budget(self._silence)
        if self._silence is None:
            return                  # we had fallen behind: the guest did speak
        self.longest_silence = max(self.longest_silence, self._silence.elapsed)
        exceptions = None
        if (not verdict and not self._looked_for_faults
                and self._silence.wall_elapsed >= FAULT_CHECK_SECONDS):
            # A fault loop executes slowly (each exception costs the emulator
            # far more than an instruction), so its budget lasts long: look
            # once whether the same exception is delivered over and over.
            self._looked_for_faults = True
            try:
                exceptions = progress.recent_exceptions(self.qmp, self.qemu_log_path)
            except progress.QmpError:
                exceptions = None
            if progress.fault_loop(exceptions):
                verdict = "fault-loop"
        repeated = self._repeats.repeating
        if repeated and repeated[1] >= progress.REPEAT_LIMIT:
            verdict = "repeating"
        if verdict and repeated:
            verdict = "repeating"   # what it prints says more than how it loops
        if verdict:
            self.hang = self.diagnose(self._silence,
                                      None if verdict == "budget" else verdict,
                                      exceptions, repeated)
            self._finish("hang")

    def silence_holds(self):
        """Whether a spent budget is a real silence. The readings say the
        guest ran a budget's worth since the last output we read; but the
        grader can fall behind QEMU on a loaded host, and a tenth of a
        second is a whole budget at full speed, while what QEMU wrote
        meanwhile may still be on its way through the pty. So everything
        on its way is taken in first: the silence holds if nothing new
        came before the pty stayed quiet a while (and QEMU lives). The
        guest is not paused for it: a QMP stop would tell an attached GDB
        that its target stopped."""
        self._fresh = False
        deadline = time.monotonic() + CONFIRM_SECONDS
        while time.monotonic() < deadline and not self._fresh:
            if not self._read_chunk(CONFIRM_QUIET_SECONDS):
                break               # quiet (0), or QEMU exited (None)
        return self.kind is None and not self._fresh

    def diagnose(self, watch, kind=None, exceptions=None, repeated=None):
        """A progress.Diagnosis of the (hung) guest, which still runs."""
        symbolizer = self.symbolizer()

        def in_kernel(address):
            return symbolizer is not None and symbolizer.function_at(address) is not None
        try:
            return progress.diagnose(self.qmp, watch.elapsed, watch.executed,
                                     log_path=self.qemu_log_path,
                                     in_code=in_kernel, kind=kind,
                                     exceptions=exceptions, repeated=repeated)
        except progress.QmpError:
            return progress.Diagnosis(kind or "busy", watch.elapsed, watch.executed,
                                      repeated=repeated)

    def symbolizer(self):
        """A Symbolizer of the kernel (None if its ELF cannot be read)."""
        try:
            return Symbolizer(self.kernel, self.source_root)
        except OSError:
            return None

    def _wait_step(self, remaining):
        """Wait for output at most one poll; when nothing new came (no
        output, or output that only repeats itself), watch the guest's
        progress, at most once a poll. False once the run has ended."""
        self._fresh = False
        if not self._read_some(min(remaining, POLL_SECONDS)):
            return False
        now = time.monotonic()
        if not self._fresh and now - self._last_watch >= POLL_SECONDS:
            self._last_watch = now
            self._watch_progress()
        return self.kind is None

    # ---- driving QEMU ----------------------------------------------------

    def expect(self, pattern, timeout=WALL_GUARD, *, shown=None):
        """Wait until the output (after the previous match) matches the regex
        `pattern`; return the re.Match. Raises AssertionError, explaining what
        happened, if QEMU exits first, or the guest hangs (silent for its
        budget of virtual time), or `timeout` s pass (a last guard).
        `shown` is how messages quote what was expected."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        shown = shown or describe_pattern(regex.pattern)
        deadline = time.monotonic() + timeout
        self._silence = None          # the test has just asked: a fresh budget
        while True:
            match = regex.search(self._text, self._cursor)
            if match:
                self._cursor = match.end()
                return match
            remaining = deadline - time.monotonic()
            if self.kind == "hang" and self.hang is not None:
                self._fail(f"waited for {shown}",
                           f"expected {shown}, which never came: {self.explain()}")
            if self.kind is not None:
                self._fail(f"waited for {shown}",
                           f"expected {shown}, but QEMU ended first with "
                           f"{self.explain()}")
            if remaining <= 0:
                self._fail(f"waited for {shown}",
                           f"expected {shown}, not seen within {timeout} s "
                           "(QEMU still running); last output:\n"
                           + last_lines(self._text))
            self._wait_step(remaining)

    def expect_exact(self, text, timeout=WALL_GUARD):
        """Like expect(), for a literal string."""
        return self.expect(re.escape(text), timeout, shown=repr(text))

    def _fail(self, expectation, message):
        """Raise the AssertionError of a failed expectation ("waited for
        'kmon> '", "expected a clean shutdown"), keeping both: the grade
        says how the run ended once and what each test expected of it."""
        error = AssertionError(message)
        self.failed_expectation = (expectation, error)
        raise error

    def send(self, text):
        """Type `text` on the serial console (an AssertionError if QEMU has
        ended: nobody reads it)."""
        if self.kind is not None:
            self._fail(f"typed {text!r}", f"could not type {text!r}: QEMU ended "
                       f"first with {self.explain()}")
        self.sent_input = True
        self._child.send(text)

    def sendline(self, text=""):
        """Type `text` and Enter ("\\r", what a serial terminal sends)."""
        self.send(text + "\r")

    def wait_exit(self, timeout=WALL_GUARD):
        """Let QEMU run until it exits or hangs (silent for its budget of
        virtual time; at most `timeout` s, a last guard); return the exit
        kind. On a hang QEMU is killed."""
        if self.kind is not None:
            return self.kind
        deadline = time.monotonic() + timeout
        self._silence = None
        while self.kind is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.guard_timeout = timeout
                self._finish("hang")
                break
            self._wait_step(remaining)
        return self.kind

    def expect_exit(self, kind="success", timeout=WALL_GUARD):
        """Wait for the exit and check its kind; otherwise raise an
        AssertionError that says what happened instead."""
        if kind not in EXIT_KINDS:
            raise ValueError(f"unknown exit kind {kind!r}: one of {EXIT_KINDS}")
        self.expected_kind = kind
        if self.wait_exit(timeout) != kind:
            self._fail(f"expected {KIND_IN_WORDS[kind]}",
                       f"expected {KIND_IN_WORDS[kind]}, got {self.explain()}")

    def close(self):
        """Kill QEMU if it still runs. Safe to call more than once."""
        if self.kind is None:
            self._finish("killed")

    # ---- explaining ------------------------------------------------------

    @property
    def panic_lines(self):
        """The panic block (panic line to the end of its backtrace), or []."""
        lines = self.lines
        for index, line in enumerate(lines):
            if line.startswith(PANIC_PREFIX):
                block = [line]
                for following in lines[index + 1:]:
                    if not (following.startswith("  ")
                            or following == "backtrace:"):
                        break
                    block.append(following)
                return block
        return []

    def explain(self):
        """How the run ended, in words ("a panic: panic: ...")."""
        if self.kind is None:
            return "nothing yet: QEMU is still running"
        if self._explanation is None:
            self._explanation = self._explain()
        return self._explanation

    def _explain(self):
        if self.kind == "killed":
            return "a run that was stopped (killed at the end of the test)"
        if self.kind == "success":
            return "a clean shutdown"
        if self.kind == "hang":
            if self.hang is None:
                return (f"a hang: no shutdown within {self.guard_timeout:g} s "
                        "of wall-clock time (the last guard: the run was not "
                        "watched in virtual time); last output:\n"
                        f"{last_lines(self._text)}")
            return (f"a hang: {describe_hang(self.hang, self.symbolizer())}\n"
                    f"last output:\n{last_lines(self._text)}")
        if self.kind == "triple-fault":
            return "a triple fault: " + self.explain_triple_fault()
        decoded = decode_addresses(self._text, self.kernel, self.source_root)
        where = "".join(f"\n  {address}" for address in decoded)
        if self.kind == "failure":
            panic = self.panic_lines
            if panic:
                return f"a panic: {panic[0]}" + (
                    f"\ndecoded addresses:{where}" if where else "")
            return ("a failure shutdown (status 35) without a panic message; "
                    f"last output:\n{last_lines(self._text)}")
        how = (f"killed by signal {self.signal_status}"
               if self.signal_status is not None
               else f"exited with status {self.status}")
        return (f"a crash: QEMU {how}, which is neither a shutdown nor a "
                f"triple fault; last output:\n{last_lines(self._text)}")

    def explain_triple_fault(self):
        """Re-run the same command line with -d int,cpu_reset (runs are
        deterministic) and explain the exceptions that led to the reset."""
        rerun_log = Path(str(self.qemu_log_path).replace(".qemu.log", "")
                         + ".int.log")
        rerun = Run(self.kernel, self.cmdline,
                    log_path=str(self.log_path).replace(".serial.log", "")
                    + ".rerun.serial.log",
                    qemu_log_path=rerun_log, debug="int,cpu_reset",
                    extra_args=without_gdb_args(self.extra_args),
                    source_root=self.source_root, budget=self.budget,
                    firmware=self.firmware)
        if rerun.wait_exit() != "triple-fault":
            how = rerun.explain().split("\n", 1)[0]
            return ("the CPU reset; re-running it with -d int,cpu_reset to see "
                    f"the exceptions did not reset again ({how})")
        story = explain_reset(rerun_log, self.kernel, self.source_root)
        self.triple_fault_story = story
        if self.sent_input:
            sameness = "without the console input this run got"
        elif rerun.output == self._text:
            sameness = "same output"
        else:
            sameness = "its output differed, so it may not be the same fault"
        return (f"{story} (exception history from a re-run of the same "
                f"command line with -d int,cpu_reset, {sameness}: "
                f"{shown_path(rerun_log)})")

    # ---- what the grade says about it --------------------------------------

    def poll(self):
        """Read what QEMU printed so far without waiting (while GDB drives
        a run, the test reads it only now and then), and notice its exit."""
        while self.kind is None:
            before = len(self._text)
            if not self._read_some(0) or len(self._text) == before:
                return

    def trouble(self):
        """How the run went wrong, in one line (ending_headline()), or None:
        it ended otherwise than expect_exit() asked (if it did not ask: in
        anything but a clean shutdown), or it printed a panic that the test
        did not ask for."""
        self.poll()
        if self.kind in (None, "killed"):
            if self.panic_lines and self.expected_kind != "failure":
                return self.ending_headline()
            if self.hang is not None:     # found hung while GDB waited on it
                return self.ending_headline()
            return None
        if self.kind in ("success", self.expected_kind):
            return None
        return self.ending_headline()

    def leak_problem(self):
        """The leak check of a run that ended with init's end, by the rule
        of the grade: checked iff the kernel shut down (cleanly or not)
        without a panic after printing init's end; a run that panicked,
        hung, reset, or that the test stopped, is judged by how it ended.
        The problem in one line (LeakCheck.problem), or None."""
        self.poll()
        if self.kind not in ("success", "failure") or self.panic_lines:
            return None
        return leak_check(self._text) or None

    def ending_headline(self):
        """How the run ended (or a panic it printed), in one line without
        host paths: "the kernel panicked: setctx: not implemented (lab 2)"."""
        panic = self.panic_lines
        if panic:
            headline = panic[0][len(PANIC_PREFIX):]
            stray = stray_eip(headline)
            if stray:
                return f"{stray[0]}; it panicked: {headline}"
            return "the kernel panicked: " + headline
        if self.kind == "failure":
            failed = [line for line in self.lines if line.startswith(KTEST_FAILED)]
            if failed:
                return "a kernel test failed: " + failed[0][len(KTEST_FAILED):]
            said = [line for line in self.lines if PROGRAM_FAILED.match(line)]
            if said:        # init exited 1 because a check of its own failed: that says why
                return "a test program failed its check: " + said[0]
            return "the kernel shut down reporting failure, without a panic message"
        if self.kind == "triple-fault":
            self.explain()
            story = self.triple_fault_story
            if story is None:
                return ("the kernel triple-faulted (a re-run to see the exceptions "
                        "did not reset again)")
            if not story[0].isalpha() or story.startswith(("the CPU reset", "triple fault")):
                return "the CPU reset: " + story
            return ("the kernel triple-faulted; the first exception: "
                    + self.sanitize(story.split(", then ", 1)[0]))
        if self.kind == "hang" or self.hang is not None:
            if self.hang is None:
                return (f"the kernel hung: no shutdown within {self.guard_timeout:g} s "
                        "of wall-clock time")
            place = hang_place(self.hang, self.symbolizer())
            if self.hang.repeated:
                return repeated_in_words(*self.hang.repeated) + (
                    f", in {place}" if place else "")
            words = self.hang.words.split(":", 1)[0]
            meaning = f"{self.hang_meaning}; " if self.hang_meaning else ""
            return f"{meaning}the kernel hung, {words}" + (f", in {place}" if place else "")
        if self.kind == "crash":
            how = (f"killed by signal {self.signal_status}"
                   if self.signal_status is not None
                   else f"exited with status {self.status}")
            return f"QEMU crashed: {how}"
        return None

    def ending_key(self):
        """What runs that went wrong the same way share, to explain a root
        cause once: the headline with its numbers masked (seeds, pids and
        addresses differ from test to test), for a hang also its caller."""
        key = mask_numbers(self.ending_headline() or self.kind or "")
        if self.hang is not None and self.hang.backtrace:
            symbolizer = self.symbolizer()
            caller = (symbolizer.function_at(self.hang.backtrace[0] - 1)
                      if symbolizer is not None else None)
            key += f" <- {caller.name if caller else '?'}"
        return key

    def ending_story(self):
        """The details behind ending_headline(), for a student: the panic
        with its decoded backtrace, a triple fault's exceptions, where a hang
        was; then the last output and a command that repeats the run."""
        lines = self.lines
        panic = self.panic_lines
        story = []
        shown = lines
        if panic:
            story.append(panic[0])
            stray = stray_eip(panic[0])
            if stray:
                story.append(f"  {stray[1]}")
            decoded = decode_addresses("\n".join(panic), self.kernel, self.source_root)
            story += [f"  {address}" for address in decoded]
            shown = lines[:lines.index(panic[0])]
        elif self.kind == "triple-fault":
            self.explain()
            story.append(self.triple_fault_story or self.explain())
        elif self.hang is not None:
            story.append(describe_hang(self.hang, self.symbolizer()))
        story.append("last output" + (" before the panic" if panic else "") + ":")
        text = last_lines("\n".join(shown), STORY_LINES if panic else LAST_LINES)
        story += [f"  {line}" for line in text.split("\n")]
        story.append(f"to repeat it: {self.repeat_command()}")
        return self.sanitize("\n".join(story))

    def repeat_command(self):
        """A command that repeats this run: in a tree, `make qemu-nox
        APPEND=...` (qemu-gdb for a run under GDB), else QEMU's command."""
        gdb = "-gdb" in self.extra_args
        if self.source_root is not None and \
                self.kernel == Path(self.source_root) / "build" / "kernel.elf":
            append = (f'"{self.cmdline}"' if not set(self.cmdline) & set('"$`\\')
                      else shlex.quote(self.cmdline))
            # ICOUNT=1: the grader's machine (the Makefile), its firmware too
            machine = " ICOUNT=1" + ("" if firmware_in_use(self.firmware) == "qboot"
                                     else " FIRMWARE=seabios")
            command = f"make {'qemu-gdb' if gdb else 'qemu-nox'}{machine} APPEND={append}"
            return command + (" (then `make gdb` in another terminal)" if gdb else "")
        command = without_gdb_args(self.command[1:]) if gdb else self.command[1:]
        kept, skip = [self.command[0]], False
        for arg in command:             # the logs and QMP are the grader's own
            if skip:
                skip = False
            elif arg in ("-d", "-D", "-qmp"):
                skip = True
            else:
                kept.append(arg)
        return self.sanitize(shlex.join(kept))

    def shown_kernel(self):
        """The kernel's path as a student knows it: build/kernel.elf in the
        tree, else just its file name."""
        if self.source_root is not None:
            try:
                return str(self.kernel.relative_to(self.source_root))
            except ValueError:
                pass
        return self.kernel.name

    def sanitize(self, text):
        """`text` without this machine's paths: the kernel named as
        shown_kernel() does, paths in the tree relative to it."""
        text = text.replace(str(self.kernel), self.shown_kernel())
        if self.source_root is not None:
            text = text.replace(f"{self.source_root}/", "")
        return text


# The kernel's panic names an eip it has no symbol for as "???" (ksym.c).
STRAY_EIP = re.compile(r"\beip (0x[0-9a-f]+) \?\?\?")
EFLAGS_ALWAYS_ONE = 0x2                 # bit 1 of EFLAGS reads as 1
EFLAGS_ALWAYS_ZERO = 0xffc08028         # bits 3, 5, 15 and 22-31 read as 0
EFLAGS_IF = 0x200


def looks_like_eflags(value):
    return (value & EFLAGS_ALWAYS_ONE) and not value & EFLAGS_ALWAYS_ZERO


def stray_eip(headline):
    """A panic at an eip outside the kernel's code, explained: (short
    words to lead the one-line reason, the long explanation for the
    story), or None. The CPU was sent there by a ret or an iret that popped
    a wrong word (a trap frame copied to the wrong place, a stack pointer
    off), and a newcomer reading "eip 0x00000246 ???" has nothing to go on."""
    match = STRAY_EIP.search(headline)
    if not match:
        return None
    eip = int(match.group(1), 16)
    long = (f"eip {eip:#x} is no kernel code: a ret or an iret jumped there, having "
            "popped a wrong word, as when a trap frame is restored to the wrong place or "
            "copied short, or a saved esp is off by a word")
    if not looks_like_eflags(eip):
        return (f"the kernel jumped to eip {eip:#x}, no kernel code (a ret or an iret "
                "popped a wrong word)", long)
    interrupts = " and IF on" if eip & EFLAGS_IF else ""
    long += (f". {eip:#x} looks like an EFLAGS value, bit 1 set{interrupts}: the iret "
             "found eflags where it pops eip, so the frame it popped is a word or two "
             "away from the copy (lab 3: sched_restore_trapframe puts a ring-0 frame "
             "at tf.esp - 68, a ring-3 one at kstack_top - 76)")
    return (f"the kernel jumped to eip {eip:#x}, no kernel code but an EFLAGS value: an "
            "iret popped a trap frame a word or two away from where it was copied", long)


def repeated_in_words(lines, times):
    """"the kernel prints the same line over and over: 'x' (N times)"."""
    if len(lines) == 1:
        return f"the kernel prints the same line over and over: {lines[0]!r} ({times:,} times)"
    return (f"the kernel prints the same {len(lines)} lines over and over: "
            + " / ".join(repr(line) for line in lines) + f" ({times:,} times)")


def describe_hang(hang, symbolizer=None):
    """A progress.Diagnosis in words: what the CPU was doing, for how long
    without (new) output, and where (eip and backtrace, decoded)."""
    if hang.repeated:
        text = (f"{repeated_in_words(*hang.repeated)}, and nothing new for "
                f"{virtual_span(hang.silence)} of virtual time ({hang.silence:,} "
                f"instruction times, {hang.executed:,} instructions executed); "
                f"the CPU is {hang.words}.")
    else:
        text = (f"no output for {virtual_span(hang.silence)} of virtual time "
                f"({hang.silence:,} instruction times, {hang.executed:,} "
                f"instructions executed); the CPU is {hang.words}.")
    sample = hang.sample
    # Name every address with one addr2line call. A halted CPU's eip is
    # after its hlt, and a return address after its call: both are named
    # by the instruction before.
    eip_lookup = None
    lookups = [address - 1 for address in hang.backtrace]
    if sample is not None:
        eip_lookup = sample.eip - 1 if sample.halted else sample.eip
        lookups.append(eip_lookup)
    if hang.fault is not None:
        lookups.append(hang.fault[2])
    lines = (symbolizer.source_lines(lookups)
             if symbolizer is not None and lookups else {})

    def named(address, lookup):
        return describe_address(address, lookup, symbolizer, lines)
    if hang.fault is not None:
        vector, error_code, eip, cr2, count = hang.fault
        name = exception_name(vector)
        if vector == 0x0e and cr2 is not None:
            name += f" at {cr2:#010x} ({page_fault_cause(error_code)})"
        elif error_code and vector in CONTRIBUTORY:
            name += f" ({selector_error(error_code)})"
        text += (f"\nThe {name}, eip {named(eip, eip)}, was delivered {count} "
                 f"times in {progress.EXCEPTION_WINDOW * 1000:g} ms of "
                 "wall-clock time.")
    if sample is None:
        return text
    if sample.cpl == 3:
        return text + f"\nThe CPU is in user mode, at eip {sample.eip:#010x}."
    text += f"\nThe kernel is at eip {named(sample.eip, eip_lookup)}"
    if sample.halted:
        text += " (just after its hlt)"
    if hang.backtrace:
        text += "\ncalled from (the frame-pointer chain):"
        for number, address in enumerate(hang.backtrace, start=1):
            text += f"\n  #{number} {named(address, address - 1)}"
    return text


def hang_place(hang, symbolizer):
    """"sleep (kernel/proc/sched.c:290)": the function a hung CPU is in
    (for a halted one, its hlt), or None if unknown."""
    sample = hang.sample
    if sample is None:
        return None
    if sample.cpl == 3:
        return f"user mode (eip {sample.eip:#010x})"
    lookup = sample.eip - 1 if sample.halted else sample.eip
    symbol = symbolizer.function_at(lookup) if symbolizer is not None else None
    if symbol is None:
        return f"eip {sample.eip:#010x}"
    where = [line for line in symbolizer.source_lines([lookup]).get(lookup, [])
             if "??" not in line]
    if where:   # the last of an inlined chain is the symbol's own function
        return f"{symbol.name} ({where[-1].rpartition(' at ')[2]})"
    return symbol.name


def mask_numbers(text):
    """`text` with its numbers (decimal and 0x hex) replaced by "#"."""
    return re.sub(r"\d+", "#", re.sub(r"0x[0-9a-fA-F]+", "#", text))


REGEX_SPECIAL = set(".^$*+?{}[]|()")
REGEX_QUANTIFIERS = set("*+?{")
REGEX_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def describe_pattern(pattern):
    """A regular expression in words for a failure message, its literal
    beginning as the text it matches: "'pid  state\\n' followed by a match
    of the regular expression `(\\d+ .*\\n){3}`", not 'pid\\ \\ state...'."""
    literal, starts, index = [], [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped in REGEX_CONTROL_ESCAPES:
                char = REGEX_CONTROL_ESCAPES[escaped]
            elif escaped.isalnum():
                break               # \d, \b, \1 ...: no longer literal
            else:
                char = escaped
            step = 2
        elif char in REGEX_SPECIAL:
            break
        else:
            step = 1
        literal.append(char)
        starts.append(index)
        index += step
    if index < len(pattern) and pattern[index] in REGEX_QUANTIFIERS and literal:
        literal.pop()               # "ab+": the b belongs to the rest
        index = starts.pop()
    text, rest = "".join(literal), pattern[index:]
    if not rest:
        return repr(text)
    if not text:
        return f"a match of the regular expression `{rest}`"
    return f"{text!r} followed by a match of the regular expression `{rest}`"


def virtual_span(ns):
    """Virtual nanoseconds in words: "4.5 ms", "0.53 s"."""
    return f"{ns / 1e6:.2g} ms" if ns < 10_000_000 else f"{ns / 1e9:.2f} s"


def describe_address(address, lookup, symbolizer, lines):
    """"0x00103daf sleep+0x6f: sti_hlt at kernel/cpu/x86.h:44, inlined into
    sleep at kernel/proc/sched.c:290": the function and offset of `address`
    as the kernel names it, and the source of `lookup` (the address itself,
    or the instruction before it) from `lines` (Symbolizer.source_lines)."""
    text = f"{address:#010x}"
    if symbolizer is None:
        return text
    symbol = symbolizer.function_at(lookup)
    if symbol is not None:
        text += f" {symbol.name}+{address - symbol.address:#x}"
    where = [line for line in lines.get(lookup, []) if "??" not in line]
    if not where:
        return text
    if len(where) == 1 and symbol is not None and where[0].startswith(symbol.name + " at "):
        return f"{text} {where[0][len(symbol.name) + 1:]}"
    return f"{text}: " + ", inlined into ".join(where)


SILENCE_LOG = "BETA86_SILENCE_LOG"   # file: each run's longest silence, one line


def record_silence(run):
    """With $BETA86_SILENCE_LOG set, append the run's longest watched
    silence (virtual ns) to it: how the silence budget was chosen."""
    path = os.environ.get(SILENCE_LOG)
    if path and run.kind != "hang":
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{run.longest_silence} {run.kind} {run.log_path.name} "
                      f"{run.cmdline}\n")


# ---- symbols and source lines ---------------------------------------------

@dataclass
class FunctionSymbol:
    address: int
    size: int
    name: str


class Symbolizer:
    """Names kernel addresses: "kmain+0x33" (nm) and "file:line" (addr2line)."""

    def __init__(self, elf, source_root=None):
        self.elf = Path(elf)
        if source_root is None:
            parent = self.elf.resolve().parent
            source_root = parent.parent if parent.name == "build" else parent
        self.source_root = Path(source_root).resolve()
        self.functions = read_function_symbols(str(self.elf),
                                               self.elf.stat().st_mtime)
        self._starts = [symbol.address for symbol in self.functions]

    def function_at(self, address) -> Optional[FunctionSymbol]:
        """The function symbol that contains `address`, if any."""
        index = bisect.bisect_right(self._starts, address) - 1
        if index < 0:
            return None
        symbol = self.functions[index]
        if symbol.size:
            return symbol if address < symbol.address + symbol.size else None
        following = (self.functions[index + 1].address
                     if index + 1 < len(self.functions) else symbol.address + 4096)
        return symbol if address < following else None

    def symbol_offset(self, address):
        """"kmain+0x33", or None outside every function."""
        symbol = self.function_at(address)
        if symbol is None:
            return None
        return f"{symbol.name}+{address - symbol.address:#x}"

    def source_lines(self, addresses):
        """{address: ["function at file:line", (inlined callers...)]}, with
        one addr2line call for all `addresses`."""
        unique = list(dict.fromkeys(addresses))
        if not unique:
            return {}
        command = ["addr2line", "-f", "-i", "-C", "-p", "-a", "-e",
                   str(self.elf)] + [f"{address:#x}" for address in unique]
        try:
            result = subprocess.run(command, capture_output=True, text=True,
                                    timeout=30, check=True)
        except (OSError, subprocess.SubprocessError):
            return {}
        found, current = {}, None
        for line in result.stdout.splitlines():
            head = re.match(r"0x([0-9a-f]+): (.*)", line)
            if head:
                current = int(head.group(1), 16)
                found[current] = [self._relative(head.group(2))]
            elif current is not None and line.strip().startswith("(inlined by)"):
                caller = line.strip()[len("(inlined by) "):]
                found[current].append(self._relative(caller))
        return found

    def _relative(self, function_at_location):
        """"f at /abs/kernel/x.c:12 (discriminator 2)" -> "f at kernel/x.c:12"."""
        text = re.sub(r" \(discriminator \d+\)", "", function_at_location)
        function, separator, location = text.rpartition(" at ")
        if not separator:
            return text
        path, colon, line = location.rpartition(":")
        if path.startswith("/"):
            try:
                path = str(Path(path).resolve().relative_to(self.source_root))
            except ValueError:
                pass
        return f"{function} at {path}{colon}{line}"

    def describe(self, address):
        """"0x00100123 kmain+0x33 at kernel/boot/main.c:40"."""
        words = [f"{address:#010x}"]
        symbol = self.symbol_offset(address)
        if symbol:
            words.append(symbol)
        lines = self.source_lines([address]).get(address)
        if lines and "??" not in lines[0].rpartition(" at ")[2]:
            words.append("at " + lines[0].rpartition(" at ")[2])
        return " ".join(words)


@functools.lru_cache(maxsize=8)
def read_function_symbols(elf, mtime):
    """Function symbols of `elf` sorted by address (nm); `mtime` keys the
    cache so that a rebuilt kernel is read again."""
    try:
        result = subprocess.run(["nm", "-n", "-S", "--defined-only", elf],
                                capture_output=True, text=True, timeout=30,
                                check=True)
    except (OSError, subprocess.SubprocessError):
        return []
    symbols = []
    for line in result.stdout.splitlines():
        fields = line.split()
        if len(fields) == 4:
            address, size, kind, name = fields
        elif len(fields) == 3:
            (address, kind, name), size = fields, "0"
        else:
            continue
        if kind in "TtWw":
            symbols.append(FunctionSymbol(int(address, 16), int(size, 16), name))
    return symbols


@dataclass
class DecodedAddress:
    """A kernel address found in console output, with its source."""
    label: str                   # "#0" for a backtrace frame, "eip" ...
    address: int
    where: List[str] = field(default_factory=list)   # "f at file:line", callers

    def __str__(self):
        text = f"{self.label} {self.address:#010x} "
        if not self.where:
            return text + "(no source line)"
        text += self.where[0]
        for caller in self.where[1:]:
            text += f" (inlined into {caller})"
        return text


FRAME_LINE = re.compile(r"^\s*(#\d+)\s+0x([0-9a-fA-F]+)\b", re.MULTILINE)
EIP_VALUE = re.compile(r"\beip=(?:0x)?([0-9a-fA-F]{8})\b")


def decode_addresses(text, elf, source_root=None):
    """Kernel addresses in `text` (backtrace frames "#N 0xADDR", "eip=ADDR"),
    each decoded to "function at file:line" with one addr2line call.
    Backtrace frames are return addresses: their call is at ADDR-1.
    Addresses outside the kernel's functions are left out."""
    try:
        symbolizer = Symbolizer(elf, source_root)
    except OSError:
        return []
    found = []   # (label, address, lookup address)
    for match in EIP_VALUE.finditer(text):
        address = int(match.group(1), 16)
        found.append(("eip", address, address))
    for match in FRAME_LINE.finditer(text):
        address = int(match.group(2), 16)
        found.append((match.group(1), address, address - 1))
    found = [entry for entry in dict.fromkeys(found)
             if symbolizer.function_at(entry[2]) is not None]
    lines = symbolizer.source_lines([lookup for _, _, lookup in found])
    return [DecodedAddress(label, address, lines.get(lookup, []))
            for label, address, lookup in found]


# ---- QEMU's -d int,cpu_reset log --------------------------------------------

EXCEPTION_NAMES = {
    0x00: "divide error", 0x01: "debug", 0x02: "NMI", 0x03: "breakpoint",
    0x04: "overflow", 0x05: "bound range", 0x06: "invalid opcode",
    0x07: "device not available", 0x08: "double fault",
    0x09: "coprocessor segment overrun", 0x0a: "invalid TSS",
    0x0b: "segment not present", 0x0c: "stack fault",
    0x0d: "general protection", 0x0e: "page fault", 0x10: "x87 error",
    0x11: "alignment check", 0x12: "machine check", 0x13: "SIMD error",
    0x14: "virtualization", 0x15: "control protection",
}
CONTRIBUTORY = {0x00, 0x0a, 0x0b, 0x0c, 0x0d}   # with page fault: can double
HARDWARE_IRQS = range(0x20, 0x30)                 # PIC IRQs: noise here
NO_PREVIOUS_EXCEPTION = 0xffffffff


def exception_name(vector):
    if vector in EXCEPTION_NAMES:
        return EXCEPTION_NAMES[vector]
    return f"interrupt {vector:#04x}" if vector >= 0x20 else f"exception {vector:#04x}"


@dataclass
class Delivery:
    """A "v=XX" line: the CPU began delivering a vector to its handler."""
    vector: int
    error_code: int
    software: bool          # an "int n" instruction (i=1)
    cpl: int
    cs: int
    eip: int
    esp: int
    cr2: Optional[int]
    raised: int             # what was raised (QEMU may turn it into 8)
    fresh: bool             # not raised while delivering another exception
    idt_base: Optional[int] = None
    idt_limit: Optional[int] = None


CHECK_LINE = re.compile(r"check_exception old: 0x([0-9a-f]+) new 0x([0-9a-f]+)")
DELIVERY_LINE = re.compile(
    r"^\s*\d+: v=([0-9a-f]+) e=([0-9a-f]+) i=(\d) cpl=(\d) "
    r"IP=([0-9a-f]+):([0-9a-f]+) pc=[0-9a-f]+ SP=[0-9a-f]+:([0-9a-f]+)"
    r"(?: CR2=([0-9a-f]+))?")
IDT_LINE = re.compile(r"^IDT=\s+([0-9a-f]+) ([0-9a-f]+)")


@dataclass
class ResetHistory:
    """What the log says about the last CPU reset."""
    triple_fault: bool = False
    chain: List[Delivery] = field(default_factory=list)  # oldest first
    last_raised: Optional[int] = None    # raised while delivering the last


def read_reset_history(log_lines):
    """Parse a QEMU -d int,cpu_reset log; keep the exceptions that led to
    the last triple fault."""
    history = ResetHistory()
    recent = deque(maxlen=16)    # deliveries since the last reset
    pending_check = None
    for line in log_lines:
        if line.startswith("CPU Reset"):
            recent.clear()
            pending_check = None
            continue
        if line.startswith("Triple fault"):
            history.triple_fault = True
            history.chain = exception_chain(list(recent))
            history.last_raised = pending_check[1] if pending_check else None
            continue
        check = CHECK_LINE.search(line)
        if check:
            pending_check = (int(check.group(1), 16), int(check.group(2), 16))
            continue
        delivery = DELIVERY_LINE.match(line)
        if delivery:
            vector = int(delivery.group(1), 16)
            software = delivery.group(3) == "1"
            if vector in HARDWARE_IRQS and not software:
                pending_check = None
                continue
            old, raised = pending_check if pending_check else (None, vector)
            recent.append(Delivery(
                vector=vector, error_code=int(delivery.group(2), 16),
                software=software, cpl=int(delivery.group(4)),
                cs=int(delivery.group(5), 16), eip=int(delivery.group(6), 16),
                esp=int(delivery.group(7), 16),
                cr2=int(delivery.group(8), 16) if delivery.group(8) else None,
                raised=raised, fresh=old in (None, NO_PREVIOUS_EXCEPTION)))
            pending_check = None
            continue
        idt = IDT_LINE.match(line)
        if idt and recent and recent[-1].idt_limit is None:
            recent[-1].idt_base = int(idt.group(1), 16)
            recent[-1].idt_limit = int(idt.group(2), 16)
    return history


def exception_chain(deliveries):
    """The last deliveries that nested into each other: same instruction
    (a fault while delivering keeps eip), back to the first exception."""
    if not deliveries:
        return []
    last = deliveries[-1]
    chain = []
    for index in range(len(deliveries) - 1, -1, -1):
        delivery = deliveries[index]
        if (delivery.cs, delivery.eip) != (last.cs, last.eip):
            break
        chain.insert(0, delivery)
        if delivery.fresh:
            # A benign exception (or "int n") does not count as "previous"
            # for the CPU: if delivering it faulted, it is the origin.
            previous = deliveries[index - 1] if index > 0 else None
            if (previous is not None
                    and (previous.cs, previous.eip) == (last.cs, last.eip)
                    and previous.vector not in CONTRIBUTORY | {0x08, 0x0e}):
                chain.insert(0, previous)
            break
    return chain[-3:]


def page_fault_cause(error_code):
    """Page fault error code bits in words."""
    access = ("instruction fetch" if error_code & 0x10
              else "write" if error_code & 0x02 else "read")
    page = ("a present page (protection violation)" if error_code & 0x01
            else "a not-present page")
    mode = "user mode" if error_code & 0x04 else "kernel mode"
    return f"{access} of {page} in {mode}"


def selector_error(error_code):
    """A segment-related error code in words: which table entry failed."""
    index = error_code >> 3
    if error_code & 0x02:
        where = f"the IDT gate for vector {index:#04x}"
    else:
        where = f"{'LDT' if error_code & 0x04 else 'GDT'} selector {error_code & ~0x3:#06x}"
    return f"error code {error_code:#06x}: {where}"


def describe_first_exception(delivery, symbolizer):
    """"page fault at 0xdeadbeef (write of a not-present page in kernel mode;
    eip 0x00100123 kmain+0x33 at kernel/boot/main.c:40)"."""
    if delivery.software:
        name = f"int {delivery.vector:#04x}"
    else:
        name = exception_name(delivery.vector)
    details = []
    if delivery.vector == 0x0e and not delivery.software:
        if delivery.cr2 is not None:
            name += f" at {delivery.cr2:#010x}"
        details.append(page_fault_cause(delivery.error_code))
    elif delivery.error_code and delivery.vector in CONTRIBUTORY:
        details.append(selector_error(delivery.error_code))
    if symbolizer is not None:
        details.append("eip " + symbolizer.describe(delivery.eip))
    else:
        details.append(f"eip {delivery.eip:#010x}")
    if delivery.cpl == 3:
        details.append("user mode")
    return f"{name} ({'; '.join(details)})"


def delivery_hints(chain):
    """Why the deliveries in `chain` might have failed."""
    hints = []
    for delivery in chain:
        if delivery.idt_limit is None:
            continue
        if delivery.idt_limit == 0:
            hints.append("the IDT is empty (limit 0): was it loaded with lidt?")
            break
        if delivery.idt_limit < delivery.vector * 8 + 7:
            hints.append(f"the IDT (limit {delivery.idt_limit:#x}) has no "
                         f"gate for vector {delivery.vector:#04x}")
            break
    for delivery in chain[1:]:
        if (delivery.vector == 0x0e and delivery.cr2 is not None
                and delivery.esp - 64 <= delivery.cr2 <= delivery.esp + 4):
            hints.append("the page fault address is just below the stack "
                         "pointer: the stack overflowed or is not mapped")
            break
    return hints


def explain_reset(logfile, elf=None, source_root=None):
    """One sentence saying which exceptions ended in the last triple fault
    of a QEMU `-d int,cpu_reset` log; names code if `elf` is given."""
    try:
        with open(logfile, encoding="utf-8", errors="replace") as log:
            history = read_reset_history(log)
    except OSError as error:
        return f"the CPU reset (no QEMU log to explain it: {error})"
    if not history.triple_fault:
        return ("the CPU reset without a triple fault in the QEMU log "
                "(the guest asked for a reset or powered off)")
    if not history.chain:
        return ("triple fault: the CPU reset (this log has no exception "
                "history; run QEMU with -d int,cpu_reset to see it)")
    symbolizer = None
    if elf is not None:
        try:
            symbolizer = Symbolizer(elf, source_root)
        except OSError:
            pass
    chain = history.chain
    parts = [describe_first_exception(chain[0], symbolizer)]
    previous = chain[0]
    for delivery in chain[1:]:
        step = (f"then {exception_name(delivery.raised)} while delivering "
                f"the {exception_name(previous.vector)}")
        if delivery.vector == 0x08 and delivery.raised != 0x08:
            step += ", hence a double fault"
        parts.append(step)
        previous = delivery
    if history.last_raised is not None and previous.vector == 0x08:
        parts.append(f"then {exception_name(history.last_raised)} while "
                     "delivering the double fault, hence a triple fault: "
                     "the CPU reset")
    else:
        parts.append("then a triple fault: the CPU reset")
    sentence = ", ".join(parts)
    hints = delivery_hints(chain)
    if hints:
        sentence += ". Hint: " + "; ".join(hints)
    return sentence
