"""Lab 4: system calls from user mode. Each test boots one user program as
pid 1 (`init=usertests syscalls SEED WORD NUMBERS...`: init execs it in its
own place) and reads what it printed. Nothing here needs fork, pipes or
sbrk, which are lab 5's. The seed, the word and the unknown system call
numbers are chosen at run time (see user/usertests.c, part "syscalls")."""

import re
import string
from pathlib import Path

import pytest

from userprog import FAST, kernel_trouble, verdict_lines, xorshift32

# The highest system call number, as the kernel's one list says.
SYSCALL_MAX = int(re.search(r"^#define SYSCALL_MAX (\d+)", (Path(__file__).resolve().parent.parent
                            / "lib" / "syscall_list.h").read_text(), re.M).group(1))
E_INVAL = 1                     # lib/abi.h: an argument is out of range
E_NOSYS = 11


def boot_syscalls(boot, rng, numbers=()):
    """Boot usertests' syscalls part; returns (run, seed, word)."""
    seed = rng.randrange(1, 2**31)
    word = "".join(rng.choice(string.ascii_letters + string.digits)
                   for _ in range(rng.randrange(6, 20)))
    extra = " ".join(f"0x{n:08x}" for n in numbers)
    run = boot(f"{FAST} init=usertests syscalls {seed} {word} {extra}")
    return run, seed, word


def check_finished(run):
    """The part ran to its end: OK, pid 1 exited 0, a clean shutdown."""
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    failed = verdict_lines(run.output)
    assert not failed, "usertests said:\n" + "\n".join(failed)
    assert "usertests: syscalls: OK" in run.output, "no 'usertests: syscalls: OK' line"
    assert "beta86: init exited with status 0" in run.output
    run.expect_exit("success")


def line_of(run, pattern, what):
    match = re.search(pattern, run.output, re.M)
    if not match:
        failed = verdict_lines(run.output)
        raise AssertionError(f"no line for {what}" +
                             (": usertests said:\n" + "\n".join(failed) if failed else ""))
    return match


@pytest.mark.points(5)
def test_getpid_and_getppid_of_pid_1(boot, rng):
    """the first program runs as pid 1 and its parent is 0 (none)"""
    run, _, _ = boot_syscalls(boot, rng)
    match = line_of(run, r"^usertests: syscalls: getpid=(-?\d+) getppid=(-?\d+)$",
                    "getpid/getppid")
    assert int(match.group(1)) == 1, f"getpid() returned {match.group(1)}, expected 1"
    assert int(match.group(2)) == 0, f"getppid() of pid 1 returned {match.group(2)}, expected 0"
    check_finished(run)


@pytest.mark.points(5)
def test_uptime_advances(boot, rng):
    """uptime() advances while a user process spins, and sleep(n) lasts n ticks"""
    run, seed, _ = boot_syscalls(boot, rng)
    match = line_of(run, r"^usertests: syscalls: uptime (-?\d+) -> (-?\d+) after (\d+) "
                         r"instructions of spinning; sleep\((\d+)\): (-?\d+) -> (-?\d+)$", "uptime")
    t0, t1, spun, nap, t2, t3 = map(int, match.groups())
    assert t1 > t0, f"uptime stayed at {t0} while user code spun for {spun} instructions"
    assert spun <= 2_000_000, f"a tick at hz=1000 took {spun} instructions of user spinning"
    assert nap == 1 + seed % 7
    assert t3 - t2 >= nap, f"sleep({nap}) returned after {t3 - t2} ticks"
    assert t3 - t2 <= nap + 2, f"sleep({nap}) took {t3 - t2} ticks"
    check_finished(run)


@pytest.mark.points(5)
def test_write_reaches_the_console(boot, rng):
    """write(1, word, n) prints the grader's word and returns n"""
    run, _, word = boot_syscalls(boot, rng)
    assert f"usertests: syscalls: echo <{word}>\n" in run.output, \
        f"the word {word!r} did not come out between 'echo <' and '>'"
    check_finished(run)


@pytest.mark.points(5)
def test_unknown_numbers_give_enosys(boot, rng):
    """0, numbers above the last system call, negative and huge ones: -E_NOSYS"""
    numbers = [rng.randrange(SYSCALL_MAX + 1, 256), rng.randrange(256, 2**31),
               rng.randrange(2**31, 2**32), 2**32 - rng.randrange(1, 100)]
    run, _, _ = boot_syscalls(boot, rng, numbers)
    results = {int(n, 16): int(r) for n, r in
               re.findall(r"^usertests: syscalls: nosys 0x([0-9a-f]{8}) -> (-?\d+)$",
                          run.output, re.M)}
    for number in numbers + [0, SYSCALL_MAX + 1, 2**32 - 1]:
        assert number in results, f"system call {number:#x} was not tried (see the output)"
        assert results[number] == -E_NOSYS, \
            f"system call {number:#x} returned {results[number]}, expected -E_NOSYS (-{E_NOSYS})"
    check_finished(run)


@pytest.mark.points(10)
def test_system_calls_preserve_registers(boot, rng):
    """every register but %eax survives system calls (blocking ones too) and timer interrupts"""
    run, _, _ = boot_syscalls(boot, rng)
    line_of(run, r"^usertests: syscalls: registers preserved across \d+ system calls and "
                 r"\d+ timer ticks$", "the register check")
    check_finished(run)


@pytest.mark.points(5)
def test_bad_descriptors_give_ebadf(boot, rng):
    """read and write of descriptors that are not open (or out of range): -E_BADF"""
    run, _, _ = boot_syscalls(boot, rng)
    line_of(run, r"^usertests: syscalls: bad descriptors give E_BADF$", "bad descriptors")
    check_finished(run)


@pytest.mark.points(3)
def test_init_arguments_may_contain_equals(boot, rng):
    """after init=PROG, every word is PROG's, even key=value ones (init=echo a=b prints a=b)"""
    def word():
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(1, 8)))
    words = [f"{word()}={word()}", word(), f"seed={rng.randrange(1, 10**6)}", f"{word()}=",
             f"={word()}"]
    rng.shuffle(words)
    run = boot(f"{FAST} init=echo " + " ".join(words))
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert "unknown key" not in run.output and "is not key=value" not in run.output, \
        "the kernel took a word after init=echo for its own:\n" + \
        "\n".join(l for l in run.lines if l.startswith("cmdline:"))
    assert " ".join(words) in run.lines, \
        f"echo did not print its arguments {' '.join(words)!r} on a line of their own"
    assert "beta86: init exited with status 0" in run.output
    run.expect_exit("success")


def boot_uaccess(boot, rng):
    """Boot usertests' uaccess part; returns (run, seed)."""
    seed = rng.randrange(1, 2**31)
    return boot(f"{FAST} init=usertests uaccess {seed}"), seed


@pytest.mark.points(3)
def test_the_last_system_call_is_dispatched(boot, rng):
    """the last system call (cap_narrow) answers, and memfree answers the free frames"""
    run, _ = boot_uaccess(boot, rng)
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    at_boot = re.search(r"^beta86: ready after .*, (\d+) free frames\)$", run.output, re.M)
    assert at_boot, "no 'beta86: ready' banner with the free frames"
    match = line_of(run, r"^usertests: uaccess: memfree=(-?\d+)$", "memfree")
    frames, boot_frames = int(match.group(1)), int(at_boot.group(1))
    assert 0 < frames < boot_frames, (f"memfree() returned {frames}; at boot {boot_frames} "
                                      "frames were free, and pid 1 has taken some since")
    last = line_of(run, r"^usertests: uaccess: last=(\d+) cap_narrow\(0, 1, 0\)=(-?\d+)$",
                   "the last system call")
    assert int(last.group(1)) == SYSCALL_MAX and int(last.group(2)) == -E_INVAL, \
        (f"cap_narrow(0, 1, 0) (an empty range), system call {SYSCALL_MAX}, returned "
         f"{last.group(2)}, not -E_INVAL ({-E_INVAL}): -E_NOSYS ({-E_NOSYS}) means it was "
         "not dispatched")


@pytest.mark.points(3)
def test_zero_length_ranges_outside_user_space_fail(boot, rng):
    """read and write of 0 bytes at null, kernel or above-user addresses: -E_FAULT; on an unmapped user page: 0"""
    run, _ = boot_uaccess(boot, rng)
    line_of(run, r"^usertests: uaccess: zero-length ranges outside user space refused",
            "zero-length ranges")


@pytest.mark.points(5)
def test_ranges_are_checked_on_every_page(boot, rng):
    """a buffer is checked on every page it touches, without wrapping, writable when read into"""
    run, seed = boot_uaccess(boot, rng)
    state, letters = seed, ""
    for _ in range(16):
        state = xorshift32(state)
        letters += chr(ord("a") + state % 26)
    assert f"usertests: uaccess: edge <{letters}>\n" in run.output, \
        f"write() of the 16 bytes below the heap did not print {letters!r}"
    explain_a_read_that_waits(run)
    line_of(run, r"^usertests: uaccess: page-crossing, wrapping and read-only ranges refused$",
            "page-crossing ranges")
    assert "usertests: uaccess: OK" in run.output
    check_finished_part(run)


def explain_a_read_that_waits(run):
    """After the edge line usertests reads from the console into ranges
    that must be refused. A check that lets one pass (most often a range
    that wraps around 4 GiB, its end computed as va + len) does not fail
    the call: read waits for keyboard input that never comes, and the bare
    hang would say only "idle in sleep". Say what the wait means."""
    if run.kind == "hang" and run.hang is not None and "tty_read" in run.ending_story():
        run.hang_meaning = (
            "read(0, ...) into a range uaccess_ok must refuse was let through and waits for "
            "the keyboard: read(0, 0xbffffff8, 0x7ffffff0) wraps around 4 GiB (compare len > "
            "USER_TOP - va, never va + len), read(0, unmapped - 4104, 4112) ends in an "
            "unmapped page, read(0, text, 16) is read-only")


def check_finished_part(run):
    trouble = kernel_trouble(run.output)
    assert not trouble, trouble
    assert "beta86: init exited with status 0" in run.output
    run.expect_exit("success")
