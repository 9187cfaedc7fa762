#!/usr/bin/env python3
"""mkbadelf.py - malformed programs for the ramdisk, made from a good one.

    python3 tools/mkbadelf.py VARIANT GOOD.elf OUT     write OUT
    python3 tools/mkbadelf.py --list                   print the variants

Each variant rewrites the program headers of GOOD.elf (a user program with
a text and a data PT_LOAD segment, as user/user.ld links them) into a
layout exec() must refuse with E_NOEXEC (kernel/proc/exec.c,
exec_check_segments). The Makefile puts each into the ramdisk as
bad-VARIANT; `usertests badelf VARIANT...` execs them
(grader/test_lab5_processes.py).
"""

import struct
import sys

PAGE = 4096
USER_BASE, USER_TOP = 0x40000000, 0xC0000000
PT_LOAD = 1
EHDR = struct.Struct("<16sHHIIIIIHHHHHH")   # the ELF32 header
PHDR = struct.Struct("<8I")                  # type offset vaddr paddr filesz memsz flags align
TYPE, OFFSET, VADDR, PADDR, FILESZ, MEMSZ, FLAGS, ALIGN = range(8)


def sharepage(text, data):
    """data starts right after text's last byte: the two share a page."""
    data[VADDR] = data[PADDR] = (text[VADDR] + text[MEMSZ] + 15) & ~15
    assert data[VADDR] % PAGE != 0, "text ends on a page boundary: no page to share"


def overlap(text, data):
    """data lies on top of text's last page."""
    data[VADDR] = data[PADDR] = (text[VADDR] + text[MEMSZ] - 1) & ~(PAGE - 1)


def order(text, data):
    """the segments' headers swapped: data's comes first."""
    text[:], data[:] = list(data), list(text)


def below(text, data):
    """text starts one page below user space (in the kernel's part)."""
    text[VADDR] = text[PADDR] = USER_BASE - PAGE


def stack(text, data):
    """data lies where the stack goes, at the top of user space."""
    data[VADDR] = data[PADDR] = USER_TOP - PAGE


def filesz(text, data):
    """data says it has more bytes in the file than in memory."""
    data[FILESZ] = data[MEMSZ] + 1


VARIANTS = {f.__name__: f for f in (sharepage, overlap, order, below, stack, filesz)}


def rewrite(variant, image):
    """image (bytes) with its two PT_LOAD headers changed by variant."""
    header = EHDR.unpack_from(image)
    phoff, phentsize, phnum = header[5], header[9], header[10]
    if phentsize != PHDR.size:
        sys.exit(f"mkbadelf.py: program headers of {phentsize} bytes, expected {PHDR.size}")
    at = [phoff + i * phentsize for i in range(phnum)]
    # The PT_LOAD segments exec loads: user.ld's empty `high` one (only
    # user/highheap.c fills it) has no bytes in memory, and exec skips it.
    loads = [i for i in range(phnum) if PHDR.unpack_from(image, at[i])[TYPE] == PT_LOAD
             and PHDR.unpack_from(image, at[i])[MEMSZ] != 0]
    if len(loads) != 2:
        sys.exit(f"mkbadelf.py: {len(loads)} PT_LOAD segments, expected text and data")
    text, data = (list(PHDR.unpack_from(image, at[i])) for i in loads)
    VARIANTS[variant](text, data)
    out = bytearray(image)
    for i, ph in zip(loads, (text, data)):
        PHDR.pack_into(out, at[i], *ph)
    return bytes(out)


def main(argv):
    if argv[1:] == ["--list"]:
        print(" ".join(VARIANTS))
        return 0
    if len(argv) != 4 or argv[1] not in VARIANTS:
        sys.exit(f"usage: mkbadelf.py {{{'|'.join(VARIANTS)}}} GOOD.elf OUT | --list")
    with open(argv[2], "rb") as good:
        image = good.read()
    with open(argv[3], "wb") as bad:
        bad.write(rewrite(argv[1], image))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
