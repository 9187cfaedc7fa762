"""Lab 5 with GDB: user programs under the debugger (tools/gdb/beta86.py).

When GDB stops while a user process is current_proc, the GDB helpers load
the symbols of its program (build/user/NAME.elf) and say so in a line
    beta86: user symbols: build/user/NAME.elf (pid N)
so that `break main` and `bt` work in the user program; `bt` in a system
call goes on through the trap frame into the user code that made it; and
`ps` and `ctx` show each user process's user-mode registers, named in its
own program, reading its stack through its own page directory.

Everything a test expects is read from the run with plain GDB expressions
and from the program's ELF symbol table (`nm`), independently of the
helpers: the pids, the program names, the trap frame at the top of a
process's kernel stack, its saved tf, and user stack words translated by
hand through its page directory."""

import re
import subprocess

import pytest

from gdb_session import backtrace_frames, stop_location
from userprog import program_functions, symbolize

SYMBOLS_LINE = re.compile(r"^beta86: user symbols: (\S+) \(pid (\d+)\)$", re.MULTILINE)
TABLE_ROW = re.compile(r"^(\d+) +(\S+) +(\S+) +(.*?)\s*$", re.MULTILINE)
REGISTER_LINE = re.compile(r"^\s+(\w+)\s+0x([0-9a-f]{8})\b(.*)$", re.MULTILINE)
SWITCH_LINE = re.compile(r"^pid (\d+) \((\S*)\) -> pid (\d+) \((\S*)\) at tick (\d+)$",
                         re.MULTILINE)
NM_LINE_ANY = re.compile(r"^[0-9a-f]{8} \w (\S+)$", re.MULTILINE)     # any defined symbol
USER_BASE, USER_TOP = 0x40000000, 0xC0000000
RUN_TIMEOUT = 300         # s: a last guard; each stop comes within a second
STACK_WORDS = 8           # a return address is this close above a stub's esp
MAX_SWITCHES = 40         # nextswitch until one leaves a process in user mode
TIMER_VECTOR = 32         # T_IRQ0




def string(gdb, expression):
    return gdb.command(f'printf "%s\\n", {expression}').strip()


def user_processes(gdb):
    """{pid: (index in proc_table, program name)} of every user process."""
    entries = gdb.integer("sizeof(proc_table) / sizeof(proc_table[0])")
    unused = gdb.integer("PROC_UNUSED")
    found = {}
    for index in range(entries):
        if gdb.integer(f"proc_table[{index}].state") == unused:
            continue
        if gdb.integer(f"proc_table[{index}].program") != 0:
            found[gdb.integer(f"proc_table[{index}].pid")] = (
                index, string(gdb, f"proc_table[{index}].program->name"))
    return found


def kernel_stack_frame(index):
    """The trap frame at the top of proc_table[index]'s kernel stack."""
    return (f"((struct trapframe *)(proc_table[{index}].kstack_top "
            f"- sizeof(struct trapframe)))")


def user_word(gdb, index, address):
    """The word at user address `address` of proc_table[index], translated
    through its page directory by hand (page tables and frames are in the
    kernel's direct map: physical == virtual)."""
    pde = gdb.integer(f"proc_table[{index}].pgdir[{address >> 22}]")
    assert pde & 1, f"{address:#x} has no page table in proc_table[{index}]"
    pte = gdb.integer(f"((unsigned int *){pde & ~0xFFF:#x})[{(address >> 12) & 0x3FF}]")
    assert pte & 1, f"{address:#x} is not mapped in proc_table[{index}]"
    return gdb.integer(f"*(unsigned int *){(pte & ~0xFFF) | (address & 0xFFF):#x}")


def table_rows(text):
    return {int(pid): (state, name, where)
            for pid, state, name, where in TABLE_ROW.findall(text)}


def sections(text):
    """{a section's header up to its colon: its lines} of `ctx` output
    ("in the kernel", "in user mode", "user backtrace (...)")."""
    found, current = {}, None
    for line in text.splitlines():
        if not line.startswith(" "):
            current = line.split(":")[0]
            found[current] = [line]
        elif current is not None:
            found[current].append(line)
    return found


def section(parts, prefix):
    """The lines of the first section whose header starts with prefix."""
    return next((lines for header, lines in parts.items() if header.startswith(prefix)), [])


def registers(lines):
    return {name: (int(value, 16), comment.strip())
            for name, value, comment in REGISTER_LINE.findall("\n".join(lines))}


def symbols_loaded(output, program, pid):
    return any(path.endswith(f"user/{program}.elf") and int(shown) == pid
               for path, shown in SYMBOLS_LINE.findall(output))


def test_gdb_loads_user_symbols_and_stops_at_main(gdb_boot, kernel_elf, rng):
    """user symbols load when a process execs; break main and bt work in it"""
    # A sanity check without points: it needs no fork, only given code
    # (exec, the GDB helpers) and lab 4's system calls, so a fresh lab 5
    # tree passes it.
    words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randrange(3, 8)))
             for _ in range(rng.randrange(1, 4))]
    run, gdb = gdb_boot("init=echo " + " ".join(words))
    gdb.command("break sys_exec")
    stopped = gdb.command("continue", timeout=RUN_TIMEOUT)
    pid = gdb.integer("current_proc->pid")
    before = string(gdb, "current_proc->program->name")
    assert symbols_loaded(stopped, before, pid), \
        f"stopped in pid {pid} ({before}): its symbols should load, with a line " \
        f"'beta86: user symbols: build/user/{before}.elf (pid {pid})':\n{stopped}"
    finished = gdb.command("finish", timeout=RUN_TIMEOUT)
    assert string(gdb, "current_proc->program->name") == "echo", \
        f"pid {pid} should run echo after exec:\n{finished}"
    assert symbols_loaded(finished, "echo", pid), \
        f"after exec, echo's symbols should replace {before}'s:\n{finished}"

    gdb.command("delete")
    set_at = gdb.command("break main")
    assert re.search(r"Breakpoint \d+ at 0x4[0-9a-f]{7}: file user/echo\.c, line \d+", set_at), \
        f"`break main` should find echo's main in user/echo.c:\n{set_at}"
    stopped = gdb.command("continue", timeout=RUN_TIMEOUT)
    assert stop_location(stopped) == "main", f"should stop in echo's main:\n{stopped}"
    assert gdb.integer("argc") == len(words) + 1, f"echo's argc:\n{stopped}"
    frames = backtrace_frames(gdb.command("bt"))
    assert frames and frames[0].function == "main" and \
        (frames[0].location or "").startswith("user/echo.c:"), \
        f"bt should start at main in user/echo.c: {frames}"

    pc = gdb.integer("$pc")
    where = symbolize(program_functions(kernel_elf, "echo"), pc)
    table = gdb.command("ps")
    row = table_rows(table).get(pid)
    assert row and row[0] == "running" and \
        row[2].startswith(f"(running) user echo: {where}"), \
        f"ps: pid {pid} runs echo in user mode at {where}:\n{table}"
    shown = gdb.command(f"ctx {pid}")
    user = sections(shown).get("in user mode", [])
    assert user and "live in the CPU" in user[0], \
        f"ctx {pid}: its user registers are the CPU's:\n{shown}"
    values = registers(user)
    assert values["eip"][0] == pc and values["eip"][1].startswith(where), \
        f"ctx {pid}: eip should be {pc:#010x}, {where}:\n{shown}"


@pytest.mark.points(5)
def test_gdb_bt_in_a_system_call_reaches_the_user_program(gdb_boot):
    """bt in the kernel goes on through the trap frame into the user program"""
    run, gdb = gdb_boot("init=init")       # init starts the shell (a lab 5 tree boots kmon without it)
    gdb.command("break sys_read")
    stopped = gdb.command("continue", timeout=RUN_TIMEOUT)
    pid = gdb.integer("current_proc->pid")
    program = string(gdb, "current_proc->program->name")
    assert symbols_loaded(stopped, program, pid), \
        f"stopped in pid {pid} ({program}): its symbols should load:\n{stopped}"
    index = user_processes(gdb)[pid][0]
    user_eip = gdb.integer(f"{kernel_stack_frame(index)}->eip")

    backtrace = gdb.command("bt")
    frames = backtrace_frames(backtrace)
    names = [frame.function for frame in frames]
    assert "sys_read" in names and "trap_common" in names, \
        f"bt should go from sys_read up to trap_common:\n{backtrace}"
    user = frames[names.index("trap_common") + 1:]
    assert user and user[0].address == user_eip, \
        f"the frame after trap_common is the user code at the trap frame's " \
        f"eip {user_eip:#010x}:\n{backtrace}"
    assert any(frame.function == "main" and (frame.location or "").startswith(
        f"user/{program}.c:") for frame in user), \
        f"bt should reach main in user/{program}.c:\n{backtrace}"


@pytest.mark.points(5)
def test_gdb_ps_and_ctx_show_a_user_process_in_a_system_call(gdb_boot, kernel_elf):
    """ps and ctx show a sleeping process's user registers, in its own program"""
    run, gdb = gdb_boot("init=init")       # init starts the shell (a lab 5 tree boots kmon without it)
    gdb.command("break sys_read")
    gdb.command("continue", timeout=RUN_TIMEOUT)
    current = gdb.integer("current_proc->pid")
    others = {pid: entry for pid, entry in user_processes(gdb).items() if pid != current}
    assert others, "expected a user process besides the shell (init, waiting)"
    pid, (index, program) = sorted(others.items())[0]
    functions = program_functions(kernel_elf, program)
    frame = kernel_stack_frame(index)
    eip, esp = gdb.integer(f"{frame}->eip"), gdb.integer(f"{frame}->esp")
    where = symbolize(functions, eip)
    kctx_eip = gdb.integer(f"proc_table[{index}].kctx.eip")

    table = gdb.command("ps")
    row = table_rows(table).get(pid)
    assert row, f"ps should list pid {pid}:\n{table}"
    kernel_part, _, user_part = row[2].partition(" | ")
    assert kernel_part.endswith("[kctx]"), \
        f"pid {pid} stopped in the kernel with its kctx saved:\n{table}"
    assert user_part.startswith(f"user {program}: {where} < "), \
        f"pid {pid} ({program}) is in user mode at {where} (named in {program}.elf):\n{table}"
    caller = user_part.split(" < ")[1]
    name, offset = caller.split("+")
    start = [start for start, _, function in functions if function == name]
    assert start, f"{caller} is not a function of {program}:\n{table}"
    stack = [user_word(gdb, index, esp + 4 * word) for word in range(STACK_WORDS)]
    assert start[0] + int(offset, 16) in stack, \
        f"{caller} should be a return address on pid {pid}'s user stack " \
        f"{[hex(word) for word in stack]}:\n{table}"

    shown = gdb.command(f"ctx {pid}")
    parts = sections(shown)
    kernel = registers(parts.get("in the kernel", []))
    assert kernel.get("eip", (None,))[0] == kctx_eip, \
        f"ctx {pid}: its kernel eip is kctx.eip {kctx_eip:#010x}:\n{shown}"
    user = registers(parts.get("in user mode", []))
    assert user.get("eip", (None, ""))[0] == eip and user["eip"][1].startswith(where), \
        f"ctx {pid}: its user eip is {eip:#010x}, {where}:\n{shown}"
    assert user["esp"][0] == esp, f"ctx {pid}: its user esp is {esp:#010x}:\n{shown}"
    trace = backtrace_frames("\n".join(line.strip()
                                       for line in section(parts, "user backtrace")))
    assert [frame.function for frame in trace[:2]] == [where.split("+")[0], name], \
        f"ctx {pid}: the user backtrace goes {where} < {caller}:\n{shown}"


@pytest.mark.points(5)
def test_gdb_ps_and_ctx_show_a_process_preempted_in_user_mode(gdb_boot, kernel_elf):
    """ps and ctx show a process the timer preempted in user mode"""
    run, gdb = gdb_boot("hz=1000 quantum=1 init=usertests preempt")
    for _ in range(MAX_SWITCHES):
        output = gdb.command("nextswitch", timeout=RUN_TIMEOUT)
        match = SWITCH_LINE.search(output)
        assert match, f"nextswitch printed no switch:\n{output}"
        old = int(match.group(1))
        processes = user_processes(gdb)
        if old not in processes:
            continue
        index, program = processes[old]
        if gdb.integer(f"proc_table[{index}].saved") == gdb.integer("SAVED_TRAPFRAME") \
                and gdb.integer(f"proc_table[{index}].tf.cs") & 3 == 3 \
                and gdb.integer(f"proc_table[{index}].tf.vector") == TIMER_VECTOR:
            break
    else:
        pytest.fail(f"no user process was preempted in user mode in {MAX_SWITCHES} "
                    f"switches:\n{gdb.tail()}")
    functions = program_functions(kernel_elf, program)
    eip = gdb.integer(f"proc_table[{index}].tf.eip")
    esp = gdb.integer(f"proc_table[{index}].tf.esp")
    where = symbolize(functions, eip)

    table = gdb.command("ps")
    row = table_rows(table).get(old)
    assert row and row[2].startswith(f"user {program}: {where}") \
        and row[2].endswith("[trapframe]"), \
        f"ps: pid {old} was preempted in user mode at {where}:\n{table}"
    shown = gdb.command(f"ctx {old}")
    parts = sections(shown)
    assert "in the kernel" not in parts, f"ctx {old}: it is not in the kernel:\n{shown}"
    user = parts.get("in user mode", [])
    assert user and f"in its trapframe (proc_table[{index}].tf)" in user[0], \
        f"ctx {old}: its user registers are in its tf:\n{shown}"
    values = registers(user)
    assert values["eip"][0] == eip and values["eip"][1].startswith(where), \
        f"ctx {old}: eip should be {eip:#010x}, {where}:\n{shown}"
    assert values["esp"][0] == esp, f"ctx {old}: esp should be {esp:#010x}:\n{shown}"

    pc = gdb.integer("$pc")
    if USER_BASE <= pc < USER_TOP:           # the new process runs in user mode
        frames = backtrace_frames(gdb.command("bt"))
        new_program = string(gdb, "current_proc->program->name")
        expected = symbolize(program_functions(kernel_elf, new_program), pc)
        assert frames and frames[0].function == expected.split("+")[0], \
            f"bt in pid {match.group(3)} should start in {expected}: {frames}"


def random_words(rng):
    return ["".join(rng.choice("abcdefghij") for _ in range(rng.randrange(3, 8)))
            for _ in range(rng.randrange(1, 4))]


def test_gdb_user_backtraces_end_at_start(gdb_boot, rng):
    """bt, ps and ctx end a user backtrace at _start, with no junk frame after it"""
    words = random_words(rng)
    run, gdb = gdb_boot("init=echo " + " ".join(words))
    gdb.command("break sys_exec")
    gdb.command("continue", timeout=RUN_TIMEOUT)
    gdb.command("finish", timeout=RUN_TIMEOUT)    # echo, about to run its first instruction
    pid = gdb.integer("current_proc->pid")
    assert string(gdb, "current_proc->program->name") == "echo"
    shown = gdb.command(f"ctx {pid}")
    trace = backtrace_frames("\n".join(line.strip()
                                       for line in section(sections(shown), "user backtrace")))
    assert [frame.function for frame in trace] == ["_start"], \
        f"a program that has not run yet is at _start, which has no caller (its stack " \
        f"holds argc = {len(words) + 1}, not a return address):\n{shown}"
    table = gdb.command("ps")
    user_part = table_rows(table)[pid][2].partition(" | ")[2]
    assert user_part == "user echo: _start+0x0", f"ps: pid {pid} is at _start alone:\n{table}"

    # main returns to _start, which calls exit: bt from sys_exit ends there.
    gdb.command("delete")
    gdb.command("break sys_exit")
    gdb.command("continue", timeout=RUN_TIMEOUT)
    index = user_processes(gdb)[pid][0]
    user_eip = gdb.integer(f"{kernel_stack_frame(index)}->eip")
    backtrace = gdb.command("bt")
    frames = backtrace_frames(backtrace)
    names = [frame.function for frame in frames]
    assert "trap_common" in names, f"bt should go up to trap_common:\n{backtrace}"
    user = frames[names.index("trap_common") + 1:]
    assert user and user[0].address == user_eip, \
        f"after trap_common comes the user code at the trap frame's eip {user_eip:#010x}:\n" \
        f"{backtrace}"
    assert [frame.function for frame in user] == ["exit", "_start"], \
        f"the user frames are the exit stub and _start, and nothing after:\n{backtrace}"
    assert (user[0].location or "").startswith("lib/user/usys.S:") and \
        (user[1].location or "").startswith("lib/user/crt0.S:"), backtrace


DISPLAY_VALUE = re.compile(r"^(\d+): (/x )?(argc|current_proc->pid) = (\S+)$", re.MULTILINE)


def test_gdb_displays_survive_the_user_symbol_swap(gdb_boot, rng):
    """display expressions are kept when exec changes the program's symbols"""
    words = random_words(rng)
    run, gdb = gdb_boot("init=echo " + " ".join(words))
    gdb.command("usym init")
    gdb.command("break main")
    gdb.command("continue", timeout=RUN_TIMEOUT)        # init's main: argc = 2 + words
    for expression in ("argc", "/x argc", "current_proc->pid"):
        gdb.command("display " + expression)
    gdb.command("delete")
    gdb.command("break sys_exec")
    gdb.command("continue", timeout=RUN_TIMEOUT)
    swapped = gdb.command("finish", timeout=RUN_TIMEOUT)   # echo's symbols replace init's
    assert symbols_loaded(swapped, "echo", gdb.integer("current_proc->pid")), swapped
    gdb.command("delete")
    gdb.command("break main")
    stopped = gdb.command("continue", timeout=RUN_TIMEOUT)
    assert stop_location(stopped) == "main", f"should stop in echo's main:\n{stopped}"
    shown = {(fmt or "") + name: value for _, fmt, name, value in DISPLAY_VALUE.findall(stopped)}
    argc = len(words) + 1
    assert shown == {"argc": str(argc), "/x argc": f"{argc:#x}",
                     "current_proc->pid": str(gdb.integer("current_proc->pid"))}, \
        f"the three displays should show echo's argc ({argc}) and the pid at its main:\n{stopped}"
    table = gdb.command("info display")
    assert len(re.findall(r"^\d+:\s+y\s", table, re.MULTILINE)) == 3, \
        f"all three displays should be there, enabled:\n{table}"


def test_gdb_break_on_a_user_function_before_its_symbols_says_usym(gdb_boot, kernel_elf, rng):
    """break on a user program's function before its symbols are loaded says to usym it"""
    run, gdb = gdb_boot("init=echo hello")
    programs = sorted(path.stem for path in (kernel_elf.parent / "user").glob("*.elf"))
    defined = {program: {name for _, _, name in program_functions(kernel_elf, program)}
               for program in programs}
    kernel = set(NM_LINE_ANY.findall(subprocess.run(
        ["nm", "--defined-only", str(kernel_elf)], check=True, capture_output=True,
        text=True).stdout))
    only = sorted((name, program) for program, names in defined.items() for name in names
                  if re.fullmatch(r"[A-Za-z_]\w*", name) and name not in kernel
                  and sum(name in other for other in defined.values()) == 1)
    name, program = rng.choice(only)

    hint = gdb.command(f"break {name}")
    assert f"`usym {program}`" in hint and not re.search(r"^Breakpoint \d+ at", hint, re.MULTILINE), \
        f"`break {name}` before any user symbols: {name} is in {program} alone, so the " \
        f"hint should say `usym {program}`:\n{hint}"
    hint = gdb.command("break main")
    assert "every user program" in hint and "`usym " in hint, \
        f"`break main` should say main is in every program, and to usym one first:\n{hint}"
    gdb.command(f"usym {program}")
    set_at = gdb.command(f"break {name}")
    assert re.search(r"^Breakpoint \d+ at 0x4[0-9a-f]{7}", set_at, re.MULTILINE), \
        f"after `usym {program}`, `break {name}` should find it:\n{set_at}"
