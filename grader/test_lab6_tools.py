"""Lab 6's user tools: `caps` (user/caps.c) lists the capability table the
kernel holds, and `ps` and Ctrl-P say which domain each thread is in.

The scenes come from user/domscene.c, with every number picked by the test:
`domscene grants N KILL SRC:RIGHTS:BADGE...` makes N testsrv domains, grants
copies (rights narrowed, badges set) in the order given, destroys domain
KILL, then execs `caps`. The test works out what the table must hold from
cap_grant's rules - rights only narrow, a badge is set only on an unbadged
cap and kept otherwise, a copy without the manage right is a call cap, a
destroyed domain's caps are dead - and checks every line. `domscene inside`
leaves a child process asleep inside a testsrv domain while ps runs and
Ctrl-P is pressed."""

import re

import pytest

from userprog import ctrl_p_line_under, scene_ends, scene_ps_rows

CAP_RIGHT_CALL, CAP_RIGHT_GRANT, CAP_RIGHT_GIVE, CAP_RIGHT_MANAGE = 0x1, 0x2, 0x4, 0x8
RIGHTS_ALL = 0xF
LETTERS = ((CAP_RIGHT_CALL, "c"), (CAP_RIGHT_GRANT, "g"), (CAP_RIGHT_GIVE, "v"),
           (CAP_RIGHT_MANAGE, "m"))
# A slot's line; lab 8's caps end with the range they cover (RANGE), the
# others with ORIGIN: that last group is "" for them.
CAP_LINE = re.compile(r"^(\d+) (\w+) ([cgvm-]{4}) 0x([0-9a-f]+) (\d+) (\S+) (live|dead) "
                      r"(root|derived)(?: (.+))?$", re.MULTILINE)
NCAP = 32


def letters(rights):
    return "".join(letter if rights & bit else "-" for bit, letter in LETTERS)


def plan_grants(rng, servers):
    """Random grants that cap_grant accepts: [(src, rights, badge)], and the
    table they make: {slot: (type, rights, badge, source slot or None)}."""
    table = {slot: ("manage", RIGHTS_ALL, 0, None) for slot in range(1, servers + 1)}
    grants = []
    for slot in range(servers + 1, servers + 1 + rng.randrange(2, 7)):
        sources = [s for s, (_, rights, _, _) in table.items() if rights & CAP_RIGHT_GRANT]
        src = rng.choice(sources)
        kind, src_rights, src_badge, _ = table[src]
        rights = src_rights & rng.randrange(0, 16)
        if rng.random() < 0.6:
            rights |= CAP_RIGHT_GRANT & src_rights       # keep some sources for copies of copies
        badge = 0 if src_badge else rng.choice((0, rng.randrange(1, 2**31)))
        grants.append((src, rights, badge))
        copy_kind = "manage" if kind == "manage" and rights & CAP_RIGHT_MANAGE else "call"
        table[slot] = (copy_kind, rights, src_badge or badge, src)
    return grants, table


# init's home starts with lab 8's root authority in its top two slots
# (abi.h's ROOT_IOPORT_SLOT, ROOT_IRQ_CONTROL_SLOT), every port and every
# line (IO_PORTS, IRQ_NLINES); a program run as init keeps them.
ROOT_AUTHORITY = {30: ("ioport", "ports 0x0-0xffff"), 31: ("irqctl", "lines 0-16")}


def root_of(table, slot):
    while table[slot][3] is not None:
        slot = table[slot][3]
    return slot


@pytest.mark.points(5)
def test_caps_lists_the_table_the_kernel_holds(boot, rng):
    """caps lists every slot: type, narrowed rights, badge, target, live or dead, derived"""
    servers = rng.randrange(1, 4)
    kill = rng.randrange(0, servers + 1)
    grants, table = plan_grants(rng, servers)
    specs = " ".join(f"{src}:{rights}:{badge}" for src, rights, badge in grants)
    run = boot(f"init=domscene grants {servers} {kill} {specs}")
    run.expect_exit("success")
    assert "domscene: grants: done" in run.output, "domscene did not finish its grants"
    header = re.search(r"^caps: domain (\d+) \(caps\), (\d+) of 32 slots used$", run.output, re.M)
    assert header, "no 'caps: domain D (caps), N of 32 slots used' line"
    shown = {int(slot): rest for slot, *rest in CAP_LINE.findall(run.output)}
    assert int(header.group(2)) == len(table) + 1 + len(ROOT_AUTHORITY) == len(shown), \
        f"slot 0, {servers} management caps, {len(grants)} grants and the root authority " \
        f"(slots {sorted(ROOT_AUTHORITY)}): {sorted(shown)}"
    home = int(header.group(1))
    for slot, (kind, extent) in ROOT_AUTHORITY.items():
        assert shown[slot][:2] + shown[slot][3:] == [kind, "-g--", str(home), "caps", "live", "root",
                                                     extent], \
            f"slot {slot} holds init's root {kind} cap, {extent} (lab 8): {shown[slot]}"
    assert shown[0] == ["call", "-gv-", "0", str(home), "caps", "live", "root", ""], \
        f"slot 0 names the domain itself (call, grant and give): {shown[0]}"
    targets = {slot: int(shown[slot][3]) for slot in range(1, servers + 1)}
    assert len(set(targets.values()) | {home}) == servers + 1, f"{servers} new domains: {targets}"
    for slot, (kind, rights, badge, src) in sorted(table.items()):
        root = root_of(table, slot)
        want = [kind, letters(rights), f"{badge:x}", str(targets[root]), "testsrv",
                "dead" if root == kill else "live", "derived" if src is not None else "root", ""]
        assert shown.get(slot) == want, \
            f"slot {slot} (from {src}, a copy of management cap {root}) should be {' '.join(want)}, " \
            f"caps says {' '.join(shown.get(slot, ['nothing']))}"


# dom_create and cap_info are given code: a sanity check without points.
def test_caps_with_a_program_shows_its_management_cap(boot, rng):
    """caps PROG... creates each domain first and lists its management cap"""
    programs = [rng.choice(("testsrv", "adder")) for _ in range(rng.randrange(1, 4))]
    run = boot("init=caps " + " ".join(programs))
    run.expect_exit("success")
    shown = {int(slot): rest for slot, *rest in CAP_LINE.findall(run.output)}
    for index, program in enumerate(programs):
        slot = index + 1
        assert f"caps: created {program}: its management cap is in slot {slot}" in run.output
        assert shown.get(slot, [None])[:2] == ["manage", "cgvm"] and shown[slot][4:] == \
            [program, "live", "root", ""], f"slot {slot} manages the new {program}: {shown.get(slot)}"
    assert len({shown[slot][3] for slot in shown}) == len(programs) + 1, \
        f"each domain has an id of its own: {shown}"


@pytest.mark.points(5)
def test_ps_and_ctrl_p_show_a_thread_inside_a_domain(boot, rng):
    """ps and Ctrl-P show a process asleep inside a callee in that domain, one call deep"""
    run = boot(f"hz=1000 init=domscene inside {rng.randrange(10**5, 10**6)}", wait=False)
    match = run.expect(r"domscene: child pid (\d+) sleeps in domain (\d+) \(testsrv\)\n")
    child, server = int(match.group(1)), int(match.group(2))
    rows = scene_ps_rows(run)
    parent = rows[child][0]
    assert rows[child][1:3] == ["sleeping", "domscene"] and rows[child][4:] == \
        [str(server), "testsrv", "1"], f"pid {child} sleeps in domain {server} (testsrv), " \
                                       f"one call deep: {rows.get(child)}"
    home = rows[int(parent)][4]
    assert rows[int(parent)][5:] == ["domscene", "0"] and home != str(server), \
        f"its parent is at home: {rows.get(int(parent))}"
    assert rows[0][4:] == ["-", "-", "-"], f"kmain is in no domain: {rows[0]}"
    assert rows[child][3] == rows[int(parent)][3], \
        f"PAGES is the child's home memory (a fork of its parent's), not testsrv's: {rows}"

    kernel = ctrl_p_line_under(run, child)
    assert re.fullmatch(rf"in domain {server} \(testsrv\), call depth 1: \d+ \(domscene\) > "
                        rf"{server} \(testsrv\)", kernel), f"Ctrl-P under pid {child}: {kernel!r}"
    scene_ends(run, "inside")
