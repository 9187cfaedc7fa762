"""The instruction budgets, in one place, for `make bench` and the grader.

TARGETS are the project's own figures: what the reference kernel (main)
must meet, shown by `make bench` (tools/bench.py) next to what it measures.
The graded budget tests (test_lab3_bench.py, test_lab5_bench.py,
test_lab6_bench.py, test_lab7_bench.py, test_lab8_bench.py) are the
students': they allow STUDENT_HEADROOM times the target, so that a plain,
correct implementation passes and only a wrong design (a scan of the
process table on every switch, a copy of every page) fails.
"""

STUDENT_HEADROOM = 2

# figure name -> the project's target, in instructions per operation
TARGETS = {
    "cooperative switch": 80,        # yield to yield, kernel threads
    "preemptive switch": 200,        # IRQ entry to the next thread's first instruction
    "null system call": 75,          # getpid round trip from user space
    "pipe round trip": 2_000,        # one byte there and back, two processes
    "fork + exit + wait": 200_000,   # of a small process
    "sbrk": 2_000,                   # sbrk(+4096), touch, sbrk(-4096)
    # dom_call + dom_return, 4 arguments and 2 results (lab 6, ubench
    # domcall: into asmadder, a callee of 6 instructions), the issue's
    # figure; the reference is at 159 (docs/05-domains.md, "What a call
    # costs"). The same into a C callee (ubench domcallc) is shown with no
    # target.
    "domain call round trip": 160,
    # fault -> handler entry -> resume -> the faulting instruction again
    # (lab 7, ubench fault), and the same with a fault_regs GET and SET
    # (ubench faultregs): the 300 and 600. The reference is at
    # 299 and 592 (docs/06-fault-handlers.md, "One fault, instruction by
    # instruction": a full trap frame for the fault, the resume gate's
    # without segments, the loop detector's copy of the faulting state,
    # and for fault_regs two more gates, each with a page walk).
    "fault round trip": 300,
    "fault round trip with fault_regs": 600,
    # interrupt forwarding (lab 8, ubench irqwait, irqack, irqlatency): the
    # gates int $51 and $52 as the issue asks (80 each; the reference is at
    # 74 and 75), and an injector edge to the driver's first instruction
    # back from irq_wait, the 400 (the reference is at 219: the
    # rest of the timer interrupt, the hand-off and the gate's way out).
    "irq_wait": 80,
    "irq_ack": 80,
    "irq latency": 400,
    # reset to the shell's first prompt, firmware included, by the firmware
    # the grader boots (grader/qemu.py: qboot where the machine has it)
    "reset to prompt (qboot)": 1_000_000,
    "reset to prompt (seabios)": 12_000_000,
}


# The kernel keys (before init=) lab 8's figures are measured with, by
# `make bench` and test_lab8_bench.py alike: the test injector raises line
# 10 (user/ubench.c's IRQ_BENCH_LINE) once a tick, more often in all than
# ubench's samples need. A sample waits a tick, so at hz=10000 ubench's
# 104 samples are 10.4 M virtual ns of silence, well inside the grader's
# silence budget (qemu.SILENCE_BUDGET); at the default hz=100 they were 1 G.
IRQ_BENCH_KEYS = "hz=10000 injectirq=10 injectcount=100000 injectrate=1"


def student_budget(name):
    """What a graded test allows for figure `name`."""
    return STUDENT_HEADROOM * TARGETS[name]


def expect_within_student_budget(label, value, name):
    """A graded test's check: `value` instructions (what benchmark `label`
    measured) fit the student's budget for figure `name`."""
    budget = student_budget(name)
    assert value <= budget, f"{label}: {value:g} instructions; the budget is {budget:,}"
