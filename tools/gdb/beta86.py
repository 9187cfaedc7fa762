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

and two things that work by themselves:

  user symbols  whenever GDB stops and current_proc is a user process, the
                symbols of its program (build/user/NAME.elf) are loaded in
                place of the previous program's, so that `bt`, `list`,
                `break main`, `print` work in the user program;
  trap frames   `bt` continues through trap_common into the code the trap
                interrupted, from the struct trapframe on the stack: from
                a system call's kernel frames into the user program that
                made it.

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
From a context, frame_addresses() walks the frame-pointer chain (for ps and
pbt), minding a thread preempted in a function's prologue or at its ret.
A user stack is read through that process's own page directory
(ProcessMemory), since GDB reads memory through whatever CR3 holds now.
"""

import os
import re
import struct
import subprocess

import gdb

try:
    import gdb.unwinder
except ImportError:          # a GDB without the unwinder API: no trap frames in bt
    pass

MAX_FRAMES = 64            # pbt stops here even if the chain goes on
PS_FRAMES = 4              # ps: the saved eip and 3 callers, as proc_dump
IDLE_WORDS = "(idle: waiting for a thread to become runnable)"   # proc_dump's
STATE_PREFIX = "PROC_"     # PROC_SLEEPING -> "sleeping", as proc_state_name()
SWITCH_FUNCTION = "sched_switch_to"

# Register names in the order `info registers` shows them.
LIVE_REGISTERS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                  "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs")
EFLAGS_BITS = ((0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"),
               (8, "TF"), (9, "IF"), (10, "DF"), (11, "OF"))

# x86 code bytes that tell where the return address is at the first or last
# instruction of a function, before its frame exists or after it is gone.
PUSH_EBP = b"\x55"
MOV_ESP_EBP = (b"\x89\xe5", b"\x8b\xec")
RET = (b"\xc3", b"\xc2")           # ret, ret imm16
PROLOGUE_INSTRUCTIONS = 8           # where a frame setup is looked for

# User space (kernel/mm/layout.h, lib/abi.h): every process's own pages.
USER_BASE = 0x40000000
USER_TOP = 0xC0000000
PAGE_SIZE = 4096
PTE_P = 0x1
PDE_PS = 0x80                       # a 4 MiB page (not used for user space)
SYSCALL_VECTOR = 48                 # T_SYSCALL
EFLAGS_VM = 0x20000                 # virtual-8086 mode
USER_PROGRAM_DIR = "user"           # build/user/NAME.elf, next to kernel.elf
SYMBOLS_PREFIX = "beta86: user symbols: "

TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    globals().get("__file__") or os.path.join(os.getcwd(), "tools", "gdb", "beta86.py")))))


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


def read_stack_word(context, address):
    """The 32-bit word at `address` on the stack of the thread whose saved
    registers are `context`. Kernel stacks are mapped in every address
    space; a user stack is read through its process's page directory."""
    return context.memory.word(address)


def read_code(address, length, memory=KERNEL_MEMORY):
    """`length` bytes of code at `address`, or b"" if unreadable."""
    try:
        return memory.read(address, length)
    except gdb.MemoryError:
        return b""


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
        return UserProgram(self.program_name)

    @property
    def pgdir(self):
        return int(self.value["pgdir"])

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


def trap_note(tf, user):
    vector = int(tf["vector"])
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
                           source, trap_note(tf, user), user=user)
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
                           trap_note(tf, True))
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


def frame_setup_state(function_start, pc):
    """How far the function starting at `function_start` has got in building
    its frame when it is about to execute `pc`: "entry" (ebp not pushed
    yet), "pushed" (push %ebp done, mov %esp,%ebp not yet: the compiler may
    schedule other instructions between them) or "frame" (ebp is its own).
    A function with no frame setup among its first instructions (assembly)
    counts as "frame": its ebp is whatever the chain says."""
    architecture = gdb.selected_inferior().architecture()
    pushed = False
    for instruction in architecture.disassemble(function_start,
                                                count=PROLOGUE_INSTRUCTIONS):
        address = instruction["addr"]
        if address >= pc:
            return "pushed" if pushed else "entry"
        code = read_code(address, 2)
        if code[:2] in MOV_ESP_EBP:
            return "frame"
        if code[:1] == PUSH_EBP:
            pushed = True
    return "frame"


# Lengths and stack effects of the instructions of frameless user code (the
# system call stubs of lib/user/usys.S, _start in crt0.S): enough to find
# the return address of a process stopped anywhere in one. {opcode: (length
# after the opcode byte without a ModRM byte, or None if a ModRM follows,
# immediate bytes after the ModRM, bytes pushed)}.
SIMPLE_OPCODES = {
    0x50: 1, 0x51: 1, 0x52: 1, 0x53: 1, 0x54: 1, 0x55: 1, 0x56: 1, 0x57: 1,
    0x58: 1, 0x59: 1, 0x5A: 1, 0x5B: 1, 0x5C: 1, 0x5D: 1, 0x5E: 1, 0x5F: 1,
    0x6A: 2, 0x68: 5, 0xB8: 5, 0xB9: 5, 0xBA: 5, 0xBB: 5, 0xBE: 5, 0xBF: 5,
    0xCD: 2, 0xE8: 5, 0xEB: 2, 0xE9: 5, 0x90: 1,
    0x70: 2, 0x71: 2, 0x72: 2, 0x73: 2, 0x74: 2, 0x75: 2, 0x76: 2, 0x77: 2,
    0x78: 2, 0x79: 2, 0x7A: 2, 0x7B: 2, 0x7C: 2, 0x7D: 2, 0x7E: 2, 0x7F: 2,
}
MODRM_OPCODES = {0x01: 0, 0x03: 0, 0x29: 0, 0x2B: 0, 0x31: 0, 0x33: 0, 0x39: 0,
                 0x3B: 0, 0x85: 0, 0x89: 0, 0x8B: 0, 0x8D: 0, 0x83: 1, 0x81: 4,
                 0xC7: 4}


def modrm_length(code):
    """Bytes of a ModRM operand (ModRM, SIB, displacement) at code[0]."""
    modrm = code[0]
    mod, rm = modrm >> 6, modrm & 7
    length = 1
    if mod == 3:
        return length
    if rm == 4:
        length += 1
        if mod == 0 and (code[1] & 7) == 5:
            length += 4
    elif mod == 0 and rm == 5:
        length += 4
    return length + (1 if mod == 1 else 4 if mod == 2 else 0)


def stack_effect(code):
    """(length, bytes pushed) of the instruction at code[0], or None if it
    is not one this decoder knows."""
    if not code:
        return None
    opcode = code[0]
    if opcode in SIMPLE_OPCODES:
        length = SIMPLE_OPCODES[opcode]
        if 0x50 <= opcode <= 0x57 or opcode in (0x6A, 0x68):
            return length, 4
        if 0x58 <= opcode <= 0x5F:
            return length, -4
        return length, 0
    if opcode in MODRM_OPCODES and len(code) >= 3:
        length = 1 + modrm_length(code[1:]) + MODRM_OPCODES[opcode]
        if opcode == 0x83 and code[1] in (0xC4, 0xEC):      # add/sub $imm8, %esp
            immediate = struct.unpack("<b", code[2:3])[0]
            return length, -immediate if code[1] == 0xC4 else immediate
        writes_rm = opcode in (0x01, 0x29, 0x31, 0x89, 0x83, 0x81, 0xC7)
        if (writes_rm and code[1] & 0xC7 == 0xC4) or \
                (opcode in (0x03, 0x2B, 0x33, 0x8B, 0x8D) and code[1] & 0x38 == 0x20):
            return None                                        # writes %esp
        return length, 0
    if code[:2] == b"\x0f\x0b":                                # ud2
        return 2, 0
    return None


def frameless_pushes(code, offset):
    """Bytes a frameless function whose code starts `code` has pushed when
    it is about to execute its instruction at `offset`, or None."""
    position = pushed = 0
    while position < offset:
        effect = stack_effect(code[position:position + 16])
        if effect is None:
            return None
        position += effect[0]
        pushed += effect[1]
    return pushed if position == offset else None


def user_caller_location(context):
    """For user code (no GDB disassembler on another address space): where
    the return address of the innermost frame is. ("stack", n): at esp + n,
    with ebp still the caller's; "frame": at [ebp + 4]."""
    eip = context.eip
    if read_code(eip, 1, context.memory) in RET:
        return "stack", 0
    symbol = code_symbol(eip, context.program)
    if symbol is None:
        return "frame"
    start = eip - symbol[1]
    code = read_code(start, min(symbol[1], 256) + 16, context.memory)
    if code[:1] == PUSH_EBP:
        if eip == start:
            return "stack", 0
        for offset in range(1, min(len(code) - 1, 16)):
            if code[offset:offset + 2] in MOV_ESP_EBP:
                return ("stack", 4) if eip - start <= offset else "frame"
        return "frame"
    pushed = frameless_pushes(code, symbol[1])
    return ("stack", pushed) if pushed is not None and pushed >= 0 else "frame"


def first_caller(context):
    """(return address, caller's ebp) of the innermost frame. Usually the
    frame record at ebp holds both. A thread preempted in a function's
    prologue (before mov %esp,%ebp) or at its ret has no frame record:
    the return address is on top of the stack (above the pushed ebp, if
    pushed) and ebp is still the caller's. So has a frameless assembly
    function, such as a user program's system call stub."""
    eip, esp, ebp = context.eip, context.esp, context.ebp
    if context.user and context.program is not None:
        location = user_caller_location(context)
    else:
        symbol = text_symbol(eip)
        if read_code(eip, 1) in RET:
            state = "entry"
        elif symbol is not None:
            state = frame_setup_state(eip - symbol[1], eip)
        else:
            state = "frame"
        location = {"entry": ("stack", 0), "pushed": ("stack", 4)}.get(state, "frame")
    if location != "frame":
        return read_stack_word(context, esp + location[1]), ebp
    if not context.user and is_user_address(ebp):
        return 0, 0                 # a kernel frame with the user's ebp: no chain
    return read_stack_word(context, ebp + 4), read_stack_word(context, ebp)


def frame_addresses(context):
    """The pc of each frame, innermost first, by the frame-pointer chain:
    [ebp] is the caller's ebp and [ebp+4] the return address into it. The
    chain ends at a zero ebp or return address (the bottom of a thread's
    stack and _start set these up), or after a link that does not go up
    the stack (as the kernel's backtrace_walk does). In the kernel part of
    a user process it ends where ebp is the user's (the functions of the
    trap path keep no frame of their own): user_context() goes on from there.
    Returns (addresses, why the walk stopped early or "")."""
    addresses = [context.eip]
    try:
        caller, ebp = first_caller(context)
        while caller != 0 and len(addresses) < MAX_FRAMES:
            addresses.append(caller)
            if ebp == 0 or (not context.user and is_user_address(ebp)):
                return addresses, ""
            caller, next_ebp = read_stack_word(context, ebp + 4), read_stack_word(context, ebp)
            if next_ebp != 0 and next_ebp <= ebp:
                addresses += [caller] if caller else []
                return addresses, ("(the frame chain goes down the stack after "
                                   "ebp %#x: stopped)" % ebp)
            ebp = next_ebp
    except gdb.MemoryError as error:
        return addresses, "(cannot read the stack: %s)" % error
    if caller != 0:
        return addresses, "(more frames follow; stopped after %d)" % MAX_FRAMES
    return addresses, ""


def backtrace_lines(context, first_level=0):
    addresses, ending = frame_addresses(context)
    lines = []
    for index, address in enumerate(addresses):
        lines += describe_frames(first_level + len(lines), address,
                                 is_caller=index > 0, program=context.program)
    if ending:
        lines.append(ending)
    return lines


def eflags_text(value):
    return "[ %s ]" % " ".join(name for bit, name in EFLAGS_BITS if value >> bit & 1)


# ---- bt through trap frames ----------------------------------------------------

class TrapPath:
    """Where the trap path's code is (kernel/trap/trap_entry.S), from the
    kernel ELF's symbol table (the stubs vector_N are local labels), and how
    far below the struct trapframe being built or popped esp is at each of
    its instructions."""

    def __init__(self, elf):
        self.stubs = sorted(value for value, _, name, _ in elf.symbols
                            if re.match(r"^vector_\d+$", name))
        self.common = elf.address_of("trap_common")
        self.ret = elf.address_of("trap_return")
        self.resume = elf.address_of("trap_resume")
        first = elf.address_of("trap_vectors_start")
        self.start = first if first is not None else (self.stubs[0] if self.stubs else None)
        self.valid = None not in (self.common, self.ret, self.resume, self.start)
        if self.valid:
            tf_type = trapframe_type()
            self.offsets = {field.name: field.bitpos // 8 for field in tf_type.fields()}
            self.size = tf_type.sizeof

    def contains(self, pc):
        return self.valid and self.start <= pc <= self.resume + 4

    def region(self, pc):
        """(start, esp - tf at start) of the piece of the path holding pc:
        a vector stub (the CPU pushed eip, cs, eflags [esp, ss] and maybe
        an error code), trap_common (the stub pushed error and vector) or
        trap_return (esp is the frame); None at trap_resume's entry, which
        is an ordinary call."""
        if pc >= self.resume:
            return (self.resume + 4, 0) if pc > self.resume else None
        if pc >= self.ret:
            return self.ret, 0
        if pc >= self.common:
            return self.common, self.offsets["vector"]
        stub = max((address for address in self.stubs if address <= pc), default=None)
        if stub is None:
            return None
        # A stub that pushes a 0 error code itself runs on a frame without one.
        pushes = read_code(stub, 2)[:1] == b"\x6a" and read_code(stub + 2, 1) == b"\x6a"
        return stub, self.offsets["eip"] - (0 if pushes else 4)

    def frame_address(self, pc, esp):
        """(address of the struct trapframe that esp is inside of (or at)
        when the CPU is about to execute pc, whether the general and
        segment registers are in it yet), or None. Before trap_common's
        pushal they are still only in the CPU; trap_return's pops leave
        them in memory too."""
        region = self.region(pc)
        if region is None:
            return None
        address, above = region
        saved = address >= self.ret
        while address < pc:
            code = read_code(address, 8)
            effect = trap_path_effect(code)
            if effect is None:
                return None
            length, pushed = effect
            above = 0 if pushed == "reset" else above - pushed
            saved = saved or code[:1] == b"\x60"           # pushal
            address += length
        return (esp - above, saved) if address == pc else None


def trap_path_effect(code):
    """(length, bytes pushed, or "reset" for mov %eax,%esp) of one
    instruction of trap_entry.S, or None."""
    if code[:1] in (b"\x1e", b"\x06"):                  # push %ds, %es
        return 1, 4
    if code[:1] in (b"\x1f", b"\x07"):                  # pop %ds, %es
        return 1, -4
    if code[:2] in (b"\x0f\xa0", b"\x0f\xa8"):          # push %fs, %gs
        return 2, 4
    if code[:2] in (b"\x0f\xa1", b"\x0f\xa9"):          # pop %fs, %gs
        return 2, -4
    if code[:1] == b"\x60":                             # pushal
        return 1, 32
    if code[:1] == b"\x61":                             # popal
        return 1, -32
    if code[:2] == b"\x89\xc4":                         # mov %eax, %esp
        return 2, "reset"
    if code[:2] == b"\x83\xc4":                         # add $imm8, %esp
        return 3, -struct.unpack("<b", code[2:3])[0]
    if code[:2] == b"\x66\xb8":                         # movw $imm16, %ax
        return 4, 0
    if code[:1] == b"\x8e":                             # mov %ax, %sreg
        return 2, 0
    effect = stack_effect(code)                         # push $imm, call, cld ...
    if effect is None and code[:1] == b"\xfc":
        return 1, 0
    return effect


TRAP_PATHS = {}


def trap_path():
    """The TrapPath of the kernel GDB has loaded, or None."""
    elf = elf_file(kernel_elf_path())
    if elf is None:
        return None
    if id(elf) not in TRAP_PATHS:
        TRAP_PATHS.clear()
        TRAP_PATHS[id(elf)] = (elf, TrapPath(elf))
    return TRAP_PATHS[id(elf)][1]


class FrameId:
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


if hasattr(gdb, "unwinder"):
    class TrapFrameUnwinder(gdb.unwinder.Unwinder):
        """Unwinds a frame in the trap path (vector stubs, trap_common,
        trap_return) to the code the trap interrupted, from the struct
        trapframe on the stack: `bt` in a system call goes on into the user
        program that made it; in an interrupt handler, into the interrupted
        kernel code. GDB cannot know this by itself: the CPU, not a call,
        made the frame."""

        def __init__(self):
            super().__init__("beta86 trap frames")

        def __call__(self, pending_frame):
            try:
                pc = int(pending_frame.read_register("eip"))
                path = trap_path()
                if path is None or not path.contains(pc):
                    return None
                esp = int(pending_frame.read_register("esp"))
                found = path.frame_address(pc, esp)
                if found is None:
                    return None
                address, saved = found
                words = KERNEL_MEMORY.read(address, path.size)

                def field(name):
                    return struct.unpack_from("<I", words, path.offsets[name])[0]

                def register(name):
                    if saved:
                        return field(name)
                    return int(pending_frame.read_register(name)) & 0xFFFFFFFF

                user = from_user_mode(field("cs"), field("eflags"))
                caller = {name: register(name) for name in
                          ("eax", "ecx", "edx", "ebx", "ebp", "esi", "edi",
                           "ds", "es", "fs", "gs")}
                caller.update({name: field(name) for name in ("eip", "eflags", "cs")})
                if user:
                    caller["esp"], caller["ss"] = field("esp"), field("ss")
                else:       # the CPU pushed no esp, ss: the stack goes on above
                    caller["esp"] = address + path.offsets["esp"]
                    caller["ss"] = int(pending_frame.read_register("ss")) & 0xFFFFFFFF
                region = path.region(pc)
                unsigned = gdb.lookup_type("unsigned int")
                info = pending_frame.create_unwind_info(
                    FrameId(gdb.Value(address).cast(unsigned),
                            gdb.Value(region[0]).cast(unsigned)))
                for name, value in caller.items():
                    info.add_saved_register(name, gdb.Value(value).cast(unsigned))
                return info
            except (gdb.error, gdb.MemoryError, KeyError, ValueError, struct.error):
                return None

    gdb.unwinder.register_unwinder(None, TrapFrameUnwinder(), replace=True)


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
            self.follow_current_proc()
        except Exception as error:      # never let a stop end in a traceback
            self.say(SYMBOLS_PREFIX + "not updated: %s" % error)

    def follow_current_proc(self):
        address = current_proc_address()
        if not address:
            return
        proc = gdb.Value(address).cast(
            gdb.lookup_type("struct proc").pointer()).dereference()
        try:
            program = int(proc["program"])
        except gdb.error:
            return
        if not program:
            return
        name = proc["program"]["name"].string(errors="replace")
        changed = self.load(UserProgram(name), "pid %d" % int(proc["pid"]),
                            ramdisk_file=proc["program"])
        if changed and self.held is None and is_user_address(
                int(gdb.newest_frame().pc())):
            # GDB showed where it stopped before this ran, with the previous
            # program's symbols (or none): show it again with the right ones.
            print(gdb.execute("frame", to_string=True), end="")

    def load(self, program, why, ramdisk_file=None):
        """Make `program` the loaded user program; True if that changed
        what GDB knows. Says so in one line."""
        if not program.exists:
            self.unload_all()
            if self.missing != program.name:
                self.missing = program.name
                self.say(SYMBOLS_PREFIX + "%s not found (%s runs %s; `make` builds it)"
                         % (program.shown_path, why, program.name))
            return False
        self.missing = None
        wanted = (os.path.realpath(program.path), os.stat(program.path).st_mtime_ns)
        if self.loaded == wanted and objfile_for(program.path) is not None:
            return False
        if self.loaded is None and objfile_for(program.path) is not None:
            # Loaded by hand (add-symbol-file): keep it, and adopt it.
            self.unload_all(keep=wanted[0])
            self.loaded, self.loaded_for = wanted, why
            return False
        self.unload_all()
        path = program.path.replace("\\", "\\\\").replace('"', '\\"')
        gdb.execute('with confirm off -- add-symbol-file "%s"' % path, to_string=True)
        self.loaded, self.loaded_for = wanted, why
        self.say(SYMBOLS_PREFIX + "%s (%s)" % (program.shown_path, why))
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


# ---- commands --------------------------------------------------------------------------

class Beta86Command(gdb.Command):
    """beta86's GDB commands, for looking at threads, processes and switches.

ps            the process table: pid, state, name, where each thread is
ctx PID       a thread's registers: saved in kctx or trapframe, or live;
              a user process's user registers and user backtrace too
pbt PID       a thread's backtrace from its saved registers
nextswitch    run to the next context switch; stop in the new thread
usym [PROG]   the user program whose symbols are loaded; load PROG's

When GDB stops while a user process is current_proc, the symbols of its
program (build/user/NAME.elf) replace the previous program's, with a line
"beta86: user symbols: build/user/NAME.elf (pid N)". `bt` in the kernel
goes on through the trap frame into the user program.

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
                          part first, then where its user code is."""

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
        return "%s | user %s: (%s)" % (ps_context(proc, context), proc.program_name, reason)
    user_part = "user %s: %s" % (proc.program_name, ps_chain(user))
    if context.user:        # stopped, or running, in user mode
        if context.kind == "running":
            return "(running) " + user_part
        if not context.started:
            return "(not started) " + user_part
        return "%s [%s]" % (user_part, context.kind)
    return "%s | %s" % (ps_context(proc, context), user_part)


def ps_chain(context):
    addresses, _ = frame_addresses(context)
    return " < ".join(function_offset(address, context.program)
                      for address in addresses[:PS_FRAMES])


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
            proc.label(), proc.state, proc.program_name, program.shown_path))
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
and re-enabled afterwards, so they cannot stop it halfway."""

    def __init__(self):
        super().__init__("nextswitch", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if argument.strip():
            raise gdb.GdbError("usage: nextswitch (no arguments)")
        require_live_kernel()
        with HeldMessages(), UserBreakpointsDisabled():
            switch = run_to_switch()
            run_to_resume_point(switch)
        print("%s -> %s at tick %d" % (switch.old.label(), switch.new.label(),
                                       switch.tick))
        print_ticks_meanwhile(switch)
        gdb.execute("frame 0")


def print_ticks_meanwhile(switch):
    """Say so if the new thread was interrupted before its first instruction
    (it then ran only after other switches): the line above is still the
    switch that chose it, but the kernel has moved on since."""
    ticks = int(gdb.parse_and_eval("timer_ticks")) - switch.tick
    if ticks:
        print("(note: %d timer tick%s came before %s ran its first instruction)"
              % (ticks, "" if ticks == 1 else "s", switch.new.label()))


class UserBreakpointsDisabled:
    """Disable every enabled breakpoint for the duration of a `with`."""

    def __enter__(self):
        self.disabled = [bp for bp in gdb.breakpoints() if bp.enabled]
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


def continue_until(breakpoint, what):
    """Continue until `breakpoint` stops the kernel; then delete it. Says
    what happened if anything else stopped it first (Ctrl-C, an exit)."""
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as error:      # e.g. the kernel shut down, QEMU exited
        raise gdb.GdbError("nextswitch: %s, before %s" % (error, what))
    finally:
        stopped = breakpoint.stopped_here
        if breakpoint.is_valid():
            breakpoint.delete()
    if not stopped:
        raise gdb.GdbError("nextswitch: stopped before %s" % what)


def run_to_switch():
    """Continue to the entry of sched_switch_to; read who switches to whom
    before any of it runs (current_proc is still the old thread)."""
    continue_until(StopOnceBreakpoint("*" + SWITCH_FUNCTION),
                   "reaching the next context switch")
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

    continue_until(StopOnceBreakpoint("*%#x" % switch.resume_eip, new_thread_running),
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


Beta86Command()
PsCommand()
CtxCommand()
PbtCommand()
NextSwitchCommand()
UsymCommand()
