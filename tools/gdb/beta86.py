"""beta86.py - GDB commands for looking at beta86's threads, processes and
switches.

Loaded by the repository's .gdbinit (`source tools/gdb/beta86.py`); runs in
GDB's embedded Python. It adds:

  ps            the process table, like the kernel monitor's `ps`
  ctx PID       the registers of one thread: saved (kctx or trapframe) or live;
                for a user process also its user registers and user backtrace
  pbt PID       the backtrace of a stopped thread, from its saved registers
  nextswitch    run to the next context switch and stop in the new thread
  usym [PROG]   which user program's symbols are loaded; load PROG's
  domains [ID]  the domain table (lab 6): each domain and its capabilities,
                and its fault handler (lab 7)
  invstack [PID]  a thread's invocation stack: each level's domain, kind,
                and where each caller returns to; for a fault handler's
                level (lab 7) the fault and the faulting registers
  nextdomain    run to the next domain crossing (a call, a return, an
                unwind; lab 7: a fault delivered to a handler, a resume,
                a pass) and stop in the domain entered
  trace [N]     the scheduling trace's last N records (kernel/proc/trace.h;
                boot with trace=1), in the kernel's dump format
  schedule [N]  the last N runs of the scheduling trace as ASCII lanes
  irqs [LINE]   the IRQ lines (lab 8): each owned line's owner domain, waiter,
                pending, masked, latched, mode, delivered and acked counts

and things that work by themselves:

  user symbols  whenever GDB stops and current_proc is a user process, the
                symbols of its program (build/user/NAME.elf) are loaded in
                place of the previous program's, so that `bt`, `list`,
                `break main`, `print` work in the user program; `display`
                expressions are kept across the swap (GDB drops them all),
                and `break main` before any program's symbols are loaded
                says to `usym PROG` first;
  trap frames   `bt` continues through trap_common into the code the trap
                interrupted (GDB does that by itself, from the .cfi
                directives of trap_entry.S); a frame filter names the trap
                path's frames, which GDB would call "<signal handler
                called>";
  printers      `print` shows struct proc, struct kctx and struct
                trapframe with registers in hex and states in words, and
                struct domain, struct cap and struct inv_frame in words.

A thread inside a domain call (lab 6) runs the code of that domain's
program: `ps`, `ctx` and the user symbols follow the domain it is in
(current_proc->inv[inv_top].dom), and `ps` prints a line under each user
process naming its domain, as the kernel's Ctrl-P table does.

`help beta86` lists the commands; `help ps` etc. explains each one.

Everything is read from the running kernel's memory with the types from its
DWARF debug information (proc_table, current_proc, struct proc, struct kctx,
struct trapframe, the enums): no structure offset is written down here.

Where a thread's registers are (kernel/proc/proc.h), the rule that
sched_switch_to itself follows to resume a thread:
  current_proc      it is running: its registers are the CPU's, whatever
                    `saved` says;
  SAVED_TRAPFRAME   the timer preempted it: every register is in tf;
  SAVED_KCTX        it stopped in a voluntary switch (yield, sleep): setctx
                    saved the callee-saved registers, esp and eip in kctx;
  SAVED_NOT_STARTED it has never run: kctx points at kthread_bootstrap.
A zombie has exited: whatever it last saved is stale.
saved_context() is the one function that knows this; every command asks it.
A context whose trapframe came from ring 3 (or a running process whose cs
says ring 3) is marked `user`. A user process that is in the kernel (a
system call, or an interrupt taken in user mode) has its user registers in
the trap frame at the top of its kernel stack: user_context() finds them.
From a context, frame_addresses() walks its stack (for ps, ctx and pbt)
with the call frame information of the code (tools/gdb/dwarf_cfi.py reads
.debug_frame): the same rules GDB's `bt` follows, so a thread stopped in a
function's prologue, at its ret, or in a frameless system call stub is
walked right, and no x86 instruction is decoded here. A user stack is read
through that process's own page directory (ProcessMemory), since GDB reads
memory through whatever CR3 holds now.
"""

import importlib
import os
import re
import struct
import subprocess
import sys

import gdb
from gdb.FrameDecorator import FrameDecorator

# dwarf_cfi.py, beside this file: reading .debug_frame (plain Python).
_HERE = os.path.dirname(os.path.abspath(
    globals().get("__file__") or os.path.join(os.getcwd(), "tools", "gdb", "beta86.py")))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
import dwarf_cfi  # noqa: E402
dwarf_cfi = importlib.reload(dwarf_cfi)     # `source` again picks up an edited copy

MAX_FRAMES = 64            # pbt stops here even if the chain goes on
PS_FRAMES = 4              # ps: the saved eip and 3 callers, as proc_dump
PS_WHERE_COLUMN = 32       # ps: where "where" starts ("%-4d %-9s %-16s ")
IDLE_WORDS = "(idle: waiting for a thread to become runnable)"   # proc_dump's
STATE_PREFIX = "PROC_"     # PROC_SLEEPING -> "sleeping", as proc_state_name()
SWITCH_FUNCTION = "sched_switch_to"
PS_NO_IRQ = -1             # abi.h: struct proc's irq_line when not in irq_wait (lab 8)

# Register names in the order `info registers` shows them.
LIVE_REGISTERS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                  "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs")
EFLAGS_BITS = ((0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"),
               (8, "TF"), (9, "IF"), (10, "DF"), (11, "OF"), (14, "NT"), (16, "RF"),
               (17, "VM"), (18, "AC"))
EFLAGS_IOPL_SHIFT = 12             # two bits: the I/O privilege level

# User space (kernel/mm/layout.h, lib/abi.h): every process's own pages.
USER_BASE = 0x40000000
USER_TOP = 0xC0000000
PAGE_SIZE = 4096
PTE_P = 0x1
PDE_PS = 0x80                       # a 4 MiB page (not used for user space)
SYSCALL_VECTOR = 48                 # T_SYSCALL
FAULT_PASS = 1                      # abi.h: fault_resume hands the fault to the next handler
EFLAGS_VM = 0x20000                 # virtual-8086 mode
USER_PROGRAM_DIR = "user"           # build/user/NAME.elf, next to kernel.elf
SYMBOLS_PREFIX = "beta86: user symbols: "

TREE = os.path.dirname(os.path.dirname(_HERE))


# ---- reading the kernel ------------------------------------------------------

def require_live_kernel():
    """Fail clearly unless GDB is attached to a running kernel."""
    if gdb.selected_thread() is None:
        raise gdb.GdbError(
            "beta86: not attached to QEMU; start it with `make qemu-gdb` and "
            "connect (`make gdb` does both the loading and the connecting)")


def enum_names(value):
    """{number: name} of the enum type of `value` (from DWARF)."""
    enum_type = value.type.strip_typedefs()
    return {field.enumval: field.name for field in enum_type.fields()}


def enum_number(name):
    """The value of the enum constant `name`, e.g. SAVED_KCTX."""
    return int(gdb.parse_and_eval(name))


def from_user_mode(cs, eflags):
    """The kernel's trapframe_from_user: CPL 3, or virtual-8086 mode."""
    return bool(cs & 3) or bool(eflags & EFLAGS_VM)


def is_user_address(address):
    return USER_BASE <= address < USER_TOP


class KernelMemory:
    """Memory as the CPU sees it now. The kernel half (below USER_BASE) is
    the same in every address space, so this reads any kernel address."""

    def read(self, address, length):
        return bytes(gdb.selected_inferior().read_memory(address, length))

    def word(self, address):
        return struct.unpack("<I", self.read(address, 4))[0]


KERNEL_MEMORY = KernelMemory()


class ProcessMemory(KernelMemory):
    """Memory as the process with page directory `pgdir` sees it. User
    addresses are translated by hand through its page directory and page
    table (both, and every frame, sit in the kernel's direct map, where
    virtual == physical), so a process that is not running, whose CR3 is
    not loaded, can be read too. Kernel addresses are read directly."""

    def __init__(self, pgdir, owner):
        self.pgdir = pgdir
        self.owner = owner          # "pid 2 (sh)", for messages

    def translate(self, address):
        if not is_user_address(address):
            return address
        if not self.pgdir:
            raise gdb.MemoryError("%s has no address space (it exited)" % self.owner)
        pde = KERNEL_MEMORY.word(self.pgdir + 4 * (address >> 22))
        if not pde & PTE_P:
            raise gdb.MemoryError("%#x is not mapped in %s (no page table)"
                                  % (address, self.owner))
        if pde & PDE_PS:
            return (pde & 0xFFC00000) | (address & 0x3FFFFF)
        pte = KERNEL_MEMORY.word((pde & ~0xFFF) + 4 * ((address >> 12) & 0x3FF))
        if not pte & PTE_P:
            raise gdb.MemoryError("%#x is not mapped in %s" % (address, self.owner))
        return (pte & ~0xFFF) | (address & 0xFFF)

    def read(self, address, length):
        data = b""
        while length > 0:
            chunk = min(length, PAGE_SIZE - (address & (PAGE_SIZE - 1)))
            data += KERNEL_MEMORY.read(self.translate(address), chunk)
            address += chunk
            length -= chunk
        return data


# ---- ELF files (user programs, and the kernel's own symbol table) -----------

ELF_HEADER = struct.Struct("<16sHHIIIIIHHHHHH")
ELF_SECTION = struct.Struct("<IIIIIIIIII")
ELF_SYMBOL = struct.Struct("<IIIBBH")
ELF_SEGMENT = struct.Struct("<IIIIIIII")
SHT_SYMTAB = 2
STT_FUNC = 2
PT_LOAD = 1


class ElfFile:
    """The parts of a 32-bit little-endian ELF file these commands use:
    its symbols and its loadable segments."""

    def __init__(self, path):
        with open(path, "rb") as elf:
            data = elf.read()
        header = ELF_HEADER.unpack_from(data, 0)
        if header[0][:4] != b"\x7fELF" or header[0][4] != 1 or header[0][5] != 1:
            raise ValueError("%s is not a 32-bit little-endian ELF file" % path)
        self.entry = header[4]
        phoff, shoff = header[5], header[6]
        phnum, shnum = header[10], header[12]
        self.segments = []          # [(vaddr, bytes in the file)]
        for index in range(phnum):
            kind, offset, vaddr, _, filesz, _, _, _ = ELF_SEGMENT.unpack_from(
                data, phoff + index * ELF_SEGMENT.size)
            if kind == PT_LOAD:
                self.segments.append((vaddr, data[offset:offset + filesz]))
        sections = [ELF_SECTION.unpack_from(data, shoff + index * ELF_SECTION.size)
                    for index in range(shnum)]
        self.symbols = []           # [(value, size, name, is_function)]
        for section in sections:
            if section[1] != SHT_SYMTAB or section[6] >= len(sections):
                continue
            strtab = sections[section[6]]
            strings = data[strtab[4]:strtab[4] + strtab[5]]
            for offset in range(section[4], section[4] + section[5], ELF_SYMBOL.size):
                name, value, size, info, _, shndx = ELF_SYMBOL.unpack_from(data, offset)
                if not name or shndx == 0:
                    continue
                text = strings[name:strings.index(b"\0", name)].decode(errors="replace")
                self.symbols.append((value, size, text, info & 0xF == STT_FUNC))
        self.functions = sorted((value, size, name) for value, size, name, function
                                in self.symbols if function)

    def address_of(self, name):
        for value, _, text, _ in self.symbols:
            if text == name:
                return value
        return None

    def function_at(self, address):
        """(name, offset) of the function containing `address`: one whose
        [value, value + size) holds it, as the kernel's usym_lookup finds
        it; else None."""
        best = None
        for value, size, name in self.functions:
            if value > address:
                break
            if address < value + max(size, 1):
                best = (name, address - value)
        return best


ELF_CACHE = {}


def elf_file(path):
    """The ElfFile at `path`, read again when the file changes; or None."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    cached = ELF_CACHE.get(path)
    if cached is None or cached[0] != mtime:
        try:
            cached = (mtime, ElfFile(path))
        except (OSError, ValueError, struct.error):
            cached = (mtime, None)
        ELF_CACHE[path] = cached
    return cached[1]


def shown_path(path):
    """`path` relative to GDB's working directory when it is inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def kernel_elf_path():
    filename = gdb.current_progspace().filename
    return os.path.abspath(filename) if filename else os.path.join(TREE, "build", "kernel.elf")


def user_program_dir():
    """build/user, beside the kernel ELF GDB loaded (so BUILD=... works)."""
    return os.path.join(os.path.dirname(kernel_elf_path()), USER_PROGRAM_DIR)


class UserProgram:
    """A user program as built: build/user/NAME.elf, with debug info."""

    def __init__(self, name):
        self.name = name
        self.path = os.path.join(user_program_dir(), name + ".elf")

    @property
    def exists(self):
        return os.path.isfile(self.path)

    @property
    def shown_path(self):
        return shown_path(self.path)

    def elf(self):
        return elf_file(self.path)

    @property
    def loaded(self):
        """Whether GDB has this program's symbols now."""
        return objfile_for(self.path) is not None

    def symbol(self, address):
        elf = self.elf()
        return elf.function_at(address) if elf is not None else None

    def source_line(self, address):
        """" at file:line" of `address` in this program, or ""."""
        if self.loaded:
            return source_line(address)
        return addr2line(self.path, address)


ADDR2LINE_CACHE = {}


def addr2line(path, address):
    """" at file:line" from binutils' addr2line, for a program whose
    symbols GDB does not have loaded now; "" if that fails."""
    try:
        key = (path, address, os.stat(path).st_mtime_ns)
    except OSError:
        return ""
    if key not in ADDR2LINE_CACHE:
        where = ""
        try:
            result = subprocess.run(["addr2line", "-e", path, "%#x" % address],
                                    capture_output=True, text=True, timeout=5)
            line = result.stdout.strip().split(" (")[0]
            file_name, _, number = line.rpartition(":")
            if result.returncode == 0 and file_name and file_name != "??" and number.isdigit() \
                    and number != "0":
                if os.path.isabs(file_name) and file_name.startswith(TREE + os.sep):
                    file_name = os.path.relpath(file_name, TREE)
                where = " at %s:%s" % (file_name, number)
        except (OSError, subprocess.SubprocessError):
            pass
        ADDR2LINE_CACHE[key] = where
    return ADDR2LINE_CACHE[key]


def objfile_for(path):
    wanted = os.path.realpath(path)
    for objfile in gdb.objfiles():
        if objfile.is_valid() and objfile.filename \
                and os.path.realpath(objfile.filename) == wanted:
            return objfile
    return None


# ---- the process table ------------------------------------------------------

class Proc:
    """One entry of proc_table, read through its DWARF type."""

    def __init__(self, value, running):
        self.value = value          # a gdb.Value of type struct proc
        self.running = running      # it is current_proc

    @property
    def pid(self):
        return int(self.value["pid"])

    @property
    def name(self):
        return self.value["name"].string(errors="replace")

    @property
    def state(self):
        """The state in the kernel's words (proc_state_name): "sleeping",
        ...; "running" for current_proc, whose state is RUNNABLE."""
        state = self.value["state"]
        name = enum_names(state).get(int(state))
        if name is None:
            return "corrupt"
        if self.running and name == STATE_PREFIX + "RUNNABLE":
            return "running"
        return name[len(STATE_PREFIX):].lower() if name.startswith(STATE_PREFIX) else name

    @property
    def is_zombie(self):
        return int(self.value["state"]) == enum_number("PROC_ZOMBIE")

    @property
    def is_embryo(self):
        return int(self.value["state"]) == enum_number("PROC_EMBRYO")

    @property
    def saved(self):
        """How its registers were saved: SAVED_NOT_STARTED, SAVED_KCTX, ..."""
        saved = self.value["saved"]
        return enum_names(saved).get(int(saved), str(int(saved)))

    @property
    def address(self):
        return int(self.value.address)

    def label(self):
        return "pid %d (%s)" % (self.pid, self.name)

    @property
    def is_user(self):
        """A user process: it runs a ramdisk program (proc_is_user)."""
        try:
            return int(self.value["program"]) != 0
        except gdb.error:           # a kernel from before user processes
            return False

    @property
    def program_name(self):
        return self.value["program"]["name"].string(errors="replace")

    def program(self):
        """The user program its user mode runs now: the program of the
        domain it is in (a callee's, inside a domain call), else the one
        it execs."""
        frames = inv_frames(self)
        return frames[-1].domain.program() if frames else UserProgram(self.program_name)

    @property
    def pgdir(self):
        return int(self.value["pgdir"])

    @property
    def irq_line(self):
        """The IRQ line it sleeps in irq_wait on (lab 8), or None."""
        try:
            line = int(self.value["irq_line"])
        except gdb.error:           # a kernel from before lab 8
            return None
        return None if line == PS_NO_IRQ else line

    def memory(self):
        return ProcessMemory(self.pgdir, self.label())


def current_proc_address():
    return int(gdb.parse_and_eval("current_proc"))


def used_procs():
    """Every entry of proc_table that is not UNUSED, in table order."""
    require_live_kernel()
    table = gdb.parse_and_eval("proc_table")
    first, last = table.type.strip_typedefs().range()
    unused = enum_number("PROC_UNUSED")
    running = current_proc_address()
    procs = []
    for index in range(first, last + 1):
        entry = table[index]
        if int(entry["state"]) != unused:
            procs.append(Proc(entry, int(entry.address) == running))
    return procs


def proc_at(address):
    """The used entry at `address` (a struct proc *)."""
    for proc in used_procs():
        if proc.address == address:
            return proc
    raise gdb.GdbError("beta86: no used process table entry at %#x" % address)


def parse_pid(argument, command):
    """The PID the user typed (a number or any expression)."""
    if not argument.strip():
        raise gdb.GdbError("usage: %s PID (`ps` lists the pids)" % command)
    try:
        return int(gdb.parse_and_eval(argument))
    except (gdb.error, ValueError):
        raise gdb.GdbError("%s: %r is not a pid (a number, as `ps` shows)"
                           % (command, argument.strip()))


def find_proc(pid, command):
    """The used process table entry with `pid`, or a clear error."""
    procs = used_procs()
    for proc in procs:
        if proc.pid == pid:
            return proc
    if not procs:
        raise gdb.GdbError("%s: no process with pid %d: the process table is "
                           "empty (proc_init has not run yet)" % (command, pid))
    known = ", ".join(str(proc.pid) for proc in procs)
    raise gdb.GdbError("%s: no process with pid %d (the table has pids %s; see `ps`)"
                       % (command, pid, known))


# ---- domains and capabilities (lab 6, kernel/dom/) ---------------------------

# abi.h's CAP_xxx and CAP_RIGHT_xxx are macros, which the kernel's DWARF
# does not carry: their values are written down here (and in user/caps.c,
# which prints a table the same way).
CAP_TYPE_NAMES = {0: "empty", 1: "call", 2: "manage", 3: "irqctl", 4: "irq", 5: "ioport"}
CAP_EMPTY = 0
# What the range of a lab 8 cap (first..last) covers, as `caps` says it.
CAP_RANGE_WORDS = {"irqctl": "lines %d-%d", "ioport": "ports %#x-%#x"}
CAP_RIGHT_LETTERS = ((0x1, "c"), (0x2, "g"), (0x4, "v"), (0x8, "m"))  # call grant give manage
DOM_STATE_PREFIX = "DOM_"       # DOM_LIVE -> "live"
INV_KIND_PREFIX = "INV_"        # INV_CALL -> "call"
HANDLER_MARK = "h:"             # proc_dump's mark of a fault handler's level (lab 7)
# The vectors a handler may take (abi.h's FAULT_VECTORS_HANDLED), by
# their manuals' mnemonics, for `domains` and `invstack`.
VECTOR_MNEMONICS = {0: "#DE", 1: "#DB", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 11: "#NP",
                    12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 19: "#XM"}


def has_domains():
    """Whether this kernel has lab 6's domain table."""
    try:
        gdb.parse_and_eval("dom_table")
        return True
    except gdb.error:
        return False


def rights_text(rights):
    """"cgv-": one letter per right (see CAP_RIGHT_LETTERS), or '-'."""
    return "".join(letter if rights & bit else "-" for bit, letter in CAP_RIGHT_LETTERS)


class Domain:
    """One entry of dom_table, read through its DWARF type."""

    def __init__(self, value):
        self.value = value          # a gdb.Value of type struct domain

    @staticmethod
    def table():
        return gdb.parse_and_eval("dom_table")

    @classmethod
    def at(cls, address):
        """The domain at `address` (a struct domain *)."""
        return cls(gdb.Value(address).cast(
            gdb.lookup_type("struct domain").pointer()).dereference())

    @property
    def address(self):
        return int(self.value.address)

    @property
    def id(self):
        """Its index in dom_table, the id user programs see (dom_id)."""
        table = self.table()
        return (self.address - int(table.address)) // table[0].type.sizeof

    @property
    def name(self):
        return self.value["name"].string(errors="replace")

    def label(self):
        return "%d (%s)" % (self.id, self.name)

    @property
    def state(self):
        state = self.value["state"]
        name = enum_names(state).get(int(state), str(int(state)))
        return name[len(DOM_STATE_PREFIX):].lower() if name.startswith(DOM_STATE_PREFIX) else name

    @property
    def gen(self):
        return int(self.value["gen"])

    @property
    def pgdir(self):
        return int(self.value["pgdir"])

    @property
    def manager(self):
        address = int(self.value["manager"])
        return Domain.at(address) if address else None

    @property
    def home_of_pid(self):
        """The pid of the process whose home this is, or None."""
        address = int(self.value["home_of"])
        return int(self.value["home_of"]["pid"]) if address else None

    @property
    def threads(self):
        """Threads running in it now: whose top frame is here. The kernel
        counts them itself only when the domain dies (struct domain's
        threads, dom_kill_one), so this counts as it does, from proc_table."""
        if self.state == "dying":
            return int(self.value["threads"])
        return sum(1 for proc in used_procs()
                   if (frames := inv_frames(proc)) and frames[-1].domain.address == self.address)

    @property
    def entry(self):
        return int(self.value["entry"])

    @property
    def handler(self):
        """(eip, mask) of its fault handler (lab 7), or None: none set, or
        a kernel from before lab 7."""
        try:
            mask = int(self.value["handler_mask"])
        except gdb.error:
            return None
        return (int(self.value["handler_eip"]), mask) if mask else None

    def program(self):
        """The user program whose code it runs (build/user/NAME.elf)."""
        address = int(self.value["program"])
        name = self.value["program"]["name"].string(errors="replace") if address else self.name
        return UserProgram(name)

    def memory(self):
        return ProcessMemory(self.pgdir, "domain " + self.label())

    def caps(self):
        """[(slot, Cap)] of its non-empty slots."""
        caps = self.value["caps"]
        first, last = caps.type.strip_typedefs().range()
        return [(slot, Cap(caps[slot])) for slot in range(first, last + 1)
                if int(caps[slot]["type"]) != CAP_EMPTY]

    def summary(self):
        """"live, gen 2, manager 0 (sh), 1 thread, home of pid 3"."""
        manager = self.manager
        words = ["%s, gen %d, manager %s, %d thread%s" % (
            self.state, self.gen, manager.label() if manager else "-",
            self.threads, "" if self.threads == 1 else "s")]
        if self.home_of_pid is not None:
            words.append("home of pid %d" % self.home_of_pid)
        if self.entry:
            words.append("entry %s" % function_offset(self.entry, self.program()))
        if self.handler:
            eip, mask = self.handler
            words.append("handler %s for %s" % (function_offset(eip, self.program()),
                                                mask_words(mask)))
        return ", ".join(words)


def mask_words(mask):
    """"mask 0x4041 (#DE #UD #PF)": a trap mask and its vectors by name."""
    names = [VECTOR_MNEMONICS.get(vector, "vector %d" % vector)
             for vector in range(32) if mask >> vector & 1]
    return "mask %#x (%s)" % (mask, " ".join(names))


def used_domains():
    """Every domain of dom_table that is not FREE, in table order."""
    require_live_kernel()
    table = Domain.table()
    first, last = table.type.strip_typedefs().range()
    free = enum_number("DOM_FREE")
    return [Domain(table[index]) for index in range(first, last + 1)
            if int(table[index]["state"]) != free]


class Cap:
    """One capability (struct cap), read through its DWARF type."""

    def __init__(self, value):
        self.value = value

    @property
    def type_name(self):
        kind = int(self.value["type"])
        return CAP_TYPE_NAMES.get(kind, "type %d" % kind)

    @property
    def rights(self):
        return int(self.value["rights"])

    @property
    def badge(self):
        return int(self.value["badge"])

    @property
    def target(self):
        address = int(self.value["dom"])
        return Domain.at(address) if address else None

    @property
    def live(self):
        """The kernel's cap_live: the generation it was made for is its
        object's, and the object is LIVE."""
        target = self.target
        return target is not None and target.gen == int(self.value["gen"]) \
            and target.state == "live"

    def parent_place(self):
        """(domain id, slot) of the cap it was granted from, or None (a root)."""
        address = int(self.value["parent"])
        if not address:
            return None
        table = Domain.table()
        domain_size = table[0].type.sizeof
        index = (address - int(table.address)) // domain_size
        caps = table[index]["caps"]
        slot = (address - int(caps.address)) // caps[0].type.sizeof
        return index, slot

    def range_words(self):
        """", lines 0-16" (IRQ control), ", line 8" (an IRQ cap), ", ports
        0x70-0x71" (I/O ports), as `caps` shows them; "" for other caps."""
        first, last = int(self.value["first"]), int(self.value["last"])
        if self.type_name == "irq":
            return ", line %d" % first
        if self.type_name in CAP_RANGE_WORDS:
            return ", " + CAP_RANGE_WORDS[self.type_name] % (first, last)
        return ""

    def description(self):
        """"call cgv- badge 0x4d -> 5 (testsrv) gen 2 live, derived from 3:4",
        and for a lab 8 cap what it covers: "..., root, lines 0-16"."""
        target = self.target
        parent = self.parent_place()
        return "%s %s badge %#x -> %s gen %d %s, %s%s" % (
            self.type_name, rights_text(self.rights), self.badge,
            target.label() if target else "?", int(self.value["gen"]),
            "live" if self.live else "stale",
            "derived from %d:%d" % parent if parent else "root", self.range_words())


class InvFrame:
    """Level `level` of a thread's invocation stack (struct inv_frame)."""

    def __init__(self, proc, level):
        self.proc = proc
        self.level = level
        self.value = proc.value["inv"][level]

    @property
    def domain(self):
        return Domain.at(int(self.value["dom"]))

    @property
    def kind(self):
        kind = self.value["kind"]
        name = enum_names(kind).get(int(kind), str(int(kind)))
        return name[len(INV_KIND_PREFIX):].lower() if name.startswith(INV_KIND_PREFIX) else name

    @property
    def dead(self):
        """dom_frame_dead: its domain's generation has moved on."""
        return int(self.value["gen"]) != self.domain.gen

    def label(self):
        return self.domain.label() + (" dead" if self.dead else "")

    def caller_frame(self):
        """The trap frame the caller (level - 1) waits in, as dom_level_frame
        finds it: one struct trapframe per level below kstack_end. For a
        fault handler's level it holds the faulting registers."""
        tf_type = trapframe_type()
        address = int(self.proc.value["kstack_end"]) - self.level * tf_type.sizeof
        return address, gdb.Value(address).cast(tf_type.pointer()).dereference()

    @property
    def is_fault(self):
        return self.kind == "fault"

    @property
    def fault_addr(self):
        """INV_FAULT: the faulting address it handles (CR2; 0 but for #PF)."""
        return int(self.value["fault_addr"])

    def fault_vector(self):
        """INV_FAULT: the vector it handles, from the faulting frame."""
        return int(self.caller_frame()[1]["vector"])


def inv_frames(proc):
    """The invocation stack of proc, home first; [] for a kernel thread or
    a process that has exited (no home domain)."""
    try:
        if not int(proc.value["inv"][0]["dom"]):
            return []
        top = int(proc.value["inv_top"])
    except gdb.error:               # a kernel from before lab 6
        return []
    return [InvFrame(proc, level) for level in range(top + 1)]


def domain_words(proc):
    """"in domain 3 (sh)", or for a thread inside calls
    "in domain 6 (testsrv), call depth 2: 3 (sh) > 5 (testsrv) > 6 (testsrv)",
    and for one in a fault handler (lab 7)
    "in domain 3 (pager), handling vector 14 from domain 5 (child), call
    depth 2: 3 (pager) > 5 (child) > h:3 (pager)", and for one asleep in
    irq_wait (lab 8) "in domain 4 (rtcdrv), waiting on irq 8", as the
    kernel's proc_dump says it; "" for a thread in no domain."""
    frames = inv_frames(proc)
    if not frames:
        return ""
    top = frames[-1]
    words = "in domain " + top.label()
    if proc.irq_line is not None:
        words += ", waiting on irq %d" % proc.irq_line
    if top.is_fault:
        words += ", handling vector %d from domain %s" % (top.fault_vector(),
                                                           frames[-2].label())
    if len(frames) > 1:
        words += ", call depth %d: %s" % (len(frames) - 1, " > ".join(
            (HANDLER_MARK if frame.is_fault else "") + frame.label() for frame in frames))
    return words


# ---- saved registers -------------------------------------------------------------

class SavedContext:
    """A thread's registers and where they came from.

    kind: "running" (live, in the CPU), "kctx" or "trapframe" (in its
    process table entry, or on its kernel stack); source says which
    expression holds them; note explains anything unusual (never run yet, a
    zombie's stale kctx). A user context (ring 3) reads its stack through
    `memory` (its process's page directory) and names its code with
    `program`'s symbols."""

    def __init__(self, kind, registers, source, note="", user=False, started=True):
        self.kind = kind
        self.registers = registers      # [(name, int)], display order
        self.source = source
        self.note = note
        self.user = user                # stopped in user mode (ring 3)
        self.started = started          # False: kctx leads to its first code
        self.memory = KERNEL_MEMORY     # how to read its stack and code
        self.program = None             # a UserProgram, for a user context
        self.on_stack = False           # a trap frame on its kernel stack

    def register(self, name):
        return dict(self.registers)[name]

    def whereabouts(self):
        """"registers in its kctx (proc_table[1].kctx)", or live ones."""
        if self.kind == "running":
            return "registers live in the CPU (running)"
        if self.on_stack:
            return "registers in %s" % self.source
        return "registers in its %s (%s)" % (self.kind, self.source)

    @property
    def eip(self):
        return self.register("eip")

    @property
    def esp(self):
        return self.register("esp")

    @property
    def ebp(self):
        return self.register("ebp")


def struct_registers(value, names=None):
    """[(field, int)] of a struct of registers, in its field order or in
    the order of `names`."""
    fields = [field.name for field in value.type.strip_typedefs().fields()]
    wanted = [name for name in names if name in fields] if names else fields
    return [(name, int(value[name]) & 0xFFFFFFFF) for name in wanted]


def live_registers():
    """The CPU's registers in the innermost frame (not the selected one)."""
    frame = gdb.newest_frame()
    return [(name, int(frame.read_register(name)) & 0xFFFFFFFF)
            for name in LIVE_REGISTERS]


def trap_note(tf, user, program=None):
    """What a trap frame says happened. One that exec made for a program
    that has not run yet (eip at its entry point) says so instead."""
    vector = int(tf["vector"])
    elf = program.elf() if program is not None else None
    if user and elf is not None and int(tf["eip"]) == elf.entry:
        return "not started: exec made this frame to begin at its entry point"
    if user and vector == SYSCALL_VECTOR:
        return "in user mode it made system call %s with int $%d" % (
            syscall_text(int(tf["eax"])), SYSCALL_VECTOR)
    return "preempted in %s mode by trap %d (error %#x)" % (
        "user" if user else "kernel", vector, int(tf["error"]))


def trapframe_context(proc):
    tf = proc.value["tf"]
    user = from_user_mode(int(tf["cs"]), int(tf["eflags"]))
    source = "proc_table[%d].tf" % proc_index(proc)
    context = SavedContext("trapframe", struct_registers(tf, LIVE_REGISTERS),
                           source, trap_note(tf, user, proc.program() if proc.is_user else None),
                           user=user)
    return make_user(context, proc) if user else context


def kctx_context(proc, note):
    source = "proc_table[%d].kctx" % proc_index(proc)
    return SavedContext("kctx", struct_registers(proc.value["kctx"]), source, note)


def make_user(context, proc):
    """Mark `context` as proc's user-mode registers."""
    context.user = True
    if proc.is_user:
        context.memory = proc.memory()
        context.program = proc.program()
    return context


def proc_index(proc):
    table = gdb.parse_and_eval("proc_table")
    return (proc.address - int(table.address)) // table[0].type.sizeof


def saved_context(proc):
    """Where `proc`'s registers are and what they hold (see the file's
    docstring). The rule is the kernel's own (sched_switch_to resumes from
    tf if saved == SAVED_TRAPFRAME, else from kctx)."""
    if proc.running:
        context = SavedContext("running", live_registers(), "the CPU",
                               "it is current_proc: every register is the CPU's, "
                               "as `info registers` shows")
        if from_user_mode(context.register("cs"), context.register("eflags")):
            make_user(context, proc)
        return context
    saved = proc.saved
    if saved == "SAVED_TRAPFRAME":
        context = trapframe_context(proc)
    elif saved == "SAVED_KCTX":
        context = kctx_context(proc, "stopped in a voluntary switch (setctx "
                                     "saved the callee-saved registers)")
    else:
        context = kctx_context(proc, "not started: the first switch to it "
                                     "starts at kctx.eip")
    if proc.is_embryo or saved == "SAVED_NOT_STARTED":
        context.started = False
    if proc.is_zombie:
        context.note = ("a zombie: it exited and will never run again; these "
                        "registers are stale")
    return context


def trapframe_type():
    return gdb.lookup_type("struct trapframe")


def user_context(proc, context=None):
    """proc's user-mode registers, or None (a kernel thread; a process that
    has exited). If it stopped in user mode, they are its saved context;
    if it is in the kernel (a system call, an interrupt from user mode),
    the trap that entered the kernel left them in the trap frame at the
    top of its kernel stack, where trap_return will pop them."""
    if not proc.is_user:
        return None
    context = context or saved_context(proc)
    if context.user:
        return context
    if proc.is_zombie or proc.is_embryo or not proc.pgdir:
        return None                 # exited, or still being made (fork, exec)
    tf_type = trapframe_type()
    address = int(proc.value["kstack_top"]) - tf_type.sizeof
    tf = gdb.Value(address).cast(tf_type.pointer()).dereference()
    if not from_user_mode(int(tf["cs"]), int(tf["eflags"])):
        return None
    context = SavedContext("trapframe", struct_registers(tf, LIVE_REGISTERS),
                           "the trap frame at the top of its kernel stack (%#x)" % address,
                           trap_note(tf, True, proc.program()))
    context.on_stack = True
    return make_user(context, proc)


SYSCALL_NAMES = {}


def syscall_text(number):
    """"4 (wait)": the number and the name of the sys_ function the
    kernel's syscall_table has for it."""
    if number not in SYSCALL_NAMES:
        name = None
        try:
            table = gdb.parse_and_eval("syscall_table")
            first, last = table.type.strip_typedefs().range()
            if first <= number <= last:
                symbol = text_symbol(int(table[number]))
                if symbol is not None and symbol[1] == 0:
                    name = symbol[0][4:] if symbol[0].startswith("sys_") else symbol[0]
        except gdb.error:
            pass
        SYSCALL_NAMES[number] = "%d (%s)" % (number, name) if name else "%d" % number
    return SYSCALL_NAMES[number]


# ---- symbols and frames --------------------------------------------------------------

INFO_SYMBOL = re.compile(r"^(\S+)(?: \+ (\d+))? in section (\S+)")


def text_symbol(address):
    """(name, offset) of the text symbol containing `address` (the ELF
    symbol table, as the kernel's own ksym_lookup sees it), or None."""
    try:
        text = gdb.execute("info symbol %#x" % address, to_string=True)
    except gdb.error:
        return None
    match = INFO_SYMBOL.match(text.strip())
    if not match or not match.group(3).startswith(".text"):
        return None
    return match.group(1), int(match.group(2) or 0)


def code_symbol(address, program=None):
    """(name, offset) of `address`: in `program` for a user address (its
    own symbol table, whether or not GDB has it loaded), else the kernel's."""
    if program is not None and is_user_address(address):
        return program.symbol(address)
    return text_symbol(address)


def function_offset(address, program=None):
    """"sched_yield+0x5b", as the kernel prints it, or "0x0010255b"."""
    symbol = code_symbol(address, program)
    if symbol is None:
        return "%#010x" % address
    return "%s+%#x" % symbol


def source_line(address):
    """" at file:line" of `address`, or "" without line information."""
    sal = gdb.find_pc_line(address)
    if sal.symtab is None or not sal.line:
        return ""
    return " at %s:%d" % (sal.symtab.filename, sal.line)


def code_line(address, program=None):
    if program is not None and is_user_address(address):
        return program.source_line(address)
    return source_line(address)


def functions_at(address):
    """The DWARF functions whose code contains `address`, innermost first:
    inlined functions, then the function they were inlined into."""
    try:
        block = gdb.block_for_pc(address)
    except RuntimeError:
        return []
    functions = []
    while block is not None and not (block.is_static or block.is_global):
        if block.function is not None:
            functions.append((block.function, block))
        block = block.superblock
    return functions


def argument_names(block):
    return [symbol.name for symbol in block if symbol.is_argument]


def frame_text(level, address, show_address, name, arguments, where):
    """One frame as GDB prints it with `set print frame-arguments none`."""
    head = "#%-2d " % level
    if show_address:
        head += "%#010x in " % address
    args = ", ".join("%s=..." % argument for argument in arguments)
    return "%s%s (%s)%s" % (head, name, args, where)


def describe_frames(level, address, is_caller, program=None):
    """The lines for one stack frame at `address` (a return address if
    `is_caller`), one per function inlined there, numbered from `level`.
    The address is shown as GDB shows it mid-statement: a saved eip is
    one, except at a function's first instruction (a thread never run).
    A user address is named from `program`, with GDB's DWARF view when its
    symbols are the ones loaded, else from its symbol table and addr2line."""
    lookup = address - 1 if is_caller else address
    symbol = code_symbol(lookup, program)
    user = program is not None and is_user_address(address)
    functions = functions_at(lookup) if not user or program.loaded else []
    if not functions:
        name = symbol[0] if symbol else "??"
        return [frame_text(level, address, True, name, [], code_line(lookup, program))]
    lines = []
    where = source_line(lookup)
    show_address = is_caller or symbol is None or symbol[1] != 0
    for function, block in functions:
        lines.append(frame_text(level + len(lines), address, show_address,
                                function.name, argument_names(block), where))
        # The caller of an inlined function is shown at the call site, which
        # DWARF records as the inlined function's line (as GDB does).
        where = (" at %s:%d" % (function.symtab.filename, function.line)
                 if function.symtab is not None and function.line else "")
        show_address = False
    return lines


# ---- walking a stack: the call frame information GDB's `bt` uses too -------------

CFI_CACHE = {}


def call_frame_info(path):
    """The CallFrameInfo of the ELF file at `path` (its .debug_frame), read
    again when the file changes; None if it cannot be read."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    cached = CFI_CACHE.get(path)
    if cached is None or cached[0] != mtime:
        try:
            cached = (mtime, dwarf_cfi.CallFrameInfo.from_elf(path))
        except (OSError, ValueError, IndexError, struct.error, dwarf_cfi.CfiError):
            cached = (mtime, None)
        CFI_CACHE[path] = cached
    return cached[1]


def code_frame_info(address, program):
    """The CFI that describes the code at `address`: `program`'s for a user
    address, else the kernel's."""
    if program is not None and is_user_address(address):
        return call_frame_info(program.path)
    return call_frame_info(kernel_elf_path())


def dwarf_registers(context):
    """{DWARF register number: value} of a context's registers."""
    return {dwarf_cfi.REGISTER_NUMBERS[name]: value for name, value in context.registers
            if name in dwarf_cfi.REGISTER_NUMBERS}


def frame_record_caller(registers, read_word, user):
    """The caller by the frame record at ebp ([ebp] the caller's ebp,
    [ebp+4] the return address), for code without CFI (a few assembly
    functions outside the trap path), or None where there is none."""
    ebp = registers.get(dwarf_cfi.EBP, 0)
    if not ebp or (not user and is_user_address(ebp)):
        return None
    return dwarf_cfi.Caller({dwarf_cfi.EIP: read_word(ebp + 4), dwarf_cfi.EBP: read_word(ebp),
                             dwarf_cfi.ESP: ebp + 8}, outermost=False, interrupted=False)


def frame_addresses(context):
    """The frames of a context, innermost first, as [(pc, is_caller)]:
    is_caller says pc is a return address (GDB then names the call just
    before it), not the instruction a thread stopped at or a trap
    interrupted. Each frame is unwound with the call frame information
    (.debug_frame) of the code it is in, as GDB's `bt` does: C functions,
    the system call stubs and crt0 in user programs, the trap path. The
    walk ends where the rules say there is no caller (_start), at a zero
    return address (the bottom of a kernel thread's stack), or at a frame
    that does not go up the stack. In the kernel part of a user process it
    ends at the trap from user mode: user_context() goes on from there.
    Returns (frames, why the walk stopped early or "")."""
    registers = dwarf_registers(context)
    frames = [(registers[dwarf_cfi.EIP], False)]

    def read_word(address):
        return context.memory.word(address)

    is_caller = False
    try:
        while len(frames) < MAX_FRAMES:
            info = code_frame_info(registers[dwarf_cfi.EIP], context.program)
            caller = info.unwind(registers, read_word, is_caller) if info else None
            if caller is None:
                caller = frame_record_caller(registers, read_word, context.user)
            if caller is None or caller.outermost:
                return frames, ""
            found = caller.registers
            pc = found.get(dwarf_cfi.EIP, 0)
            if not pc:
                return frames, ""
            if not context.user and from_user_mode(found.get(dwarf_cfi.CS, 0),
                                                   found.get(dwarf_cfi.EFLAGS, 0)):
                return frames, ""
            if found.get(dwarf_cfi.ESP, 0) <= registers[dwarf_cfi.ESP]:
                return frames, ("(the next frame, at %s, would not be further up the "
                                "stack than esp %#x: stopped)"
                                % (function_offset(pc, context.program),
                                   registers[dwarf_cfi.ESP]))
            is_caller = not caller.interrupted
            frames.append((pc, is_caller))
            registers = found
    except gdb.MemoryError as error:
        return frames, "(cannot read the stack: %s)" % error
    except dwarf_cfi.CfiError as error:
        return frames, "(cannot unwind further: %s)" % error
    return frames, "(more frames follow; stopped after %d)" % MAX_FRAMES


def backtrace_lines(context, first_level=0):
    frames, ending = frame_addresses(context)
    lines = []
    for address, is_caller in frames:
        lines += describe_frames(first_level + len(lines), address,
                                 is_caller=is_caller, program=context.program)
    if ending:
        lines.append(ending)
    return lines


def eflags_text(value):
    names = [name for bit, name in EFLAGS_BITS if value >> bit & 1]
    if value >> EFLAGS_IOPL_SHIFT & 3:
        names.append("IOPL=%d" % (value >> EFLAGS_IOPL_SHIFT & 3))
    return "[ %s ]" % " ".join(names)


# ---- bt through trap frames ----------------------------------------------------

# GDB unwinds through a trap by itself, from the call frame information of
# trap_entry.S. That marks the trap path as a signal frame (so the code it
# interrupted is looked up at its own eip, not one byte early), and GDB's
# `bt` prints a signal frame as "<signal handler called>". This frame
# filter names it by its symbol instead: trap_common, trap_exception, trap_return, vector_N.
# It also drops the frame of a zero return address, which is no code: it
# is the word that ends a kernel thread's stack (kthread_create).

class TrapPathFrame(FrameDecorator):
    """A frame of the trap path, shown like any other frame: its symbol,
    and the line it is at (for an outer frame, the line of the call it
    made, as GDB shows a caller)."""

    def function(self):
        symbol = text_symbol(self.inferior_frame().pc())
        return symbol[0] if symbol is not None else super().function()

    def line(self):
        frame = self.inferior_frame()
        pc = frame.pc() if frame.level() == 0 else frame.pc() - 1
        sal = gdb.find_pc_line(pc)
        return sal.line if sal.symtab is not None and sal.line else None


class TrapPathFrameFilter:
    def __init__(self):
        self.name = "beta86 trap path"
        self.priority = 100
        self.enabled = True

    def filter(self, frames):
        for frame in frames:
            inferior = frame.inferior_frame()
            if inferior.pc() == 0 and inferior.level() > 0:
                continue
            yield TrapPathFrame(frame) if inferior.type() == gdb.SIGTRAMP_FRAME else frame


gdb.frame_filters[TrapPathFrameFilter().name] = TrapPathFrameFilter()


# ---- `display` across user-symbol swaps ---------------------------------------

DISPLAY_ROW = re.compile(r"^(\d+):\s+([yn])\s+(.*?)\s*$")
OUT_OF_SCOPE = "(cannot be evaluated in the current context)"
DISPLAY_FORMAT = re.compile(r"^/\w+\s+")


class Display:
    """One row of `info display`."""

    def __init__(self, number, enabled, text):
        self.number = number
        self.enabled = enabled
        # GDB marks a display tied to a block (a local) it is not in now.
        self.scoped = text.endswith(OUT_OF_SCOPE)
        self.text = text[:-len(OUT_OF_SCOPE)].rstrip() if self.scoped else text

    @property
    def expression(self):
        """The expression without its format ("/x argc" -> "argc")."""
        return DISPLAY_FORMAT.sub("", self.text)


def current_displays():
    try:
        text = gdb.execute("info display", to_string=True)
    except gdb.error:
        return []
    return [Display(int(match.group(1)), match.group(2) == "y", match.group(3))
            for match in map(DISPLAY_ROW.match, text.splitlines()) if match]


def evaluable_here(expression):
    """Whether GDB can parse `expression` in the selected frame (`whatis`
    parses it and works out its type without reading memory)."""
    try:
        gdb.execute("whatis " + expression, to_string=True)
        return True
    except gdb.error:
        return False


class KeptDisplays:
    """Keeps `display` expressions across the user-symbol swaps.

    GDB deletes every display whenever symbols are removed
    (remove-symbol-file), and a swap removes the previous program's. So
    around each swap (kept()) the displays are noted and made again with
    the same format, expression and enabled state, in the same order (GDB
    gives them new numbers). One that cannot be parsed in the frame GDB
    stopped in - `display argc` of a user main while the kernel runs -
    waits, and is made again at the first later stop where it can be
    (make_waiting(), at every stop), which shows it there."""

    def __init__(self):
        self.waiting = []           # [Display], in their old order
        self.notes = []             # what to say about the last swap

    def kept(self):
        return DisplaysKept(self)

    def say_notes(self, say):
        if self.notes:
            say("beta86: displays kept across the symbol change: " + "; ".join(self.notes))
        self.notes = []

    def make_again(self, displays):
        """Make `displays` again; returns the lines saying what happened."""
        made, waiting = [], []
        for display in displays:
            number = self.make(display)
            if number is None:
                waiting.append(display)
            elif number != display.number:
                made.append("%s is display %d now" % (display.text, number))
        self.waiting = waiting + self.waiting
        if waiting:
            made.append("%s wait%s for a frame where %s can be evaluated" % (
                ", ".join(display.text for display in waiting),
                "s" if len(waiting) == 1 else "", "it" if len(waiting) == 1 else "they"))
        return made

    def make(self, display, shown=None):
        """`display` made again here: its new number, or None if it cannot
        be parsed here. `shown` gets what GDB printed when it made it."""
        if not evaluable_here(display.expression):
            return None
        before = {row.number for row in current_displays()}
        try:     # from_tty: GDB shows a new display at once only then
            output = gdb.execute("display " + display.text, True, True)
        except gdb.error:
            return None
        new = [row.number for row in current_displays() if row.number not in before]
        if not new:
            return None
        if not display.enabled:
            gdb.execute("disable display %d" % new[0], to_string=True)
        elif shown is not None:
            shown.append(output)
        return new[0]

    def make_waiting(self, show=True):
        """At a stop: make the waiting displays that can be parsed here,
        and show them (unless the caller shows every display itself)."""
        shown, still = [], []
        for display in self.waiting:
            if self.make(display, shown) is None:
                still.append(display)
        self.waiting = still
        for output in shown if show else ():
            print(output, end="")


class DisplaysKept:
    """with DISPLAYS.kept(): code that may remove symbol files."""

    def __init__(self, keeper):
        self.keeper = keeper

    def __enter__(self):
        self.before = current_displays()
        return self

    def __exit__(self, *exception):
        after = {display.number for display in current_displays()}
        lost = [display for display in self.before if display.number not in after]
        if lost:
            self.keeper.notes += self.keeper.make_again(lost)
        return False


def show_displays():
    """Show every enabled display, as GDB does at a stop."""
    text = gdb.execute("display", to_string=True)
    if text:
        print(text, end="")


DISPLAYS = KeptDisplays()


# ---- user symbols: follow current_proc ------------------------------------------

class UserSymbols:
    """Keeps the symbols of the current user program loaded.

    At every stop, if current_proc is a user process, its program's ELF
    (build/user/NAME.elf) is made the only user program whose symbols GDB
    has: all user programs are linked at the same address, so two at a time
    would shadow each other. While a kernel thread is current the last
    program stays loaded (kernel code does not run at user addresses)."""

    def __init__(self):
        self.loaded = None          # (real path, mtime) of what we loaded
        self.loaded_for = ""        # "pid 2" or "usym"
        self.missing = None         # a program whose ELF we said is missing
        self.held = None            # messages held back during a command
        self.noted = set()          # breakpoints we said are in both

    def say(self, text):
        if self.held is not None:
            self.held.append(text)
        else:
            print(text)

    def on_stop(self, event):
        try:
            changed = self.follow_current_proc()
            if self.held is None:
                self.show_again(changed)
        except Exception as error:      # never let a stop end in a traceback
            self.say(SYMBOLS_PREFIX + "not updated: %s" % error)

    def follow_current_proc(self):
        """Load the symbols of current_proc's program; True if they changed."""
        address = current_proc_address()
        if not address:
            return False
        proc = gdb.Value(address).cast(
            gdb.lookup_type("struct proc").pointer()).dereference()
        try:
            program = int(proc["program"])
        except gdb.error:
            return False
        if not program:
            return False
        ramdisk_file = proc["program"]
        try:                        # inside a domain call: the callee's program
            domain = proc["inv"][int(proc["inv_top"])]["dom"]
            if int(domain) and int(domain["program"]):
                ramdisk_file = domain["program"]
        except gdb.error:           # a kernel from before lab 6
            pass
        name = ramdisk_file["name"].string(errors="replace")
        return self.load(UserProgram(name), "pid %d" % int(proc["pid"]),
                         ramdisk_file=ramdisk_file)

    def show_again(self, changed):
        """GDB showed where it stopped, and its displays, before this ran:
        with the previous program's symbols (or none). If they changed and
        the kernel stopped in user code, show both again with the right
        ones; else show the displays that have come back (DISPLAYS)."""
        if changed and is_user_address(int(gdb.newest_frame().pc())):
            print(gdb.execute("frame", to_string=True), end="")
            DISPLAYS.make_waiting(show=False)
            show_displays()
        else:
            DISPLAYS.make_waiting()

    def load(self, program, why, ramdisk_file=None):
        """Make `program` the loaded user program; True if that changed
        what GDB knows. Says so in one line."""
        if not program.exists:
            with DISPLAYS.kept():
                self.unload_all()
            if self.missing != program.name:
                self.missing = program.name
                self.say(SYMBOLS_PREFIX + "%s not found (%s runs %s; `make` builds it)"
                         % (program.shown_path, why, program.name))
            DISPLAYS.say_notes(self.say)
            return False
        self.missing = None
        wanted = (os.path.realpath(program.path), os.stat(program.path).st_mtime_ns)
        if self.loaded == wanted and objfile_for(program.path) is not None:
            return False
        if self.loaded is None and objfile_for(program.path) is not None:
            # Loaded by hand (add-symbol-file): keep it, and adopt it.
            with DISPLAYS.kept():
                self.unload_all(keep=wanted[0])
            self.loaded, self.loaded_for = wanted, why
            DISPLAYS.say_notes(self.say)
            return False
        path = program.path.replace("\\", "\\\\").replace('"', '\\"')
        with DISPLAYS.kept():
            self.unload_all()
            gdb.execute('with confirm off -- add-symbol-file "%s"' % path, to_string=True)
        self.loaded, self.loaded_for = wanted, why
        self.say(SYMBOLS_PREFIX + "%s (%s)" % (program.shown_path, why))
        DISPLAYS.say_notes(self.say)
        try:
            self.note_shared_breakpoints(program)
        except (gdb.error, RuntimeError):
            pass
        if ramdisk_file is not None and not matches_ramdisk(program, ramdisk_file):
            self.say("beta86: warning: %s is not the %s in the running kernel's ramdisk "
                     "(rebuilt since it booted?): its symbols may be wrong"
                     % (program.shown_path, program.name))
        return True

    def note_shared_breakpoints(self, program):
        """Say so, once per breakpoint, when a breakpoint set by name in the
        kernel now also stops in the user program (printf, sleep, exec,
        memcpy ... are names in both), and how to keep it to the kernel."""
        for bp in gdb.breakpoints():
            if not bp.is_valid() or bp.number in self.noted or \
                    not hasattr(bp, "locations") or not bp.location:
                continue
            addresses = [int(location.address) for location in bp.locations]
            kernel = [address for address in addresses if not is_user_address(address)]
            if not kernel or len(kernel) == len(addresses):
                continue
            self.noted.add(bp.number)
            sal = gdb.find_pc_line(kernel[0])
            only = ("`break %s:%s`" % (sal.symtab.filename, bp.location)
                    if sal.symtab is not None else "a file:function location")
            self.say("beta86: note: breakpoint %d (%s) now also stops in %s's %s; "
                     "for the kernel's alone use %s"
                     % (bp.number, bp.location, program.name, bp.location, only))

    def unload_all(self, keep=None):
        """Remove every user program's symbols (all of build/user/*.elf,
        however they were loaded), but `keep`."""
        directory = os.path.realpath(user_program_dir())
        for objfile in list(gdb.objfiles()):
            if not objfile.is_valid() or not objfile.filename:
                continue
            real = os.path.realpath(objfile.filename)
            if os.path.dirname(real) == directory and real != keep:
                filename = objfile.filename.replace("\\", "\\\\").replace('"', '\\"')
                gdb.execute('with confirm off -- remove-symbol-file "%s"' % filename,
                            to_string=True)
        if keep is None or (self.loaded and self.loaded[0] != keep):
            self.loaded = None

    def loaded_program(self):
        """(shown path, why) of the loaded program, or None."""
        if self.loaded is None or objfile_for(self.loaded[0]) is None:
            return None
        return shown_path(self.loaded[0]), self.loaded_for


class HeldMessages:
    """Hold back the user-symbol lines while a command runs GDB itself
    (nextswitch's internal continues), to print them once it is done."""

    def __enter__(self):
        USER_SYMBOLS.held = []
        return self

    def __exit__(self, *exception):
        held, USER_SYMBOLS.held = USER_SYMBOLS.held, None
        for text in held:
            print(text)
        return False


def matches_ramdisk(program, ramdisk_file):
    """Whether the loadable segments of `program`'s ELF are the bytes of
    the copy in the kernel's ramdisk (`ramdisk_file`, a struct ramdisk_file
    value): the ramdisk copy has no debug info, but the same segments."""
    elf = program.elf()
    if elf is None:
        return True
    try:
        data, size = int(ramdisk_file["data"]), int(ramdisk_file["size"])
        header = ELF_HEADER.unpack(KERNEL_MEMORY.read(data, ELF_HEADER.size))
        phoff, phnum = header[5], header[10]
        if phoff + phnum * ELF_SEGMENT.size > size:
            return False
        theirs = {}
        for index in range(phnum):
            kind, offset, vaddr, _, filesz, _, _, _ = ELF_SEGMENT.unpack(
                KERNEL_MEMORY.read(data + phoff + index * ELF_SEGMENT.size, ELF_SEGMENT.size))
            if kind == PT_LOAD:
                theirs[vaddr] = (offset, filesz)
        for vaddr, contents in elf.segments:
            offset, filesz = theirs.get(vaddr, (0, -1))
            if filesz != len(contents) or offset + filesz > size:
                return False
            if contents and KERNEL_MEMORY.read(data + offset, filesz) != contents:
                return False
        return len(theirs) == len(elf.segments)
    except (gdb.error, gdb.MemoryError, struct.error):
        return True


USER_SYMBOLS = UserSymbols()
for _handler in getattr(gdb, "beta86_stop_handlers", []):
    gdb.events.stop.disconnect(_handler)          # `source` again: replace ours
gdb.beta86_stop_handlers = [USER_SYMBOLS.on_stop]
gdb.events.stop.connect(USER_SYMBOLS.on_stop)


# ---- pretty-printers: struct proc, struct kctx, struct trapframe -----------------

# `print proc_table[1]`, `p *tf`, `p current_proc->kctx` show registers in
# hex (a code address as <function+offset>, a data address with the symbol
# it points into), and a process's state and where its registers are saved
# in words, so that no one converts 1065799 to hex by hand.

EXCEPTION_NAMES = ("divide error", "debug", "NMI", "breakpoint", "overflow",
                   "bound range", "invalid opcode", "device not available",
                   "double fault", "coprocessor segment overrun", "invalid TSS",
                   "segment not present", "stack fault", "general protection",
                   "page fault", "reserved", "x87 error", "alignment check",
                   "machine check", "SIMD error")
IRQ_BASE = 32                   # T_IRQ0: the PIC's IRQ 0..15
IRQ_COUNT = 16
SAVED_WORDS = {"SAVED_KCTX": "registers in kctx", "SAVED_TRAPFRAME": "registers in tf",
               "SAVED_NOT_STARTED": "never run: kctx says where it starts"}
TYPE_CACHE = {}


def register_types():
    """(data, code) pointer types: GDB prints both in hex, a code pointer
    with <function+offset>, a data pointer with the symbol it points into."""
    if "data" not in TYPE_CACHE:
        TYPE_CACHE["data"] = gdb.lookup_type("void").pointer()
        TYPE_CACHE["code"] = gdb.parse_and_eval("(void (*)(void))0").type
    return TYPE_CACHE["data"], TYPE_CACHE["code"]


def as_register(value, name):
    data, code = register_types()
    return value.cast(code if name == "eip" else data)


def vector_words(vector):
    if vector < len(EXCEPTION_NAMES):
        return EXCEPTION_NAMES[vector]
    if IRQ_BASE <= vector < IRQ_BASE + IRQ_COUNT:
        return "IRQ %d" % (vector - IRQ_BASE)
    if vector == SYSCALL_VECTOR:
        return "system call"
    return "vector %d" % vector


class KctxPrinter:
    """struct kctx: the callee-saved registers, esp and eip, in hex."""

    def __init__(self, value):
        self.value = value

    def children(self):
        for field in self.value.type.strip_typedefs().fields():
            yield field.name, as_register(self.value[field.name], field.name)


class TrapframePrinter:
    """struct trapframe: which trap, from which ring, then every register
    in hex. A frame on a kernel stack for a trap from ring 0 has no esp and
    ss (the CPU pushed none): the trapped esp is where that field would
    start, and these two fields are left out. A frame saved into the
    process table has them (sched_save_trapframe fills them in)."""

    def __init__(self, value):
        self.value = value

    def user(self):
        return from_user_mode(int(self.value["cs"]), int(self.value["eflags"]))

    def has_stack_fields(self):
        if self.user() or self.value.address is None:
            return True
        table = gdb.parse_and_eval("proc_table")
        start = int(table.address)
        return start <= int(self.value.address) < start + table.type.sizeof

    def to_string(self):
        if int(self.value["cs"]) == 0:
            return None             # no trap was ever saved here
        vector = int(self.value["vector"])
        words = "trap %d (%s) from %s" % (vector, vector_words(vector),
                                          "user mode" if self.user() else "ring 0")
        if not self.has_stack_fields():
            words += ", trapped esp %#x" % (int(self.value.address) + self.field_offset("esp"))
        return words

    def field_offset(self, name):
        for field in self.value.type.strip_typedefs().fields():
            if field.name == name:
                return field.bitpos // 8
        return 0

    def children(self):
        complete = self.has_stack_fields()
        for field in self.value.type.strip_typedefs().fields():
            name = field.name
            if name in ("esp", "ss") and not complete:
                continue
            if name == "vector":
                yield name, self.value[name]
            else:
                yield name, as_register(self.value[name], name)


class ProcPrinter:
    """struct proc: "pid 2 (sh) sleeping, registers in kctx", then every
    field (kctx and tf by their own printers; the name as a string, the
    addresses of its stack and heap in hex)."""

    ADDRESSES = ("kstack_top", "brk_base", "brk")

    def __init__(self, value):
        self.value = value

    def to_string(self):
        running = self.value.address is not None and \
            int(self.value.address) == current_proc_address()
        proc = Proc(self.value, running)
        if proc.state == "unused":
            return "unused"
        return "pid %d (%s) %s, %s" % (proc.pid, proc.name, proc.state,
                                       "registers live in the CPU" if running
                                       else SAVED_WORDS.get(proc.saved, proc.saved))

    def children(self):
        for field in self.value.type.strip_typedefs().fields():
            if field.name == "name":
                yield field.name, gdb.Value(self.value[field.name].string(errors="replace"))
            elif field.name in self.ADDRESSES:
                yield field.name, as_register(self.value[field.name], field.name)
            else:
                yield field.name, self.value[field.name]


class CapPrinter:
    """struct cap: one line, as `domains` lists it ("empty" for an empty
    slot), so that `print d->caps` reads as a table."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        if int(self.value["type"]) == CAP_EMPTY:
            return "empty"
        return Cap(self.value).description()


class DomainPrinter:
    """struct domain: "domain 5 (testsrv) live, gen 2, manager ...", then
    every field (the name as a string, caps by CapPrinter)."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        if self.value.address is None:
            return None
        domain = Domain(self.value)
        if domain.state == "free":
            return "free"
        return "domain %s %s" % (domain.label(), domain.summary())

    def children(self):
        for field in self.value.type.strip_typedefs().fields():
            if field.name == "name":
                yield field.name, gdb.Value(self.value[field.name].string(errors="replace"))
            else:
                yield field.name, self.value[field.name]


class InvFramePrinter:
    """struct inv_frame: "call into domain 5 (testsrv), gen 2"."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        address = int(self.value["dom"])
        if not address:
            return "unused"
        domain = Domain.at(address)
        kind = self.value["kind"]
        name = enum_names(kind).get(int(kind), str(int(kind)))
        gen = int(self.value["gen"])
        return "%s in domain %s, gen %d%s" % (
            name[len(INV_KIND_PREFIX):].lower() if name.startswith(INV_KIND_PREFIX) else name,
            domain.label(), gen, "" if gen == domain.gen else " (dead: it is %d now)" % domain.gen)


PRINTERS = {"proc": ProcPrinter, "kctx": KctxPrinter, "trapframe": TrapframePrinter,
            "cap": CapPrinter, "domain": DomainPrinter, "inv_frame": InvFramePrinter}


def beta86_printer(value):
    kind = value.type.strip_typedefs()
    if kind.code == gdb.TYPE_CODE_STRUCT and kind.tag in PRINTERS:
        return PRINTERS[kind.tag](value)
    return None


for _printer in list(gdb.pretty_printers):              # `source` again: replace ours
    if getattr(_printer, "__name__", "") == beta86_printer.__name__:
        gdb.pretty_printers.remove(_printer)
gdb.pretty_printers.append(beta86_printer)


# ---- `break main` before any user symbols ----------------------------------------

# GDB has a user program's symbols only once one is loaded: when GDB stops
# while a user process runs, or by `usym PROG`. Until then `break main`
# finds no main ("Function "main" not defined.") and sets nothing. GDB's
# hooks on `break` and `tbreak` run before and after it; the one after
# says what to do when the breakpoint named a function of user programs
# and none was made (or it was made pending). The hooks see no arguments:
# the location comes from the command history (typed commands only).

BREAK_COMMANDS = ("break", "tbreak")
BREAK_LINE = re.compile(r"^\s*\d+\s+(?:t?b|t?br|t?bre|t?brea|t?break)\s+"
                        r"(?:-function\s+)?(?:\S+:)?([A-Za-z_]\w*)(?:\s|$)")


class BreakHint:
    def __init__(self):
        self.before = set()

    def before_break(self):
        self.before = {bp.number for bp in gdb.breakpoints()}

    def after_break(self):
        try:
            self.hint()
        except (gdb.error, OSError, ValueError):
            pass                    # a hint must never make `break` fail

    def hint(self):
        if USER_SYMBOLS.loaded_program() is not None:
            return
        made = [bp for bp in gdb.breakpoints() if bp.number not in self.before]
        if made and not all(getattr(bp, "pending", False) for bp in made):
            return
        name = last_break_location()
        if name is None:
            return
        programs = user_programs_defining(name)
        if not programs:
            return
        every = set(programs) >= set(process_program_names())
        example = "sh" if "sh" in programs else programs[0]
        where = ("every user program" if every else "user program%s %s" % (
            "s" if len(programs) > 1 else "", ", ".join(programs)))
        print("beta86: `%s` is a function of %s, but GDB has no user program's symbols "
              "yet (they load when GDB stops in a user process, or with `usym PROG`)."
              % (name, where))
        print("        %s: `usym %s`, then `break %s`; add `if $_streq(current_proc->name, "
              "\"%s\")` to stop in %s only." % (
                  "Load them first" if not made else "This breakpoint waits, pending; "
                  "to set it now", example, name, example, example))


def last_break_location():
    """The function named by the `break` being run now: the last line of
    the command history, if it is that command."""
    lines = gdb.execute("show commands", to_string=True).strip().splitlines()
    match = BREAK_LINE.match(lines[-1]) if lines else None
    return match.group(1) if match else None


def user_program_names():
    directory = user_program_dir()
    try:
        return sorted(name[:-len(".elf")] for name in os.listdir(directory)
                      if name.endswith(".elf"))
    except OSError:
        return []


PROCESS_ENTRY_FUNCTION = "main"     # what crt0.S calls: a program exec starts (lab 4)


def process_program_names():
    """The user programs that run as processes (exec starts them at main),
    not the domain images of user/domains/, which have none: dom_main,
    which dom_crt0.S calls, in C, or only their own _start in assembly
    (asmadder.S)."""
    return [program for program in user_program_names()
            if UserProgram(program).elf() is None or
            UserProgram(program).elf().address_of(PROCESS_ENTRY_FUNCTION) is not None]


def user_programs_defining(name):
    """The user programs (build/user/*.elf) that define function `name`."""
    found = []
    for program in user_program_names():
        elf = UserProgram(program).elf()
        if elf is not None and any(function == name for _, _, function in elf.functions):
            found.append(program)
    return found


BREAK_HINT = BreakHint()
gdb.beta86_break_hint = BREAK_HINT      # what the hooks below call
for _command in BREAK_COMMANDS:
    gdb.execute("define hook-%s\npython gdb.beta86_break_hint.before_break()\nend"
                % _command, to_string=True)
    gdb.execute("define hookpost-%s\npython gdb.beta86_break_hint.after_break()\nend"
                % _command, to_string=True)


# ---- commands --------------------------------------------------------------------------

class Beta86Command(gdb.Command):
    """beta86's GDB commands, for looking at threads, processes and switches.

ps            the process table: pid, state, name, where each thread is
ctx PID       a thread's registers: saved in kctx or trapframe, or live;
              a user process's user registers and user backtrace too
pbt PID       a thread's backtrace from its saved registers
nextswitch    run to the next context switch; stop in the new thread
usym [PROG]   the user program whose symbols are loaded; load PROG's
domains [ID]  lab 6: the domains and their capability tables (lab 7: handlers)
invstack [PID]  lab 6: a thread's invocation stack and its return points
              (lab 7: fault frames, the fault and the faulting registers)
nextdomain    lab 6: run to the next domain crossing; stop in the new domain
              (lab 7: fault deliveries, resumes and passes too)
trace [N]     the scheduling trace's last N records (boot with trace=1)
schedule [N]  the recent schedule as ASCII lanes, from the trace
irqs [LINE]   lab 8: the IRQ lines, their owners, waiters and counts

When GDB stops while a user process is current_proc, the symbols of its
program (build/user/NAME.elf) replace the previous program's, with a line
"beta86: user symbols: build/user/NAME.elf (pid N)"; your `display`s are
made again after each change (one that cannot be evaluated where GDB
stopped comes back at the first stop where it can). `bt` in the kernel
goes on through the trap frame into the code the trap interrupted.
`print` shows a struct proc, kctx or trapframe with registers in hex.

Type `help ps` (and so on) for each one."""

    def __init__(self):
        super().__init__("beta86", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        print(self.__doc__)


class PsCommand(gdb.Command):
    """Show the process table: pid, state, name and where each thread is.

Usage: ps

One line per used entry of proc_table, in the kernel's own words (the same
as `ps` in the kernel monitor, or Ctrl-P). "where" says:
  (running) f+0x12        current_proc, and the CPU's eip;
  (not started) f+0x0     a thread never run yet, and where it will start;
  f+0x12 < g+0x34 ...     a stopped thread: the eip it will resume at and
                          its callers (by its saved ebp), innermost first,
                          then in brackets where those registers are saved:
                          [kctx] (it yielded or slept) or [trapframe] (the
                          timer preempted it).
A user process shows its user-mode eip and callers too, named in its own
program (NAME.elf), after "user NAME:":
  user sh: f+0x12 < main+0x40 [trapframe]        stopped in user mode;
  K < K2 [kctx] | user sh: read+0xb < main+0x40  in the kernel (a system
                          call, or an interrupt from user mode): the kernel
                          part first, then where its user code is.
Under a user process, a second line says which domain it is in (lab 6):
  in domain 3 (sh)                                  at home;
  in domain 6 (testsrv), call depth 2: 3 (sh) > 5 (testsrv) > 6 (testsrv)
                          inside calls: its invocation stack, home first
                          ("dead" after a domain that has died).
Inside a call its user code is the callee's, named in that program.
A thread in a fault handler (lab 7) has its handler's level marked "h:",
and says what it handles, as the kernel's table does:
  in domain 3 (pager), handling vector 14 from domain 5 (child), call
  depth 2: 3 (pager) > 5 (child) > h:3 (pager)
A thread asleep in irq_wait (lab 8) says on which line (see `irqs`):
  in domain 4 (rtcdrv), waiting on irq 8"""

    def __init__(self):
        super().__init__("ps", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if argument.strip():
            raise gdb.GdbError("usage: ps (no arguments)")
        procs = used_procs()
        print("pid  state     name             where")
        for proc in procs:
            try:
                where = ps_where(proc)
            except gdb.error as error:      # a corrupt entry must not hide the rest
                where = "(cannot read where it is: %s)" % error
            print("%-4d %-9s %-16s %s" % (proc.pid, proc.state, proc.name, where))
            try:
                domain = domain_words(proc)
            except gdb.error as error:
                domain = "(cannot read its domain: %s)" % error
            if domain:
                print(" " * PS_WHERE_COLUMN + domain)
        if not procs:
            print("(the process table is empty: proc_init has not run yet)")


def ps_where(proc):
    """The "where" column: the kernel's proc_dump words, then the context;
    for a user process, its user part too."""
    context = saved_context(proc)
    if not proc.is_user:
        return ps_context(proc, context)
    user = user_context(proc, context)
    if user is None:
        reason = "exited" if proc.is_zombie or not proc.pgdir else "no user registers"
        return "%s | user %s: (%s)" % (ps_context(proc, context), proc.program().name, reason)
    user_part = "user %s: %s" % (user.program.name, ps_chain(user))
    if context.user:        # stopped, or running, in user mode
        if context.kind == "running":
            return "(running) " + user_part
        if not context.started:
            return "(not started) " + user_part
        return "%s [%s]" % (user_part, context.kind)
    return "%s | %s" % (ps_context(proc, context), user_part)


def ps_chain(context):
    frames, _ = frame_addresses(context)
    return " < ".join(function_offset(address, context.program)
                      for address, _ in frames[:PS_FRAMES])


def ps_context(proc, context):
    if context.kind == "running":
        words = "(running)" if proc.state == "running" else IDLE_WORDS
        return "%s %s" % (words, function_offset(context.eip))
    if not context.started:
        return "(not started) " + function_offset(context.eip)
    return "%s [%s]" % (ps_chain(context), context.kind)


class CtxCommand(gdb.Command):
    """Show a thread's registers: saved in its kctx or trapframe, or live.

Usage: ctx PID

Says where the registers of thread PID are and prints them one per line:
  kctx       it stopped in a voluntary switch (kthread_yield, sleep):
             setctx saved ebx, esi, edi, ebp, esp and eip in proc->kctx;
  trapframe  the timer preempted it: every register is in proc->tf;
  running    it is current_proc: its registers are the CPU's, live.
eip is shown as function+offset and source line: where it will resume.

For a user process: first its kernel registers, if it is in the kernel
(inside a system call, or interrupted in user mode and not yet back), then
its user-mode registers - from the trap frame at the top of its kernel
stack, its proc->tf, or the CPU - with eip named in its own program, and
the backtrace of its user stack, read through its own page directory."""

    def __init__(self):
        super().__init__("ctx", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        proc = find_proc(parse_pid(argument, "ctx"), "ctx")
        context = saved_context(proc)
        if not proc.is_user:
            print("%s %s, %s" % (proc.label(), proc.state, context.whereabouts()))
            print_registers(context, "  ")
            return
        program = proc.program()
        print("%s %s, a user process running %s (%s)" % (
            proc.label(), proc.state, program.name, program.shown_path))
        if domain_words(proc):
            print(domain_words(proc))
        user = user_context(proc, context)
        if not context.user:
            print("in the kernel: " + context.whereabouts())
            print_registers(context, "  ")
        if user is None:
            print("in user mode: no registers (%s)" % (
                "it exited" if proc.is_zombie or not proc.pgdir
                else "no user trap frame at the top of its kernel stack"))
            return
        print("in user mode: " + user.whereabouts())
        print_registers(user, "  ")
        print("user backtrace (its stack read through its page directory at %#x):"
              % proc.pgdir)
        for line in backtrace_lines(user):
            print("  " + line)


def print_registers(context, indent):
    print(indent + context.note)
    for name, value in context.registers:
        print("%s%-7s %#010x%s" % (indent, name, value,
                                   register_comment(name, value, context.program)))


def register_comment(name, value, program=None):
    if name == "eip":
        return "  " + function_offset(value, program) + code_line(value, program)
    if name == "eflags":
        return "  " + eflags_text(value)
    return ""


class PbtCommand(gdb.Command):
    """Backtrace of any thread, from its saved registers.

Usage: pbt PID

For a stopped thread, starts at its saved eip and follows the frame-pointer
chain from its saved ebp (each frame's [ebp] is the caller's ebp, [ebp+4] the
return address), printing each frame like `bt` does (function, file:line;
arguments are not evaluated: "arg=..."). For the running thread it is `bt`.
For a user process in the kernel, the kernel frames come first, then the
frames of its user stack from the registers its trap saved (named in its
own program, its stack read through its own page directory)."""

    def __init__(self):
        super().__init__("pbt", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        proc = find_proc(parse_pid(argument, "pbt"), "pbt")
        context = saved_context(proc)
        if context.kind == "running":
            print("%s is running: its backtrace is `bt`" % proc.label())
            gdb.execute("backtrace")
            return
        if proc.is_zombie:
            raise gdb.GdbError("pbt: %s is a zombie: it exited, so it has no "
                               "stack to walk" % proc.label())
        print("%s %s, from its %s (%s)" % (proc.label(), proc.state,
                                          context.kind, context.source))
        lines = backtrace_lines(context)
        for line in lines:
            print(line)
        user = None if context.user else user_context(proc, context)
        if user is not None:
            print("user mode (%s), from %s:" % (proc.program_name, user.source))
            levels = len([line for line in lines if line.startswith("#")])
            for line in backtrace_lines(user, first_level=levels):
                print(line)


class NextSwitchCommand(gdb.Command):
    """Run to the next context switch and stop in the thread switched to.

Usage: nextswitch

Continues until the kernel next enters sched_switch_to, prints
  pid A (nameA) -> pid B (nameB) at tick T
(the thread leaving, the thread chosen, timer_ticks), then continues to the
first instruction the new thread will execute - its saved kctx.eip or
tf.eip - and stops there. Your own breakpoints are disabled while it runs
and re-enabled afterwards, so they cannot stop it halfway.

If on the way the system goes idle - nothing is runnable, so the CPU halts
until an interrupt wakes a thread (sched_idle) - it says so at once,
with who sleeps and when the timer wakes the first of them, and waits on for
the next switch: a thread that waits for console input needs you to type
in QEMU's terminal; Ctrl-C stops the wait. (A thread woken while it idles
itself just runs on: the next switch comes when it gives up the CPU.)"""

    def __init__(self):
        super().__init__("nextswitch", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if argument.strip():
            raise gdb.GdbError("usage: nextswitch (no arguments)")
        require_live_kernel()
        with HeldMessages(), BreakpointsDisabled():
            switch = run_to_switch()
            run_to_resume_point(switch)
        print("%s -> %s at tick %d" % (switch.old.label(), switch.new.label(),
                                       switch.tick))
        print_ticks_meanwhile(switch)
        gdb.execute("frame 0")
        DISPLAYS.make_waiting(show=False)
        show_displays()                 # as GDB does where it stops


def print_ticks_meanwhile(switch):
    """Say so if the new thread was interrupted before its first instruction
    (it then ran only after other switches): the line above is still the
    switch that chose it, but the kernel has moved on since."""
    ticks = int(gdb.parse_and_eval("timer_ticks")) - switch.tick
    if ticks:
        print("(note: %d timer tick%s came before %s ran its first instruction)"
              % (ticks, "" if ticks == 1 else "s", switch.new.label()))


class BreakpointsDisabled:
    """Disable `breakpoints` (by default every enabled one of the user's:
    gdb.breakpoints() lists no internal one) for the duration of a `with`."""

    def __init__(self, breakpoints=None):
        self.breakpoints = breakpoints

    def __enter__(self):
        candidates = gdb.breakpoints() if self.breakpoints is None else self.breakpoints
        self.disabled = [bp for bp in candidates if bp.enabled]
        for bp in self.disabled:
            bp.enabled = False
        return self

    def __exit__(self, *exception):
        for bp in self.disabled:
            if bp.is_valid():
                bp.enabled = True
        return False


class Switch:
    """A context switch caught at sched_switch_to's first instruction."""

    def __init__(self, old, new, tick, resume_eip):
        self.old, self.new = old, new
        self.tick = tick
        self.resume_eip = resume_eip


class StopOnceBreakpoint(gdb.Breakpoint):
    """An internal breakpoint that records whether it stopped the kernel;
    `condition` (a function) may let it pass silently."""

    def __init__(self, spec, condition=None):
        super().__init__(spec, internal=True)
        self.silent = True
        self.condition_function = condition
        self.stopped_here = False

    def stop(self):
        if self.condition_function is not None and not self.condition_function():
            return False
        self.stopped_here = True
        return True


def continue_until(breakpoints, what, command="nextswitch"):
    """Continue until one of `breakpoints` stops the kernel; return it.
    Says what happened if anything else stopped it first (Ctrl-C, an exit)."""
    for breakpoint in breakpoints:
        breakpoint.stopped_here = False
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as error:      # e.g. the kernel shut down, QEMU exited
        raise gdb.GdbError("%s: %s, before %s" % (command, error, what))
    for breakpoint in breakpoints:
        if breakpoint.stopped_here:
            return breakpoint
    raise gdb.GdbError("%s: stopped before %s" % (command, what))


class InternalBreakpoints:
    """`with` breakpoints that are deleted at its end, whatever happens."""

    def __init__(self, *breakpoints):
        self.breakpoints = [bp for bp in breakpoints if bp is not None]

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        for breakpoint in self.breakpoints:
            if breakpoint.is_valid():
                breakpoint.delete()
        return False


IDLE_FUNCTION = "sched_idle"


def idle_breakpoint():
    """A breakpoint where the kernel starts idling: sched_idle, which
    sched_pick_or_idle (inlined into its callers) calls when it finds the
    run queue empty. None if this kernel has no such function."""
    def nothing_runnable():
        return int(gdb.parse_and_eval("runq_ring")) == 0
    try:
        return StopOnceBreakpoint(IDLE_FUNCTION, nothing_runnable)
    except (gdb.error, RuntimeError):
        return None


def say_idle():
    """Say that the system is idle, who sleeps, and what wakes it."""
    tick = int(gdb.parse_and_eval("timer_ticks"))
    sleeping = [proc.label() for proc in used_procs() if proc.state == "sleeping"]
    print("beta86: idle at tick %d: nothing is runnable; the CPU halts until an "
          "interrupt wakes a thread." % tick)
    print("        sleeping: %s%s." % (", ".join(sleeping) or "nobody",
                                       timer_wakeup_words()))
    print("        nextswitch waits on for the next switch (a thread waiting for "
          "console input needs you to type in QEMU's terminal; Ctrl-C stops).")
    gdb.flush()


def timer_wakeup_words():
    """"; the timer wakes pid 3 (nap2) at tick 12", or "" if no thread
    waits for a tick (timer_sleepers, sorted by wake_tick, is empty)."""
    try:
        first = int(gdb.parse_and_eval("timer_sleepers"))
        if not first:
            return "; no thread waits for a timer tick"
        proc = proc_at(first)
        return "; the timer wakes %s at tick %d" % (proc.label(), int(proc.value["wake_tick"]))
    except gdb.error:
        return ""


def run_to_switch():
    """Continue to the entry of sched_switch_to; read who switches to whom
    before any of it runs (current_proc is still the old thread). Says so
    if the system goes idle on the way, once, and goes on waiting."""
    switch_point = StopOnceBreakpoint("*" + SWITCH_FUNCTION)
    idle = idle_breakpoint()
    with InternalBreakpoints(switch_point, idle):
        while continue_until([switch_point, idle] if idle else [switch_point],
                             "reaching the next context switch") is idle:
            say_idle()
            idle.delete()
            idle = None
    next_value = gdb.selected_frame().read_var("next")
    old = proc_at(current_proc_address())
    new = proc_at(int(next_value))
    resume_eip = saved_context(new).eip
    tick = int(gdb.parse_and_eval("timer_ticks"))
    return Switch(old, new, tick, resume_eip)


def run_to_resume_point(switch):
    """Continue to the new thread's first instruction. The condition makes
    sure it is the new thread that gets there (the same code may be shared
    by several threads, and an interrupt could come first)."""
    new_address = switch.new.address

    def new_thread_running():
        return current_proc_address() == new_address

    resume_point = StopOnceBreakpoint("*%#x" % switch.resume_eip, new_thread_running)
    with InternalBreakpoints(resume_point):
        continue_until([resume_point],
                       "%s resumed at %#x" % (switch.new.label(), switch.resume_eip))


class UsymCommand(gdb.Command):
    """Show or choose the user program whose symbols GDB has.

Usage: usym          which program's symbols are loaded, and for whom
       usym PROG     load build/user/PROG.elf now, e.g. to `break main` in
                     a program before it runs

All user programs are linked at the same addresses (0x40000000 up), so GDB
holds one program's symbols at a time. Whenever GDB stops while a user
process is current_proc, its program's symbols replace the others (one
line says so). A breakpoint set by name (`break main`) follows the loaded
program: GDB moves it to the new program's `main` when the symbols change,
and it stops any process that runs that address. To stop in one program
only, give it a condition:
  break main if $_streq(current_proc->name, "echo")
Names that the kernel and the user library share (printf, sleep, exec,
memcpy ...) then match both: `break kernel/proc/sched.c:sleep` is the
kernel's alone (a note says so when a breakpoint gains user locations)."""

    def __init__(self):
        super().__init__("usym", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        name = argument.strip()
        if not name:
            loaded = USER_SYMBOLS.loaded_program()
            if loaded is None:
                print("beta86: no user program's symbols are loaded")
            else:
                print(SYMBOLS_PREFIX + "%s (%s)" % loaded)
            return
        if not re.match(r"^[\w.-]+$", name):
            raise gdb.GdbError("usage: usym [PROG] (a program of user/, e.g. sh)")
        program = UserProgram(name)
        if not program.exists:
            raise gdb.GdbError("usym: no %s (is %s a program of user/? `make` builds it)"
                               % (program.shown_path, name))
        if not USER_SYMBOLS.load(program, "usym"):
            print(SYMBOLS_PREFIX + "%s (already loaded)" % program.shown_path)


class DomainsCommand(gdb.Command):
    """List the domains (lab 6) and their capability tables.

Usage: domains        every domain that is not free
       domains ID     domain ID only (its index in dom_table)

One line per domain:
  domain 5 (testsrv) live, gen 2, manager 3 (sh), 1 thread, entry _start+0x0
its state (live; dying: dead, its memory not freed while a thread is still
inside), generation, manager (the domain that created it; "-" for a home
domain, which says whose home it is instead), how many threads run in it
(their top invocation frame is there), and a created domain's entry point.
A domain with a fault handler (lab 7) ends its line with the handler's
eip and its trap mask, the vectors by their mnemonics:
  ..., handler fault_entry+0x0 for mask 0x4041 (#DE #UD #PF)
Then one line per non-empty capability slot:
  slot TYPE RIGHTS badge B -> TARGET gen G live|stale, root|derived from D:S
RIGHTS has a letter per right or '-': c call, g grant, v give (put caps
into the domain it names), m manage (destroy it). "stale": the target's
generation is not the one the cap was made for (it died), so a call
through it answers -E_DEAD. "derived from D:S": made by cap_grant (or fork)
from slot S of domain D, so revoking that removes this one. The same table
as the user program `caps` prints, for any domain."""

    def __init__(self):
        super().__init__("domains", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if not has_domains():
            raise gdb.GdbError("domains: this kernel has no domain table (lab 6)")
        domains = used_domains()
        if argument.strip():
            try:
                wanted = int(gdb.parse_and_eval(argument))
            except (gdb.error, ValueError):
                raise gdb.GdbError("usage: domains [ID] (a domain's number)")
            chosen = [domain for domain in domains if domain.id == wanted]
            if not chosen:
                raise gdb.GdbError("domains: domain %d is free (used: %s)" % (
                    wanted, ", ".join(str(domain.id) for domain in domains) or "none"))
            domains = chosen
        if not domains:
            print("(no domains: no user process has started)")
        for domain in domains:
            print("domain %s %s" % (domain.label(), domain.summary()))
            for slot, cap in domain.caps():
                print("  %-2d %s" % (slot, cap.description()))


class InvstackCommand(gdb.Command):
    """Show a thread's invocation stack: the domains it is inside (lab 6).

Usage: invstack [PID]   (default: current_proc)

One line per frame, home first:
  #0 domain 3 (sh) home
  #1 domain 5 (testsrv) call, from domain 3 (sh) at dom_call+0x12 < main+0x40
the level, the domain entered, and the kind (home; call: entered by
dom_call; fault: a fault handler, lab 7), "dead" if that domain has died
since (the thread unwinds from it on its way back to user mode). For a
call, where the caller returns to: the eip in its trap frame, which
dom_return resumes, and the caller's callers, named in the caller domain's
program and read through its page directory. The caller's frame is the
struct trapframe at kstack_end - level * sizeof(struct trapframe) (dom.h's
dom_level_frame).

A fault handler's level (lab 7) says where the fault happened the same
way, then, indented, the fault and the faulting registers, which that
frame holds (what fault_regs reads and writes, and FAULT_RESUME resumes):
  #2 domain 3 (pager) fault, from domain 5 (child) at main+0x1c
       page fault (#PF, vector 14), error 0x6, address 0x50000010
       eax 0x00000001  ecx 0x50000010  edx 0x00000000  ebx 0x00000002
       esp 0xbfffef80  ebp 0xbfffef98  esi 0x00000000  edi 0x00000000
       eip 0x4000001c (main+0x1c)  eflags 0x00000246 [ PF ZF IF ]
The last line says where the thread is in the top domain now."""

    def __init__(self):
        super().__init__("invstack", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if argument.strip():
            proc = find_proc(parse_pid(argument, "invstack"), "invstack")
        else:
            proc = proc_at(current_proc_address())
        frames = inv_frames(proc)
        if not frames:
            raise gdb.GdbError("invstack: %s is in no domain (%s)" % (
                proc.label(), "a kernel thread" if not proc.is_user else "it exited"))
        print("%s: %s, in domain %s" % (proc.label(), depth_words(frames), frames[-1].label()))
        for frame in frames:
            line = "#%d domain %s %s" % (frame.level, frame.label(), frame.kind)
            if frame.level > 0:
                line += ", from domain %s at %s" % (frames[frame.level - 1].label(),
                                                    caller_where(frame, frames[frame.level - 1]))
            print(line)
            if frame.is_fault:
                for words in fault_lines(frame, frames[frame.level - 1]):
                    print(FAULT_INDENT + words)
        user = user_context(proc)
        print("now: %s" % ("user %s: %s" % (user.program.name, ps_chain(user)) if user
                           else "(no user registers)"))


FAULT_INDENT = " " * 7
REGISTER_ROWS = (("eax", "ecx", "edx", "ebx"), ("esp", "ebp", "esi", "edi"))


def depth_words(frames):
    """"2 calls deep", or with fault handlers on the stack (lab 7)
    "3 levels deep (2 calls, 1 fault handler)"."""
    faults = sum(1 for frame in frames if frame.is_fault)
    levels = len(frames) - 1
    if not faults:
        return "%d call%s deep" % (levels, "" if levels == 1 else "s")
    calls = levels - faults
    return "%d level%s deep (%d call%s, %d fault handler%s)" % (
        levels, "" if levels == 1 else "s", calls, "" if calls == 1 else "s",
        faults, "" if faults == 1 else "s")


def fault_lines(frame, faulting):
    """The fault a handler's level handles and the faulting registers,
    from the faulting level's trap frame, its eip named in the faulting
    domain's program."""
    _, tf = frame.caller_frame()
    vector, error = int(tf["vector"]), int(tf["error"])
    lines = ["%s (%s, vector %d), error %#x, address %#010x" % (
        vector_words(vector), VECTOR_MNEMONICS.get(vector, "?"), vector, error, frame.fault_addr)]
    for row in REGISTER_ROWS:
        lines.append("  ".join("%s %#010x" % (name, int(tf[name]) & 0xffffffff) for name in row))
    eip, eflags = int(tf["eip"]), int(tf["eflags"])
    lines.append("eip %#010x (%s)  eflags %#010x %s" % (
        eip, function_offset(eip, faulting.domain.program()), eflags, eflags_text(eflags)))
    return lines


def caller_where(frame, caller):
    """Where the caller of `frame` resumes, and its callers: its trap
    frame's eip, walked through the caller domain's memory and program."""
    address, tf = frame.caller_frame()
    context = SavedContext("trapframe", struct_registers(tf, LIVE_REGISTERS),
                           "the trap frame at %#x" % address, user=True)
    context.memory = caller.domain.memory()
    context.program = caller.domain.program()
    return ps_chain(context)


class NextDomainCommand(gdb.Command):
    """Run to the next domain crossing and stop in the domain entered.

Usage: nextdomain

A sibling of nextswitch for lab 6. Continues until some thread crosses
between domains - a dom_call into a callee (int $49), a dom_return to the
caller (int $50), or an unwind out of a domain that died (dom_unwind, on
the way back to user mode) - and prints
  pid P (NAME): call from domain 3 (sh) to domain 5 (testsrv), depth 0 -> 1
(return / unwind likewise), then continues to the first user instruction
the thread runs in the new domain (the callee's entry; the caller's eip
after its int $49) and stops there, with that domain's program's symbols
loaded; after an unwind that is where the caller's dom_call returns
-E_DEAD. A call that is refused (a bad cap, too deep, ...) crosses
nothing: it says so in a line, naming the slot and the error, and waits
on.

Lab 7's crossings too: a fault delivered to a handler (dom_fault_deliver),
and fault_resume (dom_fault_resume) resuming the faulting domain or
passing the fault to the next handler:
  pid P (NAME): fault from domain 5 (child) to domain 3 (pager), depth 1 -> 2: page fault (#PF)
  pid P (NAME): resume from domain 3 (pager) to domain 5 (child), depth 2 -> 1
  pid P (NAME): pass from domain 4 (mid) to domain 3 (pager), depth 2 -> 2
stopping at the handler's first instruction, or at the instruction the
faulting domain runs again (or the eip the handler gave it). A fault no
handler takes, a handler's kill, a fault loop and a refused fault_resume
cross nothing then: a line says which, and it waits on (the death that
follows may unwind another thread). Your own breakpoints are disabled
while it runs; Ctrl-C stops the wait."""

    LAB6_HANDLERS = ("dom_call", "dom_return", "dom_unwind")
    FAULT_HANDLERS = ("dom_fault_deliver", "dom_fault_resume")   # lab 7

    def __init__(self):
        super().__init__("nextdomain", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if argument.strip():
            raise gdb.GdbError("usage: nextdomain (no arguments)")
        require_live_kernel()
        if not has_domains():
            raise gdb.GdbError("nextdomain: this kernel has no domains (lab 6)")
        with HeldMessages(), BreakpointsDisabled():
            crossing = self.run_to_crossing()
            resume_point = StopOnceBreakpoint(
                "*%#x" % crossing.resume_eip,
                lambda: current_proc_address() == crossing.proc_address)
            with InternalBreakpoints(resume_point):
                continue_until([resume_point], "the thread resumed at %#x" % crossing.resume_eip,
                               "nextdomain")
        print(crossing.words)
        gdb.execute("frame 0")
        DISPLAYS.make_waiting(show=False)
        show_displays()

    def handlers(self):
        """The kernel functions that move threads between levels: lab 6's,
        and lab 7's where the kernel has them."""
        elf = elf_file(kernel_elf_path())
        return self.LAB6_HANDLERS + tuple(
            name for name in self.FAULT_HANDLERS
            if elf is not None and elf.address_of(name) is not None)

    def run_to_crossing(self):
        """Continue until a handler moves a thread to another level of its
        invocation stack; the Crossing."""
        handlers = self.handlers()
        entries = [StopOnceBreakpoint("*%#x" % kernel_function(handler))
                   for handler in handlers]
        with InternalBreakpoints(*entries):
            while True:
                hit = continue_until(entries, "reaching the next domain crossing", "nextdomain")
                # Another thread may reach a handler before this one's
                # returns: dom_unwind frees the dead domain with interrupts
                # on (dom_leave), so the scheduler may run anyone meanwhile.
                # Only this thread's handler counts until it returns.
                with BreakpointsDisabled(entries):
                    crossing = self.follow_handler(handlers[entries.index(hit)])
                if crossing is not None:
                    return crossing

    def follow_handler(self, handler):
        """At a handler's first instruction: run it to its return and see
        whether the thread changed levels; a Crossing, or None."""
        proc = proc_at(current_proc_address())
        frames = inv_frames(proc)
        frame = gdb.selected_frame()
        esp = int(frame.read_register("esp"))
        return_address = KERNEL_MEMORY.word(esp)
        if handler in self.FAULT_HANDLERS:
            return self.follow_fault_handler(handler, proc, frames, esp)
        tf_argument = KERNEL_MEMORY.word(esp + 8) if handler == "dom_unwind" else None
        what = handler
        if handler == "dom_call":       # dom_call(tf): the slot called is tf->ecx
            caller = gdb.Value(KERNEL_MEMORY.word(esp + 4)).cast(trapframe_type().pointer())
            what = "dom_call of slot %d" % int(caller["ecx"].cast(gdb.lookup_type("int")))
        address = proc.address
        back = StopOnceBreakpoint("*%#x" % return_address,
                                  lambda: current_proc_address() == address)
        with InternalBreakpoints(back):
            continue_until([back], "%s returned" % handler, "nextdomain")
        proc = proc_at(address)
        after = inv_frames(proc)
        resumed = tf_argument if tf_argument is not None else \
            int(gdb.newest_frame().read_register("eax"))
        if [f.domain.address for f in after] == [f.domain.address for f in frames]:
            if handler != "dom_unwind":
                error = int(gdb.Value(resumed).cast(trapframe_type().pointer())["eax"])
                print("beta86: %s: %s in domain %s refused: %s" % (
                    proc.label(), what, frames[-1].label(), error_words(error)))
            return None
        eip = int(gdb.Value(resumed).cast(trapframe_type().pointer())["eip"])
        kind = {"dom_call": "call", "dom_return": "return"}.get(handler, "unwind")
        words = "%s: %s from domain %s to domain %s, depth %d -> %d" % (
            proc.label(), kind, frames[-1].label(), after[-1].label(),
            len(frames) - 1, len(after) - 1)
        return Crossing(address, eip, words)


    def follow_fault_handler(self, handler, proc, frames, esp):
        """follow_handler for lab 7's dom_fault_deliver(tf, from, end) and
        dom_fault_resume(action, tf, end) (cdecl: the arguments from esp +
        4 up), which return the frame to resume, or 0 with how the fault
        ends in *end, a struct fault_outcome."""
        return_address = KERNEL_MEMORY.word(esp)
        faulting_tf = KERNEL_MEMORY.word(esp + 4) if handler == "dom_fault_deliver" else None
        action = KERNEL_MEMORY.word(esp + 4) if handler == "dom_fault_resume" else None
        end_address = KERNEL_MEMORY.word(esp + 12)
        address = proc.address
        back = StopOnceBreakpoint("*%#x" % return_address,
                                  lambda: current_proc_address() == address)
        with InternalBreakpoints(back):
            continue_until([back], "%s returned" % handler, "nextdomain")
        resumed = int(gdb.newest_frame().read_register("eax")) & 0xFFFFFFFF
        after = inv_frames(proc_at(address))
        if faulting_tf is not None:
            vector = int(gdb.Value(faulting_tf).cast(trapframe_type().pointer())["vector"])
        else:
            vector = int(frames[-1].caller_frame()[1]["vector"]) if frames[-1].is_fault else None
        fault = "%s (%s)" % (vector_words(vector), VECTOR_MNEMONICS.get(vector, "?")) \
            if vector is not None else "no fault"
        if resumed == 0:
            end = gdb.Value(end_address).cast(
                gdb.lookup_type("struct fault_outcome").pointer()).dereference()
            verdict = enum_names(end["verdict"]).get(int(end["verdict"]), "?")
            print("beta86: %s: %s in domain %s: %s" % (
                proc.label(), fault if handler == "dom_fault_deliver"
                else "fault_resume(%s)" % error_words(action),
                frames[-1].label(), FAULT_VERDICT_WORDS.get(verdict, verdict)))
            return None
        if handler == "dom_fault_deliver":
            kind, tail = "fault", ": " + fault
        else:
            kind, tail = ("pass" if action == FAULT_PASS else "resume"), ""
        words = "%s: %s from domain %s to domain %s, depth %d -> %d%s" % (
            proc.label(), kind, frames[-1].label(), after[-1].label(),
            len(frames) - 1, len(after) - 1, tail)
        resumed_eip = int(gdb.Value(resumed).cast(trapframe_type().pointer())["eip"])
        return Crossing(address, resumed_eip, words)


# What nextdomain says of a fault or fault_resume that crosses nothing.
FAULT_VERDICT_WORDS = {
    "FAULT_UNHANDLED": "no handler takes it (the faulting domain dies)",
    "FAULT_KILLED": "its handler said kill (the faulting domain dies)",
    "FAULT_LOOPING": "a fault loop (the handler's domain dies)",
    "FAULT_REFUSED": "refused: not in a handler, or an unknown action",
}


def kernel_function(name):
    """The address of the kernel's function `name`, from kernel.elf's own
    symbol table: a breakpoint by name would also stop in a user program's
    function of that name (the stubs dom_call, dom_return)."""
    elf = elf_file(kernel_elf_path())
    address = elf.address_of(name) if elf is not None else None
    if address is None:
        raise gdb.GdbError("beta86: the kernel has no function %s" % name)
    return address


class Crossing:
    """A thread that crossed into another domain: where it will resume."""

    def __init__(self, proc_address, resume_eip, words):
        self.proc_address = proc_address
        self.resume_eip = resume_eip
        self.words = words


def error_words(value):
    """A result register as the signed number it is ("-12": -E_xxx, abi.h)."""
    return "%d" % (value - (1 << 32) if value & 0x80000000 else value)


# ---- the scheduling trace ----------------------------------------------------------

TRACE_DEFAULT_RECORDS = 40
SCHEDULE_DEFAULT_RUNS = 60


def schedtrace_module():
    """grader/schedtrace.py, which parses and draws traces for the grader
    and tools/timeline too."""
    grader = os.path.join(TREE, "grader")
    if grader not in sys.path:
        sys.path.insert(0, grader)
    import schedtrace
    return schedtrace


def trace_constants():
    """The kernel's numbers schedtrace.decode needs to read raw records
    (its RAW_CONSTANTS), from the kernel's debug information."""
    return {name: int(gdb.parse_and_eval(expression))
            for name, expression in schedtrace_module().RAW_CONSTANTS.items()}


def read_trace():
    """The ring's records, decoded as the kernel's dump decodes them
    (schedtrace.decode): the hooks store raw facts (trace.h)."""
    require_live_kernel()
    count = int(gdb.parse_and_eval("trace_count"))
    if not gdb.parse_and_eval("trace_on") and count == 0:
        raise gdb.GdbError("beta86: the scheduling trace is off: boot with trace=1 "
                           "(make qemu-gdb APPEND=\"trace=1 init=...\")")
    schedtrace = schedtrace_module()
    size = int(gdb.parse_and_eval("sizeof(trace_ring) / sizeof(trace_ring[0])"))
    base = int(gdb.parse_and_eval("(unsigned int)&trace_ring"))
    raw = KERNEL_MEMORY.read(base, size * schedtrace.RAW_RECORD.size)
    records = schedtrace.raw_records(raw, ring=size, count=count,
                                     name_kind=enum_number("TRACE_NAME"))
    return schedtrace.decode(records, ring=size, count=count, constants=trace_constants())


def count_argument(argument, default, command):
    if not argument.strip():
        return default
    try:
        value = int(argument.strip(), 0)
    except ValueError:
        raise gdb.GdbError("%s: N must be a number, not '%s'" % (command, argument.strip()))
    if value <= 0:
        raise gdb.GdbError("%s: N must be positive" % command)
    return value


class TraceCommand(gdb.Command):
    """Show the scheduling trace's last N records (default 40).

Usage: trace [N]

The kernel records every switch (yield, preempt, sleep, exit, the end of
an idle wait), every wakeup, each thread's name and every domain call and
return in a ring in memory (kernel/proc/trace.h) when booted with trace=1
(or trace=2, which also prints the ring at shutdown). The ring holds raw
facts; this decodes them as the kernel's dump does and prints the newest N
records, oldest first, in the dump's own format (a switch that only
repeats the idle-end before it is not shown, so SEQ may skip):
  trace: SEQ TSC TICK KIND FROM TO ARG ARG2
TSC is rdtsc (instructions, under -icount), FROM and TO pids (-1: idle)."""

    def __init__(self):
        super().__init__("trace", gdb.COMMAND_STATUS)

    def invoke(self, argument, from_tty):
        wanted = count_argument(argument, TRACE_DEFAULT_RECORDS, "trace")
        trace = read_trace()
        records = trace.records[-wanted:]
        print("trace: %d records written, the ring of %d shows %d; the last %d:"
              % (trace.count, trace.ring, len(trace.records), len(records)))
        for record in records:
            print(record.line())


class ScheduleCommand(gdb.Command):
    """Draw the recent schedule as ASCII lanes, from the scheduling trace.

Usage: schedule [N]

One row per thread, one column per run (the last N, default 60), in order;
each run's letter says how it ended: Y yielded, P preempted, S slept, X
exited, I idle ended, > still running (the run going on now); w marks a
thread woken during that run. Needs a kernel booted with trace=1 (see
`help trace`); tools/timeline draws the same to scale, as a picture."""

    def __init__(self):
        super().__init__("schedule", gdb.COMMAND_STATUS)

    def invoke(self, argument, from_tty):
        wanted = count_argument(argument, SCHEDULE_DEFAULT_RUNS, "schedule")
        print(schedtrace_module().lanes_text(read_trace(), last=wanted,
                                             title="the schedule so far"))


# ---- IRQ lines (lab 8, kernel/irq/) -------------------------------------------

# abi.h's IRQ_MODE_xxx and irq.c's reserved lines are macros and a switch,
# which the DWARF does not carry: written down here, as abi.h says them.
IRQ_MODE_NAMES = {0: "mask", 1: "count"}
IRQ_KERNEL_LINES = {0: "the timer, never forwarded", 1: "the keyboard, the kernel's",
                    2: "the cascade, never forwarded", 4: "COM1, the kernel's"}
IRQ_VTIMER_LINE = 16


def has_irq_lines():
    """Whether this kernel has lab 8's IRQ lines."""
    try:
        gdb.parse_and_eval("irq_lines")
        return True
    except gdb.error:
        return False


def yes_no(value):
    return "yes" if value else "no"


class IrqLine:
    """One entry of irq_lines (struct irq_line), read through its DWARF type."""

    def __init__(self, number, value):
        self.number = number
        self.value = value

    @property
    def owner(self):
        address = int(self.value["owner"])
        return Domain.at(address) if address else None

    def waiter_words(self):
        """"pid 5 (rtcdrv)", or "-" for none."""
        address = int(self.value["waiter"])
        if not address:
            return "-"
        waiter = self.value["waiter"].dereference()
        return "pid %d (%s)" % (int(waiter["pid"]), waiter["name"].string(errors="replace"))

    def line(self):
        """"irq 10: owner 3 (rtcdrv), waiter pid 5 (rtcdrv), mode mask,
        pending 0, masked no, latched no, delivered 4, acked 4, gen 0,
        last edge at tsc 0x0012d687"; a free line says why it is free."""
        words = "irq %d" % self.number
        if self.number == IRQ_VTIMER_LINE:
            words += " (virtual timer)"
        owner = self.owner
        value = self.value
        if owner is None:
            return "%s: %s, gen %d" % (words, IRQ_KERNEL_LINES.get(self.number, "free"),
                                       int(value["gen"]))
        mode = int(value["mode"])
        return ("%s: owner %s, waiter %s, mode %s, pending %d, masked %s, latched %s, "
                "delivered %d, acked %d, gen %d, last edge at tsc %#010x") % (
            words, owner.label(), self.waiter_words(), IRQ_MODE_NAMES.get(mode, str(mode)),
            int(value["pending"]), yes_no(int(value["masked"])), yes_no(int(value["latched"])),
            int(value["delivered"]), int(value["acked"]), int(value["gen"]),
            int(value["edge_tsc"]))


def irq_lines():
    """Every line of irq_lines, in order."""
    require_live_kernel()
    table = gdb.parse_and_eval("irq_lines")
    first, last = table.type.strip_typedefs().range()
    return [IrqLine(number, table[number]) for number in range(first, last + 1)]


def injector_words():
    """"injector: line 10, 3 of 8 edges left, 1 a tick", or "" when it is
    off (irq.c's irq_config and inject_left, file statics)."""
    try:
        config = gdb.parse_and_eval("'irq.c'::irq_config")
        left = int(gdb.parse_and_eval("'irq.c'::inject_left"))
    except gdb.error:
        return ""
    line = int(config["inject_line"])
    if line >= len(irq_lines()) or not int(config["inject_rate"]):
        return ""
    return "injector: line %d, %d of %d edges left, %d a tick" % (
        line, left, int(config["inject_count"]), int(config["inject_rate"]))


class IrqsCommand(gdb.Command):
    """List the IRQ lines (lab 8): owner, waiter, pending, masked, latched, counts.

Usage: irqs          every owned line
       irqs LINE     line LINE, owned or not

One line per owned line (kernel/irq/irq.h's struct irq_line):
  irq 10: owner 3 (rtcdrv), waiter pid 5 (rtcdrv), mode mask, pending 0,
  masked no, latched no, delivered 4, acked 4, gen 0, last edge at tsc 0x0012d687
owner is the domain that took it (irq_get); waiter the thread asleep in
irq_wait on it ("-": none); pending the deliveries since the last
irq_wait; masked: delivered in mask mode and not acked yet; latched: an
edge came while masked, which the next irq_ack delivers; delivered and
acked count since irq_get; gen moves on each time the line is freed; the
last edge's tsc is irq_info's edge_tsc. A free line says so, or whose it
is (0 timer, 2 cascade: never forwarded; 1 keyboard, 4 COM1: the
kernel's). The test injector's state ends the list when it is on
(injectirq= on the command line)."""

    def __init__(self):
        super().__init__("irqs", gdb.COMMAND_STATUS)

    def invoke(self, argument, from_tty):
        if not has_irq_lines():
            raise gdb.GdbError("irqs: this kernel has no IRQ lines (lab 8)")
        lines = irq_lines()
        if argument.strip():
            try:
                wanted = int(gdb.parse_and_eval(argument))
            except (gdb.error, ValueError):
                raise gdb.GdbError("usage: irqs [LINE] (a line's number)")
            if not 0 <= wanted < len(lines):
                raise gdb.GdbError("irqs: there are lines 0..%d, not %d" % (len(lines) - 1, wanted))
            print(lines[wanted].line())
            return
        owned = [line for line in lines if line.owner is not None]
        print("irq lines: %d of %d owned" % (len(owned), len(lines)))
        for line in owned:
            print(line.line())
        injector = injector_words()
        if injector:
            print(injector)


Beta86Command()
PsCommand()
CtxCommand()
PbtCommand()
NextSwitchCommand()
UsymCommand()
DomainsCommand()
InvstackCommand()
NextDomainCommand()
TraceCommand()
ScheduleCommand()
IrqsCommand()
