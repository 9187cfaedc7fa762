"""beta86.py - GDB commands for looking at beta86's threads and switches.

Loaded by the repository's .gdbinit (`source tools/gdb/beta86.py`); runs in
GDB's embedded Python. It adds:

  ps            the process table, like the kernel monitor's `ps`
  ctx PID       the registers of one thread: saved (kctx or trapframe) or live
  pbt PID       the backtrace of a stopped thread, from its saved registers
  nextswitch    run to the next context switch and stop in the new thread

`help beta86` lists them; `help ps` etc. explains each one.

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
  SAVED_NONE        it has never run: kctx points at kthread_bootstrap.
A zombie has exited: whatever it last saved is stale.
saved_context() is the one function that knows this; every command asks it.
From a context, frame_addresses() walks the frame-pointer chain (for ps and
pbt), minding a thread preempted in a function's prologue or at its ret.
When user processes arrive (lab 5), a context whose trapframe came from ring
3 is marked `user`, and reading that thread's stack needs its own page
directory: read_stack_word() is where that goes (for now such a walk stops
at the user eip).
"""

import re
import struct

import gdb

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


def read_stack_word(context, address):
    """The 32-bit word at `address` on the stack of the thread whose saved
    registers are `context`. Kernel stacks are mapped in every address space,
    so the CPU's current mapping reads them; a user stack will need that
    process's own page directory (lab 5)."""
    if context.user:
        raise gdb.GdbError("beta86: reading a user stack is not supported yet")
    data = gdb.selected_inferior().read_memory(address, 4)
    return struct.unpack("<I", bytes(data))[0]


def read_code(address, length):
    """`length` bytes of kernel code at `address`, or b"" if unreadable."""
    try:
        return bytes(gdb.selected_inferior().read_memory(address, length))
    except gdb.MemoryError:
        return b""


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
        """How its registers were saved: SAVED_NONE, SAVED_KCTX, ..."""
        saved = self.value["saved"]
        return enum_names(saved).get(int(saved), str(int(saved)))

    @property
    def address(self):
        return int(self.value.address)

    def label(self):
        return "pid %d (%s)" % (self.pid, self.name)


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
    process table entry); source says which expression holds them; note
    explains anything unusual (never run yet, a zombie's stale kctx)."""

    def __init__(self, kind, registers, source, note="", user=False, started=True):
        self.kind = kind
        self.registers = registers      # [(name, int)], display order
        self.source = source
        self.note = note
        self.user = user                # stopped in user mode (ring 3)
        self.started = started          # False: kctx leads to its first code

    def register(self, name):
        return dict(self.registers)[name]

    def whereabouts(self):
        """"registers in its kctx (proc_table[1].kctx)", or live ones."""
        if self.kind == "running":
            return "registers live in the CPU (running)"
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


def trapframe_context(proc):
    tf = proc.value["tf"]
    user = (int(tf["cs"]) & 3) != 0
    note = "preempted in %s mode by trap %d (error %#x)" % (
        "user" if user else "kernel", int(tf["vector"]), int(tf["error"]))
    source = "proc_table[%d].tf" % proc_index(proc)
    return SavedContext("trapframe", struct_registers(tf, LIVE_REGISTERS),
                        source, note, user=user)


def kctx_context(proc, note):
    source = "proc_table[%d].kctx" % proc_index(proc)
    return SavedContext("kctx", struct_registers(proc.value["kctx"]), source, note)


def proc_index(proc):
    table = gdb.parse_and_eval("proc_table")
    return (proc.address - int(table.address)) // table[0].type.sizeof


def saved_context(proc):
    """Where `proc`'s registers are and what they hold (see the file's
    docstring). The rule is the kernel's own (sched_switch_to resumes from
    tf if saved == SAVED_TRAPFRAME, else from kctx)."""
    if proc.running:
        return SavedContext("running", live_registers(), "the CPU",
                            "it is current_proc: every register is the CPU's, "
                            "as `info registers` shows")
    saved = proc.saved
    if saved == "SAVED_TRAPFRAME":
        context = trapframe_context(proc)
    elif saved == "SAVED_KCTX":
        context = kctx_context(proc, "stopped in a voluntary switch (setctx "
                                     "saved the callee-saved registers)")
    else:
        context = kctx_context(proc, "not started: the first switch to it "
                                     "starts at kctx.eip")
    if proc.is_embryo or saved == "SAVED_NONE":
        context.started = False
    if proc.is_zombie:
        context.note = ("a zombie: it exited and will never run again; these "
                        "registers are stale")
    return context


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


def function_offset(address):
    """"sched_yield+0x5b", as the kernel prints it, or "0x0010255b"."""
    symbol = text_symbol(address)
    if symbol is None:
        return "%#010x" % address
    return "%s+%#x" % symbol


def source_line(address):
    """" at file:line" of `address`, or "" without line information."""
    sal = gdb.find_pc_line(address)
    if sal.symtab is None or not sal.line:
        return ""
    return " at %s:%d" % (sal.symtab.filename, sal.line)


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


def describe_frames(level, address, is_caller):
    """The lines for one stack frame at `address` (a return address if
    `is_caller`), one per function inlined there, numbered from `level`.
    The address is shown as GDB shows it mid-statement: a saved eip is
    one, except at a function's first instruction (a thread never run)."""
    lookup = address - 1 if is_caller else address
    symbol = text_symbol(lookup)
    functions = functions_at(lookup)
    if not functions:
        name = symbol[0] if symbol else "??"
        return [frame_text(level, address, True, name, [], source_line(lookup))]
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


def first_caller(context):
    """(return address, caller's ebp) of the innermost frame. Usually the
    frame record at ebp holds both. A thread preempted in a function's
    prologue (before mov %esp,%ebp) or at its ret has no frame record:
    the return address is on top of the stack (above the pushed ebp, if
    pushed) and ebp is still the caller's."""
    eip, esp, ebp = context.eip, context.esp, context.ebp
    symbol = text_symbol(eip)
    if read_code(eip, 1) in RET:
        state = "entry"
    elif symbol is not None:
        state = frame_setup_state(eip - symbol[1], eip)
    else:
        state = "frame"
    if state == "entry":
        return read_stack_word(context, esp), ebp
    if state == "pushed":
        return read_stack_word(context, esp + 4), ebp
    return read_stack_word(context, ebp + 4), read_stack_word(context, ebp)


def frame_addresses(context):
    """The pc of each frame, innermost first, by the frame-pointer chain:
    [ebp] is the caller's ebp and [ebp+4] the return address into it. The
    chain ends at a zero ebp or return address (the bottom of a thread's
    stack and _start set these up), or after a link that does not go up
    the stack (as the kernel's backtrace_walk does).
    Returns (addresses, why the walk stopped early or "")."""
    addresses = [context.eip]
    if context.user:
        return addresses, "(stopped in user mode: user stacks are not walked yet)"
    try:
        caller, ebp = first_caller(context)
        while caller != 0 and len(addresses) < MAX_FRAMES:
            addresses.append(caller)
            if ebp == 0:
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


def backtrace_lines(context):
    addresses, ending = frame_addresses(context)
    lines = []
    for index, address in enumerate(addresses):
        lines += describe_frames(len(lines), address, is_caller=index > 0)
    if ending:
        lines.append(ending)
    return lines


def eflags_text(value):
    return "[ %s ]" % " ".join(name for bit, name in EFLAGS_BITS if value >> bit & 1)


# ---- commands --------------------------------------------------------------------------

class Beta86Command(gdb.Command):
    """beta86's GDB commands, for looking at threads and context switches.

ps            the process table: pid, state, name, where each thread is
ctx PID       a thread's registers: saved in kctx or trapframe, or live
pbt PID       a thread's backtrace from its saved registers
nextswitch    run to the next context switch; stop in the new thread

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
                          timer preempted it)."""

    def __init__(self):
        super().__init__("ps", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        if argument.strip():
            raise gdb.GdbError("usage: ps (no arguments)")
        procs = used_procs()
        print("pid  state     name             where")
        for proc in procs:
            print("%-4d %-9s %-16s %s" % (proc.pid, proc.state, proc.name,
                                          ps_where(proc)))
        if not procs:
            print("(the process table is empty: proc_init has not run yet)")


def ps_where(proc):
    """The "where" column: the kernel's proc_dump words, then the context."""
    context = saved_context(proc)
    if context.kind == "running":
        words = "(running)" if proc.state == "running" else IDLE_WORDS
        return "%s %s" % (words, function_offset(context.eip))
    if not context.started:
        return "(not started) " + function_offset(context.eip)
    addresses, _ = frame_addresses(context)
    chain = " < ".join(function_offset(address) for address in addresses[:PS_FRAMES])
    return "%s [%s]" % (chain, context.kind)


class CtxCommand(gdb.Command):
    """Show a thread's registers: saved in its kctx or trapframe, or live.

Usage: ctx PID

Says where the registers of thread PID are and prints them one per line:
  kctx       it stopped in a voluntary switch (kthread_yield, sleep):
             setctx saved ebx, esi, edi, ebp, esp and eip in proc->kctx;
  trapframe  the timer preempted it: every register is in proc->tf;
  running    it is current_proc: its registers are the CPU's, live.
eip is shown as function+offset and source line: where it will resume."""

    def __init__(self):
        super().__init__("ctx", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        proc = find_proc(parse_pid(argument, "ctx"), "ctx")
        context = saved_context(proc)
        print("%s %s, %s" % (proc.label(), proc.state, context.whereabouts()))
        print("  " + context.note)
        for name, value in context.registers:
            print("  %-7s %#010x%s" % (name, value, register_comment(name, value)))


def register_comment(name, value):
    if name == "eip":
        return "  " + function_offset(value) + source_line(value)
    if name == "eflags":
        return "  " + eflags_text(value)
    return ""


class PbtCommand(gdb.Command):
    """Backtrace of any thread, from its saved registers.

Usage: pbt PID

For a stopped thread, starts at its saved eip and follows the frame-pointer
chain from its saved ebp (each frame's [ebp] is the caller's ebp, [ebp+4] the
return address), printing each frame like `bt` does (function, file:line;
arguments are not evaluated: "arg=..."). For the running thread it is `bt`."""

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
        for line in backtrace_lines(context):
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
        with UserBreakpointsDisabled():
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


Beta86Command()
PsCommand()
CtxCommand()
PbtCommand()
NextSwitchCommand()
