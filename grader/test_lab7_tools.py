"""Lab 7's tools: the GDB commands on fault handlers, and `ps` and Ctrl-P.

  invstack     a fault handler's level: the fault, and the faulting
               registers decoded (eip named in the faulting domain's program,
               eflags by flag names)
  domains      each domain's handler: its eip and the vectors of its mask
  nextdomain   stops where a fault enters its handler and where the resume
               runs the faulting domain again
  ps, Ctrl-P   a thread in a handler: "h:" before the domain, and what it handles

The scenes (user/domscene.c): `domscene fault KIND SEED MASK ADDR` makes this
domain the handler of the vectors in MASK, then a faulter domain
(user/domains/faulter.h) loads eax, ecx, edx, ebx, esi, edi, ebp with seven
xorshift32 steps from SEED (ecx = ADDR for a page fault) and raises fault
KIND; the handler, scene_on_fault, sets eax to ~eax and resumes past the
instruction, or for a page fault maps the page (dom_map) and resumes at
it, so that the write runs again. `domscene handling KIND TICKS` leaves a child process asleep in
its home domain's handler for a fault of its faulter domain while `ps` runs
and Ctrl-P is pressed. Every number is the test's, picked at run time, and
what a command must print is worked out from them and from the programs'
symbol tables (`nm`), and read with plain GDB expressions
(current_proc->inv[], the trap frames below kstack_end), independently of
tools/gdb/beta86.py.
"""

import re

import pytest

from gdb_session import kernel_table_line_under, ps_line_under
from userprog import ctrl_p_line_under, program_functions, scene_ends, scene_ps_rows, symbolize, xorshift32

RUN_TIMEOUT = 300                 # s: a last guard; each stop comes within a second
# user/domains/faulter.h: kind -> (vector, the function it faults in, how
# far scene_on_fault moves eip: the page fault's write runs again)
KINDS = {0: (0, "div", 6), 1: (6, "ud", 2), 2: (3, "bp", 0), 3: (4, "of", 0),
         4: (13, "gp", 1), 5: (14, "pf", 0)}
FAULTER_PF = 5
# lib/abi.h's FAULT_VECTORS_HANDLED, with the mnemonics the commands use
MNEMONICS = {0: "#DE", 1: "#DB", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 11: "#NP",
             12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 19: "#XM"}
EFLAGS_NAMES = ((0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"), (8, "TF"), (9, "IF"),
                (10, "DF"), (11, "OF"))
PF_USER_WRITE = 0x6               # error code: not present, write, user mode
IMAGE_AREA = (0x48000000, 0xB0000000)   # well inside faulter's image area, never mapped
REGISTERS = ("eax", "ecx", "edx", "ebx", "esi", "edi", "ebp")   # faulter's load order
MASK32 = 0xFFFFFFFF


def seeded_registers(seed, kind, address):
    """What faulter loads before the fault: {name: value}."""
    values, state = {}, seed
    for name in REGISTERS:
        state = xorshift32(state)
        values[name] = state
    if kind == FAULTER_PF:
        values["ecx"] = address
    return values


def fault_scene(gdb_boot, kernel_elf, rng):
    """Boot `domscene fault` with the test's numbers and stop in the
    handler's first system call, its fault_regs(GET): in the kernel, so
    that `call proc_dump(0)` runs in kernel mode; (run, gdb, scene)."""
    kind = rng.randrange(len(KINDS))
    vector, site, skip = KINDS[kind]
    seed = rng.randrange(1, 2**31)
    address = rng.randrange(*IMAGE_AREA) & ~3
    mask = (1 << vector) | sum(1 << v for v in MNEMONICS if rng.random() < 0.5)
    run, gdb = gdb_boot(f"init=domscene fault {kind} {seed} {mask} {address}")
    gdb.command("break kernel/dom/fault.c:dom_fault_regs")
    gdb.command("continue", timeout=RUN_TIMEOUT)
    assert gdb.integer("current_proc->inv_top") == 2, \
        f"the handler's fault_regs should come at level 2:\n{gdb.tail()}"
    gdb.command("delete")
    return run, gdb, dict(kind=kind, vector=vector, site=site, skip=skip, seed=seed,
                          address=address, mask=mask,
                          registers=seeded_registers(seed, kind, address))


def level_domain(gdb, level):
    return gdb.integer(f"current_proc->inv[{level}].dom - dom_table")


def faulting_frame(gdb, field):
    """A field of the faulting level's trap frame (level 1, below the
    handler's: dom_level_frame(p, 1) = kstack_end - 2 trapframes)."""
    return gdb.integer(f"((struct trapframe *)current_proc->kstack_end - 2)->{field}") & MASK32


def eflags_names(value):
    return " ".join(name for bit, name in EFLAGS_NAMES if value >> bit & 1)


@pytest.mark.points(5)
def test_gdb_invstack_decodes_the_fault_and_the_faulting_registers(gdb_boot, kernel_elf, rng):
    """invstack shows a handler's fault frame: the fault by name, and the faulting registers the test seeded"""
    run, gdb, scene = fault_scene(gdb_boot, kernel_elf, rng)
    pid = gdb.integer("current_proc->pid")
    home, faulter = level_domain(gdb, 0), level_domain(gdb, 1)
    assert gdb.integer("current_proc->inv_top") == 2 and level_domain(gdb, 2) == home, \
        "the handler runs at level 2, in the home domain"
    shown = gdb.command("invstack")
    lines = shown.splitlines()
    assert lines[0] == (f"pid {pid} (domscene): 2 levels deep (1 call, 1 fault handler), "
                        f"in domain {home} (domscene)"), shown
    rows = {int(level): text for level, text in re.findall(r"^#(\d+) (.*)$", shown, re.MULTILINE)}
    assert sorted(rows) == [0, 1, 2], f"one line per level 0..2:\n{shown}"
    eip = faulting_frame(gdb, "eip")
    where = symbolize(program_functions(kernel_elf, "faulter"), eip)
    assert where.startswith(f"faulter_raise_{scene['site']}+"), \
        f"the fault of kind {scene['kind']} happens in faulter_raise_{scene['site']}, not {where}"
    assert rows[2].startswith(f"domain {home} (domscene) fault, from domain {faulter} (faulter) "
                              f"at {where}"), \
        f"level 2: the handler, for a fault of domain {faulter} at {where}:\n{shown}"
    details = lines[lines.index(f"#2 {rows[2]}") + 1:]
    vector = scene["vector"]
    error = PF_USER_WRITE if vector == 14 else 0
    address = scene["address"] if vector == 14 else 0
    assert details and re.fullmatch(
        rf"\s+.+ \({MNEMONICS[vector]}, vector {vector}\), error {error:#x}, "
        rf"address {address:#010x}", details[0]), \
        f"the fault: {MNEMONICS[vector]}, vector {vector}, error {error:#x}, " \
        f"address {address:#010x}:\n{shown}"
    text = "\n".join(details[1:4])
    for name, value in scene["registers"].items():
        assert re.search(rf"\b{name} {value:#010x}\b", text), \
            f"{name} at the fault was {value:#010x} (seed {scene['seed']}):\n{shown}"
    esp = faulting_frame(gdb, "esp")
    assert re.search(rf"\besp {esp:#010x}\b", text), f"esp {esp:#010x}:\n{shown}"
    eflags = faulting_frame(gdb, "eflags")
    assert f"eip {eip:#010x} ({where})  eflags {eflags:#010x} [ {eflags_names(eflags)} ]" in text, \
        f"eip {eip:#010x} named in faulter's program, eflags {eflags:#x} decoded:\n{shown}"
    if scene["kind"] == 3:
        assert " OF " in text, f"into faults only with OF set:\n{shown}"

    gdb.command("continue", timeout=RUN_TIMEOUT)
    run.expect_exact("domscene: fault: done")
    eax = scene["registers"]["eax"] ^ MASK32
    assert f"domscene: fault: eax {eax:#x}, changed 0x1" in run.output, \
        "the handler's ~eax reached the faulter, and nothing else changed"


@pytest.mark.points(5)
def test_gdb_domains_and_ps_show_the_handler(gdb_boot, kernel_elf, rng):
    """domains shows a handler's eip and mask by name; ps and Ctrl-P mark the handler's level"""
    run, gdb, scene = fault_scene(gdb_boot, kernel_elf, rng)
    pid = gdb.integer("current_proc->pid")
    home, faulter = level_domain(gdb, 0), level_domain(gdb, 1)
    shown = gdb.command(f"domains {home}")
    mask = scene["mask"]
    names = " ".join(MNEMONICS[v] for v in sorted(MNEMONICS) if mask >> v & 1)
    functions = {name: start for start, _, name in program_functions(kernel_elf, "domscene")}
    assert gdb.integer(f"dom_table[{home}].handler_eip") == functions["fault_entry"]
    assert re.search(rf"^domain {home} \(domscene\) live, .*, handler fault_entry\+0x0 for "
                     rf"mask {mask:#x} \({names}\)$", shown, re.MULTILINE), \
        f"the home domain's handler: fault_entry, mask {mask:#x} ({names}):\n{shown}"
    assert "handler" not in gdb.command(f"domains {faulter}").splitlines()[0], \
        "faulter has no handler of its own"

    expected = (f"in domain {home} (domscene), handling vector {scene['vector']} from domain "
                f"{faulter} (faulter), call depth 2: {home} (domscene) > {faulter} (faulter) > "
                f"h:{home} (domscene)")
    ps_line_under(gdb, pid, expected)
    kernel_table_line_under(run, pid, expected, gdb)


@pytest.mark.points(5)
def test_gdb_nextdomain_stops_at_the_handler_and_at_the_resumed_instruction(gdb_boot, kernel_elf, rng):
    """nextdomain stops at a fault's handler entry, then where the resume runs the faulting domain again"""
    kind = rng.randrange(len(KINDS))
    vector, site, skip = KINDS[kind]
    seed, address = rng.randrange(1, 2**31), rng.randrange(*IMAGE_AREA) & ~3
    run, gdb = gdb_boot(f"init=domscene fault {kind} {seed} {1 << vector} {address}")
    gdb.command("break kernel/dom/domain.c:dom_create")     # domscene has started
    gdb.command("continue", timeout=RUN_TIMEOUT)
    gdb.command("delete")
    pid = gdb.integer("current_proc->pid")
    crossing = re.compile(rf"^pid {pid} \(domscene\): (\w+) from domain (\d+) \((\S+)\) to domain "
                          rf"(\d+) \((\S+)\), depth (\d) -> (\d)(.*)$", re.MULTILINE)

    def step(kind_words, depths):
        output = gdb.command("nextdomain", timeout=RUN_TIMEOUT)
        match = crossing.search(output)
        assert match and match.group(1) == kind_words and \
            (int(match.group(6)), int(match.group(7))) == depths, \
            f"expected a {kind_words}, depth {depths[0]} -> {depths[1]}:\n{output}"
        assert gdb.integer("current_proc->inv_top") == depths[1] and gdb.integer("$cs") & 3 == 3, \
            f"it stops in user mode at depth {depths[1]}:\n{output}"
        return match, output

    match, _ = step("call", (0, 1))
    home, faulter = int(match.group(2)), int(match.group(4))
    match, output = step("fault", (1, 2))
    assert (int(match.group(2)), int(match.group(4))) == (faulter, home) and \
        match.group(8).startswith(": ") and match.group(8).endswith(f" ({MNEMONICS[vector]})"), \
        f"the fault goes from domain {faulter} to its handler in {home}, named {MNEMONICS[vector]}:\n{output}"
    assert gdb.integer("$pc") == gdb.integer(f"dom_table[{home}].handler_eip"), \
        f"it stops at the handler's entry:\n{output}"
    assert (gdb.integer("$eax"), gdb.integer("$ebx")) == (vector, faulter), \
        f"the handler is entered with the vector in eax and the faulting domain in ebx:\n{output}"
    faulting_eip = faulting_frame(gdb, "eip")
    assert symbolize(program_functions(kernel_elf, "faulter"), faulting_eip).startswith(
        f"faulter_raise_{site}+")

    match, output = step("resume", (2, 1))
    assert (int(match.group(2)), int(match.group(4))) == (home, faulter), output
    assert gdb.integer("$pc") == faulting_eip + skip, \
        f"it stops where the handler resumes faulter: the faulting eip {faulting_eip:#x} " \
        f"+ {skip}:\n{output}"
    seeded = seeded_registers(seed, kind, address)
    assert gdb.integer("$eax") & MASK32 == seeded["eax"] ^ MASK32 and \
        gdb.integer("$edi") & MASK32 == seeded["edi"], \
        f"there, eax is the handler's ~eax and edi still the seeded {seeded['edi']:#x}:\n{output}"
    gdb.command("continue", timeout=RUN_TIMEOUT)
    run.expect_exact("domscene: fault: done")


@pytest.mark.points(5)
def test_ps_and_ctrl_p_show_a_thread_in_a_fault_handler(boot, rng):
    """ps and Ctrl-P show a process asleep in its handler: h: before the domain, and what it handles"""
    kind = rng.randrange(len(KINDS))
    vector = KINDS[kind][0]
    run = boot(f"hz=1000 init=domscene handling {kind} {rng.randrange(10**5, 10**6)}", wait=False)
    match = run.expect(r"domscene: child pid (\d+) handles a fault of domain (\d+) \(faulter\)\n")
    child, faulter = int(match.group(1)), int(match.group(2))
    rows = scene_ps_rows(run)
    home = rows[child][4]
    assert rows[child][1:3] == ["sleeping", "domscene"] and rows[child][5:] == ["h:domscene", "2"] \
        and home != str(faulter), \
        f"pid {child} sleeps in its home domain's handler, two levels deep: {rows.get(child)}"
    parent = int(rows[child][0])
    assert rows[parent][5:] == ["domscene", "0"], f"its parent is at home: {rows.get(parent)}"

    kernel = ctrl_p_line_under(run, child)
    assert kernel == (f"in domain {home} (domscene), handling vector {vector} from domain "
                      f"{faulter} (faulter), call depth 2: {home} (domscene) > {faulter} (faulter) "
                      f"> h:{home} (domscene)"), f"Ctrl-P under pid {child}: {kernel!r}"
    scene_ends(run, "handling")
