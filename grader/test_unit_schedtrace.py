"""Unit tests of grader/schedtrace.py on traces built here: the dump format
(kernel/proc/trace.h), the runs and wakeups made from it, the ASCII lanes
and the SVG/HTML timeline."""

import xml.etree.ElementTree as ElementTree
from dataclasses import replace

import pytest

import schedtrace
from schedtrace import Record

pytestmark = pytest.mark.unit
SVG = "{http://www.w3.org/2000/svg}"


def sample_records():
    """kmain starts a and b, sleeps; a yields to b, b sleeps, the CPU
    idles, a timer wakeup brings b back, a domain call and return."""
    return [
        Record(0, 1000, 0, "name", 0, name="kmain"),
        Record(1, 1100, 0, "name", 1, name="a"),
        Record(2, 1200, 0, "name", 2, name="b"),
        Record(3, 1300, 0, "sleep", 0, 1, 0x1aa020),
        Record(4, 2300, 0, "yield", 1, 2),
        Record(5, 2800, 1, "call", 2, 2, 3, 1),
        Record(6, 2900, 1, "return", 2, 2, 2, 0),
        Record(7, 3300, 1, "preempt", 2, 1),
        Record(8, 4300, 2, "exit", 1, 2),
        Record(9, 4400, 2, "sleep", 2, -1, 0xbeef),
        Record(10, 6000, 3, "wake", -1, 2, 0xbeef),
        Record(11, 6100, 3, "idle-end", -1, 2),
        Record(12, 6500, 3, "wake", 2, 0, 0x1aa020),
        Record(13, 6600, 3, "exit", 2, 0),
    ]


def dump_text(records, count=None):
    count = len(records) if count is None else count
    return "\n".join(["boot chatter", f"trace: begin ring=1024 count={count} shown={len(records)}"]
                     + [r.line() for r in records] + ["trace: end", "beta86: shutdown (success)", ""])


def test_dump_round_trip():
    """records printed in the dump format parse back to the same records"""
    records = [replace(record, seq=record.seq + 6) for record in sample_records()]
    trace = schedtrace.parse(dump_text(records, count=21))
    assert trace.records == records
    assert (trace.ring, trace.count, trace.dropped) == (1024, 21, 6)
    assert trace.names == {0: "kmain", 1: "a", 2: "b"}
    assert schedtrace.without_dump(dump_text(records)).split("\n") == \
        ["boot chatter", "beta86: shutdown (success)", ""]


@pytest.mark.parametrize("text, words", [
    ("no trace here\n", "no 'trace: begin'"),
    ("trace: begin ring=1024 count=1 shown=1\ntrace: 0 1 0 yield 1 2 0 0\n", "cut short"),
    ("trace: begin ring=1024 count=2 shown=2\ntrace: 0 1 0 yield 1 2 0 0\ntrace: end\n", "holds 1"),
    ("trace: begin ring=1024 count=1 shown=1\ntrace: 0 1 0 yield 1 2\ntrace: end\n", "FROM TO ARG"),
    ("trace: begin ring=1024 count=1 shown=1\ntrace: x\ntrace: end\n", "not a trace record"),
])
def test_malformed_dumps_are_refused(text, words):
    """a missing, truncated or malformed dump is an error that says what is wrong"""
    with pytest.raises(schedtrace.TraceError, match=words):
        schedtrace.parse(text)


def test_runs_wakeups_and_crossings():
    """each switch ends the holder's run and starts the next; idle is a run of its own"""
    trace = schedtrace.build(sample_records())
    assert [(b.pid, b.start, b.end, b.ended, b.next) for b in trace.bars] == [
        (0, 1000, 1300, "sleep", 1), (1, 1300, 2300, "yield", 2), (2, 2300, 3300, "preempt", 1),
        (1, 3300, 4300, "exit", 2), (2, 4300, 4400, "sleep", -1), (-1, 4400, 6100, "idle-end", 2),
        (2, 6100, 6600, "exit", 0), (0, 6600, 6600, "running", None)]
    assert trace.bars[4].chan == 0xbeef and trace.bars[1].chan == 0
    assert [(w.waker, w.woken, w.chan) for w in trace.wakes] == [(-1, 2, 0xbeef), (2, 0, 0x1aa020)]
    assert [(c.kind, c.domain, c.level) for c in trace.crossings] == [("call", 3, 1), ("return", 2, 0)]
    assert trace.lanes() == [0, 1, 2, -1]
    assert trace.label(1) == "a (1)" and trace.label(-1) == "idle" and trace.label(9) == "pid 9"


def test_raw_records_from_memory():
    """records as GDB reads them from the ring (kinds as numbers) build the same trace"""
    records = sample_records()
    raw = [{"seq": r.seq, "tsc": r.tsc, "tick": r.tick, "kind": schedtrace.KIND_NAMES.index(r.kind),
            "from": r.frm, "to": r.to, "arg": r.arg, "arg2": r.arg2, "name": r.name} for r in records]
    assert schedtrace.from_raw(raw, ring=1024, count=14).records == records


# made-up numbers for the kernel's constants: decode must take them from
# its argument, as GDB reads them from the kernel, not assume them
CONSTANTS = {"TRACE_RAW_SWITCH": 14, "TRACE_RAW_WAKE": 15, "TRACE_RAW_CROSSING": 16,
             "TRACE_NAME": 7, "PROC_RUNNABLE": 2, "PROC_SLEEPING": 3, "PROC_ZOMBIE": 4,
             "SAVED_TRAPFRAME": 2, "INV_FAULT": 2, "trapframe_size": 0x4c,
             "dom_table": 0x200000, "domain_size": 0x120}
NO_PID = 0xffffffff     # sched_deferring_pid when no one defers


def raw(seq, kind, frm, to=0, arg=0, arg2=0, fact=(0, 0, 0), name=""):
    return {"seq": seq, "tsc": 1000 * (seq + 1), "tick": seq // 4, "kind": CONSTANTS.get(kind, kind),
            "fact": fact, "from": frm, "to": to, "arg": arg, "arg2": arg2, "name": name}


def switch(seq, frm, to, state=2, saved=1, chan=0, deferring=NO_PID):
    return raw(seq, "TRACE_RAW_SWITCH", frm, to, chan, deferring, (state, saved, 0))


def crossing(seq, pid, level, old_level, kind_here, kind_above, domain):
    """pid's crossing into level (from old_level), frames below 0x9000."""
    frame = 0x9000 - 0x4c * (level + 1)
    return raw(seq, "TRACE_RAW_CROSSING", pid, frame, 0x9000 - 0x4c * old_level,
               0x200000 + 0x120 * domain, (level, kind_here, kind_above))


def test_raw_records_decode_as_the_kernel_dump_decodes_them():
    """raw facts from the ring become the dump's causes, wakers and crossings; the switch after an idle wait is not shown"""
    records = [
        raw(0, "TRACE_NAME", 1, name="a"),
        switch(1, 1, 2),                                # a yields
        switch(2, 2, 1, saved=2),                       # b preempted by the timer
        switch(3, 1, 2, deferring=1),                   # a: a deferred preemption
        switch(4, 2, 1, deferring=1),                   # b yields while a defers
        raw(5, "TRACE_RAW_WAKE", 1, 3, 0xbeef, fact=(2, 0, 0)),   # a wakes c
        switch(6, 1, -1, state=3, chan=0xcafe),         # a sleeps, the CPU idles
        raw(7, "TRACE_RAW_WAKE", 1, 1, 0xcafe, fact=(3, 0, 0)),   # idle wakes a (cur is a)
        raw(8, "TRACE_RAW_WAKE", 1, 2, 0xcafe, fact=(3, 0, 0)),   # idle wakes b
        switch(9, -1, 2),                               # idle -> b
        switch(10, 1, 2, state=3, chan=0xcafe),         # the idle wait's own switch
        switch(11, 2, 1, state=4),                      # b exits
        crossing(12, 1, 1, 0, 1, 0, 5),                 # a calls domain 5
        crossing(13, 1, 2, 1, 2, 0, 6),                 # a faults into handler 6
        crossing(14, 1, 1, 2, 1, 2, 5),                 # and resumes in 5
        crossing(15, 1, 0, 1, 0, 1, 3),                 # a returns home to 3
    ]
    trace = schedtrace.decode(records, ring=1024, count=16, constants=CONSTANTS)
    assert [r.line().split(" ", 4)[4] if r.kind != "name" else r.line() for r in trace.records] == [
        "trace: 0 1000 0 name 1 a",
        "yield 1 2 0 0", "preempt 2 1 0 0", "preempt 1 2 0 0", "yield 2 1 0 0",
        "wake 1 3 beef 0", "sleep 1 -1 cafe 0", "wake -1 1 cafe 0", "wake -1 2 cafe 0",
        "idle-end -1 2 0 0", "exit 2 1 0 0",
        "call 1 1 5 1", "fault 1 1 6 2", "resume 1 1 5 1", "return 1 1 3 0"]
    assert [r.seq for r in trace.records] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15]
    assert (trace.count, trace.dropped) == (16, 0)


def test_a_wrapped_ring_shows_its_oldest_slot_only_as_context():
    """once the ring has wrapped, its oldest record only tells whether the next one is shown"""
    # seq 10, the oldest of the 4 held, is an idle-end: not shown, as the
    # record before it is gone; seq 11 is its idle wait's own switch
    ring = 4
    records = [switch(10, -1, 2), switch(11, 1, 2, state=3), switch(12, 2, 1), switch(13, 1, 2)]
    trace = schedtrace.decode(records, ring=ring, count=14, constants=CONSTANTS)
    assert [(r.seq, r.kind) for r in trace.records] == [(12, "yield"), (13, "yield")]
    assert (trace.count, trace.dropped) == (14, 12)


def packed(record):
    """A raw record as the kernel stores it in trace_ring (trace.h)."""
    head = (record["tsc"], record["tick"], record["kind"], *record["fact"], record["from"])
    if record["name"]:
        return schedtrace.RAW_NAME.pack(*head, record["name"].encode())
    return schedtrace.RAW_RECORD.pack(*head, record["to"], record["arg"], record["arg2"])


def test_raw_records_are_read_from_the_rings_bytes():
    """the bytes of a wrapped ring give its records oldest first, from slot seq % ring"""
    ring = 4
    records = [raw(5, "TRACE_NAME", 1, name="spinner-12ch"), switch(6, 1, 2),
               switch(7, 2, 1, saved=2), raw(8, "TRACE_RAW_WAKE", 1, 3, 0xbeef, fact=(2, 0, 0))]
    slots = {record["seq"] % ring: packed(record) for record in records}
    memory = b"".join(slots[slot] for slot in range(ring))
    read = schedtrace.raw_records(memory, ring=ring, count=9, name_kind=CONSTANTS["TRACE_NAME"])
    # a name record's to, arg and arg2 are its name's bytes (a union)
    name_fields = ("seq", "tsc", "tick", "kind", "fact", "from", "name")
    assert {key: read[0][key] for key in name_fields} == {key: records[0][key] for key in name_fields}
    assert read[0]["name"] == "spinner-12ch"     # 12 bytes, no NUL: all of them
    assert read[1:] == [{key: value for key, value in record.items() if key != "name"}
                        for record in records[1:]]
    assert schedtrace.raw_records(memory, ring=ring, count=2, name_kind=7)[1]["seq"] == 1


class EndedRun:
    """What schedule_without_dump reads of a qemu.Run."""
    def __init__(self, kind, **live):
        self.kind = kind
        self.__dict__.update(live)


def test_a_run_without_a_dump_says_why_in_one_line():
    """no dump: the schedule read from memory, or one line on why there is none"""
    error = schedtrace.TraceError("no 'trace: begin' line")
    live = schedtrace.build(sample_records())
    trace, text = schedtrace.schedule_without_dump(EndedRun("hang", live_trace=live), error)
    assert trace is live and text.startswith(schedtrace.LIVE_TITLE + " (runs 1-8 of 8;")
    for run, words in [(EndedRun("hang", live_trace=None, live_error="QMP closed: QEMU exited"),
                        "reading the trace from the kernel's memory failed too: QMP closed"),
                       (EndedRun("triple-fault"), "the run ended by itself, in a triple fault")]:
        trace, text = schedtrace.schedule_without_dump(run, error)
        assert trace is None and "\n" not in text, text
        assert text.startswith("no schedule to show: no 'trace: begin' line") and words in text, text


def test_ascii_lanes():
    """a row per thread, a column per run with the letter of its ending, wakeups marked"""
    text = schedtrace.lanes_text(schedtrace.build(sample_records()))
    assert text.split("\n")[1:6] == [
        "  kmain (0) |S.....w>|",
        "      a (1) |.Y.X....|",
        "      b (2) |..P.SwX.|",
        "       idle |.....I..|",
        "  tick % 10 |00012233|  (the tick each run began in)",
    ]
    assert "runs 1-8 of 8" in text
    last = schedtrace.lanes_text(schedtrace.build(sample_records()), last=2)
    assert "runs 7-8 of 8" in last and "  kmain (0) |w>|" in last
    assert schedtrace.expected_lanes([("a", "yield"), ("b", "yield"), ("a", "exit")]).split("\n") == [
        "what was expected:", "  a |Y.X|", "  b |.Y.|"]


def test_svg_and_html_timeline():
    """the SVG is well-formed, has a lane per thread, a bar per run with its details, an arrow per wakeup"""
    trace = schedtrace.build(sample_records())
    root = ElementTree.fromstring(schedtrace.svg(trace))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [g.get("data-pid") for g in groups] == ["0", "1", "2", "-1"]
    assert [(b.get("data-pid"), b.get("data-ended")) for b in bars] == \
        [(str(b.pid), b.ended) for b in trace.bars]
    tip = bars[1].find(f"{SVG}title").text
    assert tip == "a (1): from instruction 1,300 (tick 0) for 1,000 instructions, yielded, then b (2)"
    assert "slept (channel 0xbeef)" in bars[4].find(f"{SVG}title").text
    assert bars[1].get("fill") == schedtrace.COLOURS["yield"]
    widths = [float(b.get("width")) for b in bars[:7]]
    assert widths[1] == pytest.approx(2 * widths[0] * 1000 / 600, rel=1e-3)   # to scale
    assert len([x for x in root.iter(f"{SVG}line") if x.get("class") == "wake"]) == 2
    assert len([x for x in root.iter(f"{SVG}path") if x.get("class") == "crossing"]) == 2
    page = schedtrace.html(trace, title="t <1>", command="make x")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "t &lt;1&gt;" in page
    with pytest.raises(schedtrace.TraceError):
        schedtrace.svg(schedtrace.build(sample_records()[:3]))
