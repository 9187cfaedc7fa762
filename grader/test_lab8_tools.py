"""Lab 8's tools: the GDB command on IRQ lines, `ps` and Ctrl-P on a thread
waiting on a line, and `caps` on the caps that cover lines and ports.

  irqs         each owned line: owner domain, waiter, mode, pending, masked,
               latched, delivered and acked (and the test injector's state)
  ps, Ctrl-P   a thread asleep in irq_wait: "waiting on irq L"
  caps         IRQ-control, IRQ and I/O-port caps with the range they cover
  domains      the same ranges in GDB's capability tables

The scene (user/domscene.c): `domscene irqwait LINE MODE EDGES CF CL PF PL`
has a child process narrow init's root authority to the lines CF..CL and
the ports PF..PL (cap_narrow), take LINE in MODE through the narrowed cap,
count EDGES deliveries of the test injector (booted with injectirq=LINE
injectcount=EDGES injectrate=1: one edge a tick, each waited for and acked),
run `caps`, then wait on LINE again for ever while its parent runs `ps` and
waits for a key. Every number is the test's, picked at run time; what GDB
must print is read with plain GDB expressions (irq_lines[], proc_table[])
independently of tools/gdb/beta86.py, and what the counts must be follows
from the mode: every delivery of mask mode is acked, count mode never masks.
"""

import re

import pytest

from gdb_session import kernel_table_line_under
from userprog import ctrl_p_line_under, scene_ends, scene_ps_rows

RUN_TIMEOUT = 300                 # s: a last guard; each stop comes within a second
# Lines that nothing in QEMU's machine raises by itself, so that only the
# injector's edges come (not the RTC's 8, nor the IDE's 14 and 15).
QUIET_LINES = (3, 5, 9, 10, 11)
IRQ_NLINES, IO_PORTS = 17, 0x10000          # lib/abi.h
IRQ_MODE_MASK, IRQ_MODE_COUNT = 0, 1        # lib/abi.h
MODE_NAMES = {IRQ_MODE_MASK: "mask", IRQ_MODE_COUNT: "count"}
ROOT_IOPORT_SLOT, ROOT_IRQ_CONTROL_SLOT = 30, 31
# caps's line, with lab 8's RANGE column
CAP_LINE = re.compile(r"^(\d+) (\w+) ([cgvm-]{4}) 0x([0-9a-f]+) (\d+) (\S+) (live|dead) "
                      r"(root|derived)(?: (.+))?$", re.MULTILINE)
COUNTED = re.compile(r"^domscene: irqwait: irq (\d+) \(slot (\d+)\) counted (\d+) edges; "
                     r"control in slot (\d+), ports in slot (\d+)$", re.MULTILINE)


def plan_scene(rng):
    """The scene's numbers: line, mode, edges and the narrowed ranges."""
    line = rng.choice(QUIET_LINES)
    ports = sorted(rng.sample(range(IO_PORTS), 2))
    return dict(line=line, mode=rng.choice((IRQ_MODE_MASK, IRQ_MODE_COUNT)),
                edges=rng.randrange(2, 7), ctl=(rng.randrange(0, line + 1),
                                                rng.randrange(line, IRQ_NLINES)),
                ports=tuple(ports))


def scene_cmdline(scene):
    return (f"hz=1000 injectirq={scene['line']} injectcount={scene['edges']} injectrate=1 "
            f"init=domscene irqwait {scene['line']} {scene['mode']} {scene['edges']} "
            f"{scene['ctl'][0]} {scene['ctl'][1]} {scene['ports'][0]} {scene['ports'][1]}")


def counted_slots(run, scene):
    """The child's line: it counted every edge; (irq slot, ctl slot, io slot)."""
    match = COUNTED.search(run.output)
    assert match, "domscene never counted the injector's edges (no 'counted' line)"
    assert (int(match.group(1)), int(match.group(3))) == (scene["line"], scene["edges"]), \
        f"the child counts {scene['edges']} deliveries on irq {scene['line']}: {match.group(0)}"
    return int(match.group(2)), int(match.group(4)), int(match.group(5))


@pytest.mark.points(4)
def test_caps_shows_the_lines_and_ports_a_cap_covers(boot, rng):
    """caps shows the range of IRQ-control, IRQ and I/O-port caps, the narrowed ones too"""
    scene = plan_scene(rng)
    run = boot(scene_cmdline(scene), wait=False)
    run.expect_exact("domscene: press Ctrl-P, then a key")
    irq, ctl, io = counted_slots(run, scene)
    shown = {int(slot): (kind, extent) for slot, kind, *_, extent in CAP_LINE.findall(run.output)}
    (cf, cl), (pf, pl) = scene["ctl"], scene["ports"]
    want = {ctl: ("irqctl", f"lines {cf}-{cl}"), io: ("ioport", f"ports {pf:#x}-{pl:#x}"),
            irq: ("irq", f"line {scene['line']}"),
            ROOT_IOPORT_SLOT: ("ioport", f"ports 0x0-{IO_PORTS - 1:#x}"),
            ROOT_IRQ_CONTROL_SLOT: ("irqctl", f"lines 0-{IRQ_NLINES - 1}")}
    for slot, expected in want.items():
        assert shown.get(slot) == expected, \
            f"caps: slot {slot} is {' '.join(expected)}, not {shown.get(slot)}:\n{run.output}"
    assert shown[0] == ("call", ""), f"a call cap covers no range: {shown[0]}"
    scene_ends(run, "irqwait")


@pytest.mark.points(4)
def test_ps_and_ctrl_p_show_a_thread_waiting_on_a_line(boot, rng):
    """ps and Ctrl-P show a driver asleep in irq_wait, and on which line"""
    scene = plan_scene(rng)
    run = boot(scene_cmdline(scene), wait=False)
    match = run.expect(r"domscene: child pid (\d+) waits on irq (\d+)\n")
    child = int(match.group(1))
    rows = scene_ps_rows(run)
    assert child in rows, f"ps: the child, pid {child}, is not in the table (it died?):\n{run.output}"
    assert rows[child][1:3] == ["sleeping", "domscene"], f"pid {child} sleeps: {rows.get(child)}"
    table = run.output[run.output.rindex("PID PPID STATE"):]
    waiting = re.findall(r"^(\d+) .*\n  waiting on irq (\d+)$", table, re.MULTILINE)
    assert waiting == [(str(child), str(scene["line"]))], \
        f"ps: only pid {child} waits on a line, irq {scene['line']}, on the line under its row:\n{table}"
    kernel = ctrl_p_line_under(run, child)
    assert kernel == f"in domain {rows[child][4]} (domscene), waiting on irq {scene['line']}", \
        f"Ctrl-P under pid {child}: {kernel!r}"
    scene_ends(run, "irqwait")


def irqs_fields(text, line):
    """irqs's line for `line`, as {field: words}."""
    match = re.search(rf"^irq {line}: (.*)$", text, re.MULTILINE)
    assert match, f"irqs lists irq {line}:\n{text}"
    return dict(re.fullmatch(r"(owner|waiter|mode|pending|masked|latched|delivered|acked|gen|"
                             r"last edge at tsc) (.+)", part).groups()
                for part in match.group(1).split(", "))


@pytest.mark.points(5)
def test_gdb_irqs_shows_each_line_its_owner_waiter_and_counts(gdb_boot, rng):
    """irqs shows a line's owner, waiter, mode, pending, masked, latched, delivered and acked"""
    scene = plan_scene(rng)
    line, edges = scene["line"], scene["edges"]
    run, gdb = gdb_boot(scene_cmdline(scene))
    gdb.command("break sys_ps")             # the parent's `ps`: the child waits by now
    gdb.command("continue", timeout=RUN_TIMEOUT)
    gdb.command("delete")
    irq, ctl, _ = counted_slots(run, scene)
    assert gdb.integer(f"irq_lines[{line}].waiter != 0"), \
        f"when the parent runs ps, the child waits on irq {line}, but irq_lines[{line}].waiter is 0:\n" \
        + "\n".join(run.lines[-8:])
    owner = gdb.integer(f"irq_lines[{line}].owner - dom_table")
    waiter = gdb.integer(f"irq_lines[{line}].waiter->pid")
    assert gdb.integer(f"irq_lines[{line}].waiter->irq_line") == line

    shown = gdb.command("irqs")
    assert re.search(r"^irq lines: 1 of 17 owned$", shown, re.MULTILINE), shown
    fields = irqs_fields(shown, line)
    acked = edges if scene["mode"] == IRQ_MODE_MASK else 0
    want = {"owner": f"{owner} (domscene)", "waiter": f"pid {waiter} (domscene)",
            "mode": MODE_NAMES[scene["mode"]], "pending": "0", "masked": "no", "latched": "no",
            "delivered": str(edges), "acked": str(acked), "gen": "0",
            "last edge at tsc": f"{gdb.integer(f'irq_lines[{line}].edge_tsc') & 0xFFFFFFFF:#010x}"}
    assert fields == want, f"irq {line} after {edges} {want['mode']}-mode edges, " \
                           f"each waited for and acked:\n{shown}"
    assert f"injector: line {line}, 0 of {edges} edges left, 1 a tick" in shown, shown
    assert "never forwarded" in gdb.command("irqs 0") and \
        re.fullmatch(r"irq 16 \(virtual timer\): free, gen 0", gdb.command("irqs 16").strip())

    expected = f"in domain {owner} (domscene), waiting on irq {line}"
    table = gdb.command("ps")
    assert re.search(rf"^{waiter} +sleeping +domscene .*\n +{re.escape(expected)}$", table,
                     re.MULTILINE), f"ps under pid {waiter}: {expected!r}:\n{table}"
    kernel_table_line_under(run, waiter, expected, gdb)
    domains = gdb.command(f"domains {owner}")
    (cf, cl) = scene["ctl"]
    assert re.search(rf"^  {irq} +irq .*, line {line}$", domains, re.MULTILINE) and \
        re.search(rf"^  {ctl} +irqctl .*, lines {cf}-{cl}$", domains, re.MULTILINE), \
        f"domains: slot {irq} is irq {line}, slot {ctl} lines {cf}-{cl}:\n{domains}"
