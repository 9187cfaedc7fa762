"""A guest's progress in virtual time, and where a hung kernel is (QMP).

Under ``-icount shift=0,sleep=off`` the guest's clock (QEMU_CLOCK_VIRTUAL)
advances one nanosecond per executed instruction, and when the CPU idles in
``hlt`` it jumps straight to the next timer deadline. So a kernel's progress
is measured in virtual time, not wall-clock time: a test gives the kernel a
*silence budget* ("say something within N virtual nanoseconds"), and a hang
is found once that much virtual time passes without output, however loaded
the host is. A spinning kernel uses its budget at full emulation speed (a
few hundred million instructions a wall second); an idle one, at the speed
of timer deadlines (the virtual clock races ahead).

What QEMU 7.2 offers, all through one QMP socket (``Qmp``):
- ``query-replay`` returns ``icount``, the instructions executed since reset,
  exactly; it works without record/replay. It counts no idle time.
- HMP ``info jit`` (through ``human-monitor-command``) prints "Host - Guest
  clock N ms": how far the virtual clock lags QEMU's host clock, which is
  CLOCK_MONOTONIC while the VM runs. The same host clock minus that lag is
  the virtual clock, to a millisecond (plus the time the call took, which
  ``Reading`` brackets), idle time included.
- STOP and RESUME events: QEMU's host clock stops while the VM is stopped
  (by GDB, say), so two readings are compared only within one stretch of
  running (``virtual_elapsed``).
- HMP ``info registers`` (eip, eflags, HLT), ``x`` (the stack, through the
  guest's page tables) and ``log int`` (exceptions, for a moment): where a
  hung kernel is and what it is doing (``diagnose``).

Kinds of hang (``Diagnosis.kind``), each explained in words by ``HANG_WORDS``:
  "spinning-interrupts-off"  executing, interrupts disabled
  "busy"                     executing with interrupts on, saying nothing
  "fault-loop"               the same exception delivered over and over
  "idle"                     halted in hlt, woken only by timer interrupts
  "halted-interrupts-off"    cli; hlt: nothing can wake the CPU
  "halted-no-timer"          halted, no timer armed: virtual time stands still
  "repeating"                printing the same line (or short cycle of lines)
                             over and over (RepeatWatch): new output, no news

Repeated lines count as silence: a kernel whose fault handler returns to the
faulting instruction without ending the process prints a kill line per
fault and is never silent, yet says nothing new. So a run's silence budget
is spent without new output, where output that only repeats the last line
(or cycle of up to REPEAT_PERIOD_MAX lines) is not new; the budgets hold
(no passing test prints even one line twice in a row, measured over every
serial log of the suite), and a test that prints the same line for longer
raises its budget as it would for a long silence. Since printing is slow,
REPEAT_LIMIT cycles in a row end the run before the budget is spent.
"""

import contextlib
import json
import os
import re
import socket
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import List, Optional

MS = 1_000_000                 # nanoseconds (virtual: instructions) per ms
QMP_REPLY_TIMEOUT = 30         # s; QEMU answers at once unless the host starves it
CONNECT_TIMEOUT = 30           # s; QEMU creates the socket before the guest starts
REGISTER_SAMPLES = 4           # `info registers` snapshots taken to classify a hang
SAMPLE_INTERVAL = 0.01         # s between them
EXCEPTION_WINDOW = 0.01        # s of `log int` that shows a fault loop
FAULT_LOOP_MIN = 20            # deliveries of one exception that make it a loop
IDLE_RATIO = 0.05              # executed / virtual ns below this: mostly idle
BACKTRACE_DEPTH = 16
EFLAGS_IF = 1 << 9

HANG_WORDS = {
    "spinning-interrupts-off":
        "spinning with interrupts off: the CPU keeps executing with interrupts "
        "disabled, so not even the timer can take it elsewhere (a loop that "
        "never ends, or waits for a flag or lock nobody can release)",
    "busy":
        "busy with interrupts on: the CPU keeps executing and timer "
        "interrupts arrive, but nothing is printed (a loop that never ends, "
        "or threads that only hand the CPU to each other)",
    "fault-loop":
        "in a fault loop: the same exception is delivered again and again, "
        "because its handler returns to the faulting instruction without "
        "removing the cause",
    "idle":
        "idle in hlt with interrupts on: every thread is waiting and only "
        "timer interrupts wake the CPU, which then halts again (a lost "
        "wakeup, a deadlock, or input that never comes)",
    "halted-interrupts-off":
        "halted with interrupts off (cli; hlt): nothing can ever wake the CPU",
    "halted-no-timer":
        "halted waiting for an interrupt with no timer armed, so even virtual "
        "time stands still: nothing will ever wake the CPU",
    "repeating":
        "printing the same output over and over: the kernel runs, but says "
        "nothing new (a fault whose handler neither ends the process nor "
        "removes the cause, so the fault and its line repeat; a loop around a print)",
}
REPEAT_PERIOD_MAX = 4          # lines in the longest cycle RepeatWatch tells
REPEAT_MIN = 3                 # cycles seen, to call a hang "repeating"
# Cycles printed in a row that make a hang at once, before the budget is
# spent: printing is slow (the kill line of the lab 4 bug that never ends
# the process comes 2,000 times in 60 M instructions, 485 KB that take 6 s
# through the pty). No passing test prints one line twice in a row; a debug
# print per timer tick at hz=1000 during the longest silence a test allows
# (usertests, 250 M) would come 250 times: this leaves a margin of 4.
REPEAT_LIMIT = 1000


class QmpError(Exception):
    """QMP is gone (QEMU exited), did not answer, or refused a command."""


class Qmp:
    """A minimal QMP client on a unix socket: commands, HMP commands, and
    the STOP/RESUME events that bound a stretch of running."""

    def __init__(self, path):
        self.path = str(path)
        self._sock = None
        self._file = None
        self.stretch = 0           # RESUME events seen: which stretch of running
        self.running = True        # the VM runs (no STOP since the last RESUME)

    def connect(self, alive, timeout=CONNECT_TIMEOUT):
        """Connect and negotiate; `alive()` says whether QEMU still runs."""
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX)
            try:
                sock.connect(self.path)
                break
            except OSError:
                sock.close()
                if not alive() or time.monotonic() > deadline:
                    raise QmpError(f"no QMP socket at {self.path}") from None
                time.sleep(0.01)
        sock.settimeout(QMP_REPLY_TIMEOUT)
        self._sock, self._file = sock, sock.makefile("rwb")
        self._read_message()                       # the greeting
        self.execute("qmp_capabilities")
        self.running = self.execute("query-status")["running"]   # -S: not yet

    @property
    def connected(self):
        return self._file is not None

    def _read_message(self):
        try:
            line = self._file.readline()
        except OSError as error:
            raise QmpError(f"QMP: {error}") from None
        if not line:
            raise QmpError("QMP closed: QEMU exited")
        message = json.loads(line)
        event = message.get("event")
        if event == "STOP":
            self.running = False
        elif event == "RESUME":
            self.running = True
            self.stretch += 1
        return message

    def execute(self, command, **arguments):
        """Run one QMP command; its "return" value."""
        request = {"execute": command}
        if arguments:
            request["arguments"] = arguments
        try:
            self._file.write(json.dumps(request).encode() + b"\n")
            self._file.flush()
        except (OSError, AttributeError) as error:
            raise QmpError(f"QMP: {error}") from None
        while True:
            message = self._read_message()
            if "return" in message:
                return message["return"]
            if "error" in message:
                raise QmpError(f"QMP {command}: {message['error'].get('desc')}")

    @contextlib.contextmanager
    def reply_timeout(self, seconds):
        """Within the block, wait at most `seconds` for each reply."""
        if self._sock is not None:
            self._sock.settimeout(seconds)
        try:
            yield
        finally:
            if self._sock is not None:
                self._sock.settimeout(QMP_REPLY_TIMEOUT)

    def hmp(self, line):
        """Run one human-monitor command; its output ("\\n" line ends)."""
        return self.execute("human-monitor-command",
                            **{"command-line": line}).replace("\r\n", "\n")

    def close(self):
        for closable in (self._file, self._sock):
            try:
                if closable is not None:
                    closable.close()
            except OSError:
                pass
        self._sock = self._file = None


# ---- output that only repeats itself --------------------------------------------

class RepeatWatch:
    """Watches console output line by line: does it say anything new, or
    only repeat the last line (or cycle of up to REPEAT_PERIOD_MAX lines)?"""

    def __init__(self):
        self.history = deque(maxlen=REPEAT_PERIOD_MAX)   # the last complete lines
        # matches[p]: how many lines in a row were equal to the line p before
        self.matches = [0] * (REPEAT_PERIOD_MAX + 1)
        self.partial = ""
        self.cycle = []            # the lines repeated, while repeating
        self.repeats = 0           # how many times the cycle was printed

    def feed(self, text):
        """Take new output; whether it said anything new: a complete line
        that does not continue a repetition, or part of a line while
        nothing repeats (a line being printed is judged once complete)."""
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        new = False
        for line in lines:
            new = self._line(line) or new
        return new or bool(self.partial and text and not self.cycle)

    def _line(self, line):
        for period in range(1, REPEAT_PERIOD_MAX + 1):
            same = len(self.history) >= period and self.history[-period] == line
            self.matches[period] = self.matches[period] + 1 if same else 0
        periods = [p for p in range(1, REPEAT_PERIOD_MAX + 1) if self.matches[p] >= p]
        self.history.append(line)
        if not periods:
            self.cycle, self.repeats = [], 0
            return True
        period = periods[0]
        self.cycle = list(self.history)[-period:]
        self.repeats = self.matches[period] // period + 1
        return False

    @property
    def repeating(self):
        """(the cycle's lines, times printed) once output only repeats, else None."""
        if self.cycle and self.repeats >= REPEAT_MIN:
            return (list(self.cycle), self.repeats)
        return None


# ---- readings of the virtual clock -------------------------------------------

HOST_GUEST = re.compile(r"Host - Guest clock\s+(-?\d+) ms")


@dataclass
class Reading:
    """The guest's progress at one moment: executed instructions (exact) and
    the virtual clock in ns, known within [virtual_low, virtual_high] (on an
    arbitrary origin, the same for every reading of one QEMU)."""
    instructions: int
    virtual_low: int
    virtual_high: int
    stretch: int          # which stretch of running (Qmp.stretch)
    running: bool
    wall: float           # time.monotonic() when it was taken


def read_progress(qmp):
    """One Reading. The lag is in whole ms, rounded toward zero, and the
    host clock is read before and after the call: both widen the bounds."""
    before = time.monotonic_ns()
    jit = qmp.hmp("info jit")
    after = time.monotonic_ns()
    instructions = qmp.execute("query-replay")["icount"]
    match = HOST_GUEST.search(jit)
    if not match:
        raise QmpError("`info jit` shows no host - guest clock: is -icount on?")
    lag = int(match.group(1)) * MS
    return Reading(instructions, before - lag - MS, after - lag + MS,
                   qmp.stretch, qmp.running, after / 1e9)


def virtual_elapsed(earlier, later):
    """Virtual ns that surely passed between two readings (a lower bound),
    or None when they are not comparable (the VM stopped in between)."""
    if earlier.stretch != later.stretch or not (earlier.running and later.running):
        return None
    return max(later.instructions - earlier.instructions,
               later.virtual_low - earlier.virtual_high, 0)


class Stopwatch:
    """Virtual time that surely passed since it was started: a lower bound
    summed over the stretches of running in between (what ran between a
    stretch's last reading and the VM's stop is not counted)."""

    def __init__(self):
        self.first = None          # the first reading
        self.done = 0              # virtual ns of the stretches already over
        self.anchor = None         # the first reading of the current stretch
        self.last = None
        self.executed = 0          # instructions executed, over all stretches
        self.still = None          # first of the last readings with no instruction executed

    def add(self, reading):
        """Take a new reading into account."""
        if self.first is None:
            self.first = reading
        if self.last is not None:
            self.executed += max(0, reading.instructions - self.last.instructions)
        if self.anchor is not None and virtual_elapsed(self.anchor, reading) is None:
            self.done += virtual_elapsed(self.anchor, self.last) or 0
            self.anchor = None
        if self.anchor is None and reading.running:
            self.anchor = reading
        if (self.still is None or virtual_elapsed(self.still, reading) is None
                or reading.instructions != self.still.instructions):
            self.still = reading if reading.running else None
        self.last = reading

    @property
    def elapsed(self):
        """Virtual ns that surely passed since the first reading."""
        current = 0
        if self.anchor is not None and self.last is not None:
            current = virtual_elapsed(self.anchor, self.last) or 0
        return self.done + current

    @property
    def wall_elapsed(self):
        """Wall-clock seconds from the first reading to the last."""
        return self.last.wall - self.first.wall if self.first else 0.0

    @property
    def stuck(self):
        """Nothing executed since the reading before: (wall seconds, at least
        how many virtual ns passed) since the first such reading, or None.
        The lower bound, because each reading's bounds widen with the time
        its QMP call took: on a loaded machine the upper bound grows with
        the host's delays even while the virtual clock stands still."""
        if self.still is None or self.still is self.last:
            return None
        return (self.last.wall - self.still.wall,
                max(0, self.last.virtual_low - self.still.virtual_high))


# ---- the CPU's state ---------------------------------------------------------------

REGISTER = re.compile(r"\b(EAX|EBX|ECX|EDX|ESI|EDI|EBP|ESP|EIP|EFL|CR0|CR2|CR3)=([0-9a-f]{8})\b")
FLAGS = re.compile(r"\bCPL=(\d) .*\bHLT=(\d)")


@dataclass
class CpuSample:
    """One `info registers` snapshot."""
    registers: dict
    cpl: int
    halted: bool

    @property
    def eip(self):
        return self.registers["EIP"]

    @property
    def interrupts_on(self):
        return bool(self.registers["EFL"] & EFLAGS_IF)


def sample_cpu(qmp):
    text = qmp.hmp("info registers")
    registers = {name: int(value, 16) for name, value in REGISTER.findall(text)}
    flags = FLAGS.search(text)
    if "EIP" not in registers or flags is None:
        raise QmpError(f"cannot read `info registers`:\n{text}")
    return CpuSample(registers, int(flags.group(1)), flags.group(2) == "1")


def read_words(qmp, address, count):
    """`count` 32-bit words at guest virtual `address` (None if unreadable)."""
    text = qmp.hmp(f"x /{count}wx {address:#x}")
    words = [int(word, 16) for word in re.findall(r"\b0x([0-9a-f]{8})\b",
                                                  text.split(":", 1)[-1])]
    return words[:count] if len(words) >= count and "Cannot access" not in text else None


def frame_chain(qmp, sample, in_code):
    """Return addresses on the stack, innermost first, by the frame-pointer
    chain from the sample's ebp (beta86 keeps frame pointers). Stops at a
    null, misaligned or non-increasing ebp, or a return address for which
    `in_code(address)` is false."""
    chain, ebp = [], sample.registers["EBP"]
    while ebp and ebp % 4 == 0 and len(chain) < BACKTRACE_DEPTH:
        words = read_words(qmp, ebp, 2)
        if words is None:
            break
        saved_ebp, return_address = words
        if not in_code(return_address - 1):
            break
        chain.append(return_address)
        if saved_ebp <= ebp:
            break
        ebp = saved_ebp
    return chain


DELIVERY = re.compile(r"^\s*\d+: v=([0-9a-f]+) e=([0-9a-f]+) i=(\d) cpl=\d "
                      r"IP=[0-9a-f]+:([0-9a-f]+)(?:.*CR2=([0-9a-f]+))?", re.M)


def recent_exceptions(qmp, log_path):
    """[(vector, error code, eip, cr2 or None)] of the exceptions (not IRQs,
    not `int n`) the CPU delivered during a short `log int` window (QEMU
    logs to the -d file `log_path`); None without one."""
    if log_path is None:
        return None
    try:
        start = os.path.getsize(log_path)
    except OSError:
        return None
    qmp.hmp("log int,cpu_reset")
    time.sleep(EXCEPTION_WINDOW)
    qmp.hmp("log cpu_reset")
    with open(log_path, "rb") as log:
        log.seek(start)
        text = log.read(16 * 2**20).decode("utf-8", "replace")
    found = []
    for match in DELIVERY.finditer(text):
        vector = int(match.group(1), 16)
        if vector < 0x20 and match.group(3) == "0":
            cr2 = int(match.group(5), 16) if match.group(5) else None
            found.append((vector, int(match.group(2), 16), int(match.group(4), 16), cr2))
    return found


# ---- what a hung kernel is doing -------------------------------------------------------

@dataclass
class Diagnosis:
    """Why and where a kernel hung."""
    kind: str                         # a key of HANG_WORDS
    silence: int                      # virtual ns without output (lower bound)
    executed: int                     # instructions executed in that time
    sample: Optional[CpuSample] = None
    backtrace: List[int] = field(default_factory=list)
    fault: Optional[tuple] = None     # fault_loop(): the exception repeated
    repeated: Optional[tuple] = None  # RepeatWatch.repeating: (lines, times printed)

    @property
    def words(self):
        return HANG_WORDS[self.kind]


def fault_loop(exceptions):
    """(vector, error code, eip, cr2, count) if the exceptions seen in a
    window are one and the same, over and over: the guest's state repeats."""
    if not exceptions:
        return None
    exception, count = Counter(exceptions).most_common(1)[0]
    if count < FAULT_LOOP_MIN or count < 0.9 * len(exceptions):
        return None
    return exception + (count,)


def classify(samples, exceptions, executed, silence):
    """The kind of hang, from register snapshots, the exceptions seen in a
    short window and how much of the silent virtual time was executing."""
    if fault_loop(exceptions):
        return "fault-loop"
    halted = [sample for sample in samples if sample.halted]
    if samples and len(halted) == len(samples):
        if not any(sample.interrupts_on for sample in samples):
            return "halted-interrupts-off"
        return "idle" if silence > executed else "halted-no-timer"
    if silence and executed < IDLE_RATIO * silence and halted:
        return "idle"
    if samples and not any(sample.interrupts_on for sample in samples):
        return "spinning-interrupts-off"
    return "busy"


def diagnose(qmp, silence, executed, *, log_path=None, in_code=lambda a: False,
             kind=None, exceptions=None, repeated=None):
    """Look at a hung guest (still running) and say what it does and where.
    `silence`/`executed`: the virtual ns without output and the instructions
    executed meanwhile. `in_code(address)` says whether a return address is
    in the kernel. `kind` forces the kind (already known); `exceptions`,
    those already seen in a `log int` window (recent_exceptions);
    `repeated`, the output repeated (kind "repeating")."""
    samples = []
    for index in range(REGISTER_SAMPLES):
        if index:
            time.sleep(SAMPLE_INTERVAL)
        samples.append(sample_cpu(qmp))
    if exceptions is None and kind is None and not all(s.halted for s in samples):
        exceptions = recent_exceptions(qmp, log_path)
    if kind is None:
        kind = classify(samples, exceptions, executed, silence)
    fault = fault_loop(exceptions) if kind in ("fault-loop", "repeating") else None
    # Where: the last snapshot in kernel mode (a user program's loop has no
    # kernel stack to walk), else the last one; of an idle kernel, the last
    # one halted, where it waits (not a timer interrupt it was woken for).
    kernel = [sample for sample in samples if sample.cpl == 0]
    if kind == "idle":
        kernel = [sample for sample in kernel if sample.halted] or kernel
    sample = (kernel or samples)[-1]
    backtrace = frame_chain(qmp, sample, in_code) if sample.cpl == 0 else []
    return Diagnosis(kind, silence, executed, sample, backtrace, fault, repeated)
