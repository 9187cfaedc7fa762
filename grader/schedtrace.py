"""The kernel's scheduling trace, read and drawn (kernel/proc/trace.h).

A kernel booted with trace=2 prints its trace ring at shutdown, one record
a line between "trace: begin" and "trace: end"::

    trace: begin ring=1024 count=27 shown=27
    trace: 0 651889 0 name 0 kmain
    trace: 5 669359 0 sleep 0 1 1aa020 0
    trace: 6 672182 0 yield 1 2 0 0
    trace: end

parse() turns that into a Trace: its records, the threads' names, and the
schedule as runs (who held the CPU from when to when, and how that ended),
wakeups (waker -> woken) and domain crossings. lanes_text() draws the
runs as ASCII lanes, one per thread (the grader's failure reports of the
scheduling tests, tools/timeline --text, GDB's `schedule` draws the same);
html() and svg() draw a timeline picture to scale (tools/timeline, `make
timeline`). GDB reads the ring's raw records straight from memory
(tools/gdb/beta86.py); decode() works out what they mean, rule for rule as
the kernel's dump does (kernel/proc/trace.c), and hands them to the same
functions. The grader does the same for a traced run that hangs, and so
never prints its dump: read_live reads the ring from the paused guest
over QMP before QEMU is stopped (traced_boot).

Everything here is plain Python 3 without packages beyond the standard
library, so GDB's Python can import it too.
"""

import functools
import html as html_escape
import json
import os
import re
import struct
import subprocess
from dataclasses import dataclass, field
from typing import Dict, List, Optional

IDLE = -1
DUMP_PREFIX = "trace: "
BEGIN = re.compile(r"^trace: begin ring=(\d+) count=(\d+) shown=(\d+)$", re.M)
END_LINE = "trace: end"
RECORD = re.compile(r"^trace: (\d+) (\d+) (\d+) ([a-z-]+) (.*)$")
# how a run ends -> (the word a person reads, a letter for ASCII lanes)
ENDINGS = {
    "yield": ("yielded", "Y"),
    "preempt": ("preempted", "P"),
    "sleep": ("slept", "S"),
    "exit": ("exited", "X"),
    "idle-end": ("woken from idle", "I"),
    "running": ("still running at the end", ">"),
}
SWITCHES = ("yield", "preempt", "sleep", "exit", "idle-end")
CROSSINGS = ("call", "return", "fault", "resume")
# the kinds of trace.h's enum trace_kind, by number (GDB reads numbers)
KIND_NAMES = ["empty", "yield", "preempt", "sleep", "exit", "idle-end", "wake", "name",
              "call", "return", "fault", "resume", "irq", "ack"]
COLOURS = {"yield": "#4e79a7", "preempt": "#f28e2b", "sleep": "#59a14f",
           "exit": "#9c755f", "idle-end": "#bab0ac", "running": "#76b7b2"}
IDLE_COLOUR = "#e8e8e8"


class TraceError(Exception):
    """No trace in the output, or a malformed one."""


@dataclass
class Record:
    seq: int
    tsc: int
    tick: int
    kind: str
    frm: int
    to: int = 0
    arg: int = 0
    arg2: int = 0
    name: str = ""

    def line(self):
        """The record as the kernel's dump prints it."""
        if self.kind == "name":
            return f"trace: {self.seq} {self.tsc} {self.tick} name {self.frm} {self.name}"
        return (f"trace: {self.seq} {self.tsc} {self.tick} {self.kind} {self.frm} {self.to} "
                f"{self.arg:x} {self.arg2:x}")


@dataclass
class Bar:
    """One run: `pid` held the CPU from `start` to `end` (instructions),
    ticks `start_tick` to `end_tick`, and `ended` says how it stopped (a
    key of ENDINGS); `next` took over."""
    pid: int
    start: int
    end: int
    start_tick: int
    end_tick: int
    ended: str
    next: Optional[int] = None
    chan: int = 0

    @property
    def length(self):
        return self.end - self.start


@dataclass
class Wake:
    tsc: int
    tick: int
    waker: int
    woken: int
    chan: int


@dataclass
class Crossing:
    tsc: int
    tick: int
    pid: int
    kind: str
    domain: int
    level: int


@dataclass
class Trace:
    records: List[Record]
    ring: int = 0
    count: int = 0
    names: Dict[int, str] = field(default_factory=dict)
    bars: List[Bar] = field(default_factory=list)
    wakes: List[Wake] = field(default_factory=list)
    crossings: List[Crossing] = field(default_factory=list)

    @property
    def dropped(self):
        """Records older than the oldest one shown: overwritten in the ring
        (or left out of a short dump, tracedump=N). Not count -
        len(records): a switch that follows an idle wait at once is
        recorded but not shown, its number skipped (trace.h)."""
        return self.records[0].seq if self.records else self.count

    def label(self, pid):
        if pid == IDLE:
            return "idle"
        name = self.names.get(pid)
        return f"{name} ({pid})" if name else f"pid {pid}"

    def lanes(self):
        """The pids that ran, in the order of their pids; idle last."""
        pids = sorted({bar.pid for bar in self.bars if bar.pid != IDLE})
        return pids + ([IDLE] if any(bar.pid == IDLE for bar in self.bars) else [])

    def switches(self):
        """The switch records, in order."""
        return [r for r in self.records if r.kind in SWITCHES]

    def order(self):
        """Who held the CPU, run after run (pids; -1 idle)."""
        return [bar.pid for bar in self.bars]


def parse_record(line):
    """One dump line -> Record (TraceError if it is not one)."""
    match = RECORD.match(line.rstrip())
    if not match:
        raise TraceError(f"not a trace record: {line!r}")
    seq, tsc, tick, kind, rest = match.groups()
    seq, tsc, tick = int(seq), int(tsc), int(tick)
    if kind == "name":
        pid, _, name = rest.partition(" ")
        return Record(seq, tsc, tick, kind, int(pid), name=name)
    fields = rest.split()
    if len(fields) != 4:
        raise TraceError(f"a {kind} record needs FROM TO ARG ARG2: {line!r}")
    return Record(seq, tsc, tick, kind, int(fields[0]), int(fields[1]),
                  int(fields[2], 16), int(fields[3], 16))


def dump_lines(output):
    """The lines of the last dump in `output`, "trace: begin" to "trace:
    end" (TraceError if there is none, or it is cut short)."""
    begins = list(BEGIN.finditer(output))
    if not begins:
        raise TraceError("no 'trace: begin' line: was the kernel booted with trace=2, "
                         "and did it shut down?")
    start = begins[-1].start()
    end = output.find("\n" + END_LINE, start)
    if end < 0:
        raise TraceError("the trace dump has no 'trace: end' line: cut short")
    return output[start:end].split("\n")


def without_dump(output):
    """`output` without its trace dumps (for reports of what else it said)."""
    kept, inside = [], False
    for line in output.split("\n"):
        if BEGIN.match(line):
            inside = True
        if not inside:
            kept.append(line)
        if line == END_LINE:
            inside = False
    return "\n".join(kept)


def parse(output):
    """The Trace in a run's console output."""
    lines = dump_lines(output)
    ring, count, shown = map(int, BEGIN.match(lines[0]).groups())
    records = [parse_record(line) for line in lines[1:]]
    if len(records) != shown:
        raise TraceError(f"the dump says {shown} records but holds {len(records)}")
    return build(records, ring=ring, count=count)


def from_raw(raw_records, ring, count):
    """A Trace from records already decoded (dicts with seq, tsc, tick,
    kind as a number of KIND_NAMES, from, to, arg, arg2, name)."""
    records = []
    for raw in raw_records:
        number = raw["kind"]
        kind = KIND_NAMES[number] if 0 <= number < len(KIND_NAMES) else f"kind{number}"
        records.append(Record(raw["seq"], raw["tsc"], raw["tick"], kind, raw["from"],
                              raw.get("to", 0), raw.get("arg", 0), raw.get("arg2", 0),
                              raw.get("name", "")))
    return build(records, ring=ring, count=count)


# The kernel's constants a raw record is decoded with, each with the
# expression that gives it in the kernel's debug information: GDB
# evaluates them at a stop (tools/gdb/beta86.py's trace_constants), and in
# batch mode on the ELF alone for a run that hung (kernel_facts).
RAW_CONSTANTS = dict({name: name for name in (
    "TRACE_RAW_SWITCH", "TRACE_RAW_WAKE", "TRACE_RAW_CROSSING", "TRACE_NAME",
    "PROC_RUNNABLE", "PROC_SLEEPING", "PROC_ZOMBIE", "SAVED_TRAPFRAME", "INV_FAULT")},
    trapframe_size="sizeof(struct trapframe)", dom_table="(unsigned int)&dom_table",
    domain_size="sizeof(struct domain)")
# struct trace_record (trace.h), 32 bytes: tsc, tick, kind, fact[3], from,
# then to, arg, arg2 -- or, in a TRACE_NAME record, the name.
RAW_RECORD = struct.Struct("<QIB3BiiII")
RAW_NAME = struct.Struct("<QIB3Bi12s")


def raw_records(memory, *, ring, count, name_kind):
    """The records the bytes of a trace_ring of `ring` slots hold, oldest
    first, as decode() takes them: record number seq is in slot seq %
    ring, the newest is count - 1. `name_kind` is TRACE_NAME's number."""
    records = []
    for seq in range(count - min(count, ring), count):
        chunk = memory[(seq % ring) * RAW_RECORD.size:][:RAW_RECORD.size]
        tsc, tick, kind, fact0, fact1, fact2, frm, to, arg, arg2 = RAW_RECORD.unpack(chunk)
        record = {"seq": seq, "tsc": tsc, "tick": tick, "kind": kind,
                  "fact": (fact0, fact1, fact2), "from": frm, "to": to, "arg": arg, "arg2": arg2}
        if kind == name_kind:
            name = RAW_NAME.unpack(chunk)[7]
            record["name"] = name.split(b"\0", 1)[0].decode("ascii", "replace")
        records.append(record)
    return records


def first_shown(count, ring):
    """The oldest record that can be shown (trace.c's trace_first_shown):
    once the ring has wrapped, its oldest slot has lost the record before
    it and only serves to decode the next."""
    return 0 if count <= ring else count - ring + 1


def decode_record(raw, before, k):
    """One raw record as its dump line says it (a dict as from_raw takes
    it), or None if the dump does not show it: trace.c's trace_decode,
    rule for rule. `before` is the raw record before it (or None), `k` the
    kernel's constants (RAW_CONSTANTS)."""
    line = dict(raw)
    kind = raw["kind"]
    if kind == k["TRACE_RAW_SWITCH"]:
        line["arg"] = line["arg2"] = 0
        state, saved = raw["fact"][0], raw["fact"][1]
        if raw["from"] == IDLE:
            line["kind"] = KIND_NAMES.index("idle-end")
        elif (before is not None and before["kind"] == k["TRACE_RAW_SWITCH"]
              and before["from"] == IDLE and before["to"] == raw["to"]):
            return None         # the idle wait's own switch: the idle-end told it
        elif state == k["PROC_SLEEPING"]:
            line["kind"], line["arg"] = KIND_NAMES.index("sleep"), raw["arg"]
        elif state == k["PROC_ZOMBIE"]:
            line["kind"] = KIND_NAMES.index("exit")
        elif saved == k["SAVED_TRAPFRAME"] or raw["arg2"] == raw["from"] & 0xffffffff:
            line["kind"] = KIND_NAMES.index("preempt")
        else:
            line["kind"] = KIND_NAMES.index("yield")
    elif kind == k["TRACE_RAW_WAKE"]:
        if raw["fact"][0] != k["PROC_RUNNABLE"] or raw["from"] == raw["to"]:
            line["from"] = IDLE
        line["kind"], line["arg2"] = KIND_NAMES.index("wake"), 0
    elif kind == k["TRACE_RAW_CROSSING"]:
        frame, old_top = raw["to"] & 0xffffffff, raw["arg"]
        entering = frame + k["trapframe_size"] < old_top
        fault = (raw["fact"][1] if entering else raw["fact"][2]) == k["INV_FAULT"]
        word = (("fault" if entering else "resume") if fault
                else "call" if entering else "return")
        domain = (raw["arg2"] - k["dom_table"]) // k["domain_size"]
        line.update(kind=KIND_NAMES.index(word), to=raw["from"], arg=domain & 0xffffffff,
                    arg2=raw["fact"][0])
    return line


def decode(raw_records, *, ring, count, constants):
    """A Trace from the ring's raw records (dicts with seq, tsc, tick, kind,
    fact: three small numbers, from, to, arg, arg2, name), every record
    the ring holds, oldest first, as GDB reads them from memory. Decoded
    the way the kernel's dump decodes them, so that GDB shows what the
    dump would."""
    by_seq = {raw["seq"]: raw for raw in raw_records}
    lines = []
    for seq in range(first_shown(count, ring), count):
        if seq not in by_seq:
            continue
        line = decode_record(by_seq[seq], by_seq.get(seq - 1), constants)
        if line is not None:
            lines.append(line)
    return from_raw(lines, ring, count)


def build(records, *, ring=0, count=None):
    """A Trace from records, oldest first: names, runs, wakeups, crossings.

    The thread holding the CPU before the first switch is that switch's
    FROM; each switch ends the holder's run and starts TO's (TO -1: the
    CPU idles); the last run lasts to the last record."""
    trace = Trace(records, ring=ring, count=len(records) if count is None else count)
    holder = start = start_tick = None
    for record in records:
        if record.kind == "name":
            trace.names[record.frm] = record.name
        elif record.kind == "wake":
            trace.wakes.append(Wake(record.tsc, record.tick, record.frm, record.to, record.arg))
        elif record.kind in CROSSINGS:
            trace.crossings.append(Crossing(record.tsc, record.tick, record.frm, record.kind,
                                            record.arg, record.arg2))
        elif record.kind in SWITCHES:
            if holder is None:
                holder = record.frm
                start, start_tick = records[0].tsc, records[0].tick
            trace.bars.append(Bar(holder, start, record.tsc, start_tick, record.tick, record.kind,
                                  record.to, record.arg if record.kind == "sleep" else 0))
            holder, start, start_tick = record.to, record.tsc, record.tick
    if holder is not None:      # the run going on when the trace was read
        trace.bars.append(Bar(holder, start, records[-1].tsc, start_tick, records[-1].tick,
                              "running"))
    return trace


# ---- ASCII lanes -------------------------------------------------------------

LEGEND = ("each column is one run, in order; the letter says how it ended: "
          "Y yielded, P preempted, S slept, X exited, I idle ended, > still running; "
          "w: woken during that run")


def lanes_text(trace, *, last=60, title="the schedule the kernel produced"):
    """ASCII lanes: a row per thread, a column per run (the last `last`)."""
    bars = trace.bars[-last:]
    if not bars:
        return f"{title}: no switches in the trace"
    first = len(trace.bars) - len(bars)
    lanes = sorted({bar.pid for bar in bars}, key=lambda pid: (pid == IDLE, pid))
    width = max(len(trace.label(pid)) for pid in lanes)
    lines = [f"{title} (runs {first + 1}-{len(trace.bars)} of {len(trace.bars)}; "
             f"instructions {bars[0].start:,}-{bars[-1].end:,}, ticks "
             f"{bars[0].start_tick}-{bars[-1].end_tick}):"]
    woken_in = [set() for _ in bars]
    for wake in trace.wakes:
        for index, bar in enumerate(bars):
            if bar.start <= wake.tsc <= bar.end:
                woken_in[index].add(wake.woken)
                break
    for pid in lanes:
        cells = []
        for index, bar in enumerate(bars):
            if bar.pid == pid:
                cells.append(ENDINGS[bar.ended][1])
            elif pid in woken_in[index]:
                cells.append("w")
            else:
                cells.append(".")
        lines.append(f"  {trace.label(pid):>{width}} |{''.join(cells)}|")
    ticks = "".join(str(bar.start_tick % 10) for bar in bars)
    lines.append(f"  {'tick % 10':>{width}} |{ticks}|  (the tick each run began in)")
    lines.append("  " + LEGEND)
    return "\n".join(lines)


def expected_lanes(runs, *, title="what was expected"):
    """ASCII lanes of an expected schedule, drawn like lanes_text: `runs` is
    a list of (thread label, how it ends: a key of ENDINGS)."""
    lanes = list(dict.fromkeys(label for label, _ in runs))
    width = max(len(label) for label in lanes)
    lines = [f"{title}:"]
    for lane in lanes:
        cells = "".join(ENDINGS[ended][1] if label == lane else "." for label, ended in runs)
        lines.append(f"  {lane:>{width}} |{cells}|")
    return "\n".join(lines)


# ---- in the grader's failure reports -------------------------------------------

# The newest records a report's dump needs: the last runs lanes_text shows,
# with their wakeups. A short dump also keeps the console from backing up
# while the grader reads it (a whole ring is some 40 KB).
REPORT_RECORDS = 200
TRACE_KEY = f"trace=2 tracedump={REPORT_RECORDS}"


def traced_boot(boot, cmdline, *, expected=None, timeout=None, **kwargs):
    """boot(cmdline) with the trace on (trace=2 first), for a scheduling
    test, run to its end (or a hang): the run's `.trace` is the Trace
    (None if there is none to read), its output loses the dump (the
    serial log keeps it), and its `.schedule` is what a failure report of
    the test shows (conftest.py): the schedule the kernel produced as
    ASCII lanes, above what was expected. `expected` is a list of (thread
    name, how its run ends) for expected_lanes, or words. A run that never
    reaches its dump at shutdown (a hang, the wall-clock guard) has its
    ring read from the guest's memory before QEMU is stopped (read_live);
    a run that exits has none to spare, so this costs a passing run
    nothing."""
    run = boot(f"{TRACE_KEY} {cmdline}", wait=False, **kwargs)
    run.before_stop.append(keep_live_trace)
    if timeout is None:
        run.wait_exit()
    else:
        run.wait_exit(timeout)
    try:
        run.trace = parse(run.output)
        produced = lanes_text(run.trace)
    except TraceError as error:
        run.trace, produced = schedule_without_dump(run, error)
    run.set_aside_output(without_dump)
    if isinstance(expected, str):
        produced += f"\nwhat was expected: {expected}"
    elif expected:
        produced += "\n" + expected_lanes(expected)
    run.schedule = produced
    return run


LIVE_TITLE = ("the schedule the kernel produced (read from its memory when the run was "
              "stopped: it never printed its trace at shutdown)")


def keep_live_trace(run):
    """A before_stop hook of qemu.Run: read the ring from the paused guest
    into `run.live_trace`, or say in `run.live_error` why that failed.
    Whatever goes wrong becomes that one line: a report helper must not
    fail the run a second time."""
    try:
        run.live_trace, run.live_error = read_live(run), None
    except Exception as error:      # noqa: BLE001 (see above)
        run.live_trace, run.live_error = None, str(error) or type(error).__name__


def schedule_without_dump(run, error):
    """(Trace or None, the report's text) for a run whose output has no
    dump to parse (`error` says why)."""
    live = getattr(run, "live_trace", None)
    if live is not None:
        return live, lanes_text(live, title=LIVE_TITLE)
    failed = getattr(run, "live_error", None)
    if failed:
        return None, (f"no schedule to show: {error}; reading the trace from the kernel's "
                      f"memory failed too: {failed}")
    from qemu import KIND_IN_WORDS      # here: GDB's Python, which imports this, has no pexpect
    ended = KIND_IN_WORDS.get(run.kind, run.kind)
    return None, (f"no schedule to show: {error} (the run ended by itself, in {ended}, "
                  "and its memory went with QEMU)")


# The numbers a live read needs besides RAW_CONSTANTS: where the ring and
# its count are (the kernel's addresses are physical too, kernel.ld), how
# many slots the ring has and how big a record is.
LIVE_EXPRESSIONS = {
    "ring_address": "(unsigned int)&trace_ring",
    "count_address": "(unsigned int)&trace_count",
    "ring": "sizeof(trace_ring) / sizeof(trace_ring[0])",
    "record_size": "sizeof(trace_ring[0])",
}
GDB_TIMEOUT = 10           # s; GDB reads a kernel's debug information in 0.1 s
# Run by GDB in batch mode on the ELF alone: every expression's value, or
# why it has none, as one JSON line.
FACTS_SCRIPT = """
import json
values, missing = {}, []
for name, expression in EXPRESSIONS.items():
    try:
        values[name] = int(gdb.parse_and_eval(expression))
    except gdb.error as error:
        missing.append("%s (%s)" % (expression, error))
print("facts: " + json.dumps({"values": values, "missing": missing}))
"""


@functools.lru_cache(maxsize=8)
def _kernel_facts(elf, mtime):
    script = FACTS_SCRIPT.replace("EXPRESSIONS", repr(dict(RAW_CONSTANTS, **LIVE_EXPRESSIONS)))
    command = ["gdb", "-nx", "-batch", "-iex", "set auto-load off", elf,
               "-ex", f"python exec({script!r})"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=GDB_TIMEOUT)
    except FileNotFoundError:
        raise TraceError("no gdb to read the kernel's symbols (tools/install-deps.sh "
                         "installs it)") from None
    except subprocess.TimeoutExpired:
        raise TraceError(f"gdb took over {GDB_TIMEOUT} s to read the kernel's symbols") from None
    line = next((line for line in result.stdout.splitlines() if line.startswith("facts: ")),
                None)
    if line is None:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise TraceError(f"gdb could not read the kernel's symbols: {last}")
    facts = json.loads(line[len("facts: "):])
    if facts["missing"]:
        raise TraceError("the kernel's debug information lacks " + ", ".join(facts["missing"]))
    return facts["values"]


def kernel_facts(elf):
    """RAW_CONSTANTS and LIVE_EXPRESSIONS of the kernel `elf`, from its
    debug information (GDB in batch mode, no target: the same expressions
    GDB's `trace` evaluates at a stop); cached while the ELF is unchanged."""
    return _kernel_facts(str(elf), os.stat(elf).st_mtime)


def read_live(run):
    """The Trace in the memory of a run's guest that still runs, paused
    (qemu.Run.read_memory), decoded as GDB decodes it."""
    facts = kernel_facts(run.kernel)
    if facts["record_size"] != RAW_RECORD.size:
        raise TraceError(f"a trace record is {facts['record_size']} bytes, not "
                         f"{RAW_RECORD.size} (kernel/proc/trace.h)")
    count, = struct.unpack("<I", run.read_memory(facts["count_address"], 4))
    memory = run.read_memory(facts["ring_address"], facts["ring"] * RAW_RECORD.size)
    records = raw_records(memory, ring=facts["ring"], count=count,
                          name_kind=facts["TRACE_NAME"])
    return decode(records, ring=facts["ring"], count=count,
                  constants={name: facts[name] for name in RAW_CONSTANTS})


# ---- the timeline picture ------------------------------------------------------

LANE_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 150
PLOT_WIDTH = 1000
AXIS_HEIGHT = 46
MARGIN = 12
MIN_BAR_WIDTH = 1.0


def _x(tsc, t0, t1):
    span = max(t1 - t0, 1)
    return LABEL_WIDTH + (tsc - t0) * PLOT_WIDTH / span


def svg(trace, *, title="beta86 schedule"):
    """The timeline as an SVG element (a string): a lane per thread, a bar
    per run coloured by how it ended (its <title> says thread, start,
    length and cause), arrows from waker to woken, domain crossings as
    marks, the axis in instructions with the timer ticks."""
    lanes = trace.lanes()
    if not trace.bars:
        raise TraceError("no switches in the trace: nothing to draw")
    t0, t1 = trace.bars[0].start, trace.bars[-1].end
    row = {pid: index for index, pid in enumerate(lanes)}
    height = MARGIN + len(lanes) * LANE_HEIGHT + AXIS_HEIGHT
    width = LABEL_WIDTH + PLOT_WIDTH + MARGIN
    esc = html_escape.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" '
           f'role="img" aria-label="{esc(title)}">',
           f"<title>{esc(title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
           'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
           'fill="#c0392b"/></marker></defs>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']

    def lane_y(pid):
        return MARGIN + row[pid] * LANE_HEIGHT

    def in_view(events, lane_of):
        """Each event whose lane (lane_of(event)) is drawn and whose time is
        inside the plotted span, with its x."""
        for event in events:
            if lane_of(event) in row and t0 <= event.tsc <= t1:
                yield event, _x(event.tsc, t0, t1)

    for pid in lanes:
        y = lane_y(pid)
        out.append(f'<g class="lane" data-pid="{pid}">'
                   f'<rect x="{LABEL_WIDTH}" y="{y}" width="{PLOT_WIDTH}" height="{LANE_HEIGHT}" '
                   f'fill="{"#fafafa" if row[pid] % 2 else "#f2f2f2"}"/>'
                   f'<text x="{LABEL_WIDTH - 6}" y="{y + LANE_HEIGHT / 2 + 4}" '
                   f'text-anchor="end">{esc(trace.label(pid))}</text></g>')
    for bar in trace.bars:
        x = _x(bar.start, t0, t1)
        w = max(_x(bar.end, t0, t1) - x, MIN_BAR_WIDTH)
        y = lane_y(bar.pid) + (LANE_HEIGHT - BAR_HEIGHT) / 2
        colour = IDLE_COLOUR if bar.pid == IDLE else COLOURS[bar.ended]
        why = ENDINGS[bar.ended][0] + (f" (channel {bar.chan:#x})" if bar.chan else "")
        tip = (f"{trace.label(bar.pid)}: from instruction {bar.start:,} (tick {bar.start_tick}) "
               f"for {bar.length:,} instructions, {why}"
               + (f", then {trace.label(bar.next)}" if bar.next is not None else ""))
        out.append(f'<rect class="bar" data-pid="{bar.pid}" data-ended="{bar.ended}" '
                   f'x="{x:.2f}" y="{y:.1f}" width="{w:.2f}" height="{BAR_HEIGHT}" '
                   f'fill="{colour}"><title>{esc(tip)}</title></rect>')
    for wake, x in in_view(trace.wakes, lambda wake: wake.woken):
        waker = wake.waker if wake.waker in row else None
        y1 = lane_y(waker) + LANE_HEIGHT / 2 if waker is not None else MARGIN
        y2 = lane_y(wake.woken) + LANE_HEIGHT / 2
        tip = (f"{trace.label(wake.waker)} woke {trace.label(wake.woken)} at instruction "
               f"{wake.tsc:,} (tick {wake.tick}, channel {wake.chan:#x})")
        out.append(f'<line class="wake" x1="{x:.2f}" y1="{y1:.1f}" x2="{x:.2f}" y2="{y2:.1f}" '
                   f'stroke="#c0392b" stroke-width="1.5" marker-end="url(#arrow)">'
                   f'<title>{esc(tip)}</title></line>')
    for crossing, x in in_view(trace.crossings, lambda crossing: crossing.pid):
        y = lane_y(crossing.pid)
        down = crossing.kind in ("call", "fault")
        tip_y, base_y = (y + 8, y) if down else (y, y + 8)
        tip = (f"{trace.label(crossing.pid)}: {crossing.kind} into domain {crossing.domain} "
               f"(level {crossing.level}) at instruction {crossing.tsc:,}")
        out.append(f'<path class="crossing" d="M{x - 4:.2f},{base_y} L{x + 4:.2f},{base_y} '
                   f'L{x:.2f},{tip_y} z" fill="#8e44ad"><title>{esc(tip)}</title></path>')
    axis_y = MARGIN + len(lanes) * LANE_HEIGHT
    out.append(f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{LABEL_WIDTH + PLOT_WIDTH}" '
               f'y2="{axis_y}" stroke="#333"/>')
    ticks = sorted({(bar.start_tick, bar.start) for bar in trace.bars})
    seen = set()
    for tick, tsc in ticks:
        if tick in seen:
            continue
        seen.add(tick)
        x = _x(tsc, t0, t1)
        out.append(f'<line class="tick" x1="{x:.2f}" y1="{MARGIN}" x2="{x:.2f}" y2="{axis_y + 5}" '
                   f'stroke="#999" stroke-dasharray="2,3"/>')
    steps = 5
    for step in range(steps + 1):
        tsc = t0 + (t1 - t0) * step // steps
        x = _x(tsc, t0, t1)
        anchor = "start" if step == 0 else "end" if step == steps else "middle"
        out.append(f'<text x="{x:.2f}" y="{axis_y + 18}" text-anchor="{anchor}">{tsc:,}</text>')
    out.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH / 2}" y="{axis_y + 36}" text-anchor="middle">'
               f'instructions since reset (dashed lines: a run that began in a new timer tick; '
               f'ticks {trace.bars[0].start_tick}-{trace.bars[-1].end_tick})</text>')
    out.append("</svg>")
    return "\n".join(out)


def legend_html():
    items = "".join(f'<span class="key"><span class="swatch" style="background:{COLOURS[k]}">'
                    f'</span>{ENDINGS[k][0]}</span>' for k in COLOURS)
    return (f'<p class="legend">Bars end: {items}<span class="key"><span class="swatch" '
            f'style="background:{IDLE_COLOUR}"></span>idle</span> '
            f'<span class="key">red arrows: wakeups, waker to woken</span> '
            f'<span class="key">purple marks: domain calls and returns</span></p>')


def html(trace, *, title="beta86 schedule", command=""):
    """A self-contained HTML page: the SVG timeline inline, a legend, the
    run's numbers; no scripts, no network."""
    esc = html_escape.escape
    about = (f"{len(trace.records)} records of {trace.count}"
             + (f" ({trace.dropped} older ones overwritten in the ring of {trace.ring})"
                if trace.dropped else "")
             + f", {len(trace.bars)} runs, {len(trace.wakes)} wakeups, "
             f"{len(trace.crossings)} domain crossings")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>"
            "body{font-family:sans-serif;margin:16px;color:#222}"
            ".legend .key{margin-right:14px;white-space:nowrap}"
            ".swatch{display:inline-block;width:12px;height:12px;margin-right:4px;"
            "vertical-align:middle}"
            "</style></head><body>"
            f"<h1>{esc(title)}</h1>"
            + (f"<p><code>{esc(command)}</code></p>" if command else "")
            + f"<p>{esc(about)}. Hover over a bar for its thread, start, length and cause.</p>"
            + legend_html()
            + f"<div id=\"timeline\">{svg(trace, title=title)}</div>"
            + f"<h2>The same as text</h2><pre>{esc(lanes_text(trace))}</pre>"
            + "</body></html>\n")
