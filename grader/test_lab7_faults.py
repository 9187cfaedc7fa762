"""Lab 7: exception-handler domains (`init=faulttests PART N...`,
user/faulttests.c, calling user/domains/faultsrv.c; and the three programs
a student writes handlers for: user/pager.c with user/domains/sieve.c,
user/emulator.c, user/domains/safediv.c). Every number a part uses comes
from the test's rng, on the command line, and the grader recomputes what
the part prints from it. Each part checks more itself (its FAILED line
says what) and ends by checking that memfree() and the process table are
back where they were before it began; the test counts the kernel's
one-line reports (a kill at home, a domain destroyed, a fault loop) and
allows exactly the ones the part causes.

What each test catches (a student bug in kernel/dom/fault.c):
- regs: a register, esp, eip or eflags lost or swapped between the fault,
  fault_regs and the resume (DF and the arithmetic flags included);
- garbage: a SET that lets a kernel or null eip, or an esp in a guard page,
  the kernel or a read-only page through, or changes the frame when it
  refuses, or refuses eip USER_BASE; eflags not masked (IOPL 3 lets the
  program cli); a resume that keeps the faulting code's selectors;
- mask: a chain walk that stops at the first manager or ignores masks, or
  walks the callers instead of the managers; a handler marked entered (a
  call into it refused afterwards) when it ran off the stack of calls;
- pass: FAULT_PASS offered to the same handler again, FAULT_KILL not
  killing (or killing the wrong domain);
- escalate, nested: a handler that faults delivered to itself (its
  handling mark not checked), or a mark left set after the resume; a
  fault passed on after the handler's own fault that has lost its
  address (p->fault_addr not restored by the pop);
- loop: no loop detector, or one that fires on progress;
- destroyed: an unwind that strands a thread in a dead handler;
- xstack: a handler entered on an exception stack that is not mapped;
- depth: a fault frame pushed onto a full invocation stack;
- nohandler: a fault delivered to a handler whose mask lacks its vector;
- pager, emulator, safediv: the student's own handlers.
"""

import re

import pytest

from userprog import FAST, MASK32, kernel_trouble, said, verdict_ok, xorshift32

PAGE = 4096
V_DE, V_BP, V_UD, V_PF = 0, 3, 6, 14
FAULT_LOOP_LIMIT = 8
INV_MAX_CALLS = 8
EFLAGS_CF, EFLAGS_RSVD, EFLAGS_IF, EFLAGS_DF = 0x1, 0x2, 0x200, 0x400
EFLAGS_ARITH = 0x8D5
PF_REGION = 0x70000000
FNV_OFFSET, FNV_PRIME = 2166136261, 16777619

# The kernel's report lines, with named fields (expect_report): the
# process (pid, name), the fault (cause), where (eip, function: None for
# "?"), and the handler that said kill (handler, handler_name: None if none).
WHERE = r"eip 0x(?P<eip>[0-9a-f]{8}) \((?:(?P<function>[A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+|\?)\)"
SAID_KILL = r"(?:: its handler in domain (?P<handler>\d+) \((?P<handler_name>\S+)\) said kill)?"
PROCESS = r"^pid (?P<pid>\d+) \((?P<name>\S+)\)"
# lab 4's line, at home (with lab 7's suffix when a handler said kill)
HOME_KILL = re.compile(rf"{PROCESS}: killed by (?P<cause>.+?), {WHERE}{SAID_KILL}$", re.M)
# lab 6's line, in a created domain (dom, dom_name: the domain that died)
DOMAIN_DIES = re.compile(rf"{PROCESS}: (?P<cause>.+) in domain (?P<dom>\d+) \((?P<dom_name>\S+)\), "
                         rf"{WHERE}: domain destroyed{SAID_KILL}$", re.M)
FAULT_LOOP = re.compile(r"^pid (\d+) \((\S+)\): fault loop: (.+), (\d+) times in a row from the "
                        r"same registers: handler domain (\d+) \((\S+)\) (killed|destroyed)$", re.M)
ANY_REPORT = re.compile(r"^pid \d+ \(\S+\): .*$", re.M)


def skip_eax(tag, vector):
    """faultsrv.h's fsrv_skip_eax: what a skipping handler leaves in %eax."""
    return (tag ^ (vector << 24) ^ 0x5A5A00) & MASK32


def run_program(boot, cmdline, program, *, home_kills=0, domain_lines=0, loops=0, budget=None):
    """Boot `hz=1000 CMDLINE`; check that the kernel stayed healthy, that
    no line says FAILED or "not implemented", that init exited 0 and the
    machine shut down cleanly, and that exactly the given numbers of kill
    lines at home, domain-destroyed lines and fault-loop lines (and no
    other report) were printed. `budget`: the silence a hang is taken for
    (qemu.SILENCE_BUDGET if None), for a program that works long between
    two lines."""
    run = boot(f"{FAST} {cmdline}", **({} if budget is None else {"budget": budget}))
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    failed = [line for line in run.lines if "FAILED" in line or "not implemented" in line]
    assert not failed, f"{program} said:\n" + "\n".join(failed)
    counts = [("kill lines at home", HOME_KILL, home_kills),
              ("domain-destroyed lines", DOMAIN_DIES, domain_lines),
              ("fault-loop lines", FAULT_LOOP, loops)]
    for what, pattern, want in counts:
        found = [m.group(0) for m in pattern.finditer(run.output)]
        assert len(found) == want, f"expected {want} {what}, found {len(found)}: {found}"
    reports = ANY_REPORT.findall(run.output)
    assert len(reports) == home_kills + domain_lines + loops, \
        "unexpected report lines:\n" + "\n".join(reports)
    assert "beta86: init exited with status 0" in run.output, \
        f"{program} (pid 1) did not exit with status 0 (how the run ended: {run.kind})"
    run.expect_exit("success")
    return run


def run_faulttests(boot, part, *args, **counts):
    words = " ".join(str(arg) for arg in args)
    run = run_program(boot, f"init=faulttests {part} {words}".strip(), "faulttests", **counts)
    assert verdict_ok(run.output, "faulttests", part), f"no 'faulttests: {part}: ok' line"
    return run


def expect_report(run, pattern, fields, why):
    """The first line of pattern (HOME_KILL, DOMAIN_DIES) in the run: its
    fields (name -> value, None for one that is absent) must be as given,
    else `LINE: why`."""
    line = pattern.search(run.output)
    assert line, f"no line matching {pattern.pattern!r}"
    got = {name: line.group(name) for name in fields}
    assert got == fields, f"{line.group(0)}: {why}"
    return line


def tags(rng, n):
    return [rng.randrange(1, 2**24) for _ in range(n)]


def regs_draw(x):
    """user/faulttests.c's regs_draw: (the new state, 7 registers, eflags)."""
    values = []
    for _ in range(7):
        x = xorshift32(x)
        values.append(x)
    x = xorshift32(x)
    eflags = (x & EFLAGS_ARITH) | EFLAGS_CF | EFLAGS_DF | EFLAGS_IF | EFLAGS_RSVD
    x = xorshift32(x)       # the esp drop
    return x, values, eflags


@pytest.mark.points(10)
def test_registers_exact(boot, rng):
    """the handler sees exactly the registers, esp, eip and eflags at the fault; the program sees them after the resume"""
    seed, page = rng.randrange(1, 2**32), rng.randrange(0, 4096)
    run = run_faulttests(boot, "regs", seed, page)
    x, values, eflags = regs_draw(seed)
    got = said(run, r"^faulttests: regs: int3 eax=(\w{8}) ebx=(\w{8}) ecx=(\w{8}) edx=(\w{8}) "
                    r"esi=(\w{8}) edi=(\w{8}) ebp=(\w{8}) eflags=(\w{8})$")
    assert [int(g, 16) for g in got.groups()] == values + [eflags], \
        f"the registers the handler saw are not the ones set: {got.group(0)!r}"
    x, _, _ = regs_draw(x)
    _, set_values, set_eflags = regs_draw(x)
    addr = PF_REGION + page * PAGE + 4 * (seed % 1024)
    said(run, rf"^faulttests: regs: pf addr={addr:08x} set eax={set_values[0]:08x} "
              rf"eflags={set_eflags:08x}$")


@pytest.mark.points(10)
def test_garbage_refused(boot, rng):
    """a kernel or null eip, an esp in a guard page or the kernel are refused, frame unchanged; IOPL, TF, NT, AC are masked (cli still faults)"""
    seed = rng.randrange(1, 2**32)
    run = run_faulttests(boot, "garbage", seed)
    flags = (seed & EFLAGS_ARITH) | EFLAGS_DF | EFLAGS_IF | EFLAGS_RSVD
    said(run, rf"^faulttests: garbage: 14 refusals, eflags {flags:08x} after the resume$")


@pytest.mark.points(7)
def test_trap_mask_routes_past_manager(boot, rng):
    """a fault goes up the manager chain past a handler without its vector; with no handler anywhere the domain dies with one line"""
    ht, mt = tags(rng, 2)
    run = run_faulttests(boot, "mask", ht, mt, domain_lines=1)
    child = said(run, rf"^faulttests: mask: home {skip_eax(ht, V_DE):08x} "
                      rf"middle {skip_eax(mt, V_UD):08x} child (\d+)$").group(1)
    expect_report(run, DOMAIN_DIES, {"cause": "breakpoint", "dom": child, "dom_name": "faultsrv", "handler": None},
                  f"expected the child domain {child}'s breakpoint, which no handler said kill to")


@pytest.mark.points(6)
def test_pass_and_kill(boot, rng):
    """FAULT_PASS offers the fault to the handler's manager; FAULT_KILL kills the faulting domain (or process) with one line naming the handler"""
    (ht,) = tags(rng, 1)
    run = run_faulttests(boot, "pass", ht, domain_lines=1, home_kills=1)
    middle, child = said(run, r"^faulttests: pass: middle (\d+) child (\d+)$").groups()
    expect_report(run, DOMAIN_DIES,
                  {"cause": "invalid opcode", "dom": child, "handler": middle, "handler_name": "faultsrv"},
                  f"expected the child {child}'s ud2, killed by the middle {middle}'s handler")
    expect_report(run, HOME_KILL, {"cause": "divide error", "handler_name": "faulttests"},
                  "expected a divide error its handler said kill to")


@pytest.mark.points(7)
def test_handler_that_faults_escalates(boot, rng):
    """a fault inside a handler goes to the handler's manager, and the first fault is then resumed or passed on (its line names its own address); a home handler that faults ends its process"""
    ht, mt = tags(rng, 2)
    page = rng.randrange(0, 4096)
    run = run_faulttests(boot, "escalate", ht, mt, page, home_kills=1, domain_lines=1)
    child = said(run, r"^faulttests: escalate: middle \d+ child (\d+)$").group(1)
    address = PF_REGION + page * PAGE + 4 * (mt % 1024)
    expect_report(run, DOMAIN_DIES, {"cause": f"page fault reading 0x{address:08x} (unmapped)", "dom": child,
                                     "handler": None},
                  f"expected the child {child}'s read of 0x{address:08x}, which its handler passed on "
                  "after a ud2 of its own (p->fault_addr must be the page fault's again after the pop)")
    expect_report(run, HOME_KILL, {"cause": "invalid opcode", "function": "home_on_fault", "handler": None},
                  "expected the lab 4 line for a ud2 in home_on_fault")


@pytest.mark.points(5)
def test_nested_faults(boot, rng):
    """a handler's callee faults while the handler handles a fault: two faults outstanding, both resumed; fault_regs and fault_resume outside a handler are E_INVAL"""
    (ht,) = tags(rng, 1)
    run = run_faulttests(boot, "nested", ht)
    said(run, rf"^faulttests: nested: {skip_eax(ht, V_DE):08x}$")


@pytest.mark.points(7)
def test_fault_loop(boot, rng):
    """a handler that fixes nothing: "fault loop", its domain dies and nothing else; faults that make progress are no loop"""
    tag = rng.randrange(1, 2**24)
    run = run_faulttests(boot, "loop", tag, loops=2)
    total = sum((tag + i) // 3 for i in range(3 * FAULT_LOOP_LIMIT)) & MASK32
    said(run, rf"^faulttests: loop: sum {total}, the loop caught after {FAULT_LOOP_LIMIT - 1} deliveries$")
    lines = FAULT_LOOP.findall(run.output)
    for pid, _, what, times, _, name, verdict in lines:
        assert int(times) == FAULT_LOOP_LIMIT and what.startswith("divide error"), lines
    assert sorted((name, verdict) for _, _, _, _, _, name, verdict in lines) == \
        [("faultsrv", "destroyed"), ("faulttests", "killed")], \
        f"expected the middle domain destroyed and a process killed: {lines}"


@pytest.mark.points(5)
def test_handler_destroyed_mid_fault(boot, rng):
    """the faulting domain or the handler's domain destroyed while the handler sleeps: the thread unwinds at once"""
    run_faulttests(boot, "destroyed", rng.randrange(300, 500))


@pytest.mark.points(4)
def test_unmapped_exception_stack_escalates(boot, rng):
    """a handler domain without an exception stack for this thread is passed over"""
    (ht,) = tags(rng, 1)
    run = run_faulttests(boot, "xstack", ht, domain_lines=1)
    said(run, rf"^faulttests: xstack: {skip_eax(ht, V_DE):08x}$")
    expect_report(run, DOMAIN_DIES, {"pid": "2", "cause": "divide error"},
                  "expected the forked child's divide error")


@pytest.mark.points(4)
def test_full_invocation_stack(boot, rng):
    """a fault with the invocation stack full finds no handler: one line, that domain dies"""
    (ht,) = tags(rng, 1)
    run = run_faulttests(boot, "depth", ht, domain_lines=1)
    said(run, rf"^faulttests: depth: {skip_eax(ht, V_UD):08x}$")
    expect_report(run, DOMAIN_DIES, {"cause": "invalid opcode"}, "expected the ud2 at level 8")


@pytest.mark.points(4)
def test_no_handler_is_the_old_kill(boot):
    """with no handler for its vector a fault ends as in labs 4 and 6: one line, nothing delivered"""
    run = run_faulttests(boot, "nohandler", home_kills=2, domain_lines=1)
    kills = [(m["cause"], m["function"], m["handler"]) for m in HOME_KILL.finditer(run.output)]
    assert kills == [("divide error", "part_nohandler", None), ("invalid opcode", "part_nohandler", None)], \
        f"expected lab 4's lines for a divide error and a ud2 in part_nohandler: {kills}"


def primes_below(limit):
    sieve = bytearray([1]) * max(limit, 2)
    sieve[0:2] = b"\0\0"
    for n in range(2, int(limit ** 0.5) + 1):
        if sieve[n]:
            sieve[n * n::n] = bytearray(len(range(n * n, limit, n)))
    primes = [n for n in range(limit) if sieve[n]]
    return len(primes), sum(primes) & MASK32


@pytest.mark.points(7)
def test_pager(boot, rng):
    """the pager maps the sieve domain's memory page by page on first touch; results and fault counts exact"""
    first = rng.randrange(1000, 20000)
    # The second run faults on at least twice FAULT_LOOP_LIMIT pages: a
    # loop detector that counts every fault, not only repeats of one
    # state, kills the pager then, whatever the seed.
    second = rng.randrange(max(first + 2 * PAGE, 2 * FAULT_LOOP_LIMIT * PAGE), 200000)
    third = rng.randrange(1000, second)
    run = run_program(boot, f"init=pager {first} {second} {third}", "pager")
    mapped = 0
    for limit in (first, second, third):
        pages = (limit + PAGE - 1) // PAGE
        count, total = primes_below(limit)
        said(run, rf"^pager: primes below {limit}: {count}, sum {total}, "
                  rf"{max(0, pages - mapped)} page faults$")
        mapped = max(mapped, pages)
    said(run, r"^pager: done$")


@pytest.mark.points(5)
def test_emulator(boot, rng):
    """the emulator's invalid-opcode handler emulates RAND reg (a register set, eip moved on) and kills on anything else"""
    seed, rounds = rng.randrange(1, 2**32), rng.randrange(50, 200)
    run = run_program(boot, f"init=emulator {seed} {rounds}", "emulator", home_kills=1)
    x, h = seed, FNV_OFFSET
    for _ in range(rounds * 6):
        x = xorshift32(x)
        h = ((h ^ x) * FNV_PRIME) & MASK32
    said(run, rf"^emulator: {rounds} rounds, hash {h:08x}, {rounds * 6} RANDs emulated$")
    said(run, r"^emulator: RAND esp: killed by invalid opcode$")
    expect_report(run, HOME_KILL, {"cause": "invalid opcode", "handler_name": "emulator"},
                  "expected RAND esp killed by the emulator's handler")


@pytest.mark.points(5)
def test_domain_handles_its_own_faults(boot, rng):
    """safediv, a created domain, answers its own divide errors and its caller gets the result"""
    n, seed = rng.randrange(100, 400), rng.randrange(1, 2**31)
    run = run_faulttests(boot, "selfheal", n, seed)
    for s in (seed, seed + 1):
        x, total, errors = s, 0, 0
        for _ in range(n):
            x = xorshift32(x)
            dividend = x
            x = xorshift32(x)
            divisor = x & 7
            total += 0xFFFFFFFF if divisor == 0 else dividend // divisor
            errors += divisor == 0
        said(run, rf"^faulttests: selfheal: seed {s}: sum {total & MASK32:08x}, {errors} divide errors$")


# Given code (dom_set_handler, fault_regs' entry checks, dom_map): sanity
# checks without points.
def test_registration_and_calls_outside_a_handler_refused(boot):
    """dom_set_handler refuses a kernel eip (E_FAULT) and vectors it does not hand out (E_INVAL); fault_regs outside a handler is E_INVAL"""
    run_faulttests(boot, "refuse")


def test_dom_map_rules(boot, rng):
    """dom_map refuses unaligned, out-of-area, mapped, bad-flag, wrong-cap and dead-cap requests; its pages are zeroed, read-only without DOM_MAP_WRITE"""
    page, value = rng.randrange(0, 1024), rng.randrange(1, 2**32)
    run = run_faulttests(boot, "map", page, value, domain_lines=1)
    va = 0x60000000 + page * PAGE
    said(run, rf"^faulttests: map: {va:08x}$")
    expect_report(run, DOMAIN_DIES, {"cause": f"page fault writing 0x{va + PAGE + 4:08x} (read-only page)"},
                  "expected the write to the read-only page")
