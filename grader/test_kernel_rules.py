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


# ---- layers ---------------------------------------------------------------

# docs/README.md, "The layers of the kernel": lowest first. A file may
# include headers of its own layer and of the layers before it.
LAYERS = ["cpu", "console", "debug", "mm", "proc", "fs", "dom", "uproc", "trap", "irq", "syscall",
          "boot", "tests"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def upward_includes(kernel_root):
    """(file, included header) for every #include of a higher layer."""
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    edges = []
    for path in sorted(kernel_root.rglob("*")):
        if path.suffix not in (".c", ".h", ".S") or not path.is_file():
            continue
        layer = path.relative_to(kernel_root).parts[0]
        for match in INCLUDE.finditer(path.read_text()):
            target = match.group(1)
            if target in rank and layer in rank and rank[target] > rank[layer]:
                edges.append((str(path.relative_to(kernel_root.parent)),
                              match.group(0).strip()))
    return edges


def test_every_kernel_folder_is_a_layer(kernel_dir):
    """each folder of kernel/ has its place in the order of the layers"""
    folders = sorted(p.name for p in (kernel_dir / "kernel").iterdir() if p.is_dir())
    assert set(folders) <= set(LAYERS), \
        f"folders with no place in LAYERS (and docs/README.md): {set(folders) - set(LAYERS)}"


def test_no_include_runs_up_the_layers(kernel_dir):
    """no kernel file includes a header of a higher layer"""
    edges = upward_includes(kernel_dir / "kernel")
    assert not edges, ("includes that run up the layers (docs/README.md; a lower layer "
                       "reaches a higher one only through a documented hook):\n"
                       + "\n".join(f"  {path}: {include}" for path, include in edges))


def test_the_layer_check_finds_an_upward_include(tmp_path):
    """the check itself: a planted upward include is reported"""
    (tmp_path / "kernel" / "mm").mkdir(parents=True)
    (tmp_path / "kernel" / "proc").mkdir()
    (tmp_path / "kernel" / "mm" / "frame.c").write_text('#include "proc/proc.h"\n#include "cpu/x86.h"\n')
    (tmp_path / "kernel" / "proc" / "proc.c").write_text('#include "mm/frame.h"\n')
    assert upward_includes(tmp_path / "kernel") == [("kernel/mm/frame.c", '#include "proc/proc.h"')]
