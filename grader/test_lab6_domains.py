"""Lab 6: domains and capabilities (`init=domtests PART N...`, user/domtests.c,
calling user/domains/testsrv.c and adder.c). Every number a part uses comes
from the test's rng, on the command line, and the grader recomputes what
the part prints from it, so no answer can be remembered. Each part checks
more itself (its FAILED line says what) and ends by checking that memfree()
and the process table are back where they were before it began.

What each test catches (a student bug in cap.c or call.c):
- calls: lost or swapped arguments, a forgotten r1, a badge that never
  arrives, a domain that cannot be called twice (its entered mark left set);
- regs: a callee's registers, segments, eflags or stack pointer leaking back
  to the caller;
- preempt: a callee resumed after preemption in the wrong address space;
- block: a sleep or a blocking read inside a callee that goes wrong;
- isolation: a callee that can write the caller's memory, or whose fault
  kills more than the callee;
- forged: slot checks that let -1, NCAP or huge slots through, a missing
  type or rights check (init's IRQ-control and I/O-port caps called or
  given to);
- grant: rights that widen, badges that change or are lost, the give right
  not checked, a full table found before the rights are checked;
- revoke: revoke that stops at one level, misses siblings, or a sibling list
  broken by an unlink;
- stale: a missing generation check (a call into whatever reused the entry);
- nest: a depth limit one off either way;
- reentry: no re-entry check;
- busy: dom_return at home not refused; a call refused for want of
  memory that leaves the callee marked entered (the next call is
  E_DEADLK);
- death: unwinding to the wrong level, thread counts or entered marks left
  wrong, memory that never comes back.
"""

import re

import pytest

from userprog import FAST, MASK32, fnv1a, kernel_trouble, kill_lines, said, user_symbols, verdict_ok, xorshift32

NCAP = 32
INV_MAX_CALLS = 8
CAP_CALL, CAP_MANAGE = 1, 2
RIGHT_GRANT = 0x2
RELAY_MARK = 0x5E1A0000
# preempt: a 10 kHz tick (100,000 instructions), so that a call of a few
# million instructions is preempted dozens of times.
PREEMPT_HZ = "hz=10000"
# death's children sleep inside the domains for this long (ticks at 1 kHz)
# unless unwound; the part's silences are shorter than that.
DEATH_BUDGET = 250_000_000

DOMAIN_FAULT = re.compile(
    r"^pid (\d+) \((\S+)\): (.+) in domain (\d+) \((\S+)\), eip 0x([0-9a-f]{8}) "
    r"\((?:([A-Za-z_.$][\w.$]*)\+0x([0-9a-f]+)|\?)\): domain destroyed$", re.M)


def run_domtests(boot, part, *args, hz=FAST, budget=None, faults=0):
    """Boot `HZ init=domtests PART ARGS`; check that the kernel stayed
    healthy, that the part said ok and domtests exited 0, and that exactly
    `faults` domain fault lines (and no kill line) were printed."""
    words = " ".join(str(arg) for arg in args)
    options = {"budget": budget} if budget else {}
    run = boot(f"{hz} init=domtests {part} {words}".strip(), **options)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    failed = [line for line in run.lines if "FAILED" in line]
    assert not failed, "domtests said:\n" + "\n".join(failed)
    assert not kill_lines(run.output), \
        "a process was killed:\n" + "\n".join(line.text for line in kill_lines(run.output))
    reports = DOMAIN_FAULT.findall(run.output)
    assert len(reports) == faults, \
        f"expected {faults} domain fault line(s), found {len(reports)}: {reports}"
    assert verdict_ok(run.output, "domtests", part), \
        f"no 'domtests: {part}: ok' line (how the run ended: {run.kind})"
    assert "beta86: init exited with status 0" in run.output, \
        "domtests (pid 1) did not exit with status 0"
    run.expect_exit("success")
    return run


def words32(rng, n):
    return [rng.randrange(1, 2**32) for _ in range(n)]


def echo_r0(badge, a1, a2, a3):
    return ((a1 ^ (a2 * 31) ^ (a3 * 131)) + badge) & MASK32


def echo_r1(badge, a1, a2, a3):
    return (a1 + a2 + a3 + badge * 7) & MASK32


def spin(n, seed):
    x = seed or 1
    for _ in range(n):
        x = xorshift32(x)
    return x


@pytest.mark.points(5)
def test_calls(boot, rng):
    """a call takes four arguments and a badge and returns two results, again and again"""
    a0, a1, a2, a3 = words32(rng, 4)
    badge = rng.randrange(1, 2**31)
    run = run_domtests(boot, "calls", a0, a1, a2, a3, badge)
    got = said(run, r"^domtests: calls: echo (\w{8}) (\w{8}) adder (\w{8}) (\w{8}) "
                    r"badged (\w{8}) (\w{8})$")
    values = [int(word, 16) for word in got.groups()]
    total = (a0 + a1 + a2 + a3) & MASK32
    assert values == [echo_r0(0, a1, a2, a3), echo_r1(0, a1, a2, a3),
                      total, a0 ^ a3, (total + badge) & MASK32, a0 ^ a3], \
        f"the results printed are not what the arguments give: {got.group(0)!r}"
    assert f"testsrv: {a0} written from the callee's memory" in run.output, \
        "the callee's printf (a system call inside a call) did not print"


def locals_across_calls(seed):
    """user/domtests.c's locals_across_calls, without the calls."""
    def mix(acc, v):
        return (((acc ^ v) * 16777619) + 0x9E3779B9) & MASK32
    x = seed
    on_stack = []
    for _ in range(8):
        x = xorshift32(x)
        on_stack.append(x)
    acc, total, prod = seed ^ 0xABCDEF01, 0, 1
    for i in range(24):
        r0 = x = xorshift32(x)
        r1 = x = xorshift32(x)
        acc = mix(acc, r0)
        total = (total + r1 + on_stack[i % 8]) & MASK32
        prod = (prod * (r0 | 1) + i) & MASK32
        on_stack[(i * 3) % 8] ^= r1
    for value in on_stack:
        acc = mix(acc, value)
    return acc ^ total ^ prod


@pytest.mark.points(5)
def test_callee_trashes_registers(boot, rng):
    """a callee that sets every register, segment and flag to junk leaves the caller whole"""
    seed = rng.randrange(1, 2**32)
    run = run_domtests(boot, "regs", seed)
    got = int(said(run, r"^domtests: regs: locals=(\w{8})$").group(1), 16)
    assert got == locals_across_calls(seed), \
        f"the caller's computation across the calls gave {got:#010x}"


@pytest.mark.points(5)
def test_preemption_inside_callee(boot, rng):
    """two threads spinning inside one callee and one at home, preempted often: exact results"""
    n = rng.randrange(150_000, 250_000)
    seeds = words32(rng, 3)
    run = run_domtests(boot, "preempt", n, *seeds, hz=PREEMPT_HZ)
    got = said(run, r"^domtests: preempt: spin (\w{8}), calls ticks (\d+)\.\.(\d+) and "
                    r"(\d+)\.\.(\d+)$")
    assert int(got.group(1), 16) == spin(n, seeds[0]), "the spin's result is wrong"
    t0, t1 = int(got.group(2)), int(got.group(3))
    assert t1 - t0 >= 10, f"the call took {t1 - t0} ticks: it was hardly preempted"


@pytest.mark.points(5)
def test_blocking_inside_callee(boot, rng):
    """sleep and a pipe read that blocks, inside a callee, into the callee's memory"""
    ticks, seed, n = rng.randrange(3, 8), rng.randrange(1, 2**32), rng.randrange(50, 512)
    run = run_domtests(boot, "block", ticks, seed, n)
    data, x = bytearray(), seed
    for _ in range(n):
        x = xorshift32(x)
        data.append(x & 0xFF)
    got = said(run, r"^domtests: block: read (\d+) bytes fnv1a=(\w{8})$")
    assert int(got.group(1)) == n and int(got.group(2), 16) == fnv1a(data), got.group(0)


@pytest.mark.points(8)
def test_isolation(boot, rng, kernel_dir):
    """a callee writing to its caller's stack faults in the callee: one line, the domain dies, the caller gets E_DEAD"""
    value = rng.randrange(1, 2**32)
    run = run_domtests(boot, "isolation", value, faults=1)
    address = said(run, r"^domtests: isolation: the callee writes to 0x(\w{8})$").group(1)
    line = DOMAIN_FAULT.search(run.output)
    pid, name, what, _, domain, eip, function, offset = line.groups()
    assert (pid, name, domain) == ("1", "domtests", "testsrv"), line.group(0)
    assert what.startswith("page fault") and f"0x{address}" in what, \
        f"{line.group(0)}: expected a page fault at the caller's stack address 0x{address}"
    assert function == "dom_main", f"{line.group(0)}: expected the fault in testsrv's dom_main"
    start = user_symbols(kernel_dir, "testsrv").get("dom_main")
    if start is not None:
        assert start + int(offset, 16) == int(eip, 16), f"{line.group(0)}: offset is not eip"


@pytest.mark.points(8)
def test_forged_caps(boot, rng):
    """slots -1, NCAP, huge and empty, a wrong type and a missing right: refused with the right error, registers intact"""
    big = rng.randrange(NCAP, 2**31)
    run = run_domtests(boot, "forged", big)
    said(run, r"^domtests: forged: \d+ refusals$")


@pytest.mark.points(8)
def test_grant_rules(boot, rng):
    """rights only narrow, a badge is set only on an unbadged cap, the give right decides where a cap may go"""
    rights = rng.randrange(0, 16)
    b1, b2 = rng.sample(range(1, 2**32), 2)
    run = run_domtests(boot, "grant", rights, b1, b2)
    got = said(run, r"^domtests: grant: rights 0x(\w+) badge (\d+)$")
    assert int(got.group(1), 16) == rights | RIGHT_GRANT and int(got.group(2)) == b1, got.group(0)


@pytest.mark.points(10)
def test_revoke(boot, rng):
    """revoke removes copies of copies in three domains, every sibling, and nothing unrelated"""
    chain = rng.randrange(2, 7)
    siblings = rng.randrange(3, 7)
    cut = rng.randrange(0, chain - 1)
    run = run_domtests(boot, "revoke", chain, siblings, cut)
    said(run, rf"^domtests: revoke: chain {chain} cut at {cut}, {siblings} siblings, "
              r"through 3 domains$")


@pytest.mark.points(8)
def test_stale_caps(boot, rng):
    """after destroy and re-create in the same table entry, old caps answer E_DEAD, never the new domain"""
    cycles, a0 = rng.randrange(2, 5), rng.randrange(1, 2**31)
    run = run_domtests(boot, "stale", cycles, a0)
    said(run, rf"^domtests: stale: {cycles} cycles$")


@pytest.mark.points(8)
def test_nesting_depth(boot, rng):
    """eight nested calls pass and the ninth is refused E_DEEP"""
    tag = rng.randrange(1, 2**31)
    run = run_domtests(boot, "nest", tag)
    said(run, rf"^domtests: nest: 8 deep r1={tag + INV_MAX_CALLS - 1}, the 9th refused$")


@pytest.mark.points(5)
def test_reentry_refused(boot, rng):
    """a -> b -> a and a domain calling its own slot 0 are refused E_DEADLK"""
    run_domtests(boot, "reentry", rng.randrange(1, 2**31))


@pytest.mark.points(5)
def test_refused_outside_and_inside(boot, rng):
    """dom_return at home is E_INVAL; fork, exec and sbrk inside a call are E_BUSY; a first call with no memory for its call stack is E_NOMEM, twice alike, and works once memory is back"""
    run = run_domtests(boot, "busy", rng.randrange(1, 2**31))
    assert "testsrv: exec from inside a call ran" not in run.output, "exec ran inside a call"
    a1, a2, a3 = words32(rng, 3)
    # poison=0: the child fills and frees all of memory, which poisoning
    # would fill a second time
    run = run_domtests(boot, "nomem", a1, a2, a3, hz=f"{FAST} poison=0")
    got = said(run, r"^domtests: nomem: -E_NOMEM twice with \d+ pages taken, then echo (\w{8})$")
    assert int(got.group(1), 16) == echo_r0(0, a1, a2, a3), got.group(0)


@pytest.mark.points(10)
def test_death_mid_call(boot, rng):
    """domains die with threads asleep, spinning and blocked inside: each unwinds to the right level, others go on, memory comes back"""
    ticks = rng.randrange(300, 500)
    run = run_domtests(boot, "death", ticks, budget=DEATH_BUDGET)
    said(run, r"^domtests: death: 6 threads unwound$")


# dom_create is given code: a sanity check without points.
def test_created_domains_leave_room_for_every_home(boot):
    """dom_create stops at NDOM_CREATED (-E_NOSLOT), and fork still works at the limit"""
    run = run_domtests(boot, "limit")
    said(run, r"domtests: limit: 64 domains made, then -E_NOSLOT; fork still works")
