"""Lab 1: booting, the command line, the console, printf and the timer.

These check the kernel's foundation through its serial console, with
values chosen by the test at run time (seed=, hz=, words typed at the
monitor), so an answer printed from memory cannot pass.

All of it is given code, not lab 1's part (the backtrace walker,
test_lab1_backtrace.py): these are sanity checks without points, so that
points go to the student's work and a fresh lab 1 tree scores 0. Their
parts still say which check failed; each is worth 0."""

import re

import pytest

import ktest_random
import qemu

READY = re.compile(r"beta86: ready after (\d+) instructions")


def test_boots_and_shuts_down(boot, part):
    """boots, prints the banner, shuts down cleanly"""
    run = boot("init=boot")
    with part(0, "the first line is the banner"):
        first = run.lines[0] if run.lines else ""
        assert first.startswith("beta86: booting (cmdline: '"), \
            f"the first line is {first!r}, not 'beta86: booting (cmdline: ...)'"
    with part(0, "a 'beta86: ready after N instructions' line"):
        assert READY.search(run.output), "no 'beta86: ready after N instructions' line"
    with part(0, "init=boot says hello"):
        assert "boot: hello from pid 0" in run.output, "no 'boot: hello from pid 0' line"
    with part(0, "a clean shutdown"):
        run.expect_exit("success")


def test_same_command_line_same_output(boot, rng):
    """the same command line twice gives byte-identical output"""
    cmdline = f"seed={rng.randrange(1, 2**32)} hz={rng.choice([100, 250, 1000])} init=printf"
    first = boot(cmdline)
    second = boot(cmdline)
    first.expect_exit("success")
    second.expect_exit("success")
    assert first.output == second.output


def test_command_line_errors_are_reported(boot, rng, part):
    """unknown keys and bad values are reported; after init=, every word is init's"""
    key = f"bogus{rng.randrange(1000)}"
    words = [f"w{rng.randrange(10**6)}" for _ in range(rng.randrange(1, 5))]
    # After init=NAME even key=value words and kernel keys are arguments.
    words.insert(rng.randrange(len(words) + 1), f"k{rng.randrange(1000)}=v{rng.randrange(1000)}")
    words.insert(rng.randrange(len(words) + 1), f"seed={rng.randrange(1, 1000)}")
    run = boot(f"{key}=1 hz=fast init=args " + " ".join(words))
    with part(0, "an unknown key is reported"):
        assert f"cmdline: unknown key '{key}'" in run.output, \
            f"no 'cmdline: unknown key '{key}'' line"
    with part(0, "a bad value is reported"):
        assert "cmdline: bad value 'fast' for hz" in run.output, \
            "no 'cmdline: bad value 'fast' for hz' line"
    with part(0, "words after init= are not kernel keys"):
        assert "unknown key 'k" not in run.output, "a key=value word after init= was taken as a key"
        banner = re.search(r"beta86: ready after \d+ instructions \(.*\bseed=(\d+)", run.output)
        assert banner and banner.group(1) == "0", \
            "a seed= after init= set the kernel's seed instead of being one of init's arguments"
    with part(0, "init gets every word after init= as an argument"):
        assert f"args: argc={len(words) + 1}" in run.output, f"no 'args: argc={len(words) + 1}' line"
        for i, word in enumerate(words, start=1):
            assert f"args: argv[{i}]='{word}'" in run.output, f"no \"args: argv[{i}]='{word}'\" line"
    with part(0, "a clean shutdown"):
        run.expect_exit("success")


def test_timer_runs_at_requested_rate(boot, rng, part):
    """the PIT interrupts hz times per (virtual) second"""
    hz = rng.randrange(50, 2000)
    run = boot(f"hz={hz} init=timer")
    with part(0, f"the timer ticks at hz={hz}"):
        match = re.search(r"timer: hz=(\d+), (\d+) ticks took (\d+) instructions", run.output)
        assert match, "no 'timer: hz=N, N ticks took N instructions' line"
        assert int(match.group(1)) == hz, f"the timer line says hz={match.group(1)}, not hz={hz}"
        ticks, instructions = int(match.group(2)), int(match.group(3))
        # Under -icount shift=0 one instruction is one nanosecond of virtual time.
        expected = ticks * 1e9 / hz
        assert abs(instructions - expected) / expected < 0.005, \
            f"{ticks} ticks took {instructions} instructions; at {hz} Hz expected about {expected:.0f}"
    with part(0, "a clean shutdown"):
        run.expect_exit("success")


def expected_printf_lines(seed):
    """What ktest_printf prints for seed, formatted by Python's % operator."""
    values = ktest_random.sequence(seed, 16)
    lines = []
    for i in range(8):
        u, d = values[2 * i], ktest_random.to_int32(values[2 * i + 1])
        word = "odd" if u & 1 else "even"
        lines.append("printf: [%d] [%i] [%u] [%x] [%X] [%08x] [%-6d|] [%6u] [%c] [%s] [%%]" % (
            d, ktest_random.c_div(d, 7), u, u, u, u >> 12, ktest_random.c_mod(d, 1000),
            u % 100000, chr(ord("a") + u % 26), word))
        lines.append("printf: [%d] [%u] [%u] [0x%08x]" % (d, u, u * u, u))
    return lines


def test_printf_formats(boot, rng, part):
    """printf agrees with C semantics on seed-derived values"""
    seed = rng.randrange(1, 2**32)
    run = boot(f"seed={seed} init=printf")
    printed = [line for line in run.lines if line.startswith("printf: ")]
    expected = expected_printf_lines(seed)
    # Each value is printed on two lines; one part for each value's pair.
    for value in range(0, len(expected), 2):
        with part(0, f"the lines of value {value // 2 + 1} of {len(expected) // 2}"):
            difference = qemu.lines_in_order(expected[value:value + 2], printed[value:value + 2])
            assert not difference, difference
    with part(0, "no other printf lines, and a clean shutdown"):
        assert len(printed) <= len(expected), qemu.lines_in_order(expected, printed)
        run.expect_exit("success")


def test_monitor_reads_the_console(boot, rng, part):
    """the kernel monitor echoes words typed on the serial console"""
    run = boot("init=kmon", wait=False)
    run.expect_exact("kmon> ")
    words = " ".join(f"x{rng.randrange(10**9)}" for _ in range(3))
    command = f"nosuch{rng.randrange(1000)}"
    with part(0, "echo prints the words typed"):
        run.sendline(f"echo {words}")
        run.expect_exact(f"\n{words}\n")
    with part(0, "an unknown command is reported"):
        run.sendline(command)
        run.expect_exact(f"kmon: unknown command '{command}'")
    with part(0, "halt shuts down cleanly"):
        run.sendline("halt")
        run.expect_exit("success")


def test_monitor_runs_a_kernel_test_with_arguments(boot, rng):
    """the kernel monitor's run command runs a kernel test with its arguments, as init= would"""
    run = boot("init=kmon", wait=False)
    run.expect_exact("kmon> ")
    missing = f"nosuch{rng.randrange(1000)}"
    run.sendline(f"run {missing}")
    run.expect_exact(f"kmon: no kernel test or user program is called '{missing}'")
    run.expect_exact("kmon> ")
    words = [f"a{rng.randrange(10**6)}" for _ in range(rng.randrange(1, 5))]
    run.sendline("run args " + " ".join(words))
    run.expect_exact(f"args: argc={len(words) + 1}")
    for i, word in enumerate(words, start=1):
        run.expect_exact(f"args: argv[{i}]='{word}'")
    run.expect_exit("success")


KEY_INTERVAL = 0.05  # seconds between keys; not part of any verdict


class MonitorKeyboard:
    """Types on the PS/2 keyboard through QEMU's monitor (sendkey), one
    connection for the whole test."""

    KEYS = {" ": "spc", "\n": "ret"}

    def __init__(self, path):
        import socket
        import time
        self.sock = socket.socket(socket.AF_UNIX)
        for _ in range(100):                       # QEMU creates it at start-up
            try:
                self.sock.connect(path)
                return
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.05)
        raise AssertionError(f"QEMU's monitor socket {path} never appeared")

    def type(self, text):
        import time
        for ch in text:
            # One key at a time: the PS/2 controller's queue is short.
            self.sock.sendall(f"sendkey {self.KEYS.get(ch, ch)}\n".encode())
            time.sleep(KEY_INTERVAL)

    def command(self, line):
        """Run a monitor command and return its reply (up to the prompt)."""
        self.sock.settimeout(10)
        self.sock.sendall(line.encode() + b"\n")
        reply = b""
        # The monitor echoes the line as it "edits" it; the reply follows
        # the last, complete echo and ends at the next prompt.
        echoed = line.encode()
        while echoed not in reply or b"(qemu)" not in reply.rsplit(echoed, 1)[-1]:
            reply += self.sock.recv(65536)
        return reply.decode(errors="replace").rsplit(line, 1)[-1]

    def close(self):
        self.sock.close()


VGA_TEXT = 0xB8000
VGA_COLS = 80
VGA_ROWS_READ = 16      # enough for the boot lines, wrapped long paths and kmon's echo


def vga_screen(monitor, rows):
    """The first `rows` rows of the VGA text screen, as strings."""
    cells = rows * VGA_COLS
    reply = monitor.command(f"xp /{cells}xh {VGA_TEXT:#x}")
    words = [int(w, 16) for w in re.findall(r"\b0x([0-9a-f]{4})\b", reply)]
    text = "".join(chr(w & 0xFF) for w in words[:cells])
    return [text[i:i + VGA_COLS].rstrip() for i in range(0, len(text), VGA_COLS)]


def test_keyboard_input_reaches_the_console(boot, rng):
    """keys typed on the PS/2 keyboard arrive as console input"""
    import tempfile
    from pathlib import Path
    monitor_path = Path(tempfile.mkdtemp(prefix="beta86-", dir="/tmp")) / "monitor.sock"
    # SeaBIOS: qboot leaves the keyboard controller and the VGA unset (qemu.FIRMWARE).
    run = boot("init=kmon", wait=False, firmware="seabios",
               extra_args=("-monitor", f"unix:{monitor_path},server=on,wait=off"))
    run.expect_exact("kmon> ")
    keyboard = MonitorKeyboard(str(monitor_path))
    try:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
        keyboard.type(f"echo {word}\n")
        run.expect_exact(f"\n{word}\n")
        keyboard.type("halt\n")
        run.expect_exit("success")
    finally:
        keyboard.close()


def test_console_is_mirrored_on_vga(boot, rng):
    """what the kernel prints on the serial line also appears on the VGA screen"""
    import tempfile
    from pathlib import Path
    monitor_path = Path(tempfile.mkdtemp(prefix="beta86-", dir="/tmp")) / "monitor.sock"
    # SeaBIOS: qboot leaves the keyboard controller and the VGA unset (qemu.FIRMWARE).
    run = boot("init=kmon", wait=False, firmware="seabios",
               extra_args=("-monitor", f"unix:{monitor_path},server=on,wait=off"))
    run.expect_exact("kmon> ")
    word = f"vga{rng.randrange(10**8)}"
    run.sendline(f"echo {word}")
    run.expect_exact(f"\n{word}\n")
    run.expect_exact("kmon> ")
    monitor = MonitorKeyboard(str(monitor_path))
    try:
        screen = vga_screen(monitor, VGA_ROWS_READ)
    finally:
        monitor.close()
    serial_lines = run.output.rstrip("\n").split("\n")
    assert screen[0] == serial_lines[0][:VGA_COLS], screen
    assert f"kmon> echo {word}" in screen and word in screen, screen
