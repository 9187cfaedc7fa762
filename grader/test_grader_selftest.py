"""Self-tests of the grader (no points): QEMU runs, exit kinds, explanations.

They boot a toy multiboot kernel, built here from the C and assembly below,
that behaves like beta86 on the serial console: its multiboot command line
picks a clean shutdown, a panic, a page fault or an invalid opcode with an
empty IDT (both end in a triple fault), a guest reset, an echo console, or a
hang. The QEMU log samples are real QEMU 7.2 output of this toy kernel.
"""

import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree
from pathlib import Path

import pytest

import progress
import qemu

GRADER_DIR = Path(__file__).resolve().parent

TOY_KERNEL_C = r"""
/* A tiny multiboot kernel that behaves like beta86 on the serial console. */
#define COM1 0x3f8

struct multiboot_info { unsigned flags, mem_lower, mem_upper, boot_device, cmdline; };

static void outb(unsigned short port, unsigned char value)
{
    __asm__ volatile ("outb %0, %1" : : "a"(value), "Nd"(port));
}

static unsigned char inb(unsigned short port)
{
    unsigned char value;
    __asm__ volatile ("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static void put_char(char c)
{
    if (c == '\n')
        outb(COM1, '\r');
    outb(COM1, c);
}

static void put_string(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_hex(unsigned value)
{
    for (int shift = 28; shift >= 0; shift -= 4)
        put_char("0123456789abcdef"[(value >> shift) & 15]);
}

static int contains(const char *text, const char *word)
{
    for (; *text; text++) {
        int i = 0;
        while (word[i] && text[i] == word[i])
            i++;
        if (!word[i])
            return 1;
    }
    return 0;
}

static void shutdown(int success)
{
    put_string(success ? "beta86: shutdown (success)\n" : "beta86: shutdown (failure)\n");
    outb(0xf4, success ? 0x10 : 0x11);
    for (;;)
        __asm__ volatile ("cli; hlt");
}

static struct { unsigned short limit; unsigned base; } __attribute__((packed)) empty_idt;
static unsigned page_directory[1024] __attribute__((aligned(4096)));

__attribute__((noinline)) static void panic_with_backtrace(const char *message)
{
    unsigned caller = (unsigned)__builtin_return_address(0);
    put_string("panic: ");
    put_string(message);
    put_string("\n  eax=00000000 ebx=00000000 ecx=00000000 edx=00000000\n");
    put_string("  esi=00000000 edi=00000000 ebp=00000000 esp=00000000\n");
    put_string("  eip=");
    put_hex(caller);
    put_string(" eflags=00000002 cs=0008 ds=0010 es=0010 ss=0010\n");
    put_string("  cr0=00000011 cr2=00000000 cr3=00000000 cr4=00000000\n");
    put_string("backtrace:\n  #0 0x");
    put_hex(caller);
    put_string(" kmain+0x0\n  #1 0x0badf00d ???\n");
    shutdown(0);
}

struct gate { unsigned short offset_low, selector; unsigned char zero, type; unsigned short offset_high; };
static struct gate idt[256];
static struct { unsigned short limit; unsigned base; } __attribute__((packed))
    idt_register = { sizeof idt - 1, (unsigned)idt };
void timer_stub(void);
void page_fault_return(void);

static void set_gate(int vector, void (*handler)(void))
{
    idt[vector].offset_low = (unsigned)handler & 0xffff;
    idt[vector].offset_high = (unsigned)handler >> 16;
    idt[vector].selector = 0x08;
    idt[vector].type = 0x8e;
}

/* The PIC's IRQs at 0x20..0x2f, only the timer unmasked; the PIT at 100 Hz
 * (the firmware may not have programmed it). Interrupts stay off. */
static void timer_start(void)
{
    for (int vector = 0x20; vector < 0x30; vector++)
        set_gate(vector, timer_stub);
    __asm__ volatile ("lidt %0" : : "m"(idt_register));
    static const unsigned char pic_setup[][2] = {
        {0x20, 0x11}, {0xa0, 0x11}, {0x21, 0x20}, {0xa1, 0x28}, {0x21, 4}, {0xa1, 2},
        {0x21, 1}, {0xa1, 1}, {0x21, 0xfe}, {0xa1, 0xff},
        {0x43, 0x34}, {0x40, 11932 & 0xff}, {0x40, 11932 >> 8},
    };
    for (unsigned i = 0; i < sizeof pic_setup / sizeof pic_setup[0]; i++)
        outb(pic_setup[i][0], pic_setup[i][1]);
}

static void timer_ticks(int count)
{
    timer_start();
    for (int tick = 0; tick < count; tick++)
        __asm__ volatile ("sti; hlt; cli");
}

static volatile unsigned spins;
#define STEADY_STEPS 20

/* Ways to hang, each the way a kernel really does it. */
static void hang_as(const char *cmdline)
{
    if (contains(cmdline, "init=spin")) {
        __asm__ volatile ("cli");
        for (;;)
            spins++;                          /* SPIN LOOP */
    }
    if (contains(cmdline, "init=busy")) {
        timer_start();
        __asm__ volatile ("sti");
        for (;;)
            spins++;                          /* BUSY LOOP */
    }
    if (contains(cmdline, "init=idle")) {
        timer_start();
        for (;;)
            __asm__ volatile ("sti; hlt");    /* IDLE LOOP */
    }
    if (contains(cmdline, "init=frozen")) {
        outb(0x21, 0xff);                     /* every IRQ masked, no timer */
        outb(0xa1, 0xff);
        for (;;)
            __asm__ volatile ("sti; hlt");    /* FROZEN LOOP */
    }
    if (contains(cmdline, "init=repeat")) {
        for (;;) {                            /* a fault handler that ends nothing */
            put_string("pid 1 (toy): killed by page fault, eip 0x40000030\n");   /* REPEAT */
            for (volatile int i = 0; i < 20000; i++)
                ;
        }
    }
    if (contains(cmdline, "init=cycle")) {
        for (unsigned n = 0;; n++) {
            put_string(n % 2 ? "toy: pong\n" : "toy: ping\n");               /* CYCLE */
            for (volatile int i = 0; i < 20000; i++)
                ;
        }
    }
    if (contains(cmdline, "init=faultloop")) {
        set_gate(0x0e, page_fault_return);    /* a #PF handler that fixes nothing */
        __asm__ volatile ("lidt %0" : : "m"(idt_register));
        page_directory[0] = 0x83;             /* 4 MiB pages: the toy and, */
        page_directory[1023] = 0xffc00083;    /* maybe, the firmware's GDT */
        __asm__ volatile ("mov %%cr4, %%eax; or $0x10, %%eax; mov %%eax, %%cr4\n\t"
                          "mov %0, %%cr3\n\t"
                          "mov %%cr0, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0"
                          : : "r"(page_directory) : "eax");
        for (;;)
            spins += *(volatile unsigned *)0xdeadbeef;   /* FAULT LOOP */
    }
}

static void echo_lines(void)
{
    char line[64];
    for (;;) {
        int length = 0;
        put_string("> ");
        for (;;) {
            while (!(inb(COM1 + 5) & 1))
                ;
            char c = inb(COM1);
            if (c == '\r' || c == '\n')
                break;
            if (length < 63)
                line[length++] = c;
        }
        line[length] = 0;
        put_string("\nyou said: ");
        put_string(line);
        put_string("\n");
        if (contains(line, "quit"))
            shutdown(1);
    }
}

void kmain(unsigned magic, struct multiboot_info *info)
{
    const char *cmdline = (info->flags & 4) ? (const char *)info->cmdline : "";
    put_string("beta86: booting (cmdline: '");
    put_string(cmdline);
    put_string("')\nbeta86: ready after 0 instructions (toy)\n");
    if (contains(cmdline, "init=success"))
        shutdown(1);
    if (contains(cmdline, "init=panic"))
        panic_with_backtrace("toy panic"); /* PANIC CALL */
    if (contains(cmdline, "init=echo"))
        echo_lines();
    if (contains(cmdline, "init=steady")) {   /* a line every ~30 M instructions */
        for (int step = 1; step <= STEADY_STEPS; step++) {
            for (volatile int i = 0; i < 4000000; i++)
                ;
            put_string("toy: step ");
            put_hex(step);
            put_string("\n");
        }
        shutdown(1);
    }
    if (contains(cmdline, "init=tidy") || contains(cmdline, "init=leaky")) {
        put_string("beta86: init exited with status 0\n");   /* as run_user_init says */
        put_string(contains(cmdline, "init=tidy")
                   ? "beta86: leak check: free frames 31012 at ready, 30990 at the lowest, "
                     "31012 at the end; process slots in use 2 at ready, 2 at the end\n"
                   : "beta86: leak check: free frames 31012 at ready, 30990 at the lowest, "
                     "31009 at the end; process slots in use 2 at ready, 3 at the end\n");
        shutdown(1);
    }
    if (contains(cmdline, "init=pagefault")) {
        __asm__ volatile ("lidt %0" : : "m"(empty_idt));
        page_directory[0] = 0x83;             /* 4 MiB identity page, writable */
        __asm__ volatile ("mov %%cr4, %%eax; or $0x10, %%eax; mov %%eax, %%cr4\n\t"
                          "mov %0, %%cr3\n\t"
                          "mov %%cr0, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0"
                          : : "r"(page_directory) : "eax");
        *(volatile unsigned *)0xdeadbeef = 1;  /* PAGE FAULT */
    }
    if (contains(cmdline, "init=ticks")) {
        timer_ticks(3);
        __asm__ volatile ("lidt %0; ud2" : : "m"(empty_idt));   /* INVALID OPCODE */
    }
    if (contains(cmdline, "init=reset"))
        outb(0x64, 0xfe);                     /* keyboard controller: reset */
    hang_as(cmdline);
    for (;;)
        __asm__ volatile ("cli; hlt");        /* HALT LOOP */
}
"""

TOY_ENTRY_S = r"""
.section .multiboot, "a"
.align 4
.long 0x1BADB002, 0, -0x1BADB002
.text
.globl _start
_start:
    mov $stack_top, %esp
    push %ebx
    push %eax
    call kmain
1:  cli
    hlt
    jmp 1b
.globl timer_stub
timer_stub:
    push %eax
    mov $0x20, %al
    out %al, $0x20
    pop %eax
    iret
.globl page_fault_return
page_fault_return:
    add $4, %esp
    iret
.section .note.GNU-stack, "", @progbits
.bss
.align 16
.space 8192
stack_top:
"""

TOY_LINKER_SCRIPT = """
ENTRY(_start)
SECTIONS {
  . = 0x100000;
  .text : { *(.multiboot) *(.text*) }
  .rodata : { *(.rodata*) }
  .data : { *(.data*) }
  .bss : { *(.bss*) *(COMMON) }
}
"""

# Real QEMU 7.2 `-d int,cpu_reset` output of `init=pagefault` after the boot
# resets (register dumps shortened to the lines the parser reads, plus some).
PAGE_FAULT_LOG = """\
CPU Reset (CPU 0)
EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000663
CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000
check_exception old: 0xffffffff new 0xe
     0: v=0e e=0002 i=0 cpl=0 IP=0008:001003ed pc=001003ed SP=0010:00102fe0 CR2=deadbeef
EAX=deadbeef EBX=00009500 ECX=0000000d EDX=00104000
ESI=00000000 EDI=00001000 EBP=00102ff0 ESP=00102fe0
EIP=001003ed EFL=00000086 [--S--P-] CPL=0 II=0 A20=1 SMM=0 HLT=0
CS =0008 00000000 ffffffff 00cf9a00 DPL=0 CS32 [-R-]
GDT=     000cb2b8 00000027
IDT=     00000000 00000000
CR0=80000011 CR2=deadbeef CR3=00104000 CR4=00000010
DR6=ffff0ff0 DR7=00000400
CCS=0000000e CCD=80000011 CCO=LOGICL
EFER=0000000000000000
check_exception old: 0xe new 0xd
     1: v=08 e=0000 i=0 cpl=0 IP=0008:001003ed pc=001003ed SP=0010:00102fe0 env->regs[R_EAX]=deadbeef
EAX=deadbeef EBX=00009500 ECX=0000000d EDX=00104000
EIP=001003ed EFL=00000086 [--S--P-] CPL=0 II=0 A20=1 SMM=0 HLT=0
GDT=     000cb2b8 00000027
IDT=     00000000 00000000
CR0=80000011 CR2=deadbeef CR3=00104000 CR4=00000010
EFER=0000000000000000
check_exception old: 0x8 new 0xd
Triple fault
"""

# An earlier page fault at another instruction that its handler fixed, and
# timer interrupts: neither is part of the story of the reset.
HANDLED_FAULT_AND_TICKS = """\
check_exception old: 0xffffffff new 0xe
     0: v=0e e=0000 i=0 cpl=0 IP=0008:00100200 pc=00100200 SP=0010:00102fd0 CR2=00400000
IDT=     00105000 000007ff
Servicing hardware INT=0x20
     1: v=20 e=0000 i=0 cpl=0 IP=0008:001003ed pc=001003ed SP=0010:00102fe0 env->regs[R_EAX]=00000000
IDT=     00105000 000007ff
"""


def toy_source_line(marker):
    """The line number of the toy kernel's line that contains `marker`."""
    for number, line in enumerate(TOY_KERNEL_C.splitlines(), start=1):
        if marker in line:
            return number
    raise LookupError(marker)


def build_toy(directory, elf="toy.elf"):
    """Build the toy kernel from its sources in `directory` (which its
    DWARF names as the sources' directory) into `directory`/`elf`."""
    (directory / "toy.c").write_text(TOY_KERNEL_C)
    (directory / "entry.S").write_text(TOY_ENTRY_S)
    (directory / "link.ld").write_text(TOY_LINKER_SCRIPT)
    (directory / elf).parent.mkdir(parents=True, exist_ok=True)
    cflags = ["-m32", "-ffreestanding", "-fno-pie", "-fno-stack-protector",
              "-fno-asynchronous-unwind-tables", "-O0", "-g"]
    for command in (["gcc", *cflags, "-c", "toy.c", "-o", "toy.o"],
                    ["gcc", "-m32", "-g", "-c", "entry.S", "-o", "entry.o"],
                    ["ld", "-m", "elf_i386", "--no-warn-rwx-segments", "-T",
                     "link.ld", "-o", elf, "entry.o", "toy.o"]):
        subprocess.run(command, cwd=directory, check=True)
    return directory / elf


@pytest.fixture(scope="session")
def toy_kernel(tmp_path_factory):
    """The toy kernel's ELF (with DWARF), built in a temporary directory."""
    return build_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture
def write_log(tmp_path):
    """write_log(text) -> the path of a QEMU log file holding `text`."""
    def write(text):
        path = tmp_path / "qemu.log"
        path.write_text(text)
        return path
    return write


# ---- small pieces -------------------------------------------------------------

def test_qemu_command_is_deterministic_and_exits_through_the_debug_port():
    command = qemu.qemu_command("k.elf", "seed=7 init=x", log_file="q.log",
                                extra_args=("-S", "-gdb", "tcp::1234"))
    text = " ".join(command)
    assert command[:5] == ["qemu-system-i386", "-kernel", "k.elf",
                           "-append", "seed=7 init=x"]
    for part in ("-icount shift=0,sleep=off", "-rtc clock=vm", "-no-reboot",
                 "-device isa-debug-exit,iobase=0xf4,iosize=0x04",
                 "-serial stdio", "-d cpu_reset -D q.log"):
        assert part in text
    assert command[-3:] == ["-S", "-gdb", "tcp::1234"]
    assert qemu.without_gdb_args(["-S", "-gdb", "tcp::1", "-s", "-x"]) == ["-x"]


def test_line_ends_are_normalized_across_chunks():
    normalizer = qemu.LineEndNormalizer()
    chunks = ["one\r", "\r\ntwo\r\n", "three\r", "\r", "\nfour\r"]
    text = "".join(normalizer.feed(chunk) for chunk in chunks) + normalizer.finish()
    assert text == "one\ntwo\nthree\nfour\r"


@pytest.mark.parametrize("status, signal_status, kind", [
    (33, None, "success"), (35, None, "failure"), (0, None, "triple-fault"),
    (1, None, "crash"), (3, None, "crash"), (None, 9, "crash"),
])
def test_exit_status_classification(status, signal_status, kind):
    assert qemu.exit_kind(status, signal_status) == kind


# ---- runs of the toy kernel ---------------------------------------------------------

def test_clean_shutdown(boot, toy_kernel):
    run = boot("init=success", kernel=toy_kernel)
    assert (run.kind, run.status) == ("success", 33)
    assert re.fullmatch(r"beta86: booting \(cmdline: '.*init=success'\)", run.lines[0])
    assert run.lines[-1] == "beta86: shutdown (success)"
    assert "\r" not in run.output
    assert run.log_path.name.endswith(".serial.log")
    assert run.log_path.read_text() == run.output
    run.expect_exit("success")


def test_panic_is_a_failure_explained_with_source_lines(boot, toy_kernel):
    run = boot("init=panic", kernel=toy_kernel)
    assert (run.kind, run.status) == ("failure", 35)
    with pytest.raises(AssertionError) as failure:
        run.expect_exit("success")
    message = str(failure.value)
    assert message.startswith(
        "expected a clean shutdown, got a panic: panic: toy panic")
    call_line = f"kmain at toy.c:{toy_source_line('PANIC CALL')}"
    assert re.search(r"#0 0x001[0-9a-f]{5} " + re.escape(call_line), message)
    assert re.search(r"eip 0x001[0-9a-f]{5} " + re.escape(call_line), message)
    assert "0x0badf00d" not in message


def test_triple_fault_is_explained_from_a_rerun(boot, toy_kernel):
    run = boot("init=pagefault", kernel=toy_kernel)
    assert (run.kind, run.status) == ("triple-fault", 0)
    explanation = run.explain()
    assert explanation.startswith(
        "a triple fault: page fault at 0xdeadbeef (write of a not-present "
        "page in kernel mode; eip 0x001")
    assert "kmain+0x" in explanation
    assert f"at toy.c:{toy_source_line('PAGE FAULT')})" in explanation
    assert ("then general protection while delivering the page fault, hence a "
            "double fault, then general protection while delivering the double "
            "fault, hence a triple fault: the CPU reset") in explanation
    assert "Hint: the IDT is empty (limit 0)" in explanation
    assert "re-run of the same command line with -d int,cpu_reset, same output" \
        in explanation
    with pytest.raises(AssertionError, match="^expected a clean shutdown, got a triple fault: page fault"):
        run.expect_exit("success")
    # The grade's one line: the first exception, with no host path in it.
    assert re.fullmatch(r"the kernel triple-faulted; the first exception: page fault at "
                        r"0xdeadbeef \(write of a not-present page in kernel mode; eip "
                        r"0x001[0-9a-f]{5} kmain\+0x[0-9a-f]+ at toy\.c:"
                        rf"{toy_source_line('PAGE FAULT')}\)", run.trouble()), run.trouble()


# ---- progress in virtual time, without QEMU ---------------------------------------

def test_virtual_time_counts_only_within_stretches_of_running():
    reading = progress.Reading
    watch = progress.Stopwatch()
    watch.add(reading(100, 1_000, 2_000, stretch=0, running=True, wall=0.0))
    watch.add(reading(150, 50_000, 51_000, stretch=0, running=True, wall=0.1))
    assert watch.elapsed == 48_000     # idle: the clock jumped; its lower bound
    watch.add(reading(150, 900_000, 901_000, stretch=0, running=False, wall=0.2))
    watch.add(reading(160, 5_000_000, 5_001_000, stretch=1, running=True, wall=5.0))
    assert watch.elapsed == 48_000     # stopped (by GDB): not counted
    watch.add(reading(10_160, 5_002_000, 5_003_000, stretch=1, running=True, wall=5.1))
    assert watch.elapsed == 48_000 + 10_000   # instructions beat the clock's bound
    assert watch.executed == 10_060
    assert watch.stuck is None
    watch.add(reading(10_160, 5_900_000, 5_901_000, stretch=1, running=True, wall=5.2))
    wall, clock = watch.stuck          # nothing executed since the reading before
    assert abs(wall - 0.1) < 1e-9 and clock == 5_900_000 - 5_003_000   # surely passed


def cpu(eip=0x100000, interrupts_on=True, halted=False):
    flags = 0x202 if interrupts_on else 0x002
    return progress.CpuSample({"EIP": eip, "EFL": flags, "EBP": 0}, 0, halted)


@pytest.mark.parametrize("samples, exceptions, executed, silence, kind", [
    ([cpu(interrupts_on=False)] * 3, [], 10**9, 10**9, "spinning-interrupts-off"),
    ([cpu(), cpu(interrupts_on=False)], [], 10**9, 10**9, "busy"),
    ([cpu(halted=True)] * 3, [], 10**5, 10**9, "idle"),
    ([cpu(halted=True), cpu(), cpu(halted=True)], [], 10**5, 10**9, "idle"),
    ([cpu(halted=True, interrupts_on=False)] * 3, [], 0, 10**9, "halted-interrupts-off"),
    ([cpu(halted=True)] * 3, [], 0, 0, "halted-no-timer"),
    ([cpu()] * 3, [(0x0e, 0, 0x100123, 0xdeadbeef)] * 50, 10**7, 10**7, "fault-loop"),
    # page faults at ever new addresses are demand paging, not a loop
    ([cpu()] * 3, [(0x0e, 0, 0x100123, 0x1000 * n) for n in range(50)], 10**9, 10**9, "busy"),
])
def test_hang_classification(samples, exceptions, executed, silence, kind):
    assert progress.classify(samples, exceptions, executed, silence) == kind


# ---- hangs, found in virtual time ---------------------------------------------

HANGS = [
    # (toy kernel's init=, kind of hang, the line the CPU loops on, QEMU args)
    ("spin", "spinning-interrupts-off", "SPIN LOOP", ()),
    ("busy", "busy", "BUSY LOOP", ()),
    ("idle", "idle", "IDLE LOOP", ()),
    ("hang", "halted-interrupts-off", "HALT LOOP", ()),
    # no PIT, every IRQ masked: no timer deadline, the virtual clock stops
    ("frozen", "halted-no-timer", "FROZEN LOOP", ("-machine", "pc,pit=off")),
]
WALL_SECONDS_FOR_A_HANG = 30     # far below qemu.WALL_GUARD; takes ~1 s


@pytest.mark.parametrize("mode, kind, marker, extra_args", HANGS,
                         ids=[hang[0] for hang in HANGS])
def test_hang_is_found_in_virtual_time_and_located(boot, toy_kernel, mode, kind,
                                                   marker, extra_args):
    started = time.monotonic()
    run = boot(f"init={mode}", kernel=toy_kernel, extra_args=extra_args)
    wall = time.monotonic() - started
    explanation = run.explain()
    assert run.kind == "hang" and run.hang is not None, explanation
    assert run.guard_timeout is None, "the wall-clock guard found it, not the watch"
    assert run.hang.kind == kind, explanation
    assert explanation.startswith("a hang: no output for ")
    assert f"the CPU is {progress.HANG_WORDS[kind]}." in explanation
    assert re.search(r"^The kernel is at eip 0x001[0-9a-f]{5} hang_as\+0x[0-9a-f]+ "
                     rf"at toy\.c:{toy_source_line(marker)}\b", explanation, re.M) or \
        re.search(r"^The kernel is at eip 0x001[0-9a-f]{5} kmain\+0x[0-9a-f]+ "
                  rf"at toy\.c:{toy_source_line(marker)}\b", explanation, re.M), explanation
    callers = re.findall(r"^  #\d+ 0x[0-9a-f]{8} (\w+)\+0x[0-9a-f]+ at (\S+):(\d+)$",
                         explanation, re.M)
    assert [name for name, _, _ in callers][-1] == "_start", explanation
    if kind in ("spinning-interrupts-off", "busy", "idle"):
        # found by the budget: never before it was spent
        assert run.hang.silence >= run.budget
        assert ("kmain", "toy.c", str(toy_source_line("hang_as(cmdline)"))) in callers
    assert wall < WALL_SECONDS_FOR_A_HANG
    assert "\nlast output:\nbeta86: booting (cmdline: " in explanation


class LaggingRun(qemu.Run):
    """A run whose grader falls behind once, as on a loaded host: once the
    guest has printed three lines and a silence is being timed, it reads
    nothing while the guest runs two budgets' worth of instructions (and
    goes on printing), then looks at the clock before it reads again."""

    lag = None          # instructions the guest ran while the grader lagged

    def _read_chunk(self, timeout):
        if self.lag is not None or self._text.count("toy: step ") < 3:
            return super()._read_chunk(timeout)
        if self._silence is None:
            self._silence = self.stopwatch()
        start = self.reading()
        self.lag = 0
        while start is not None:
            now = self.reading()
            if now is None:
                break
            self.lag = now.instructions - start.instructions
            if self.lag >= 2 * self.budget:
                break
            time.sleep(0.001)
        return 0                # "nothing came": time to look at the clock


def test_a_grader_that_falls_behind_finds_no_hang(toy_kernel, tmp_path):
    """The guest printed all along, but the grader looked at the clock before
    it read: the spent budget is checked, with the guest paused, against
    what QEMU had printed, and the run goes on to its clean end."""
    run = LaggingRun(toy_kernel, "init=steady", log_path=tmp_path / "serial.log")
    try:
        run.wait_exit(WALL_SECONDS_FOR_A_HANG)
    finally:
        run.close()
    assert run.lag, "the run ended before the grader lagged"
    assert run.kind == "success", run.explain()
    assert re.findall(r"^toy: step ([0-9a-f]{8})$", run.output, re.M) == \
        [f"{step:08x}" for step in range(1, 21)]


def test_fault_loop_is_a_hang_that_names_the_fault(boot, toy_kernel):
    run = boot("init=faultloop", kernel=toy_kernel)
    explanation = run.explain()
    assert run.kind == "hang" and run.hang.kind == "fault-loop", explanation
    assert f"the CPU is {progress.HANG_WORDS['fault-loop']}." in explanation
    assert re.search(r"^The page fault at 0xdeadbeef \(read of a not-present page in "
                     r"kernel mode\), eip 0x001[0-9a-f]{5} hang_as\+0x[0-9a-f]+ at "
                     rf"toy\.c:{toy_source_line('FAULT LOOP')}, was delivered \d+ times",
                     explanation, re.M), explanation


def test_the_same_line_over_and_over_is_a_hang_in_words(boot, toy_kernel):
    """A kernel that prints one line forever is never silent, yet says
    nothing new: it is stopped once its budget is spent without news, and the
    verdict quotes the line, says how often it came and where the kernel is."""
    started = time.monotonic()
    run = boot("init=repeat", kernel=toy_kernel)
    wall = time.monotonic() - started
    explanation = run.explain()
    assert run.kind == "hang" and run.hang.kind == "repeating", explanation
    assert run.guard_timeout is None, "the wall-clock guard found it, not the watch"
    line = "pid 1 (toy): killed by page fault, eip 0x40000030"
    times = run.output.count(line + "\n")
    assert times > 100, explanation
    assert re.match(rf"a hang: the kernel prints the same line over and over: '{re.escape(line)}' "
                    r"\([\d,]+ times\), and nothing new for ", explanation), explanation
    assert f"the CPU is {progress.HANG_WORDS['repeating']}." in explanation
    headline = run.trouble()
    assert re.fullmatch(rf"the kernel prints the same line over and over: '{re.escape(line)}' "
                        r"\([\d,]+ times\), in \w+ \(toy\.c:\d+\)", headline), headline
    assert wall < WALL_SECONDS_FOR_A_HANG


def test_a_short_cycle_of_lines_is_a_hang_too(boot, toy_kernel):
    run = boot("init=cycle", kernel=toy_kernel)
    assert run.kind == "hang" and run.hang.kind == "repeating", run.explain()
    assert run.trouble().startswith("the kernel prints the same 2 lines over and over: "
                                    "'toy: p"), run.trouble()


def test_repeat_watch_tells_news_from_repetition():
    """New lines and lines being printed are news; a line (or a cycle of up
    to four) printed again is not; a test's own lines are never cut short."""
    watch = progress.RepeatWatch()
    assert watch.feed("a\nb\n") and watch.repeating is None
    assert watch.feed("a\n")                   # a, b, a: not yet a cycle
    assert not watch.feed("b\n")               # a, b, a, b: the cycle (a, b) twice
    assert not watch.feed("a\nb\n") and watch.repeating == (["a", "b"], 3)
    assert not watch.feed("a")                  # part of the repeated line: judged later
    assert watch.feed("c\n") and watch.repeating is None    # "ac": news
    assert watch.feed("progress ...")           # a line growing, nothing repeating
    assert watch.feed("\nx\n") and not watch.feed("x\n") and not watch.feed("x\n")
    assert watch.repeating == (["x"], 3)
    lines = [f"{n}" for n in range(5)] * 3      # a cycle longer than REPEAT_PERIOD_MAX
    watch = progress.RepeatWatch()
    assert all(watch.feed(line + "\n") for line in lines)


def test_triple_fault_ends_the_run_at_once(boot, toy_kernel):
    """Under -no-reboot a triple fault (or a guest reset) cannot loop: the
    run ends, is no hang, and is explained exception by exception."""
    started = time.monotonic()
    run = boot("init=pagefault", kernel=toy_kernel)
    assert (run.kind, run.hang) == ("triple-fault", None)
    assert "hence a triple fault: the CPU reset" in run.explain()
    assert time.monotonic() - started < WALL_SECONDS_FOR_A_HANG


def test_expected_line_that_never_comes_is_a_located_hang(boot):
    """The real kernel's monitor waits for a line nobody types: idle."""
    run = boot("init=kmon", wait=False)
    run.expect_exact("kmon> ")
    with pytest.raises(AssertionError) as failure:
        run.expect_exact("a reply to a question never asked")
    message = str(failure.value)
    assert message.startswith("expected 'a reply to a question never asked', "
                              "which never came: a hang: no output for ")
    assert f"the CPU is {progress.HANG_WORDS['idle']}." in message
    assert re.search(r"^The kernel is at eip 0x[0-9a-f]{8} sleep\+0x[0-9a-f]+: sti_hlt at "
                     r"kernel/cpu/x86\.h:\d+, .*inlined into sleep at kernel/proc/sched\.c:\d+ "
                     r"\(just after its hlt\)$", message, re.M), message
    callers = re.findall(r"^  #\d+ 0x[0-9a-f]{8} (\w+)\+0x", message, re.M)
    assert callers[:3] == ["tty_getc", "tty_readline", "kmon_run"], message
    assert run.kind == "hang"


def test_gdb_continue_into_a_hang_is_found_in_virtual_time(gdb_boot):
    """GDB waits for a breakpoint the kernel never reaches: the session
    finds the hang in virtual time and says where, as GDB sees it too."""
    started = time.monotonic()
    run, gdb = gdb_boot("init=kmon")
    gdb.command("break ktest_panic")
    with pytest.raises(AssertionError) as failure:
        gdb.command("continue")
    message = str(failure.value)
    assert message.startswith("GDB gave no prompt after the command 'continue': the "
                              "kernel hung, no output for "), message
    assert f"the CPU is {progress.HANG_WORDS['idle']}." in message
    assert "Interrupted with Ctrl-C, the kernel was at:" in message
    assert re.search(r"^#\d+ +0x[0-9a-f]+ in tty_readline ", message, re.M), message
    assert time.monotonic() - started < WALL_SECONDS_FOR_A_HANG


def test_gdb_continue_over_a_kernel_that_prints_is_no_hang(gdb_boot):
    """A GDB `continue` runs the kernel far longer than a silence budget,
    but it prints all along (`faults isolate`: a line every 20 M
    instructions or so, 400 M in all): the silence GDB's wait watches
    starts again with each line, so the breakpoint at its end is reached."""
    run, gdb = gdb_boot("hz=1000 init=faults isolate all")
    gdb.command("break shutdown")
    gdb.command("continue")
    assert re.search(r"^faults: isolate: (\d+) of \1 OK$", run.output, re.M), run.output[-2000:]
    assert "Breakpoint 1, shutdown (success=1)" in gdb.transcript, gdb.tail()


def test_gdb_after_a_panic_leads_with_the_panic(gdb_boot):
    """Once the kernel has panicked, QEMU is gone and GDB reads the ELF file:
    its "Cannot access memory" follows from the panic, which comes first."""
    run, gdb = gdb_boot("init=divzero")
    gdb.command("continue")
    with pytest.raises(AssertionError) as failure:
        gdb.integer("current_proc->pid")
    message = str(failure.value)
    assert message.startswith("the kernel panicked: divide error in kernel (vector 0)"), message
    assert "; afterwards GDB could not evaluate 'current_proc->pid':\nCannot access memory" \
        in message, message


def test_wall_clock_guard_is_the_last_resort(boot, toy_kernel):
    run = boot("init=spin", wait=False, kernel=toy_kernel, budget=None)
    run.expect_exact("beta86: booting")
    assert run.wait_exit(timeout=1) == "hang"
    assert run.kind == "hang" and run.status is None and run.hang is None
    assert run.explain().startswith(
        "a hang: no shutdown within 1 s of wall-clock time (the last guard")
    with pytest.raises(ProcessLookupError):
        os.kill(run.pid, 0)


def test_guest_reset_without_triple_fault(boot, toy_kernel):
    run = boot("init=reset", kernel=toy_kernel)
    assert run.kind == "triple-fault"
    assert "without a triple fault" in run.explain()


def test_interactive_console(boot, toy_kernel):
    run = boot("init=echo", wait=False, kernel=toy_kernel)
    run.expect_exact("> ")
    run.sendline("hello")
    assert run.expect(r"you said: (\w+)\n").group(1) == "hello"
    run.sendline("quit")
    run.expect_exit("success", timeout=30)
    assert run.output.endswith("you said: quit\nbeta86: shutdown (success)\n")


def test_expect_says_when_qemu_ended_first(boot, toy_kernel):
    run = boot("init=success", wait=False, kernel=toy_kernel)
    with pytest.raises(AssertionError, match="ended first with a clean shutdown"):
        run.expect("never printed")
    with pytest.raises(AssertionError, match=r"^could not type 'hello\\r': QEMU ended first"):
        run.sendline("hello")


def test_messages_quote_literal_text_not_escaped_regexes(boot, toy_kernel):
    """What a test waited for reads as the text it is: 'pid  state' and
    not pid\\ \\ state; only the part that is a regular expression stays one."""
    assert qemu.describe_pattern(re.escape("pid  state     name\n")) == \
        repr("pid  state     name\n")
    assert qemu.describe_pattern(re.escape("pid  state\n") + r"((?:\d+ .*\n){3})") == \
        "'pid  state\\n' followed by a match of the regular expression `((?:\\d+ .*\\n){3})`"
    assert qemu.describe_pattern(r"\n3 +sleeping") == \
        "'\\n3' followed by a match of the regular expression ` +sleeping`"   # the + is the space's
    assert qemu.describe_pattern(r"\d+ ticks") == "a match of the regular expression `\\d+ ticks`"
    run = boot("init=success", wait=False, kernel=toy_kernel)
    with pytest.raises(AssertionError) as failure:
        run.expect(re.escape("pid  state") + r" +(\d+)")
    assert str(failure.value).startswith(
        "expected 'pid  state' followed by a match of the regular expression ` +(\\d+)`, "
        "but QEMU ended first with a clean shutdown"), str(failure.value)


def test_graded_parametrized_tests_are_named_in_words():
    """The grade names a parametrized test by its description and its
    parameters' id: every graded id is words, not pytest's joined values
    ("cooperative-init=bench_yield {threads}-60")."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *sorted(str(path) for path in GRADER_DIR.glob("test_lab*_*.py"))],
        cwd=GRADER_DIR.parent, capture_output=True, text=True, timeout=120)
    ids = re.findall(r"^\S+::\w+\[(.*)\]$", result.stdout, re.M)
    assert ids, result.stdout + result.stderr
    unreadable = [case for case in ids if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*( [a-z0-9_]+)*", case)]
    assert not unreadable, f"parametrized ids that are not words: {unreadable}"


def test_hangs_at_one_place_share_one_cause(boot, toy_kernel):
    """Runs that hang at the same place are one root cause for the grade,
    whatever their silences; a hang elsewhere is another."""
    idle = [boot("init=idle", kernel=toy_kernel) for _ in range(2)]
    busy = boot("init=busy", kernel=toy_kernel)
    assert idle[0].ending_key() == idle[1].ending_key()
    assert idle[0].ending_key() != busy.ending_key()
    assert idle[0].trouble().startswith(
        "the kernel hung, idle in hlt with interrupts on, in hang_as (toy.c:"), idle[0].trouble()


def test_missing_kernel_is_a_clear_failure(boot, tmp_path):
    with pytest.raises(pytest.fail.Exception, match="does not exist. Build it first"):
        boot("init=success", kernel=tmp_path / "build" / "kernel.elf")


# ---- explain_reset on QEMU logs ---------------------------------------------------

def test_explain_page_fault_log(write_log):
    sentence = qemu.explain_reset(write_log(PAGE_FAULT_LOG))
    assert sentence == (
        "page fault at 0xdeadbeef (write of a not-present page in kernel mode; "
        "eip 0x001003ed), then general protection while delivering the page "
        "fault, hence a double fault, then general protection while delivering "
        "the double fault, hence a triple fault: the CPU reset. "
        "Hint: the IDT is empty (limit 0): was it loaded with lidt?")


def test_explain_only_the_last_exceptions(write_log):
    head, tail = PAGE_FAULT_LOG.split("check_exception old: 0xffffffff new 0xe\n")
    log = head + HANDLED_FAULT_AND_TICKS + "check_exception old: 0xffffffff new 0xe\n" + tail
    assert qemu.explain_reset(write_log(log)) == qemu.explain_reset(write_log(PAGE_FAULT_LOG))


def test_explain_real_log_with_timer_interrupts(toy_kernel, tmp_path):
    """A benign first exception (#UD) after timer IRQs, from a real QEMU run."""
    log = tmp_path / "ticks.log"
    command = qemu.qemu_command(toy_kernel, "init=ticks", log_file=log,
                                debug="int,cpu_reset")
    result = subprocess.run(command, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=30)
    assert result.returncode == 0
    assert "v=20" in log.read_text()
    sentence = qemu.explain_reset(log, toy_kernel)
    assert re.match(r"invalid opcode \(eip 0x001[0-9a-f]{5} kmain\+0x[0-9a-f]+ "
                    rf"at toy\.c:{toy_source_line('INVALID OPCODE')}\), then general "
                    r"protection while delivering the invalid opcode, then general "
                    r"protection while delivering the general protection, hence a "
                    r"double fault, then general protection while delivering the "
                    r"double fault, hence a triple fault: the CPU reset", sentence)
    assert "interrupt 0x20" not in sentence


def test_explain_log_without_history_or_without_triple_fault(write_log, tmp_path):
    assert qemu.explain_reset(write_log("CPU Reset (CPU 0)\nTriple fault\n")) \
        .startswith("triple fault: the CPU reset (this log has no exception history")
    assert "without a triple fault" in qemu.explain_reset(write_log("CPU Reset (CPU 0)\n"))
    assert "no QEMU log" in qemu.explain_reset(tmp_path / "missing.log")


# ---- decode_addresses -------------------------------------------------------------

def test_decode_addresses(toy_kernel):
    kmain = next(symbol.address for symbol in qemu.Symbolizer(toy_kernel).functions
                 if symbol.name == "kmain")
    text = (f"  eip={kmain:08x} eflags=00000002\n"
            f"backtrace:\n  #0 0x{kmain + 1:08x} kmain+0x1\n"
            "  #1 0x0badf00d ???\n  #2 0x00000010 ???\n")
    decoded = [str(address) for address in qemu.decode_addresses(text, toy_kernel)]
    assert len(decoded) == 2   # frames outside the kernel are left out
    # a function's first instruction belongs to its header or its "{" line
    header = toy_source_line("void kmain(")
    lines = "|".join(str(line) for line in (header, header + 1))
    assert re.fullmatch(rf"eip 0x{kmain:08x} kmain at toy\.c:({lines})", decoded[0])
    # a return address is decoded at the call before it: here, kmain's start
    assert decoded[1] == f"#0 0x{kmain + 1:08x} " + decoded[0].split(" ", 2)[2]
    assert qemu.Symbolizer(toy_kernel).symbol_offset(kmain + 0x33) == "kmain+0x33"


# ---- a whole grading session ------------------------------------------------------

INNER_LAB_TESTS = """
import re
import pytest

@pytest.mark.points(5)
def test_clean_shutdown(boot):
    \"\"\"the toy kernel shuts down cleanly\"\"\"
    boot("init=success").expect_exit("success")

@pytest.mark.points(10)
def test_no_panic(boot):
    \"\"\"the toy kernel does not panic\"\"\"
    run = boot("init=panic")
    assert run.kind == "success"

@pytest.mark.points(3)
def test_skipped():
    pytest.skip("not today")

def test_without_points():
    pass

@pytest.mark.lab(2)
@pytest.mark.points(7)
def test_of_another_lab():
    assert False

@pytest.fixture
def broken_fixture():
    raise RuntimeError("this fixture breaks")

@pytest.mark.points(2)
def test_setup_error(broken_fixture):
    \"\"\"a test whose fixture breaks\"\"\"

@pytest.mark.points(4)
def test_lines_then_a_crash(boot, part):
    \"\"\"the toy kernel prints its banner, then shuts down\"\"\"
    run = boot("init=panic")
    with part(1, "the banner"):
        assert run.lines[0].startswith("beta86: booting"), "no banner"
    with part(1, "the ready line"):
        assert "beta86: ready" in run.output, "no ready line"
    with part(2, "a clean shutdown"):
        run.expect_exit("success")

@pytest.mark.points(3)
def test_independent_checks(boot, part):
    \"\"\"three independent checks\"\"\"
    run = boot("init=success")
    with part(1, "a line with 'booting'"):
        assert any("booting" in line for line in run.lines), "no line with 'booting'"
    with part(1, "a line with 'missing'"):
        assert any("missing" in line for line in run.lines), \\
            "no line with 'missing'\\nthe last line:\\n  " + run.lines[-1]
    with part(1, "a bare assert"):
        value = 3
        assert value == 4

@pytest.mark.points(2)
def test_parts_that_do_not_add_up(part):
    \"\"\"parts that do not add up to the points\"\"\"
    with part(1, "the only part"):
        pass

@pytest.mark.points(2)
def test_tidy_run(boot):
    \"\"\"init exits and everything is given back\"\"\"
    boot("init=tidy").expect_exit("success")

@pytest.mark.points(3)
def test_leaky_run(boot):
    \"\"\"init exits, but frames and a slot stay in use\"\"\"
    boot("init=leaky").expect_exit("success")

@pytest.mark.points(2)
def test_leaky_run_in_parts(boot, part):
    \"\"\"two checks that pass, then the leak\"\"\"
    run = boot("init=leaky")
    with part(1, "init's exit"):
        assert "init exited with status 0" in run.output
    with part(1, "a clean shutdown"):
        run.expect_exit("success")

@pytest.mark.points(2)
def test_waits_for_a_table(boot):
    \"\"\"a table that never comes\"\"\"
    run = boot("init=success", wait=False)
    run.expect(re.escape("pid  state") + r" +(\\d+)")
"""


@pytest.fixture(scope="module")
def grading_session(tmp_path_factory):
    """A whole grading session of INNER_LAB_TESTS on the toy kernel, run as
    `make grade` runs one (-q --tb=no -rN, grade JSON and JUnit XML): (the
    finished process, its directory). The toy is built in the graded tree,
    as a student's kernel is."""
    tmp_path = tmp_path_factory.mktemp("session")
    kernel_dir = tmp_path / "tree"
    kernel_dir.mkdir()
    build_toy(kernel_dir, "build/kernel.elf")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_lab1_toy.py").write_text(INNER_LAB_TESTS)
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("PYTEST_", "PYTHONPATH"))}
    environment["PYTHONPATH"] = str(GRADER_DIR)   # `-p conftest`: the grader
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider",
         "-n", "2", "-q", "--tb=no", "-rN", "--rootdir", str(tmp_path),
         "--kernel-dir", str(kernel_dir), "--lab", "1", "--grade-json", "grade.json",
         "--junitxml", "junit.xml", "-o", "junit_family=xunit2", "tests"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    return result, tmp_path


def inner_line(marker):
    """The number of the last line of INNER_LAB_TESTS that contains `marker`."""
    return max(number for number, line in enumerate(INNER_LAB_TESTS.splitlines(), start=1)
               if marker in line)


def grade_section(output):
    """The grade table of a session's output, and its "why tests failed"."""
    grade = output[output.index(" beta86 grade "):]
    table, _, why = grade.partition(" why tests failed ")
    return table, why


def detail_block(why, title):
    """The lines of the why section's block that starts with `title`."""
    lines = why.split("\n")
    start = lines.index(title)
    end = lines.index("", start)
    return lines[start + 1:end]


def test_grading_session_summary_json_and_status(grading_session):
    result, tmp_path = grading_session
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert output.rstrip("\n").splitlines()[-1] == "3 passed, 8 failed, 1 skipped"
    assert re.search(r"^  the toy kernel shuts down cleanly \.+ OK  5/5$", output, re.M)
    assert re.search(r"^  the toy kernel does not panic \.+ FAIL 0/10$", output, re.M)
    assert re.search(r"^  test_skipped \.+ SKIP 0/3$", output, re.M)
    assert re.search(r"^  a test whose fixture breaks \.+ FAIL 0/2$", output, re.M)
    assert "Lab 1 score: 10/38" in output and "Score: 10/38" in output
    # A lab's test without points is a sanity check: listed, scoring nothing.
    assert re.search(r"^  test_without_points \.+ OK  sanity check, no points$", output, re.M)
    assert "another_lab" not in output
    assert re.search(r"^Random seed (\d+): make grade LAB=1 PYTEST_ARGS=\"--seed \1\" repeats",
                     output, re.M)

    grade = json.loads((tmp_path / "grade.json").read_text())
    assert grade["score"] == 10
    assert grade["extra_data"] == {"max_score": 38, "passed": 3, "failed": 8, "skipped": 1}
    by_name = {test["name"]: test for test in grade["tests"]}
    assert by_name["the toy kernel does not panic"]["status"] == "failed"
    assert by_name["the toy kernel does not panic"]["lab"] == 1
    assert by_name["the toy kernel does not panic"]["output"].startswith(
        "the kernel panicked: toy panic\n")
    assert by_name["test_without_points"]["max_score"] == 0
    assert by_name["the toy kernel shuts down cleanly"]["output"] == ""
    assert by_name["test_skipped"]["output"] == "skipped: not today"


def test_every_fail_line_carries_its_reason(grading_session):
    """gradelib style: under each FAIL line, why, in one line."""
    table, _ = grade_section(grading_session[0].stdout)
    reasons = dict(re.findall(r"^  (.+?) \.+ FAIL \S+\n      (\S.*)$", table, re.M))
    assert reasons == {
        "the toy kernel does not panic": "the kernel panicked: toy panic",
        "a test whose fixture breaks": "RuntimeError: this fixture breaks",
        "the toy kernel prints its banner, then shuts down": "the kernel panicked: toy panic",
        "three independent checks": "a line with 'missing': no line with 'missing' "
                                    "(and 1 more parts)",
        "parts that do not add up to the points":
            "RuntimeError: the parts of this test add up to 1 points; its points mark says 2",
        "a table that never comes": "expected 'pid  state' followed by a match of the regular "
                                    "expression ` +(\\d+)`, but QEMU ended first with a clean "
                                    "shutdown",
        "init exits, but frames and a slot stay in use": LEAK_REASON,
        "two checks that pass, then the leak": LEAK_REASON,
    }, table


def test_details_are_what_a_student_can_use(grading_session):
    """Below the grade, the details: the test's own words and lines, the
    kernel's story; no pytest introspection or headers, no grader source, no
    host paths."""
    result, tmp_path = grading_session
    # (but for the path of the JUnit XML that the session asked pytest for)
    output = re.sub(r"^- generated xml file: .*\n", "", result.stdout, flags=re.M)
    table, why = grade_section(output)
    assert why, output
    for noise in ("platform linux", "Python 3", "rootdir", "[gw", "plugins:", "conftest.py",
                  "qemu.py", "Traceback", "+  where", "assert 3 == 4", "AssertionError",
                  str(tmp_path), "/tmp/", "-D ", "-qmp", "test session starts",
                  "short test summary"):
        assert noise not in output, f"{noise!r} in:\n{output}"
    checks = detail_block(why, "three independent checks (lab 1, 1/3):")
    assert checks[0] == "  a line with 'missing': no line with 'missing' (and 1 more parts)"
    assert checks[1:] == [
        "    parts: 1 of 3 points",
        "      ok   1/1  a line with 'booting'",
        "      FAIL 0/1  a line with 'missing'",
        "             no line with 'missing'",
        "             the last line:",
        "               beta86: shutdown (success)",
        f"             at tests/test_lab1_toy.py:{inner_line('in line for line')} "
        "(test_independent_checks): assert any(\"missing\" in line for line in run.lines),",
        "      FAIL 0/1  a bare assert",
        "             this check failed: assert value == 4",
        f"             at tests/test_lab1_toy.py:{inner_line('value == 4')} "
        "(test_independent_checks): assert value == 4",
    ], "\n".join(checks)
    assert re.search(r"^    #0 0x001[0-9a-f]{5} kmain at toy\.c:"
                     rf"{toy_source_line('PANIC CALL')}$", why, re.M), why
    assert "    beta86: booting (cmdline: 'build/kernel.elf init=panic')" in why
    assert '  to repeat it: make qemu-nox ICOUNT=1 APPEND="init=panic"' in why


LEAK_REASON = ("leak: 3 frames and 1 process slot still in use after init exited "
               "(ready: 31012 free frames, 2 slots; end: 31009, 3)")


def test_a_leak_fails_the_test_in_words(grading_session):
    """A run whose checks pass but whose leak check does not fails its test,
    with the leak as its reason, the kernel's line and how to repeat it; a
    test with parts scores nothing, however many of them passed."""
    result, tmp_path = grading_session
    table, why = grade_section(result.stdout)
    assert re.search(r"^  init exits and everything is given back \.+ OK  2/2$", table, re.M)
    assert re.search(r"^  init exits, but frames and a slot stay in use \.+ FAIL 0/3$",
                     table, re.M), table
    assert re.search(r"^  two checks that pass, then the leak \.+ FAIL 0/2$", table, re.M)
    block = detail_block(why, "init exits, but frames and a slot stay in use (lab 1, 0/3):")
    assert block == [
        f"  {LEAK_REASON}",
        "    the run of 'init=leaky' ended with:",
        "      beta86: init exited with status 0",
        "      beta86: leak check: free frames 31012 at ready, 30990 at the lowest, 31009 "
        "at the end; process slots in use 2 at ready, 3 at the end",
        "      beta86: shutdown (success)",
        '    to repeat it: make qemu-nox ICOUNT=1 APPEND="init=leaky"',
    ], "\n".join(block)
    parts = detail_block(why, "two checks that pass, then the leak (lab 1, 0/2):")
    assert "    parts: 0 of 2 points (a leak fails the whole test)" in parts, "\n".join(parts)
    grade = json.loads((tmp_path / "grade.json").read_text())
    by_name = {test["name"]: test for test in grade["tests"]}
    assert by_name["two checks that pass, then the leak"]["score"] == 0
    assert by_name["init exits, but frames and a slot stay in use"]["output"].startswith(
        LEAK_REASON + "\n")


@pytest.mark.parametrize("line, problem", [
    ((100, 90, 100, 1, 1), None),
    ((100, 90, 99, 1, 1), "leak: 1 frame still in use after init exited "
                          "(ready: 100 free frames, 1 slot; end: 99, 1)"),
    ((100, 90, 100, 1, 2), "leak: 1 process slot still in use after init exited "
                           "(ready: 100 free frames, 1 slot; end: 100, 2)"),
    ((100, 90, 102, 1, 1), "leak check: 2 frames more free after init exited than before "
                           "it started, so something was freed that was never allocated "
                           "(ready: 100 free frames, 1 slot; end: 102, 1)"),
    ((100, 100, 100, 1, 1), "leak check cannot count: the free-frame count never went "
                            "below 100 while init ran (lowest: 100), though init's own "
                            "kernel stack and address space take frames"),
], ids=["back to the baseline", "a frame held", "a slot held", "freed twice", "never moved"])
def test_leak_check_judges_the_kernels_line(line, problem):
    """Back to the baseline passes; anything held, or given back twice, or a
    count that never moved (a check that could pass vacuously) does not."""
    assert qemu.LeakCheck(*line).problem() == problem


def test_leak_check_applies_only_after_inits_end():
    """Checked once init has ended; its line must then be there."""
    ready = "beta86: ready after 5 instructions\n"
    assert qemu.leak_check(ready + "pid 2 (sh): killed by ...\n") is None
    assert qemu.leak_check(ready + "beta86: init killed by page fault\n") == (
        "leak check missing: the kernel printed no 'beta86: leak check: ...' line after "
        "'beta86: init killed by page fault'")
    assert qemu.leak_check(ready + "beta86: init exited with status 3\n"
                           "beta86: leak check: free frames 9 at ready, 7 at the lowest, 9 "
                           "at the end; process slots in use 1 at ready, 1 at the end\n") == ""


def test_one_root_cause_is_explained_once(grading_session):
    """Two tests that fail on the same panic: one explanation, both listed."""
    _, why = grade_section(grading_session[0].stdout)
    block = detail_block(why, "2 tests failed the same way: the kernel panicked: toy panic")
    assert block[:2] == ["  - the toy kernel does not panic (lab 1, 0/10)",
                         "  - the toy kernel prints its banner, then shuts down (lab 1, 2/4)"]
    assert why.count("panic: toy panic\n") == 1, why
    assert why.count(f"kmain at toy.c:{toy_source_line('PANIC CALL')}") == 2   # eip and #0


def test_partial_points_and_the_same_text_in_json(grading_session):
    result, tmp_path = grading_session
    grade = json.loads((tmp_path / "grade.json").read_text())
    by_name = {test["name"]: test for test in grade["tests"]}
    crash = by_name["the toy kernel prints its banner, then shuts down"]
    assert (crash["score"], crash["max_score"], crash["status"]) == (2, 4, "failed")
    assert "    FAIL 0/2  a clean shutdown\n           expected a clean shutdown\n" \
        in crash["output"], crash["output"]
    assert by_name["three independent checks"]["score"] == 1
    assert by_name["parts that do not add up to the points"]["score"] == 0
    _, why = grade_section(result.stdout)
    block = detail_block(why, "three independent checks (lab 1, 1/3):")
    assert by_name["three independent checks"]["output"] == \
        "\n".join(line[2:] for line in block)
    for test in grade["tests"]:
        assert str(tmp_path) not in test["output"] and "qemu.py" not in test["output"]


# What Jenkins' strict JUnit schema (junit-10.xsd of its xunit plugin, the
# schema pytest's junit_family=xunit2 targets) lets each element carry:
# its attributes (the required ones first) and its child elements.
JUNIT_RULES = {
    "testsuites": ((), {"name", "time", "tests", "failures", "errors"}, {"testsuite"}),
    "testsuite": (("name", "tests", "failures", "errors"),
                  {"group", "time", "skipped", "timestamp", "hostname", "id",
                   "package", "file", "log", "url"},
                  {"testsuite", "properties", "testcase", "system-out", "system-err"}),
    "properties": ((), set(), {"property"}),
    "property": (("name", "value"), set(), set()),
    "testcase": (("name",), {"time", "classname", "group"},
                 {"skipped", "error", "failure", "rerunFailure", "rerunError",
                  "flakyFailure", "flakyError", "system-out", "system-err"}),
    "failure": ((), {"type", "message"}, set()),
    "error": ((), {"type", "message"}, set()),
    "skipped": ((), {"type", "message"}, set()),
    "system-out": ((), set(), set()),
    "system-err": ((), set(), set()),
}
JUNIT_ELEMENT_ONLY = {"testsuites", "testsuite", "properties", "property", "testcase"}
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?")


def junit_violations(element, path=""):
    """What in a JUnit XML tree breaks JUNIT_RULES, as sentences."""
    where = f"{path}/{element.tag}"
    if element.tag not in JUNIT_RULES:
        return [f"{where}: no such element in the schema"]
    required, optional, children = JUNIT_RULES[element.tag]
    problems = [f"{where}: attribute {name!r} is missing"
                for name in required if name not in element.attrib]
    problems += [f"{where}: attribute {name!r} is not allowed"
                 for name in element.attrib if name not in set(required) | optional]
    if element.tag in ("testsuite", "testsuites") and "time" in element.attrib \
            and not SUREFIRE_TIME.fullmatch(element.attrib["time"]):
        problems.append(f"{where}: time {element.attrib['time']!r} is not a SUREFIRE_TIME")
    if element.tag in JUNIT_ELEMENT_ONLY:
        texts = [element.text] + [child.tail for child in element]
        if any(text and text.strip() for text in texts):
            problems.append(f"{where}: text where only elements may be")
    for child in element:
        if child.tag not in children:
            problems.append(f"{where}: <{child.tag}> is not allowed here")
        else:
            problems += junit_violations(child, where)
    return problems


def test_junit_xml_fits_jenkins_strict_schema(grading_session):
    _, tmp_path = grading_session
    root = xml.etree.ElementTree.parse(tmp_path / "junit.xml").getroot()
    assert root.tag == "testsuites"
    assert junit_violations(root) == []
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert cases["test_clean_shutdown"].find("failure") is None
    assert cases["test_no_panic"].find("failure") is not None
    assert cases["test_skipped"].find("skipped") is not None
    assert cases["test_setup_error"].find("error") is not None
    # the checker itself catches what the strict schema rejects
    bad = xml.etree.ElementTree.fromstring(
        '<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
        '<testcase name="t" file="t.py" line="3"><properties><property name="lab" '
        'value="1"/></properties></testcase></testsuite></testsuites>')
    assert junit_violations(bad) == [
        "/testsuites/testsuite/testcase: attribute 'file' is not allowed",
        "/testsuites/testsuite/testcase: attribute 'line' is not allowed",
        "/testsuites/testsuite/testcase: <properties> is not allowed here"]
