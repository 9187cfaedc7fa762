"""Lab 6 with GDB: the domain commands of tools/gdb/beta86.py.

  domains      every domain with its capability table
  invstack     a thread's invocation stack, with each caller's return point
  ps           a line under each user process: the domain it is in
  nextdomain   run to the next domain crossing, stop in the domain entered

The scenes (user/domscene.c): `domscene nest N TAG` makes N testsrv domains
in a chain - domain i's slot 1 calls domain i+1 with badge TAG + i - and
calls down the whole chain, N and TAG picked by the test; `domscene unwind
SLOT ADDR VALUE` calls through a forged slot (refused), then into a testsrv
domain that relays to another, which writes VALUE at the kernel address ADDR,
faults and dies, so the relay unwinds. Everything a test expects is read with
plain GDB expressions (current_proc->inv[], dom_table[], the trap frames
below kstack_end) and the programs' symbol tables (`nm`), independently of
the helpers; the kernel's own Ctrl-P table (`call proc_dump(0)`) must say
the same as GDB's ps."""

import re

import pytest

from gdb_session import kernel_table_line_under, ps_line_under
from userprog import program_functions, symbolize

CHAIN_MIN, CHAIN_MAX = 2, 5       # testsrv domains in the chain
RUN_TIMEOUT = 300                 # s: a last guard; each stop comes within a second
CROSSING_LINE = re.compile(r"^pid (\d+) \((\S+)\): (call|return|unwind) from domain (\d+) "
                           r"\((\S+)\)(?: dead)? to domain (\d+) \((\S+)\), depth (\d+) -> (\d+)$",
                           re.MULTILINE)
E_BADCAP, E_DEAD = 16, 17         # lib/abi.h
NCAP = 32                         # lib/abi.h: slots per domain
USER_TOP = 0xC0000000             # kernel/mm/layout.h: a user write above it faults
REFUSED_LINE = re.compile(r"^beta86: pid (\d+) \((\S+)\): dom_call of slot (-?\d+) in domain (\d+) "
                          r"\((\S+)\) refused: (-?\d+)$", re.MULTILINE)




def nested(gdb_boot, rng):
    """Boot the chain and stop at the bottom, in the kernel's dom_return
    of the deepest callee; (run, gdb, depth, tag)."""
    depth, tag = rng.randrange(CHAIN_MIN, CHAIN_MAX + 1), rng.randrange(1, 2**20)
    run, gdb = gdb_boot(f"init=domscene nest {depth} {tag}")
    gdb.command("break kernel/dom/call.c:dom_return")
    gdb.command("continue", timeout=RUN_TIMEOUT)
    assert gdb.integer("current_proc->inv_top") == depth, \
        f"the first dom_return should come {depth} calls deep:\n{gdb.tail()}"
    gdb.command("delete")
    return run, gdb, depth, tag


def domain_of_level(gdb, level):
    return gdb.integer(f"current_proc->inv[{level}].dom - dom_table")


def caller_eip(gdb, level):
    """The eip the caller of level `level` resumes at: its trap frame,
    one struct trapframe per level below kstack_end (dom.h)."""
    return gdb.integer(f"((struct trapframe *)current_proc->kstack_end - {level})->eip")


def crossing(gdb, pid, expected_kind, before, after):
    """Run nextdomain; check that its line names pid, the kind and the
    depths, and that the kernel's fields agree; (output, the domain left,
    the domain entered)."""
    output = gdb.command("nextdomain", timeout=RUN_TIMEOUT)
    match = CROSSING_LINE.search(output)
    assert match, f"nextdomain printed no crossing line (expected a {expected_kind}):\n{output}"
    assert (int(match.group(1)), match.group(3)) == (pid, expected_kind), \
        f"expected a {expected_kind} of pid {pid}:\n{output}"
    assert (int(match.group(8)), int(match.group(9))) == (before, after) == \
        (before, gdb.integer("current_proc->inv_top")), \
        f"a {expected_kind} from depth {before} to {after}:\n{output}"
    assert int(match.group(6)) == domain_of_level(gdb, after), \
        f"the domain entered is the top frame's:\n{output}"
    assert gdb.integer("$cs") & 3 == 3, f"it stops in user mode:\n{output}"
    return output, int(match.group(4)), int(match.group(6))


@pytest.mark.points(5)
def test_gdb_invstack_shows_each_frame_and_return_point(gdb_boot, kernel_elf, rng):
    """invstack shows every level: its domain, its kind, and where each caller returns"""
    run, gdb, depth, tag = nested(gdb_boot, rng)
    pid = gdb.integer("current_proc->pid")
    shown = gdb.command("invstack")
    ids = [domain_of_level(gdb, level) for level in range(depth + 1)]
    assert shown.splitlines()[0] == \
        f"pid {pid} (domscene): {depth} calls deep, in domain {ids[-1]} (testsrv)", shown
    rows = {int(level): text for level, text in re.findall(r"^#(\d+) (.*)$", shown, re.MULTILINE)}
    assert sorted(rows) == list(range(depth + 1)), f"one line per level 0..{depth}:\n{shown}"
    assert rows[0] == f"domain {ids[0]} (domscene) home", shown
    programs = {"domscene": program_functions(kernel_elf, "domscene"),
                "testsrv": program_functions(kernel_elf, "testsrv")}
    for level in range(1, depth + 1):
        caller = "domscene" if level == 1 else "testsrv"
        where = symbolize(programs[caller], caller_eip(gdb, level))
        expected = (f"domain {ids[level]} (testsrv) call, from domain {ids[level - 1]} "
                    f"({caller}) at {where}")
        assert rows[level].startswith(expected), \
            f"level {level}: expected {expected!r}, the caller's trap frame eip named in " \
            f"{caller}.elf:\n{shown}"
    assert " < part_nest+0x" in rows[1], f"level 1's caller is domscene's part_nest:\n{shown}"


@pytest.mark.points(5)
def test_gdb_domains_lists_the_chain_and_its_caps(gdb_boot, rng):
    """domains lists every domain with its state, manager, threads and caps"""
    run, gdb, depth, tag = nested(gdb_boot, rng)
    ids = [domain_of_level(gdb, level) for level in range(depth + 1)]
    shown = gdb.command("domains")
    headers = dict(re.findall(r"^domain (\d+ \(\S+\)) (.*)$", shown, re.MULTILINE))
    home = f"{ids[0]} (domscene)"
    assert home in headers and headers[home].startswith("live, gen ") and \
        f"manager -, 0 threads, home of pid {gdb.integer('current_proc->pid')}" in headers[home], \
        f"the home domain: live, no manager, no thread in it now (it is in a call):\n{shown}"
    for level in range(1, depth + 1):
        label = f"{ids[level]} (testsrv)"
        gen = gdb.integer(f"dom_table[{ids[level]}].gen")
        threads = 1 if level == depth else 0
        assert headers.get(label, "").startswith(
            f"live, gen {gen}, manager {home}, {threads} thread{'' if threads == 1 else 's'}, "
            f"entry _start+0x0"), f"domain {label}:\n{shown}"
    home_caps = gdb.command(f"domains {ids[0]}")
    for level in range(1, depth + 1):
        gen = gdb.integer(f"dom_table[{ids[level]}].gen")
        assert re.search(rf"^  {level} +manage cgvm badge 0x0 -> {ids[level]} \(testsrv\) gen {gen} "
                         rf"live, root$", home_caps, re.MULTILINE), \
            f"slot {level} of the home domain manages domain {ids[level]}:\n{home_caps}"
    for level in range(1, depth):
        below = ids[level + 1]
        one = gdb.command(f"domains {ids[level]}")
        gen = gdb.integer(f"dom_table[{below}].gen")
        assert re.search(rf"^  1 +call c--- badge {tag + level - 1:#x} -> {below} \(testsrv\) "
                         rf"gen {gen} live, derived from {ids[0]}:{level + 1}$", one, re.MULTILINE), \
            f"slot 1 of domain {ids[level]} calls domain {below} with badge {tag + level - 1:#x}, " \
            f"granted from the home domain's slot {level + 1}:\n{one}"
        assert gdb.integer(f"dom_table[{ids[level]}].caps[1].badge") == tag + level - 1
    free = next(index for index in range(gdb.integer("sizeof(dom_table)/sizeof(dom_table[0])"))
                if gdb.integer(f"dom_table[{index}].state") == gdb.integer("DOM_FREE"))
    assert f"domain {free} is free" in gdb.command(f"domains {free}")
    printed = gdb.command(f"print dom_table[{ids[1]}].caps[1]")
    assert f"call c--- badge {tag:#x} -> {ids[2]} (testsrv)" in printed, \
        f"print shows a struct cap the way domains does:\n{printed}"


@pytest.mark.points(5)
def test_gdb_ps_and_ctrl_p_show_the_domain_a_thread_is_in(gdb_boot, rng):
    """ps names the domain a thread is in and its invocation stack, as the kernel's table does"""
    run, gdb, depth, tag = nested(gdb_boot, rng)
    pid = gdb.integer("current_proc->pid")
    ids = [domain_of_level(gdb, level) for level in range(depth + 1)]
    chain = " > ".join([f"{ids[0]} (domscene)"] + [f"{i} (testsrv)" for i in ids[1:]])
    expected = f"in domain {ids[-1]} (testsrv), call depth {depth}: {chain}"
    line, table = ps_line_under(gdb, pid, expected)
    assert "user testsrv: " in line, f"pid {pid} runs testsrv's code now:\n{table}"
    kernel_table_line_under(run, pid, expected, gdb)


@pytest.mark.points(5)
def test_gdb_nextdomain_stops_at_each_crossing(gdb_boot, rng):
    """nextdomain stops at every call and return, where the thread enters the other domain"""
    depth, tag = rng.randrange(CHAIN_MIN, CHAIN_MAX + 1), rng.randrange(1, 2**20)
    run, gdb = gdb_boot(f"init=domscene nest {depth} {tag}")
    gdb.command("break kernel/dom/domain.c:dom_create")     # domscene has started
    gdb.command("continue", timeout=RUN_TIMEOUT)
    gdb.command("delete")
    pid = gdb.integer("current_proc->pid")
    levels = [domain_of_level(gdb, 0)]                  # each level's domain
    for step in range(2 * depth):
        calling = step < depth
        before = len(levels) - 1
        if not calling:
            expected_eip = caller_eip(gdb, before)        # where dom_return resumes the caller
        after = before + 1 if calling else before - 1
        output, old, new = crossing(gdb, pid, "call" if calling else "return", before, after)
        assert old == levels[before], f"step {step}: from domain {levels[before]}:\n{output}"
        if calling:
            levels.append(new)
            assert gdb.integer("$pc") == gdb.integer(f"dom_table[{new}].entry"), \
                f"a call stops at the callee's entry:\n{output}"
        else:
            levels.pop()
            assert gdb.integer("$pc") == expected_eip, \
                f"a return stops where the caller's trap frame resumes, {expected_eip:#x}:\n{output}"
    assert levels == [levels[0]]


@pytest.mark.points(5)
def test_gdb_nextdomain_waits_past_refusals_and_stops_after_unwinds(gdb_boot, kernel_elf, rng):
    """nextdomain says a refused call in a line and waits on; an unwind stops where the caller resumes with -E_DEAD"""
    forged = rng.choice([rng.randrange(3, NCAP), rng.randrange(NCAP, 2**31)])
    address = rng.randrange(USER_TOP, 2**32, 4)
    value = rng.randrange(1, 2**31)
    run, gdb = gdb_boot(f"init=domscene unwind {forged} {address} {value}")
    gdb.command("break kernel/dom/domain.c:dom_create")     # domscene has started
    gdb.command("continue", timeout=RUN_TIMEOUT)
    gdb.command("delete")
    pid = gdb.integer("current_proc->pid")
    home = domain_of_level(gdb, 0)

    output, old, relay = crossing(gdb, pid, "call", 0, 1)
    refused = REFUSED_LINE.search(output)
    assert refused and (int(refused.group(1)), int(refused.group(3)), int(refused.group(4)),
                        int(refused.group(6))) == (pid, forged, home, -E_BADCAP), \
        f"first a line for the call through forged slot {forged} (-E_BADCAP = {-E_BADCAP}), " \
        f"then no stop there but at the next real call:\n{output}"
    assert output.index(refused.group(0)) < output.index("call from domain"), output
    assert old == home and gdb.integer("$pc") == gdb.integer(f"dom_table[{relay}].entry"), \
        f"the call into the relay stops at its entry:\n{output}"

    output, old, dying = crossing(gdb, pid, "call", 1, 2)
    assert old == relay and gdb.integer("$pc") == gdb.integer(f"dom_table[{dying}].entry"), output
    relay_resumes = caller_eip(gdb, 2)          # where the relay's dom_call returns
    home_resumes = caller_eip(gdb, 1)

    output, old, new = crossing(gdb, pid, "unwind", 2, 1)
    assert (old, new) == (dying, relay) and f"from domain {dying} (testsrv) dead to" in output, \
        f"the unwind goes from the dead domain {dying} to the relay {relay}:\n{output}"
    run.expect(rf"(?m)^pid {pid} \(domscene\): .* in domain {dying} \(testsrv\), eip .*: domain destroyed",
               timeout=RUN_TIMEOUT)         # it died of its fault first
    pc = gdb.integer("$pc")
    assert pc == relay_resumes, \
        f"an unwind stops where the relay's trap frame resumes, {relay_resumes:#x} " \
        f"({symbolize(program_functions(kernel_elf, 'testsrv'), relay_resumes)}), not {pc:#x}:\n{output}"
    assert symbolize(program_functions(kernel_elf, "testsrv"), relay_resumes).startswith("dom_call+"), \
        f"the relay resumes in its dom_call stub:\n{output}"
    assert gdb.integer("$eax") == (-E_DEAD) & 0xffffffff, \
        f"the relay's dom_call returns -E_DEAD there:\n{output}"

    output, old, new = crossing(gdb, pid, "return", 1, 0)
    assert (old, new) == (relay, home) and gdb.integer("$pc") == home_resumes, \
        f"the relay's reply returns to domscene at {home_resumes:#x}:\n{output}"
    assert symbolize(program_functions(kernel_elf, "domscene"), home_resumes).startswith("dom_call+"), \
        f"domscene resumes in its dom_call stub:\n{output}"
