"""Helpers for the tests of labs 4 and 5, which run user programs (user/*.c,
built into the kernel's ramdisk) as pid 1 with ``init=PROG ARGS...``.

- ``run_usertests(boot, part, *args)`` boots ``init=usertests PART ARGS``
  and checks its one verdict line and a clean shutdown.
- ``KILL_LINE`` and ``kill_lines()`` read the kernel's line for a killed
  process: ``pid P (NAME): killed by WHAT, eip 0x... (FUNC+0xOFF)``.
- ``Behaviour``/``BEHAVIOURS``: what user/faults.c does, and
  ``kill_line_problems()`` says what is wrong with the line for one of them.
- ``user_symbols()`` reads a program's symbols (build/user/PROG.elf) to
  check that FUNC+0xOFF really is the eip.
- ``said(run, pattern)``: the one line of a run a test asks for (the
  drivers of labs 6 and 7 print what the grader recomputes).
- ``ubench_per_op(boot, name, ...)``: the figure of one user/ubench.c
  benchmark (the budget tests of labs 6 and 7).
- ``scene_ps_rows(run)``, ``ctrl_p_line_under(run, pid)``,
  ``scene_ends(run, scene)``: a user/domscene.c scene that leaves a child
  asleep while `ps` runs and Ctrl-P is pressed (labs 6 and 7).
"""

import re
import subprocess
from dataclasses import dataclass
from typing import Optional

USER_BASE = 0x40000000
USER_TOP = 0xC0000000
STACK_PAGES = 2
PAGE = 4096
GUARD_PAGE = USER_TOP - (STACK_PAGES + 1) * PAGE   # first byte of the guard page
FAST = "hz=1000"       # a 1 ms tick (a million instructions): sleeps are short
# usertests parts compute silently between their lines: sbrk for about 41 M
# instructions, exhaust 32 M, preempt 25 M (see qemu.SILENCE_BUDGET).
USERTESTS_BUDGET = 250_000_000

MASK32 = 0xFFFFFFFF
FNV_OFFSET, FNV_PRIME = 2166136261, 16777619

# FUNC+0xOFF, or "?" when the eip lies in no function of the program.
KILL_LINE = re.compile(r"^pid (\d+) \((\S+)\): killed by (.+), eip 0x([0-9a-f]{8}) "
                       r"\((?:([A-Za-z_.$][\w.$]*)\+0x([0-9a-f]+)|\?)\)$", re.M)


def xorshift32(state):
    """One step of user/*.c's generator: the new state, which is the value."""
    x = state or 0x9E3779B9
    x ^= (x << 13) & MASK32
    x ^= x >> 17
    x ^= (x << 5) & MASK32
    return x


def fnv1a(data, h=FNV_OFFSET):
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK32
    return h


@dataclass
class KillLine:
    pid: int
    name: str
    what: str
    eip: int
    function: Optional[str]     # None for "(?)"
    offset: Optional[int]
    text: str


def kill_lines(output):
    """Every 'pid P (NAME): killed by ...' line in output, as KillLines."""
    return [KillLine(int(m.group(1)), m.group(2), m.group(3), int(m.group(4), 16),
                     m.group(5), int(m.group(6), 16) if m.group(6) else None, m.group(0))
            for m in KILL_LINE.finditer(output)]


def kernel_trouble(output):
    """Why the output shows the kernel itself in trouble, or None."""
    for marker in ("panic:", "panic (while panicking)", "double fault"):
        if marker in output:
            line = next(l for l in output.splitlines() if marker in l)
            return f"the kernel panicked: {line!r}"
    return None


STUB_MARKS = ("not implemented (lab", "not dispatched (lab")


def why_it_never_started(output, program):
    """Why `program` printed nothing of its own, in words: the first line
    of a lab's stub (a fresh handout's syscall_dispatch kills every process
    at its first system call, its uaccess_ok refuses exec's arguments), or
    the kernel's last line."""
    lines = output.splitlines()
    stub = next((line for line in lines if any(mark in line for mark in STUB_MARKS)), None)
    if stub:
        return f"{program} never started: the kernel said {stub.strip()!r}"
    last = lines[-1].strip() if lines else ""
    return f"{program} never started; the kernel's last line: {last!r}"


def verdict_lines(output, program="usertests"):
    return [line for line in output.splitlines()
            if line.startswith(f"{program}: ") and "FAILED" in line]


def run_usertests(boot, part, *args):
    """Boot 'hz=1000 init=usertests PART ARGS'; check that the part says
    OK and usertests (pid 1) exits 0. Returns the run."""
    words = " ".join(str(arg) for arg in args)
    run = boot(f"{FAST} init=usertests {part} {words}".replace("  ", " "),
               budget=USERTESTS_BUDGET)
    failed = verdict_lines(run.output)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert not failed, "usertests said:\n" + "\n".join(failed)
    assert f"usertests: {part}: OK" in run.output, (
        f"no 'usertests: {part}: OK' line (how the run ended: {run.kind})")
    assert "beta86: init exited with status 0" in run.output, \
        "usertests (pid 1) did not exit with status 0"
    run.expect_exit("success")
    return run


def verdict_ok(output, program, part):
    """Whether `output` has the line "PROGRAM: PART: ok" itself (a whole
    line: "ok-ish" or a part whose name starts with PART does not count)."""
    return re.search(rf"^{re.escape(program)}: {re.escape(part)}: ok$", output, re.M) is not None


def expect_part_ok(run, program, part):
    """A test program's part (run as pid 1, `init=PROGRAM PART ...`) went
    well: the kernel stayed healthy, no line says FAILED or "not
    implemented", the part said "PROGRAM: PART: ok", init exited 0 and the
    machine shut down cleanly."""
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    failed = [line for line in run.lines if "FAILED" in line or "not implemented" in line]
    assert not failed, f"{program} said:\n" + "\n".join(failed)
    assert verdict_ok(run.output, program, part), f"no '{program}: {part}: ok' line ({run.kind})"
    assert "beta86: init exited with status 0" in run.output, \
        f"{program} (pid 1) did not exit with status 0 (how the run ended: {run.kind})"
    run.expect_exit("success")


def said(run, pattern):
    """The match of pattern (a regular expression for one whole line)."""
    found = re.search(pattern, run.output, re.M)
    assert found, f"no line matching {pattern!r}"
    return found


def ubench_per_op(boot, name, checks, last_field=None, keys=""):
    """per_op of `init=ubench NAME` from a clean run, booted as `make
    bench` boots it (poison=0, and the kernel keys `keys` before init=):
    ubench said no FAILED, the machine shut down cleanly, and printed
    `bench: NAME per_op=N ...`, ending with `LAST_FIELD=N` if last_field
    is given. checks: what ubench checks before it prints that line, said
    when the line is missing."""
    run = boot(f"poison=0 {keys + ' ' if keys else ''}init=ubench {name}")
    assert "FAILED" not in run.output, \
        "ubench said: " + next(line for line in run.lines if "FAILED" in line)
    run.expect_exit("success")
    pattern = rf"^bench: {name} per_op=(\d+(?:\.\d+)?) "
    shown = f"bench: {name} per_op=..."
    if last_field:
        pattern += rf".*{last_field}=\d+$"
        shown += f" {last_field}=..."
    match = re.search(pattern, run.output, re.M)
    assert match, f"no '{shown}' line ({checks})"
    return float(match.group(1))


CTRL_P = "\x10"
PS_HEADER = "PID PPID STATE NAME PAGES DOMAIN DOMNAME DEPTH"
PS_ROW = re.compile(r"^(\d+) (\d+) (\w+) (\S+) (\d+) (\S+) (\S+) (\S+)$", re.M)


def scene_ps_rows(run):
    """What user/ps printed before the scene asks for Ctrl-P: {pid: [ppid,
    state, name, pages, domain, domain name, depth]}, all strings."""
    run.expect_exact("domscene: press Ctrl-P, then a key")
    table = run.output[run.output.index(PS_HEADER):]
    return {int(pid): rest for pid, *rest in PS_ROW.findall(table)}


def ctrl_p_line_under(run, pid):
    """Press Ctrl-P: the line the kernel's table prints under pid, a
    sleeping domscene ("in domain ...")."""
    run.send(CTRL_P)
    return run.expect(rf"\n{pid} +sleeping +domscene +[^\n]*\n +(in domain [^\n]*)\n").group(1)


def scene_ends(run, scene):
    """A key ends the scene: its done line and a clean shutdown."""
    run.send("q")
    run.expect_exact(f"domscene: {scene}: done")
    run.expect_exit("success")


# `nm -S` lines of text symbols: start, size, name.
NM_FUNCTION = re.compile(r"^([0-9a-f]{8}) ([0-9a-f]{8}) [Tt] (\S+)$", re.MULTILINE)


def program_functions(kernel_elf, program):
    """[(start, size, name)] of the functions of build/user/PROGRAM.elf,
    beside kernel_elf."""
    path = kernel_elf.parent / "user" / f"{program}.elf"
    output = subprocess.run(["nm", "-S", "--defined-only", str(path)], check=True,
                            capture_output=True, text=True).stdout
    return [(int(start, 16), int(size, 16), name)
            for start, size, name in NM_FUNCTION.findall(output)]


def symbolize(functions, address):
    """"name+0x12" of the function (of program_functions) containing address."""
    for start, size, name in functions:
        if start <= address < start + size:
            return f"{name}+{address - start:#x}"
    raise AssertionError(f"{address:#x} is in no function of the program")


def user_symbols(kernel_dir, program):
    """{name: address} of program's functions, from build/user/PROG.elf
    (empty if there is no such file or nm fails)."""
    path = kernel_dir / "build" / "user" / f"{program}.elf"
    if not path.is_file():
        return {}
    try:
        result = subprocess.run(["nm", str(path)], capture_output=True, text=True,
                                timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return {}
    symbols = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tT":
            symbols[parts[2]] = int(parts[0], 16)
    return symbols


# fuzz prints a progress line every 100,000 calls (PROGRESS_EVERY), which
# with the reference kernel take 48 M to 281 M instructions, by seed (25
# seeds measured): room for a kernel seven times slower before the run
# counts as hung.
FUZZ_SILENCE_BUDGET = 2_000_000_000


def run_fuzz(boot, rng, calls, seeds, options="", kills_expected=False, keys=""):
    """Boot `KEYS init=fuzz OPTIONS S1 CALLS S1 S2 ...` (user/fuzz.c; KEYS:
    kernel command line keys, such as lab 8's injector's): `seeds`
    seeds from rng, the first twice in one boot; every round must pass, the
    same seed give the same checksum and the others other ones; and no
    process be killed, unless kills_expected (fuzz -f: the caller checks
    the kill lines). Returns the run."""
    seeds = rng.sample(range(1, 2**31), seeds)
    order = [seeds[0]] + seeds          # the first seed twice, in one boot
    words = " ".join(map(str, order[1:]))
    run = boot(f"{FAST} {keys} init=fuzz {options} {order[0]} {calls} {words}".replace("  ", " "),
               budget=FUZZ_SILENCE_BUDGET)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert kills_expected or not kill_lines(run.output), "the fuzzer was killed"
    rounds = re.findall(r"^fuzz: seed=(\d+) calls=(\d+) checksum=(0x[0-9a-f]{8})$",
                        run.output, re.M)
    failed = [line for line in run.lines if "FAILED" in line]
    assert not failed, "\n".join(failed)
    assert [int(seed) for seed, _, _ in rounds] == order, \
        f"expected {len(order)} rounds (seeds {order}), got {rounds}" + \
        ("" if run.kind == "success" else f"; the run ended in {run.explain()}")
    assert all(int(count) == calls for _, count, _ in rounds)
    checksums = [checksum for _, _, checksum in rounds]
    assert checksums[0] == checksums[1], \
        f"seed {order[0]} gave checksum {checksums[0]}, then {checksums[1]} in the same boot"
    assert len(set(checksums[1:])) == len(seeds), f"two seeds gave the same checksum: {rounds}"
    for seed in seeds:
        assert run.output.count(f"fuzz: seed={seed}: OK") == order.count(seed)
    assert "beta86: init exited with status 0" in run.output
    run.expect_exit("success")
    return run


# ---- user/faults.c ---------------------------------------------------------------

@dataclass(frozen=True)
class Behaviour:
    name: str           # faults solo NAME
    function: Optional[str]   # where the fault happens (FUNC in the kill line); None: "(?)"
    cause: int          # the trap vector: WKILLCAUSE of the wait() status
    trap: str           # how WHAT starts
    address: Optional[int] = None   # the page fault's address, when fixed
    detail: Optional[str] = None    # what WHAT must also say, when the trap's name is not enough


BEHAVIOURS = [
    Behaviour("null", "fault_null", 14, "page fault", 0x00000000),
    Behaviour("kwrite", "fault_kwrite", 14, "page fault", 0x00100000),
    Behaviour("textwrite", "fault_textwrite", 14, "page fault"),
    Behaviour("stack", "fault_stack_recurse", 14, "page fault"),
    Behaviour("ud2", "fault_ud2", 6, "invalid opcode"),
    Behaviour("div0", "fault_div0", 0, "divide error"),
    Behaviour("cli", "fault_cli", 13, "general protection fault"),
    Behaviour("hlt", "fault_hlt", 13, "general protection fault"),
    Behaviour("inout", "fault_inout", 13, "general protection fault"),
    Behaviour("int", "fault_int", 13, "general protection fault"),
    Behaviour("farjmp", "fault_farjmp", 13, "general protection fault"),
    Behaviour("iret", "fault_iret", 13, "general protection fault"),
    # iret into virtual-8086 mode, where no user code can run: the eip is
    # a real-mode one, in no function
    Behaviour("vm86", None, 13, "general protection fault", detail="virtual-8086 mode"),
    # an LDT selector (the first one the CPU accepts, or entry 1) loaded
    # into %fs, and a far call through one: there is no LDT
    Behaviour("ldtload", "fault_ldtload", 13, "general protection fault", detail="no LDT"),
    Behaviour("ldtcall", "fault_ldtcall", 13, "general protection fault", detail="no LDT"),
    # the instructions UMIP keeps from ring 3
    Behaviour("sgdt", "fault_sgdt", 13, "general protection fault", detail="sgdt: UMIP"),
    Behaviour("sidt", "fault_sidt", 13, "general protection fault", detail="sidt: UMIP"),
    Behaviour("sldt", "fault_sldt", 13, "general protection fault", detail="sldt: UMIP"),
    Behaviour("str", "fault_str", 13, "general protection fault", detail="str: UMIP"),
    Behaviour("smsw", "fault_smsw", 13, "general protection fault", detail="smsw: UMIP"),
    # 1/0 with the x87's divide-by-zero exception unmasked, then fwait
    Behaviour("x87div0", "fault_x87div0", 16, "x87 floating-point exception",
              detail="divide by zero"),
    # a ud2 in .data, outside every function: the line says "(?)", and its
    # eip is the address faults announced
    Behaviour("datajump", None, 6, "invalid opcode"),
]
BY_NAME = {b.name: b for b in BEHAVIOURS}


def kill_line_problems(line, behaviour, pid, output, symbols, mode):
    """What is wrong with kill line `line` for `behaviour` done by process
    `pid`, as a list of sentences (empty: nothing). `output` holds what
    faults announced ('faults: MODE NAME: expect ... at 0x...')."""
    problems = []
    b = behaviour
    if line.pid != pid:
        problems.append(f"the line names pid {line.pid}, expected {pid}")
    if line.name != "faults":
        problems.append(f"the line names the process {line.name!r}, expected 'faults'")
    if not line.what.startswith(b.trap):
        problems.append(f"WHAT is {line.what!r}: expected it to start with the trap's "
                        f"name, {b.trap!r}")
    if b.name == "stack" and "stack overflow" not in line.what:
        problems.append(f"WHAT is {line.what!r}: a fault on the stack's guard page should "
                        "say 'stack overflow'")
    if b.detail and b.detail not in line.what:
        problems.append(f"WHAT is {line.what!r}: expected it to say {b.detail!r}")
    if b.cause == 14:
        addresses = [int(a, 16) for a in re.findall(r"0x([0-9a-f]{8})\b", line.what)]
        want = b.address
        if b.name == "textwrite":
            announced = re.search(rf"faults: {mode} textwrite: expect page fault at "
                                  r"0x([0-9a-f]{8})", output)
            want = int(announced.group(1), 16) if announced else symbols.get(b.function)
        if b.name == "stack":
            if not any(GUARD_PAGE <= a < GUARD_PAGE + PAGE for a in addresses):
                problems.append(f"WHAT is {line.what!r}: expected a 0x%08x address in the "
                                f"guard page {GUARD_PAGE:#010x}..{GUARD_PAGE + PAGE - 1:#010x}")
        elif want is not None and want not in addresses:
            problems.append(f"WHAT is {line.what!r}: expected the faulting address "
                            f"0x{want:08x} in it")
    if line.function != b.function:
        problems.append(f"FUNC is {line.function or '?'}, expected {b.function or '?'}")
    elif b.function is None:
        # no function to check eip against; where faults said it would be
        announced = re.search(rf"faults: {mode} {b.name}: expect .* at 0x([0-9a-f]{{8}}) in \?$",
                              output, re.M)
        if announced and line.eip != int(announced.group(1), 16):
            problems.append(f"eip {line.eip:#010x} is not 0x{announced.group(1)}, where "
                            f"faults said the fault would be")
        return problems
    elif symbols.get(b.function) is not None and \
            symbols[b.function] + line.offset != line.eip:
        problems.append(f"{line.function}+{line.offset:#x} is "
                        f"{symbols[b.function] + line.offset:#010x}, not eip {line.eip:#010x}")
    if not USER_BASE <= line.eip < USER_TOP:
        problems.append(f"eip {line.eip:#010x} is not a user address")
    return problems
