"""dwarf_cfi.py - unwind one stack frame with the call frame information
(CFI) of a 32-bit x86 ELF file's .debug_frame, as GDB's own `bt` does.

tools/gdb/beta86.py uses it for what GDB cannot do by itself: walk the
stack of a thread that is not running (`pbt`, `ps`, `ctx`), from the
registers saved in its process table entry, reading a user stack through
that process's own page directory. No x86 instruction is decoded: every
rule comes from the .cfi directives the compiler (for C) and the assembly
sources (trap_entry.S, usys.S, crt0.S) put into .debug_frame.

Independent of GDB (plain Python), so that host tests can check it:

    info = CallFrameInfo.from_elf("build/kernel.elf")
    caller = info.unwind(registers, read_word, is_caller=False)

`registers` maps DWARF register numbers (EIP, ESP, ...) to values;
`read_word(address)` reads 32 bits of the thread's memory. unwind()
returns the Caller (its registers, and whether it is an outermost frame or
the code a trap interrupted), or None where there is no CFI for the pc.

The format is DWARF's (version 2 to 5 .debug_frame): CIEs and FDEs, the
DW_CFA_* instructions that build the row for an address, and the DW_OP_*
stack machine for rules given as expressions. Only what 32-bit x86 code
uses is read: 4-byte addresses, no segment selectors.
"""

import bisect
import struct

# DWARF register numbers of i386 (the System V psABI), as .debug_frame uses them.
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFLAGS = range(10)
ES, CS, SS, DS, FS, GS = range(40, 46)
REGISTER_NAMES = {EAX: "eax", ECX: "ecx", EDX: "edx", EBX: "ebx", ESP: "esp",
                  EBP: "ebp", ESI: "esi", EDI: "edi", EIP: "eip",
                  EFLAGS: "eflags", ES: "es", CS: "cs", SS: "ss", DS: "ds",
                  FS: "fs", GS: "gs"}
REGISTER_NUMBERS = {name: number for number, name in REGISTER_NAMES.items()}

CIE_ID = 0xFFFFFFFF            # .debug_frame's CIE marker (.eh_frame uses 0)
WORD_MASK = 0xFFFFFFFF
MAX_EXPRESSION_STEPS = 1000    # a looping expression is an error, not a hang


class CfiError(Exception):
    """Malformed or unsupported call frame information."""


# ---- reading bytes -------------------------------------------------------------

class Reader:
    def __init__(self, data, offset=0):
        self.data = data
        self.offset = offset

    def u8(self):
        value = self.data[self.offset]
        self.offset += 1
        return value

    def unpack(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values[0]

    def leb128(self):
        """(value, bits, last byte) of an LEB128 number, unsigned."""
        result = shift = 0
        while True:
            byte = self.u8()
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return result, shift, byte

    def uleb(self):
        return self.leb128()[0]

    def sleb(self):
        result, shift, byte = self.leb128()
        if byte & 0x40:
            result -= 1 << shift
        return result

    def string(self):
        end = self.data.index(b"\0", self.offset)
        text = self.data[self.offset:end].decode("ascii", "replace")
        self.offset = end + 1
        return text

    def block(self, length):
        data = self.data[self.offset:self.offset + length]
        self.offset += length
        return data

    @property
    def done(self):
        return self.offset >= len(self.data)


def elf_section(path, wanted):
    """The bytes of section `wanted` (".debug_frame") of a 32-bit
    little-endian ELF file, or None if it has none."""
    with open(path, "rb") as elf:
        data = elf.read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise CfiError("%s is not a 32-bit little-endian ELF file" % path)
    shoff, = struct.unpack_from("<I", data, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 46)
    sections = [struct.unpack_from("<IIIIIIIIII", data, shoff + index * shentsize)
                for index in range(shnum)]
    names = sections[shstrndx]
    for section in sections:
        start = names[4] + section[0]
        name = data[start:data.index(b"\0", start)].decode("ascii", "replace")
        if name == wanted:
            return data[section[4]:section[4] + section[5]]
    return None


# ---- CIEs, FDEs and rows -------------------------------------------------------------

class Cie:
    def __init__(self, reader, end):
        self.version = reader.u8()
        self.augmentation = reader.string()
        if self.version >= 4:
            if reader.u8() != 4 or reader.u8() != 0:
                raise CfiError("only 4-byte addresses without segments are supported")
        if self.augmentation.startswith("z") or "e" in self.augmentation:
            raise CfiError("unsupported CIE augmentation %r" % self.augmentation)
        self.code_alignment = reader.uleb()
        self.data_alignment = reader.sleb()
        self.return_column = reader.u8() if self.version == 1 else reader.uleb()
        # "S": frames of this CIE are interrupted code, not calls (trap_entry.S).
        self.signal_frame = "S" in self.augmentation
        self.instructions = reader.data[reader.offset:end]


class Fde:
    def __init__(self, cie, start, length, instructions):
        self.cie = cie
        self.start = start
        self.end = start + length
        self.instructions = instructions


class Row:
    """Where the caller's registers are, at one address: the CFA rule,
    ("register", number, offset) or ("expression", bytes), and one rule
    per register that has one:
        ("undefined",)        not recoverable (the return address of the
                              outermost frame)
        ("same",)             unchanged in the caller
        ("offset", n)         saved at CFA + n
        ("val_offset", n)     is CFA + n
        ("register", r)       is in register r
        ("expression", e)     saved at the address e computes
        ("val_expression", e) is the value e computes"""

    def __init__(self):
        self.cfa = None
        self.rules = {}

    def copy(self):
        row = Row()
        row.cfa = self.cfa
        row.rules = dict(self.rules)
        return row


def run_instructions(cie, instructions, row, initial, start, pc):
    """Execute DW_CFA_* instructions from `start` (the FDE's first address)
    on `row` until the location passes `pc`. `initial` is the row after the
    CIE's instructions (for DW_CFA_restore); None while running those."""
    reader = Reader(instructions)
    location = start
    stack = []
    while not reader.done:
        opcode = reader.u8()
        high, low = opcode & 0xC0, opcode & 0x3F
        if high == 0x40:                                    # advance_loc
            location += low * cie.code_alignment
        elif high == 0x80:                                  # offset
            row.rules[low] = ("offset", reader.uleb() * cie.data_alignment)
        elif high == 0xC0:                                  # restore
            restore(row, initial, low)
        elif opcode == 0x00:                                # nop
            pass
        elif opcode == 0x01:                                # set_loc
            location = reader.unpack("I")
        elif opcode in (0x02, 0x03, 0x04):                  # advance_loc1/2/4
            delta = reader.unpack({0x02: "B", 0x03: "H", 0x04: "I"}[opcode])
            location += delta * cie.code_alignment
        elif opcode == 0x05:                                # offset_extended
            register = reader.uleb()
            row.rules[register] = ("offset", reader.uleb() * cie.data_alignment)
        elif opcode == 0x06:                                # restore_extended
            restore(row, initial, reader.uleb())
        elif opcode == 0x07:                                # undefined
            row.rules[reader.uleb()] = ("undefined",)
        elif opcode == 0x08:                                # same_value
            row.rules[reader.uleb()] = ("same",)
        elif opcode == 0x09:                                # register
            register = reader.uleb()
            row.rules[register] = ("register", reader.uleb())
        elif opcode == 0x0A:                                # remember_state
            stack.append(row.copy())
        elif opcode == 0x0B:                                # restore_state
            if not stack:
                raise CfiError("DW_CFA_restore_state without remember_state")
            saved = stack.pop()
            row.cfa, row.rules = saved.cfa, saved.rules
        elif opcode == 0x0C:                                # def_cfa
            register = reader.uleb()
            row.cfa = ("register", register, reader.uleb())
        elif opcode == 0x0D:                                # def_cfa_register
            row.cfa = ("register", reader.uleb(), cfa_offset(row))
        elif opcode == 0x0E:                                # def_cfa_offset
            row.cfa = ("register", cfa_register(row), reader.uleb())
        elif opcode == 0x0F:                                # def_cfa_expression
            row.cfa = ("expression", reader.block(reader.uleb()))
        elif opcode in (0x10, 0x16):                        # (val_)expression
            register = reader.uleb()
            kind = "expression" if opcode == 0x10 else "val_expression"
            row.rules[register] = (kind, reader.block(reader.uleb()))
        elif opcode == 0x11:                                # offset_extended_sf
            register = reader.uleb()
            row.rules[register] = ("offset", reader.sleb() * cie.data_alignment)
        elif opcode == 0x12:                                # def_cfa_sf
            register = reader.uleb()
            row.cfa = ("register", register, reader.sleb() * cie.data_alignment)
        elif opcode == 0x13:                                # def_cfa_offset_sf
            row.cfa = ("register", cfa_register(row), reader.sleb() * cie.data_alignment)
        elif opcode in (0x14, 0x15):                        # val_offset(_sf)
            register = reader.uleb()
            factor = reader.uleb() if opcode == 0x14 else reader.sleb()
            row.rules[register] = ("val_offset", factor * cie.data_alignment)
        elif opcode == 0x2E:                                # GNU_args_size
            reader.uleb()
        else:
            raise CfiError("unsupported call frame instruction %#04x" % opcode)
        if location > pc:
            break
    return row


def restore(row, initial, register):
    if initial is None:
        raise CfiError("DW_CFA_restore in a CIE")
    if register in initial.rules:
        row.rules[register] = initial.rules[register]
    else:
        row.rules.pop(register, None)


def cfa_register(row):
    if row.cfa is None or row.cfa[0] != "register":
        raise CfiError("a CFA offset change without a register CFA")
    return row.cfa[1]


def cfa_offset(row):
    return row.cfa[2] if row.cfa is not None and row.cfa[0] == "register" else 0


# ---- DWARF expressions ------------------------------------------------------------------

def evaluate(expression, registers, read_word, initial):
    """The value of a DWARF expression (the DW_OP_* subset CFI may use),
    with `initial` (the CFA) pushed first, as DWARF says for CFI rules."""
    stack = [initial & WORD_MASK]
    reader = Reader(expression)
    steps = 0
    while not reader.done:
        steps += 1
        if steps > MAX_EXPRESSION_STEPS:
            raise CfiError("a DWARF expression does not end")
        opcode = reader.u8()
        if 0x30 <= opcode <= 0x4F:                          # lit0..31
            stack.append(opcode - 0x30)
        elif 0x70 <= opcode <= 0x8F:                        # breg0..31
            stack.append((register_value(registers, opcode - 0x70) + reader.sleb())
                         & WORD_MASK)
        elif opcode == 0x92:                                # bregx
            register = reader.uleb()
            stack.append((register_value(registers, register) + reader.sleb()) & WORD_MASK)
        elif opcode in CONSTANTS:
            stack.append(reader.unpack(CONSTANTS[opcode]) & WORD_MASK)
        elif opcode == 0x10:                                # constu
            stack.append(reader.uleb() & WORD_MASK)
        elif opcode == 0x11:                                # consts
            stack.append(reader.sleb() & WORD_MASK)
        elif opcode == 0x06:                                # deref
            stack.append(read_word(pop(stack)) & WORD_MASK)
        elif opcode == 0x12:                                # dup
            stack.append(top(stack, 0))
        elif opcode == 0x13:                                # drop
            pop(stack)
        elif opcode == 0x14:                                # over
            stack.append(top(stack, 1))
        elif opcode == 0x15:                                # pick
            stack.append(top(stack, reader.u8()))
        elif opcode == 0x16:                                # swap
            stack[-1], stack[-2] = top(stack, 1), top(stack, 0)
        elif opcode == 0x23:                                # plus_uconst
            stack.append((pop(stack) + reader.uleb()) & WORD_MASK)
        elif opcode in BINARY:
            right, left = pop(stack), pop(stack)
            stack.append(BINARY[opcode](left, right) & WORD_MASK)
        elif opcode == 0x1F:                                # neg
            stack.append(-pop(stack) & WORD_MASK)
        elif opcode == 0x20:                                # not
            stack.append(~pop(stack) & WORD_MASK)
        elif opcode == 0x2F:                                # skip
            offset = reader.unpack("h")                     # from after its operand
            reader.offset += offset
        elif opcode == 0x28:                                # bra
            offset = reader.unpack("h")
            if pop(stack) != 0:
                reader.offset += offset
        elif opcode == 0x96:                                # nop
            pass
        else:
            raise CfiError("unsupported DWARF operation %#04x" % opcode)
        if not 0 <= reader.offset <= len(expression):
            raise CfiError("a DWARF branch leaves its expression")
    return pop(stack)


def signed(value):
    return value - (1 << 32) if value & 0x80000000 else value


CONSTANTS = {0x08: "B", 0x09: "b", 0x0A: "H", 0x0B: "h", 0x0C: "I", 0x0D: "i"}
BINARY = {
    0x1A: lambda a, b: a & b,                               # and
    0x1B: lambda a, b: int(signed(a) / signed(b)),          # div
    0x1C: lambda a, b: a - b,                               # minus
    0x1D: lambda a, b: a % b,                               # mod
    0x1E: lambda a, b: a * b,                               # mul
    0x21: lambda a, b: a | b,                               # or
    0x22: lambda a, b: a + b,                               # plus
    0x24: lambda a, b: a << b,                              # shl
    0x25: lambda a, b: a >> b,                              # shr
    0x26: lambda a, b: signed(a) >> b,                      # shra
    0x27: lambda a, b: a ^ b,                               # xor
    0x29: lambda a, b: int(a == b),                         # eq
    0x2A: lambda a, b: int(signed(a) >= signed(b)),         # ge
    0x2B: lambda a, b: int(signed(a) > signed(b)),          # gt
    0x2C: lambda a, b: int(signed(a) <= signed(b)),         # le
    0x2D: lambda a, b: int(signed(a) < signed(b)),          # lt
    0x2E: lambda a, b: int(a != b),                         # ne
}


def pop(stack):
    if not stack:
        raise CfiError("a DWARF expression pops an empty stack")
    return stack.pop()


def top(stack, depth):
    if len(stack) <= depth:
        raise CfiError("a DWARF expression reads below its stack")
    return stack[-1 - depth]


def register_value(registers, number):
    if number not in registers:
        raise CfiError("the rule needs %s, which is not known here"
                       % REGISTER_NAMES.get(number, "register %d" % number))
    return registers[number]


# ---- unwinding ---------------------------------------------------------------------------

class Caller:
    """The frame that called (or was interrupted by) the one unwound.

    registers: {DWARF number: value} of what is known in it (eip, esp, and
    every register the callee's rules recover or leave the same);
    outermost: the rules say there is no caller (eip undefined: _start);
    interrupted: the unwound frame was a trap's (a signal frame), so eip
    is the instruction the trap stopped at, not a return address."""

    def __init__(self, registers, outermost, interrupted):
        self.registers = registers
        self.outermost = outermost
        self.interrupted = interrupted


class CallFrameInfo:
    """The FDEs of one ELF file, by address."""

    def __init__(self, data):
        self.fdes = []
        cies = {}
        reader = Reader(data or b"")
        while not reader.done:
            start = reader.offset
            length = reader.unpack("I")
            if length == 0xFFFFFFFF:
                raise CfiError("64-bit DWARF is not supported")
            end = reader.offset + length
            if length == 0:
                continue
            cie_pointer = reader.unpack("I")
            if cie_pointer == CIE_ID:
                cies[start] = Cie(reader, end)
            else:
                cie = cies.get(cie_pointer)
                if cie is None:     # a CIE after its FDE: read it where it is
                    cie = cies[cie_pointer] = cie_at(data, cie_pointer)
                initial_location = reader.unpack("I")
                address_range = reader.unpack("I")
                self.fdes.append(Fde(cie, initial_location, address_range,
                                     data[reader.offset:end]))
            reader.offset = end
        self.fdes.sort(key=lambda fde: fde.start)
        self.starts = [fde.start for fde in self.fdes]

    @classmethod
    def from_elf(cls, path):
        return cls(elf_section(path, ".debug_frame"))

    def fde_at(self, address):
        index = bisect.bisect_right(self.starts, address) - 1
        if index >= 0 and address < self.fdes[index].end:
            return self.fdes[index]
        return None

    def row_at(self, address):
        """(Row, Cie) for the instruction at `address`, or None."""
        fde = self.fde_at(address)
        if fde is None:
            return None
        cie = fde.cie
        initial = run_instructions(cie, cie.instructions, Row(), None, fde.start,
                                   float("inf"))
        row = run_instructions(cie, fde.instructions, initial.copy(), initial,
                               fde.start, address)
        return row, cie

    def unwind(self, registers, read_word, is_caller):
        """The Caller of the frame whose registers are `registers`, or None
        if no FDE covers its eip. `is_caller`: its eip is a return address
        (the frame is not the innermost, nor a trap's interrupted code), so
        the row is that of the call instruction just before it, as GDB
        looks it up."""
        pc = registers[EIP]
        found = self.row_at(pc - 1 if is_caller else pc)
        if found is None:
            return None
        row, cie = found
        if row.cfa is None:
            raise CfiError("no CFA rule at %#x" % pc)
        if row.cfa[0] == "register":
            cfa = (register_value(registers, row.cfa[1]) + row.cfa[2]) & WORD_MASK
        else:
            cfa = evaluate(row.cfa[1], registers, read_word, 0)
        caller = {}
        for number in set(registers) | set(row.rules):
            rule = row.rules.get(number, ("same",))
            if number == ESP and number not in row.rules:
                rule = ("val_offset", 0)        # the caller's esp is the CFA
            value = apply_rule(rule, number, registers, read_word, cfa)
            if value is not None:
                caller[number] = value
        outermost = row.rules.get(cie.return_column, ("same",))[0] == "undefined"
        if not outermost:
            caller[EIP] = apply_rule(row.rules.get(cie.return_column, ("same",)),
                                     cie.return_column, registers, read_word, cfa)
        return Caller(caller, outermost, cie.signal_frame)


def apply_rule(rule, number, registers, read_word, cfa):
    """The caller's value of register `number` under `rule`, or None if
    it is undefined or unknown."""
    kind = rule[0]
    if kind == "undefined":
        return None
    if kind == "same":
        return registers.get(number)
    if kind == "offset":
        return read_word((cfa + rule[1]) & WORD_MASK)
    if kind == "val_offset":
        return (cfa + rule[1]) & WORD_MASK
    if kind == "register":
        return registers.get(rule[1])
    if kind == "expression":
        return read_word(evaluate(rule[1], registers, read_word, cfa))
    if kind == "val_expression":
        return evaluate(rule[1], registers, read_word, cfa)
    raise CfiError("unknown rule %r" % (rule,))


def cie_at(data, offset):
    reader = Reader(data, offset)
    length = reader.unpack("I")
    end = reader.offset + length
    if reader.unpack("I") != CIE_ID:
        raise CfiError("an FDE points at %#x, which is no CIE" % offset)
    return Cie(reader, end)
