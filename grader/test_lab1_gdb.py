"""Lab 1 with GDB: attaching to the kernel, breakpoints, and `bt`; and the
commands that start them, `make qemu-gdb` and `make gdb`.

GDB is started the way a student starts it (`gdb -n -x .gdbinit` in the
kernel tree) against QEMU halted at its first instruction; see
grader/gdb_session.py. The call chain that `bt` must show follows from a
seed the test picks. The last tests run `make qemu-gdb` and `make gdb`
themselves: one port for both (a free one when the default is busy), and
make's exit status after the kernel shuts down.

GDB, .gdbinit and the kernel's debug information are given, not lab 1's
part, so these are sanity checks without points (a fresh lab 1 tree passes
them): they show that the tools a student debugs with work."""

import errno
import fcntl
import os
import re
import socket

import pexpect
import pytest

import gdb_session
import qemu
from gdb_session import backtrace_frames, stop_location

BT_MIN_DEPTH = 2          # kernel/tests/lab1_tests.c: depth = 2 + seed % 6
BT_DEPTH_RANGE = 6
MULTIBOOT_MAGIC = 0x2BADB002
DEPTH_ARGUMENT = re.compile(r"^#(\d+) .*\bbt_p[io]ng \(depth=(?:depth@entry=)?(\d+)\b",
                            re.MULTILINE)


def recursion_chain(depth):
    """bt_ping(depth) calls bt_pong(depth - 1), ... down to 0: the frames
    of that chain, innermost first."""
    outermost_first = ["bt_ping" if level % 2 == 0 else "bt_pong"
                       for level in range(depth + 1)]
    return outermost_first[::-1]


def test_gdb_attaches_and_stops_in_kmain(gdb_boot):
    """GDB loads the kernel's symbols, connects, and stops at break kmain"""
    run, gdb = gdb_boot("init=boot")
    assert "warning" not in gdb.startup.lower(), \
        f"GDB warned while starting with .gdbinit:\n{gdb.startup}"
    set_at = gdb.command("break kmain")
    match = re.search(r"Breakpoint 1 at 0x([0-9a-f]+): file (\S+), line \d+", set_at)
    assert match and match.group(2) == "kernel/boot/main.c", \
        f"`break kmain` did not find kmain in the kernel's symbols:\n{set_at}"
    stopped = gdb.command("continue")
    assert stop_location(stopped) == "kmain", f"`continue` did not stop in kmain:\n{stopped}"
    assert gdb.integer("$eip") == int(match.group(1), 16)
    assert gdb.integer("magic") == MULTIBOOT_MAGIC, \
        "kmain's first argument should be the multiboot magic"


def test_gdb_backtrace_through_recursion(gdb_boot, rng):
    """bt at bt_leaf shows the seed's bt_ping/bt_pong chain down to kmain"""
    seed = rng.randrange(1, 2**32)
    depth = BT_MIN_DEPTH + seed % BT_DEPTH_RANGE
    run, gdb = gdb_boot(f"seed={seed} init=backtrace")
    gdb.command("break bt_leaf")
    stopped = gdb.command("continue")
    assert stop_location(stopped) == "bt_leaf", f"`continue` did not stop in bt_leaf:\n{stopped}"
    run.expect_exact(f"backtrace test: depth {depth}\n")

    backtrace = gdb.command("bt")
    names = [frame.function for frame in backtrace_frames(backtrace)]
    expected = ["bt_leaf"] + recursion_chain(depth) + ["ktest_backtrace"]
    assert names[:len(expected)] == expected, (
        f"seed {seed} gives depth {depth}: bt should start with\n  {expected}\n"
        f"but shows\n  {names}\n{backtrace}")
    assert "kmain" in names[len(expected):], f"bt does not reach kmain:\n{backtrace}"
    # Where GDB can show the argument, it counts up from 0 at bt_leaf's caller.
    for level, shown in DEPTH_ARGUMENT.findall(backtrace):
        assert int(shown) == int(level) - 1, \
            f"frame #{level} should have depth={int(level) - 1}:\n{backtrace}"


# ---- make qemu-gdb and make gdb ---------------------------------------------------
#
# These run the student's own commands in the tree under test: `make
# qemu-gdb` (through a pty, as in a terminal) and `make gdb`. They check the
# given tools, not the student's code, so they carry no points.

MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
MAKE_TIMEOUT = 120        # s; a guard: make has nothing to build, QEMU boots at once
BUSY_DEFAULT = re.compile(r"port (\d+), your default \(26000 \+ uid % 5000\), is busy; "
                          r"using port (\d+) instead")
STUB_LINE = "GDB stub on localhost:{}."
PANIC_EXIT = "Error 35"   # make's words for QEMU's failure status (the kernel panicked)


class MakeQemuGdb:
    """`make qemu-gdb ARGS...` running in a tree, in a pty of its own."""

    def __init__(self, kernel_dir, log_path, args):
        env = {name: value for name, value in os.environ.items() if name not in MAKE_VARIABLES}
        env["TERM"] = "dumb"
        self.output = ""
        self._log = open(log_path, "w", encoding="utf-8")
        self._child = pexpect.spawn("make", ["-s", "qemu-gdb", *args], cwd=str(kernel_dir),
                                    env=env, encoding="utf-8", codec_errors="replace",
                                    echo=False, timeout=None)

    def _take(self, text):
        text = (text or "").replace("\r\n", "\n")
        self.output += text
        self._log.write(text)
        self._log.flush()

    def expect(self, pattern, timeout=MAKE_TIMEOUT):
        """Wait for a regex in its output; returns the match."""
        try:
            self._child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF):
            self._take(self._child.before)
            raise AssertionError(f"`make qemu-gdb` never printed {pattern!r}; it printed:\n"
                                 f"{self.output}") from None
        self._take(self._child.before + self._child.after)
        return self._child.match

    def wait_exit(self, timeout=MAKE_TIMEOUT):
        """Wait for make to end; its exit status."""
        try:
            self._child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self._take(self._child.before)
            raise AssertionError(f"`make qemu-gdb` did not end; it printed:\n"
                                 f"{self.output}") from None
        self._take(self._child.before)
        self._child.close()
        return self._child.exitstatus

    def close(self):
        """Kill make and what it started (QEMU): its process group."""
        gdb_session.kill_process_group(self._child)
        self._log.close()


@pytest.fixture
def make_qemu_gdb(request, kernel_dir, grade_log_dir):
    """start(*make_args) -> MakeQemuGdb. One at a time per tree (a lock):
    `make qemu-gdb` owns the tree's build/gdbport while it runs."""
    grade_log_dir.mkdir(parents=True, exist_ok=True)
    lock = open(kernel_dir / "build" / "qemu-gdb.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    runs = []

    def start(*args):
        name = request.node.name + (f"-{len(runs) + 1}" if runs else "")
        path = grade_log_dir / f"{name}.make.log"
        print(f"make qemu-gdb output: {path}")      # shown if the test fails
        run = MakeQemuGdb(kernel_dir, path, args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.close()
    lock.close()


@pytest.fixture
def make_gdb(request, kernel_dir, grade_log_dir):
    """start(port=None) -> a GdbSession started as `make gdb` (port None:
    it finds the port itself, as a student's does)."""
    sessions = []

    def start(port=None):
        path = grade_log_dir / f"{request.node.name}-{len(sessions) + 1}.gdb.log"
        session = gdb_session.GdbSession(kernel_dir, port, path, make_gdb=port is None)
        sessions.append(session)
        session.wait_until_ready()
        return session

    yield start
    for session in sessions:
        session.close()


def listening_socket(port):
    """A socket listening on localhost:port, or None if something else
    already does (then the port is busy all the same). SO_REUSEADDR, as
    QEMU and tools/gdbport.py bind: a connection of an earlier test left
    in TIME_WAIT on the port (in a batch grade, whose ports are a small
    range used again and again) must not make the bind fail, or nothing
    would hold the port and make qemu-gdb would find it free."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            return None
        raise
    sock.listen()
    return sock


def test_make_qemu_gdb_moves_off_a_busy_port_and_make_gdb_follows(make_qemu_gdb, make_gdb,
                                                                   kernel_dir):
    """make qemu-gdb takes a free port if its default is busy, says so; make gdb finds it"""
    # The test's own stand-in for the per-user default (DEFAULT_GDBPORT in
    # the Makefile), which it keeps busy: the real default is shared by
    # every tree graded at the same time, so its state is no one's to set.
    default = qemu.unused_tcp_port()
    holder = listening_socket(default)
    try:
        run = make_qemu_gdb(f"DEFAULT_GDBPORT={default}", "APPEND=init=boot")
        match = run.expect(BUSY_DEFAULT)
        assert int(match.group(1)) == default, f"the default port is {default}:\n{run.output}"
        chosen = int(match.group(2))
        assert chosen != default
        run.expect(re.escape(STUB_LINE.format(chosen)))
        written = (kernel_dir / "build" / "gdbport").read_text().strip()
        assert written == str(chosen), \
            f"build/gdbport should hold the port QEMU listens on, {chosen}: {written!r}"
        gdb = make_gdb()
        assert f"localhost:{chosen}" in gdb.startup, \
            f"`make gdb` should connect to port {chosen}:\n{gdb.startup}"
        gdb.command("break kmain")
        stopped = gdb.command("continue")
        assert stop_location(stopped) == "kmain", f"`continue` did not stop in kmain:\n{stopped}"
        assert gdb.integer("magic") == MULTIBOOT_MAGIC
    finally:
        if holder is not None:
            holder.close()

    # A port the student chose is not changed behind their back: busy is an error.
    holder = listening_socket(chosen)
    try:
        refused = make_qemu_gdb(f"GDBPORT={chosen}", "APPEND=init=boot")
        status = refused.wait_exit()
        assert status != 0 and f"port {chosen} (GDBPORT={chosen}) is busy" in refused.output, \
            f"`make qemu-gdb GDBPORT={chosen}` on a busy port should fail, saying so " \
            f"(exit {status}):\n{refused.output}"
        assert STUB_LINE.format(chosen) not in refused.output
    finally:
        if holder is not None:
            holder.close()


def test_make_qemu_gdb_treats_a_clean_shutdown_as_success(make_qemu_gdb, make_gdb, kernel_dir,
                                                          rng, boot):
    """make qemu-gdb succeeds when the kernel shuts down cleanly, fails when it panics"""
    # `make qemu-gdb` runs QEMU at full speed, where no hang is found in
    # virtual time: first see both kernels end under the grader's eye, so
    # a kernel that hangs fails here in seconds, with the hang in words.
    seed = rng.randrange(1, 2**32)
    boot("init=boot").expect_exit("success")
    boot(f"seed={seed} init=panic").expect_exit("failure")
    port = qemu.unused_tcp_port()
    run = make_qemu_gdb(f"GDBPORT={port}", "APPEND=init=boot")
    run.expect(re.escape(STUB_LINE.format(port)))
    gdb = make_gdb(port)
    gdb.command("continue")
    status = run.wait_exit()
    assert "beta86: shutdown (success)" in run.output, f"init=boot shuts down:\n{run.output}"
    assert status == 0, f"a clean shutdown (QEMU status 33) is success for make, as for " \
                        f"`make qemu`; make exited {status}:\n{run.output}"
    assert not (kernel_dir / "build" / "gdbport").exists(), \
        "build/gdbport should go when QEMU exits (no port for `make gdb` to find)"

    port = qemu.unused_tcp_port()
    run = make_qemu_gdb(f"GDBPORT={port}", f"APPEND=seed={seed} init=panic")
    run.expect(re.escape(STUB_LINE.format(port)))
    gdb = make_gdb(port)
    gdb.command("continue")
    status = run.wait_exit()
    assert status != 0 and PANIC_EXIT in run.output, \
        f"a panic (QEMU status 35) is a failure for make; make exited {status}:\n{run.output}"
