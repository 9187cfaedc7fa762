"""Lab 2 with GDB: the beta86 commands ps, ctx and pbt (tools/gdb/beta86.py).

Each is checked against an independent view of the same stopped kernel:
  ps   against the kernel's own table, printed by `call proc_dump(0)` on the
       serial console;
  ctx  against the raw fields of proc_table[i].kctx and the CPU's registers;
  pbt  against GDB's own `bt` once the thread really resumes from that
       saved context.
The scene: pingpong with a seed the test picks, stopped when the second
thread starts: pid 0 (kmain) sleeps in proc_join, ping0 has yielded,
ping1 is running, any further threads have never run."""

import re

import pytest

from gdb_session import backtrace_frames, proc_table_entries

PINGPONG_MIN_THREADS = 2      # kernel/tests/lab2_tests.c
PINGPONG_THREAD_RANGE = 3
STARTED_THREADS = 2           # stop when the second thread starts
KCTX_REGISTERS = ("ebx", "esi", "edi", "ebp", "esp", "eip")
TABLE_HEADER = "pid  state     name             where\n"
TABLE_ROW = re.compile(r"^(\d+) +(\S+) +(\S+) +(.*?)\s*$", re.MULTILINE)
REGISTER_LINE = re.compile(r"^\s+(\w+)\s+0x([0-9a-f]{8})\b(.*)$", re.MULTILINE)
KERNEL_TIMEOUT = 120          # s: a last guard; the kernel prints its table at once


def pingpong_with_two_threads_started(gdb_boot, rng):
    """Boot pingpong and stop when ping1 starts; return (run, gdb, nthreads)."""
    seed = rng.randrange(1, 2**32)
    nthreads = PINGPONG_MIN_THREADS + seed % PINGPONG_THREAD_RANGE
    run, gdb = gdb_boot(f"seed={seed} quantum=1000 init=pingpong")
    gdb.command("break pingpong_thread")
    for _ in range(STARTED_THREADS):
        gdb.command("continue")
    assert gdb.integer("current_proc->pid") == STARTED_THREADS, \
        f"expected pid {STARTED_THREADS} (ping1) to run now:\n{gdb.tail()}"
    gdb.command("delete")
    return run, gdb, nthreads


def table_rows(text):
    """{pid: (state, name, where)} of a process table (ours or the kernel's)."""
    return {int(pid): (state, name, where)
            for pid, state, name, where in TABLE_ROW.findall(text)}


def kernel_table(run, gdb, rows):
    """The kernel's own table: `call proc_dump(0)`, read from the console."""
    gdb.command("call proc_dump(0)")
    match = run.expect(re.escape(TABLE_HEADER) + r"((?:\d+ .*\n){%d})" % rows,
                       timeout=KERNEL_TIMEOUT)
    return table_rows(match.group(1))


def in_the_kernels_words(ours, kernels):
    """Our "where" says what the kernel's says: the same call chain, then
    " [kctx]" or " [trapframe]"; or the same words in parentheses
    ("(running)", "(not started)"), then an address."""
    if kernels.startswith("("):
        return ours.startswith(kernels + " ")
    return re.sub(r" \[(kctx|trapframe)\]$", "", ours) == kernels


def registers(text):
    """{name: (value, comment)} of `ctx` output."""
    return {name: (int(value, 16), comment.strip())
            for name, value, comment in REGISTER_LINE.findall(text)}


@pytest.mark.points(5)
def test_gdb_ps_matches_the_kernels_table(gdb_boot, rng):
    """ps shows what the kernel's own proc_dump shows"""
    run, gdb, nthreads = pingpong_with_two_threads_started(gdb_boot, rng)
    ours_text = gdb.command("ps")
    assert ours_text.startswith(TABLE_HEADER), f"ps prints no table header:\n{ours_text}"
    ours = table_rows(ours_text)
    assert sorted(ours) == list(range(nthreads + 1)), \
        f"ps should list pid 0 (kmain) and {nthreads} threads:\n{ours_text}"
    kernels = kernel_table(run, gdb, len(ours))
    for pid, (state, name, where) in kernels.items():
        assert ours[pid][:2] == (state, name), \
            f"pid {pid}: the kernel says {state} {name}, ps says {ours[pid]}"
        assert in_the_kernels_words(ours[pid][2], where), \
            f"pid {pid}: the kernel says it is at {where!r}, ps says {ours[pid][2]!r}"
    assert ours[STARTED_THREADS][2].startswith("(running) pingpong_thread+0x"), \
        f"ping1 is running in pingpong_thread:\n{ours_text}"


@pytest.mark.points(5)
def test_gdb_ctx_shows_saved_and_live_registers(gdb_boot, rng):
    """ctx shows each thread's saved kctx, and the running one's CPU registers"""
    run, gdb, nthreads = pingpong_with_two_threads_started(gdb_boot, rng)
    kernels = kernel_table(run, gdb, nthreads + 1)
    entries = proc_table_entries(gdb)
    for pid, (state, name, where) in kernels.items():
        shown = gdb.command(f"ctx {pid}")
        values = registers(shown)
        if where == "(running)":
            assert "live in the CPU" in shown.splitlines()[0], \
                f"ctx {pid} should say its registers are the CPU's:\n{shown}"
            for register in ("eip", "esp", "ebp"):
                assert values[register][0] == gdb.integer(f"${register}"), \
                    f"ctx {pid}: {register} is not the CPU's:\n{shown}"
            continue
        assert "in its kctx" in shown.splitlines()[0], \
            f"ctx {pid} should say its registers are in its kctx:\n{shown}"
        for register in KCTX_REGISTERS:
            saved = gdb.integer(f"proc_table[{entries[pid]}].kctx.{register}")
            assert values[register][0] == saved, \
                f"ctx {pid}: {register} should be {saved:#010x}:\n{shown}"
        if not where.startswith("("):        # not "(not started)"
            resume = where.split(" < ")[0]
            assert values["eip"][1].split()[0] == resume, \
                f"ctx {pid}: eip should be at {resume}, as the kernel says:\n{shown}"
    missing = gdb.command("ctx 4242")
    assert "no process with pid 4242" in missing, f"`ctx 4242` should say so:\n{missing}"


@pytest.mark.points(5)
def test_gdb_pbt_agrees_with_bt_when_the_thread_resumes(gdb_boot, rng):
    """pbt of a yielded thread shows the frames bt shows once it resumes"""
    run, gdb, nthreads = pingpong_with_two_threads_started(gdb_boot, rng)
    yielded = STARTED_THREADS - 1          # ping0
    saved = gdb.command(f"pbt {yielded}")
    frames = backtrace_frames(saved)
    names = [frame.function for frame in frames]
    path = ["sched_yield", "kthread_yield", "pingpong_thread"]
    assert [name for name in names if name in path] == path, \
        f"pbt {yielded} should go through {' -> '.join(path)}:\n{saved}"

    index = proc_table_entries(gdb)[yielded]
    resume = gdb.integer(f"proc_table[{index}].kctx.eip")
    gdb.command(f"break *{resume:#x} if current_proc == &proc_table[{index}]")
    gdb.command("continue")
    assert gdb.integer("current_proc->pid") == yielded, f"ping0 did not resume:\n{gdb.tail()}"
    live = gdb.command("bt")
    expected = [(frame.function, frame.location) for frame in backtrace_frames(live)]
    found = [(frame.function, frame.location) for frame in frames]
    assert found == expected[:len(found)], (
        f"pbt {yielded} before the thread resumed:\n{saved}\n"
        f"bt after it resumed:\n{live}")
    assert [frame.address for frame in frames[1:]] == \
        [frame.address for frame in backtrace_frames(live)[1:len(frames)]], \
        f"return addresses differ:\n{saved}\n{live}"
    assert names[-1] == "kthread_bootstrap", f"pbt should end at the thread's start:\n{saved}"


PRINTED_REGISTER = re.compile(r"\b(\w+) = (0x[0-9a-f]+)(?: <(\w+)(?:\+(\d+))?>)?")
PRINTED_PROC = re.compile(r"^\$\d+ = pid (\d+) \((\S+)\) (\w+), (.*?) = \{", re.MULTILINE)
SAVED_WORDS = {"(running)": "registers live in the CPU",
               "(not started)": "never run: kctx says where it starts"}


def printed_registers(text):
    """{name: (value, function, offset)} of a pretty-printed struct kctx."""
    return {name: (int(value, 16), function, int(offset or 0))
            for name, value, function, offset in PRINTED_REGISTER.findall(text)}


def test_gdb_prints_proc_and_kctx_in_words_and_hex(gdb_boot, rng):
    """print shows a struct proc's state in words and its kctx registers in hex"""
    run, gdb, nthreads = pingpong_with_two_threads_started(gdb_boot, rng)
    kernels = kernel_table(run, gdb, nthreads + 1)
    entries = proc_table_entries(gdb)
    for pid, (state, name, where) in kernels.items():
        shown = gdb.command(f"print proc_table[{entries[pid]}]")
        match = PRINTED_PROC.search(shown)
        assert match, f"print proc_table[{entries[pid]}] should begin 'pid N (name) state, " \
                      f"...':\n{shown}"
        assert (int(match.group(1)), match.group(2), match.group(3)) == (pid, name, state), \
            f"pid {pid} is {state} {name}, as the kernel says:\n{shown}"
        words = next((words for key, words in SAVED_WORDS.items() if where.startswith(key)),
                     "registers in kctx")
        assert match.group(4) == words, f"pid {pid}: expected {words!r}:\n{shown}"

        kctx = printed_registers(gdb.command(f"print proc_table[{entries[pid]}].kctx"))
        for register in KCTX_REGISTERS:
            saved = gdb.integer(f"proc_table[{entries[pid]}].kctx.{register}")
            assert kctx.get(register, (None,))[0] == saved, \
                f"pid {pid}: kctx.{register} should print as {saved:#x}: {kctx}"
        if where != "(running)":
            # A thread never run starts at the bootstrap (the kernel's
            # table names no address for it).
            resume = "kthread_bootstrap+0x0" if where.startswith("(") else where.split(" < ")[0]
            function, offset = resume.split("+")
            assert kctx["eip"][1:] == (function, int(offset, 16)), \
                f"pid {pid}: kctx.eip should print as <{resume}> (decimal offset): {kctx}"
