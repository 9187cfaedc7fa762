"""Host unit tests of tools/gdb/dwarf_cfi.py, the .debug_frame reader with
which the GDB commands ps, ctx and pbt walk a stopped thread's stack.

Its rows are checked against binutils' own reading of the same files,
`readelf --debug-dump=frames-interp`: for every row of every FDE of the
kernel and of every user program - the C functions, the trap path of
trap_entry.S, the system call stubs and crt0 - the CFA rule and the rule
of every register must be the ones readelf prints. Then the trap path's
rules are run on a made-up trap frame: the esp of the trapped code is
computed from the saved cs and eflags, as the CPU pushed it.

These tests carry no points; they are marked ``unit``.
"""

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tools" / "gdb"))
import dwarf_cfi  # noqa: E402

pytestmark = pytest.mark.unit

FDE_HEADER = re.compile(r"^[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.")
USER_MODE_CS = 0x1B           # USER_CS (cpu/gdt.h): RPL 3
KERNEL_MODE_CS = 0x08
KERNEL_DS = 0x10
EFLAGS_IF = 0x200


def readelf_rows(path):
    """[(address, {column: rule text})] from readelf's interpreted frames."""
    text = subprocess.run(["readelf", "--debug-dump=frames-interp", str(path)], check=True,
                          capture_output=True, text=True).stdout
    rows, columns, in_fde = [], None, False
    for line in text.splitlines():
        if FDE_HEADER.match(line):
            in_fde, columns = True, None
        elif " CIE " in line:
            in_fde = False
        elif in_fde and line.strip().startswith("LOC"):
            columns = line.split()[1:]
        elif in_fde and columns and re.match(r"^[0-9a-f]{8} ", line):
            fields = line.split()
            rows.append((int(fields[0], 16), dict(zip(columns, fields[1:]))))
    return rows


def rule_text(rule, names):
    """Our rule as readelf writes it."""
    if rule is None or rule[0] == "undefined":
        return "u"
    kind = rule[0]
    if kind == "same":
        return "s"
    if kind == "offset":
        return "c%+d" % rule[1]
    if kind == "val_offset":
        return "v%+d" % rule[1]
    if kind == "register":
        return names.get(rule[1], "r%d" % rule[1])
    return {"expression": "exp", "val_expression": "vexp"}[kind]


def cfa_text(cfa, names):
    if cfa[0] == "expression":
        return "exp"
    return "%s%+d" % (names[cfa[1]], cfa[2])


def program_files(kernel_elf):
    return [kernel_elf] + sorted((kernel_elf.parent / "user").glob("*.elf"))


def test_rows_are_those_readelf_reads(kernel_elf):
    """every CFI row of the kernel and the user programs reads as readelf reads it"""
    names = dict(dwarf_cfi.REGISTER_NAMES)
    checked = 0
    for path in program_files(kernel_elf):
        info = dwarf_cfi.CallFrameInfo.from_elf(path)
        for address, expected in readelf_rows(path):
            row, cie = info.row_at(address)
            names[cie.return_column] = "ra"
            ours = {"CFA": cfa_text(row.cfa, names)}
            for column in expected:
                if column == "CFA":
                    continue
                number = cie.return_column if column == "ra" else \
                    dwarf_cfi.REGISTER_NUMBERS[column]
                ours[column] = rule_text(row.rules.get(number), names)
            assert ours == expected, f"{path.name} at {address:#x}"
            checked += 1
    assert checked > 1000, f"only {checked} rows: is there CFI at all?"


def kernel_symbol(kernel_elf, name):
    output = subprocess.run(["nm", str(kernel_elf)], check=True, capture_output=True,
                            text=True).stdout
    match = re.search(r"^([0-9a-f]{8}) \w %s$" % re.escape(name), output, re.MULTILINE)
    assert match, f"no {name} in {kernel_elf}"
    return int(match.group(1), 16)


@pytest.mark.parametrize("cs", [KERNEL_MODE_CS, USER_MODE_CS], ids=["from ring 0", "from ring 3"])
def test_trap_common_unwinds_to_the_trapped_code(kernel_elf, cs):
    """trap_common's rules give the trapped code's eip, esp and ss for either ring"""
    info = dwarf_cfi.CallFrameInfo.from_elf(kernel_elf)
    # At trap_common's first instruction esp points at the vector; above
    # it: error, eip, cs, eflags, then esp and ss (pushed only from ring 3).
    frame = 0x3FC08F00
    words = [48, 0, 0x40000123, cs, EFLAGS_IF, 0xBFFFFF00, 0x23]
    memory = {frame + 4 * index: word for index, word in enumerate(words)}
    registers = {dwarf_cfi.EIP: kernel_symbol(kernel_elf, "trap_common"),
                 dwarf_cfi.ESP: frame, dwarf_cfi.EBP: 0x1234}
    caller = info.unwind(registers, memory.__getitem__, is_caller=False)
    assert caller.interrupted and not caller.outermost
    assert caller.registers[dwarf_cfi.EIP] == 0x40000123
    assert caller.registers[dwarf_cfi.CS] == cs
    assert caller.registers[dwarf_cfi.EBP] == 0x1234       # not pushed yet: the same
    if cs & 3:
        assert caller.registers[dwarf_cfi.ESP] == 0xBFFFFF00
        assert caller.registers[dwarf_cfi.SS] == 0x23
    else:
        assert caller.registers[dwarf_cfi.ESP] == frame + 20   # just above eflags
        assert caller.registers[dwarf_cfi.SS] == KERNEL_DS


def test_start_is_the_outermost_frame(kernel_elf):
    """crt0's _start has no caller: the unwinding ends there"""
    path = kernel_elf.parent / "user" / "echo.elf"
    info = dwarf_cfi.CallFrameInfo.from_elf(path)
    entry = struct.unpack_from("<I", path.read_bytes(), 24)[0]
    caller = info.unwind({dwarf_cfi.EIP: entry, dwarf_cfi.ESP: 0xBFFFFFE0},
                         lambda address: 1, is_caller=False)
    assert caller.outermost
