"""Rules of the kernel's code that no boot can show, checked on the built
kernel (build/kernel.elf) with binutils.

- NOPREEMPT functions (kernel/cpu/nopreempt.h) call, or jump to, nothing
  outside the .nopreempt section but panic: the timer leaves a thread
  running only while its eip is inside the section, so a call out of it
  would run preemptible in the middle of the update it protects.
"""

import re
import subprocess

import pytest

pytestmark = pytest.mark.unit

ALLOWED_EXITS = {"panic"}       # never returns: nothing half-done is left to race
BRANCH = re.compile(r"^\s*([0-9a-f]+):\s+(call|jmp)\s+(\S+)(?:\s+<([^>+]+)(?:\+0x[0-9a-f]+)?>)?")


def symbol_address(elf, name):
    out = subprocess.run(["nm", str(elf)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    pytest.fail(f"{elf} has no symbol {name}")


def section_branches(elf, start, end):
    """(address, mnemonic, target text, target symbol) of every call and
    jmp between start and end."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={start:#x}",
                          f"--stop-address={end:#x}", str(elf)],
                         capture_output=True, text=True, check=True).stdout
    return [m.groups() for m in map(BRANCH.match, out.splitlines()) if m]


def test_nopreempt_functions_stay_in_their_section(kernel_elf):
    """NOPREEMPT functions call nothing outside .nopreempt but panic"""
    start = symbol_address(kernel_elf, "nopreempt_start")
    end = symbol_address(kernel_elf, "nopreempt_end")
    assert end > start, ".nopreempt is empty: is NOPREEMPT still used (fs/file.c)?"
    problems = []
    for address, mnemonic, target, symbol in section_branches(kernel_elf, start, end):
        if target.startswith("*"):
            problems.append(f"{address}: an indirect {mnemonic} {target}")
            continue
        if start <= int(target, 16) < end or symbol in ALLOWED_EXITS:
            continue
        problems.append(f"{address}: {mnemonic} {symbol or target}, outside .nopreempt")
    assert not problems, ("a NOPREEMPT function leaves its section (mark the callee "
                          "NOPREEMPT too, or use preempt_disable):\n" + "\n".join(problems))
