"""Lab 7: a hostile program against the system calls and gates of labs 6
and 7 (`init=hostile PART SEED`, user/hostile.c, calling
user/domains/hostsrv.c and faultsrv.c). Each part attacks one way and
checks every answer itself (its FAILED line says which); the test checks
that the kernel stayed healthy, that the part's verdict is ok, that
memory and the process table came back (the part's own baseline check),
that exactly the one-line deaths the attacks cause were printed, each the
line it must be, and what the part prints from the run-time seed.

What each test catches (a student bug in kernel/dom/fault.c, or one of the
given code's):
- regs: fault_regs pointers into the kernel, unmapped, read-only or
  straddling pages let through, esp and eip at the edges of user space
  refused or let through wrongly, a frame changed by a refused SET;
- inside: fork, sbrk, exec, dom_return allowed in a handler; a handler's
  own calls (dom_create, dom_map, a callee's fault, exit) mishandled;
  fault_resume working twice;
- domain: the same from a created domain's handler, and a handler that
  destroys the faulting domain or its own and then resumes;
- entry: handler entries that fault at once, exception stack overflows;
- depth: a handler at the last level of the invocation stack;
- mapstorm: dom_map until memory runs out, memory not coming back,
  dom_map through the wrong caps or at the wrong addresses;
- forkexec: a handler lost by fork or kept by exec;
- eflags: TF, NT, AC, DF set before faults and system calls; int3, into,
  and int $n gates user mode may not use.
"""

import pytest

from test_lab7_faults import DOMAIN_DIES, HOME_KILL, run_program
from userprog import MASK32, verdict_ok

HOSTSRV_SKIP = 0x3C3C00      # hostsrv.h's hsrv_skip_eax
V_BP, V_UD = 3, 6
DOM_IMAGE_LIMIT = 0xC0000000 - 2 * 64 * 3 * 4096     # dom.h: NPROC call and exception stacks


# mapstorm frees some 32,000 pages in one dom_destroy (about 2,500
# instructions each, the frame allocator's poisoning) between two lines.
STORM_BUDGET = 150_000_000


def run_hostile(boot, part, seed, **counts):
    run = run_program(boot, f"init=hostile {part} {seed}", "hostile", **counts)
    assert verdict_ok(run.output, "hostile", part), f"no 'hostile: {part}: ok' line"
    return run


def said_line(run, line):
    assert line in run.lines, f"no line {line!r}"


def causes(run, pattern):
    return [m.group("cause") for m in pattern.finditer(run.output)]


def run_seeded(boot, rng, part, answer, **counts):
    """Run PART with a seed picked now; it must print "hostile: PART:
    answer(seed)" as eight hex digits (the grader recomputes it)."""
    seed = rng.randrange(1, 2**31)
    run = run_hostile(boot, part, seed, **counts)
    said_line(run, f"hostile: {part}: {answer(seed) & MASK32:08x}")
    return run


def home_kill_is(run, cause, why=None, **groups):
    """The first home kill line names cause and, for each keyword, that
    group of HOME_KILL with that value (None: the group is absent); the
    message is the line, then why if given."""
    line = HOME_KILL.search(run.output)
    want = {"cause": cause, **groups}
    assert {name: line.group(name) for name in want} == want, \
        f"{line.group(0)}: {why}" if why else line.group(0)


@pytest.mark.points(2)
def test_hostile_regs(boot, rng):
    """fault_regs with pointers into the kernel, unmapped, read-only and straddling pages; esp USER_TOP and eip USER_TOP - 1 run and fault cleanly"""
    run = run_seeded(boot, rng, "regs", lambda seed: seed, home_kills=1)
    home_kill_is(run, "general protection fault (hlt: a privileged instruction)",
                 "expected the hlt at USER_TOP - 1", eip="bfffffff")


@pytest.mark.points(2)
def test_hostile_calls_inside_handler(boot, rng):
    """a home handler's fork, sbrk, exec, dom_return, int $50, dom_create, dom_map, exit; fault_resume twice"""
    run = run_seeded(boot, rng, "inside", lambda seed: (seed + 7) ^ seed, home_kills=1, domain_lines=1)
    assert causes(run, DOMAIN_DIES) == ["divide error"], "expected the handler's callee's divide error"
    assert causes(run, HOME_KILL) == ["invalid opcode"], "expected the ud2 after the handler removed itself"


@pytest.mark.points(2)
def test_hostile_created_domain_handler(boot, rng):
    """a created domain's handler attacks from inside, calls back into the faulting domain, destroys it or itself, exits"""
    run_seeded(boot, rng, "domain", lambda seed: seed ^ (V_UD << 24) ^ HOSTSRV_SKIP)


@pytest.mark.points(2)
def test_hostile_handler_entries(boot, rng):
    """handler entries at an unmapped page, a ud2, USER_TOP - 1; exception stack overflows: one line each"""
    run = run_hostile(boot, "entry", rng.randrange(1, 2**31), home_kills=4, domain_lines=2)
    home = [(m.group("cause"), m.group("eip"), m.group("function")) for m in HOME_KILL.finditer(run.output)]
    assert home[:3] == [("page fault reading 0x70000000 (unmapped)", "70000000", None),
                        ("invalid opcode", home[1][1], "hs_ud2_entry"),
                        ("general protection fault (hlt: a privileged instruction)", "bfffffff", None)], home
    assert home[3][0].startswith("page fault writing ") and \
        home[3][0].endswith("(exception stack overflow: its guard page)"), home[3]
    domain = [m for m in DOMAIN_DIES.finditer(run.output)]
    assert domain[0].group("cause") == "page fault reading 0x70000000 (unmapped)" and \
        domain[0].group("handler_name") == "hostile", domain[0].group(0)
    assert domain[1].group("cause").startswith("page fault writing ") and \
        domain[1].group("handler") is None, domain[1].group(0)


@pytest.mark.points(2)
def test_hostile_last_level(boot, rng):
    """a handler at the last invocation level: dom_call -E_DEEP, dom_create works; its own fault ends the process"""
    run = run_seeded(boot, rng, "depth", lambda seed: seed, home_kills=1)
    home_kill_is(run, "invalid opcode", function="home_on_fault")


def test_hostile_map_storm(boot, rng):       # dom_map is given code: a sanity check, no points
    """dom_map until -E_NOMEM twice (memory comes back), through every kind of cap, at every class of address"""
    run = run_hostile(boot, "mapstorm", rng.randrange(1, 2**31), budget=STORM_BUDGET)
    said_line(run, f"hostile: mapstorm: the image area ends at {DOM_IMAGE_LIMIT:08x}")


@pytest.mark.points(2)
def test_hostile_fork_exec(boot, rng):
    """a forked child has its own copy of the handler; an exec'd program has none (its ud2 kills it)"""
    run = run_seeded(boot, rng, "forkexec", lambda seed: 3 ^ seed, home_kills=1)
    home_kill_is(run, "invalid opcode", function="part_execd", handler=None)


@pytest.mark.points(2)
def test_hostile_eflags(boot, rng):
    """TF, NT, AC, DF set before faults and system calls; int3, into; int $1, $8, $14 are #GPs; iret with NT: one line"""
    run = run_seeded(boot, rng, "eflags", lambda seed: (seed + 1) ^ seed, home_kills=1)
    said_line(run, "hostile: eflags: written with DF set")
    assert causes(run, HOME_KILL) == ["invalid TSS"], "expected the iret with NT set"
