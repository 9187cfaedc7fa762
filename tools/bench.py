#!/usr/bin/env python3
"""bench.py - beta86's benchmarks, in instructions.

Boots each benchmark kernel test or user program under -icount shift=0 (the
grader's QEMU command line and firmware, grader/qemu.py), where rdtsc counts
retired instructions, so every figure repeats exactly. Every run boots with
poison=0: a benchmark measures the kernel, not the poisoning of freed
frames that helps tests catch a use after free (kernel/mm/frame.c). Prints
a table with each figure's target (the project's own) and the budget the
graded tests allow a student (twice that; both from grader/budgets.py),
and a verdict: by the target in the project's tree, by the students' budget
in a handout tree (--tree-lab, make bench with HANDOUT_LAB), where a
figure between the two is "ok (over the target, within your budget)"; the
exit status is that verdict's. It writes the same as JSON (build/bench.json by default); with --readme, also rewrites the README's table of figures (the
lines between README_BEGIN and README_END), so the README quotes what
`make bench` measured, never a hand copy.

A figure is read from the run's output: "ready" from the kernel's
"beta86: ready after N instructions" line; "KEY" from the first
"bench: ... KEY=N" line; "NAME:KEY" from the line "bench: NAME ... KEY=N"
(user/ubench.c prints one such line per benchmark).

    python3 tools/bench.py [--kernel build/kernel.elf] [--json build/bench.json]
                           [--readme README.md]
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "grader"))

import qemu  # noqa: E402  (grader/qemu.py)
from budgets import IRQ_BENCH_KEYS, TARGETS, student_budget  # noqa: E402  (grader/budgets.py)

# A benchmark prints only when it is done: silent for up to ~0.25 virtual s.
# A run silent for this long is hung (see qemu.Run).
SILENCE_BUDGET = 5_000_000_000
GRADER_FIRMWARE = qemu.firmware_in_use()
PROMPT_TARGET = f"reset to prompt ({GRADER_FIRMWARE})"
# Prepended to every command line: the figures are the kernel's own costs.
POISON_OFF = "poison=0"

# (name, kernel command line, figure to read, target in grader/budgets.py
# or None, firmware, the lab whose code it runs through: a lab N tree has
# labs N and later stubbed, so it measures up to lab N and skips the rest)
BENCHMARKS = [
    ("reset to the kernel's ready banner", "init=boot", "ready", None, GRADER_FIRMWARE, 1),
    ("cooperative switch, 2 threads", "init=bench_yield 2", "per_switch",
     "cooperative switch", GRADER_FIRMWARE, 2),
    ("cooperative switch, 60 threads", "init=bench_yield 60", "per_switch",
     "cooperative switch", GRADER_FIRMWARE, 2),
    ("preemptive switch, 2 threads", "hz=10000 init=bench_preempt 2", "per_switch",
     "preemptive switch", GRADER_FIRMWARE, 3),
    ("preemptive switch, 60 threads", "hz=10000 init=bench_preempt 60", "per_switch",
     "preemptive switch", GRADER_FIRMWARE, 3),
    # user space (lab 5, user/ubench.c)
    ("null system call (getpid) round trip", "init=ubench getpid", "getpid:per_op",
     "null system call", GRADER_FIRMWARE, 4),
    ("pipe round trip of 1 byte, 2 processes", "init=ubench pipe", "pipe:per_op",
     "pipe round trip", GRADER_FIRMWARE, 5),
    ("pipe round trip of 1 byte, 1 process (no switch)", "init=ubench pipe1",
     "pipe1:per_op", None, GRADER_FIRMWARE, 5),
    ("fork + exit + wait", "init=ubench fork", "fork:per_op", "fork + exit + wait",
     GRADER_FIRMWARE, 5),
    ("sbrk(+4096), touch, sbrk(-4096)", "init=ubench sbrk", "sbrk:per_op", "sbrk",
     GRADER_FIRMWARE, 5),
    # domains (lab 6): dom_call + dom_return, 4 arguments, 2 results
    ("domain call round trip, 2 domains", "init=ubench domcall", "domcall:per_op",
     "domain call round trip", GRADER_FIRMWARE, 6),
    ("domain call round trip, 16 domains", "init=ubench domcall16", "domcall16:per_op",
     "domain call round trip", GRADER_FIRMWARE, 6),
    # the same into a callee in C (adder.c through dom_crt0.S): what a C
    # callee adds, shown with no target
    ("domain call round trip, C callee, 2 domains", "init=ubench domcallc", "domcallc:per_op",
     None, GRADER_FIRMWARE, 6),
    # exception-handler domains (lab 7): a divide error fixed by the home's
    # handler and re-run; a ud2 skipped with fault_regs GET and SET
    ("fault round trip (divide error, handler, resume, re-run)", "init=ubench fault",
     "fault:per_op", "fault round trip", GRADER_FIRMWARE, 7),
    ("fault round trip with fault_regs GET + SET", "init=ubench faultregs",
     "faultregs:per_op", "fault round trip with fault_regs", GRADER_FIRMWARE, 7),
    # interrupt forwarding (lab 8): the test injector raises line 10
    # (ubench's IRQ_BENCH_LINE) once a tick; irq_wait with a delivery
    # pending, irq_ack of the masked line, and an edge to the driver back
    # from irq_wait (rdtsc minus irq_info's edge_tsc), 100 samples each
    ("irq_wait with a delivery pending", f"{IRQ_BENCH_KEYS} init=ubench irqwait",
     "irqwait:per_op", "irq_wait", GRADER_FIRMWARE, 8),
    ("irq_ack of a masked line", f"{IRQ_BENCH_KEYS} init=ubench irqack", "irqack:per_op",
     "irq_ack", GRADER_FIRMWARE, 8),
    ("IRQ edge to the driver back from irq_wait", f"{IRQ_BENCH_KEYS} init=ubench irqlatency",
     "irqlatency:per_op", "irq latency", GRADER_FIRMWARE, 8),
    # ubench forks and execs sh with its output on a pipe, and takes rdtsc
    # when "$ " arrives: reset to sh's first prompt, firmware included (one
    # exec more than a plain boot, where init starts sh itself)
    (f"reset to the shell's first prompt ({GRADER_FIRMWARE})", "init=ubench prompt",
     "prompt:instructions", PROMPT_TARGET, GRADER_FIRMWARE, 5),
    # the same with the firmware `make qemu` boots, for comparison
    ("reset to the shell's first prompt (seabios)", "init=ubench prompt",
     "prompt:instructions", None, "seabios", 5),
    # the scheduling trace on (kernel/proc/trace.h): what recording costs;
    # the figures above are with it off, where each hook is one test
    ("cooperative switch, 2 threads, trace=1", "trace=1 init=bench_yield 2", "per_switch",
     None, GRADER_FIRMWARE, 2),
    ("preemptive switch, 2 threads, trace=1", "trace=1 hz=10000 init=bench_preempt 2",
     "per_switch", None, GRADER_FIRMWARE, 3),
    ("domain call round trip, 2 domains, trace=1", "trace=1 init=ubench domcall",
     "domcall:per_op", None, GRADER_FIRMWARE, 6),
]
# Pairs whose figures must agree within SCALING_TOLERANCE (the O(1) pick).
SCALING = [("cooperative switch, 2 threads", "cooperative switch, 60 threads"),
           ("preemptive switch, 2 threads", "preemptive switch, 60 threads"),
           ("domain call round trip, 2 domains", "domain call round trip, 16 domains")]
SCALING_TOLERANCE = 0.05

README_BEGIN = "<!-- figures: written by `make bench` (tools/bench.py --readme); do not edit -->"
README_END = "<!-- end of figures -->"


class BenchError(Exception):
    """A benchmark did not run to a clean shutdown, or printed no figure."""


def run_kernel(kernel, cmdline, firmware, log_dir):
    """The serial output of one run, which must end in a clean shutdown."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{cmdline}-{firmware}")
    run = qemu.Run(kernel, f"{POISON_OFF} {cmdline}", log_path=Path(log_dir) / f"{name}.serial.log",
                   budget=SILENCE_BUDGET, firmware=firmware)
    kind = run.wait_exit()
    if kind != "success":
        raise BenchError(f"'{cmdline}' did not shut down cleanly: {run.explain()}")
    return run.output


def read_figure(output, figure):
    if figure == "ready":
        match = re.search(r"beta86: ready after (\d+) instructions", output)
    elif ":" in figure:
        name, key = figure.split(":", 1)
        match = re.search(rf"^bench: {name} .*\b{key}=(\d+(?:\.\d+)?)", output, re.M)
    else:
        match = re.search(rf"bench: .*\b{figure}=(\d+(?:\.\d+)?)", output)
    if not match:
        raise BenchError(f"no '{figure}' figure in the output:\n" + qemu.last_lines(output))
    start = output.rfind("\n", 0, match.start()) + 1
    end = output.find("\n", match.end())
    return float(match.group(1)), output[start:end if end >= 0 else len(output)]


def verdict(result, students):
    """A figure's verdict. The project holds itself to the target; in a
    handout tree (`students`, make bench with HANDOUT_LAB) the figure that
    counts is the students' budget, which the graded tests check and the
    handouts call "your budget", so a figure between the two is not
    called over budget there."""
    target, student = result["budget"], result["student_budget"]
    value = result["instructions"]
    if target is None:
        return ""
    if value <= target:
        return "ok"
    if students and student is not None and value <= student:
        return "ok (over the target, within your budget)"
    return "OVER YOUR BUDGET" if students else "OVER THE TARGET"


def within(result, students):
    """Whether a figure passes: within the target, or in a handout tree
    within the students' budget (what make bench's exit status says)."""
    limit = result["student_budget"] if students else result["budget"]
    return limit is None or result["instructions"] <= limit


def measure(kernel, log_dir, tree_lab=None):
    """Every benchmark's result and the scaling checks, as bench.json holds
    them; in a lab `tree_lab` tree, only the benchmarks of that lab and
    earlier ones (later labs' code is stubs there)."""
    results = []
    for name, cmdline, figure, target, firmware, lab in BENCHMARKS:
        if tree_lab is not None and lab > tree_lab:
            continue
        value, line = read_figure(run_kernel(kernel, cmdline, firmware, log_dir), figure)
        budget = TARGETS[target] if target else None
        results.append({"name": name, "cmdline": cmdline, "firmware": firmware,
                        "instructions": value, "budget": budget,
                        "student_budget": student_budget(target) if target else None,
                        "ok": budget is None or value <= budget, "line": line})
    by_name = {r["name"]: r["instructions"] for r in results}
    scaling = []
    for few, many in SCALING:
        if few not in by_name or many not in by_name:
            continue
        spread = abs(by_name[many] - by_name[few]) / by_name[few]
        scaling.append({"few": few, "many": many, "spread": spread,
                        "ok": spread <= SCALING_TOLERANCE})
    return {"firmware": GRADER_FIRMWARE, "results": results, "scaling": scaling}


def figure_text(value):
    """46.0 -> "46", 59.03 -> "59.03", 9402675.0 -> "9,402,675"."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def readme_table(bench):
    """The README's table of figures, from bench.json's content."""
    lines = [README_BEGIN,
             f"| benchmark (`make bench`, firmware {bench['firmware']}) | instructions "
             "| target | students' budget |",
             "| --- | ---: | ---: | ---: |"]
    for result in bench["results"]:
        budget = "" if result["budget"] is None else f"{result['budget']:,}"
        student = "" if result["student_budget"] is None else f"{result['student_budget']:,}"
        lines.append(f"| {result['name']} | {figure_text(result['instructions'])} "
                     f"| {budget} | {student} |")
    lines.append(README_END)
    return "\n".join(lines)


def with_readme_table(text, bench):
    """`text` (the README) with its table of figures replaced."""
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        raise BenchError(f"the README has no table of figures between "
                         f"{README_BEGIN!r} and {README_END!r}")
    return text[:begin] + readme_table(bench) + text[end + len(README_END):]


def print_table(bench, students=False):
    results = bench["results"]
    width = max(len(r["name"]) for r in results)
    print(f"firmware: {bench['firmware']} (the grader's)")
    print(f"{'benchmark':{width}} {'instructions':>14} {'target':>11} {'students':>11}")
    for r in results:
        budget = "" if r["budget"] is None else f"{r['budget']:,}"
        student = "" if r["student_budget"] is None else f"{r['student_budget']:,}"
        print(f"{r['name']:{width}} {r['instructions']:>14,.2f} {budget:>11} {student:>11}  "
              f"{verdict(r, students)}")
    for s in bench["scaling"]:
        print(f"{s['many']} vs {s['few']}: {s['spread']:.1%} apart "
              f"({'ok' if s['ok'] else 'MORE THAN 5%'})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default=str(ROOT / "build" / "kernel.elf"))
    parser.add_argument("--json", default=str(ROOT / "build" / "bench.json"))
    parser.add_argument("--readme", default=None,
                        help="rewrite this README's table of figures")
    parser.add_argument("--tree-lab", type=int, default=None,
                        help="the lab of a handout tree (HANDOUT_LAB): skip later labs' benchmarks")
    args = parser.parse_args()

    try:
        bench = measure(args.kernel, Path(args.json).parent / "bench", args.tree_lab)
        students = args.tree_lab is not None
        print_table(bench, students)
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(bench, indent=2) + "\n")
        print(f"written: {args.json}")
        if args.readme:
            readme = Path(args.readme)
            readme.write_text(with_readme_table(readme.read_text(), bench))
            print(f"written: {args.readme} (its table of figures)")
    except BenchError as error:
        sys.exit(f"bench: {error}")
    ok = (all(within(r, students) for r in bench["results"])
          and all(s["ok"] for s in bench["scaling"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
